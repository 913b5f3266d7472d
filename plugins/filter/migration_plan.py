# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r"""
name: migration_plan
short_description: Validate the live migration variables and compute what the role applies
version_added: 1.0.0
author: "novaops maintainers (@novaops)"
description:
  - Takes a dictionary whose keys are the public variable names of the live migration role, plus the internal key
    C(distro), checks every value and returns the plan the role applies on one compute host for that distribution
    family and OpenStack release.
  - >-
    All problems are reported at once, one line each, starting with the variable name and ending with the expected
    form, for example: live_migration_peers: '192.0.2.300' is not an IP address (expected a list of the other compute
    hosts' migration IP addresses, e.g. ['192.168.2.12'])
  - The SASL password is checked but never shown in a message and never copied into the plan.
  - Runs on the controller only. Missing keys take the role's documented defaults.
positional: _input
options:
  _input:
    description:
      - The settings. C(distro) (V(debian), V(ubuntu) or V(redhat)), C(novaops_release) (a release name, a series
        such as V(2023.1), an early date version or an installed nova package version; V(auto) is refused) and
        C(novaops_firewall_backend) (V(auto), V(iptables), V(firewalld), V(none)).
      - C(live_migration_transport) V(tls) (default), V(tcp) or V(ssh); C(live_migration_tcp_auth) V(sasl) (default)
        or V(none), which is refused unless C(live_migration_allow_tcp_auth_none) is true;
        C(live_migration_sasl_username) (default V(migration)) and C(live_migration_sasl_password) (required for
        tcp with sasl).
      - C(live_migration_address) (required, this host's migration IP address), C(live_migration_peers) (the other
        compute hosts' migration IP addresses; empty opens no port), C(live_migration_libvirt_tcp_port) (V(16509)),
        C(live_migration_libvirt_tls_port) (V(16514)), C(live_migration_port_min) and C(live_migration_port_max)
        (the QEMU migration ports, V(49152) and V(49215)).
      - C(live_migration_bandwidth) (MiB/s, V(0) leaves it unset), C(live_migration_permit_post_copy) and
        C(live_migration_permit_auto_converge) (true, false or null to leave unset; from newton on).
      - C(live_migration_tls_files) (a dict with C(ca_cert), C(server_cert), C(server_key), C(client_cert) and
        C(client_key) as absolute controller paths, all five or none), C(live_migration_align_ids) with
        C(live_migration_nova_uid), C(live_migration_nova_gid), C(live_migration_qemu_uid) and
        C(live_migration_qemu_gid) (integers or null), and C(live_migration_multipath).
      - C(live_migration_native_tls) (V(auto), default, true or false; QEMU's own TLS for the migration stream, from
        stein with the tls transport and libvirt 4.4 on, refused with true elsewhere or with
        C(live_migration_tunnelled) true) and C(live_migration_tunnelled) (true, false or null; from mitaka on).
      - C(live_migration_pki_renew_days) (days, V(0) to V(1824)) is checked and left to the role, which issues
        a certificate of the private CA again when it expires within that many days.
      - C(live_migration_force_id_change) is accepted and left to M(novaops.console_migration.host_plan) (its
        C(ids.force)).
      - C(host_ports) is the list of C(ports) of the host's other plans (console_plan); the libvirt port of the
        transport and the QEMU range are checked against them and against each other, naming both variables.
      - Unknown keys starting with C(live_migration_) give a warning; other keys are ignored.
    type: dict
    required: true
notes:
  - From ocata on the plan writes C([libvirt] live_migration_scheme) and removes C(live_migration_uri); mitaka and
    newton get C(live_migration_uri) with C(live_migration_inbound_addr); older releases C(live_migration_uri) in the
    release's section; diablo gets the guide's flagfile lines.
  - The QEMU migration port range is opened to the peers for every transport, since the migration data goes from
    QEMU to QEMU directly, except on juno to mitaka, whose default flags tunnel it through libvirtd (V(tunnelled)).
  - Diablo to mitaka get C(live_migration_flag) and C(block_migration_flag), the release's defaults with
    C(VIR_MIGRATE_LIVE) added before juno (without it libvirt pauses the guest during the copy).
  - C(tcp) with C(sasl) uses the DIGEST-MD5 mechanism, the only password mechanism giving libvirt the security layer
    it requires on a plain TCP socket.
"""

EXAMPLES = r"""
- name: Plan live migration for a compute host
  ansible.builtin.set_fact:
    migration_plan: >-
      {{ {'distro': 'redhat', 'novaops_release': 'zed', 'live_migration_address': '192.168.2.11',
          'live_migration_peers': ['192.168.2.12']} | novaops.console_migration.migration_plan }}
"""

RETURN = r"""
_value:
  description:
    - The plan as plain dictionaries, lists and strings.
    - V(config_format) (V(ini) or V(flagfile)), V(transport), V(tunnelled) (whether nova tunnels the migration
      data through libvirtd on the release), V(native_tls) (whether QEMU encrypts it with its own TLS), V(libvirt_uri) (such as C(qemu+tls://%s/system)),
      V(nova_conf) (V(section)/V(option)/V(value) entries and V(section)/V(option)/V(state=absent) entries),
      V(flagfile) (diablo lines), V(libvirtd) (V(transport), null for ssh, V(auth_tcp), V(listen_address),
      V(tcp_port), V(tls_port)), V(libvirt_restart) (for a change of V(qemu_conf), V(tls) or V(sasl), the units to
      restart per daemon layout V(legacy), V(socket) or V(modular) as M(novaops.console_migration.libvirt_listen)
      returns it), V(qemu_conf) (V(migration_port_min), V(migration_port_max), V(default_tls_x509_verify) with
      V(native_tls)), V(sasl_conf) (V(path) and
      V(values) of C(/etc/sasl2/libvirt.conf), or null), V(sasl) (V(username), V(sasldb_path), V(client_auth_path),
      or null), V(tls) (null unless the transport is tls; V(private_ca), V(dirs) with V(path)/V(mode), V(files) with
      V(name), V(src) (null when the private CA issues it), V(dest), V(mode)), V(qemu_tls) (null unless
      V(native_tls); V(dir), V(dirs) and V(files) as V(tls) with V(owner)/V(group), the QEMU account for files), V(firewall) (V(owner), V(backend),
      V(rules)), V(ids) (V(align), V(nova_uid), V(nova_gid), V(qemu_uid), V(qemu_gid), V(qemu_user),
      V(qemu_group)), V(multipath) (V(user_friendly_names), V(service), or null), V(packages) (libvirt's and the
      transport's, multipath's), V(services) (to start, the SSH server for ssh), V(restart_on_change), V(ports)
      (what the role makes listen on the host, as console_plan returns them), V(iptables_lines) and
      V(ip6tables_lines) of the firewall rules, V(libvirt_listen) (null for ssh; V(libvirt_version), V(source), V(layout)
      and V(lines) per layout, how libvirtd listens for the libvirt version of the internal keys C(libvirt_version)
      and C(libvirt_modular) or the family's packaged libvirt, every layout when neither is known) and V(warnings).
  type: dict
"""

from ansible_collections.novaops.console_migration.plugins.module_utils.migration_settings import (
    SettingsError, migration_plan as _migration_plan)
from ansible_collections.novaops.console_migration.plugins.plugin_utils.filters import filter_function, filter_module

migration_plan = filter_function(_migration_plan, SettingsError)
FilterModule = filter_module(migration_plan=migration_plan)
