# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""The step modules' run(): called with a stand-in for AnsibleModule, it returns the result."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os

import pytest

from ansible.module_utils.basic import FILE_COMMON_ARGUMENTS
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.novaops.console_migration.plugins.module_utils.steps import multipath_names
from ansible_collections.novaops.console_migration.plugins.module_utils.steps import nova_config
from ansible_collections.novaops.console_migration.plugins.module_utils.steps import nova_release

VALIDATOR_OPTIONS = ('mutually_exclusive', 'required_together', 'required_one_of', 'required_if', 'required_by')


class Failed(Exception):
    pass


class FakeModule(object):
    """Params checked against the step's spec; commands answered from ``tools`` (name: (rc, out, err))."""

    def __init__(self, step, params, check_mode=False, diff=False, tools=None):
        spec = dict(step.ARGUMENT_SPEC)
        if step.MODULE_OPTIONS.get('add_file_common_args'):
            for key, value in FILE_COMMON_ARGUMENTS.items():
                spec.setdefault(key, value)
        options = dict((k, v) for k, v in step.MODULE_OPTIONS.items() if k in VALIDATOR_OPTIONS)
        validated = ArgumentSpecValidator(spec, **options).validate(params)
        assert validated.error_messages == []
        self.params = validated.validated_parameters
        self.check_mode = check_mode
        self._diff = diff
        self.tools = tools or {}
        self.calls = []
        self.warnings = []

    def exit_json(self, **kwargs):
        raise AssertionError('run() exited instead of returning: %r' % (kwargs,))

    def fail_json(self, msg, **kwargs):
        kwargs.update(msg=msg, failed=True)
        raise Failed(kwargs)

    def warn(self, warning):
        self.warnings.append(warning)

    def get_bin_path(self, name, required=False, opt_dirs=None):
        return '/usr/bin/' + name if name in self.tools else None

    def run_command(self, args, **kwargs):
        args = list(args)
        self.calls.append(args)
        return self.tools[args[0].rsplit('/', 1)[-1]]

    def atomic_move(self, src, dest, unsafe_writes=False, keep_dest_attrs=True):
        os.rename(src, dest)

    def load_file_common_arguments(self, params, path=None):
        return dict(path=path)

    def set_fs_attributes_if_different(self, file_args, changed, diff=None, expand=True):
        return changed


def failure(module, step):
    with pytest.raises(Failed) as exc:
        step.run(module)
    return exc.value.args[0]


# -- nova_config ------------------------------------------------------------

def test_nova_config_run_returns_the_result(tmp_path):
    path = tmp_path / 'nova.conf'
    path.write_text(u'[DEFAULT]\ndebug = false\n')
    params = dict(path=str(path), options=[dict(section='vnc', option='enabled', value=True)])

    result = nova_config.run(FakeModule(nova_config, params, diff=True))
    assert result['changed'] is True
    assert result['changed_options'] == [dict(section='vnc', option='enabled', before=[], after=['true'])]
    assert result['msg'] == '1 option changed in %s' % path
    assert path.read_text() == u'[DEFAULT]\ndebug = false\n\n[vnc]\nenabled = true\n'
    assert result['diff']['after'] == path.read_text()

    again = nova_config.run(FakeModule(nova_config, params))
    assert again == dict(changed=False, path=str(path), changed_options=[], msg='no changes in %s' % path)
    assert sorted(os.listdir(str(tmp_path))) == ['nova.conf']


def test_nova_config_run_check_mode_and_failure(tmp_path):
    path = tmp_path / 'nova.conf'
    params = dict(path=str(path), options=[dict(option='debug', value=True)])

    result = nova_config.run(FakeModule(nova_config, params, check_mode=True))
    assert result['changed'] is True and not path.exists()

    params['create'] = False
    result = failure(FakeModule(nova_config, params), nova_config)
    assert result['msg'] == '%s does not exist and create=false' % path
    assert result['changed'] is False


# -- multipath_names --------------------------------------------------------

def test_multipath_names_run_returns_the_result(tmp_path):
    path = tmp_path / 'multipath.conf'
    result = multipath_names.run(FakeModule(multipath_names, dict(path=str(path))))
    assert result == dict(changed=True, path=str(path), method='file', before=None, after='no',
                          msg='user_friendly_names set to no in %s' % path)
    assert path.read_text() == u'defaults {\n\tuser_friendly_names no\n}\n'

    again = multipath_names.run(FakeModule(multipath_names, dict(path=str(path))))
    assert again['changed'] is False and again['before'] == 'no'
    assert again['msg'] == 'user_friendly_names is already no in %s' % path


def test_multipath_names_run_fails_when_mpathconf_fails(tmp_path, monkeypatch):
    path = tmp_path / 'multipath.conf'
    monkeypatch.setattr(multipath_names, 'MPATHCONF_PATH', str(path))
    module = FakeModule(multipath_names, dict(path=str(path)), tools={'mpathconf': (1, '', 'broken')})
    result = failure(module, multipath_names)
    assert result['msg'] == '/usr/bin/mpathconf --enable --user_friendly_names n failed with rc 1: broken'
    assert module.calls == [['/usr/bin/mpathconf', '--enable', '--user_friendly_names', 'n']]
    assert not path.exists()


# -- nova_release -----------------------------------------------------------

def test_nova_release_run_returns_the_result():
    module = FakeModule(nova_release, dict(packages=['nova-common']), check_mode=True, tools={
        'dpkg-query': (0, 'nova-common\tinstall ok installed\t2:26.2.2-1~deb12u1\n', '')})
    result = nova_release.run(module)
    assert result == dict(changed=False, installed=True, package='nova-common', version='2:26.2.2-1~deb12u1',
                          candidate_version=None, release='zed', source='installed', package_manager='dpkg',
                          msg='nova-common 2:26.2.2-1~deb12u1 is installed (zed)')
    assert len(module.calls) == 1 and module.warnings == []


def test_nova_release_run_fails_without_a_package_manager():
    result = failure(FakeModule(nova_release, {}), nova_release)
    assert result['msg'] == 'nova_release needs dpkg-query or rpm, found neither'
    assert result['package_manager'] is None
