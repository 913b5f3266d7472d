# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


import pytest

from ansible.module_utils import basic

from ansible_collections.novaops.console_migration.plugins.module_utils.steps import service_set as step
from ansible_collections.novaops.console_migration.plugins.modules import service_set
from ansible_collections.novaops.console_migration.tests.unit.plugins.modules import module_harness as harness
from ansible_collections.novaops.console_migration.tests.unit.plugins.modules.module_harness import (
    FailJson,
    module_args,
    patch_exits,
    run_module,
)


SYSTEMCTL = '/usr/bin/systemctl'
JOURNALCTL = '/usr/bin/journalctl'
SHOW = [SYSTEMCTL, 'show', '--property=Id,LoadState,ActiveState,UnitFileState,SubState', '--']


def full_name(name):
    return name if name.endswith(('.service', '.socket', '.target', '.timer', '.mount', '.path')) else name + '.service'


def unit(active='inactive', file='enabled', load='loaded', sysv=None):
    """A unit of the fake host; ``sysv`` is the SysV enablement (True/False) of a generated unit."""
    return dict(load=load, active=active, sub='running' if active == 'active' else 'dead', file=file, sysv=sysv)


class FakeHost(object):
    """A systemd host: answers systemctl and journalctl from a unit table and records the calls.

    Like systemd 252, ``enable --now``/``disable --now`` hand units generated
    from SysV scripts to systemd-sysv-install and start/stop only the native
    units.
    """

    def __init__(self, units):
        self.units = dict((full_name(k), dict(v)) for k, v in units.items())
        self.calls = []
        self.fail_start = set()
        self.die_after_start = set()
        self.fail_verbs = {}
        self.has_journalctl = True

    def get(self, name):
        return self.units.get(full_name(name))

    def changing_calls(self):
        return [c for c in self.calls if c[:2] != [SYSTEMCTL, 'show'] and c[:2] != [SYSTEMCTL, 'is-enabled']]

    def show_block(self, name):
        u = self.get(name)
        if u is None:
            u = dict(load='not-found', active='inactive', sub='dead', file='')
        return ('Id=%s\nLoadState=%s\nActiveState=%s\nSubState=%s\nUnitFileState=%s\n'
                % (full_name(name), u['load'], u['active'], u['sub'], u['file']))

    def start(self, name):
        u = self.get(name)
        if u is None or u['load'] != 'loaded':
            return 'Failed to start %s: Unit %s not found.\n' % (full_name(name), full_name(name))
        if full_name(name) in self.fail_start:
            u.update(active='failed', sub='failed')
            return ('Job for %s failed because the control process exited with error code.\n'
                    'See "systemctl status %s" and "journalctl -xeu %s" for details.\n'
                    % ((full_name(name),) * 3))
        if full_name(name) in self.die_after_start:
            u.update(active='activating', sub='auto-restart')
        else:
            u.update(active='active', sub='running')
        return ''

    def stop(self, name):
        u = self.get(name)
        if u is not None:
            u.update(active='inactive', sub='dead')

    def set_enabled(self, name, enabled):
        u = self.get(name)
        if u is None:
            return 'Failed to %s unit: Unit file %s does not exist.\n' % (
                'enable' if enabled else 'disable', full_name(name))
        if u['sysv'] is not None:
            u['sysv'] = enabled
        elif enabled and u['file'] in ('disabled', 'linked', 'linked-runtime'):
            u['file'] = 'enabled'
        elif not enabled and u['file'] == 'enabled':
            u['file'] = 'disabled'
        return ''

    def systemctl(self, args):
        verb = args[0]
        if verb in self.fail_verbs:
            return self.fail_verbs[verb]
        rest = [a for a in args[1:] if a != '--']
        now = '--now' in rest
        names = [a for a in rest if not a.startswith('--')]
        if verb == 'show':
            return 0, '\n'.join(self.show_block(n) for n in names), ''
        if verb == 'daemon-reload':
            return 0, '', ''
        if verb == 'is-enabled':
            u = self.get(names[0])
            if u is None:
                return 1, '', 'Failed to get unit file state for %s: No such file or directory\n' % names[0]
            if u['sysv'] is not None:
                answer = 'enabled' if u['sysv'] else 'disabled'
                return (0 if u['sysv'] else 1), answer + '\n', (
                    '%s is not a native service, redirecting to systemd-sysv-install.\n' % full_name(names[0]))
            return (0 if u['file'] != 'disabled' else 1), u['file'] + '\n', ''
        errors = ''
        if verb in ('enable', 'disable'):
            for name in names:
                errors += self.set_enabled(name, verb == 'enable')
            if not errors and now:
                for name in names:
                    if self.get(name)['sysv'] is None:
                        errors += self.start(name) if verb == 'enable' else (self.stop(name) or '')
        elif verb in ('start', 'restart'):
            for name in names:
                errors += self.start(name)
        elif verb == 'stop':
            for name in names:
                self.stop(name)
        else:
            raise AssertionError('unexpected systemctl verb %r' % verb)
        return (1 if errors else 0), '', errors

    def run_command(self, module, args, **kwargs):
        args = list(args)
        self.calls.append(args)
        assert kwargs.get('environ_update', {}).get('LC_ALL') == 'C'
        if args[0] == SYSTEMCTL:
            return self.systemctl(args[1:])
        if args[0] == JOURNALCTL:
            assert args[1] == '-u' and args[3:] == ['-n', '20', '--no-pager']
            return 0, ''.join('%s[1]: line %d\n' % (args[2], i) for i in range(1, 21)), ''
        raise AssertionError('unexpected command %r' % (args,))

    def get_bin_path(self, module, name, required=False, opt_dirs=None):
        path = {'systemctl': SYSTEMCTL, 'journalctl': JOURNALCTL if self.has_journalctl else None}.get(name)
        if path is None and required:
            module.fail_json(msg='Failed to find required executable "%s"' % name)
        return path


