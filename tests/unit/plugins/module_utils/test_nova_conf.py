# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible_collections.novaops.console_migration.plugins.module_utils.nova_conf import (
    NovaConf,
    NovaConfError,
    format_scalar,
    normalize_section,
    read_value,
    to_values,
)

SAMPLE = (
    "# nova.conf managed partly by hand\n"
    "[DEFAULT]\n"
    "; legacy comment style\n"
    "my_ip=10.0.0.5\n"
    "   \n"
    "transport_url = rabbit://nova:secret@ctl:5672/\n"
    "\n"
    "[vnc]\n"
    "enabled = false\n"
    "#server_listen = 127.0.0.1\n"
    "\n"
    "\n"
    "[libvirt]\n"
    "virt_type:kvm\n"
)


def edit(text, *calls):
    conf = NovaConf.parse(text)
    for method, args in calls:
        getattr(conf, method)(*args)
    return conf.render()


# -- parsing and round trip -------------------------------------------------

@pytest.mark.parametrize('text', [
    SAMPLE,
    SAMPLE.replace('\n', '\r\n'),
    SAMPLE.rstrip('\n'),
    '',
    '\n\n',
    '\ufeff[DEFAULT]\na = 1\n',
    '[DEFAULT]\nfoo = a\n  b\n\tc\n',
    '[DEFAULT]\r\nmixed = 1\nendings = 2\r',
])
def test_round_trip_is_byte_for_byte(text):
    assert NovaConf.parse(text).render() == text


def test_round_trip_keeps_undecodable_bytes():
    raw = b'[DEFAULT]\n# caf\xe9 latin-1 comment\nfoo = \xff\n'
    text = raw.decode('utf-8', 'surrogateescape')
    assert NovaConf.parse(text).render().encode('utf-8', 'surrogateescape') == raw


def test_get_reads_values_like_oslo():
    conf = NovaConf.parse(SAMPLE)
    assert conf.get('DEFAULT', 'my_ip') == ['10.0.0.5']
    assert conf.get('DEFAULT', 'transport_url') == ['rabbit://nova:secret@ctl:5672/']
    assert conf.get('libvirt', 'virt_type') == ['kvm']
    assert conf.get('vnc', 'server_listen') == []  # commented out
    assert conf.get('nosuch', 'x') == []


def test_first_separator_wins():
    conf = NovaConf.parse('[a]\nurl = http://h:1/x\nk: v=w\n')
    assert conf.get('a', 'url') == ['http://h:1/x']
    assert conf.get('a', 'k') == ['v=w']


def test_quotes_and_whitespace_are_stripped():
    conf = NovaConf.parse('[a]\nq = " spaced "  \ns = \'x\'\nhalf = "x\n')
    assert conf.get('a', 'q') == [' spaced ']
    assert conf.get('a', 's') == ['x']
    assert conf.get('a', 'half') == ['"x']


def test_continuation_lines_join_with_newline():
    conf = NovaConf.parse('[a]\nfoo = one\n  two\n\tthree  \nbar = 1\n')
    assert conf.get('a', 'foo') == ['one\ntwo\nthree']
    assert conf.get('a', 'bar') == ['1']


def test_blank_line_ends_continuation():
    with pytest.raises(NovaConfError) as err:
        NovaConf.parse('[a]\nfoo = one\n\n  two\n')
    assert err.value.lineno == 4
    assert 'unexpected continuation line' in str(err.value)


def test_duplicate_sections_and_case_are_merged():
    conf = NovaConf.parse('[vnc]\nenabled = true\n[VNC]\nx = 1\n[DEFAULT]\na = 1\n[default]\na = 2\n')
    assert conf.get('vnc', 'x') == ['1']
    assert conf.get('Vnc', 'enabled') == ['true']
    assert conf.get('DEFAULT', 'a') == ['1']  # DEFAULT is matched exactly
    assert conf.sections() == ['vnc', 'DEFAULT', 'default']
    assert normalize_section('VNC') == 'vnc'
    assert normalize_section('DEFAULT') == 'DEFAULT'


def test_items_in_file_order():
    conf = NovaConf.parse('[DEFAULT]\na = 1\n[vnc]\nb = x\n  y\n')
    assert conf.items() == [('DEFAULT', 'a', '1'), ('vnc', 'b', 'x\ny')]


def test_dominant_newline():
    assert NovaConf.parse('# a\r\n').newline == '\r\n'
    assert NovaConf.parse('[a]\r\nb = 1\r\nc = 2\n').newline == '\r\n'
    assert NovaConf.parse('[a]\nb = 1\r\n').newline == '\n'  # tie
    assert NovaConf.parse('').newline == '\n'


