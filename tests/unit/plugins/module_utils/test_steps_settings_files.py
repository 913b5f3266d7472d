# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""step_runner and the settings and files steps, run in a real AnsibleModule of the test process."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import grp
import json
import os
import pwd
import stat

import pytest

from ansible.module_utils import basic

from ansible_collections.novaops.console_migration.plugins.module_utils import step_runner
from ansible_collections.novaops.console_migration.plugins.module_utils.steps import files, settings
from ansible_collections.novaops.console_migration.tests.unit.plugins.modules.module_harness import (
    FailJson,
    module_args,
    patch_exits,
    patch_module_args,
)

USER = pwd.getpwuid(os.getuid()).pw_name
GROUP = grp.getgrgid(os.getgid()).gr_name
SECRET = u'-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC-secret\n-----END PRIVATE KEY-----\n'


@pytest.fixture(autouse=True)
def module_exits(monkeypatch):
    patch_exits(monkeypatch)


def make_module(check=False, diff=False):
    """The AnsibleModule a step runs in (no options of its own)."""
    with patch_module_args(module_args({}, check, diff)):
        return basic.AnsibleModule(argument_spec={}, supports_check_mode=True)


def run(step, params, check=False, diff=False, name='step'):
    return step_runner.run_step(make_module(check, diff), name, step, params)


def run_fail(step, params, check=False, name='step'):
    with pytest.raises(FailJson) as failure:
        run(step, params, check, name=name)
    return failure.value.args[0]


