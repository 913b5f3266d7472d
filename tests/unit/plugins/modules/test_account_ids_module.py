# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import stat

import pytest

from ansible.module_utils import basic

from ansible_collections.novaops.console_migration.plugins.module_utils.steps import account_ids as step
from ansible_collections.novaops.console_migration.plugins.modules import account_ids
from ansible_collections.novaops.console_migration.tests.unit.plugins.modules import module_harness as harness
from ansible_collections.novaops.console_migration.tests.unit.plugins.modules.module_harness import (
    FailJson,
    exit_json as harness_exit_json,
    module_args,
    patch_exits,
    run_module,
)


GETENT = '/usr/bin/getent'
GROUPMOD = '/usr/sbin/groupmod'
USERMOD = '/usr/sbin/usermod'
SYSTEMCTL = '/usr/bin/systemctl'
VIRSH = '/usr/bin/virsh'
SHOW = [SYSTEMCTL, 'show', '--property=Id,LoadState,ActiveState', '--']

OLD = 4242    # the test account's uid and gid
NEW = 4343    # their target
TAKEN = 4444  # held by the account `other`


def unit_name(name):
    return name if '.' in name else name + '.service'


class FakeHost(object):
    """Accounts, units and libvirt of a compute host; records every command."""

    def __init__(self):
        self.users = {'root': [0, 0], 'nova': [101, 107], 'libvirt-qemu': [64055, 104],
                      'novaops-test': [OLD, OLD], 'other': [TAKEN, TAKEN]}
        self.groups = {'root': 0, 'kvm': 104, 'nova': 107, 'novaops-test': OLD, 'other': TAKEN}
        self.units = {}
        self.domains = []
        self.virsh_rc = 0
        self.bins = {'getent': GETENT, 'groupmod': GROUPMOD, 'usermod': USERMOD, 'systemctl': SYSTEMCTL,
                     'virsh': VIRSH}
        self.groupmod_updates_primary = True
        self.usermod_error = None
        self.home = None  # like shadow's usermod -u: re-own the user's files in this directory
        self.calls = []

    def changing_calls(self):
        return [c for c in self.calls if c[0] in (GROUPMOD, USERMOD)
                or (c[0] == SYSTEMCTL and c[1] in ('stop', 'start'))]

    def passwd(self):
        return ''.join('%s:x:%d:%d::/nonexistent:/usr/sbin/nologin\n' % (n, u, g) for n, (u, g) in self.users.items())

    def group(self):
        return ''.join('%s:x:%d:\n' % (n, g) for n, g in self.groups.items())

    def systemctl(self, args):
        verb, names = args[0], [a for a in args[1:] if not a.startswith('--')]
        if verb == 'show':
            assert args[1] == '--property=Id,LoadState,ActiveState' and args[2] == '--'
            blocks = []
            for name in names:
                load, active = self.units.get(unit_name(name), ('not-found', 'inactive'))
                blocks.append('Id=%s\nLoadState=%s\nActiveState=%s\n' % (unit_name(name), load, active))
            return 0, '\n'.join(blocks), ''
        assert args[1] == '--'
        for name in names:
            load, dummy = self.units[unit_name(name)]
            self.units[unit_name(name)] = (load, 'active' if verb == 'start' else 'inactive')
        return 0, '', ''

    def run_command(self, args, **kwargs):
        args = list(args)
        self.calls.append(args)
        assert kwargs.get('environ_update', {}).get('LC_ALL') == 'C'
        if args[0] == GETENT:
            return 0, self.passwd() if args[1:] == ['passwd'] else self.group(), ''
        if args[0] == GROUPMOD:
            assert args[1] == '-g'
            new, name = int(args[2]), args[3]
            if new in self.groups.values():
                return 4, '', "groupmod: GID '%d' already exists\n" % new
            old = self.groups[name]
            self.groups[name] = new
            if self.groupmod_updates_primary:
                for ids in self.users.values():
                    if ids[1] == old:
                        ids[1] = new
            return 0, '', ''
        if args[0] == USERMOD:
            assert args[1] == '-u'
            new, name = int(args[2]), args[3]
            if self.usermod_error:
                return 8, '', self.usermod_error
            if any(u == new for u, dummy in self.users.values()):
                return 4, '', "usermod: UID '%d' already exists\n" % new
            old = self.users[name][0]
            self.users[name][0] = new
            for dirpath, dirnames, filenames in os.walk(self.home or '/nonexistent'):
                for entry in [dirpath] + [os.path.join(dirpath, n) for n in dirnames + filenames]:
                    if os.lstat(entry).st_uid == old:
                        os.lchown(entry, new, -1)  # the kernel clears set-user-ID and set-group-ID
            return 0, '', ''
        if args[0] == SYSTEMCTL:
            return self.systemctl(args[1:])
        if args[0] == VIRSH:
            assert args[1:] == ['-c', 'qemu:///system', 'list', '--name', '--state-running']
            if self.virsh_rc:
                return self.virsh_rc, '', 'error: failed to connect to the hypervisor\n'
            return 0, ''.join(d + '\n' for d in self.domains) + '\n', ''
        raise AssertionError('unexpected command %r' % (args,))


