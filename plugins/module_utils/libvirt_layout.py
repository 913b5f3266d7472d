# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""Which libvirt units to restart for a changed file, per daemon layout.

Pure Python; paths from :mod:`platforms`.  The layouts are the modes the ``libvirt_listen``
module detects and returns:

* ``legacy``: monolithic libvirtd without socket activation;
* ``socket``: monolithic libvirtd, socket activated (Debian 11 to 13);
* ``modular``: virtqemud (the QEMU driver, reads ``qemu.conf``) and
  virtproxyd (remote connections: TLS server files, SASL).  Their units
  conflict with ``libvirtd.service``, which is never restarted there.

The daemon reads its TLS files and SASL configuration when it starts, so a
change restarts the service; the TCP/TLS sockets only hold the listening
file descriptor and are restarted by ``libvirt_listen`` when the listener
itself changes.  ``/etc/libvirt/auth.conf`` is read by the client on each
connection and needs no restart.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.novaops.console_migration.plugins.module_utils import platforms

_LIBVIRT = platforms.SHARED['libvirt']
# sysconfig, default (Debian), libvirt-bin (Ubuntu's upstart era).
_SYSCONFIG, _DEFAULT, _LIBVIRT_BIN = _LIBVIRT['legacy_init_files'][:3]

LAYOUTS = ('legacy', 'socket', 'modular')
# What changed: qemu.conf, the TLS files, libvirt's SASL configuration.
CHANGES = ('qemu_conf', 'tls', 'sasl')

_RESTARTS = {
    'legacy': {'qemu_conf': ['libvirtd'], 'tls': ['libvirtd'], 'sasl': ['libvirtd']},
    'socket': {'qemu_conf': ['libvirtd'], 'tls': ['libvirtd'], 'sasl': ['libvirtd']},
    'modular': {'qemu_conf': ['virtqemud'], 'tls': ['virtproxyd'], 'sasl': ['virtproxyd']},
}


# libvirt versions (major, minor) from which a layout exists: TCP/TLS socket
# units libvirtd-tcp.socket / libvirtd-tls.socket arrived in 5.6.0 (libvirt
# QE, avocado-vt: "From libvirt 5.6, need to start libvirtd-tls.socket");
# NEWS v5.7.0: "Experimental split of libvirtd into separate daemons".
SINCE = {'socket': (5, 6), 'modular': (5, 7)}


def since(layout):
    """The first libvirt version of ``layout`` as text (``5.6``)."""
    return '%d.%d' % SINCE[layout]


def parse_version(text):
    """(major, minor) of a libvirt version such as ``4.5.0`` or ``11.3.0-2``; ValueError otherwise."""
    parts = ('%s' % (text,)).strip().split('.')
    try:
        return int(parts[0]), int(parts[1].split('-')[0]) if len(parts) > 1 else 0
    except ValueError:
        raise ValueError('%r is not a libvirt version such as 9.0.0' % (text,))


def layout_for(version, systemd=True, modular=False):
    """The layout of libvirt ``version`` on a host (``modular``: it switched to the modular daemons)."""
    found = parse_version(version)
    if not systemd or found < SINCE['socket']:
        return 'legacy'
    if modular and found >= SINCE['modular']:
        return 'modular'
    return 'socket'


