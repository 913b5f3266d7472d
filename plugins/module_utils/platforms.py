# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""The platform table: every package, unit, account and path the collection uses.

One entry per distribution family (:data:`PLATFORMS`), with what all families
share in :data:`SHARED`.  Pure data and lookups, no Ansible imports.  Planners,
roles (through the plans and ``__novaops_host``), preflight and verify read it.

* :func:`families` - the known families, in table order.
* :func:`platform` - the merged entry of a family (``release`` applies the
  family's per-release overrides).
* :func:`detect` - the family of a host from ``ansible_facts``.
* :func:`console_names` - package and unit of a console service.
* :func:`host_record` - what the common role keeps in ``__novaops_host``.

Adding a family is one entry here: the planners, the common role and the
playbooks take every name from it.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import copy

# Firewall backends whose packages and services each family lists.
FIREWALL_PACKAGES = ('iptables', 'nftables')

# Shared by every family unless an entry overrides it.
SHARED = {
    'nova_conf': '/etc/nova/nova.conf',
    'nova_account': {'user': 'nova', 'group': 'nova'},
    'libvirt': {
        'qemu_conf': '/etc/libvirt/qemu.conf',
        'config': {'libvirtd': '/etc/libvirt/libvirtd.conf', 'virtproxyd': '/etc/libvirt/virtproxyd.conf'},
        # Files that may pass --listen to a socket-activated daemon, with their variables.
        'args_files': {
            'libvirtd': (('/etc/sysconfig/libvirtd', ('LIBVIRTD_ARGS',)),
                         ('/etc/default/libvirtd', ('LIBVIRTD_ARGS', 'libvirtd_opts'))),
            'virtproxyd': (('/etc/sysconfig/virtproxyd', ('VIRTPROXYD_ARGS',)),
                           ('/etc/default/virtproxyd', ('VIRTPROXYD_ARGS',))),
        },
        # Where a monolithic libvirtd without sockets takes its options, in probe order.
        'legacy_init_files': ('/etc/sysconfig/libvirtd', '/etc/default/libvirtd', '/etc/default/libvirt-bin',
                              '/etc/init/libvirt-bin.conf'),
    },
    # libvirt's default TLS locations: (key, path, mode); dirs (path, mode).
    'tls': {
        'files': (
            ('ca_cert', '/etc/pki/CA/cacert.pem', '0644'),
            ('server_cert', '/etc/pki/libvirt/servercert.pem', '0644'),
            ('server_key', '/etc/pki/libvirt/private/serverkey.pem', '0600'),
            ('client_cert', '/etc/pki/libvirt/clientcert.pem', '0644'),
            ('client_key', '/etc/pki/libvirt/private/clientkey.pem', '0600'),
        ),
        'dirs': (('/etc/pki/CA', '0755'), ('/etc/pki/libvirt', '0755'), ('/etc/pki/libvirt/private', '0700')),
    },
    'sasl': {'conf': '/etc/sasl2/libvirt.conf', 'db': '/etc/libvirt/passwd.db',
             'client_auth': '/etc/libvirt/auth.conf'},
    'multipath_service': 'multipathd',
    # File whose values select the proxies a shared console package starts (None: none).
    'console_default_file': None,
    # Console types no package of the family provides.
    'missing_console_types': (),
    # Console types of which only one may run (one shared package).
    'exclusive_console_types': (),
    # Release overrides: (last release, patch), applied when release <= last.
    'until': (),
}

# Sources of the console names: puppet-nova manifests/params.pp, Ubuntu
# manpages, RDO openstack-nova.spec (%files sections); diablo's nova-vncproxy
# from the diablo install guide (Debian by analogy).
_DEBIAN = {
    'match': {'os_family': 'Debian'},
    'package_manager': 'apt',
    'nova_packages': ('nova-common', 'python3-nova', 'nova-compute'),
    'compute_service': 'nova-compute',
    'qemu_account': {'user': 'libvirt-qemu', 'group': 'kvm'},
    'packages': {
        'libvirt': ('libvirt-daemon-system', 'libvirt-clients'),
        'multipath': ('multipath-tools',),
        'sasl': ('sasl2-bin', 'libsasl2-modules'),
        'ssh': ('openssh-server', 'openssh-client'),
        'iptables': ('iptables', 'iptables-persistent'),
        'nftables': ('nftables',),
    },
    'services': {'ssh': 'ssh', 'iptables': ('netfilter-persistent',), 'nftables': ('nftables',)},
    # service: (package, unit)
    'console': {
        'nova-novncproxy': ('nova-consoleproxy', 'nova-novncproxy'),
        'nova-spicehtml5proxy': ('nova-consoleproxy', 'nova-spicehtml5proxy'),
        'nova-serialproxy': ('nova-consoleproxy', 'nova-serialproxy'),
        'nova-consoleauth': ('nova-consoleauth', 'nova-consoleauth'),
        'nova-xvpvncproxy': (None, None),
        'nova-console': (None, None),
        'nova-vncproxy': ('nova-vncproxy', 'nova-vncproxy'),
    },
    'console_default_file': {
        'path': '/etc/default/nova-consoleproxy',
        'type_key': 'NOVA_CONSOLE_PROXY_TYPE',
        'types': {'novnc': 'novnc', 'spice': 'spicehtml5'},
        'serial_key': 'NOVA_SERIAL_PROXY_START',
    },
    'missing_console_types': ('xvpvnc',),
    'exclusive_console_types': ('novnc', 'spice'),
}

# Ubuntu: Debian's packages, but one package per console proxy and no
# shared /etc/default file.
_UBUNTU = dict(
    {key: value for key, value in _DEBIAN.items()
     if key not in ('console_default_file', 'missing_console_types', 'exclusive_console_types')},
    match={'os_family': 'Debian', 'distribution': 'Ubuntu'},
    console={
        'nova-novncproxy': ('nova-novncproxy', 'nova-novncproxy'),
        'nova-spicehtml5proxy': ('nova-spiceproxy', 'nova-spiceproxy'),
        'nova-serialproxy': ('nova-serialproxy', 'nova-serialproxy'),
        'nova-consoleauth': ('nova-consoleauth', 'nova-consoleauth'),
        'nova-xvpvncproxy': ('nova-xvpvncproxy', 'nova-xvpvncproxy'),
        'nova-console': ('nova-console', 'nova-console'),
        'nova-vncproxy': ('nova-vncproxy', 'nova-vncproxy'),
    },
)

PLATFORMS = {
    'debian': _DEBIAN,
    'ubuntu': _UBUNTU,
    'redhat': {
        'match': {'os_family': 'RedHat'},
        'package_manager': 'dnf',
        'nova_packages': ('openstack-nova-common', 'python3-nova', 'openstack-nova-compute'),
        'compute_service': 'openstack-nova-compute',
        'qemu_account': {'user': 'qemu', 'group': 'qemu'},
        'packages': {
            'libvirt': ('libvirt-daemon-kvm', 'libvirt-client'),
            'multipath': ('device-mapper-multipath',),
            'sasl': ('cyrus-sasl', 'cyrus-sasl-md5'),
            'ssh': ('openssh-server', 'openssh-clients'),
            'iptables': ('iptables', 'iptables-services'),
            'nftables': ('nftables',),
        },
        'services': {'ssh': 'sshd', 'iptables': ('iptables',), 'nftables': ('nftables',)},
        'console': {
            'nova-novncproxy': ('openstack-nova-novncproxy', 'openstack-nova-novncproxy'),
            'nova-spicehtml5proxy': ('openstack-nova-spicehtml5proxy', 'openstack-nova-spicehtml5proxy'),
            'nova-serialproxy': ('openstack-nova-serialproxy', 'openstack-nova-serialproxy'),
            'nova-consoleauth': ('openstack-nova-console', 'openstack-nova-consoleauth'),
            'nova-xvpvncproxy': ('openstack-nova-console', 'openstack-nova-xvpvncproxy'),
            'nova-console': ('openstack-nova-console', 'openstack-nova-console'),
            'nova-vncproxy': ('openstack-nova-vncproxy', 'openstack-nova-vncproxy'),
        },
        # puppet-nova's older params.pp: the SPICE proxy in openstack-nova-console.
        'until': (('icehouse', {'console': {'nova-spicehtml5proxy': ('openstack-nova-console',
                                                                     'openstack-nova-spicehtml5proxy')}}),),
    },
}


def families():
    """The known distribution families, in table order."""
    return tuple(PLATFORMS)


def _merge(base, patch):
    out = dict(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def platform(family, release=None, order=None):
    """The entry of ``family`` merged over :data:`SHARED` (a copy).

    With ``release`` and ``order`` (a function giving a release's index),
    the family's ``until`` overrides whose last release is not before
    ``release`` are applied.  ValueError for an unknown family.
    """
    if family not in PLATFORMS:
        raise ValueError('unknown distribution family %r; expected one of: %s' % (family, ', '.join(families())))
    entry = _merge(SHARED, PLATFORMS[family])
    if release is not None and order is not None:
        for last, patch in entry['until']:
            if order(release) <= order(last):
                entry = _merge(entry, patch)
    return copy.deepcopy(entry)


def detect(facts):
    """Family of a host from its ``ansible_facts`` (``os_family``, ``distribution``), or None.

    The entry with the most matching keys wins (Ubuntu before Debian).
    """
    best, score = None, 0
    for family, entry in PLATFORMS.items():
        match = entry['match']
        if all(facts.get(key) == value for key, value in match.items()) and len(match) > score:
            best, score = family, len(match)
    return best


def supported():
    """The supported families as text for messages."""
    return ', '.join(families())


def console_names(family, service, release=None, order=None):
    """``{'package': ..., 'service': ...}`` of a console service (None where unknown)."""
    package, unit = platform(family, release, order)['console'].get(service, (None, None))
    return {'package': package, 'service': unit}


def nova_packages():
    """The nova packages whose version tells the release, over every family, rank by rank."""
    lists = [PLATFORMS[family]['nova_packages'] for family in families()]
    out = []
    for rank in range(max(len(names) for names in lists)):
        for names in lists:
            if rank < len(names) and names[rank] not in out:
                out.append(names[rank])
    return out


def all_packages(family):
    """Every package the table names for ``family``: what the roles may install or look at."""
    entry = platform(family)
    out = list(entry['nova_packages'])
    for names in entry['packages'].values():
        out.extend(names)
    out.extend(package for package, _unit in entry['console'].values() if package)
    return sorted(set(out))


def host_record(facts, firewall_backend, nova_conf_path=None):
    """What the common role records in ``__novaops_host`` besides release and backend.

    ``distro`` is None for a host of no known family.
    """
    family = detect(facts)
    if family is None:
        return {'distro': None, 'supported': supported()}
    entry = platform(family)
    # firewalld is the host's own: the collection installs nothing for it.
    packaged = firewall_backend in FIREWALL_PACKAGES
    return {
        'distro': family,
        'supported': supported(),
        'package_manager': entry['package_manager'],
        'nova_conf_path': nova_conf_path or entry['nova_conf'],
        'firewall_packages': list(entry['packages'][firewall_backend]) if packaged else [],
        'firewall_services': list(entry['services'][firewall_backend]) if packaged else [],
        'nova_account': entry['nova_account'],
        'qemu_account': entry['qemu_account'],
    }
