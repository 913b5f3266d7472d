# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""Run a module's ``main()`` in the test process and capture its result.

Tests patch exit_json/fail_json with :func:`patch_exits` (they raise
:class:`ExitJson` / :class:`FailJson` with the result dict), build the
arguments with :func:`module_args` and call :func:`run_module`.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import contextlib
import copy
import json

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

try:  # ansible-core >= 2.19
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # pragma: no cover - older ansible-core
    from unittest import mock

    @contextlib.contextmanager
    def patch_module_args(args=None):
        payload = to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args or {}}))
        with mock.patch.object(basic, '_ANSIBLE_ARGS', payload):
            yield


class ExitJson(Exception):
    pass


class FailJson(Exception):
    pass


def exit_json(self, **kwargs):
    """exit_json that raises ExitJson with the result, ``changed`` False unless given."""
    kwargs.setdefault('changed', False)
    raise ExitJson(kwargs)


def fail_json(self, msg, **kwargs):
    """fail_json that raises FailJson with the result, ``msg`` and ``failed`` set."""
    kwargs.update(msg=msg, failed=True)
    raise FailJson(kwargs)


def patch_exits(monkeypatch, exit_func=exit_json):
    """Make AnsibleModule.exit_json raise through ``exit_func`` and fail_json raise FailJson."""
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_func)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)


def module_args(args, check=False, diff=False):
    """A copy of ``args`` with check and diff mode set."""
    args = dict(args)
    args['_ansible_check_mode'] = check
    args['_ansible_diff'] = diff
    return args


def run_module(main, args, expect=ExitJson):
    """Call ``main()`` with the module arguments ``args``; the result of the ``expect`` exception."""
    with patch_module_args(args):
        with pytest.raises(expect) as result:
            main()
    return result.value.args[0]


class StepModule(object):
    """What a step's run() may use of an AnsibleModule: ``spec``'s defaults updated by ``params``.

    There is no exit_json, so run() must return; fail_json raises FailJson.
    Commands and binary lookups are refused unless a subclass answers them.
    """

    def __init__(self, spec, params, check_mode=False, diff=False):
        self.params = copy.deepcopy(dict((key, value.get('default')) for key, value in spec.items()))
        self.params.update(params)
        self.check_mode = check_mode
        self._diff = diff
        self.commands = []
        self.warnings = []

    def run_command(self, args, **kwargs):
        self.commands.append(args)
        raise AssertionError('unexpected command %r' % (args,))

    def get_bin_path(self, name, required=False, opt_dirs=None):
        raise AssertionError('unexpected lookup of %s' % name)

    def warn(self, text):
        self.warnings.append(text)

    def fail_json(self, msg, **kwargs):
        kwargs.update(msg=msg, failed=True)
        raise FailJson(kwargs)

    def exit_json(self, **kwargs):
        raise AssertionError('run() must return, not exit')
