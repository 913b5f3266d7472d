# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import stat

import pytest

from ansible.module_utils import basic

from ansible_collections.novaops.console_migration.plugins.module_utils.steps import nova_config as step
from ansible_collections.novaops.console_migration.plugins.modules import nova_config
from ansible_collections.novaops.console_migration.tests.unit.plugins.modules.module_harness import (
    FailJson,
    module_args,
    patch_exits,
    run_module,
)


@pytest.fixture(autouse=True)
def module_exits(monkeypatch):
    patch_exits(monkeypatch)


def run(args, check=False, diff=False):
    return run_module(nova_config.main, module_args(args, check, diff))


def run_fail(args, check=False, diff=False):
    return run_module(nova_config.main, module_args(args, check, diff), FailJson)


ORIGINAL = (
    "# Managed in parts by Ansible\n"
    "[DEFAULT]\n"
    "my_ip=10.0.0.5\n"
    "transport_url = rabbit://nova:pw@ctl:5672/\n"
    "\n"
    "[vnc]\n"
    "enabled = false\n"
    "; server_listen = 127.0.0.1\n"
    "\n"
    "[libvirt]\n"
    "virt_type = qemu\n"
)

OPTIONS = [
    {'option': 'my_ip', 'value': '10.0.0.9'},
    {'section': 'vnc', 'option': 'enabled', 'value': True},
    {'section': 'vnc', 'option': 'server_listen', 'value': '0.0.0.0'},
    {'section': 'libvirt', 'option': 'virt_type', 'value': 'qemu'},
    {'section': 'serial_console', 'option': 'port_range', 'value': '10000:20000'},
]

EXPECTED = (
    "# Managed in parts by Ansible\n"
    "[DEFAULT]\n"
    "my_ip=10.0.0.9\n"
    "transport_url = rabbit://nova:pw@ctl:5672/\n"
    "\n"
    "[vnc]\n"
    "enabled = true\n"
    "; server_listen = 127.0.0.1\n"
    "server_listen = 0.0.0.0\n"
    "\n"
    "[libvirt]\n"
    "virt_type = qemu\n"
    "\n"
    "[serial_console]\n"
    "port_range = 10000:20000\n"
)


@pytest.fixture
def conf(tmp_path):
    path = tmp_path / 'nova.conf'
    path.write_bytes(ORIGINAL.encode())
    return path


def listing(directory):
    return sorted(os.listdir(str(directory)))


# -- main behaviour ---------------------------------------------------------

def test_changes_file_and_reports_changed_options(conf):
    result = run({'path': str(conf), 'options': OPTIONS})
    assert result['changed'] is True
    assert conf.read_bytes() == EXPECTED.encode()
    assert result['path'] == str(conf)
    assert result['msg'] == '4 options changed in %s' % conf
    assert result['changed_options'] == [
        {'section': 'DEFAULT', 'option': 'my_ip', 'before': ['10.0.0.5'], 'after': ['10.0.0.9']},
        {'section': 'vnc', 'option': 'enabled', 'before': ['false'], 'after': ['true']},
        {'section': 'vnc', 'option': 'server_listen', 'before': [], 'after': ['0.0.0.0']},
        {'section': 'serial_console', 'option': 'port_range', 'before': [], 'after': ['10000:20000']},
    ]
    assert 'diff' not in result
    assert 'backup_file' not in result
    assert listing(conf.parent) == ['nova.conf']  # no temp file left behind


def test_second_run_is_idempotent_and_does_not_touch_file(conf):
    run({'path': str(conf), 'options': OPTIONS})
    before = os.stat(str(conf))
    os.utime(str(conf), ns=(before.st_atime_ns, before.st_mtime_ns - 10 ** 9))
    before = os.stat(str(conf))
    result = run({'path': str(conf), 'options': OPTIONS})
    after = os.stat(str(conf))
    assert result['changed'] is False
    assert result['changed_options'] == []
    assert result['msg'] == 'no changes in %s' % conf
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)
    assert conf.read_bytes() == EXPECTED.encode()


