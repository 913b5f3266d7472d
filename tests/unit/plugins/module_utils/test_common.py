# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""common.unique, common.LineError (the base of the config editors' errors) and nova_conf.split_lines."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible_collections.novaops.console_migration.plugins.module_utils.common import LineError, unique
from ansible_collections.novaops.console_migration.plugins.module_utils.iptables_rules import IptablesError
from ansible_collections.novaops.console_migration.plugins.module_utils.libvirt_conf import LibvirtConf, LibvirtConfError
from ansible_collections.novaops.console_migration.plugins.module_utils.nova_conf import NovaConfError, split_lines


def test_unique_keeps_the_first_of_each_in_order():
    assert unique(['b', 'a', 'b', 'c', 'a']) == ['b', 'a', 'c']
    assert unique(iter([1, 1, 2])) == [1, 2]
    assert unique([{'a': 1}, {'a': 1}, []]) == [{'a': 1}, []]
    assert unique([]) == []


@pytest.mark.parametrize('cls', [LineError, IptablesError, LibvirtConfError, NovaConfError])
def test_line_errors(cls):
    assert str(cls('bad')) == 'bad'
    assert str(cls('bad', 3)) == 'line 3: bad'
    assert str(cls('bad', 3, 'x = 1')) == "line 3: bad: 'x = 1'"
    err = cls('bad', 3)
    assert (err.message, err.lineno, err.line, err.args) == ('bad', 3, None, ('bad',))


def test_nova_conf_error_linenos():
    assert NovaConfError('bad', 3).linenos == [3]
    assert NovaConfError('bad').linenos == []
    assert NovaConfError('bad', linenos=(1, 4)).linenos == [1, 4]


def test_libvirt_conf_error_from_the_parser():
    with pytest.raises(LibvirtConfError) as err:
        LibvirtConf.parse('a = 1\nb = \n')
    assert err.value.lineno == 2 and str(err.value).startswith('line 2: ')


@pytest.mark.parametrize('text, lines, newline', [
    ('', [], '\n'),
    ('a', ['a'], '\n'),
    ('a\r\nb\r\nc\n', ['a\r\n', 'b\r\n', 'c\n'], '\r\n'),
    ('a\nb\r\n', ['a\n', 'b\r\n'], '\n'),
    ('a\rb', ['a\r', 'b'], '\r'),
])
def test_split_lines(text, lines, newline):
    assert split_lines(text) == (lines, newline)
