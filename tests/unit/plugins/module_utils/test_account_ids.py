# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible_collections.novaops.console_migration.plugins.module_utils import account_ids as ai

# Shapes of real `getent passwd` / `getent group` output (Debian 12 compute host).
PASSWD = """root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
libvirt-qemu:x:64055:104:Libvirt Qemu,,,:/var/lib/libvirt:/usr/sbin/nologin
nova:x:101:107::/var/lib/nova:/bin/sh
swift:x:64060:64060::/var/lib/swift:/usr/sbin/nologin

+nisuser::::::
broken:x:abc:1::/:/bin/false
short:x:5
nova:x:9999:9999:nova from LDAP:/home/nova:/bin/sh
"""
GROUP = """root:x:0:
kvm:x:104:
libvirt:x:103:nova
libvirt-qemu:x:64055:libvirt-qemu
nova:x:107:
swift:x:64060:
+:::
bad:x::
"""


def host():
    return ai.HostAccounts.from_text(PASSWD, GROUP)


# -- parsing ----------------------------------------------------------------

def test_parse_passwd_keeps_valid_entries_in_order():
    assert ai.parse_passwd(PASSWD) == [
        ('root', 0, 0, '/root'),
        ('daemon', 1, 1, '/usr/sbin'),
        ('libvirt-qemu', 64055, 104, '/var/lib/libvirt'),
        ('nova', 101, 107, '/var/lib/nova'),
        ('swift', 64060, 64060, '/var/lib/swift'),
        ('nova', 9999, 9999, '/home/nova'),
    ]


def test_parse_passwd_rejects_ids_beyond_uid_t():
    assert ai.parse_passwd('big:x:4294967296:0::/:/bin/sh\nok:x:4294967294:0::/:/bin/sh\n') == [
        ('ok', 4294967294, 0, '/')]


def test_parse_group_keeps_valid_entries():
    assert ai.parse_group(GROUP) == [('root', 0), ('kvm', 104), ('libvirt', 103), ('libvirt-qemu', 64055),
                                     ('nova', 107), ('swift', 64060)]


def test_host_accounts_first_entry_of_a_name_wins_but_all_ids_are_used():
    h = host()
    assert h.ids['user']['nova'] == 101
    assert h.primary_gid['nova'] == 107
    assert h.used('user') == [0, 1, 101, 9999, 64055, 64060]
    assert h.used('group') == [0, 103, 104, 107, 64055, 64060]
    assert h.holders['user'][9999] == ['nova']
    assert h.others_holding('user', 64060, 'nova') == ['swift']
    assert h.others_holding('user', 101, 'nova') == []
    # users and groups are separate name spaces
    assert h.others_holding('group', 64055, 'kvm') == ['libvirt-qemu']


# -- accounts argument ------------------------------------------------------

def test_normalize_accounts_accepts_report_only_and_digit_strings():
    assert ai.normalize_accounts([
        {'kind': 'user', 'name': 'nova', 'id': 64060},
        {'kind': 'group', 'name': 'nova', 'id': '64060'},
        {'kind': 'user', 'name': 'libvirt-qemu'},
        {'kind': 'group', 'name': 'kvm', 'id': None},
    ]) == [
        {'kind': 'user', 'name': 'nova', 'id': 64060},
        {'kind': 'group', 'name': 'nova', 'id': 64060},
        {'kind': 'user', 'name': 'libvirt-qemu', 'id': None},
        {'kind': 'group', 'name': 'kvm', 'id': None},
    ]


