# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""The entry of the filter plugin files: plugin_utils.filters."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import collections

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.novaops.console_migration.plugins.filter import preflight_report as plugin
from ansible_collections.novaops.console_migration.plugins.plugin_utils.filters import filter_function, filter_module


class Problem(Exception):
    pass


def seen(*args, **kwargs):
    """Types and values of the arguments."""
    if kwargs.get('fail'):
        raise Problem('var_a: wrong\nvar_b: wrong too')
    return [(type(arg), arg) for arg in args], dict((key, (type(value), value)) for key, value in kwargs.items())


def test_dict_arguments_become_plain_dicts_others_pass_as_they_are():
    ordered = collections.OrderedDict(a=1)
    args, kwargs = filter_function(seen, Problem)(ordered, [1], 2, names=ordered, start=3)
    assert args == [(dict, {'a': 1}), (list, [1]), (int, 2)]
    assert kwargs == {'names': (dict, {'a': 1}), 'start': (int, 3)}


def test_the_error_becomes_a_filter_error_with_its_message():
    with pytest.raises(AnsibleFilterError) as err:
        filter_function(seen, Problem)(fail=True)
    assert err.value.message == 'var_a: wrong\nvar_b: wrong too'


def test_other_errors_pass():
    with pytest.raises(Problem):
        filter_function(seen, ValueError)(fail=True)


def test_the_function_keeps_its_docstring():
    assert filter_function(seen, Problem).__doc__ == seen.__doc__


def test_filter_module_offers_the_functions_by_name():
    module = filter_module(one=seen, two=len)
    assert module().filters() == {'one': seen, 'two': len}


def test_preflight_report_plugin():
    assert plugin.FilterModule().filters() == {'preflight_report': plugin.preflight_report}
    assert plugin.preflight_report({}, {})['ok'] is True
    with pytest.raises(AnsibleFilterError) as err:
        plugin.preflight_report({}, 'not a dictionary')
    assert str(err.value).startswith("settings: 'not a dictionary' is not a dictionary")