@pytest.fixture(autouse=True)
def module_exits(monkeypatch):
    def exit_json(self, **kwargs):
        kwargs['warnings'] = list(getattr(self, '_test_warnings', []))
        harness_exit_json(self, **kwargs)

    def warn(self, text):
        self._test_warnings = getattr(self, '_test_warnings', []) + [text]

    patch_exits(monkeypatch, exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'warn', warn)


@pytest.fixture
def proc(tmp_path, monkeypatch):
    """An empty fake /proc; add processes with add_process()."""
    path = tmp_path / 'proc'
    path.mkdir()
    monkeypatch.setattr(step, 'PROC', str(path))
    return path


def add_process(proc, pid, argv, uid, gid, comm=None):
    d = proc / str(pid)
    d.mkdir()
    comm = comm or os.path.basename(argv[0])[:15]
    (d / 'status').write_text(u'Name:\t%s\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t%d\t%d\t%d\t%d\n'
                              u'Gid:\t%d\t%d\t%d\t%d\nGroups:\t\n' % ((comm,) + (uid,) * 4 + (gid,) * 4))
    (d / 'cmdline').write_bytes(b'\0'.join(a.encode() for a in argv) + b'\0')


@pytest.fixture
def host(monkeypatch, proc):
    fake = FakeHost()

    def run_command(self, args, **kwargs):
        return fake.run_command(args, **kwargs)

    def get_bin_path(self, name, required=False, opt_dirs=None):
        path = fake.bins.get(name)
        if path is None and required:
            self.fail_json(msg='Failed to find required executable "%s"' % name)
        return path

    monkeypatch.setattr(basic.AnsibleModule, 'run_command', run_command)
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', get_bin_path)
    return fake


def owner(path):
    st = os.lstat(str(path))
    return st.st_uid, st.st_gid


@pytest.fixture
def tree(tmp_path):
    """Files of the test account (uid and gid 4242) among others, and one outside file behind a link."""
    root = tmp_path / 'data'
    sub = root / 'sub'
    sub.mkdir(parents=True)
    outside = tmp_path / 'outside'
    files = {
        'root': (root, OLD, OLD),
        'both': (root / 'both', OLD, OLD),
        'uid_only': (root / 'uid_only', OLD, 0),
        'gid_only': (root / 'gid_only', 0, OLD),
        'sub': (sub, 0, 0),
        'other': (sub / 'other', 0, 0),
        'setid': (sub / 'setid', OLD, OLD),
        'outside': (outside, OLD, OLD),
    }
    for path, uid, gid in files.values():
        if not path.exists():
            path.write_text(u'x')
        os.chown(str(path), uid, gid)
    os.chmod(str(sub / 'setid'), 0o6755)
    os.link(str(root / 'both'), str(sub / 'hardlink'))
    link = root / 'link'
    os.symlink(str(outside), str(link))
    os.lchown(str(link), OLD, OLD)
    files['link'] = (link, OLD, OLD)
    return dict((k, v[0]) for k, v in files.items())