@pytest.fixture(autouse=True)
def module_exits(monkeypatch):
    patch_exits(monkeypatch)


@pytest.fixture(autouse=True)
def systemd_booted(tmp_path, monkeypatch):
    run_dir = tmp_path / 'run-systemd-system'
    run_dir.mkdir()
    comm = tmp_path / 'comm'
    comm.write_text(u'systemd\n')
    monkeypatch.setattr(step, 'SYSTEMD_RUNTIME_DIR', str(run_dir))
    monkeypatch.setattr(step, 'PID1_COMM', str(comm))
    return run_dir, comm


def make_host(monkeypatch, units):
    host = FakeHost(units)

    def run_command(self, args, **kwargs):
        return host.run_command(self, args, **kwargs)

    def get_bin_path(self, name, required=False, opt_dirs=None):
        return host.get_bin_path(self, name, required)

    monkeypatch.setattr(basic.AnsibleModule, 'run_command', run_command)
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', get_bin_path)
    return host


def run(args, check=False, diff=False):
    return run_module(service_set.main, module_args(args, check, diff))


def run_fail(args, check=False, diff=False):
    return run_module(service_set.main, module_args(args, check, diff), FailJson)


def systemctl(*args):
    return [SYSTEMCTL] + list(args)


# A proxy host in the middle of a console migration.
UNITS = {
    'nova-novncproxy': unit(active='inactive', file='disabled'),
    'nova-serialproxy': unit(active='inactive', file='enabled'),
    'nova-api': unit(active='active', file='enabled'),
    'nova-spicehtml5proxy': unit(active='active', file='enabled'),
    'nova-consoleauth': unit(active='inactive', file='disabled'),
}
ARGS = {
    'started': ['nova-novncproxy', 'nova-serialproxy', 'nova-api'],
    'stopped': ['nova-spicehtml5proxy', 'nova-consoleauth', 'nova-xvpvncproxy'],
}
ALL = ['nova-novncproxy', 'nova-serialproxy', 'nova-api', 'nova-spicehtml5proxy', 'nova-consoleauth',
       'nova-xvpvncproxy']


# -- main behaviour ---------------------------------------------------------