def test_values_lists_multi_and_absent(conf):
    result = run({'path': str(conf), 'options': [
        {'section': 'DEFAULT', 'option': 'transport_url', 'state': 'absent'},
        {'section': 'DEFAULT', 'option': 'enabled_apis', 'value': ['osapi_compute', 'metadata']},
        {'section': 'DEFAULT', 'option': 'debug', 'value': False},
        {'section': 'vnc', 'option': 'novncproxy_port', 'value': 6080},
        {'section': 'pci', 'option': 'alias', 'multi': True, 'value': ['{"name": "a"}', '{"name": "b"}']},
        {'section': 'pci', 'option': 'single', 'multi': True, 'value': 'one'},
        {'section': 'libvirt', 'option': 'nosuch', 'state': 'absent'},
    ]})
    assert conf.read_text() == (
        "# Managed in parts by Ansible\n"
        "[DEFAULT]\n"
        "my_ip=10.0.0.5\n"
        "enabled_apis = osapi_compute,metadata\n"
        "debug = false\n"
        "\n"
        "[vnc]\n"
        "enabled = false\n"
        "; server_listen = 127.0.0.1\n"
        "novncproxy_port = 6080\n"
        "\n"
        "[libvirt]\n"
        "virt_type = qemu\n"
        "\n"
        "[pci]\n"
        'alias = {"name": "a"}\n'
        'alias = {"name": "b"}\n'
        "single = one\n"
    )
    assert result['changed_options'][0] == {
        'section': 'DEFAULT', 'option': 'transport_url', 'before': ['rabbit://nova:pw@ctl:5672/'], 'after': []}
    assert result['changed_options'][4] == {
        'section': 'pci', 'option': 'alias', 'before': [], 'after': ['{"name": "a"}', '{"name": "b"}']}
    assert [item['option'] for item in result['changed_options']] == [
        'transport_url', 'enabled_apis', 'debug', 'novncproxy_port', 'alias', 'single']
    assert result['msg'] == '6 options changed in %s' % conf


def test_crlf_file_keeps_crlf(tmp_path):
    path = tmp_path / 'nova.conf'
    original = b'[DEFAULT]\r\n# keep\r\nmy_ip = 1.2.3.4\r\n\r\n[vnc]\r\nenabled = false'
    path.write_bytes(original)
    run({'path': str(path), 'options': [
        {'option': 'my_ip', 'value': '5.6.7.8'},
        {'section': 'vnc', 'option': 'server_listen', 'value': '0.0.0.0'},
    ]})
    assert path.read_bytes() == (b'[DEFAULT]\r\n# keep\r\nmy_ip = 5.6.7.8\r\n\r\n[vnc]\r\nenabled = false\r\n'
                                 b'server_listen = 0.0.0.0\r\n')


def test_undecodable_bytes_survive(tmp_path):
    path = tmp_path / 'nova.conf'
    path.write_bytes(b'[DEFAULT]\n# caf\xe9\nx = \xff\xfe\n')
    result = run({'path': str(path), 'options': [{'option': 'y', 'value': '1'}]})
    assert result['changed'] is True
    assert path.read_bytes() == b'[DEFAULT]\n# caf\xe9\nx = \xff\xfe\ny = 1\n'


def test_symlink_edits_target_and_keeps_link(tmp_path, conf):
    link = tmp_path / 'link.conf'
    link.symlink_to(conf)
    run({'path': str(link), 'options': OPTIONS})
    assert link.is_symlink()
    assert conf.read_bytes() == EXPECTED.encode()


@pytest.mark.skipif(os.geteuid() != 0, reason='chown needs root')
def test_symlink_attributes_go_to_target(tmp_path, conf):
    link = tmp_path / 'link.conf'
    link.symlink_to(conf)
    result = run({'path': str(link), 'options': OPTIONS, 'owner': '65534'})
    assert result['changed'] is True
    assert os.stat(str(conf)).st_uid == 65534
    assert os.lstat(str(link)).st_uid == 0


# -- creation ---------------------------------------------------------------

def test_creates_missing_file(tmp_path):
    path = tmp_path / 'nova.conf'
    umask = os.umask(0o022)
    try:
        result = run({'path': str(path), 'options': [
            {'option': 'debug', 'value': True},
            {'section': 'vnc', 'option': 'enabled', 'value': 'yes'},
        ]})
    finally:
        os.umask(umask)
    assert result['changed'] is True
    assert path.read_text() == '[DEFAULT]\ndebug = true\n\n[vnc]\nenabled = yes\n'
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o644
    assert listing(tmp_path) == ['nova.conf']


def test_create_false_fails_for_missing_file(tmp_path):
    path = tmp_path / 'nova.conf'
    result = run_fail({'path': str(path), 'create': False, 'options': [{'option': 'a', 'value': 1}]})
    assert result['msg'] == '%s does not exist and create=false' % path
    assert not path.exists()


