# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r"""
name: console_plan
short_description: Validate the console roles' variables and compute what they apply
version_added: 1.0.0
author: "novaops maintainers (@novaops)"
description:
  - Takes a dictionary whose keys are the public variable names of the C(console_proxy) and C(compute_console) roles,
    plus the internal keys C(role) and C(distro), checks every value and returns the plan the role applies for that
    role, distribution family and OpenStack release.
  - >-
    All problems are reported at once, one line each, starting with the variable name and ending with the expected
    form, for example: compute_console_novncproxy_base_url: 'htp://x' is not an http(s) URL
    (expected e.g. http://203.0.113.10:6080/vnc_lite.html)
  - Release facts (option names and sections, services, packages) come from the collection's C(nova_releases) data,
    from diablo (2011.3, a gflags flagfile) to the current release.
  - Runs on the controller only. Missing keys take the roles' documented defaults.
  - An empty string means "not set" for URLs, TLS paths and listen addresses. Lists may also be one comma-separated
    string, booleans may be the strings V(true), V(false), V(yes), V(no).
positional: _input
options:
  _input:
    description:
      - The settings. Keys used by both roles are C(role) (V(console_proxy) or V(compute_console)), C(distro)
        (V(debian), V(ubuntu) or V(redhat)), C(novaops_release), C(novaops_console_types) and
        C(novaops_firewall_backend) (V(auto), V(iptables), V(firewalld), V(none)).
      - C(novaops_release) is a release name (V(stein)), a series (V(2023.1)), an early date version (V(2014.2)) or an
        installed nova package version (V(26.2.2-1.el9)). V(auto) is refused; the roles resolve it first.
      - C(novaops_console_types) is a non-empty list of V(novnc), V(xvpvnc), V(spice), V(serial) (default
        V([novnc])). A type the release does not have is refused (xvpvnc before essex and from ussuri on, spice
        before grizzly, serial before juno). On diablo V(novnc) means diablo's own C(nova-vncproxy). On Debian,
        V(novnc) and V(spice) together are refused (the single C(nova-consoleproxy) package starts one graphical
        proxy, C(NOVA_CONSOLE_PROXY_TYPE)), and so is V(xvpvnc) with either; Debian's V(xvpvnc) is in that package
        up to train.
      - console_proxy keys are C(console_proxy_novnc_host)/C(_port) (default V(0.0.0.0)/V(6080)),
        C(console_proxy_xvpvnc_host)/C(_port) (V(6081)), C(console_proxy_spice_host)/C(_port) (V(6082)),
        C(console_proxy_serial_host)/C(_port) (V(6083)), C(console_proxy_ssl_cert) and C(console_proxy_ssl_key)
        (absolute paths, both or neither), C(console_proxy_ssl_only) (needs both) and
        C(console_proxy_allowed_sources) (addresses or CIDRs, default V([0.0.0.0/0]); V(0.0.0.0/0) or V(::/0)
        mean any source; an empty list opens no proxy port in the firewall). Ports of the enabled proxies must be
        distinct. TLS options are only written when set.
      - compute_console keys are C(compute_console_management_address) (required),
        C(compute_console_server_listen) and C(compute_console_serial_listen) (default the management address;
        for the server listen V(0.0.0.0) before juno when C(live_migration_planned) is true, as nova before 2014.2
        copies the domain XML unchanged to the destination),
        C(compute_console_novncproxy_base_url), C(compute_console_xvpvncproxy_base_url),
        C(compute_console_spice_base_url) (http or https), C(compute_console_serial_base_url) (ws or wss), without
        a query string except the noVNC URL from epoxy on; the URL of an enabled console type that is not set is
        built from C(compute_console_proxy_public_host) (for example C(http://HOST:6080/vnc_lite.html), from rocky
        on, C(vnc_auto.html) before), and is required when that is not set either;
        C(compute_console_serial_port_range) (V(10000:20000)), C(compute_console_vnc_port_range) (V(5900:5999), the
        libvirt display ports), C(compute_console_reserved_ports) (when not set, C(live_migration_libvirt_tcp_port) and
        C(live_migration_libvirt_tls_port), V(16509) and V(16514) unless given, each checked under its own name) and
        C(compute_console_proxy_addresses) (the proxies' addresses or CIDRs, required unless the firewall backend
        is V(none)).
      - C(live_migration_planned) (compute_console, internal, default V(false)) tells that the host also takes the
        live_migration role.
      - C(host_ports) is the list of the V(ports) of the host's other plans (console_plan or migration_plan);
        a port or range shared with one of them, or between the display and serial ranges, is refused naming both
        variables, leading with the one changed from its default (when both or neither are, a single port before
        a range, then the later of display, serial, libvirt, QEMU migration and proxy ports). A single port listed
        in C(compute_console_reserved_ports) may lie inside a console range.
      - Unknown keys with a role prefix give a warning; other keys are ignored.
    type: dict
    required: true
notes:
  - Firewall sources are kept as given, a plain address without C(/32).
  - On compute hosts the plan enables or disables each console family the release has (C([vnc] enabled),
    C([spice] enabled), C([serial_console] enabled)), and removes the older names and sections of every option it
    writes (for example C([DEFAULT] vncserver_listen) and C([vnc] vncserver_listen) when it writes
    C([vnc] server_listen)).
  - The companion filter C(novaops.console_migration.release_from_version) maps an installed nova package version
    such as V(2:26.2.2-1~deb12u1) to a release name such as V(zed).
"""

EXAMPLES = r"""
- name: Compute the console proxy plan
  ansible.builtin.set_fact:
    console_plan: >-
      {{ {'role': 'console_proxy', 'distro': 'redhat', 'novaops_release': 'stein',
          'novaops_console_types': ['novnc', 'xvpvnc']} | novaops.console_migration.console_plan }}

- name: Release of the installed nova package
  ansible.builtin.debug:
    msg: "{{ '2:26.2.2-1~deb12u1' | novaops.console_migration.release_from_version }}"
"""

RETURN = r"""
_value:
  description:
    - The plan as plain dictionaries, lists and strings.
    - V(release) (normalized name), V(config_format) (V(ini) or V(flagfile)), V(packages) (to install in one
      transaction; empty for compute_console), V(services) (V(enable) and V(disable) lists of unit names; V(disable)
      holds the console services of types not chosen and services the release no longer has),
      V(nova_conf) (list of V(section)/V(option)/V(value) entries, and V(section)/V(option)/V(state=absent)
      entries for older locations), V(flagfile) (diablo lines), V(debian_default) (V(path) and V(values) of
      C(/etc/default/nova-consoleproxy) or null), V(firewall) (V(owner), V(backend) and V(rules) with V(name),
      V(port) (an integer, or V(N:M) for a range), V(protocol) and V(sources)), V(iptables_lines) and
      V(ip6tables_lines) (C(-A INPUT [-s SRC] -m state --state NEW -m tcp -p tcp --dport PORT -j ACCEPT)),
      V(restart_on_change) and V(warnings); also V(console_types).
    - V(qemu_conf) (compute_console with a graphical type, V(remote_display_port_min) and
      V(remote_display_port_max) of libvirt's qemu.conf, the display range the firewall opens; else empty),
      V(qemu_conf_path) and V(libvirt_restart) (for a change of V(qemu_conf), the units to restart by daemon layout
      V(legacy), V(socket) or V(modular)), null without them.
    - V(ports) lists what the role makes listen on the host, each with V(var) (the variable that sets it), V(label),
      V(first), V(last) and, for the console ranges, V(reserved).
  type: dict
"""

from ansible_collections.novaops.console_migration.plugins.module_utils.console_settings import (
    SettingsError, console_plan as _console_plan)
from ansible_collections.novaops.console_migration.plugins.plugin_utils.filters import filter_function, filter_module

console_plan = filter_function(_console_plan, SettingsError)
FilterModule = filter_module(console_plan=console_plan)