def args_for(tree, **extra):
    args = {'accounts': [{'kind': 'user', 'name': 'novaops-test', 'id': NEW},
                         {'kind': 'group', 'name': 'novaops-test', 'id': NEW}],
            'paths': [str(tree['root']), str(tree['root'].parent / 'missing')],
            'services': ['nova-compute', 'libvirtd', 'libvirtd.socket', 'libvirtd-ro.socket', 'virtlogd',
                         'virtlogd.socket', 'virtqemud.socket']}
    args.update(extra)
    return args


def run(args, check=False, diff=False):
    return run_module(account_ids.main, module_args(args, check, diff))


def run_fail(args, check=False, diff=False):
    return run_module(account_ids.main, module_args(args, check, diff), FailJson)


def compute_units(host):
    host.units.update({
        'nova-compute.service': ('loaded', 'active'),
        'libvirtd.service': ('loaded', 'inactive'),     # socket-activated, idle
        'libvirtd.socket': ('loaded', 'active'),
        'libvirtd-ro.socket': ('loaded', 'active'),
        'virtlogd.service': ('loaded', 'activating'),
        'virtlogd.socket': ('loaded', 'active'),
        # virtqemud.socket: not installed
    })


def snapshot(tree):
    return dict((k, owner(p)) for k, p in tree.items())


# -- report -----------------------------------------------------------------

def test_report_mode_reads_once_and_never_changes(host, tree):
    before = snapshot(tree)
    result = run({'mode': 'report', 'accounts': [
        {'kind': 'user', 'name': 'nova', 'id': TAKEN},   # taken: only reported
        {'kind': 'group', 'name': 'nova'},
        {'kind': 'user', 'name': 'qemu', 'id': 107},    # missing: only reported
        {'kind': 'group', 'name': 'kvm', 'id': 992},
    ], 'paths': [str(tree['root'])]}, diff=True)
    assert host.calls == [[GETENT, 'passwd'], [GETENT, 'group']]
    assert snapshot(tree) == before
    assert result['changed'] is False
    assert result['accounts'] == [
        {'kind': 'user', 'name': 'nova', 'exists': True, 'id': 101, 'target': TAKEN, 'conflict': 'other',
         'mismatch': True, 'after': 101},
        {'kind': 'group', 'name': 'nova', 'exists': True, 'id': 107, 'target': None, 'conflict': None,
         'mismatch': False, 'after': 107},
        {'kind': 'user', 'name': 'qemu', 'exists': False, 'id': None, 'target': 107, 'conflict': None,
         'mismatch': False, 'after': None},
        {'kind': 'group', 'name': 'kvm', 'exists': True, 'id': 104, 'target': 992, 'conflict': None,
         'mismatch': True, 'after': 104},
    ]
    assert result['used_uids'] == [0, 101, OLD, TAKEN, 64055]
    assert result['used_gids'] == [0, 104, 107, OLD, TAKEN]
    assert result['users']['libvirt-qemu'] == 64055
    assert result['groups'] == {'root': 0, 'kvm': 104, 'nova': 107, 'novaops-test': OLD, 'other': TAKEN}
    assert result['msg'] == 'report only; mismatches: group kvm: 104 -> 992; user nova: 101 -> 4444'
    assert result['diff']['before'] == result['diff']['after'] == 'user nova: 101\nuser qemu: absent\ngroup kvm: 104\n'


# -- align ------------------------------------------------------------------

