# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""The id_targets filter, fed with results shaped like the account_ids module's mode=report."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


import pytest

from ansible.errors import AnsibleFilterError
from jinja2.nativetypes import NativeEnvironment

from ansible_collections.novaops.console_migration.plugins.filter import id_targets as plugin


def result(nova_uid, nova_gid, qemu_uid, kvm_gid, users=None, groups=None):
    """A registered account_ids result (mode=report) of a Debian compute host."""
    accounts = [
        {'kind': 'user', 'name': 'nova', 'exists': nova_uid is not None, 'id': nova_uid, 'target': None},
        {'kind': 'group', 'name': 'nova', 'exists': nova_gid is not None, 'id': nova_gid, 'target': None},
        {'kind': 'user', 'name': 'libvirt-qemu', 'exists': True, 'id': qemu_uid, 'target': None},
        {'kind': 'group', 'name': 'kvm', 'exists': True, 'id': kvm_gid, 'target': None},
    ]
    all_users = {'root': 0, 'libvirt-qemu': qemu_uid}
    all_groups = {'root': 0, 'kvm': kvm_gid}
    if nova_uid is not None:
        all_users['nova'] = nova_uid
    if nova_gid is not None:
        all_groups['nova'] = nova_gid
    all_users.update(users or {})
    all_groups.update(groups or {})
    return {'changed': False, 'failed': False, 'accounts': accounts,
            'used_uids': sorted(all_users.values()), 'used_gids': sorted(all_groups.values()),
            'users': all_users, 'groups': all_groups, 'msg': 'report only; no mismatch'}


REPORTS = {
    'compute1': result(101, 107, 64055, 104),
    'compute2': result(64060, 64060, 64055, 992),
    'compute3': result(64060, 64060, 64055, 992, users={'swift': 101}),
}
ALL = {'user/nova': None, 'group/nova': None, 'user/libvirt-qemu': None, 'group/kvm': None}


def test_filter_is_registered():
    assert plugin.FilterModule().filters() == {'id_targets': plugin.id_targets}


def test_chooses_majority_ids_free_everywhere():
    assert plugin.id_targets(REPORTS, ALL) == {
        'user/nova': 64060, 'group/nova': 64060, 'user/libvirt-qemu': 64055, 'group/kvm': 992}


def test_explicit_value_wins_and_inputs_stay_untouched():
    explicit = dict(ALL, **{'group/kvm': 104})
    assert plugin.id_targets(REPORTS, explicit)['group/kvm'] == 104
    assert explicit['group/nova'] is None
    assert REPORTS['compute1']['accounts'][0]['id'] == 101


def test_explicit_value_taken_raises_naming_host_and_account():
    reports = dict(REPORTS, compute4=result(64060, 64060, 64055, 992, groups={'render': 104}))
    with pytest.raises(AnsibleFilterError) as err:
        plugin.id_targets(reports, {'user/nova': 101, 'group/kvm': 104, 'group/nova': None})
    assert err.value.message.splitlines() == [
        'user/nova: uid 101 is used by user swift on compute3',
        'group/kvm: gid 104 is used by group render on compute4',
    ]


def test_start_is_used_when_no_current_id_is_free():
    reports = {
        'compute1': result(101, 107, 64055, 104, users={'cinder': 64060}),
        'compute2': result(64060, 107, 64055, 104, users={'cinder': 101}),
    }
    assert plugin.id_targets(reports, {'user/nova': None}) == {'user/nova': 64000}
    assert plugin.id_targets(reports, {'user/nova': None}, 70000) == {'user/nova': 70000}


def test_failed_host_is_a_problem():
    reports = dict(REPORTS, compute4={'failed': True, 'msg': 'getent failed'})
    with pytest.raises(AnsibleFilterError) as err:
        plugin.id_targets(reports, ALL)
    assert err.value.message == 'compute4: no report (the account_ids task failed on this host)'


def test_through_jinja_as_the_role_calls_it():
    env = NativeEnvironment()
    env.filters['novaops.console_migration.id_targets'] = plugin.id_targets
    env.globals['none'] = None
    expr = ("{{ reports | novaops.console_migration.id_targets({'user/nova': nova_uid, 'group/nova': none, "
            "'user/libvirt-qemu': none, 'group/kvm': none}) }}")
    assert env.from_string(expr).render(reports=REPORTS, nova_uid=64061) == {
        'user/nova': 64061, 'group/nova': 64060, 'user/libvirt-qemu': 64055, 'group/kvm': 992}


NAMES = {'user/nova': 'live_migration_nova_uid', 'group/nova': 'live_migration_nova_gid',
         'user/libvirt-qemu': 'live_migration_qemu_uid', 'group/kvm': 'live_migration_qemu_gid'}


def test_problems_name_the_variable_that_set_the_id():
    with pytest.raises(AnsibleFilterError) as err:
        plugin.id_targets(REPORTS, dict(ALL, **{'user/nova': 0, 'group/kvm': 107}), names=NAMES)
    assert err.value.message.splitlines() == [
        'live_migration_nova_uid: 0 (uid of user/nova) is used by user root on compute1 (expected a uid free on '
        'every compute host, or null to choose one)',
        'live_migration_nova_uid: 0 (uid of user/nova) is used by user root on compute2 (expected a uid free on '
        'every compute host, or null to choose one)',
        'live_migration_nova_uid: 0 (uid of user/nova) is used by user root on compute3 (expected a uid free on '
        'every compute host, or null to choose one)',
        'live_migration_qemu_gid: 107 (gid of group/kvm) is used by group nova on compute1 (expected a gid free on '
        'every compute host, or null to choose one)']
    # Without names the account key leads, as before.
    with pytest.raises(AnsibleFilterError) as err:
        plugin.id_targets(REPORTS, dict(ALL, **{'user/nova': 0}))
    assert err.value.message.splitlines()[0] == 'user/nova: uid 0 is used by user root on compute1'
