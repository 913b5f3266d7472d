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
author: "novaops maintainers (@novaops)"
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
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

import os
import shlex

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.novaops.console_migration.plugins.module_utils.common import run_c
from ansible_collections.novaops.console_migration.plugins.module_utils.files import (
    FileError,
    atomic_write,
    read_text,
)
from ansible_collections.novaops.console_migration.plugins.module_utils import firewalld_rules
from ansible_collections.novaops.console_migration.plugins.module_utils import nft_rules
from ansible_collections.novaops.console_migration.plugins.module_utils.host_facts import (
    firewall_backend,
    parse_is_active,
)
from ansible_collections.novaops.console_migration.plugins.module_utils.iptables_rules import (
    IptablesError,
    SaveFile,
    build_wanted,
    check_name,
    edit_file,
    legacy_owned,
    parse_listing,
    plan_live,
)
from ansible_collections.novaops.console_migration.plugins.module_utils.systemd_units import Systemctl

SYSCONFIG_PATH = '/etc/sysconfig/iptables'
REDHAT_RELEASE = '/etc/redhat-release'
DEBIAN_PATH = '/etc/iptables/rules.v4'
NFT_CONFIG = {'redhat': '/etc/sysconfig/nftables.conf', 'debian': '/etc/nftables.conf'}
NFT_DIR = {'redhat': '/etc/nftables', 'debian': '/etc/nftables.d'}
INSTALL_HINT = {
    'iptables': 'install the iptables package (or use backend=none)',
    'nftables': 'install the nftables package (or use backend=none)',
    'firewalld': 'install and start firewalld (or use another backend)',
}


def family():
    return 'redhat' if os.path.exists(SYSCONFIG_PATH) or os.path.exists(REDHAT_RELEASE) else 'debian'


def run(module, argv, result):
    """Run ``argv`` in the C locale; fail with its stderr unless it succeeds. Returns stdout."""
    rc, out, err = run_c(module, argv)
    if rc != 0:
        module.fail_json(msg='%s failed (rc %d): %s' % (' '.join(argv), rc, (err or out).strip()), **result)
    return out


def need(module, name, backend, result):
    path = module.get_bin_path(name)
    if not path:
        module.fail_json(msg='%s was not found on the host; %s' % (name, INSTALL_HINT[backend]), **result)
    return path


def detect(module):
    systemctl = Systemctl(module)
    if not systemctl.bin:
        return firewall_backend('auto', {})
    dummy, out, dummy2 = systemctl.run(['is-active', 'firewalld', 'nftables'])
    return firewall_backend('auto', parse_is_active(out))


def summary(owner, added, removed, where):
    if not where:
        return '%s: no changes needed' % owner
    return '%s: %d rule%s added, %d removed (%s)' % (owner, len(added), '' if len(added) == 1 else 's',
                                                     len(removed), ', '.join(where))


def unique(items):
    seen = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def write(module, dest, text, result, mode=0o600, scratch=False):
    """Write ``dest`` through files.py; not in check mode unless it is a scratch file of the module."""
    if module.check_mode and not scratch:
        return
    try:
        atomic_write(module, dest, text, new_mode=mode, makedirs=True, label=dest)
    except FileError as exc:
        module.fail_json(msg=to_native(exc), **result)


def read(module, path, result):
    try:
        return read_text(os.path.realpath(path), path) or ''
    except FileError as exc:
        module.fail_json(msg=to_native(exc), **result)


# -- iptables ------------------------------------------------------------------

def live_text(policy, rules):
    lines = ['-P INPUT %s' % policy] if policy else []
    lines.extend(rule.text or rule.render() for rule in rules)
    return '\n'.join(lines) + '\n'