def test_align_stops_active_units_changes_ids_reowns_and_starts_them(host, tree):
    compute_units(host)
    result = run(args_for(tree), diff=True)
    assert host.calls == [
        [GETENT, 'passwd'], [GETENT, 'group'],
        [VIRSH, '-c', 'qemu:///system', 'list', '--name', '--state-running'],
        SHOW + ['nova-compute', 'libvirtd', 'libvirtd.socket', 'libvirtd-ro.socket', 'virtlogd', 'virtlogd.socket',
                'virtqemud.socket'],
        [SYSTEMCTL, 'stop', '--', 'libvirtd.socket', 'libvirtd-ro.socket', 'virtlogd.socket'],
        [SYSTEMCTL, 'stop', '--', 'nova-compute', 'virtlogd'],
        [GROUPMOD, '-g', str(NEW), 'novaops-test'],
        [USERMOD, '-u', str(NEW), 'novaops-test'],
        [SYSTEMCTL, 'start', '--', 'libvirtd.socket', 'libvirtd-ro.socket', 'virtlogd.socket'],
        [SYSTEMCTL, 'start', '--', 'nova-compute', 'virtlogd'],
        [GETENT, 'passwd'], [GETENT, 'group'],
    ]
    assert host.users['novaops-test'] == [NEW, NEW]
    assert host.groups['novaops-test'] == NEW
    assert result['changed'] is True
    assert result['services_restarted'] == ['libvirtd.socket', 'libvirtd-ro.socket', 'virtlogd.socket',
                                            'nova-compute', 'virtlogd']
    assert host.units['libvirtd.service'] == ('loaded', 'inactive')  # was idle: not started
    assert [r['after'] for r in result['accounts']] == [NEW, NEW]
    assert [r['id'] for r in result['accounts']] == [OLD, OLD]
    assert snapshot(tree) == {
        'root': (NEW, NEW), 'both': (NEW, NEW), 'uid_only': (NEW, 0), 'gid_only': (0, NEW), 'sub': (0, 0),
        'other': (0, 0), 'setid': (NEW, NEW), 'link': (NEW, NEW),
        'outside': (OLD, OLD),  # behind a symlink: never followed
    }
    assert stat.S_IMODE(os.lstat(str(tree['setid'])).st_mode) == 0o6755
    assert result['files_reowned']['count'] == 6  # the hard link in sub/ is the same file as `both`
    assert sorted(result['files_reowned']['sample']) == sorted(
        str(tree[k]) for k in ('root', 'both', 'uid_only', 'gid_only', 'setid', 'link'))
    assert result['diff'] == {'before': 'user novaops-test: 4242\ngroup novaops-test: 4242\n',
                              'after': 'user novaops-test: 4343\ngroup novaops-test: 4343\n',
                              'before_header': 'getent passwd/group', 'after_header': 'getent passwd/group'}
    assert result['msg'] == ('group novaops-test: 4242 -> 4343; user novaops-test: 4242 -> 4343; 6 files re-owned; '
                             'services restarted: libvirtd.socket, libvirtd-ro.socket, virtlogd.socket, '
                             'nova-compute, virtlogd')


def test_modes_lost_to_usermod_in_the_home_directory_are_restored(host, tree):
    host.home = str(tree['root'])
    result = run(args_for(tree, services=[]))
    assert owner(tree['setid']) == (NEW, NEW)
    assert stat.S_IMODE(os.lstat(str(tree['setid'])).st_mode) == 0o6755
    assert owner(tree['uid_only']) == (NEW, 0)
    # usermod re-owned uid_only alone; the module re-owned the gids of the others
    assert result['files_reowned']['count'] == 5


def test_missing_usermod_refuses_before_stopping(host, tree):
    compute_units(host)
    del host.bins['usermod']
    result = run_fail(args_for(tree))
    assert result['msg'] == 'nothing changed: usermod not found (install the passwd/shadow-utils package)'
    assert host.changing_calls() == []


def test_hard_link_is_counted_once(host, tree):
    result = run(args_for(tree, services=[]))
    samples = result['files_reowned']['sample']
    assert len(samples) == result['files_reowned']['count'] == 6
    assert str(tree['both']) in samples
    assert str(tree['sub'] / 'hardlink') not in samples


def test_second_run_changes_nothing(host, tree):
    compute_units(host)
    run(args_for(tree))
    host.calls = []
    result = run(args_for(tree), diff=True)
    assert host.calls == [[GETENT, 'passwd'], [GETENT, 'group']]
    assert result['changed'] is False
    assert result['msg'] == 'all accounts with a target already have it'
    assert result['diff']['before'] == result['diff']['after']