def mode_of(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


class FakeStep(object):
    """A step that records the module it was run with."""

    def __init__(self, spec, options=None):
        self.ARGUMENT_SPEC = spec
        self.MODULE_OPTIONS = options or {}
        self.seen = []

    def run(self, module):
        self.seen.append(module)
        return dict(changed=False, params=module.params, check_mode=module.check_mode)


# -- step_runner ---------------------------------------------------------------

def test_validate_fills_the_defaults_of_the_spec(tmp_path):
    params = step_runner.validate(make_module(), 'conf', settings, dict(path=str(tmp_path / 'f'), format='shell', values={'A': 1}))
    assert params == dict(path=str(tmp_path / 'f'), format='shell', values={'A': 1}, create=False, mode=None)


def test_validate_fills_the_defaults_of_suboptions(tmp_path):
    params = step_runner.validate(make_module(), 'tls', files, dict(files=[dict(path=str(tmp_path / 'k'), content='x')]))
    assert params == dict(directories=[], files=[dict(path=str(tmp_path / 'k'), content='x', mode='0644', owner='root', group='root')])


@pytest.mark.parametrize('params, words', [
    (dict(format='shell', values={}), ['missing required arguments: path']),
    (dict(path='/etc/x', format='ini', values={}), ['format', 'ini', 'colon, flagfile, libvirt, shell']),
    (dict(path='/etc/x', format='shell', values={}, colour='blue'), ['colour']),
    (dict(path='/etc/x', format='shell', values=['A']), ['values', 'dict']),
])
def test_validate_refuses_bad_params_naming_the_step(params, words):
    result = run_fail(settings, params, name='default_file')
    assert result['msg'].startswith('default_file: ')
    assert result['step'] == 'default_file'
    for word in words:
        assert word in result['msg']


def test_validate_applies_the_validator_options_of_the_step():
    step = FakeStep(dict(a=dict(type='str'), b=dict(type='str')), dict(mutually_exclusive=[['a', 'b']]))
    result = run_fail(step, dict(a='1', b='2'), name='both')
    assert result['msg'].startswith('both: ')
    assert 'mutually exclusive' in result['msg']
    assert step.seen == []


def test_validate_adds_the_file_common_arguments_when_the_step_asks():
    step = FakeStep(dict(path=dict(type='path')), dict(add_file_common_args=True))
    result = run(step, dict(path='/etc/x', owner='nova', mode='0640'))
    assert result['params']['owner'] == 'nova'
    assert result['params']['mode'] == '0640'
    assert 'setype' in result['params']
    assert run_fail(FakeStep(dict(path=dict(type='path'))), dict(path='/etc/x', owner='nova'))['msg'].startswith('step: ')


def test_no_log_values_of_the_step_spec_are_hidden_from_the_whole_module(tmp_path):
    module = make_module()
    step_runner.validate(module, 'tls', files, dict(files=[dict(path=str(tmp_path / 'k'), content=SECRET, mode='0600')]))
    assert SECRET in module.no_log_values
    hidden = basic.remove_values({'anywhere': [SECRET, 'key: ' + SECRET]}, module.no_log_values)
    assert SECRET not in json.dumps(hidden)
    assert 'MIIEvQ' not in json.dumps(hidden)


def test_params_without_no_log_options_hide_nothing(tmp_path):
    module = make_module()
    step_runner.validate(module, 'conf', settings, dict(path=str(tmp_path / 'f'), format='shell', values={'A': 'visible'}))
    assert 'visible' not in module.no_log_values


def test_step_module_fail_json_prefixes_the_step_name():
    module = make_module()
    with pytest.raises(FailJson) as failure:
        step_runner.StepModule(module, 'qemu_conf', {}).fail_json('/etc/libvirt/qemu.conf does not exist', path='/x', failed=True,
                                                                  changed=False)
    assert failure.value.args[0] == dict(msg='qemu_conf: /etc/libvirt/qemu.conf does not exist', step='qemu_conf',
                                         step_result=dict(path='/x', changed=False), failed=True)


def test_step_module_refuses_exit_json():
    with pytest.raises(RuntimeError, match='^sasl: a step returns its result'):
        step_runner.StepModule(make_module(), 'sasl', {}).exit_json(changed=True)


@pytest.mark.parametrize('module_check, step_check, expected', [
    (False, None, False),
    (False, False, False),
    (False, True, True),
    (True, False, True),
    (True, None, True),
])
def test_step_module_check_mode(module_check, step_check, expected):
    view = step_runner.StepModule(make_module(check=module_check), 'listen', {'a': 1}, step_check)
    assert view.check_mode is expected
    assert view.params == {'a': 1}


def test_step_module_passes_everything_else_to_the_module():
    module = make_module(diff=True)
    view = step_runner.StepModule(module, 'listen', {})
    assert view._diff is True
    assert view.no_log_values is module.no_log_values


def test_run_step_gives_run_the_validated_params_and_the_check_mode():
    step = FakeStep(dict(name=dict(type='str', required=True), count=dict(type='int', default=3)))
    result = step_runner.run_step(make_module(), 'fake', step, dict(name='x'), check_mode=True)
    assert result == dict(changed=False, params=dict(name='x', count=3), check_mode=True)
    assert isinstance(step.seen[0], step_runner.StepModule)


# -- settings: set_values ---------------------------------------------------------

DEBIAN_DEFAULT = (
    u"# You can set NOVA_CONSOLE_PROXY_TYPE to novnc or spicehtml5\n"
    u"#NOVA_CONSOLE_PROXY_TYPE=novnc\n"
    u"NOVA_SERIAL_PROXY_START=no   \n"
    u"\n"
    u"# end\n"
)


def test_shell_replaces_the_commented_default_in_place():
    out = settings.set_values(DEBIAN_DEFAULT, 'shell', {'NOVA_CONSOLE_PROXY_TYPE': 'spicehtml5'})
    assert out == DEBIAN_DEFAULT.replace(u'#NOVA_CONSOLE_PROXY_TYPE=novnc\n', u'NOVA_CONSOLE_PROXY_TYPE=spicehtml5\n')


def test_shell_replaces_the_last_assignment_and_keeps_the_others():
    text = u"A=1\n# A=0\nB=2\n  A=3 # the one the shell keeps\n#A=4\nC=5\n"
    out = settings.set_values(text, 'shell', {'A': 'new'})
    assert out == u"A=1\n# A=0\nB=2\nA=new\n#A=4\nC=5\n"


def test_shell_commented_default_after_the_assignment_is_left_alone():
    text = u"NOVA_CONSOLE_PROXY_TYPE=novnc\n#NOVA_CONSOLE_PROXY_TYPE=spicehtml5\n"
    out = settings.set_values(text, 'shell', {'NOVA_CONSOLE_PROXY_TYPE': 'spicehtml5'})
    assert out == u"NOVA_CONSOLE_PROXY_TYPE=spicehtml5\n#NOVA_CONSOLE_PROXY_TYPE=spicehtml5\n"


QEMU_CONF = (
    u"# Master configuration file for the QEMU driver.\n"
    u"#\n"
    u"# Override the port range used for migration\n"
    u"#migration_port_min = 49152\n"
    u"#migration_port_max = 49215\n"
    u"\n"
    u"#migration_address = \"0.0.0.0\"\n"
    u"user = \"libvirt-qemu\"\n"
)


def test_libvirt_replaces_commented_defaults_in_place_and_keeps_every_other_line():
    out = settings.set_values(QEMU_CONF, 'libvirt', {'migration_port_min': 61152, 'migration_port_max': 61215})
    expected = QEMU_CONF.replace(u'#migration_port_min = 49152', u'migration_port_min = 61152')
    expected = expected.replace(u'#migration_port_max = 49215', u'migration_port_max = 61215')
    assert out == expected


def test_libvirt_replaces_the_first_active_line_which_libvirt_reads():
    # virConfGetValue takes the first entry of a name: the commented default after it and a later duplicate stay as they are.
    text = u"migration_port_min = 50000\nmigration_port_min=50001\n#migration_port_min = 49152\n"
    out = settings.set_values(text, 'libvirt', {'migration_port_min': 61152})
    assert out == u"migration_port_min = 61152\nmigration_port_min=50001\n#migration_port_min = 49152\n"


def test_libvirt_last_commented_default_when_there_is_no_active_line():
    text = u"# listen_tls = 1\nlisten_tcp = 1\n#listen_tls = 0\n"
    out = settings.set_values(text, 'libvirt', {'listen_tls': 0})
    assert out == u"# listen_tls = 1\nlisten_tcp = 1\nlisten_tls = 0\n"


def test_a_key_never_matches_a_longer_key_or_a_regex_lookalike():
    text = u"listen_tls = 1\nmigrationXport = 2\n"
    out = settings.set_values(text, 'libvirt', {'listen': 0, 'migration.port': 3})
    assert out == text + u"listen = 0\nmigration.port = 3\n"


SASL_CONF = u"# SASL for libvirt\n#mech_list: gssapi\nsasldb_path: /etc/libvirt/passwd.db\n"


def test_colon_never_matches_a_commented_line():
    out = settings.set_values(SASL_CONF, 'colon', {'mech_list': 'digest-md5'})
    assert out == SASL_CONF + u"mech_list: digest-md5\n"


def test_colon_replaces_the_first_active_line():
    text = u"mech_list: gssapi\nsasldb_path: /etc/libvirt/passwd.db\nmech_list: plain\n"
    out = settings.set_values(text, 'colon', {'mech_list': 'digest-md5', 'sasldb_path': '/etc/libvirt/passwd.db'})
    assert out == u"mech_list: digest-md5\nsasldb_path: /etc/libvirt/passwd.db\nmech_list: plain\n"


def test_crlf_files_keep_crlf_for_replaced_and_appended_lines():
    text = u"# defaults\r\n#LIBVIRTD_ARGS=\"\"\r\nOTHER=1\r\n"
    out = settings.set_values(text, 'shell', {'LIBVIRTD_ARGS': '""', 'NEW': 'x'})
    assert out == u"# defaults\r\nLIBVIRTD_ARGS=\"\"\r\nOTHER=1\r\nNEW=x\r\n"


def test_appending_after_a_last_line_without_newline_adds_one():
    assert settings.set_values(u"A=1", 'shell', {'B': 2}) == u"A=1\nB=2\n"
    assert settings.set_values(u"A=1\r\nB=2", 'shell', {'C': 3}) == u"A=1\r\nB=2\r\nC=3\r\n"


def test_a_replaced_last_line_without_newline_gets_one():
    assert settings.set_values(u"A=1\nB=2", 'shell', {'B': 3}) == u"A=1\nB=3\n"
    assert settings.set_values(u"A=1\r\nB=2", 'shell', {'B': 3}) == u"A=1\r\nB=3\r\n"


def test_empty_text_gets_one_line_per_key_in_order():
    out = settings.set_values(u'', 'libvirt', {'b': 1, 'a': True, 'c': False, 'd': '"x"'})
    assert out == u'b = 1\na = 1\nc = 0\nd = "x"\n'


def test_set_values_is_idempotent():
    values = {'migration_port_min': 61152, 'migration_address': '"10.0.0.5"', 'max_files': 32768}
    once = settings.set_values(QEMU_CONF, 'libvirt', values)
    assert settings.set_values(once, 'libvirt', values) == once


@pytest.mark.parametrize('key', ['bad key', '-x', 'a=b', '', '1abc', 'a:b', 'x\ny'])
def test_a_bad_key_is_refused(key):
    with pytest.raises(ValueError) as failure:
        settings.set_values(u'A=1\n', 'shell', {key: 'v'})
    assert repr(key) in str(failure.value)


# -- settings: run -------------------------------------------------------------------

def test_missing_file_without_create_fails_and_writes_nothing(tmp_path):
    path = tmp_path / 'qemu.conf'
    result = run_fail(settings, dict(path=str(path), format='libvirt', values={'a': 1}), name='qemu_conf')
    assert result['msg'] == 'qemu_conf: %s does not exist' % path
    assert result['step_result'] == dict(changed=False, path=str(path))
    assert not path.exists()


def test_missing_file_without_create_in_check_mode_reports_a_change(tmp_path):
    path = tmp_path / 'qemu.conf'
    result = run(settings, dict(path=str(path), format='libvirt', values={'a': 1}), check=True)
    assert result['changed'] is True
    assert 'does not exist yet' in result['msg']
    assert not path.exists()


@pytest.mark.parametrize('mode', ['0640', 0o640])
def test_create_makes_the_file_with_the_mode(tmp_path, mode):
    path = tmp_path / 'libvirt.conf'
    result = run(settings, dict(path=str(path), format='colon', values={'mech_list': 'digest-md5'}, create=True, mode=mode))
    assert result == dict(changed=True, path=str(path))
    assert path.read_text() == u'mech_list: digest-md5\n'
    assert mode_of(path) == 0o640


def test_create_in_check_mode_writes_nothing(tmp_path):
    path = tmp_path / 'libvirt.conf'
    result = run(settings, dict(path=str(path), format='colon', values={'mech_list': 'digest-md5'}, create=True), check=True)
    assert result['changed'] is True
    assert not path.exists()


def test_a_bad_mode_fails_naming_the_step(tmp_path):
    path = tmp_path / 'libvirt.conf'
    result = run_fail(settings, dict(path=str(path), format='colon', values={'a': 1}, create=True, mode='rw-r--r--'), name='sasl')
    assert result['msg'].startswith('sasl: ')
    assert not path.exists()


def test_second_run_is_unchanged_and_the_existing_mode_is_kept(tmp_path):
    path = tmp_path / 'qemu.conf'
    path.write_text(QEMU_CONF)
    os.chmod(str(path), 0o600)
    params = dict(path=str(path), format='libvirt', values={'migration_port_min': 61152})
    assert run(settings, params)['changed'] is True
    assert path.read_text() == QEMU_CONF.replace(u'#migration_port_min = 49152', u'migration_port_min = 61152')
    assert mode_of(path) == 0o600
    assert run(settings, params) == dict(changed=False, path=str(path))


def test_check_mode_on_an_existing_file_reports_without_writing(tmp_path):
    path = tmp_path / 'qemu.conf'
    path.write_text(QEMU_CONF)
    result = run(settings, dict(path=str(path), format='libvirt', values={'migration_port_min': 61152}), check=True, diff=True)
    assert result['changed'] is True
    assert 'migration_port_min = 61152' in result['diff']['after']
    assert path.read_text() == QEMU_CONF


def test_diff_only_when_changed_and_in_diff_mode(tmp_path):
    path = tmp_path / 'nova-consoleproxy'
    path.write_text(DEBIAN_DEFAULT)
    params = dict(path=str(path), format='shell', values={'NOVA_CONSOLE_PROXY_TYPE': 'spicehtml5'})
    result = run(settings, params, diff=True)
    assert result['diff'] == dict(before=DEBIAN_DEFAULT, after=path.read_text(), before_header=str(path), after_header=str(path))
    assert 'diff' not in run(settings, params, diff=True)
    path.write_text(DEBIAN_DEFAULT)
    result = run(settings, params)
    assert result['changed'] is True
    assert 'diff' not in result


def test_a_bad_key_fails_through_run_naming_the_step(tmp_path):
    path = tmp_path / 'f'
    path.write_text(u'A=1\n')
    result = run_fail(settings, dict(path=str(path), format='shell', values={'A B': 1}), name='default_file')
    assert result['msg'].startswith("default_file: values: 'A B' is not a setting name")
    assert path.read_text() == u'A=1\n'


def test_a_path_that_is_a_directory_fails(tmp_path):
    result = run_fail(settings, dict(path=str(tmp_path), format='shell', values={'A': 1}), name='default_file')
    assert result['msg'] == 'default_file: %s exists but is not a regular file' % tmp_path


# -- files -----------------------------------------------------------------------------

def directory(path, mode='0755'):
    return dict(path=str(path), mode=mode, owner=USER, group=GROUP)


def secret_file(path, content=SECRET, mode='0600'):
    return dict(path=str(path), content=content, mode=mode, owner=USER, group=GROUP)


def test_directories_are_created_with_mode_and_owner(tmp_path):
    top = tmp_path / 'pki'
    private = top / 'libvirt' / 'private'
    result = run(files, dict(directories=[directory(top), directory(private, '0700')]))
    assert result == dict(changed=True, changed_paths=[str(top), str(private)])
    for path, mode in ((top, 0o755), (private, 0o700)):
        info = os.stat(str(path))
        assert stat.S_ISDIR(info.st_mode)
        assert (stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid) == (mode, os.getuid(), os.getgid())


def test_an_existing_directory_with_another_mode_is_chmodded(tmp_path):
    path = tmp_path / 'private'
    path.mkdir()
    os.chmod(str(path), 0o755)
    assert run(files, dict(directories=[directory(path, '0700')]))['changed_paths'] == [str(path)]
    assert mode_of(path) == 0o700
    assert run(files, dict(directories=[directory(path, '0700')])) == dict(changed=False, changed_paths=[])


def test_a_file_is_written_with_mode_0600_and_a_second_run_is_unchanged(tmp_path):
    path = tmp_path / 'serverkey.pem'
    params = dict(files=[secret_file(path)])
    assert run(files, params) == dict(changed=True, changed_paths=[str(path)])
    assert path.read_text() == SECRET
    info = os.stat(str(path))
    assert (stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid) == (0o600, os.getuid(), os.getgid())
    assert run(files, params) == dict(changed=False, changed_paths=[])


def test_a_file_with_other_content_is_replaced(tmp_path):
    path = tmp_path / 'cacert.pem'
    path.write_text(u'old\n')
    os.chmod(str(path), 0o644)
    assert run(files, dict(files=[secret_file(path, u'new\n', '0644')]))['changed_paths'] == [str(path)]
    assert path.read_text() == u'new\n'
    assert mode_of(path) == 0o644


def test_same_content_other_mode_is_only_chmodded(tmp_path):
    path = tmp_path / 'serverkey.pem'
    path.write_text(SECRET)
    os.chmod(str(path), 0o644)
    inode = os.stat(str(path)).st_ino
    assert run(files, dict(files=[secret_file(path)])) == dict(changed=True, changed_paths=[str(path)])
    info = os.stat(str(path))
    assert info.st_ino == inode
    assert stat.S_IMODE(info.st_mode) == 0o600
    assert path.read_text() == SECRET


def test_an_int_mode_is_the_mode_itself(tmp_path):
    # YAML reads an unquoted 0600 as 384 and 0755 as 493.
    top = tmp_path / 'private'
    path = top / 'serverkey.pem'
    run(files, dict(directories=[directory(top, 0o750)], files=[secret_file(path, mode=0o600)]))
    assert mode_of(top) == 0o750
    assert mode_of(path) == 0o600


def test_check_mode_writes_nothing_and_reports_the_paths(tmp_path):
    existing = tmp_path / 'cacert.pem'
    existing.write_text(u'old\n')
    top = tmp_path / 'private'
    key = top / 'serverkey.pem'
    same = tmp_path / 'same.pem'
    same.write_text(u'same\n')
    os.chmod(str(same), 0o644)
    params = dict(directories=[directory(top, '0700')],
                  files=[secret_file(existing, u'new\n', '0644'), secret_file(key), secret_file(same, u'same\n', '0644')])
    result = run(files, params, check=True)
    assert result == dict(changed=True, changed_paths=[str(top), str(existing), str(key)])
    assert not top.exists()
    assert existing.read_text() == u'old\n'


def test_check_mode_reports_a_file_whose_directory_does_not_exist_yet(tmp_path):
    key = tmp_path / 'missing' / 'serverkey.pem'
    assert run(files, dict(files=[secret_file(key)]), check=True) == dict(changed=True, changed_paths=[str(key)])
    assert not key.parent.exists()


def test_a_file_whose_directory_does_not_exist_fails_outside_check_mode(tmp_path):
    key = tmp_path / 'missing' / 'serverkey.pem'
    result = run_fail(files, dict(files=[secret_file(key)]), name='tls')
    assert result['msg'].startswith('tls: ')
    assert 'does not exist' in result['msg']
    assert SECRET not in json.dumps(result)


def test_diff_lists_the_paths_but_never_the_content(tmp_path):
    top = tmp_path / 'private'
    key = top / 'serverkey.pem'
    result = run(files, dict(directories=[directory(top, '0700')], files=[secret_file(key)]), diff=True)
    assert result['diff'] == dict(before='', after='%s\n%s\n' % (top, key), after_header='files written or re-permissioned')
    assert 'MIIEvQ' not in json.dumps(result)
    assert 'diff' not in run(files, dict(directories=[directory(top, '0700')], files=[secret_file(key)]), diff=True)


def test_no_diff_outside_diff_mode(tmp_path):
    assert 'diff' not in run(files, dict(files=[secret_file(tmp_path / 'k')]))


@pytest.mark.parametrize('item, words', [
    (dict(mode='rw-------'), ["mode 'rw-------' is not an octal mode"]),
    (dict(owner='no-such-user-novaops'), ['no such owner or group', 'no-such-user-novaops']),
    (dict(group='no-such-group-novaops'), ['no such owner or group', 'no-such-group-novaops']),
])
def test_bad_file_attributes_fail_naming_the_step(tmp_path, item, words):
    path = tmp_path / 'k'
    wanted = secret_file(path)
    wanted.update(item)
    result = run_fail(files, dict(files=[wanted]), name='tls')
    assert result['msg'].startswith('tls: %s: ' % path)
    for word in words:
        assert word in result['msg']
    assert not path.exists()


def test_a_directory_path_that_is_a_file_fails(tmp_path):
    path = tmp_path / 'private'
    path.write_text(u'')
    result = run_fail(files, dict(directories=[directory(path)]), name='tls')
    assert result['msg'] == 'tls: %s exists but is not a directory' % path
    assert result['step_result'] == dict(changed=False, changed_paths=[])


# -- the Diablo flagfile -------------------------------------------------------------

def test_flagfile_lines_replace_their_flag_and_its_negation():
    text = u'--verbose\n--vnc_enabled\n--vncproxy_url=http://old\n--novncproxy_port=1\n--novncproxy_port=2\n'
    after = settings.set_values(text, 'flagfile', ['--novnc_enabled', '--vncproxy_url=http://new', '--novncproxy_port=6080',
                                                   '--vncserver_listen=0.0.0.0'])
    assert after == (u'--verbose\n--novnc_enabled\n--vncproxy_url=http://new\n--novncproxy_port=1\n--novncproxy_port=6080\n'
                     u'--vncserver_listen=0.0.0.0\n')
    assert settings.set_values(after, 'flagfile', ['--vnc_enabled']) == after.replace('--novnc_enabled', '--vnc_enabled')


@pytest.mark.parametrize('values', [{'vnc_enabled': 1}, ['vnc_enabled'], ['--'], 'x'])
def test_flagfile_values_must_be_flag_lines(values):
    with pytest.raises(ValueError) as err:
        settings.set_values(u'', 'flagfile', values)
    assert 'values' in str(err.value)


def test_other_formats_refuse_a_list_of_lines():
    with pytest.raises(ValueError) as err:
        settings.set_values(u'', 'libvirt', ['a = 1'])
    assert str(err.value) == 'values: the libvirt format takes a dictionary of settings'


def test_an_unknown_owner_fails_without_the_content_but_check_mode_reports_a_change(tmp_path):
    # QEMU's account comes with libvirt's packages, which check mode does not install.
    key = tmp_path / 'server-key.pem'
    item = dict(secret_file(key), owner='novaops-no-such-user')
    result = run_fail(files, dict(files=[item]), name='qemu_tls')
    assert result['msg'].startswith('qemu_tls: %s: no such owner or group' % key)
    assert SECRET not in json.dumps(result) and not key.exists()
    assert run(files, dict(files=[item]), check=True) == dict(changed=True, changed_paths=[str(key)])
    assert not key.exists()


def test_qemu_tls_files_second_run_is_unchanged_and_a_mode_drift_is_repaired(tmp_path):
    top = tmp_path / 'qemu'
    names = [('ca-cert.pem', '0644'), ('server-cert.pem', '0644'), ('server-key.pem', '0600'),
             ('client-cert.pem', '0644'), ('client-key.pem', '0600')]
    params = dict(directories=[directory(top)],
                  files=[secret_file(top / name, SECRET + name, mode) for name, mode in names])
    first = run(files, params)
    assert first['changed'] and len(first['changed_paths']) == 6
    assert [mode_of(top / name) for name, dummy in names] == [0o644, 0o644, 0o600, 0o644, 0o600]
    assert all(os.stat(str(top / name)).st_uid == os.getuid() for name, dummy in names)
    assert run(files, params) == dict(changed=False, changed_paths=[])
    os.chmod(str(top / 'client-key.pem'), 0o644)
    assert run(files, params) == dict(changed=True, changed_paths=[str(top / 'client-key.pem')])
    assert mode_of(top / 'client-key.pem') == 0o600
    assert run(files, params) == dict(changed=False, changed_paths=[])
