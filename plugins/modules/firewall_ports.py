#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r"""
module: firewall_ports
author: "novaops maintainers (@novaops)"
short_description: Open TCP/UDP ports for Nova consoles and live migration in the host firewall, live and persistent
version_added: 1.0.0
description:
  - Opens TCP or UDP ports, optionally only to given sources, in the host's firewall, live and persistently, and
    closes the ports of O(owner) that are no longer wanted. Rules of others are never changed.
  - Serves the console proxy ports (6080 noVNC, 6081 XVP VNC, 6082 SPICE, 6083 serial), the console port ranges of
    compute nodes (VNC 5900:5999, serial 10000:20000) and the libvirt live migration ports (16509, 16514,
    49152:49215).
  - The rules of O(owner) are marked where the firewall itself keeps them, so the mark survives a re-save of the
    ruleset (C(iptables-save), C(netfilter-persistent save), C(nft list ruleset)).
  - 'B(iptables): IPv4 C(INPUT) chain rules in the form of the OpenStack install guides with a comment,
    C(-A INPUT -s SOURCE -m state --state NEW -m tcp -p tcp --dport 6080 -m comment --comment
    "novaops.console_migration: OWNER/NAME" -j ACCEPT). New rules go after C(-A INPUT -i lo -j ACCEPT) and before the
    first C(REJECT) or C(DROP) rule after it. The live chain is changed with C(iptables -I/-D/-R INPUT), never flushed;
    in O(persist_path) only the C(INPUT) rules of the C(*filter) block are edited, other lines are kept byte for byte.
    Rules marked by the comment lines of earlier releases (C(# novaops.console_migration owner=OWNER name=NAME)) are
    adopted: their live rule gets the comment in place and the comment line goes.'
  - 'B(nftables): a base chain named O(owner) in the table C(inet novaops_console_migration), hooked at input with
    priority C(filter - 10) and policy accept, applied atomically with C(nft -f) and kept in
    C(NFTABLES_DIR/novaops_console_migration-OWNER.nft), which the distribution''s nftables config includes
    (C(/etc/nftables.conf) and C(/etc/nftables.d) on Debian and Ubuntu, C(/etc/sysconfig/nftables.conf) and
    C(/etc/nftables) on the RHEL family). Its reject refuses other sources whatever the host''s own tables say;
    its accept does not override a drop of the host''s own input chain (RV(warnings) names such chains).'
  - 'B(firewalld): rich rules in a policy of the collection (C(novaops-proxy), C(novaops-consoles),
    C(novaops-migration), else C(novaops-OWNER)) from every zone to the host, changed permanently and at runtime
    with C(firewall-cmd). Zones are never changed.'
  - A rule with O(rules[].sources) accepts new connections from each source; with O(reject_others) new connections
    to the port from every other source are rejected (TCP reset, UDP port unreachable), after the accepts.
  - A rule that already exists without a mark of this collection (made by hand or by another tool) is not added a
    second time and is never removed.
extends_documentation_fragment:
  - novaops.console_migration.attributes
attributes:
  check_mode:
    details:
      - Only read-only commands run (listings, C(systemctl is-active), C(nft -c -f) to check the script).
  diff_mode:
    details:
      - iptables and nftables, O(persist=true) - the file before and after; else the live rules before and after.
      - firewalld - the rich rules of the policy before and after.
options:
  backend:
    description:
      - Which firewall to manage.
      - V(auto) uses V(firewalld) when C(firewalld) is active, else V(nftables) when C(nftables.service) is active,
        else V(iptables) (C(systemctl is-active firewalld nftables)).
      - V(none) does nothing, for hosts without a host firewall.
    type: str
    choices: [auto, iptables, nftables, firewalld, none]
    default: auto
  owner:
    description:
      - Name under which the module marks the rules it creates, for example V(console_proxy), V(compute_console) or
        V(live_migration). O(purge) only ever removes rules of this owner.
      - Must match C(^[a-z0-9_]+$).
    type: str
    required: true
  rules:
    description:
      - The ports to open. An empty list, with O(purge=true), removes all rules of O(owner).
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description:
          - Required. Label of the rule, written into its mark, for example V(novnc). Must match
            C(^[a-z0-9_]+$) and be unique in O(rules).
        type: str
      port:
        description:
          - Required. Destination port, a number from 1 to 65535 (V(6080)), or a range C(N:M) or C(N-M) with
            N <= M (V(5900:5999)). Quote ranges in YAML.
        type: raw
      protocol:
        description:
          - V(tcp) or V(udp).
        type: str
        default: tcp
      sources:
        description:
          - Addresses (V(192.168.1.10)) or networks in CIDR form (V(192.168.1.0/24)) allowed to connect. A
            network must be given by its network address.
          - Empty means any source. IPv6 sources need the V(nftables) or V(firewalld) backend.
        type: list
        elements: str
        default: []
  reject_others:
    description:
      - For a rule with O(rules[].sources), also reject the port for every other source, after all accepts.
    type: bool
    default: true
  purge:
    description:
      - Remove the rules of O(owner) that are not in O(rules) any more, live and persistently.
    type: bool
    default: true
  persist:
    description:
      - Also write the persistent configuration (iptables and nftables; firewalld is always changed permanently and at
        runtime).
    type: bool
    default: true
  persist_path:
    description:
      - iptables - the file that restores the IPv4 rules at boot, in C(iptables-save) format. Defaults to
        C(/etc/sysconfig/iptables) when that file exists or the host is of the RHEL family, else to
        C(/etc/iptables/rules.v4). If it is a symbolic link, the file it points to is edited.
      - nftables - the file of O(owner)'s chain; defaults to C(novaops_console_migration-OWNER.nft) in
        C(/etc/nftables.d) (C(/etc/nftables) on the RHEL family).
    type: path
  nftables_config:
    description:
      - nftables - the config the nftables service loads at boot, which gets the include of the collection's files
        at its end. Defaults to C(/etc/sysconfig/nftables.conf) on the RHEL family, else C(/etc/nftables.conf).
    type: path
notes:
  - The module does not install or enable the service that loads the rules at boot (C(iptables-services) or
    C(iptables-persistent) for iptables, C(nftables) for nftables).
  - Requires root privileges and, for iptables, IPv4 sources (C(ip6tables) is not managed).
seealso:
  - module: ansible.builtin.iptables
    description: Manage single iptables rules.
  - name: OpenStack Nova install guide, firewall rules for compute nodes
    description: Where the form of the rules comes from.
    link: https://docs.openstack.org/nova/latest/admin/remote-console-access.html
"""

EXAMPLES = r"""
- name: Open the console proxy ports to everybody
  novaops.console_migration.firewall_ports:
    owner: console_proxy
    rules:
      - name: novnc
        port: 6080
      - name: xvpvnc
        port: 6081

- name: Open the console ports of a compute node to the proxies only
  novaops.console_migration.firewall_ports:
    owner: compute_console
    rules:
      - name: vnc
        port: "5900:5999"
        sources: "{{ groups['nova_console_proxy'] | map('extract', hostvars, ['ansible_default_ipv4', 'address']) }}"
      - name: serial
        port: "10000:20000"
        sources: [192.168.1.0/24]

- name: Open the live migration ports with nftables
  novaops.console_migration.firewall_ports:
    backend: nftables
    owner: live_migration
    rules:
      - name: libvirt_tls
        port: 16514
        sources: [10.0.0.0/24, "2001:db8::/64"]
      - name: qemu_migration
        port: "49152:49215"
        sources: [10.0.0.0/24]

- name: Remove every rule the console proxy role made
  novaops.console_migration.firewall_ports:
    owner: console_proxy
    rules: []
"""

RETURN = r"""
backend:
  description: The firewall the module managed (V(iptables), V(nftables), V(firewalld)), or V(none).
  returned: always
  type: str
  sample: iptables
persist_path:
  description: The file holding the persistent rules (iptables, nftables), empty for firewalld and none.
  returned: always
  type: str
  sample: /etc/sysconfig/iptables
rules_added:
  description: Rules added live or persistently (would be added in check mode), in the backend's syntax.
  returned: always
  type: list
  elements: str
  sample:
    - -A INPUT -m state --state NEW -m tcp -p tcp --dport 6080 -m comment --comment "novaops.console_migration: console_proxy/novnc" -j ACCEPT
rules_removed:
  description: Rules of O(owner) removed live or persistently, in the backend's syntax.
  returned: always
  type: list
  elements: str
  sample:
    - -A INPUT -m state --state NEW -m tcp -p tcp --dport 6083 -m comment --comment "novaops.console_migration: console_proxy/serial" -j ACCEPT
commands:
  description: The commands that changed the running firewall (would run in check mode), in order.
  returned: always
  type: list
  elements: str
  sample:
    - >-
      /usr/sbin/iptables -I INPUT 5 -m state --state NEW -m tcp -p tcp --dport 6080
      -m comment --comment novaops.console_migration:\ console_proxy/novnc -j ACCEPT
warnings:
  description: Host rules that keep the opened ports closed anyway (nftables input chains with policy drop).
  returned: always
  type: list
  elements: str
msg:
  description: Short human readable summary.
  returned: always
  type: str
  sample: "console_proxy: 2 rules added, 0 removed (live INPUT chain, /etc/sysconfig/iptables)"
"""

from ansible_collections.novaops.console_migration.plugins.module_utils import step_runner
from ansible_collections.novaops.console_migration.plugins.module_utils.steps import firewall_ports as step


def main():
    step_runner.main(step)


if __name__ == '__main__':
    main()