def test_issues_only_needed_commands_batched(monkeypatch):
    host = make_host(monkeypatch, UNITS)
    result = run(ARGS)
    assert host.calls == [
        SHOW + ALL,
        systemctl('disable', '--now', '--', 'nova-spicehtml5proxy'),
        systemctl('enable', '--now', '--', 'nova-novncproxy'),
        systemctl('start', '--', 'nova-serialproxy'),
        SHOW + ALL,
    ]
    assert result['changed'] is True
    assert result['started'] == ['nova-novncproxy', 'nova-serialproxy']
    assert result['stopped'] == ['nova-spicehtml5proxy']
    assert result['restarted'] == []
    assert result['skipped_units'] == ['nova-xvpvncproxy']
    assert 'skipped' not in result  # Ansible reserves it: a list there marks the task skipped
    assert result['states'] == {
        'nova-novncproxy': {'active': 'active', 'enabled': 'enabled', 'load': 'loaded'},
        'nova-serialproxy': {'active': 'active', 'enabled': 'enabled', 'load': 'loaded'},
        'nova-api': {'active': 'active', 'enabled': 'enabled', 'load': 'loaded'},
        'nova-spicehtml5proxy': {'active': 'inactive', 'enabled': 'disabled', 'load': 'loaded'},
        'nova-consoleauth': {'active': 'inactive', 'enabled': 'disabled', 'load': 'loaded'},
        'nova-xvpvncproxy': {'active': 'inactive', 'enabled': '', 'load': 'not-found'},
    }
    assert result['msg'] == ('started: nova-novncproxy, nova-serialproxy; stopped: nova-spicehtml5proxy; '
                             'skipped (not found or masked): nova-xvpvncproxy')
    assert 'diff' not in result


def test_several_units_share_one_command(monkeypatch):
    host = make_host(monkeypatch, {
        'a': unit(file='disabled'), 'b': unit(file='disabled'),
        'c': unit(active='active'), 'd': unit(active='active'),
        'e': unit(), 'f': unit(),
    })
    run({'started': ['a', 'b', 'e', 'f'], 'stopped': ['c', 'd']})
    assert host.changing_calls() == [
        systemctl('disable', '--now', '--', 'c', 'd'),
        systemctl('enable', '--now', '--', 'a', 'b'),
        systemctl('start', '--', 'e', 'f'),
    ]


def test_second_run_runs_no_changing_command(monkeypatch):
    host = make_host(monkeypatch, UNITS)
    run(ARGS)
    host.calls = []
    result = run(ARGS)
    assert host.calls == [SHOW + ALL]
    assert result['changed'] is False
    assert (result['started'], result['stopped'], result['restarted']) == ([], [], [])
    assert result['skipped_units'] == ['nova-xvpvncproxy']
    assert result['msg'] == ('all units already in the wanted state; '
                             'skipped (not found or masked): nova-xvpvncproxy')


def test_check_mode_reports_but_changes_nothing(monkeypatch):
    host = make_host(monkeypatch, UNITS)
    result = run(dict(ARGS, daemon_reload=True), check=True)
    assert host.calls == [SHOW + ALL]
    assert host.units == FakeHost(UNITS).units
    assert result['changed'] is True
    assert result['started'] == ['nova-novncproxy', 'nova-serialproxy']
    assert result['stopped'] == ['nova-spicehtml5proxy']
    assert result['states']['nova-novncproxy'] == {'active': 'active', 'enabled': 'enabled', 'load': 'loaded'}
    assert result['states']['nova-spicehtml5proxy'] == {
        'active': 'inactive', 'enabled': 'disabled', 'load': 'loaded'}
    assert result['msg'].startswith('would change (check mode): started: nova-novncproxy')


def test_diff_has_one_line_per_unit(monkeypatch):
    make_host(monkeypatch, UNITS)
    result = run(dict(ARGS, restarted=['nova-api'], restart=True), diff=True)
    assert result['diff'] == {
        'before': ('nova-novncproxy: inactive/disabled\n'
                   'nova-serialproxy: inactive/enabled\n'
                   'nova-api: active/enabled\n'
                   'nova-spicehtml5proxy: active/enabled\n'
                   'nova-consoleauth: inactive/disabled\n'
                   'nova-xvpvncproxy: inactive/not-found\n'),
        'after': ('nova-novncproxy: active/enabled\n'
                  'nova-serialproxy: active/enabled\n'
                  'nova-api: active/enabled (restarted)\n'
                  'nova-spicehtml5proxy: inactive/disabled\n'
                  'nova-consoleauth: inactive/disabled\n'
                  'nova-xvpvncproxy: inactive/not-found\n'),
    }


def test_diff_in_check_mode_shows_expected_state(monkeypatch):
    host = make_host(monkeypatch, UNITS)
    result = run(ARGS, check=True, diff=True)
    assert host.changing_calls() == []
    assert 'nova-novncproxy: inactive/disabled\n' in result['diff']['before']
    assert 'nova-novncproxy: active/enabled\n' in result['diff']['after']
    assert 'nova-spicehtml5proxy: inactive/disabled\n' in result['diff']['after']