def test_check_mode_reports_and_changes_nothing(host, tree):
    compute_units(host)
    units = dict(host.units)
    before = snapshot(tree)
    result = run(args_for(tree), check=True, diff=True)
    assert host.changing_calls() == []
    assert host.units == units
    assert snapshot(tree) == before
    assert host.users['novaops-test'] == [OLD, OLD]
    assert result['changed'] is True
    assert result['files_reowned']['count'] == 6
    assert result['services_restarted'] == ['libvirtd.socket', 'libvirtd-ro.socket', 'virtlogd.socket',
                                            'nova-compute', 'virtlogd']
    assert [(r['id'], r['after'], r['mismatch']) for r in result['accounts']] == [(OLD, NEW, True), (OLD, NEW, True)]
    assert result['msg'].startswith('would change (check mode): group novaops-test: 4242 -> 4343; '
                                    'user novaops-test: 4242 -> 4343; 6 files re-owned')
    assert result['diff']['after'] == 'user novaops-test: 4343\ngroup novaops-test: 4343\n'


def test_only_group_changes_only_gids(host, tree):
    args = args_for(tree, services=[])
    args['accounts'] = [{'kind': 'user', 'name': 'novaops-test'}, {'kind': 'group', 'name': 'novaops-test', 'id': NEW}]
    result = run(args)
    assert host.changing_calls() == [[GROUPMOD, '-g', str(NEW), 'novaops-test']]
    assert owner(tree['both']) == (OLD, NEW)
    assert owner(tree['uid_only']) == (OLD, 0)
    assert result['files_reowned']['count'] == 5  # root, both(+hardlink), gid_only, setid, link
    # groupmod kept the user's primary group
    assert host.users['novaops-test'] == [OLD, NEW]


def test_default_services_only_existing_active_ones(host, tree):
    host.units.update({'libvirtd.socket': ('loaded', 'active'), 'virtlockd.socket': ('loaded', 'active'),
                       'virtlockd-admin.socket': ('loaded', 'active'), 'virtlogd.service': ('loaded', 'active'),
                       'virtqemud.service': ('masked', 'inactive'), 'libvirtd-tcp.socket': ('loaded', 'inactive')})
    args = args_for(tree)
    del args['services']
    result = run(args)
    assert SHOW + step.DEFAULT_SERVICES in host.calls
    assert host.changing_calls()[:2] == [
        [SYSTEMCTL, 'stop', '--', 'libvirtd.socket', 'virtlockd.socket', 'virtlockd-admin.socket'],
        [SYSTEMCTL, 'stop', '--', 'virtlogd'],
    ]
    assert host.changing_calls()[-2:] == [
        [SYSTEMCTL, 'start', '--', 'libvirtd.socket', 'virtlockd.socket', 'virtlockd-admin.socket'],
        [SYSTEMCTL, 'start', '--', 'virtlogd'],
    ]
    assert result['services_restarted'] == ['libvirtd.socket', 'virtlockd.socket', 'virtlockd-admin.socket',
                                            'virtlogd']


def test_no_systemctl_needs_empty_services(host, tree):
    del host.bins['systemctl']
    result = run_fail(args_for(tree))
    assert result['msg'].startswith('nothing changed: systemctl not found')
    assert host.changing_calls() == []
    assert run(args_for(tree, services=[]))['changed'] is True


# -- the walk ---------------------------------------------------------------

def test_walk_stays_on_the_file_system_of_each_listed_path(host, tree, monkeypatch):
    real_lstat = os.lstat
    mount = str(tree['sub'])

    def lstat(path, *args, **kwargs):
        st = real_lstat(path, *args, **kwargs)
        if str(path) == mount:
            # pretend `sub` is the mount point of another file system (only directories are compared)
            return os.stat_result((st.st_mode, st.st_ino, st.st_dev + 1) + tuple(st)[3:])
        return st

    monkeypatch.setattr(os, 'lstat', lstat)
    result = run(args_for(tree, services=[]))
    assert owner(tree['setid']) == (OLD, OLD)  # below the other mount: not walked
    assert owner(tree['both']) == (NEW, NEW)
    assert result['files_reowned']['count'] == 5
    assert result['warnings'] == ['not walked, on another file system (list them in paths to re-own their files '
                                  'too): %s' % mount]

    # listed explicitly: walked as its own top (the parent again finds nothing left)
    host.users['novaops-test'] = [OLD, OLD]
    host.groups['novaops-test'] = OLD
    for key in ('root', 'both', 'uid_only', 'gid_only', 'link'):
        os.lchown(str(tree[key]), OLD if owner(tree[key])[0] == NEW else -1, OLD if owner(tree[key])[1] == NEW else -1)
    result = run(args_for(tree, services=[], paths=[str(tree['root']), mount]), check=True)
    assert result['files_reowned']['count'] == 6
    assert result['warnings'] == ['not walked, on another file system (list them in paths to re-own their files '
                                  'too): %s' % mount]  # from the walk of the parent; the mount itself is walked
    result = run(args_for(tree, services=[], paths=[str(tree['root']), mount]))
    assert owner(tree['setid']) == (NEW, NEW)
    assert result['files_reowned']['count'] == 6


