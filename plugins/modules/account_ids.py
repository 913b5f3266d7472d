#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r"""
module: account_ids
short_description: Give the nova and libvirt QEMU users and groups the same UID and GID on every compute host
version_added: 1.0.0
description:
  - Live migration and shared instance storage need the C(nova) user and group and the libvirt QEMU user and group
    (C(qemu)/C(qemu) on the RHEL family, C(libvirt-qemu)/C(kvm) on Debian and Ubuntu) to have the same UID and GID
    on every compute host. This module reports the ids of such accounts and changes them to given targets.
  - All accounts are read once, with C(getent passwd) and C(getent group).
  - With O(mode=report) the module only reads and returns the ids, including every UID and GID in use on the host,
    so that the C(novaops.console_migration.id_targets) filter can choose targets that are free on every host.
  - 'With O(mode=align) an account whose id differs from its target is changed as follows: the units of O(services)
    that exist and are active are stopped (sockets first, so that socket activation does not start the services again),
    the groups are changed with C(groupmod -g), then the users with C(usermod -u), every file, directory and symbolic
    link under O(paths) whose owner or group is the old id of a changed account gets the new id, and the stopped units
    are started again (sockets first).'
  - 'The module refuses to change anything, with an error naming every problem, when: an account with a target does not
    exist; a target id belongs to another account of the same kind on the host; domains are running and
    O(force=false); processes of a changed account are still running after O(services) were stopped (the units are
    started again). Apart from missing accounts, these checks run only when a change is needed.'
  - 'Running domains are looked for in two ways: C(virsh -c qemu:///system list --name --state-running), when C(virsh)
    is installed (this may start C(libvirtd) through its socket), and C(/proc): any C(qemu-system-*) or C(qemu-kvm)
    process whose real user is one of the users of O(accounts) or whose real group is one of its groups.'
author: "novaops maintainers (@novaops)"
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - novaops.console_migration.attributes
attributes:
  check_mode:
    details:
      - Runs only C(getent), C(virsh list) and C(systemctl show), walks O(paths) without changing them, applies the
        same refusals, and reports what would change (RV(files_reowned) counts the files that would be re-owned).
  diff_mode:
    details:
      - 'One line C(user nova: 101) per account with a target, before and after.'
options:
  accounts:
    description:
      - The users and groups to report on and align.
      - A user and a group are separate accounts; list the user C(nova) and the group C(nova) to align both.
      - Two accounts of one kind may not have the same name or the same O(accounts[].id).
    type: list
    elements: dict
    required: true
    suboptions:
      kind:
        description:
          - V(user) (a UID) or V(group) (a GID).
        type: str
        choices: [user, group]
        required: true
      name:
        description:
          - Name of the account, for example V(nova), V(libvirt-qemu), V(kvm) or V(qemu).
        type: str
        required: true
      id:
        description:
          - The target UID or GID, from 0 to 4294967294.
          - Omit it to only report the account. An account without target may be missing from the host.
        type: int
  paths:
    description:
      - Directories in which files carrying the old id of a changed account get the new id.
      - Directories that do not exist are skipped. A listed path that is a symbolic link is resolved; symbolic links
        inside are re-owned themselves and never followed.
      - The walk stays on the file system of each listed directory; list a directory mounted below another one (for
        example V(/var/lib/nova/instances) on NFS) to walk it too.
      - C(usermod -u) itself also re-owns the files of the user in its home directory; those are not counted in
        RV(files_reowned).
    type: list
    elements: path
    default: [/var/lib/nova, /etc/nova, /var/log/nova, /var/lib/libvirt, /etc/libvirt, /var/log/libvirt,
              /var/cache/libvirt, /run/libvirt]
  services:
    description:
      - systemd units to stop before a change and start again after it, such as the services that own files of the
        accounts and the sockets that would start them.
      - Only units that exist and are active (or activating) are stopped, and exactly those are started again.
        Sockets (C(.socket)) are stopped before, and started before, the other units.
      - A name without suffix means a C(.service) unit.
      - Use V([]) to change the ids without stopping anything.
    type: list
    elements: str
    default: [nova-compute, libvirtd, libvirtd.socket, libvirtd-ro.socket, libvirtd-admin.socket, libvirtd-tcp.socket,
              libvirtd-tls.socket, virtqemud, virtqemud.socket, virtqemud-ro.socket, virtqemud-admin.socket, virtlogd,
              virtlogd.socket, virtlogd-admin.socket, virtlockd, virtlockd.socket, virtlockd-admin.socket]
  force:
    description:
      - Change the ids even when domains are running. Their QEMU processes keep the old ids until they are restarted.
    type: bool
    default: false
  mode:
    description:
      - V(report) only reads the accounts and never changes anything, never fails for missing accounts or taken ids,
        and always reports no change.
      - V(align) changes the accounts to their targets.
    type: str
    choices: [report, align]
    default: align
notes:
  - Requires root privileges, C(getent), C(groupmod) and C(usermod), and C(systemctl) unless O(services=[]).
  - Changing the owner of a file clears its set-user-ID and set-group-ID bits and its file capabilities. The module
    sets the mode bits of the files under O(paths) again (also of those that C(usermod) re-owned in the user's home
    directory), not the capabilities. POSIX ACL entries naming the old ids are not changed.
  - Files outside O(paths) (for example in C(/tmp) or in images elsewhere) keep the old ids.
  - Only ids listed by C(getent) count as taken; with NSS sources that do not enumerate (C(sssd) without
    C(enumerate)), C(usermod) and C(groupmod) still refuse ids that are in use.
seealso:
  - name: Nova, configure live migrations
    description: Why the nova and QEMU ids must match across compute hosts.
    link: https://docs.openstack.org/nova/latest/admin/configuring-migrations.html
