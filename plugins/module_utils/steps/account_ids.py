# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""What the account_ids module does, callable in-process with any AnsibleModule: :func:`run`."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os

from ansible.module_utils.common.text.converters import to_native

from ansible_collections.novaops.console_migration.plugins.module_utils.account_files import (
    SAMPLE_SIZE,
    Reowner,
    busy_processes,
    domain_name,
    is_qemu,
    processes,
)
from ansible_collections.novaops.console_migration.plugins.module_utils.account_ids import (
    AccountIdsError,
    HostAccounts,
    diff_text,
    id_maps,
    label,
    normalize_accounts,
    plan_changes,
    refusals,
    report,
)
from ansible_collections.novaops.console_migration.plugins.module_utils.common import run_c
from ansible_collections.novaops.console_migration.plugins.module_utils.systemd_units import (
    BUSY_STATES,
    Systemctl,
    SystemctlError,
    check_unit_name,
    unit_key,
)

DEFAULT_PATHS = ['/var/lib/nova', '/etc/nova', '/var/log/nova', '/var/lib/libvirt', '/etc/libvirt', '/var/log/libvirt',
                 '/var/cache/libvirt', '/run/libvirt']
# libvirt's units, whatever the daemon layout; the plan passes them after the family's nova compute unit.
LIBVIRT_UNITS = ['libvirtd', 'libvirtd.socket', 'libvirtd-ro.socket', 'libvirtd-admin.socket',
                 'libvirtd-tcp.socket', 'libvirtd-tls.socket', 'virtqemud', 'virtqemud.socket',
                 'virtqemud-ro.socket', 'virtqemud-admin.socket', 'virtlogd', 'virtlogd.socket',
                 'virtlogd-admin.socket', 'virtlockd', 'virtlockd.socket', 'virtlockd-admin.socket']
DEFAULT_SERVICES = ['nova-compute'] + LIBVIRT_UNITS
PROC = '/proc'
CHANGE_TOOL = {'group': ('groupmod', '-g'), 'user': ('usermod', '-u')}


class StepError(Exception):
    pass


class Host(object):
    """Commands on the managed host."""

    def __init__(self, module):
        self.module = module

    def run(self, argv):
        return run_c(self.module, argv)

    def must(self, argv):
        rc, out, err = self.run(argv)
        if rc != 0:
            raise StepError('%s failed (rc %d): %s' % (' '.join(argv), rc, (err or out).strip()))
        return out

    def accounts(self):
        getent = self.module.get_bin_path('getent', required=True)
        return HostAccounts.from_text(self.must([getent, 'passwd']), self.must([getent, 'group']))


def running_domains(host, rows, warnings):
    """Names of running domains: virsh's list and QEMU processes of the accounts."""
    names = []
    virsh = host.module.get_bin_path('virsh')
    if virsh:
        rc, out, err = host.run([virsh, '-c', 'qemu:///system', 'list', '--name', '--state-running'])
        if rc == 0:
            names.extend(line.strip() for line in out.splitlines() if line.strip())
        else:
            warnings.append('virsh could not list the domains (rc %d): %s; only QEMU processes were looked for'
                            % (rc, (err or out).strip()))
    uids = set(r['id'] for r in rows if r['kind'] == 'user' and r['exists'])
    gids = set(r['id'] for r in rows if r['kind'] == 'group' and r['exists'])
    for info in processes(PROC):
        if is_qemu(info) and (info['uids'][0] in uids or info['gids'][0] in gids):
            name = domain_name(info)
            if name not in names:
                names.append(name)
    return names


# -- services ---------------------------------------------------------------

def active_units(systemctl, names):
    """Units of ``names`` that are loaded and active or activating, in the given order."""
    try:
        states = systemctl.show(names, ('Id', 'LoadState', 'ActiveState'))
    except SystemctlError as exc:
        raise StepError(to_native(exc))
    return [name for name, st in zip(names, states) if st['load'] == 'loaded' and st['active'] in BUSY_STATES]


def sockets_first(units):
    return ([u for u in units if unit_key(u).endswith('.socket')]
            + [u for u in units if not unit_key(u).endswith('.socket')])


def unit_groups(units):
    """The sockets, then the other units."""
    ordered = sockets_first(units)
    sockets = [u for u in ordered if unit_key(u).endswith('.socket')]
    return [group for group in (sockets, ordered[len(sockets):]) if group]


