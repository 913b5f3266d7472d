# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""Which libvirt units to restart for a changed file, per daemon layout.

Pure Python, no imports.  The layouts are the modes the ``libvirt_listen``
module detects and returns:

* ``legacy``: monolithic libvirtd without socket activation;
* ``socket``: monolithic libvirtd, socket activated (Debian 12's libvirt 9.0);
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

LAYOUTS = ('legacy', 'socket', 'modular')
# What changed: qemu.conf, the TLS files, libvirt's SASL configuration.
CHANGES = ('qemu_conf', 'tls', 'sasl')

_RESTARTS = {
    'legacy': {'qemu_conf': ['libvirtd'], 'tls': ['libvirtd'], 'sasl': ['libvirtd']},
    'socket': {'qemu_conf': ['libvirtd'], 'tls': ['libvirtd'], 'sasl': ['libvirtd']},
    'modular': {'qemu_conf': ['virtqemud'], 'tls': ['virtproxyd'], 'sasl': ['virtproxyd']},
}


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