"""

EXAMPLES = r"""
- name: Read the ids on every compute host
  novaops.console_migration.account_ids:
    mode: report
    accounts:
      - {kind: user, name: nova}
      - {kind: group, name: nova}
      - {kind: user, name: libvirt-qemu}
      - {kind: group, name: kvm}
  register: account_report

- name: Align the ids to the targets chosen across the play
  vars:
    targets: >-
      {{ dict(ansible_play_hosts | zip(ansible_play_hosts | map('extract', hostvars, 'account_report')))
         | novaops.console_migration.id_targets({'user/nova': none, 'group/nova': none,
                                                 'user/libvirt-qemu': 64055, 'group/kvm': none}) }}
  novaops.console_migration.account_ids:
    accounts:
      - {kind: user, name: nova, id: "{{ targets['user/nova'] }}"}
      - {kind: group, name: nova, id: "{{ targets['group/nova'] }}"}
      - {kind: user, name: libvirt-qemu, id: "{{ targets['user/libvirt-qemu'] }}"}
      - {kind: group, name: kvm, id: "{{ targets['group/kvm'] }}"}

- name: Change a test account without stopping services, files under one directory only
  novaops.console_migration.account_ids:
    accounts:
      - {kind: user, name: novaops-test, id: 4343}
      - {kind: group, name: novaops-test, id: 4343}
    paths: [/var/lib/novaops-test]
    services: []
"""

RETURN = r"""
accounts:
  description: One entry per account of O(accounts), in order.
  returned: always
  type: list
  elements: dict
  sample:
    - {kind: user, name: nova, exists: true, id: 101, target: 64060, conflict: null, mismatch: true, after: 64060}
  contains:
    kind:
      description: V(user) or V(group).
      type: str
    name:
      description: The account name.
      type: str
    exists:
      description: Whether the account exists on the host.
      type: bool
    id:
      description: The UID or GID before the task, null if the account does not exist.
      type: int
    target:
      description: The target id, null for accounts that are only reported.
      type: int
    conflict:
      description: Name of another account of the same kind that holds the target on this host, else null.
      type: str
    mismatch:
      description: Whether the account exists and its id differs from the target.
      type: bool
    after:
      description: The id after the task (the id it would have, in check mode).
      type: int
used_uids:
  description: Every UID listed by C(getent passwd) on the host, sorted.
  returned: always
  type: list
  elements: int
  sample: [0, 1, 2, 100, 101, 64055, 65534]
used_gids:
  description: Every GID listed by C(getent group) on the host, sorted.
  returned: always
  type: list
  elements: int
  sample: [0, 4, 104, 64055, 65534]
users:
  description: Every user name listed by C(getent passwd), with its UID (the first entry of a repeated name).
  returned: always
  type: dict
  sample: {root: 0, nova: 101, libvirt-qemu: 64055}
groups:
  description: Every group name listed by C(getent group), with its GID.
  returned: always
  type: dict
  sample: {root: 0, kvm: 104, nova: 107}
files_reowned:
  description: Files, directories and links under O(paths) that got (would get, in check mode) a new owner or group.
  returned: always
  type: dict
  sample: {count: 3, sample: [/var/lib/nova, /var/lib/nova/instances, /var/log/nova/nova-compute.log]}
  contains:
    count:
      description: How many.
      type: int
    sample:
      description: Up to 20 of their paths.
      type: list
      elements: str
services_restarted:
  description: Units of O(services) that were (would be) stopped and started again, in stop order.
  returned: always
  type: list
  elements: str
  sample: [libvirtd.socket, libvirtd-ro.socket, nova-compute, libvirtd]
domains:
  description: Running domains found (by name, or V(pid N (command\)) for a QEMU process without C(-name)).
  returned: always
  type: list
  elements: str
  sample: [instance-00000001]
msg:
  description: Short human readable summary.
  returned: always
  type: str
  sample: "user nova: 101 -> 64060; group nova: 107 -> 64060; 42 files re-owned; services restarted: nova-compute"
"""

import os

from ansible.module_utils.basic import AnsibleModule
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
DEFAULT_SERVICES = ['nova-compute', 'libvirtd', 'libvirtd.socket', 'libvirtd-ro.socket', 'libvirtd-admin.socket',
                    'libvirtd-tcp.socket', 'libvirtd-tls.socket', 'virtqemud', 'virtqemud.socket',
                    'virtqemud-ro.socket', 'virtqemud-admin.socket', 'virtlogd', 'virtlogd.socket',
                    'virtlogd-admin.socket', 'virtlockd', 'virtlockd.socket', 'virtlockd-admin.socket']
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


# -- main -------------------------------------------------------------------

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


def main():
    module = AnsibleModule(
        argument_spec=dict(
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
        ),
        supports_check_mode=True,
    )
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
        module.exit_json(**result)
    problems = refusals(rows)
    if problems:
        module.fail_json(msg='nothing changed: ' + '; '.join(problems), **result)
    if not changes:
        result['msg'] = 'all accounts with a target already have it'
        module.exit_json(**result)
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
        finish(module, result, rows, changes, check_mode=True)

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
    finish(module, result, rows, changes, check_mode=False)


def finish(module, result, rows, changes, check_mode):
    result['changed'] = True
    parts = [describe_changes(changes), '%d files re-owned' % result['files_reowned']['count']]
    if result['services_restarted']:
        parts.append('services restarted: %s' % ', '.join(result['services_restarted']))
    result['msg'] = ('would change (check mode): ' if check_mode else '') + '; '.join(parts)
    if module._diff:
        result['diff']['after'] = diff_text(rows, after=True)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