def test_diff_unchanged_when_nothing_to_do(monkeypatch):
    make_host(monkeypatch, {'a': unit(active='active')})
    result = run({'started': ['a']}, diff=True)
    assert result['changed'] is False
    assert result['diff'] == {'before': 'a: active/enabled\n', 'after': 'a: active/enabled\n'}


# -- started ------------------------------------------------------------------

def test_missing_started_unit_fails_naming_it_before_any_change(monkeypatch):
    host = make_host(monkeypatch, UNITS)
    result = run_fail({'started': ['nova-novncproxy', 'nova-spiceproxy'], 'stopped': ['nova-consoleauth']})
    assert result['msg'] == ('started: unit not found: nova-spiceproxy '
                             '(is the package that provides it installed?)')
    assert host.changing_calls() == []


def test_missing_started_unit_only_warns_in_check_mode(monkeypatch):
    host = make_host(monkeypatch, {'nova-api': unit(active='active')})
    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, text: warnings.append(text))
    result = run({'started': ['nova-api', 'nova-novncproxy']}, check=True)
    assert warnings == ['started: unit not found: nova-novncproxy (is the package that provides it installed?); '
                        'check mode goes on as if an earlier task installed it']
    assert result['changed'] is True
    assert result['started'] == ['nova-novncproxy']
    assert host.changing_calls() == []


def test_several_missing_started_units_are_all_named(monkeypatch):
    make_host(monkeypatch, {})
    result = run_fail({'started': ['x', 'y']})
    assert result['msg'] == 'started: units not found: x, y (is the package that provides them installed?)'


def test_masked_or_broken_started_unit_fails(monkeypatch):
    host = make_host(monkeypatch, {
        'm': unit(load='masked', file='masked'),
        'b': unit(load='bad-setting', file='disabled'),
    })
    result = run_fail({'started': ['m', 'b']})
    assert 'masked, cannot be started: m' in result['msg']
    assert 'cannot be loaded: b (LoadState=bad-setting)' in result['msg']
    assert host.changing_calls() == []


def test_enabled_but_stopped_unit_is_only_started(monkeypatch):
    host = make_host(monkeypatch, {'a': unit(active='failed')})
    result = run({'started': ['a']})
    assert host.changing_calls() == [systemctl('start', '--', 'a')]
    assert result['started'] == ['a']


def test_running_but_disabled_unit_is_only_enabled(monkeypatch):
    host = make_host(monkeypatch, {'a': unit(active='active', file='disabled')})
    result = run({'started': ['a']})
    assert host.changing_calls() == [systemctl('enable', '--now', '--', 'a')]
    assert host.get('a')['file'] == 'enabled'
    assert result['started'] == ['a']


@pytest.mark.parametrize('file_state', ['static', 'indirect', 'enabled-runtime', 'alias', 'transient', ''])
def test_units_that_cannot_or_need_not_be_enabled_are_only_started(monkeypatch, file_state):
    host = make_host(monkeypatch, {'a': unit(file=file_state)})
    run({'started': ['a']})
    assert host.changing_calls() == [systemctl('start', '--', 'a')]
    host.calls = []
    assert run({'started': ['a']})['changed'] is False
    assert host.changing_calls() == []


def test_start_failure_reports_stderr_and_journal(monkeypatch):
    host = make_host(monkeypatch, {'good': unit(file='disabled'), 'bad': unit(file='disabled')})
    host.fail_start.add('bad.service')
    result = run_fail({'started': ['good', 'bad']})
    assert result['msg'].startswith('systemctl enable --now -- good bad failed (rc=1): Job for bad.service failed')
    assert 'last journal lines of bad:\nbad[1]: line 1\n' in result['msg']
    assert result['msg'].endswith('bad[1]: line 20')
    assert 'last journal lines of good' not in result['msg']
    assert [JOURNALCTL, '-u', 'bad', '-n', '20', '--no-pager'] in host.calls
    assert result['rc'] == 1


def test_unit_dying_right_after_start_fails(monkeypatch):
    host = make_host(monkeypatch, {'flaky': unit()})
    host.die_after_start.add('flaky.service')
    result = run_fail({'started': ['flaky']})
    assert result['msg'].startswith('started, but not running: flaky\nlast journal lines of flaky:\n')
    assert result['states']['flaky']['active'] == 'activating'


