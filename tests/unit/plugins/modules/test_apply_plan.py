# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import grp
import json
import os
import pwd

import pytest

from ansible.module_utils import basic

from ansible_collections.novaops.console_migration.plugins.module_utils.steps import service_set as service_step
from ansible_collections.novaops.console_migration.plugins.module_utils.systemd_units import unit_key
from ansible_collections.novaops.console_migration.plugins.modules import apply_plan
from ansible_collections.novaops.console_migration.tests.unit.plugins.modules.module_harness import (
    FailJson,
    module_args,
    patch_exits,
    patch_module_args,
    run_module,
)

SYSTEMCTL = '/usr/bin/systemctl'
REAL_EXIT_JSON = basic.AnsibleModule.exit_json
SECRET = u'-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC-very-secret\n-----END PRIVATE KEY-----\n'


@pytest.fixture(autouse=True)
def module_exits(monkeypatch):
    patch_exits(monkeypatch)


class FakeSystemd(object):
    """systemctl of a host whose units all run and are enabled; records the calls."""

    def __init__(self, units):
        self.units = set(unit_key(name) for name in units)
        self.calls = []

    def run_command(self, args, **kwargs):
        args = list(args)
        self.calls.append(args)
        assert args[0] == SYSTEMCTL, args
        assert kwargs.get('environ_update', {}).get('LC_ALL') == 'C'
        verb = args[1]
        names = [a for a in args[2:] if not a.startswith('-')]
        if verb == 'show':
            blocks = []
            for name in names:
                known = unit_key(name) in self.units
                blocks.append('Id=%s\nLoadState=%s\nActiveState=%s\nSubState=%s\nUnitFileState=%s\n' % (
                    unit_key(name), 'loaded' if known else 'not-found', 'active' if known else 'inactive',
                    'running' if known else 'dead', 'enabled' if known else ''))
            return 0, '\n'.join(blocks), ''
        if verb == 'restart':
            return 0, '', ''
        raise AssertionError('unexpected systemctl call %r' % (args,))

    def restarts(self):
        return [c[2:] for c in self.calls if c[1] == 'restart']


@pytest.fixture
def systemd(tmp_path, monkeypatch):
    run_dir = tmp_path / 'run-systemd-system'
    run_dir.mkdir()
    monkeypatch.setattr(service_step, 'SYSTEMD_RUNTIME_DIR', str(run_dir))
    host = FakeSystemd(['nova-novncproxy', 'nova-serialproxy', 'libvirtd', 'virtqemud', 'virtproxyd', 'multipathd'])

    def run_command(self, args, **kwargs):
        return host.run_command(args, **kwargs)

    def get_bin_path(self, name, required=False, opt_dirs=None):
        assert name in ('systemctl', 'journalctl'), name
        return '/usr/bin/' + name

    monkeypatch.setattr(basic.AnsibleModule, 'run_command', run_command)
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', get_bin_path)
    return host


class Recorder(object):
    """A step module that records the params (after validation) of the real step it stands for."""

    def __init__(self, step):
        self.step = step
        self.ARGUMENT_SPEC = step.ARGUMENT_SPEC
        self.MODULE_OPTIONS = step.MODULE_OPTIONS
        self.params = []

    def run(self, module):
        self.params.append(dict(module.params))
        return self.step.run(module)


class FakeStep(object):
    """A step returning ``result`` (for example the ``mode`` of libvirt_listen)."""

    ARGUMENT_SPEC = dict()
    MODULE_OPTIONS = dict(supports_check_mode=True)

    def __init__(self, result):
        self.result = result
        self.runs = 0

    def run(self, module):
        self.runs += 1
        return dict(self.result)


@pytest.fixture
def service_params(monkeypatch):
    recorder = Recorder(service_step)
    monkeypatch.setitem(apply_plan.STEPS, 'service_set', recorder)
    return recorder.params


def run(steps, check=False, diff=False):
    return run_module(apply_plan.main, module_args({'steps': steps}, check, diff))


def run_fail(steps, check=False, diff=False):
    return run_module(apply_plan.main, module_args({'steps': steps}, check, diff), FailJson)