# The libvirt of the distribution a family ran a release on (first, last
# release, distribution, libvirt, legacy options file): Ubuntu 11.10 oneiric
# libvirt 0.9.2 (diablo; upstart job libvirt-bin); CentOS 7.6+ libvirt 4.5.0
# (RDO juno to train); Debian 11/12/13 libvirt 7.0, 9.0, 11.3, each a socket
# activated libvirtd (Debian packages no virtqemud/virtproxyd; molecule
# scenarios bullseye, migration and trixie).
PACKAGED = {
    'ubuntu': (('diablo', 'diablo', 'Ubuntu 11.10', '0.9.2', _LIBVIRT_BIN),),
    'redhat': (('juno', 'train', 'RHEL/CentOS 7', '4.5.0', _SYSCONFIG),),
    'debian': (('victoria', 'victoria', 'Debian 11', '7.0.0', _DEFAULT),
               ('zed', 'zed', 'Debian 12', '9.0.0', _DEFAULT),
               ('epoxy', 'epoxy', 'Debian 13', '11.3.0', _DEFAULT)),
}
_LEGACY_FLAG = {_LIBVIRT_BIN: 'libvirtd_opts="-d -l"', _SYSCONFIG: 'LIBVIRTD_ARGS="--listen"',
                _DEFAULT: 'LIBVIRTD_ARGS="--listen"'}


def packaged(family, release, order):
    """``{'distribution', 'libvirt', 'legacy_init'}`` of ``family`` on ``release`` (``order``: release index), or None."""
    for first, last, distribution, version, legacy_init in PACKAGED.get(family, ()):
        if order(first) <= order(release) <= order(last):
            return {'distribution': distribution, 'libvirt': version, 'legacy_init': legacy_init}
    return None


def listen_lines(layout, transport, address, port, auth_tcp=None, legacy_init=None):
    """What libvirt_listen writes and starts in ``layout``, as plan lines."""
    host = '[%s]' % address if ':' in address else address
    if layout == 'legacy':
        lines = [_LIBVIRT['config']['libvirtd'] + ': listen_tls = %d, listen_tcp = %d, %s_port = "%d", listen_addr = "%s"'
                 % (transport == 'tls', transport == 'tcp', transport, port, address)
                 + (', auth_tcp = "%s"' % auth_tcp if transport == 'tcp' else '')]
        files = [legacy_init] if legacy_init else [_SYSCONFIG, _DEFAULT, _LIBVIRT_BIN]
        for path in files:
            lines.append('%s: %s (the --listen flag)' % (path, _LEGACY_FLAG[path]))
        lines.append('restart libvirtd (%s); with systemd, libvirtd-tcp/tls.socket disabled and stopped'
                     % ('initctl stop/start libvirt-bin' if legacy_init == _LIBVIRT_BIN else 'service'))
        return lines
    daemon = 'virtproxyd' if layout == 'modular' else 'libvirtd'
    unit = '%s-%s.socket' % (daemon, transport)
    lines = ['/etc/systemd/system/%s.d/novaops-listen.conf: [Socket] ListenStream=%s:%d' % (unit, host, port)]
    if transport == 'tcp':
        lines.append('%s: auth_tcp = "%s"' % (_LIBVIRT['config'][daemon], auth_tcp))
    args = ['%s (%s)' % (path, '/'.join(names)) for path, names in _LIBVIRT['args_files'][daemon]]
    lines.append('--listen removed from %s' % ', '.join(args))
    lines.append('enable %s.socket %s-ro.socket %s-admin.socket %s; stop %s.service, restart %s, start %s.service'
                 % (daemon, daemon, daemon, unit, daemon, unit, daemon))
    return lines


def restart_table():
    """{change: {layout: [units]}}, a copy for the plan."""
    return dict((change, dict((layout, list(_RESTARTS[layout][change])) for layout in LAYOUTS)) for change in CHANGES)


def restart_units(layout, changed):
    """The units to restart on ``layout`` for the changes in ``changed`` (an iterable of CHANGES)."""
    if layout not in _RESTARTS:
        raise ValueError('%r is not a libvirt layout (expected one of: %s)' % (layout, ', '.join(LAYOUTS)))
    out = []
    for change in CHANGES:
        if change in changed:
            out.extend(u for u in _RESTARTS[layout][change] if u not in out)
    unknown = sorted(set(changed) - set(CHANGES))
    if unknown:
        raise ValueError('unknown changes: %s (expected: %s)' % (', '.join(unknown), ', '.join(CHANGES)))
    return out