def stop_units(systemctl, units):
    """Stop the sockets, then the other units; StepError if systemctl fails."""
    for group in unit_groups(units):
        try:
            systemctl.act('stop', group)
        except SystemctlError as exc:
            raise StepError(to_native(exc))


def start_units(systemctl, units):
    errors = []
    for group in unit_groups(units):
        try:
            systemctl.act('start', group)
        except SystemctlError as exc:
            errors.append(to_native(exc))
    return errors


# -- run --------------------------------------------------------------------

def warn_other_mounts(module, reowner):
    if reowner.other_mounts:
        module.warn('not walked, on another file system (list them in paths to re-own their files too): %s'
                    % ', '.join(reowner.other_mounts[:SAMPLE_SIZE]))


def describe_changes(changes):
    return '; '.join('%s: %d -> %d' % (label(kind, name), old, new) for kind, name, old, new in changes)


def check_paths(paths):
    bad = [p for p in paths if not os.path.isabs(p)]
    if bad:
        raise AccountIdsError('paths: %s %s not absolute (expected e.g. /var/lib/nova)'
                              % (', '.join(bad), 'is' if len(bad) == 1 else 'are'))


ARGUMENT_SPEC = dict(
    accounts=dict(
        type='list',
        elements='dict',
        required=True,
        options=dict(
            kind=dict(type='str', choices=['user', 'group'], required=True),
            name=dict(type='str', required=True),
            id=dict(type='int'),
        ),
    ),
    paths=dict(type='list', elements='path', default=list(DEFAULT_PATHS)),
    services=dict(type='list', elements='str', default=list(DEFAULT_SERVICES)),
    force=dict(type='bool', default=False),
    mode=dict(type='str', choices=['report', 'align'], default='align'),
)
MODULE_OPTIONS = dict(supports_check_mode=True)


