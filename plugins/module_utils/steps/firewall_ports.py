# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""What the firewall_ports module does: :func:`run` with an AnsibleModule (or a module like it)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import shlex

from ansible.module_utils.common.text.converters import to_native

from ansible_collections.novaops.console_migration.plugins.module_utils.common import run_c, unique
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


def run_checked(module, argv, result):
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
        policy, live = parse_listing(run_checked(module, [iptables, '-S', 'INPUT'], result))
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
            run_checked(module, argv, result)
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
                base = SaveFile.parse(run_checked(module, [iptables_save, '-t', 'filter'], result))
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
    drops = nft_rules.dropping_input_chains(run_checked(module, [nft, 'list', 'chains'], result))
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
            run_checked(module, argv, result)
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
    policies = run_checked(module, [cmd, '--permanent', '--get-policies'], result).split()
    exists = policy in policies
    permanent = runtime = []
    if exists:
        permanent = firewalld_rules.parse_rich_rules(
            run_checked(module, [cmd, '--permanent', '--policy=%s' % policy, '--list-rich-rules'], result))
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
            run_checked(module, argv, result)
        result['commands'].append(' '.join(shlex.quote(arg) for arg in argv))
    result['rules_added'] = add
    result['rules_removed'] = remove
    if module._diff:
        result['diff'] = dict(before='\n'.join(permanent) + '\n', after='\n'.join(wanted_rules) + '\n',
                              before_header='policy %s' % policy, after_header='policy %s' % policy)
    return ['firewalld policy %s' % policy] if commands else []


ARGUMENT_SPEC = dict(
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
)

MODULE_OPTIONS = dict(supports_check_mode=True)


def run(module):
    """The module's work on ``module``; returns the result (fails through ``module.fail_json``)."""
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
        return result
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
    return result
