# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""steps.libvirt_listen.run() with a fake module object: it returns the result."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os

import pytest

from ansible_collections.novaops.console_migration.plugins.module_utils.steps import libvirt_listen as step
from ansible_collections.novaops.console_migration.tests.unit.plugins.modules.module_harness import FailJson, StepModule

CONF = '/etc/libvirt/libvirtd.conf'
DEFAULT = '/etc/default/libvirtd'
CONF_TEXT = '#listen_tls = 0\n#listen_tcp = 1\n#tcp_port = "16509"\n#auth_tcp = "sasl"\n'
DEFAULT_TEXT = '#libvirtd_opts=""\n'


class FakeModule(StepModule):
    """A host without systemd: no binaries, every command is an error."""

    def __init__(self, params, check_mode=False, diff=False):
        super(FakeModule, self).__init__(step.ARGUMENT_SPEC, params, check_mode, diff)

    def get_bin_path(self, name, required=False, opt_dirs=None):
        assert not required, name
        return None


@pytest.fixture
def root(tmp_path, monkeypatch):
    for path, text in ((CONF, CONF_TEXT), (DEFAULT, DEFAULT_TEXT)):
        real = tmp_path / path.lstrip('/')
        real.parent.mkdir(parents=True, exist_ok=True)
        real.write_text(text)
    monkeypatch.setattr(step, 'ROOT', str(tmp_path))
    return tmp_path


def read(root, path):
    return (root / path.lstrip('/')).read_text()


def test_module_options():
    assert step.MODULE_OPTIONS == dict(supports_check_mode=True)
    assert step.ARGUMENT_SPEC['transport'] == dict(type='str', choices=['tls', 'tcp'], default='tls')


def test_check_mode_reports_the_change_without_writing(root):
    module = FakeModule(dict(transport='tcp', mode='legacy'), check_mode=True, diff=True)
    result = step.run(module)
    assert result['changed'] is True
    assert result['mode'] == 'legacy'
    assert result['listen'] == '*:16509 (tcp)'
    assert result['files_changed'] == [CONF, DEFAULT]
    assert result['units']['restarted'] == ['libvirtd']
    assert result['restart_pending'] is False
    assert result['msg'].startswith('legacy mode: libvirtd would listen on *:16509 (tcp); 2 files would change')
    assert [d['before_header'] for d in result['diff']] == [CONF, DEFAULT]
    assert 'failed' not in result
    assert read(root, CONF) == CONF_TEXT
    assert read(root, DEFAULT) == DEFAULT_TEXT
    assert sorted(os.listdir(str(root / 'etc'))) == ['default', 'libvirt']
    assert module.commands == []


def test_listen_error_fails_through_fail_json(root):
    module = FakeModule(dict(transport='tcp', mode='socket', listen_address='10.0.0.5'), check_mode=True)
    with pytest.raises(FailJson) as failed:
        step.run(module)
    result = failed.value.args[0]
    assert result['failed'] is True
    assert result['msg'].startswith('mode=socket needs systemd')
    assert read(root, CONF) == CONF_TEXT