def test_missing_parent_directory_fails_naming_it(tmp_path):
    path = tmp_path / 'nope' / 'nova.conf'
    result = run_fail({'path': str(path), 'options': [{'option': 'a', 'value': 1}]})
    assert result['msg'] == 'Cannot create %s: directory %s does not exist' % (path, tmp_path / 'nope')


def test_only_absent_options_do_not_create_file(tmp_path):
    path = tmp_path / 'nova.conf'
    result = run({'path': str(path), 'mode': '0600', 'options': [{'option': 'a', 'state': 'absent'}]})
    assert result['changed'] is False
    assert result['msg'] == 'no changes in %s' % path
    assert not path.exists()


def test_directory_path_fails(tmp_path):
    result = run_fail({'path': str(tmp_path), 'options': [{'option': 'a', 'value': 1}]})
    assert result['msg'] == '%s exists but is not a regular file' % tmp_path


# -- check mode and diff ----------------------------------------------------

def test_check_mode_writes_nothing(conf):
    mtime = os.stat(str(conf)).st_mtime_ns
    result = run({'path': str(conf), 'options': OPTIONS, 'backup': True}, check=True, diff=True)
    assert result['changed'] is True
    assert len(result['changed_options']) == 4
    assert result['diff']['after'] == EXPECTED
    assert conf.read_bytes() == ORIGINAL.encode()
    assert os.stat(str(conf)).st_mtime_ns == mtime
    assert listing(conf.parent) == ['nova.conf']  # neither temp file nor backup
    assert 'backup_file' not in result


def test_check_mode_does_not_create_file(tmp_path):
    path = tmp_path / 'nova.conf'
    result = run({'path': str(path), 'mode': '0600', 'options': [{'option': 'a', 'value': 1}]},
                 check=True, diff=True)
    assert result['changed'] is True
    assert result['msg'] == '1 option changed in %s' % path
    assert result['diff'] == {'before': '', 'after': '[DEFAULT]\na = 1\n',
                              'before_header': '%s (content)' % path, 'after_header': '%s (content)' % path}
    assert listing(tmp_path) == []


def test_diff_has_full_content(conf):
    result = run({'path': str(conf), 'options': OPTIONS}, diff=True)
    assert result['diff'] == {
        'before': ORIGINAL,
        'after': EXPECTED,
        'before_header': '%s (content)' % conf,
        'after_header': '%s (content)' % conf,
    }


def test_diff_when_nothing_changes(conf):
    result = run({'path': str(conf), 'options': [{'option': 'my_ip', 'value': '10.0.0.5'}]}, diff=True)
    assert result['changed'] is False
    assert result['diff']['before'] == result['diff']['after'] == ORIGINAL


# -- file attributes --------------------------------------------------------

def test_mode_is_applied_and_idempotent(conf):
    os.chmod(str(conf), 0o644)
    result = run({'path': str(conf), 'options': OPTIONS, 'mode': '0640'})
    assert result['changed'] is True
    assert stat.S_IMODE(os.stat(str(conf)).st_mode) == 0o640
    assert result['msg'] == '4 options changed in %s and file attributes changed on %s' % (conf, conf)
    result = run({'path': str(conf), 'options': OPTIONS, 'mode': '0640'})
    assert result['changed'] is False


def test_mode_only_change_keeps_content_diff(conf):
    os.chmod(str(conf), 0o644)
    result = run({'path': str(conf), 'options': [{'option': 'my_ip', 'value': '10.0.0.5'}], 'mode': '0600'},
                 diff=True)
    assert result['changed'] is True
    assert result['changed_options'] == []
    assert result['msg'] == 'file attributes changed on %s' % conf
    content, attrs = result['diff']
    assert content['before'] == content['after'] == ORIGINAL
    assert attrs == {'before': {'mode': '0644'}, 'after': {'mode': '0600'},
                     'before_header': '%s (file attributes)' % conf, 'after_header': '%s (file attributes)' % conf}
    assert stat.S_IMODE(os.stat(str(conf)).st_mode) == 0o600
    assert conf.read_bytes() == ORIGINAL.encode()


def test_mode_in_check_mode_is_reported_not_applied(conf):
    os.chmod(str(conf), 0o644)
    result = run({'path': str(conf), 'options': [{'option': 'my_ip', 'value': '10.0.0.5'}], 'mode': '0600'},
                 check=True)
    assert result['changed'] is True
    assert stat.S_IMODE(os.stat(str(conf)).st_mode) == 0o644