@pytest.mark.parametrize('text, lineno, message', [
    ('# top\nfoo = bar\n[DEFAULT]\n', 2, 'option before the first section header'),
    ('[DEFAULT]\na = 1\n[vnc\nenabled = true\n', 3, "invalid section header (must end with ']')"),
    ('[DEFAULT]\n[vnc] # console\n', 2, "invalid section header (must end with ']')"),
    ('[DEFAULT]\n\n[]\n', 3, 'empty section name'),
    ('[DEFAULT]\na = 1\nthis is not an option\n', 3, "no '=' or ':' found in assignment"),
    ('[DEFAULT]\n= value\n', 2, 'key cannot be empty'),
    ('[DEFAULT]\n: value\n', 2, 'key cannot be empty'),
    ('[DEFAULT]\n  indented = 1\n', 2, 'unexpected continuation line'),
    ('[DEFAULT]\n# comment\n    more comment\n', 3, 'unexpected continuation line'),
])
def test_parse_errors_carry_line_number_and_text(text, lineno, message):
    with pytest.raises(NovaConfError) as err:
        NovaConf.parse(text)
    assert err.value.lineno == lineno
    assert err.value.linenos == [lineno]
    assert err.value.line == text.splitlines()[lineno - 1]
    assert str(err.value) == 'line %d: %s: %r' % (lineno, message, text.splitlines()[lineno - 1])


# -- set --------------------------------------------------------------------

@pytest.mark.parametrize('line, expected', [
    ('my_ip=1.2.3.4', 'my_ip=9.9.9.9'),
    ('my_ip = 1.2.3.4', 'my_ip = 9.9.9.9'),
    ('my_ip   =   1.2.3.4   ', 'my_ip   =   9.9.9.9'),
    ('my_ip: 1.2.3.4', 'my_ip: 9.9.9.9'),
    ('my_ip\t=\t1.2.3.4', 'my_ip\t=\t9.9.9.9'),
    ('my_ip =', 'my_ip = 9.9.9.9'),
    ('my_ip=', 'my_ip=9.9.9.9'),
])
def test_set_replaces_in_place_keeping_spacing(line, expected):
    text = '[DEFAULT]\n# before\n%s\n# after\n' % line
    assert edit(text, ('set', ('DEFAULT', 'my_ip', ['9.9.9.9']))) == '[DEFAULT]\n# before\n%s\n# after\n' % expected


def test_set_keeps_everything_else_byte_for_byte():
    result = edit(SAMPLE, ('set', ('vnc', 'enabled', ['true'])))
    assert result == SAMPLE.replace('enabled = false', 'enabled = true')


def test_set_same_value_is_no_change():
    conf = NovaConf.parse('[a]\nx = " 1 "\ny=2\n')
    assert conf.set('a', 'y', ['2']) is False
    assert conf.set('a', 'y', ['  2  ']) is False
    assert conf.set('a', 'x', ['" 1 "']) is False
    assert conf.render() == '[a]\nx = " 1 "\ny=2\n'


def test_set_compares_as_oslo_reads():
    conf = NovaConf.parse('[a]\nx = "v"\n')
    assert conf.set('a', 'x', ['v']) is False
    assert conf.set('a', 'x', ['w']) is True
    assert conf.render() == '[a]\nx = w\n'


def test_set_strips_written_values():
    assert edit('[a]\nx = 1\n', ('set', ('a', 'x', ['  2  ']))) == '[a]\nx = 2\n'


def test_set_empty_value():
    conf = NovaConf.parse('[a]\nx = 1\n')
    assert conf.set('a', 'x', ['']) is True
    assert conf.set('a', 'y', ['']) is True
    assert conf.render() == '[a]\nx =\ny =\n'
    assert conf.get('a', 'x') == ['']


def test_set_scalar_collapses_duplicates_into_first_line():
    text = '[DEFAULT]\ndebug = true\nother = 1\ndebug=false\n  continued\n# end\n'
    conf = NovaConf.parse(text)
    assert conf.get('DEFAULT', 'debug') == ['true', 'false\ncontinued']
    assert conf.set('DEFAULT', 'debug', ['false']) is True
    assert conf.render() == '[DEFAULT]\ndebug = false\nother = 1\n# end\n'


def test_set_replaces_continuation_lines():
    text = '[a]\nfoo = one\n  two\nbar = 1\n'
    assert edit(text, ('set', ('a', 'foo', ['x']))) == '[a]\nfoo = x\nbar = 1\n'