def shell_step(name, path, values, **extra):
    step = {'name': name, 'module': 'settings', 'params': {'path': str(path), 'format': 'shell', 'values': values}}
    step.update(extra)
    return step


def services_step(restart_for=None, **extra):
    step = {'name': 'services', 'module': 'service_set', 'params': {'started': ['nova-novncproxy', 'nova-serialproxy']}}
    if restart_for is not None:
        step['restart_for'] = restart_for
    step.update(extra)
    return step


@pytest.fixture
def confs(tmp_path):
    """Two configuration files: ``changing`` needs a change, ``converged`` does not."""
    changing = tmp_path / 'nova-consoleproxy'
    changing.write_text(u'#NOVA_CONSOLE_PROXY_TYPE=novnc\n')
    converged = tmp_path / 'qemu'
    converged.write_text(u'MIGRATION=1\n')
    return changing, converged


# -- restart_for ------------------------------------------------------------------

def test_service_set_restarts_the_units_of_the_changed_steps_only(systemd, service_params, confs):
    changing, converged = confs
    result = run([
        shell_step('default_file', changing, {'NOVA_CONSOLE_PROXY_TYPE': 'spicehtml5'}),
        shell_step('qemu', converged, {'MIGRATION': 1}),
        services_step({'default_file': ['nova-novncproxy', 'nova-serialproxy'], 'qemu': ['libvirtd'], 'absent': ['multipathd']}),
    ])
    assert changing.read_text() == u'NOVA_CONSOLE_PROXY_TYPE=spicehtml5\n'
    assert service_params[0]['restarted'] == ['nova-novncproxy', 'nova-serialproxy']
    assert service_params[0]['restart'] is True
    assert systemd.restarts() == [['--', 'nova-novncproxy', 'nova-serialproxy']]
    assert result['changed'] is True
    assert result['changed_steps'] == ['default_file', 'services']
    assert result['steps']['default_file'] == dict(changed=True, path=str(changing))
    assert result['steps']['qemu'] == dict(changed=False, path=str(converged))
    assert result['steps']['services']['restarted'] == ['nova-novncproxy', 'nova-serialproxy']


def test_units_named_by_several_changed_steps_are_restarted_once_in_order(systemd, service_params, confs, tmp_path):
    changing, dummy = confs
    other = tmp_path / 'other'
    other.write_text(u'')
    run([
        shell_step('default_file', changing, {'NOVA_CONSOLE_PROXY_TYPE': 'spicehtml5'}),
        shell_step('other', other, {'X': 1}),
        services_step({'other': ['libvirtd', 'nova-novncproxy'], 'default_file': ['nova-novncproxy']}),
    ])
    assert service_params[0]['restarted'] == ['libvirtd', 'nova-novncproxy']
    assert systemd.restarts() == [['--', 'libvirtd', 'nova-novncproxy']]


def test_nothing_changed_means_no_restart(systemd, service_params, confs):
    dummy, converged = confs
    result = run([shell_step('qemu', converged, {'MIGRATION': 1}), services_step({'qemu': ['libvirtd']})])
    assert service_params[0]['restarted'] == []
    assert service_params[0]['restart'] is False
    assert systemd.restarts() == []
    assert result['changed'] is False
    assert result['changed_steps'] == []


def test_without_restart_for_the_service_params_are_passed_as_given(systemd, service_params, confs):
    changing, dummy = confs
    step = services_step()
    step['params'] = dict(step['params'], restarted=['libvirtd'], restart=True)
    run([shell_step('default_file', changing, {'NOVA_CONSOLE_PROXY_TYPE': 'spicehtml5'}), step])
    assert service_params[0]['restarted'] == ['libvirtd']
    assert systemd.restarts() == [['--', 'libvirtd']]