def test_normalize_accounts_lists_every_problem():
    with pytest.raises(ai.AccountIdsError) as err:
        ai.normalize_accounts([
            {'kind': 'owner', 'name': 'nova', 'id': 1},
            {'kind': 'user', 'name': '-rf', 'id': 1},
            {'kind': 'user', 'name': 'nova', 'id': -1},
            {'kind': 'user', 'name': 'nova', 'id': True},
            {'kind': 'user', 'name': 'nova', 'id': 5},
            {'kind': 'user', 'name': 'nova', 'id': 6},
            {'kind': 'user', 'name': 'swift', 'id': 5},
            {'kind': 'group', 'name': 'nova', 'id': 5},
            'nova',
        ])
    assert err.value.problems == [
        "accounts[0].kind: 'owner' is not user or group",
        "accounts[1].name: '-rf' is not an account name (expected e.g. nova, libvirt-qemu, kvm)",
        'accounts[2].id: -1 is not an id (expected an integer from 0 to 4294967294, or omitted to only report)',
        'accounts[3].id: True is not an id (expected an integer from 0 to 4294967294, or omitted to only report)',
        'accounts[5]: user nova is already listed as accounts[4]',
        'accounts[6]: user nova and user swift cannot both get uid 5',
        "accounts[8]: 'nova' is not a dictionary (expected {kind: user|group, name: NAME, id: NUMBER})",
    ]


# -- report, refusals, plan -------------------------------------------------

ACCOUNTS = ai.normalize_accounts([
    {'kind': 'user', 'name': 'nova', 'id': 64060},        # held by swift
    {'kind': 'group', 'name': 'nova', 'id': 64061},       # free
    {'kind': 'user', 'name': 'libvirt-qemu', 'id': 64055},  # already right
    {'kind': 'group', 'name': 'kvm'},                     # report only
    {'kind': 'user', 'name': 'qemu', 'id': 107},          # missing
])


def test_report_rows():
    assert ai.report(ACCOUNTS, host()) == [
        {'kind': 'user', 'name': 'nova', 'exists': True, 'id': 101, 'target': 64060, 'conflict': 'swift',
         'mismatch': True},
        {'kind': 'group', 'name': 'nova', 'exists': True, 'id': 107, 'target': 64061, 'conflict': None,
         'mismatch': True},
        {'kind': 'user', 'name': 'libvirt-qemu', 'exists': True, 'id': 64055, 'target': 64055, 'conflict': None,
         'mismatch': False},
        {'kind': 'group', 'name': 'kvm', 'exists': True, 'id': 104, 'target': None, 'conflict': None,
         'mismatch': False},
        {'kind': 'user', 'name': 'qemu', 'exists': False, 'id': None, 'target': 107, 'conflict': None,
         'mismatch': False},
    ]


def test_refusals_name_the_holder_and_the_missing_account():
    assert ai.refusals(ai.report(ACCOUNTS, host())) == [
        'user nova: target uid 64060 belongs to user swift on this host',
        'user qemu does not exist on this host (install the package that creates it first)',
    ]


def test_shared_id_of_an_account_already_at_its_target_is_no_refusal():
    # two users share uid 5 (legal in /etc/passwd); nova already has its target
    h = ai.HostAccounts.from_text('nova:x:5:5::/:/bin/sh\nalias:x:5:5::/:/bin/sh\n', '')
    rows = ai.report(ai.normalize_accounts([{'kind': 'user', 'name': 'nova', 'id': 5}]), h)
    assert rows[0]['conflict'] == 'alias'
    assert rows[0]['mismatch'] is False
    assert ai.refusals(rows) == []


def test_missing_report_only_account_is_no_refusal():
    rows = ai.report(ai.normalize_accounts([{'kind': 'user', 'name': 'qemu'}]), host())
    assert rows[0]['exists'] is False
    assert ai.refusals(rows) == []


def test_plan_changes_groups_first_and_id_maps():
    rows = ai.report(ai.normalize_accounts([
        {'kind': 'user', 'name': 'nova', 'id': 4343},
        {'kind': 'group', 'name': 'kvm', 'id': 992},
        {'kind': 'user', 'name': 'libvirt-qemu', 'id': 64055},
        {'kind': 'group', 'name': 'nova', 'id': 4343},
    ]), host())
    changes = ai.plan_changes(rows)
    assert changes == [('group', 'kvm', 104, 992), ('group', 'nova', 107, 4343), ('user', 'nova', 101, 4343)]
    assert ai.id_maps(changes) == ({101: 4343}, {104: 992, 107: 4343})