def test_set_multiline_value_same_text_is_still_a_change():
    conf = NovaConf.parse('[a]\nfoo = one\n  two\n')
    assert conf.set('a', 'foo', ['one']) is True
    assert conf.render() == '[a]\nfoo = one\n'


def test_set_new_option_goes_after_last_non_blank_line():
    result = edit(SAMPLE, ('set', ('vnc', 'server_listen', ['0.0.0.0'])))
    assert result == SAMPLE.replace(
        '#server_listen = 127.0.0.1\n\n\n',
        '#server_listen = 127.0.0.1\nserver_listen = 0.0.0.0\n\n\n')


def test_set_new_option_in_section_with_only_header():
    result = edit('[a]\n\n[b]\nx = 1\n', ('set', ('a', 'y', ['2'])))
    assert result == '[a]\ny = 2\n\n[b]\nx = 1\n'


def test_set_new_option_after_continuation_lines():
    result = edit('[a]\nfoo = one\n  two\n\n[b]\n', ('set', ('a', 'bar', ['1'])))
    assert result == '[a]\nfoo = one\n  two\nbar = 1\n\n[b]\n'


def test_set_new_option_in_last_section_without_final_newline():
    assert edit('[a]\nx = 1', ('set', ('a', 'y', ['2']))) == '[a]\nx = 1\ny = 2\n'


def test_set_replace_keeps_missing_final_newline():
    assert edit('[a]\nx = 1', ('set', ('a', 'x', ['2']))) == '[a]\nx = 2'


def test_set_new_section_at_end():
    result = edit(SAMPLE, ('set', ('serial_console', 'enabled', ['true'])),
                  ('set', ('serial_console', 'port_range', ['10000:20000'])))
    assert result == SAMPLE + '\n[serial_console]\nenabled = true\nport_range = 10000:20000\n'


def test_set_new_section_after_existing_blank_line():
    assert edit('[a]\nx = 1\n\n', ('set', ('b', 'y', ['2']))) == '[a]\nx = 1\n\n[b]\ny = 2\n'


def test_set_new_section_in_file_without_final_newline():
    assert edit('[a]\nx = 1', ('set', ('b', 'y', ['2']))) == '[a]\nx = 1\n\n[b]\ny = 2\n'


def test_set_new_section_in_empty_file():
    assert edit('', ('set', ('DEFAULT', 'debug', ['true']))) == '[DEFAULT]\ndebug = true\n'


def test_set_new_section_in_comment_only_file():
    assert edit('# header\n', ('set', ('DEFAULT', 'a', ['1']))) == '# header\n\n[DEFAULT]\na = 1\n'


def test_new_lines_use_crlf_in_crlf_file():
    text = '[DEFAULT]\r\nmy_ip = 1.2.3.4\r\n\r\n[vnc]\r\nenabled = false'
    result = edit(text, ('set', ('DEFAULT', 'debug', ['true'])),
                  ('set', ('DEFAULT', 'my_ip', ['5.6.7.8'])),
                  ('set', ('vnc', 'enabled', ['true'])),
                  ('set', ('vnc', 'novncproxy_host', ['0.0.0.0'])),
                  ('set', ('libvirt', 'virt_type', ['kvm'])))
    assert result == ('[DEFAULT]\r\nmy_ip = 5.6.7.8\r\ndebug = true\r\n\r\n[vnc]\r\nenabled = true\r\n'
                      'novncproxy_host = 0.0.0.0\r\n\r\n[libvirt]\r\nvirt_type = kvm\r\n')


def test_bom_is_kept():
    assert edit('\ufeff[a]\nx = 1\n', ('set', ('a', 'x', ['2']))) == '\ufeff[a]\nx = 2\n'


def test_set_multi_replaces_at_first_position():
    text = '[pci]\nalias = a\nother = 1\nalias=b\n'
    conf = NovaConf.parse(text)
    assert conf.set('pci', 'alias', ['x', 'y', 'z']) is True
    assert conf.render() == '[pci]\nalias = x\nalias = y\nalias = z\nother = 1\n'
    assert conf.get('pci', 'alias') == ['x', 'y', 'z']
    assert conf.set('pci', 'alias', ['x', 'y', 'z']) is False


def test_set_multi_order_matters():
    conf = NovaConf.parse('[pci]\nalias = a\nalias = b\n')
    assert conf.set('pci', 'alias', ['b', 'a']) is True
    assert conf.render() == '[pci]\nalias = b\nalias = a\n'


def test_set_multi_at_end_of_file_without_newline():
    assert edit('[pci]\nalias=a', ('set', ('pci', 'alias', ['x', 'y']))) == '[pci]\nalias=x\nalias=y'