@pytest.mark.parametrize('mode, units', [
    ('socket', ['virtqemud', 'virtproxyd']),
    ('legacy', ['libvirtd']),
    ('modular', []),
])
def test_restart_mode_from_selects_the_units_by_the_mode_of_an_earlier_step(systemd, service_params, confs, monkeypatch, mode,
                                                                            units):
    monkeypatch.setitem(apply_plan.STEPS, 'fake_listen', FakeStep({'changed': False, 'mode': mode}))
    changing, dummy = confs
    result = run([
        {'name': 'listen', 'module': 'fake_listen', 'check_mode': True},
        shell_step('qemu_conf', changing, {'NOVA_CONSOLE_PROXY_TYPE': 'spicehtml5'}),
        services_step({'qemu_conf': {'legacy': ['libvirtd'], 'socket': ['virtqemud', 'virtproxyd']}, 'listen': ['libvirtd']},
                      restart_mode_from='listen'),
    ])
    assert service_params[0]['restarted'] == units
    assert service_params[0]['restart'] is bool(units)
    assert systemd.restarts() == ([['--'] + units] if units else [])
    assert result['steps']['listen']['mode'] == mode


def test_restart_mode_from_a_step_that_has_not_run_fails(systemd, confs):
    changing, dummy = confs
    result = run_fail([
        shell_step('qemu_conf', changing, {'NOVA_CONSOLE_PROXY_TYPE': 'spicehtml5'}),
        services_step({'qemu_conf': {'legacy': ['libvirtd']}}, restart_mode_from='listen'),
    ])
    assert result['msg'] == 'services: restart_mode_from names listen, which has not run'
    assert systemd.calls == []


def test_restart_for_naming_a_later_step_fails_before_the_step_runs(systemd, confs):
    changing, converged = confs
    result = run_fail([
        shell_step('default_file', changing, {'NOVA_CONSOLE_PROXY_TYPE': 'spicehtml5'}),
        services_step({'qemu': ['libvirtd']}),
        shell_step('qemu', converged, {'MIGRATION': 2}),
    ])
    assert result['msg'] == 'services: restart_for names qemu, which runs after it'
    assert systemd.calls == []
    assert changing.read_text() == u'NOVA_CONSOLE_PROXY_TYPE=spicehtml5\n'  # earlier steps are kept
    assert converged.read_text() == u'MIGRATION=1\n'


def test_restart_for_naming_its_own_step_fails(systemd):
    result = run_fail([services_step({'services': ['libvirtd']})])
    assert result['msg'] == 'services: restart_for names services, which runs after it'


def test_duplicate_step_names_fail_before_anything_runs(confs):
    changing, converged = confs
    result = run_fail([
        shell_step('conf', changing, {'NOVA_CONSOLE_PROXY_TYPE': 'spicehtml5'}),
        shell_step('other', converged, {'MIGRATION': 2}),
        shell_step('conf', converged, {'MIGRATION': 3}),
        shell_step('other', converged, {'MIGRATION': 4}),
    ])
    assert result['msg'] == 'steps: names must be unique, repeated: conf, other'
    assert changing.read_text() == u'#NOVA_CONSOLE_PROXY_TYPE=novnc\n'
    assert converged.read_text() == u'MIGRATION=1\n'


def test_restart_for_on_a_step_that_is_not_service_set_fails(confs):
    changing, dummy = confs
    result = run_fail([shell_step('conf', changing, {'NOVA_CONSOLE_PROXY_TYPE': 'spicehtml5'}, restart_for={'x': ['libvirtd']})])
    assert result['msg'] == 'conf: restart_for is for service_set steps'
    assert changing.read_text() == u'#NOVA_CONSOLE_PROXY_TYPE=novnc\n'


def test_restart_for_adds_to_the_units_the_step_restarts_itself(systemd, service_params, confs):
    changing, converged = confs
    step = services_step({'conf': ['libvirtd'], 'qemu': ['multipathd']})
    step['params'] = dict(step['params'], restarted=['nova-serialproxy'], restart=True)
    run([shell_step('conf', changing, {'NOVA_CONSOLE_PROXY_TYPE': 'spicehtml5'}),
         shell_step('qemu', converged, {'MIGRATION': 1}), step])
    assert service_params[0]['restarted'] == ['nova-serialproxy', 'libvirtd']
    assert service_params[0]['restart'] is True
    assert systemd.restarts() == [['--', 'nova-serialproxy', 'libvirtd']]


