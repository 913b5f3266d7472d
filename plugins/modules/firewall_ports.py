#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r"""
module: firewall_ports
short_description: Open TCP/UDP ports for Nova consoles and live migration in the host firewall, live and persistent
version_added: 1.0.0
description:
  - Opens TCP or UDP ports, optionally only to given sources, in the IPv4 C(INPUT) chain of the host's firewall in one
    task. The rules are inserted into the running firewall and written to the file that restores them at boot.
  - Serves the console proxy ports (6080 noVNC, 6081 XVP VNC, 6082 SPICE, 6083 serial), the console port ranges of
    compute nodes (VNC 5900:5999, serial 10000:20000) and the libvirt live migration ports (16509, 16514,
    49152:49215).
  - 'A rule without sources is written in the form of the OpenStack install guides,
    C(-A INPUT -m state --state NEW -m tcp -p tcp --dport 6080 -j ACCEPT). A rule with sources gets one such line per
    source, with C(-s SOURCE) after C(-A INPUT).'
  - 'New rules go after C(-A INPUT -i lo -j ACCEPT) (if the chain has it) and right before the first rule after it
    whose target is C(REJECT) or C(DROP), so on a default RHEL host they come after the SSH rule and before
    C(-A INPUT -j REJECT --reject-with icmp-host-prohibited). Without such a rule they are appended to the chain.
    They keep the order of O(rules); all ACCEPT rules come before the REJECT rules of O(reject_others).'
  - Rules are compared by meaning, not by text (chain, source, protocol, destination port, C(state NEW), target), so a
    rule that already exists, for example added by hand or listed by C(iptables-save) in its own order, is not added
    a second time.
  - 'Every rule line the module writes to O(persist_path) is preceded by a marker comment
    C(# novaops.console_migration owner=OWNER name=NAME), which C(iptables-restore) ignores. The file is the record of
    ownership: with O(purge=true) the rules of O(owner) that are no longer wanted are removed from the running firewall
    and from the file. Rules without a marker of O(owner) (made by hand, by other tools or by another owner) are never
    removed. When two owners want the same rule, the line carries both markers and stays until both dropped it.'
  - The running firewall is read once with C(iptables -S INPUT). Rules are added with C(iptables -I INPUT POSITION ...)
    and removed with C(iptables -D INPUT ...). Policies, other chains and other rules are never changed, and nothing is
    flushed or restored, so the connection Ansible uses is not cut.
  - In the file, only the C(INPUT) rules of the C(*filter) table block are edited (before its C(COMMIT)); every other
    line is kept byte for byte. The file is written atomically (temporary file in the same directory, then rename),
    and only if its content changes.
  - If the file does not exist (or has no C(*filter) table), the C(*filter) table is taken from
    C(iptables-save -t filter) after the live changes, so the file holds the whole current filter table, and the lines
    of the rules the module just added are marked. A new file gets mode C(0600); a missing parent directory is created
    with mode C(0755).
  - If C(firewalld) is running, the module does nothing and returns RV(backend=firewalld), so that the calling role can
    use M(ansible.posix.firewalld) instead.
author: "novaops maintainers (@novaops)"
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - novaops.console_migration.attributes
attributes:
  check_mode:
    details:
      - Only read-only commands run (C(iptables -S INPUT), C(iptables-save -t filter), the C(firewalld) checks).
  diff_mode:
    details:
      - The diff contains the full content of O(persist_path) before and after (before is empty if the file does not
        exist yet).
      - With O(persist=false) the diff shows the live C(INPUT) chain before and after instead.
options:
  backend:
    description:
      - Which firewall to manage.
      - V(auto) uses V(iptables), unless C(firewalld) is active (C(firewall-cmd --state) answers C(running), or
        C(systemctl is-active firewalld) answers C(active)); then nothing is done and RV(backend) is V(firewalld).
      - V(iptables) manages the rules with C(iptables) even if C(firewalld) runs.
      - V(none) does nothing, for hosts without a host firewall.
    type: str
    choices: [auto, iptables, none]
    default: auto
  owner:
    description:
      - Name under which the module records the rules it creates, for example V(console_proxy), V(compute_console) or
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
          - Required. Label of the rule, written into the marker comment, for example V(novnc). Must match
            C(^[a-z0-9_]+$) and be unique in O(rules).
        type: str
      port:
        description:
          - Required. Destination port, a number from 1 to 65535 (V(6080)), or a range C(N:M) or C(N-M) with
            N <= M (V(5900:5999)). Quote ranges in YAML. Ranges are written with a colon.
        type: raw
      protocol:
        description:
          - V(tcp) or V(udp).
        type: str
        default: tcp
      sources:
        description:
          - IPv4 addresses (V(192.168.1.10)) or networks in CIDR form (V(192.168.1.0/24)) allowed to connect. A
            network must be given by its network address; V(10.0.0.5/24) is rejected, write V(10.0.0.0/24) or
            V(10.0.0.5).
          - Empty means any source. IPv6 is not supported.
        type: list
        elements: str
        default: []
  reject_others:
    description:
      - For a rule with O(rules[].sources), also add a rule that rejects the port for every other source, after all
        ACCEPT rules, so that other sources are refused even when the policy of C(INPUT) is C(ACCEPT), for example
        C(-A INPUT -m state --state NEW -m tcp -p tcp --dport 5900:5999 -j REJECT --reject-with tcp-reset) (UDP ports are rejected with
        C(icmp-port-unreachable)).
    type: bool
    default: true
  purge:
    description:
      - Remove the rules of O(owner) that are not in O(rules) any more, live and from O(persist_path).
      - Only rules marked as owned by O(owner) in O(persist_path) are removed.
    type: bool
    default: true
  persist:
    description:
      - Write the rules to O(persist_path) too.
      - If V(false), only the running firewall is changed. O(persist_path) is still read, if it exists, to know which
        rules O(owner) owns, but rules added now are not recorded, so a later purge does not know them.
    type: bool
    default: true
  persist_path:
    description:
      - The file that restores the IPv4 rules at boot, in C(iptables-save) format.
      - Defaults to C(/etc/sysconfig/iptables) when that file exists or the host is of the RHEL family
        (C(/etc/redhat-release) exists), else to C(/etc/iptables/rules.v4) (Debian and Ubuntu, C(iptables-persistent)).
      - If it is a symbolic link, the file it points to is edited.
    type: path
notes:
  - IPv4 only; IPv6 (C(ip6tables)) is not managed yet.
  - The module does not install or enable the service that loads O(persist_path) at boot (C(iptables-services) on RHEL,
    C(iptables-persistent) on Debian and Ubuntu).
  - Tools that rewrite O(persist_path) from the running rules, such as C(service iptables save) or
    C(netfilter-persistent save), drop the marker comments. The rules then look hand-made to the module and are kept,
    never purged.
  - A wanted rule that is already in the running firewall but not in O(persist_path) was not made by the module, so it
    is written to the file without a marker and never removed by the module.
  - Requires C(iptables) (and C(iptables-save) to create O(persist_path)) on the host, and root privileges.
seealso:
  - module: ansible.builtin.iptables
    description: Manage single iptables rules.
  - module: ansible.posix.firewalld
    description: Open ports on hosts that run firewalld.
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

- name: Use firewalld where it runs
  block:
    - name: Open the live migration ports with iptables
      novaops.console_migration.firewall_ports:
        owner: live_migration
        rules:
          - name: libvirt_tcp
            port: 16509
            sources: [10.0.0.0/24]
          - name: libvirt_tls
            port: 16514
            sources: [10.0.0.0/24]
          - name: qemu_migration
            port: "49152:49215"
            sources: [10.0.0.0/24]
      register: migration_fw

    - name: Open the same ports with firewalld
      ansible.posix.firewalld:
        port: "{{ item }}"
        permanent: true
        immediate: true
        state: enabled
      loop: [16509/tcp, 16514/tcp, 49152-49215/tcp]
      when: migration_fw.backend == 'firewalld'

- name: Remove every rule the console proxy role made
  novaops.console_migration.firewall_ports:
    owner: console_proxy
    rules: []
"""

RETURN = r"""
backend:
  description: The firewall the module managed, V(iptables), or V(firewalld) or V(none) when it did nothing.
  returned: always
  type: str
  sample: iptables
persist_path:
  description: The file holding the persistent rules (whether or not O(persist=true)).
  returned: always
  type: str
  sample: /etc/sysconfig/iptables
rules_added:
  description: Rule lines added to the running firewall or to O(persist_path) (would be added in check mode).
  returned: always
  type: list
  elements: str
  sample:
    - -A INPUT -m state --state NEW -m tcp -p tcp --dport 6080 -j ACCEPT
rules_removed:
  description: Rule lines of O(owner) removed from the running firewall or from O(persist_path).
  returned: always
  type: list
  elements: str
  sample:
    - -A INPUT -m state --state NEW -m tcp -p tcp --dport 6083 -j ACCEPT
commands:
  description: The C(iptables) commands that changed the running firewall (would run in check mode), in order.
  returned: always
  type: list
  elements: str
  sample:
    - /usr/sbin/iptables -I INPUT 5 -m state --state NEW -m tcp -p tcp --dport 6080 -j ACCEPT
msg:
  description: Short human readable summary.
  returned: always
  type: str
  sample: "console_proxy: 2 rules added, 0 removed (live INPUT chain, /etc/sysconfig/iptables)"
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.novaops.console_migration.plugins.module_utils.files import (
    FileError,
    atomic_write,
    read_text,
)

from ansible_collections.novaops.console_migration.plugins.module_utils.iptables_rules import (
    IptablesError,
    SaveFile,
    build_wanted,
    check_name,
    edit_file,
    parse_listing,
    plan_live,
    purge_counts,
)
from ansible_collections.novaops.console_migration.plugins.module_utils.systemd_units import Systemctl

SYSCONFIG_PATH = '/etc/sysconfig/iptables'
REDHAT_RELEASE = '/etc/redhat-release'
DEBIAN_PATH = '/etc/iptables/rules.v4'
INSTALL_HINT = 'install the iptables package (or use backend=none)'


def default_persist_path():
    if os.path.exists(SYSCONFIG_PATH) or os.path.exists(REDHAT_RELEASE):
        return SYSCONFIG_PATH
    return DEBIAN_PATH


def run(module, argv, result):
    """Run ``argv``; fail with its stderr unless it succeeds. Returns stdout."""
    rc, out, err = module.run_command(argv)
    if rc != 0:
        module.fail_json(msg='%s failed (rc %d): %s' % (' '.join(argv), rc, (err or out).strip()), **result)
    return out


def firewalld_active(module):
    firewall_cmd = module.get_bin_path('firewall-cmd')
    if firewall_cmd:
        rc, out, dummy = module.run_command([firewall_cmd, '--state'])
        if rc == 0 and out.strip() == 'running':
            return True
    systemctl = Systemctl(module)
    return bool(systemctl.bin) and systemctl.is_active('firewalld') == 'active'


def live_text(policy, rules):
    lines = ['-P INPUT %s' % policy] if policy else []
    lines.extend(rule.text or rule.render() for rule in rules)
    return '\n'.join(lines) + '\n'


def summary(owner, added, removed, live_changed, file_changed, path):
    where = []
    if live_changed:
        where.append('live INPUT chain')
    if file_changed:
        where.append(path)
    if not where:
        return '%s: no changes needed' % owner
    return '%s: %d rule%s added, %d removed (%s)' % (owner, len(added), '' if len(added) == 1 else 's',
                                                     len(removed), ', '.join(where))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            backend=dict(type='str', choices=['auto', 'iptables', 'none'], default='auto'),
            owner=dict(type='str', required=True),
            rules=dict(
                type='list',
                elements='dict',
                required=True,
                options=dict(
                    name=dict(type='str'),
                    port=dict(type='raw'),
                    protocol=dict(type='str', default='tcp'),
                    sources=dict(type='list', elements='str', default=[]),
                ),
            ),
            reject_others=dict(type='bool', default=True),
            purge=dict(type='bool', default=True),
            persist=dict(type='bool', default=True),
            persist_path=dict(type='path'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    owner, backend = params['owner'], params['backend']
    path = params['persist_path'] or default_persist_path()
    result = dict(changed=False, backend=backend, persist_path=path, rules_added=[], rules_removed=[], commands=[])

    try:
        check_name('owner', owner)
        wanted = build_wanted(params['rules'], params['reject_others'])
    except ValueError as exc:
        module.fail_json(msg=to_native(exc), **result)

    if backend == 'none':
        result['msg'] = 'backend=none: nothing to do'
        module.exit_json(**result)
    if backend == 'auto' and firewalld_active(module):
        result['backend'] = 'firewalld'
        result['msg'] = 'firewalld is active: nothing done, manage the ports with ansible.posix.firewalld'
        module.exit_json(**result)
    result['backend'] = 'iptables'

    iptables = module.get_bin_path('iptables')
    if not iptables:
        module.fail_json(msg='iptables was not found on the host; %s' % INSTALL_HINT, **result)
    try:
        policy, live = parse_listing(run(module, [iptables, '-S', 'INPUT'], result))
    except IptablesError as exc:
        module.fail_json(msg='Cannot parse the output of iptables -S INPUT: %s' % exc, **result)

    dest = os.path.realpath(path)
    try:
        before = read_text(dest, path)
    except FileError as exc:
        module.fail_json(msg=to_native(exc), **result)
    before = before or ''
    try:
        save = SaveFile.parse(before)
    except IptablesError as exc:
        module.fail_json(msg='Cannot parse %s: %s' % (path, exc), **result)
    has_filter = save.filter_range() is not None

    # Live changes: deletions first, then insertions, positions from the one listing.
    removed, remaining = purge_counts(save, owner, wanted) if params['purge'] and has_filter else ({}, {})
    plan = plan_live(live, wanted, removed, remaining)
    commands = [[iptables, '-D', 'INPUT'] + rule.spec() for rule in plan.deletes]
    commands += [[iptables, '-I', 'INPUT', str(position)] + rule.spec() for position, rule in plan.inserts]
    for argv in commands:
        if not module.check_mode:
            run(module, argv, result)
        result['commands'].append(' '.join(argv))

    added_keys = set(rule.key for dummy, rule in plan.inserts)
    removed_rules = list(plan.deletes)
    after = before
    if params['persist']:
        edit = None
        if has_filter:
            edit = edit_file(save, owner, wanted, plan.created, params['purge'])
        elif wanted:
            iptables_save = module.get_bin_path('iptables-save')
            if not iptables_save:
                module.fail_json(msg='iptables-save was not found on the host; %s' % INSTALL_HINT, **result)
            try:
                base = SaveFile.parse(run(module, [iptables_save, '-t', 'filter'], result))
            except IptablesError as exc:
                module.fail_json(msg='Cannot parse the output of iptables-save -t filter: %s' % exc, **result)
            if base.filter_range() is None:
                base = SaveFile.minimal(policy or 'ACCEPT')
            # The rules inserted above are in the dump, unmarked: claim them. (In check mode the dump
            # predates the changes, so they are missing and get inserted and marked instead.)
            edit = edit_file(base, owner, wanted, plan.created, params['purge'], claim=True)
            save.append(base)
        if edit is not None:
            added_keys.update(rule.key for rule in edit.added)
            removed_rules.extend(edit.removed)
        after = save.render()

    seen = set()
    for rule in removed_rules:
        if rule.key not in seen:
            seen.add(rule.key)
            result['rules_removed'].append(rule.render())
    result['rules_added'] = [item.rule.render() for item in wanted if item.rule.key in added_keys]

    file_changed = after != before
    if file_changed and not module.check_mode:
        try:
            # A new rules file is 0600, as the iptables-services package ships it.
            atomic_write(module, dest, after, new_mode=0o600, makedirs=True, label=dest)
        except FileError as exc:
            module.fail_json(msg=to_native(exc), **result)

    result['changed'] = bool(commands) or file_changed
    result['msg'] = summary(owner, result['rules_added'], result['rules_removed'], bool(commands), file_changed, path)
    if module._diff:
        if params['persist']:
            result['diff'] = dict(before=before, after=after, before_header=path, after_header=path)
        else:
            result['diff'] = dict(before=live_text(policy, live), after=live_text(policy, plan.chain),
                                  before_header='iptables -S INPUT', after_header='iptables -S INPUT')
    module.exit_json(**result)


if __name__ == '__main__':
    main()