def do_iptables(module, params, wanted, result):
    owner = params['owner']
    path = params['persist_path'] or (SYSCONFIG_PATH if family() == 'redhat' else DEBIAN_PATH)
    result['persist_path'] = path
    iptables = need(module, 'iptables', 'iptables', result)
    try:
        policy, live = parse_listing(run(module, [iptables, '-S', 'INPUT'], result))
    except IptablesError as exc:
        module.fail_json(msg='Cannot parse the output of iptables -S INPUT: %s' % exc, **result)
    dest = os.path.realpath(path)
    before = read(module, path, result)
    try:
        save = SaveFile.parse(before)
    except IptablesError as exc:
        module.fail_json(msg='Cannot parse %s: %s' % (path, exc), **result)

    plan = plan_live(live, wanted, owner, legacy_owned(save, owner), params['purge'])
    commands = [[iptables, '-R', 'INPUT', str(position)] + rule.spec() for position, rule in plan.replaces]
    commands += [[iptables, '-D', 'INPUT'] + rule.spec() for rule in plan.deletes]
    commands += [[iptables, '-I', 'INPUT', str(position)] + rule.spec() for position, rule in plan.inserts]
    for argv in commands:
        if not module.check_mode:
            run(module, argv, result)
        result['commands'].append(' '.join(shlex.quote(arg) for arg in argv))
    added = [rule for dummy, rule in plan.inserts]
    removed = list(plan.deletes)

    after = before
    if params['persist']:
        if save.filter_range() is not None:
            edit = edit_file(save, owner, wanted, params['purge'])
        elif wanted:
            iptables_save = need(module, 'iptables-save', 'iptables', result)
            try:
                base = SaveFile.parse(run(module, [iptables_save, '-t', 'filter'], result))
            except IptablesError as exc:
                module.fail_json(msg='Cannot parse the output of iptables-save -t filter: %s' % exc, **result)
            if base.filter_range() is None:
                base = SaveFile.minimal(policy or 'ACCEPT')
            # In check mode the dump predates the changes: the same edit predicts them.
            edit = edit_file(base, owner, wanted, params['purge'])
            save.append(base)
        else:
            edit = None
        if edit is not None:
            added += edit.added
            removed += edit.removed
        after = save.render()
    result['rules_added'] = unique(rule.render() for rule in added)
    result['rules_removed'] = unique(rule.render() for rule in removed)
    if after != before:
        write(module, dest, after, result)
    where = (['live INPUT chain'] if commands else []) + ([path] if after != before else [])
    if module._diff:
        if params['persist']:
            result['diff'] = dict(before=before, after=after, before_header=path, after_header=path)
        else:
            result['diff'] = dict(before=live_text(policy, live), after=live_text(policy, plan.chain),
                                  before_header='iptables -S INPUT', after_header='iptables -S INPUT')
    return where


# -- nftables ------------------------------------------------------------------

def do_nftables(module, params, wanted, result):
    owner = params['owner']
    distro = family()
    directory = NFT_DIR[distro]
    path = params['persist_path'] or os.path.join(directory, nft_rules.FILE_PREFIX + owner + '.nft')
    config_path = params['nftables_config'] or NFT_CONFIG[distro]
    result['persist_path'] = path
    nft = need(module, 'nft', 'nftables', result)

    rc, out, err = run_c(module, [nft, 'list', 'chain', nft_rules.FAMILY, nft_rules.TABLE, owner])
    if rc == 0:
        current = nft_rules.parse_chain(out)
    elif 'No such file or directory' in (err or '') or 'does not exist' in (err or ''):
        current = None
    else:
        module.fail_json(msg='nft list chain failed (rc %d): %s' % (rc, (err or out).strip()), **result)
    lines = [nft_rules.rule_text(item.rule) for item in wanted]
    kept = [line for line in current or [] if not params['purge'] and line not in lines]
    lines = kept + lines
    drops = nft_rules.dropping_input_chains(run(module, [nft, 'list', 'chains'], result))
    if drops and wanted:
        result['warnings'].append('%s: input chain %s drops by default, so the ports accepted in table %s %s stay '
                                  'closed until that chain accepts them too'
                                  % (owner, ', '.join(drops), nft_rules.FAMILY, nft_rules.TABLE))

    text = nft_rules.script(owner, lines) if lines else ''
    where = []
    if lines != (current or []) or (not lines and current is not None):
        script = text or nft_rules.delete_script(owner)
        tmp = os.path.join(module.tmpdir, nft_rules.FILE_PREFIX + owner + '.nft')
        try:
            write(module, tmp, script, result, scratch=True)
            argv = [nft, '-c', '-f', tmp] if module.check_mode else [nft, '-f', tmp]
            run(module, argv, result)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        result['commands'].append('%s -f %s' % (nft, path) if text else '%s %s' % (nft, script.strip()))
        result['rules_added'] = [line for line in lines if line not in (current or [])]
        result['rules_removed'] = [line for line in current or [] if line not in lines]
        where.append('table %s %s' % (nft_rules.FAMILY, nft_rules.TABLE))

    if not params['persist']:
        if module._diff:
            result['diff'] = dict(before='\n'.join(current or []) + '\n', after='\n'.join(lines) + '\n',
                                  before_header='nft list chain', after_header='nft list chain')
        return where
    before = read(module, path, result)
    if text != before:
        where.append(path)
        if text:
            write(module, os.path.realpath(path), text, result, 0o644)
        elif not module.check_mode:
            os.unlink(os.path.realpath(path))
    config = read(module, config_path, result)
    new_config = nft_rules.with_include(config, os.path.dirname(path))
    if lines and new_config != config:
        where.append(config_path)
        write(module, os.path.realpath(config_path), new_config, result, 0o755)
    if module._diff:
        result['diff'] = [dict(before=before, after=text, before_header=path, after_header=path)]
        if lines and new_config != config:
            result['diff'].append(dict(before=config, after=new_config, before_header=config_path,
                                       after_header=config_path))
    return where