def test_nested_listed_paths_are_walked_once(host, tree):
    result = run(args_for(tree, services=[], paths=[str(tree['root']), str(tree['sub']), str(tree['root'])]),
                 check=True)
    assert result['files_reowned']['count'] == 6


def test_listed_symlink_is_resolved(host, tree, tmp_path):
    alias = tmp_path / 'alias'
    os.symlink(str(tree['root']), str(alias))
    os.lchown(str(alias), OLD, -1)
    result = run(args_for(tree, services=[], paths=[str(alias)]))
    assert owner(alias) == (NEW, os.lstat(str(alias)).st_gid)
    assert owner(tree['both']) == (NEW, NEW)
    assert owner(tree['outside']) == (OLD, OLD)
    assert result['files_reowned']['count'] == 7


# -- refusals ---------------------------------------------------------------

def test_target_taken_refuses_before_anything(host, tree):
    compute_units(host)
    before = snapshot(tree)
    args = args_for(tree)
    args['accounts'][1]['id'] = TAKEN
    result = run_fail(args)
    assert result['msg'] == 'nothing changed: group novaops-test: target gid 4444 belongs to group other on this host'
    assert host.calls == [[GETENT, 'passwd'], [GETENT, 'group']]
    assert snapshot(tree) == before
    assert result['accounts'][1]['conflict'] == 'other'


def test_missing_account_refuses_naming_it(host, tree):
    args = args_for(tree)
    args['accounts'] = [{'kind': 'user', 'name': 'qemu', 'id': 107}, {'kind': 'group', 'name': 'qemu', 'id': 4500},
                        {'kind': 'user', 'name': 'novaops-test', 'id': NEW}]
    result = run_fail(args)
    assert result['msg'] == ('nothing changed: user qemu does not exist on this host (install the package that '
                             'creates it first); group qemu does not exist on this host (install the package that '
                             'creates it first)')
    assert host.changing_calls() == []
    assert host.users['novaops-test'] == [OLD, OLD]


def test_missing_account_refuses_even_without_other_change(host, tree):
    args = args_for(tree)
    args['accounts'] = [{'kind': 'user', 'name': 'novaops-test', 'id': OLD}, {'kind': 'user', 'name': 'nova2', 'id': 1}]
    result = run_fail(args, check=True)
    assert result['msg'] == ('nothing changed: user nova2 does not exist on this host (install the package that '
                             'creates it first)')
    assert host.calls == [[GETENT, 'passwd'], [GETENT, 'group']]


def test_running_domains_from_virsh_refuse_without_force(host, tree):
    compute_units(host)
    host.domains = ['instance-00000001', 'instance-00000002']
    before = snapshot(tree)
    result = run_fail(args_for(tree))
    assert result['msg'] == ('nothing changed: domains are running on this host: instance-00000001, '
                             'instance-00000002 (stop or migrate them, or set force=true)')
    assert host.changing_calls() == []
    assert snapshot(tree) == before
    assert result['domains'] == ['instance-00000001', 'instance-00000002']

    result = run(args_for(tree, force=True))
    assert result['changed'] is True
    assert host.users['novaops-test'] == [NEW, NEW]
    assert any('force=true' in w for w in result['warnings'])