def test_start_failure_without_journalctl(monkeypatch):
    host = make_host(monkeypatch, {'bad': unit()})
    host.fail_start.add('bad.service')
    host.has_journalctl = False
    result = run_fail({'started': ['bad']})
    assert result['msg'].endswith('\nbad is not running (journalctl not found)')


# -- SysV and generated units ---------------------------------------------------

def test_sysv_unit_is_enabled_through_sysv_install_and_started_explicitly(monkeypatch):
    host = make_host(monkeypatch, {'legacy': unit(file='generated', sysv=False)})
    result = run({'started': ['legacy']})
    assert host.calls == [
        SHOW + ['legacy'],
        systemctl('is-enabled', '--', 'legacy'),
        systemctl('enable', '--now', '--', 'legacy'),
        systemctl('start', '--', 'legacy'),
        SHOW + ['legacy'],
        systemctl('is-enabled', '--', 'legacy'),
    ]
    assert host.get('legacy')['sysv'] is True
    assert host.get('legacy')['active'] == 'active'
    assert result['states'] == {'legacy': {'active': 'active', 'enabled': 'enabled', 'load': 'loaded'}}
    host.calls = []
    assert run({'started': ['legacy']})['changed'] is False
    assert host.changing_calls() == []


def test_enabled_sysv_unit_is_disabled_and_stopped_explicitly(monkeypatch):
    host = make_host(monkeypatch, {'legacy': unit(active='active', file='generated', sysv=True)})
    result = run({'stopped': ['legacy']})
    assert host.changing_calls() == [
        systemctl('disable', '--now', '--', 'legacy'),
        systemctl('stop', '--', 'legacy'),
    ]
    assert host.get('legacy')['sysv'] is False
    assert result['states']['legacy']['enabled'] == 'disabled'


def test_generated_unit_that_is_not_sysv_is_only_started(monkeypatch):
    host = make_host(monkeypatch, {'gen': unit(file='generated')})
    run({'started': ['gen']})
    assert host.changing_calls() == [systemctl('start', '--', 'gen')]


# -- stopped ------------------------------------------------------------------

def test_stopped_units_that_cannot_be_disabled_are_only_stopped(monkeypatch):
    host = make_host(monkeypatch, {
        's': unit(active='active', file='static'),
        'm': unit(active='active', file='masked', load='masked'),
        'gone': unit(active='active', file='', load='not-found'),
        'rt': unit(active='active', file='enabled-runtime'),
    })
    result = run({'stopped': ['s', 'm', 'gone', 'rt']})
    assert host.changing_calls() == [systemctl('stop', '--', 's', 'm', 'gone', 'rt')]
    assert result['stopped'] == ['s', 'm', 'gone', 'rt']
    assert result['skipped_units'] == []


def test_enabled_but_inactive_stopped_unit_is_disabled(monkeypatch):
    host = make_host(monkeypatch, {'a': unit(active='inactive', file='enabled')})
    result = run({'stopped': ['a']})
    assert host.changing_calls() == [systemctl('disable', '--now', '--', 'a')]
    assert result['stopped'] == ['a']
    assert host.get('a')['file'] == 'disabled'


def test_missing_stopped_units_are_fine(monkeypatch):
    host = make_host(monkeypatch, {})
    result = run({'stopped': ['nova-consoleauth', 'nova-xvpvncproxy']})
    assert result['changed'] is False
    assert result['skipped_units'] == ['nova-consoleauth', 'nova-xvpvncproxy']
    assert host.changing_calls() == []


# -- restarted ----------------------------------------------------------------

RESTART_UNITS = {
    'nova-api': unit(active='active'),
    'nova-novncproxy': unit(active='inactive', file='disabled'),
    'nova-serialproxy': unit(active='inactive'),
    'nova-conductor': unit(active='inactive'),
    'nova-spicehtml5proxy': unit(load='masked', file='masked'),
}
RESTART_ARGS = {
    'started': ['nova-api', 'nova-novncproxy', 'nova-serialproxy'],
    'restarted': ['nova-api', 'nova-novncproxy', 'nova-serialproxy', 'nova-compute', 'nova-conductor',
                  'nova-spicehtml5proxy'],
}