def test_the_steps_own_units_do_not_restart_without_its_restart_option(systemd, service_params, confs):
    changing, converged = confs
    step = services_step({'qemu': ['libvirtd']})
    step['params'] = dict(step['params'], restarted=['nova-serialproxy'], restart=False)
    result = run([shell_step('qemu', converged, {'MIGRATION': 1}), step])
    assert service_params[0]['restarted'] == []
    assert service_params[0]['restart'] is False
    assert systemd.restarts() == []
    assert result['changed'] is False
    step['params']['restart'] = False
    run([shell_step('conf', changing, {'NOVA_CONSOLE_PROXY_TYPE': 'spicehtml5'}), services_step({'conf': ['libvirtd']},
         params=dict(step['params']))])
    assert service_params[1]['restarted'] == ['libvirtd']
    assert systemd.restarts() == [['--', 'libvirtd']]


# -- check mode, failures, secrets, results ----------------------------------------------

def test_a_step_in_check_mode_does_not_count_as_changed(systemd, service_params, confs):
    changing, dummy = confs
    result = run([
        shell_step('conf', changing, {'NOVA_CONSOLE_PROXY_TYPE': 'spicehtml5'}, check_mode=True),
        services_step({'conf': ['libvirtd']}),
    ], diff=True)
    assert result['steps']['conf']['changed'] is True
    assert changing.read_text() == u'#NOVA_CONSOLE_PROXY_TYPE=novnc\n'
    assert result['changed'] is False
    assert result['changed_steps'] == []
    assert 'diff' not in result
    assert service_params[0]['restarted'] == []
    assert systemd.restarts() == []


def test_the_whole_call_in_check_mode_writes_nothing_and_reports_the_changes(systemd, service_params, confs):
    changing, dummy = confs
    result = run([
        shell_step('conf', changing, {'NOVA_CONSOLE_PROXY_TYPE': 'spicehtml5'}),
        services_step({'conf': ['libvirtd']}),
    ], check=True)
    assert changing.read_text() == u'#NOVA_CONSOLE_PROXY_TYPE=novnc\n'
    assert result['changed_steps'] == ['conf', 'services']
    assert result['steps']['services']['restarted'] == ['libvirtd']
    assert service_params[0]['restart'] is True
    assert systemd.restarts() == []


def test_a_failing_step_message_starts_with_its_name_and_earlier_steps_are_kept(confs, tmp_path):
    changing, dummy = confs
    missing = tmp_path / 'missing.conf'
    later = tmp_path / 'later'
    later.write_text(u'')
    result = run_fail([
        shell_step('default_file', changing, {'NOVA_CONSOLE_PROXY_TYPE': 'spicehtml5'}),
        {'name': 'qemu_conf', 'module': 'settings', 'params': {'path': str(missing), 'format': 'libvirt', 'values': {'a': 1}}},
        shell_step('later', later, {'X': 1}),
    ])
    assert result['msg'] == 'qemu_conf: %s does not exist' % missing
    assert result['step'] == 'qemu_conf'
    assert changing.read_text() == u'NOVA_CONSOLE_PROXY_TYPE=spicehtml5\n'
    assert later.read_text() == u''


def test_bad_params_of_a_step_fail_naming_the_step(confs):
    changing, dummy = confs
    result = run_fail([{'name': 'default_file', 'module': 'settings', 'params': {'path': str(changing), 'format': 'toml', 'values': {}}}])
    assert result['msg'].startswith('default_file: ')
    assert 'toml' in result['msg']


def test_an_unknown_module_is_refused():
    result = run_fail([{'name': 'x', 'module': 'copy', 'params': {}}])
    assert 'copy' in result['msg']
    assert 'settings' in result['msg']


def secret_plan(tmp_path):
    user = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid()).gr_name
    private = tmp_path / 'private'
    return private, [
        {'name': 'tls', 'module': 'files', 'params': {
            'directories': [{'path': str(private), 'mode': '0700', 'owner': user, 'group': group}],
            'files': [{'path': str(private / 'serverkey.pem'), 'content': SECRET, 'mode': '0600', 'owner': user, 'group': group}]}},
    ]