def test_existing_mode_is_kept_when_content_changes(conf):
    os.chmod(str(conf), 0o604)
    run({'path': str(conf), 'options': OPTIONS})
    assert stat.S_IMODE(os.stat(str(conf)).st_mode) == 0o604


@pytest.mark.skipif(os.geteuid() != 0, reason='chown needs root')
def test_owner_and_group_are_applied(conf):
    result = run({'path': str(conf), 'options': OPTIONS, 'owner': '65534', 'group': '65534'})
    assert result['changed'] is True
    st = os.stat(str(conf))
    assert (st.st_uid, st.st_gid) == (65534, 65534)
    result = run({'path': str(conf), 'options': OPTIONS, 'owner': '65534', 'group': '65534'})
    assert result['changed'] is False


# -- backup -----------------------------------------------------------------

def test_backup_keeps_original(conf):
    result = run({'path': str(conf), 'options': OPTIONS, 'backup': True})
    backup = result['backup_file']
    assert os.path.dirname(backup) == str(conf.parent)
    assert os.path.basename(backup).startswith('nova.conf.')
    with open(backup, 'rb') as handle:
        assert handle.read() == ORIGINAL.encode()
    assert conf.read_bytes() == EXPECTED.encode()


def test_no_backup_without_change(conf):
    result = run({'path': str(conf), 'options': [{'option': 'my_ip', 'value': '10.0.0.5'}], 'backup': True})
    assert 'backup_file' not in result
    assert listing(conf.parent) == ['nova.conf']


# -- errors -----------------------------------------------------------------

def test_parse_error_fails_with_line_number(tmp_path):
    path = tmp_path / 'nova.conf'
    path.write_text('[DEFAULT]\na = 1\n[vnc\nenabled = true\n')
    result = run_fail({'path': str(path), 'options': [{'option': 'a', 'value': 2}]})
    assert result['msg'] == "Cannot parse %s: line 3: invalid section header (must end with ']'): '[vnc'" % path
    assert path.read_text() == '[DEFAULT]\na = 1\n[vnc\nenabled = true\n'


def test_option_before_section_fails(tmp_path):
    path = tmp_path / 'nova.conf'
    path.write_text('# x\nmy_ip = 1.2.3.4\n')
    result = run_fail({'path': str(path), 'options': [{'option': 'a', 'value': 2}]})
    assert result['msg'] == ("Cannot parse %s: line 2: option before the first section header: 'my_ip = 1.2.3.4'"
                             % path)


def test_duplicate_section_ambiguity_fails(tmp_path):
    path = tmp_path / 'nova.conf'
    text = '[DEFAULT]\n\n[vnc]\nenabled = false\n[libvirt]\n[vnc]\nx = 1\n'
    path.write_text(text)
    result = run_fail({'path': str(path), 'options': [
        {'section': 'vnc', 'option': 'x', 'value': '2'},
        {'section': 'vnc', 'option': 'server_listen', 'value': '0.0.0.0'},
    ]})
    assert result['msg'] == ("%s: options[1]: section [vnc] appears 2 times (lines 3, 6); "
                             "cannot decide where option 'server_listen' belongs" % path)
    assert path.read_text() == text


def test_duplicate_section_removal_and_unambiguous_set(tmp_path):
    path = tmp_path / 'nova.conf'
    path.write_text('[vnc]\nenabled = false\nx = 1\n[libvirt]\n[vnc]\nx = 2\nserver_listen = 1.1.1.1\n')
    result = run({'path': str(path), 'options': [
        {'section': 'vnc', 'option': 'x', 'state': 'absent'},
        {'section': 'VNC', 'option': 'server_listen', 'value': '0.0.0.0'},
        {'section': 'vnc', 'option': 'enabled', 'value': True},
    ]})
    assert path.read_text() == '[vnc]\nenabled = true\n[libvirt]\n[vnc]\nserver_listen = 0.0.0.0\n'
    assert result['changed_options'][0]['before'] == ['1', '2']