def test_no_restart_without_restart_true(monkeypatch):
    host = make_host(monkeypatch, RESTART_UNITS)
    result = run(RESTART_ARGS)
    assert [c for c in host.calls if c[1] == 'restart'] == []
    assert result['restarted'] == []
    assert result['skipped_units'] == ['nova-compute', 'nova-spicehtml5proxy']


def test_restart_true_skips_missing_masked_and_just_started_units(monkeypatch):
    host = make_host(monkeypatch, RESTART_UNITS)
    result = run(dict(RESTART_ARGS, restart=True))
    assert host.changing_calls() == [
        systemctl('enable', '--now', '--', 'nova-novncproxy'),
        systemctl('start', '--', 'nova-serialproxy'),
        systemctl('restart', '--', 'nova-api', 'nova-conductor'),
    ]
    assert result['restarted'] == ['nova-api', 'nova-conductor']
    assert result['started'] == ['nova-novncproxy', 'nova-serialproxy']
    assert result['skipped_units'] == ['nova-compute', 'nova-spicehtml5proxy']
    assert result['msg'] == ('started: nova-novncproxy, nova-serialproxy; restarted: nova-api, nova-conductor; '
                             'skipped (not found or masked): nova-compute, nova-spicehtml5proxy')


def test_restart_only_run_is_changed_every_time(monkeypatch):
    host = make_host(monkeypatch, {'nova-compute': unit(active='active')})
    for dummy in range(2):
        host.calls = []
        result = run({'restarted': ['nova-compute'], 'restart': True})
        assert result['changed'] is True
        assert host.changing_calls() == [systemctl('restart', '--', 'nova-compute')]


def test_restart_in_check_mode_is_reported_not_run(monkeypatch):
    host = make_host(monkeypatch, {'nova-compute': unit(active='active')})
    result = run({'restarted': ['nova-compute'], 'restart': True}, check=True)
    assert result['changed'] is True
    assert result['restarted'] == ['nova-compute']
    assert host.changing_calls() == []


def test_restart_failure_reports_journal(monkeypatch):
    host = make_host(monkeypatch, {'nova-compute': unit(active='active')})
    host.fail_start.add('nova-compute.service')
    result = run_fail({'restarted': ['nova-compute'], 'restart': True})
    assert result['msg'].startswith('systemctl restart -- nova-compute failed (rc=1): Job for nova-compute.service')
    assert 'last journal lines of nova-compute:' in result['msg']


# -- arguments ----------------------------------------------------------------

@pytest.mark.parametrize('args, message', [
    ({'restarted': ['nova-compute'], 'stopped': ['nova-compute.service']},
     'units in both restarted and stopped: nova-compute'),
    ({'started': ['a', 'b'], 'stopped': ['b']}, 'units in both started and stopped: b'),
])
def test_conflicting_lists_fail_before_any_command(monkeypatch, args, message):
    host = make_host(monkeypatch, {'nova-compute': unit(active='active'), 'b': unit()})
    result = run_fail(args)
    assert result['msg'] == message
    assert host.calls == []


@pytest.mark.parametrize('name', ['--now', 'nova-*', 'a b', ''])
def test_invalid_unit_names_fail(monkeypatch, name):
    host = make_host(monkeypatch, {})
    result = run_fail({'stopped': [name]})
    assert result['msg'].startswith('invalid unit name %r' % name)
    assert host.calls == []


def test_duplicate_names_are_queried_once(monkeypatch):
    host = make_host(monkeypatch, {'a': unit(file='disabled')})
    result = run({'started': ['a', 'a.service'], 'restarted': ['a.service'], 'restart': True})
    assert host.calls[0] == SHOW + ['a']
    assert host.changing_calls() == [systemctl('enable', '--now', '--', 'a')]
    assert result['restarted'] == []


def test_no_units_runs_nothing(monkeypatch):
    host = make_host(monkeypatch, {})
    result = run({})
    assert result['changed'] is False
    assert host.calls == []


def test_daemon_reload_runs_first_and_reports_no_change(monkeypatch):
    host = make_host(monkeypatch, {'a': unit(active='active')})
    result = run({'started': ['a'], 'daemon_reload': True})
    assert host.calls == [systemctl('daemon-reload'), SHOW + ['a']]
    assert result['changed'] is False


# -- host problems ------------------------------------------------------------

