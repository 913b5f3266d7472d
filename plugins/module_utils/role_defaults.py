# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""The roles' defaults as the planners see them: the one Python table.

Pure Python, no imports but :mod:`console_types` (the per-type variables
come from there).  :mod:`console_settings`, :mod:`migration_settings`
and :mod:`preflight` take their defaults from here; tests/unit/test_defaults.py
keeps this table equal to roles/*/defaults/main.yml and the argument specs.

``''`` and ``None`` mean "not set": the value the role computes per host
(from facts or inventory) or derives from another variable.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.novaops.console_migration.plugins.module_utils import console_types as ct

LIBVIRT_TCP_PORT = 16509
LIBVIRT_TLS_PORT = 16514
QEMU_MIGRATION_PORTS = (49152, 49215)

SHARED = {
    'novaops_release': 'auto',
    'novaops_console_types': ['novnc'],
    'novaops_firewall_backend': 'auto',
}

CONSOLE_PROXY = {
    'console_proxy_ssl_cert': '',
    'console_proxy_ssl_key': '',
    'console_proxy_ssl_only': False,
    'console_proxy_ssl_minimum_version': '',
    'console_proxy_ssl_ciphers': '',
    'console_proxy_allowed_origins': [],
    'console_proxy_allowed_sources': ['0.0.0.0/0'],
}
# Per console type: console_proxy_<type>_host and _port.
for _type in ct.TYPES:
    CONSOLE_PROXY[ct.host_var(_type['name'])] = '0.0.0.0'
    CONSOLE_PROXY[ct.port_var(_type['name'])] = _type['port']

COMPUTE_CONSOLE = {
    'compute_console_management_address': '',
    'compute_console_server_listen': '',
    'compute_console_proxy_public_host': '',
    'compute_console_serial_listen': '',
    'compute_console_serial_port_range': '10000:20000',
    'compute_console_vnc_port_range': '5900:5999',
    # Not set: live_migration_libvirt_tcp_port and _tls_port.
    'compute_console_reserved_ports': None,
    'compute_console_proxy_addresses': [],
}
# Per console type: its URL ('': built from compute_console_proxy_public_host).
for _type in ct.TYPES:
    COMPUTE_CONSOLE[_type['url_var']] = ''
del _type

LIVE_MIGRATION = {
    'live_migration_transport': 'tls',
    'live_migration_tcp_auth': 'sasl',
    'live_migration_allow_tcp_auth_none': False,
    'live_migration_sasl_username': 'migration',
    'live_migration_sasl_password': '',
    'live_migration_address': '',
    'live_migration_libvirt_tcp_port': LIBVIRT_TCP_PORT,
    'live_migration_libvirt_tls_port': LIBVIRT_TLS_PORT,
    'live_migration_port_min': QEMU_MIGRATION_PORTS[0],
    'live_migration_port_max': QEMU_MIGRATION_PORTS[1],
    'live_migration_bandwidth': 0,
    'live_migration_permit_post_copy': None,
    'live_migration_permit_auto_converge': None,
    'live_migration_native_tls': 'auto',
    'live_migration_tunnelled': None,
    'live_migration_tls_files': {},
    'live_migration_pki_renew_days': 30,
    'live_migration_align_ids': True,
    'live_migration_nova_uid': None,
    'live_migration_nova_gid': None,
    'live_migration_qemu_uid': None,
    'live_migration_qemu_gid': None,
    'live_migration_multipath': False,
    'live_migration_force_id_change': False,
}


def port_default(var):
    """``(first, last)`` of the default port or range of ``var``, or None."""
    if var == 'live_migration_port_min':
        return QEMU_MIGRATION_PORTS
    for table in (CONSOLE_PROXY, COMPUTE_CONSOLE, LIVE_MIGRATION):
        value = table.get(var)
        if isinstance(value, int) and not isinstance(value, bool):
            return value, value
        if isinstance(value, str) and ':' in value:
            first, last = value.split(':')
            return int(first), int(last)
    return None


def defaults(*tables):
    """A fresh dict merging ``tables`` (lists copied, so callers may change them)."""
    out = {}
    for table in tables:
        for key, value in table.items():
            out[key] = list(value) if isinstance(value, list) else (dict(value) if isinstance(value, dict) else value)
    return out
