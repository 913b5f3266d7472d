# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""multipath_conf: tokenizer, section tracking and the user_friendly_names edit."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible_collections.novaops.console_migration.plugins.module_utils import multipath_conf as mc

FULL = (
    '# This is a basic configuration file\n'
    '! another comment style\n'
    'defaults {\n'
    '\tpolling_interval\t10\n'
    '\tpath_selector\t\t"round-robin 0"\n'
    '\tuid_attribute "ID_SERIAL" # trailing comment\n'
    '}\n'
    'blacklist {\n'
    '\twwid 26353900f02796769\n'
    '\tdevnode "^(ram|raw|loop|fd|md|dm-|sr|scd|st)[0-9]*"\n'
    '\tdevnode "^hd[a-z][{0-9}]*"\n'
    '}\n'
    'overrides {\n'
    '\tuser_friendly_names yes\n'
    '}\n'
    'devices {\n'
    '\tdevice {\n'
    '\t\tvendor "COMPAQ  "\n'
    '\t\tuser_friendly_names no\n'
    '\t}\n'
    '}\n'
    'multipaths {\n'
    '\tmultipath {\n'
    '\t\twwid 3600508b4000156d700012000000b0000\n'
    '\t\tuser_friendly_names 1\n'
    '\t}\n'
    '}\n'
)


def test_render_is_byte_for_byte():
    for text in (FULL, '', '\n\n', 'defaults {\r\n}\r\n', 'defaults {\n}', '  # only a comment'):
        assert mc.MultipathConf.parse(text).render() == text


def test_tokenize_quotes_braces_and_comments():
    assert [t[0] for t in mc.tokenize('  devnode "^hd[a-z][{0-9}]*"  # c')] == ['devnode', '^hd[a-z][{0-9}]*']
    assert [(t[0], t[1]) for t in mc.tokenize('a "b c" {')] == [('a', False), ('b c', True), ('{', False)]
    assert [t[0] for t in mc.tokenize('defaults{')] == ['defaults', '{']
    assert mc.tokenize('! comment') == [] and mc.tokenize('   # x') == []
    # A '#' inside a word is not a comment start; the spans index the line.
    line = 'alias foo#bar'
    tokens = mc.tokenize(line)
    assert [t[0] for t in tokens] == ['alias', 'foo#bar']
    assert line[tokens[1][2]:tokens[1][3]] == 'foo#bar'
    quoted = '\tpath_selector "round-robin 0" # x'
    span = mc.tokenize(quoted)[1]
    assert quoted[span[2]:span[3]] == '"round-robin 0"'


def test_sections_are_tracked_with_nesting():
    conf = mc.MultipathConf.parse(FULL)
    assert conf.user_friendly_names() is None
    assert conf.other_settings() == [('overrides', 'yes', 14), ('devices/device', 'no', 19),
                                     ('multipaths/multipath', 'yes', 25)]
    paths = [(line.kind, line.path) for line in conf.lines if line.kind != mc.BLANK]
    assert (mc.OPEN, ('devices', 'device')) in paths
    assert (mc.CLOSE, ('multipaths', 'multipath')) in paths


@pytest.mark.parametrize('value, expected', [
    ('yes', 'yes'), ('no', 'no'), ('1', 'yes'), ('0', 'no'), ('"no"', 'no'), ('YES', 'yes'), ('maybe', 'maybe'),
])
def test_reading_the_defaults_value(value, expected):
    conf = mc.MultipathConf.parse('defaults {\n\tuser_friendly_names %s\n}\n' % value)
    assert conf.user_friendly_names() == expected


def test_the_last_defaults_section_wins_and_all_are_set():
    text = ('defaults {\n\tuser_friendly_names no\n}\n'
            'defaults {\n\tuser_friendly_names yes\n}\n')
    conf = mc.MultipathConf.parse(text)
    assert conf.user_friendly_names() == 'yes'
    assert conf.set_user_friendly_names(False) is True
    assert conf.render() == ('defaults {\n\tuser_friendly_names no\n}\n'
                             'defaults {\n\tuser_friendly_names no\n}\n')
    assert conf.set_user_friendly_names(False) is False