def run(module):
    """What the module does with ``module``; the result dict (fails through ``module.fail_json``)."""
    params = module.params
    result = dict(changed=False, accounts=[], used_uids=[], used_gids=[], users={}, groups={},
                  files_reowned={'count': 0, 'sample': []}, services_restarted=[], domains=[])
    try:
        accounts = normalize_accounts(params['accounts'])
        check_paths(params['paths'])
        for name in params['services']:
            check_unit_name(name)
    except (AccountIdsError, ValueError) as exc:
        module.fail_json(msg=to_native(exc), **result)
    host = Host(module)

    try:
        before = host.accounts()
    except StepError as exc:
        module.fail_json(msg=to_native(exc), **result)
    rows = report(accounts, before)
    for row in rows:
        row['after'] = row['id']
    result.update(accounts=rows, used_uids=before.used('user'), used_gids=before.used('group'),
                  users=dict(before.ids['user']), groups=dict(before.ids['group']))
    if module._diff:
        text = diff_text(rows, after=False)
        result['diff'] = dict(before=text, after=text, before_header='getent passwd/group',
                              after_header='getent passwd/group')

    changes = plan_changes(rows)
    if params['mode'] == 'report':
        mismatches = describe_changes(changes)
        result['msg'] = 'report only; ' + ('mismatches: ' + mismatches if mismatches else 'no mismatch')
        return result
    problems = refusals(rows)
    if problems:
        module.fail_json(msg='nothing changed: ' + '; '.join(problems), **result)
    if not changes:
        result['msg'] = 'all accounts with a target already have it'
        return result
    warnings = []
    result['domains'] = running_domains(host, rows, warnings)
    for warning in warnings:
        module.warn(warning)
    if result['domains'] and not params['force']:
        module.fail_json(msg='nothing changed: domains are running on this host: %s (stop or migrate them, or set '
                             'force=true)' % ', '.join(result['domains']), **result)
    if result['domains']:
        module.warn('changing ids while domains run (force=true): %s keep the old ids until they are restarted'
                    % ', '.join(result['domains']))

    systemctl = Systemctl(module)
    if params['services']:
        if not systemctl.bin:
            module.fail_json(msg='nothing changed: systemctl not found, the services cannot be stopped '
                                 '(set services: [] to change the ids without stopping services)', **result)
    uid_map, gid_map = id_maps(changes)
    tools = {}
    for kind in set(change[0] for change in changes):
        tools[kind] = module.get_bin_path(CHANGE_TOOL[kind][0])
        if not tools[kind]:
            module.fail_json(msg='nothing changed: %s not found (install the passwd/shadow-utils package)'
                                 % CHANGE_TOOL[kind][0], **result)

    if module.check_mode:
        try:
            result['services_restarted'] = sockets_first(active_units(systemctl, params['services']))
        except StepError as exc:
            module.fail_json(msg=to_native(exc), **result)
        reowner = Reowner(uid_map, gid_map, dry_run=True)
        for path in params['paths']:
            reowner.walk(path)
        for error in reowner.errors[:SAMPLE_SIZE]:
            module.warn('cannot read %s' % error)
        warn_other_mounts(module, reowner)
        for row in rows:
            if row['mismatch']:
                row['after'] = row['target']
        result['files_reowned'] = reowner.result()
        return finish(module, result, rows, changes, check_mode=True)

    try:
        stopped = sockets_first(active_units(systemctl, params['services']))
    except StepError as exc:
        module.fail_json(msg='nothing changed: %s' % to_native(exc), **result)
    result['services_restarted'] = stopped
    try:
        stop_units(systemctl, stopped)
    except StepError as exc:
        errors = start_units(systemctl, stopped)
        module.fail_json(msg='nothing changed: %s%s' % (to_native(exc), ''.join('; ' + e for e in errors)), **result)

    done = []
    failure = None
    # Modes of set-user-ID/set-group-ID files, restored at the end (see Reowner.restore_modes).
    before_walk = Reowner(uid_map, gid_map, dry_run=True)
    busy = busy_processes(uid_map, gid_map, PROC)
    if busy:
        failure = ('processes still run with the old ids after stopping %s: %s (stop them first)'
                   % (', '.join(stopped) or 'no service', ', '.join(busy)))
    else:
        for path in params['paths']:
            before_walk.walk(path)
        warn_other_mounts(module, before_walk)
        for change in changes:
            kind, name, dummy, new = change
            try:
                host.must([tools[kind], CHANGE_TOOL[kind][1], str(new), name])
            except StepError as exc:
                failure = to_native(exc)
                break
            done.append(change)

    reowner = Reowner(*id_maps(done), dry_run=False)
    if done:
        for path in params['paths']:
            reowner.walk(path)
        reowner.restore_modes(before_walk.setid)
    result['files_reowned'] = reowner.result()
    start_errors = start_units(systemctl, stopped)

    try:
        after = host.accounts()
    except StepError as exc:
        after = None
        failure = failure or to_native(exc)
    if after is not None:
        for row in rows:
            row['after'] = after.ids[row['kind']].get(row['name'])
        for kind, name, old, new in done:
            if after.ids[kind].get(name) != new:
                failure = failure or ('%s still has %s after the change to %d' % (label(kind, name),
                                                                                  after.ids[kind].get(name), new))
            if kind == 'group':
                stale = sorted(user for user, gid in after.primary_gid.items() if gid == old
                               and before.primary_gid.get(user) == old)
                if stale:
                    failure = failure or ('users with primary group %s still have gid %d: %s (groupmod did not update '
                                          'them; run usermod -g %d on them)' % (name, old, ', '.join(stale), new))
    problems = []
    if failure:
        problems.append(failure)
    problems.extend(reowner.errors[:SAMPLE_SIZE])
    problems.extend(start_errors)
    if problems:
        result['changed'] = bool(done) or reowner.count > 0
        state = ('changed so far: %s; %d files re-owned' % (describe_changes(done), reowner.count) if done
                 else 'no account changed')
        module.fail_json(msg='%s (%s; units started again: %s)'
                             % ('; '.join(problems), state, ', '.join(stopped) or 'none'), **result)
    return finish(module, result, rows, changes, check_mode=False)


def finish(module, result, rows, changes, check_mode):
    result['changed'] = True
    parts = [describe_changes(changes), '%d files re-owned' % result['files_reowned']['count']]
    if result['services_restarted']:
        parts.append('services restarted: %s' % ', '.join(result['services_restarted']))
    result['msg'] = ('would change (check mode): ' if check_mode else '') + '; '.join(parts)
    if module._diff:
        result['diff']['after'] = diff_text(rows, after=True)
    return result