def test_running_qemu_process_of_the_account_refuses(host, tree, proc):
    host.virsh_rc = 1  # libvirt down: only /proc tells
    add_process(proc, 300, ['/usr/bin/qemu-system-x86_64', '-name', 'guest=instance-0000000a,debug-threads=on'],
                OLD, 104)
    add_process(proc, 301, ['/usr/libexec/qemu-kvm', '-name', 'instance-0000000b'], 0, OLD)
    add_process(proc, 302, ['/usr/bin/qemu-system-aarch64'], 0, 0)        # not the accounts': ignored
    add_process(proc, 303, ['/usr/bin/python3', '/usr/bin/nova-compute'], 0, 0)
    result = run_fail(args_for(tree, services=[]))
    assert result['msg'] == ('nothing changed: domains are running on this host: instance-0000000a, '
                             'instance-0000000b (stop or migrate them, or set force=true)')
    assert host.changing_calls() == []


def test_qemu_process_without_name_is_named_by_pid(host, tree, proc):
    host.bins.pop('virsh')
    add_process(proc, 77, ['/usr/bin/qemu-system-x86_64', '-m', '512'], OLD, OLD)
    result = run_fail(args_for(tree, services=[]))
    assert result['domains'] == ['pid 77 (qemu-system-x86)']
    assert not any(c[0] == VIRSH for c in host.calls)


def test_virsh_failure_is_a_warning(host, tree):
    host.virsh_rc = 1
    result = run(args_for(tree, services=[]))
    assert result['changed'] is True
    assert result['warnings'] == ['virsh could not list the domains (rc 1): error: failed to connect to the '
                                  'hypervisor; only QEMU processes were looked for']


def test_domains_are_not_looked_for_without_a_change(host, tree):
    host.domains = ['instance-00000001']
    args = args_for(tree)
    args['accounts'] = [{'kind': 'user', 'name': 'novaops-test', 'id': OLD}]
    result = run(args)
    assert result['changed'] is False
    assert not any(c[0] == VIRSH for c in host.calls)


def test_processes_left_after_stopping_restart_units_and_change_nothing(host, tree, proc):
    compute_units(host)
    add_process(proc, 500, ['/usr/bin/python3', '/usr/bin/nova-api'], OLD, OLD, comm='nova-api')
    before = snapshot(tree)
    result = run_fail(args_for(tree))
    assert result['msg'] == ('processes still run with the old ids after stopping libvirtd.socket, '
                             'libvirtd-ro.socket, virtlogd.socket, nova-compute, virtlogd: pid 500 (nova-api, uid 4242, '
                             'gid 4242) (stop them first) (no account changed; units started again: libvirtd.socket, '
                             'libvirtd-ro.socket, virtlogd.socket, nova-compute, virtlogd)')
    assert [c for c in host.changing_calls() if c[0] != SYSTEMCTL] == []
    assert host.changing_calls()[-2:] == [
        [SYSTEMCTL, 'start', '--', 'libvirtd.socket', 'libvirtd-ro.socket', 'virtlogd.socket'],
        [SYSTEMCTL, 'start', '--', 'nova-compute', 'virtlogd'],
    ]
    assert host.units['nova-compute.service'] == ('loaded', 'active')
    assert snapshot(tree) == before
    assert result['changed'] is False


def test_usermod_failure_keeps_the_group_change_consistent(host, tree):
    compute_units(host)
    host.usermod_error = 'usermod: user novaops-test is currently used by process 999\n'
    result = run_fail(args_for(tree))
    assert result['msg'] == (
        '/usr/sbin/usermod -u 4343 novaops-test failed (rc 8): usermod: user novaops-test is currently used by '
        'process 999 (changed so far: group novaops-test: 4242 -> 4343; 5 files re-owned; units started again: '
        'libvirtd.socket, libvirtd-ro.socket, virtlogd.socket, nova-compute, virtlogd)')
    assert result['changed'] is True
    assert owner(tree['both']) == (OLD, NEW)  # the group change is carried out on the files too
    assert host.units['nova-compute.service'] == ('loaded', 'active')
    assert [r['after'] for r in result['accounts']] == [OLD, NEW]


def test_primary_group_left_behind_is_reported(host, tree):
    host.groupmod_updates_primary = False
    result = run_fail(args_for(tree, services=[]))
    assert result['msg'].startswith('users with primary group novaops-test still have gid 4242: novaops-test')