@pytest.mark.parametrize('options, message', [
    ([{'option': 'bad name', 'value': 1}],
     r"options[0]: option name 'bad name' is invalid, it must match ^[A-Za-z0-9_.\-]+$"),
    ([{'option': 'ok', 'value': 1}, {'option': 'bad=', 'value': 1}],
     r"options[1]: option name 'bad=' is invalid, it must match ^[A-Za-z0-9_.\-]+$"),
    ([{'section': '[vnc]', 'option': 'a', 'value': 1}],
     "options[0]: section must be a non-empty string without '[', ']' or line breaks, got '[vnc]'"),
    ([{'section': '', 'option': 'a', 'value': 1}],
     "options[0]: section must be a non-empty string without '[', ']' or line breaks, got ''"),
    ([{'section': 'a\nb', 'option': 'a', 'value': 1}],
     "options[0]: section must be a non-empty string without '[', ']' or line breaks, got 'a\\nb'"),
    ([{'section': 'vnc', 'option': 'a', 'state': 'absent', 'value': 'x'}],
     'options[0] ([vnc] a): state=absent does not take a value'),
    ([{'section': 'vnc', 'option': 'a'}],
     'options[0] ([vnc] a): value is required when state=present'),
    ([{'option': 'a', 'value': 'x\ny'}],
     "options[0] ([DEFAULT] a): value must not contain line breaks, got 'x\\ny'"),
    ([{'option': 'a', 'value': ['x', 'y\r'], 'multi': True}],
     "options[0] ([DEFAULT] a): value must not contain line breaks, got 'y\\r'"),
    ([{'option': 'a', 'value': {'k': 'v'}}],
     'options[0] ([DEFAULT] a): value must be a string, number or boolean, got dict'),
    ([{'option': 'a', 'value': ['x', {'k': 'v'}]}],
     'options[0] ([DEFAULT] a): value list item 1 must be a string, number or boolean, got dict'),
    ([{'option': 'a', 'value': [], 'multi': True}],
     'options[0] ([DEFAULT] a): value must not be an empty list when multi=true; use state=absent to remove the option'),
    ([{'section': 'vnc', 'option': 'a', 'value': 1}, {'section': 'VNC', 'option': 'a', 'state': 'absent'}],
     "options[1] ([VNC] a): option 'a' of section [VNC] is already managed by options[0]"),
])
def test_invalid_options_fail_without_touching_file(conf, options, message):
    result = run_fail({'path': str(conf), 'options': options})
    assert result['msg'] == message
    assert conf.read_bytes() == ORIGINAL.encode()


def test_default_section_is_case_sensitive_for_duplicates(conf):
    result = run({'path': str(conf), 'options': [
        {'section': 'DEFAULT', 'option': 'a', 'value': 1},
        {'section': 'default', 'option': 'a', 'value': 2},
    ]})
    assert result['changed'] is True
    assert conf.read_text().endswith('\n[default]\na = 2\n')


# -- atomic writes ----------------------------------------------------------

def test_failed_atomic_move_leaves_file_untouched(conf, monkeypatch):
    def broken_move(self, src, dest, unsafe_writes=False, keep_dest_attrs=True):
        with open(src, 'rb') as handle:
            assert handle.read() == EXPECTED.encode()  # the full new content was staged
        raise OSError('disk on fire')

    monkeypatch.setattr(basic.AnsibleModule, 'atomic_move', broken_move)
    result = run_fail({'path': str(conf), 'options': OPTIONS})
    assert result['msg'] == 'Failed to write %s: disk on fire' % conf
    assert conf.read_bytes() == ORIGINAL.encode()
    assert listing(conf.parent) == ['nova.conf']


def test_failed_temp_write_leaves_file_untouched(conf, monkeypatch):
    def broken_fsync(fd):
        raise OSError(28, 'No space left on device')

    monkeypatch.setattr(step.os, 'fsync', broken_fsync)
    result = run_fail({'path': str(conf), 'options': OPTIONS})
    assert result['msg'] == 'Failed to write %s: [Errno 28] No space left on device' % conf
    assert conf.read_bytes() == ORIGINAL.encode()
    assert listing(conf.parent) == ['nova.conf']


def test_temp_file_is_staged_in_target_directory(conf, monkeypatch):
    seen = []
    real_move = basic.AnsibleModule.atomic_move

    def spy(self, src, dest, *args, **kwargs):
        seen.append((os.path.dirname(src), dest))
        return real_move(self, src, dest, *args, **kwargs)

    monkeypatch.setattr(basic.AnsibleModule, 'atomic_move', spy)
    run({'path': str(conf), 'options': OPTIONS})
    assert seen == [(str(conf.parent), str(conf))]
    assert conf.read_bytes() == EXPECTED.encode()