def test_secret_content_of_a_files_step_appears_nowhere_in_the_module_output(tmp_path, monkeypatch, capsys):
    private, steps = secret_plan(tmp_path)
    steps.append({'name': 'conf', 'module': 'settings', 'params': {
        'path': str(tmp_path / 'conf'), 'format': 'shell', 'values': {'KEY': 'value'}, 'create': True}})
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', REAL_EXIT_JSON)
    args = module_args({'steps': steps}, diff=True)
    args['_ansible_inject_invocation'] = True  # the module arguments go back into the result, as with -vvv
    with patch_module_args(args):
        with pytest.raises(SystemExit) as exited:
            apply_plan.main()
    assert exited.value.code == 0
    output = capsys.readouterr().out
    result = json.loads(output)
    assert (private / 'serverkey.pem').read_text() == SECRET
    assert result['changed_steps'] == ['tls', 'conf']
    masked = result['invocation']['module_args']['steps'][0]['params']['files'][0]
    assert masked['path'] == str(private / 'serverkey.pem')
    assert masked['content'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
    assert len(result['diff']) == 2
    assert 'MIIEvQ' not in output
    assert 'very-secret' not in output


def test_secret_content_is_not_in_the_result_of_a_failing_call(tmp_path):
    private, steps = secret_plan(tmp_path)
    steps.append({'name': 'qemu_conf', 'module': 'settings', 'params': {
        'path': str(tmp_path / 'missing'), 'format': 'libvirt', 'values': {'a': 1}}})
    result = run_fail(steps, diff=True)
    assert result['msg'].startswith('qemu_conf: ')
    assert (private / 'serverkey.pem').read_text() == SECRET
    assert 'MIIEvQ' not in json.dumps(result)


def test_the_files_step_result_names_the_paths_only(tmp_path):
    private, steps = secret_plan(tmp_path)
    result = run(steps, diff=True)
    assert result['steps']['tls'] == dict(changed=True, changed_paths=[str(private), str(private / 'serverkey.pem')])
    assert result['diff'] == [dict(before='', after='%s\n%s\n' % (private, private / 'serverkey.pem'),
                                   after_header='files written or re-permissioned')]
    assert 'MIIEvQ' not in json.dumps(result)


def test_changed_steps_keep_the_order_of_the_steps(tmp_path):
    paths = dict((name, tmp_path / name) for name in ('zeta', 'alpha', 'mid', 'beta'))
    for path in paths.values():
        path.write_text(u'KEY=old\n')
    result = run([shell_step(name, paths[name], {'KEY': 'old' if name == 'alpha' else 'new'}) for name in ('zeta', 'alpha', 'mid', 'beta')])
    assert result['changed_steps'] == ['zeta', 'mid', 'beta']
    assert list(result['steps']) == ['zeta', 'alpha', 'mid', 'beta']


def test_diffs_are_a_list_of_the_changed_steps_in_diff_mode(tmp_path, confs):
    changing, converged = confs
    other = tmp_path / 'other'
    other.write_text(u'A=1\n')
    steps = [
        shell_step('default_file', changing, {'NOVA_CONSOLE_PROXY_TYPE': 'spicehtml5'}),
        shell_step('qemu', converged, {'MIGRATION': 1}),
        shell_step('other', other, {'A': 2}),
    ]
    result = run(steps, diff=True)
    assert result['diff'] == [
        dict(before=u'#NOVA_CONSOLE_PROXY_TYPE=novnc\n', after=u'NOVA_CONSOLE_PROXY_TYPE=spicehtml5\n',
             before_header=str(changing), after_header=str(changing)),
        dict(before=u'A=1\n', after=u'A=2\n', before_header=str(other), after_header=str(other)),
    ]
    assert all('diff' not in step for step in result['steps'].values())
    assert 'diff' not in run(steps, diff=True)


def test_no_diff_outside_diff_mode(confs):
    changing, dummy = confs
    result = run([shell_step('default_file', changing, {'NOVA_CONSOLE_PROXY_TYPE': 'spicehtml5'})])
    assert result['changed'] is True
    assert 'diff' not in result
    assert 'diff' not in result['steps']['default_file']