def test_non_systemd_host_fails_naming_pid1(monkeypatch, systemd_booted):
    run_dir, comm = systemd_booted
    run_dir.rmdir()
    comm.write_text(u'bash\n')
    host = make_host(monkeypatch, UNITS)
    result = run_fail(ARGS)
    assert result['msg'] == 'service_set needs systemd (PID 1 is bash)'
    assert host.calls == []


def test_systemctl_show_failure_fails(monkeypatch):
    host = make_host(monkeypatch, UNITS)
    host.fail_verbs['show'] = (1, '', 'Failed to connect to bus: No such file or directory\n')
    result = run_fail(ARGS)
    assert result['msg'] == 'systemctl show failed (rc=1): Failed to connect to bus: No such file or directory'


def test_disable_failure_fails_with_stderr(monkeypatch):
    host = make_host(monkeypatch, UNITS)
    host.fail_verbs['disable'] = (1, '', 'Failed to disable unit: Access denied\n')
    result = run_fail(ARGS)
    assert result['msg'] == ('systemctl disable --now -- nova-spicehtml5proxy failed (rc=1): '
                             'Failed to disable unit: Access denied')
    assert not any(c[1] in ('enable', 'start') for c in host.calls)


# -- step.run() in-process ----------------------------------------------------

class StepModule(harness.StepModule):
    """step.run() on the fake host: no exit_json, so run() must return."""

    def __init__(self, host, params, check_mode=False, diff=False):
        super(StepModule, self).__init__(step.ARGUMENT_SPEC, params, check_mode, diff)
        self.host = host

    def run_command(self, args, **kwargs):
        return self.host.run_command(self, args, **kwargs)

    def get_bin_path(self, name, required=False, opt_dirs=None):
        return self.host.get_bin_path(self, name, required)


def test_step_module_options():
    assert sorted(step.ARGUMENT_SPEC) == ['daemon_reload', 'restart', 'restarted', 'started', 'stopped']
    assert step.MODULE_OPTIONS == {'supports_check_mode': True}


def test_step_run_returns_when_nothing_to_do():
    host = FakeHost({'a': unit(active='active')})
    result = step.run(StepModule(host, {'started': ['a']}, diff=True))
    assert result == {
        'changed': False, 'started': [], 'stopped': [], 'restarted': [], 'skipped_units': [],
        'states': {'a': {'active': 'active', 'enabled': 'enabled', 'load': 'loaded'}},
        'msg': 'all units already in the wanted state',
        'diff': {'before': 'a: active/enabled\n', 'after': 'a: active/enabled\n'},
    }
    assert host.calls == [SHOW + ['a']]


def test_step_run_returns_without_units():
    host = FakeHost({})
    result = step.run(StepModule(host, {}))
    assert result['changed'] is False
    assert result['msg'] == 'no units given'
    assert host.calls == []


def test_step_run_enables_and_starts_a_stopped_unit():
    host = FakeHost({'a': unit(file='disabled'), 'b': unit(active='active')})
    result = step.run(StepModule(host, {'started': ['a'], 'stopped': ['b']}))
    assert host.changing_calls() == [systemctl('disable', '--now', '--', 'b'),
                                     systemctl('enable', '--now', '--', 'a')]
    assert result['changed'] is True
    assert result['started'] == ['a']
    assert result['stopped'] == ['b']
    assert result['states'] == {'a': {'active': 'active', 'enabled': 'enabled', 'load': 'loaded'},
                                'b': {'active': 'inactive', 'enabled': 'disabled', 'load': 'loaded'}}
    assert result['msg'] == 'started: a; stopped: b'
    assert 'diff' not in result


def test_step_run_check_mode_warns_and_changes_nothing():
    host = FakeHost({'a': unit(file='disabled')})
    module = StepModule(host, {'started': ['a', 'b']}, check_mode=True)
    result = step.run(module)
    assert host.changing_calls() == []
    assert result['changed'] is True
    assert result['started'] == ['a', 'b']
    assert result['msg'] == 'would change (check mode): started: a, b'
    assert module.warnings == ['started: unit not found: b (is the package that provides it installed?); '
                               'check mode goes on as if an earlier task installed it']


def test_step_run_fails_through_fail_json():
    host = FakeHost({})
    with pytest.raises(FailJson) as failure:
        step.run(StepModule(host, {'started': ['b']}))
    assert failure.value.args[0]['msg'] == 'started: unit not found: b (is the package that provides it installed?)'
    assert failure.value.args[0]['changed'] is False
    assert host.changing_calls() == []
