# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import difflib
import os

import pytest

from ansible_collections.novaops.console_migration.plugins.module_utils.libvirt_conf import (
    LibvirtConf,
    LibvirtConfError,
    ShellVars,
    ShellVarsError,
    add_listen_flag,
    has_listen_flag,
    render_value,
    same_value,
    shell_quote,
    strip_listen_flag,
    upstart_add_listen,
)

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures')


def fixture(name):
    # Real files of the lab's Debian 12 computes (libvirt-daemon-system 9.0.0-4+deb12u2).
    with open(os.path.join(FIXTURES, name), 'rb') as handle:
        return handle.read().decode('utf-8')


def added_and_removed(before, after):
    """(added lines, removed lines) of a diff, with the line before each added line."""
    added, removed = [], []
    after_lines = after.splitlines()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before.splitlines(), after_lines).get_opcodes():
        if tag in ('replace', 'delete'):
            removed.extend(before.splitlines()[i1:i2])
        if tag in ('replace', 'insert'):
            added.extend((after_lines[j - 1] if j else None, after_lines[j]) for j in range(j1, j2))
    return added, removed


# -- LibvirtConf: parsing ------------------------------------------------------------

ROUND_TRIP = [
    fixture('libvirtd.conf.debian12'),
    fixture('libvirtd.conf.debian12').replace('\n', '\r\n'),
    '',
    'listen_tcp = 1',
    'a = [ "x", # comment inside a list\n   "y",\n]\nb = """two\nlines"""\nc = -5 ; # trailing\n',
    "  indented = 'single'\n\n# comment\n",
]


@pytest.mark.parametrize('text', ROUND_TRIP)
def test_round_trip_is_byte_for_byte(text):
    assert LibvirtConf.parse(text).render() == text


def test_values_are_read_like_libvirt():
    conf = LibvirtConf.parse(ROUND_TRIP[4] + 'listen_tls=0\nauth_tcp = "none"\n')
    assert conf.items() == [('a', ['x', 'y']), ('b', 'two\nlines'), ('c', -5), ('listen_tls', 0),
                            ('auth_tcp', 'none')]
    assert conf.get('missing', 'dflt') == 'dflt'


def test_debian12_file_has_only_comments():
    assert LibvirtConf.parse(fixture('libvirtd.conf.debian12')).items() == []


def test_first_occurrence_wins():
    assert LibvirtConf.parse('a = 1\na = 2\n').get('a') == 1


@pytest.mark.parametrize('text, lineno', [
    ('ok = 1\nlisten_tcp 1\n', 2),
    ('ok = 1\n\nauth_tcp = "none\n', 3),
    ('a = [ "x" "y" ]\n', 1),
    ('a = yes\n', 1),
    ('a = 1 b = 2\n', 1),
    ('= 1\n', 1),
])
def test_parse_errors_name_the_line(text, lineno):
    with pytest.raises(LibvirtConfError) as err:
        LibvirtConf.parse(text)
    assert err.value.lineno == lineno
    assert str(err.value).startswith('line %d: ' % lineno)


# -- LibvirtConf: values ---------------------------------------------------------------

@pytest.mark.parametrize('value, text', [
    (1, '1'),
    (0, '0'),
    (True, '1'),
    ('16509', '"16509"'),
    ('none', '"none"'),
    ('say "hi"', "'say \"hi\"'"),
    (['a', 'b'], '[ "a", "b" ]'),
    ([], '[ ]'),
])
def test_render_value(value, text):
    assert render_value(value) == text
    assert same_value(LibvirtConf.parse('k = %s\n' % text).get('k'), value)


@pytest.mark.parametrize('value', ['a\nb', '"\'', 1.5, None, {'a': 1}])
def test_render_value_refuses(value):
    with pytest.raises(LibvirtConfError):
        render_value(value)


def test_same_value_is_type_aware():
    assert not same_value('16509', 16509)
    assert not same_value(['1'], [1])
    assert not same_value(['a'], 'a')
    assert same_value(['a', 1], ['a', 1])


# -- LibvirtConf: edits ----------------------------------------------------------------

def test_set_inserts_after_commented_default_in_the_debian12_file():
    text = fixture('libvirtd.conf.debian12')
    conf = LibvirtConf.parse(text)
    for name, value in (('listen_tls', 0), ('listen_tcp', 1), ('tcp_port', '16509'), ('listen_addr', '10.0.0.5'),
                        ('auth_tcp', 'none')):
        assert conf.set(name, value) is True
    after = conf.render()
    added, removed = added_and_removed(text, after)
    assert removed == []
    assert added == [
        ('#listen_tls = 0', 'listen_tls = 0'),
        ('#listen_tcp = 1', 'listen_tcp = 1'),
        ('#tcp_port = "16509"', 'tcp_port = "16509"'),
        ('#listen_addr = "192.168.0.1"', 'listen_addr = "10.0.0.5"'),
        ('#auth_tcp = "sasl"', 'auth_tcp = "none"'),
    ]
    # Idempotent: the same values change nothing.
    again = LibvirtConf.parse(after)
    for name, value in (('listen_tls', 0), ('listen_tcp', 1), ('tcp_port', '16509'), ('listen_addr', '10.0.0.5'),
                        ('auth_tcp', 'none')):
        assert again.set(name, value) is False
    assert again.render() == after