def test_argument_problems(host, tree):
    args = args_for(tree, paths=['relative/dir'], services=['nova-*'])
    args['accounts'].append({'kind': 'user', 'name': 'novaops-test', 'id': 1})
    result = run_fail(args)
    assert result['msg'] == 'accounts[2]: user novaops-test is already listed as accounts[0]'
    args['accounts'].pop()
    assert run_fail(args)['msg'] == 'paths: relative/dir is not absolute (expected e.g. /var/lib/nova)'
    args['paths'] = ['/x']
    assert run_fail(args)['msg'].startswith("invalid unit name 'nova-*'")
    assert host.calls == []


# -- step.run() in-process --------------------------------------------------

class StepModule(harness.StepModule):
    """step.run() on the fake host: no exit_json, so run() must return."""

    def __init__(self, host, params, check_mode=False, diff=False):
        super(StepModule, self).__init__(step.ARGUMENT_SPEC, params, check_mode, diff)
        self.host = host

    def run_command(self, args, **kwargs):
        return self.host.run_command(args, **kwargs)

    def get_bin_path(self, name, required=False, opt_dirs=None):
        path = self.host.bins.get(name)
        if path is None and required:
            self.fail_json(msg='Failed to find required executable "%s"' % name)
        return path


def step_params(tmp_path, **extra):
    params = {'accounts': [{'kind': 'user', 'name': 'novaops-test', 'id': NEW},
                           {'kind': 'group', 'name': 'novaops-test', 'id': NEW}],
              'paths': [str(tmp_path / 'missing')], 'services': []}
    params.update(extra)
    return params


def test_step_module_options():
    assert sorted(step.ARGUMENT_SPEC) == ['accounts', 'force', 'mode', 'paths', 'services']
    assert step.ARGUMENT_SPEC['services']['default'] == step.DEFAULT_SERVICES
    assert step.MODULE_OPTIONS == {'supports_check_mode': True}


def test_step_run_report_returns(proc, tmp_path):
    fake = FakeHost()
    result = step.run(StepModule(fake, step_params(tmp_path, mode='report')))
    assert fake.calls == [[GETENT, 'passwd'], [GETENT, 'group']]
    assert result['changed'] is False
    assert result['msg'] == 'report only; mismatches: group novaops-test: 4242 -> 4343; user novaops-test: 4242 -> 4343'
    assert [(r['name'], r['id'], r['after']) for r in result['accounts']] == [('novaops-test', OLD, OLD)] * 2


def test_step_run_aligns_and_returns(proc, tmp_path):
    fake = FakeHost()
    module = StepModule(fake, step_params(tmp_path), diff=True)
    result = step.run(module)
    assert fake.changing_calls() == [[GROUPMOD, '-g', str(NEW), 'novaops-test'], [USERMOD, '-u', str(NEW), 'novaops-test']]
    assert fake.users['novaops-test'] == [NEW, NEW]
    assert result['changed'] is True
    assert [r['after'] for r in result['accounts']] == [NEW, NEW]
    assert result['files_reowned'] == {'count': 0, 'sample': []}
    assert result['msg'] == 'group novaops-test: 4242 -> 4343; user novaops-test: 4242 -> 4343; 0 files re-owned'
    assert result['diff']['after'] == 'user novaops-test: 4343\ngroup novaops-test: 4343\n'
    assert module.warnings == []

    again = step.run(StepModule(fake, step_params(tmp_path)))
    assert again['changed'] is False
    assert again['msg'] == 'all accounts with a target already have it'


def test_step_run_check_mode_returns_without_changing(proc, tmp_path):
    fake = FakeHost()
    result = step.run(StepModule(fake, step_params(tmp_path), check_mode=True))
    assert fake.changing_calls() == []
    assert fake.users['novaops-test'] == [OLD, OLD]
    assert result['changed'] is True
    assert result['msg'].startswith('would change (check mode): group novaops-test: 4242 -> 4343')


def test_step_run_fails_through_fail_json(proc, tmp_path):
    fake = FakeHost()
    fake.domains = ['instance-00000001']
    with pytest.raises(FailJson) as failure:
        step.run(StepModule(fake, step_params(tmp_path)))
    assert failure.value.args[0]['msg'].startswith('nothing changed: domains are running on this host: instance-00000001')
    assert failure.value.args[0]['domains'] == ['instance-00000001']
    assert fake.changing_calls() == []
