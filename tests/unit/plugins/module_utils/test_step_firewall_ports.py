# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""steps.firewall_ports.run() with a fake module object: it returns the result."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible_collections.novaops.console_migration.plugins.module_utils.steps import firewall_ports as step
from ansible_collections.novaops.console_migration.tests.unit.plugins.modules.module_harness import FailJson, StepModule


def fake_module(params, check_mode=False, diff=False):
    return StepModule(step.ARGUMENT_SPEC, params, check_mode, diff)


RULES = [dict(name='novnc', port=6080, protocol='tcp', sources=[])]


def test_module_options():
    assert step.MODULE_OPTIONS == dict(supports_check_mode=True)
    assert sorted(step.ARGUMENT_SPEC) == ['backend', 'nftables_config', 'owner', 'persist', 'persist_path', 'purge',
                                          'reject_others', 'rules']


@pytest.mark.parametrize('check_mode', [False, True])
def test_backend_none_returns_unchanged_without_commands(check_mode):
    module = fake_module(dict(backend='none', owner='console_proxy', rules=RULES), check_mode=check_mode, diff=True)
    result = step.run(module)
    assert result == dict(changed=False, backend='none', persist_path='', rules_added=[], rules_removed=[],
                          commands=[], warnings=[], msg='backend=none: nothing to do')
    assert module.commands == []
    assert module.warnings == []


def test_bad_owner_fails_through_fail_json():
    module = fake_module(dict(backend='none', owner='Console-Proxy', rules=RULES))
    with pytest.raises(FailJson) as failed:
        step.run(module)
    result = failed.value.args[0]
    assert result['failed'] is True
    assert result['backend'] == 'none'
    assert 'owner' in result['msg']
    assert module.commands == []