def test_set_multi_new_option():
    assert edit('[pci]\n', ('set', ('pci', 'alias', ['x', 'y']))) == '[pci]\nalias = x\nalias = y\n'


def test_set_in_duplicate_section_edits_the_block_that_holds_it():
    text = '[vnc]\nenabled = false\n\n[DEFAULT]\n\n[VNC]\nserver_listen = 1.1.1.1\n'
    conf = NovaConf.parse(text)
    assert conf.set('vnc', 'server_listen', ['0.0.0.0']) is True
    assert conf.set('vnc', 'enabled', ['true']) is True
    assert conf.render() == '[vnc]\nenabled = true\n\n[DEFAULT]\n\n[VNC]\nserver_listen = 0.0.0.0\n'


def test_set_in_duplicate_section_absent_everywhere_fails():
    text = '[DEFAULT]\n[vnc]\nenabled = true\n' + '#\n' * 36 + '[vnc]\nx = 1\n'
    conf = NovaConf.parse(text)
    with pytest.raises(NovaConfError) as err:
        conf.set('vnc', 'server_listen', ['0.0.0.0'])
    assert str(err.value) == (
        "section [vnc] appears 2 times (lines 2, 40); cannot decide where option 'server_listen' belongs")
    assert err.value.linenos == [2, 40]
    assert conf.render() == text


def test_set_in_duplicate_section_present_twice_fails():
    conf = NovaConf.parse('[vnc]\nenabled = true\n[vnc]\nenabled = false\n')
    with pytest.raises(NovaConfError, match=r"section \[vnc\] appears 2 times \(lines 1, 3\)"):
        conf.set('vnc', 'enabled', ['true'])


def test_duplicate_section_untouched_is_fine():
    text = '[vnc]\na = 1\n[vnc]\nb = 2\n[DEFAULT]\nx = 1\n'
    assert edit(text, ('set', ('DEFAULT', 'x', ['2']))) == text.replace('x = 1', 'x = 2')


def test_set_without_values_is_refused():
    with pytest.raises(ValueError):
        NovaConf.parse('[a]\n').set('a', 'x', [])


# -- remove -----------------------------------------------------------------

def test_remove_every_line_in_every_block():
    text = ('[vnc]\nenabled = true\n  cont\nkeep = 1\nenabled=false\n\n'
            '[DEFAULT]\nenabled = stays\n[VNC]\n# c\nenabled = 3\n')
    conf = NovaConf.parse(text)
    assert conf.remove('vnc', 'enabled') is True
    assert conf.render() == '[vnc]\nkeep = 1\n\n[DEFAULT]\nenabled = stays\n[VNC]\n# c\n'
    assert conf.remove('vnc', 'enabled') is False


def test_remove_missing_option_or_section_is_no_change():
    conf = NovaConf.parse(SAMPLE)
    assert conf.remove('vnc', 'server_listen') is False
    assert conf.remove('nosuch', 'x') is False
    assert conf.render() == SAMPLE


def test_remove_keeps_section_header():
    assert edit('[a]\nx = 1\n[b]\n', ('remove', ('a', 'x'))) == '[a]\n[b]\n'


# -- value helpers ----------------------------------------------------------

@pytest.mark.parametrize('value, expected', [
    (True, 'true'), (False, 'false'), (0, '0'), (6080, '6080'), (1.5, '1.5'), ('x y', 'x y'),
])
def test_format_scalar(value, expected):
    assert format_scalar(value) == expected


def test_format_scalar_rejects_other_types():
    with pytest.raises(TypeError, match='must be a string, number or boolean, got dict'):
        format_scalar({'a': 1})


@pytest.mark.parametrize('value, multi, expected', [
    ('a', False, ['a']),
    ('a', True, ['a']),
    (['a', 'b', 3, True], False, ['a,b,3,true']),
    (['a', 'b'], True, ['a', 'b']),
    ([], False, ['']),
    (False, False, ['false']),
])
def test_to_values(value, multi, expected):
    assert to_values(value, multi) == expected


def test_to_values_errors():
    with pytest.raises(ValueError, match='empty list when multi=true'):
        to_values([], True)
    with pytest.raises(ValueError, match='line breaks'):
        to_values('a\nb')
    with pytest.raises(ValueError, match='line breaks'):
        to_values(['a', 'b\rc'], True)
    with pytest.raises(TypeError, match='list item 1 must be a string, number or boolean, got list'):
        to_values(['a', ['b']])


def test_read_value():
    assert read_value('  "a b"  ') == 'a b'
    assert read_value("'x'") == 'x'
    assert read_value('"') == ''
    assert read_value('x"') == 'x"'