def test_diff_text():
    rows = ai.report(ACCOUNTS, host())
    assert ai.diff_text(rows, after=False) == ('user nova: 101\ngroup nova: 107\nuser libvirt-qemu: 64055\n'
                                               'user qemu: absent\n')
    assert ai.diff_text(rows, after=True) == ('user nova: 64060\ngroup nova: 64061\nuser libvirt-qemu: 64055\n'
                                              'user qemu: absent\n')


# -- choosing targets -------------------------------------------------------

def host_report(users, groups, extra_users=None, extra_groups=None, names=True):
    """A mode=report result: ``users``/``groups`` are the reported accounts (name -> id or None)."""
    accounts = [{'kind': 'user', 'name': n, 'exists': i is not None, 'id': i} for n, i in users.items()]
    accounts += [{'kind': 'group', 'name': n, 'exists': i is not None, 'id': i} for n, i in groups.items()]
    all_users = dict((n, i) for n, i in users.items() if i is not None)
    all_users.update(extra_users or {})
    all_groups = dict((n, i) for n, i in groups.items() if i is not None)
    all_groups.update(extra_groups or {})
    data = {'changed': False, 'accounts': accounts,
            'used_uids': sorted(set(all_users.values())), 'used_gids': sorted(set(all_groups.values()))}
    if names:
        data['users'] = all_users
        data['groups'] = all_groups
    return data


def test_majority_id_wins():
    reports = {
        'c1': host_report({'nova': 101}, {'nova': 107}),
        'c2': host_report({'nova': 64060}, {'nova': 64060}),
        'c3': host_report({'nova': 64060}, {'nova': 107}),
    }
    assert ai.choose_targets(reports, {'user/nova': None, 'group/nova': None}) == {
        'user/nova': 64060, 'group/nova': 107}


def test_tie_takes_the_lowest_id():
    reports = {
        'c1': host_report({'nova': 64060}, {}),
        'c2': host_report({'nova': 101}, {}),
    }
    assert ai.choose_targets(reports, {'user/nova': None}) == {'user/nova': 101}


def test_majority_id_taken_elsewhere_gives_the_next_choice():
    reports = {
        'c1': host_report({'nova': 64060}, {}),
        'c2': host_report({'nova': 64060}, {}),
        'c3': host_report({'nova': 101}, {}),
        'c4': host_report({'nova': 120}, {}, extra_users={'swift': 64060}),
    }
    # 64060 (2 hosts) is swift's on c4; then 101 and 120 tie at 1 host each -> the lower, 101.
    assert ai.choose_targets(reports, {'user/nova': None}) == {'user/nova': 101}


def test_no_current_id_free_everywhere_gives_the_lowest_free_from_start():
    reports = {
        'c1': host_report({'nova': 101}, {}, extra_users={'a': 102, 'x': 64000}),
        'c2': host_report({'nova': 102}, {}, extra_users={'b': 101, 'y': 64001}),
    }
    assert ai.choose_targets(reports, {'user/nova': None}) == {'user/nova': 64002}
    assert ai.choose_targets(reports, {'user/nova': None}, start=500) == {'user/nova': 500}


def test_an_id_used_where_the_account_is_missing_is_not_free():
    reports = {
        'c1': host_report({'nova': 101}, {}),
        'c2': host_report({'nova': None}, {}, extra_users={'cinder': 101}),
    }
    assert ai.choose_targets(reports, {'user/nova': None}, start=64000) == {'user/nova': 64000}


def test_only_used_id_lists_are_enough():
    reports = {
        'c1': host_report({'nova': 101}, {}, names=False),
        'c2': host_report({'nova': None}, {}, extra_users={'cinder': 101}, names=False),
    }
    assert ai.choose_targets(reports, {'user/nova': None}) == {'user/nova': 64000}
    with pytest.raises(ai.AccountIdsError) as err:
        ai.choose_targets(reports, {'user/nova': 101})
    assert err.value.problems == ['user/nova: uid 101 is used by user another user on c2']


