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

from ansible_collections.novaops.console_migration.plugins.module_utils import console_types

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
    # QEMU's own TLS (qemu.conf default_tls_x509_cert_dir): files owned by the QEMU account.
    'qemu_tls': {
        'dir': ('/etc/pki/qemu', '0755'),
        'files': (
            ('ca_cert', '/etc/pki/qemu/ca-cert.pem', '0644'),
            ('server_cert', '/etc/pki/qemu/server-cert.pem', '0644'),
            ('server_key', '/etc/pki/qemu/server-key.pem', '0600'),
            ('client_cert', '/etc/pki/qemu/client-cert.pem', '0644'),
            ('client_key', '/etc/pki/qemu/client-key.pem', '0600'),
        ),
    },
    'sasl': {'conf': '/etc/sasl2/libvirt.conf', 'db': '/etc/libvirt/passwd.db',
             'client_auth': '/etc/libvirt/auth.conf'},
    'multipath_service': 'multipathd',
    # File whose values select the proxies a shared console package starts (None: none).
    'console_default_file': None,
    # Console types no package of the family provides, and those of which
    # only one may run (one shared package): from console_types.
    'missing_console_types': (),
    'exclusive_console_types': (),
    # Release overrides: (last release, patch), applied when release <= last.
    'until': (),
}

# Console proxy names per family are in console_types; these are the other
# console services (same sources).
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
        'nova-consoleauth': ('nova-consoleauth', 'nova-consoleauth'),
        # Removed with nova-xvpvncproxy in Debian's 2:21.0.0~rc1-1 (ussuri).
        'nova-console': ('nova-console', 'nova-console'),
    },
    # Before the split into libvirt-daemon-system and libvirt-clients (Debian 9,
    # Ubuntu 16.10: newton), one libvirt-bin package.
    'until': (('mitaka', {'packages': {'libvirt': ('libvirt-bin',)}}),),
    # 'types' (per console type) from console_types.
    'console_default_file': {
        'path': '/etc/default/nova-consoleproxy',
        'type_key': 'NOVA_CONSOLE_PROXY_TYPE',
        'serial_key': 'NOVA_SERIAL_PROXY_START',
    },
}

# Ubuntu: Debian's packages, but one package per console proxy and no
# shared /etc/default file.
_UBUNTU = dict(
    {key: value for key, value in _DEBIAN.items() if key != 'console_default_file'},
    match={'os_family': 'Debian', 'distribution': 'Ubuntu'},
    console={
        'nova-consoleauth': ('nova-consoleauth', 'nova-consoleauth'),
        'nova-console': ('nova-console', 'nova-console'),
    },
)

PLATFORMS = {
    'debian': _DEBIAN,
    'ubuntu': _UBUNTU,
    'redhat': {
        'match': {'os_family': 'RedHat'},
        'package_manager': 'dnf',
        # Diablo's RPM (Fedora openstack-nova 2011.3 spec: "Collapse all sub-packages
        # into openstack-nova") is one openstack-nova package.
        'nova_packages': ('openstack-nova-common', 'python3-nova', 'openstack-nova-compute', 'openstack-nova'),
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
            'nova-consoleauth': ('openstack-nova-console', 'openstack-nova-consoleauth'),
            'nova-console': ('openstack-nova-console', 'openstack-nova-console'),
        },
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


def _with_console_types(family):
    """The entry of ``family`` over :data:`SHARED`, with the console names of console_types.

    The family's own ``console`` names, ``missing_console_types`` and
    ``exclusive_console_types`` win; the latter two are derived otherwise.
    """
    own = PLATFORMS[family]
    entry = _merge(_merge(SHARED, {'console': console_types.family_names(family)}), own)
    entry['until'] = tuple(own.get('until', ())) + console_types.family_until(family)
    if 'missing_console_types' not in own:
        entry['missing_console_types'] = tuple(
            t['name'] for t in console_types.TYPES
            if all(entry['console'].get(s['name'], (None, None))[0] is None for s in t['services']))
    if entry['console_default_file']:
        types = dict(console_types.default_file_types(family), **entry['console_default_file'].get('types', {}))
        entry['console_default_file'] = dict(entry['console_default_file'], types=types)
        if 'exclusive_console_types' not in own:
            entry['exclusive_console_types'] = tuple(types)
    return entry


def platform(family, release=None, order=None):
    """The entry of ``family`` merged over :data:`SHARED` (a copy).

    With ``release`` and ``order`` (a function giving a release's index),
    the family's ``until`` overrides whose last release is not before
    ``release`` are applied.  ValueError for an unknown family.
    """
    if family not in PLATFORMS:
        raise ValueError('unknown distribution family %r; expected one of: %s' % (family, ', '.join(families())))
    entry = _with_console_types(family)
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