def test_nested_and_override_settings_are_never_edited():
    new, before = mc.set_user_friendly_names(FULL, False)
    assert before is None
    assert new == FULL.replace('\tuid_attribute "ID_SERIAL" # trailing comment\n}\n',
                               '\tuid_attribute "ID_SERIAL" # trailing comment\n\tuser_friendly_names no\n}\n', 1)
    assert [(s, v, n - 1) for s, v, n in mc.MultipathConf.parse(new).other_settings()] == \
        mc.MultipathConf.parse(FULL).other_settings()


def test_added_line_uses_the_indentation_of_the_section():
    new = mc.set_user_friendly_names('defaults {\n    polling_interval 5\n}\n', True)[0]
    assert new == 'defaults {\n    polling_interval 5\n    user_friendly_names yes\n}\n'
    new = mc.set_user_friendly_names('defaults {\n}\n', False)[0]
    assert new == 'defaults {\n\tuser_friendly_names no\n}\n'


def test_keyword_without_value_gets_one():
    new, before = mc.set_user_friendly_names('defaults {\n\tuser_friendly_names\n}\n', False)
    assert before == ''
    assert new == 'defaults {\n\tuser_friendly_names no\n}\n'


def test_value_change_keeps_spacing_comment_and_ending():
    new, before = mc.set_user_friendly_names('defaults {\r\n  user_friendly_names\t"yes"\t! why\r\n}\r\n', False)
    assert before == 'yes'
    assert new == 'defaults {\r\n  user_friendly_names\tno\t! why\r\n}\r\n'


def test_commented_setting_is_not_a_setting():
    text = 'defaults {\n#\tuser_friendly_names yes\n}\n'
    new, before = mc.set_user_friendly_names(text, False)
    assert before is None
    assert new == 'defaults {\n#\tuser_friendly_names yes\n\tuser_friendly_names no\n}\n'


def test_missing_file_and_empty_file():
    assert mc.set_user_friendly_names(None, False) == ('defaults {\n\tuser_friendly_names no\n}\n', None)
    assert mc.set_user_friendly_names('', True) == ('defaults {\n\tuser_friendly_names yes\n}\n', None)
    assert mc.minimal_config() == 'defaults {\n\tuser_friendly_names no\n}\n'


def test_appended_section_uses_the_dominant_line_ending():
    new = mc.set_user_friendly_names('blacklist {\r\n\twwid x\r\n}', False)[0]
    assert new == 'blacklist {\r\n\twwid x\r\n}\r\ndefaults {\r\n\tuser_friendly_names no\r\n}\r\n'
    conf = mc.MultipathConf.parse(new)
    assert conf.user_friendly_names() == 'no'


def test_defaults_inside_another_section_is_not_the_defaults_section():
    text = 'multipaths {\n\tdefaults {\n\t\tuser_friendly_names yes\n\t}\n}\n'
    conf = mc.MultipathConf.parse(text)
    assert conf.user_friendly_names() is None
    new = mc.set_user_friendly_names(text, False)[0]
    assert new == text + 'defaults {\n\tuser_friendly_names no\n}\n'


@pytest.mark.parametrize('text, lineno, words', [
    ('defaults {\n\tpolling_interval 5\n', 2, "section 'defaults' is not closed"),
    ('}\n', 1, "'}' closes no section"),
    ('defaults {\n\tuser_friendly_names no }\n}\n', 2, 'unsupported layout'),
    ('defaults { user_friendly_names no }\n', 1, 'unsupported layout'),
    ('defaults\n{\n}\n', 2, 'unsupported layout'),
    ('devices {\n\tdevice {\n\t}\n', 3, "section 'devices' is not closed"),
])
def test_layouts_that_cannot_be_edited_safely_raise(text, lineno, words):
    with pytest.raises(mc.MultipathConfError) as err:
        mc.MultipathConf.parse(text)
    assert err.value.lineno == lineno
    assert str(err.value).startswith('line %d: ' % lineno)
    assert words in str(err.value)


def test_quoted_brace_is_text_not_a_section():
    text = 'blacklist {\n\tdevnode "}"\n\tdevnode "{"\n}\n'
    conf = mc.MultipathConf.parse(text)
    assert [line.kind for line in conf.lines] == [mc.OPEN, mc.ITEM, mc.ITEM, mc.CLOSE]