def test_prose_comments_are_not_commented_defaults():
    text = fixture('libvirtd.conf.debian12')
    assert '#   audit_level == 0  -> disable all auditing' in text
    conf = LibvirtConf.parse(text)
    conf.set('audit_level', 1)
    added, dummy = added_and_removed(text, conf.render())
    assert added == [('#audit_level = 2', 'audit_level = 1')]
    # Prose after the commented default does not count as one.
    conf = LibvirtConf.parse('#audit_level = 2\n#   audit_level == 0  -> disable\n# audit_level == 1 too\n')
    conf.set('audit_level', 1)
    assert conf.render() == '#audit_level = 2\naudit_level = 1\n#   audit_level == 0  -> disable\n# audit_level == 1 too\n'


def test_set_replaces_active_line_in_place_and_drops_duplicates():
    text = 'a = 1\n# keep\ntcp_port = 16509\r\nb = 2\ntcp_port = "1"\nc = 3'
    conf = LibvirtConf.parse(text)
    assert conf.set('tcp_port', '16509') is True
    assert conf.render() == 'a = 1\n# keep\ntcp_port = "16509"\r\nb = 2\nc = 3'


def test_set_goes_after_the_last_commented_default():
    conf = LibvirtConf.parse('#max_clients = 5000\n# or lower:\n#max_clients = 20\n\n')
    conf.set('max_clients', 50)
    assert conf.render() == '#max_clients = 5000\n# or lower:\n#max_clients = 20\nmax_clients = 50\n\n'


def test_set_multi_line_list_replaced_as_a_whole():
    text = 'x = 1\nallowed = [ "a",\n  "b" ]\ny = 2\n'
    conf = LibvirtConf.parse(text)
    assert conf.set('allowed', ['c']) is True
    assert conf.render() == 'x = 1\nallowed = [ "c" ]\ny = 2\n'


def test_set_after_a_commented_multi_line_list():
    text = '#cgroup_device_acl = [\n#    "/dev/null",\n#]\n# next\n'
    conf = LibvirtConf.parse(text)
    conf.set('cgroup_device_acl', ['/dev/null'])
    assert conf.render() == '#cgroup_device_acl = [\n#    "/dev/null",\n#]\ncgroup_device_acl = [ "/dev/null" ]\n# next\n'


def test_set_appends_with_the_file_newline_and_fixes_a_missing_last_eol():
    conf = LibvirtConf.parse('# a\r\n# b')
    conf.set('listen_tcp', 1)
    assert conf.render() == '# a\r\n# b\r\nlisten_tcp = 1\r\n'
    empty = LibvirtConf.parse('')
    empty.set('auth_tcp', 'sasl')
    assert empty.render() == 'auth_tcp = "sasl"\n'


def test_set_after_commented_default_on_the_last_line_without_eol():
    conf = LibvirtConf.parse('x = 1\n#listen_tcp = 1')
    conf.set('listen_tcp', 1)
    assert conf.render() == 'x = 1\n#listen_tcp = 1\nlisten_tcp = 1\n'


def test_remove():
    conf = LibvirtConf.parse('a = 1\nb = 2\na = 3\n')
    assert conf.remove('a') is True
    assert conf.remove('a') is False
    assert conf.render() == 'b = 2\n'


def test_set_refuses_bad_names():
    with pytest.raises(LibvirtConfError):
        LibvirtConf.parse('').set('bad name', 1)


# -- ShellVars ---------------------------------------------------------------------------

RHEL7_SYSCONFIG = fixture('sysconfig-libvirtd.rhel7')  # RHEL 7's /etc/sysconfig/libvirtd, not a lab file


def test_shell_round_trip_and_values():
    text = ('A="x y"\nexport B=\'q\' # note\n  C=plain\nD="a\\"b\\$c"\nE=\nF="$(date)"\nG=1 H=2\n'
            '# A="commented"\n')
    conf = ShellVars.parse(text)
    assert conf.render() == text
    assert conf.get('A') == 'x y'
    assert conf.get('B') == 'q'
    assert conf.get('C') == 'plain'
    assert conf.get('D') == 'a"b$c'
    assert conf.get('E') == ''
    assert conf.get('Z', 'dflt') == 'dflt'
    for name in ('F', 'G'):
        with pytest.raises(ShellVarsError):
            conf.get(name)
        with pytest.raises(ShellVarsError):
            conf.set(name, 'x')


def test_shell_set_after_commented_default_rhel7():
    conf = ShellVars.parse(RHEL7_SYSCONFIG)
    assert conf.set('LIBVIRTD_ARGS', '--listen') is True
    assert conf.render() == RHEL7_SYSCONFIG.replace(
        '#LIBVIRTD_ARGS="--listen"\n', '#LIBVIRTD_ARGS="--listen"\nLIBVIRTD_ARGS="--listen"\n')
    assert conf.set('LIBVIRTD_ARGS', '--listen') is False