# -- firewalld -------------------------------------------------------------------

def do_firewalld(module, params, wanted, result):
    owner = params['owner']
    try:
        policy = firewalld_rules.policy_name(owner)
    except ValueError as exc:
        module.fail_json(msg=to_native(exc), **result)
    cmd = need(module, 'firewall-cmd', 'firewalld', result)
    wanted_rules = [firewalld_rules.rich_rule(item.rule) for item in wanted]
    policies = run(module, [cmd, '--permanent', '--get-policies'], result).split()
    exists = policy in policies
    permanent = runtime = []
    if exists:
        permanent = firewalld_rules.parse_rich_rules(
            run(module, [cmd, '--permanent', '--policy=%s' % policy, '--list-rich-rules'], result))
        rc, out, dummy = run_c(module, [cmd, '--policy=%s' % policy, '--list-rich-rules'])
        runtime = firewalld_rules.parse_rich_rules(out) if rc == 0 else None
    if not params['purge']:
        wanted_rules = unique(permanent + wanted_rules)
    commands = []
    if not exists and wanted_rules:
        commands.append([cmd, '--permanent', '--new-policy=%s' % policy])
        commands.append([cmd, '--permanent', '--policy=%s' % policy, '--add-ingress-zone=ANY'])
        commands.append([cmd, '--permanent', '--policy=%s' % policy, '--add-egress-zone=HOST'])
    add, remove = firewalld_rules.plan(permanent, wanted_rules)
    for rule in remove:
        commands.append([cmd, '--permanent', '--policy=%s' % policy, '--remove-rich-rule=%s' % rule])
    for rule in add:
        commands.append([cmd, '--permanent', '--policy=%s' % policy, '--add-rich-rule=%s' % rule])
    if (not exists and wanted_rules) or (exists and runtime is None):
        commands.append([cmd, '--reload'])  # a new policy reaches the runtime only so
    elif exists:
        live_add, live_remove = firewalld_rules.plan(runtime, wanted_rules)
        for rule in live_remove:
            commands.append([cmd, '--policy=%s' % policy, '--remove-rich-rule=%s' % rule])
        for rule in live_add:
            commands.append([cmd, '--policy=%s' % policy, '--add-rich-rule=%s' % rule])
        add, remove = unique(add + live_add), unique(remove + live_remove)
    for argv in commands:
        if not module.check_mode:
            run(module, argv, result)
        result['commands'].append(' '.join(shlex.quote(arg) for arg in argv))
    result['rules_added'] = add
    result['rules_removed'] = remove
    if module._diff:
        result['diff'] = dict(before='\n'.join(permanent) + '\n', after='\n'.join(wanted_rules) + '\n',
                              before_header='policy %s' % policy, after_header='policy %s' % policy)
    return ['firewalld policy %s' % policy] if commands else []


def main():
    module = AnsibleModule(
        argument_spec=dict(
            backend=dict(type='str', choices=['auto', 'iptables', 'nftables', 'firewalld', 'none'], default='auto'),
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
            nftables_config=dict(type='path'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    owner, backend = params['owner'], params['backend']
    result = dict(changed=False, backend=backend, persist_path='', rules_added=[], rules_removed=[], commands=[],
                  warnings=[])
    try:
        check_name('owner', owner)
        build_wanted(params['rules'], params['reject_others'], owner, ipv6=backend != 'iptables')
    except ValueError as exc:
        module.fail_json(msg=to_native(exc), **result)

    if backend == 'auto':
        backend = detect(module)
    result['backend'] = backend
    if backend == 'none':
        result['msg'] = 'backend=none: nothing to do'
        module.exit_json(**result)
    try:
        wanted = build_wanted(params['rules'], params['reject_others'], owner, ipv6=backend != 'iptables')
    except ValueError as exc:
        module.fail_json(msg=to_native(exc), **result)

    where = {'iptables': do_iptables, 'nftables': do_nftables, 'firewalld': do_firewalld}[backend](
        module, params, wanted, result)
    for warning in result['warnings']:
        module.warn(warning)
    result['changed'] = bool(where)
    result['msg'] = summary(owner, result['rules_added'], result['rules_removed'], where)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