def test_accounts_of_one_kind_never_share_a_target():
    # Accounts missing everywhere fall back to `start`: one id each, explicit ids reserved first.
    reports = {
        'c1': host_report({'nova': None, 'qemu': None, 'cinder': None}, {}),
        'c2': host_report({'nova': None, 'qemu': None, 'cinder': None}, {}),
    }
    chosen = ai.choose_targets(reports, {'user/nova': None, 'user/qemu': None, 'user/cinder': 64000})
    assert chosen == {'user/nova': 64001, 'user/qemu': 64002, 'user/cinder': 64000}
    assert list(chosen) == ['user/nova', 'user/qemu', 'user/cinder']


def test_user_and_group_may_share_a_number():
    reports = {'c1': host_report({'nova': 64060}, {'nova': 64060})}
    assert ai.choose_targets(reports, {'user/nova': None, 'group/nova': None}) == {
        'user/nova': 64060, 'group/nova': 64060}


def test_explicit_id_is_taken_when_free():
    reports = {
        'c1': host_report({'nova': 101}, {'kvm': 104}),
        'c2': host_report({'nova': 101}, {'kvm': 992}),
    }
    assert ai.choose_targets(reports, {'user/nova': '64060', 'group/kvm': 992}) == {
        'user/nova': 64060, 'group/kvm': 992}


def test_explicit_id_taken_raises_naming_host_and_holder():
    reports = {
        'compute1': host_report({'nova': 101}, {'kvm': 104}),
        'compute2': host_report({'nova': 101}, {'kvm': 104}, extra_users={'swift': 64060},
                                extra_groups={'render': 992}),
        'compute3': host_report({'nova': 101}, {'kvm': 104}, extra_users={'glance': 64060}),
    }
    with pytest.raises(ai.AccountIdsError) as err:
        ai.choose_targets(reports, {'user/nova': 64060, 'group/kvm': 992, 'group/nova': None})
    assert err.value.problems == [
        'user/nova: uid 64060 is used by user swift on compute2',
        'user/nova: uid 64060 is used by user glance on compute3',
        'group/kvm: gid 992 is used by group render on compute2',
    ]


def test_explicit_ids_of_one_kind_must_differ():
    reports = {'c1': host_report({}, {})}
    with pytest.raises(ai.AccountIdsError) as err:
        ai.choose_targets(reports, {'user/nova': 5000, 'user/qemu': 5000})
    assert err.value.problems == ['user/qemu: uid 5000 is also the target of user/nova']


def test_without_explicit_every_reported_account_is_chosen():
    reports = {'c1': host_report({'nova': 101}, {'kvm': 104})}
    assert ai.choose_targets(reports) == {'user/nova': 101, 'group/kvm': 104}


def test_bad_input_lists_every_problem():
    reports = {
        'c1': host_report({'nova': 101}, {}),
        'c2': {'failed': True, 'msg': 'boom'},
        'c3': {'skipped': True},
        'c4': {'accounts': []},
        'c5': ['nova'],
        'c6': {'accounts': [{'kind': 'user'}], 'used_uids': [], 'used_gids': []},
    }
    with pytest.raises(ai.AccountIdsError) as err:
        ai.choose_targets(reports, {'user/nova': 'x', 'owner/nova': None, 'nova': 1}, start=-1)
    assert err.value.problems == [
        'start: -1 is not an id (expected an integer from 0 to 4294967294)',
        'c2: no report (the account_ids task failed on this host)',
        'c3: no report (the account_ids task was skipped on this host)',
        'c4: the report has no used_uids, used_gids (expected the result of '
        'novaops.console_migration.account_ids with mode=report)',
        'c5: the report is list, not the result of novaops.console_migration.account_ids '
        '(expected a dictionary with accounts, used_uids and used_gids)',
        "c6: the report is malformed (KeyError: 'name')",
        "user/nova: 'x' is not an id (expected an integer from 0 to 4294967294, or null to choose one)",
        "explicit: 'owner/nova' is not an account key (expected user/NAME or group/NAME, e.g. user/nova)",
        "explicit: 'nova' is not an account key (expected user/NAME or group/NAME, e.g. user/nova)",
    ]


def test_empty_reports_are_refused():
    with pytest.raises(ai.AccountIdsError) as err:
        ai.choose_targets({}, {'user/nova': None})
    assert err.value.problems[0].startswith('reports: expected a non-empty dictionary')