def test_shell_set_uses_last_commented_default_debian12():
    text = fixture('default-libvirtd.debian12')
    conf = ShellVars.parse(text)
    conf.set('LIBVIRTD_ARGS', '--listen')
    added, removed = added_and_removed(text, conf.render())
    assert removed == []
    assert added == [('#LIBVIRTD_ARGS="--listen"', 'LIBVIRTD_ARGS="--listen"')]


def test_shell_set_replaces_last_assignment_keeping_export_comment_and_eol():
    conf = ShellVars.parse('X="a"\r\nexport X="b" # why\r\nY=1\r\n')
    assert conf.set('X', '-d -l') is True
    assert conf.render() == 'X="a"\r\nexport X="-d -l" # why\r\nY=1\r\n'


def test_shell_set_appends():
    conf = ShellVars.parse('# nothing\nY=1')
    conf.set('libvirtd_opts', '-d -l')
    assert conf.render() == '# nothing\nY=1\nlibvirtd_opts="-d -l"\n'


def test_shell_replace_values_edits_and_removes():
    conf = ShellVars.parse('A="--listen --timeout 120"\nB=x\nA="--listen"\n')
    assert conf.replace_values('A', lambda v: strip_listen_flag(v) or None) is True
    assert conf.render() == 'A="--timeout 120"\nB=x\n'
    assert conf.replace_values('A', lambda v: v) is False


def test_shell_quote():
    assert shell_quote('a "b" $c `d` \\e') == '"a \\"b\\" \\$c \\`d\\` \\\\e"'
    assert ShellVars.parse('V=%s\n' % shell_quote('a "b" $c `d` \\e')).get('V') == 'a "b" $c `d` \\e'


# -- the listen flag -------------------------------------------------------------------

@pytest.mark.parametrize('args, listens', [
    ('-l', True), ('--listen', True), ('-d -l', True), ('-dl', True), ('-ld', True),
    ('', False), ('-d', False), ('--timeout 120', False), ('-f /etc/l.conf', False), ('--listenx', False),
])
def test_has_listen_flag(args, listens):
    assert has_listen_flag(args) is listens


@pytest.mark.parametrize('args, flag, result', [
    ('', '--listen', '--listen'),
    ('-d', '-l', '-d -l'),
    ('--timeout 120 ', '--listen', '--timeout 120 --listen'),
    ('-d -l', '-l', '-d -l'),
    ('-dl', '--listen', '-dl'),
])
def test_add_listen_flag(args, flag, result):
    assert add_listen_flag(args, flag) == result


@pytest.mark.parametrize('args, result', [
    ('--listen', ''), ('-l', ''), ('-d -l', '-d'), ('-dl', '-d'), ('--timeout 120 --listen', '--timeout 120'),
    ('-d  -v', '-d  -v'),
])
def test_strip_listen_flag(args, result):
    assert strip_listen_flag(args) == result


# -- upstart -----------------------------------------------------------------------------

DIABLO_UPSTART = fixture('libvirt-bin.conf.upstart')  # Ubuntu's upstart job of the Diablo era

PRECISE_UPSTART = (
    'env libvirtd_opts="-d"\n'
    'script\n'
    '\t[ -r /etc/default/libvirt-bin ] && . /etc/default/libvirt-bin\n'
    '\texec /usr/sbin/libvirtd $libvirtd_opts\n'
    'end script\n'
)


def test_upstart_exec_line_gets_l():
    new, status = upstart_add_listen(DIABLO_UPSTART)
    assert status == 'changed'
    assert new == DIABLO_UPSTART.replace('exec /usr/sbin/libvirtd -d\n', 'exec /usr/sbin/libvirtd -d -l\n')
    assert upstart_add_listen(new) == (new, 'present')


def test_upstart_exec_line_keeps_comment_and_crlf():
    assert upstart_add_listen('exec /usr/sbin/libvirtd -d  # daemon\r\n') == (
        'exec /usr/sbin/libvirtd -d -l  # daemon\r\n', 'changed')
    assert upstart_add_listen('  exec /usr/sbin/libvirtd') == ('  exec /usr/sbin/libvirtd -l', 'changed')


def test_upstart_variable_left_to_default_file_or_env_line():
    assert upstart_add_listen(PRECISE_UPSTART, default_handled=True) == (PRECISE_UPSTART, 'variable')
    new, status = upstart_add_listen(PRECISE_UPSTART, default_handled=False)
    assert status == 'changed'
    assert new == PRECISE_UPSTART.replace('env libvirtd_opts="-d"', 'env libvirtd_opts="-d -l"')
    assert upstart_add_listen(new, default_handled=False) == (new, 'present')
    no_env = PRECISE_UPSTART.replace('env libvirtd_opts="-d"\n', '')
    assert upstart_add_listen(no_env, default_handled=False) == (no_env, 'variable')


def test_upstart_missing_exec_line():
    assert upstart_add_listen('script\n  exec /usr/sbin/libvirtd-other -d\nend script\n')[1] == 'missing'
