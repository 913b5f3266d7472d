# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""multipath_names: editing /etc/multipath.conf directly, and through mpathconf.

The RHEL guide (seed 000, "Multipathing Requirements") runs
``mpathconf --enable --user_friendly_names n`` then ``service multipathd
restart`` on both compute hosts; the module does the first part only.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import stat

import pytest

from ansible.module_utils import basic

from ansible_collections.novaops.console_migration.plugins.module_utils.steps import multipath_names as step
from ansible_collections.novaops.console_migration.plugins.modules import multipath_names
from ansible_collections.novaops.console_migration.tests.unit.plugins.modules.module_harness import (
    ExitJson,
    FailJson,
    module_args,
    patch_exits,
    run_module,
)


class Host(object):
    """Fake mpathconf (present or not), the commands run and the warnings."""

    def __init__(self):
        self.mpathconf = None      # path of the binary when installed
        self.calls = []
        self.warnings = []
        self.rc = 0
        self.writes = None         # what the fake mpathconf leaves in the file
        self.conf_path = None

    def run_command(self, args, **kwargs):
        args = list(args)
        self.calls.append(args)
        assert args[0] == self.mpathconf, 'ran %r without looking it up' % args[0]
        if self.rc:
            return self.rc, '', 'mpathconf: something went wrong'
        # What mpathconf does: set the value in the defaults section
        # (creating the file from its template if missing).
        value = {'n': 'no', 'y': 'yes'}[args[args.index('--user_friendly_names') + 1]]
        text = self.writes if self.writes is not None else (
            '# device-mapper-multipath configuration file\n'
            'defaults {\n\tuser_friendly_names %s\n\tfind_multipaths yes\n}\n' % value)
        with open(self.conf_path, 'w') as handle:
            handle.write(text)
        return 0, '', ''


@pytest.fixture
def host(monkeypatch, tmp_path):
    fake = Host()
    fake.conf_path = str(tmp_path / 'etc-multipath.conf')

    def get_bin_path(self, arg, required=False, opt_dirs=None):
        return fake.mpathconf if arg == 'mpathconf' else None

    monkeypatch.setattr(basic.AnsibleModule, 'run_command', lambda self, args, **kw: fake.run_command(args, **kw))
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', get_bin_path)
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, warning: fake.warnings.append(warning))
    # The module's "/etc/multipath.conf" becomes a file in tmp_path.
    monkeypatch.setattr(step, 'MPATHCONF_PATH', fake.conf_path)
    monkeypatch.setitem(step.ARGUMENT_SPEC['path'], 'default', fake.conf_path)
    return fake


@pytest.fixture(autouse=True)
def module_exits(monkeypatch):
    patch_exits(monkeypatch)


def run(args, check=False, diff=False, expect=ExitJson):
    return run_module(multipath_names.main, module_args(args, check, diff), expect)


def write(path, text):
    with open(str(path), 'w', newline='') as handle:
        handle.write(text)


def read(path):
    with open(str(path), newline='') as handle:
        return handle.read()


MINIMAL = 'defaults {\n\tuser_friendly_names no\n}\n'

NESTED = (
    '# multipath.conf written by hand\n'
    'defaults {\n'
    '    polling_interval 10\n'
    '#\tuser_friendly_names yes\n'
    '    find_multipaths yes   # trailing comment\n'
    '}\n'
    '\n'
    'blacklist {\n'
    '    devnode "^(ram|raw|loop|fd|md|dm-|sr|scd|st)[0-9]*"\n'
    '}\n'
    'multipaths {\n'
    '    multipath {\n'
    '        wwid 3600508b4000156d700012000000b0000\n'
    '        alias yellow\n'
    '        user_friendly_names yes\n'
    '    }\n'
    '}\n'
    'devices {\n'
    '    device {\n'
    '        vendor "COMPAQ  "\n'
    '        product "HSV110 (C)COMPAQ"\n'
    '        path_grouping_policy multibus\n'
    '    }\n'
    '}\n'
)


# ------------------------------------------------------- editing the file

def test_missing_file_is_created_with_a_minimal_defaults_section(host, tmp_path):
    path = tmp_path / 'multipath.conf'
    result = run({'path': str(path)}, diff=True)
    assert result['changed'] is True
    assert (result['method'], result['before'], result['after']) == ('file', None, 'no')
    assert read(path) == MINIMAL
    assert result['diff'] == {'before': '', 'after': MINIMAL,
                              'before_header': str(path), 'after_header': str(path)}
    assert host.calls == []


def test_missing_file_with_user_friendly_names_true(host, tmp_path):
    path = tmp_path / 'multipath.conf'
    result = run({'path': str(path), 'user_friendly_names': True})
    assert result['after'] == 'yes'
    assert read(path) == 'defaults {\n\tuser_friendly_names yes\n}\n'


def test_new_file_gets_default_permissions_not_the_temp_file_0600(host, tmp_path):
    path = tmp_path / 'multipath.conf'
    umask = os.umask(0o022)
    try:
        run({'path': str(path)})
    finally:
        os.umask(umask)
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o644


def test_missing_directory_fails(host, tmp_path):
    result = run({'path': str(tmp_path / 'nope' / 'multipath.conf')}, expect=FailJson)
    assert 'does not exist' in result['msg']


def test_file_without_defaults_section_gets_one_appended(host, tmp_path):
    path = tmp_path / 'multipath.conf'
    original = 'blacklist {\n    devnode "^sd[a-b]"\n}\n'
    write(path, original)
    result = run({'path': str(path)})
    assert result['changed'] is True and result['before'] is None
    assert read(path) == original + MINIMAL


def test_file_without_final_newline_and_crlf_endings(host, tmp_path):
    path = tmp_path / 'multipath.conf'
    write(path, 'blacklist {\r\n}')
    run({'path': str(path)})
    assert read(path) == 'blacklist {\r\n}\r\ndefaults {\r\n\tuser_friendly_names no\r\n}\r\n'


def test_defaults_with_other_keys_gets_the_line_before_its_brace(host, tmp_path):
    path = tmp_path / 'multipath.conf'
    write(path, NESTED)
    result = run({'path': str(path)})
    assert result['changed'] is True
    assert result['before'] is None
    expected = NESTED.replace('    find_multipaths yes   # trailing comment\n}\n',
                              '    find_multipaths yes   # trailing comment\n'
                              '    user_friendly_names no\n}\n', 1)
    assert read(path) == expected
    # Every original line is still there, in order, byte for byte.
    new_lines = read(path).splitlines(True)
    new_lines.remove('    user_friendly_names no\n')
    assert ''.join(new_lines) == NESTED


def test_commented_line_stays_a_comment(host, tmp_path):
    path = tmp_path / 'multipath.conf'
    write(path, NESTED)
    run({'path': str(path)})
    text = read(path)
    assert '#\tuser_friendly_names yes\n' in text
    assert text.count('user_friendly_names') == NESTED.count('user_friendly_names') + 1


def test_multipath_block_setting_is_not_touched_but_warned_about(host, tmp_path):
    path = tmp_path / 'multipath.conf'
    write(path, NESTED)
    warning = ('%s line %d: user_friendly_names yes in section multipaths/multipath takes precedence over the '
               'defaults section for the devices it covers; it is not changed')
    # Check mode: the line number in the file as it is (line 15 of NESTED).
    run({'path': str(path)}, check=True)
    assert host.warnings == [warning % (path, 15)]
    # Real run: one line was added above it.
    del host.warnings[:]
    run({'path': str(path)})
    assert '        alias yellow\n        user_friendly_names yes\n    }\n' in read(path)
    assert read(path).splitlines()[15] == '        user_friendly_names yes'
    assert host.warnings == [warning % (path, 16)]


def test_no_warning_when_the_specific_setting_agrees(host, tmp_path):
    path = tmp_path / 'multipath.conf'
    write(path, NESTED.replace('        user_friendly_names yes\n', '        user_friendly_names no\n'))
    run({'path': str(path)})
    assert host.warnings == []


def test_existing_yes_is_replaced_in_place(host, tmp_path):
    path = tmp_path / 'multipath.conf'
    write(path, 'defaults {\r\n  user_friendly_names   "yes"  # set by the installer\r\n  find_multipaths yes\r\n}\r\n')
    result = run({'path': str(path)})
    assert (result['before'], result['after'], result['changed']) == ('yes', 'no', True)
    assert read(path) == ('defaults {\r\n  user_friendly_names   no  # set by the installer\r\n'
                          '  find_multipaths yes\r\n}\r\n')


def test_idempotent_second_run_does_not_write(host, tmp_path):
    path = tmp_path / 'multipath.conf'
    write(path, NESTED)
    first = run({'path': str(path)})
    content = read(path)
    inode = os.stat(str(path)).st_ino
    second = run({'path': str(path)}, diff=True)
    assert first['changed'] is True
    assert second['changed'] is False
    assert (second['before'], second['after']) == ('no', 'no')
    assert read(path) == content and os.stat(str(path)).st_ino == inode
    assert second['diff']['before'] == second['diff']['after'] == content
    assert second['msg'] == 'user_friendly_names is already no in %s' % path


def test_numeric_zero_counts_as_no(host, tmp_path):
    path = tmp_path / 'multipath.conf'
    original = 'defaults {\n\tuser_friendly_names 0\n}\n'
    write(path, original)
    result = run({'path': str(path)})
    assert (result['changed'], result['before']) == (False, 'no')
    assert read(path) == original


def test_check_mode_reports_without_writing(host, tmp_path):
    path = tmp_path / 'multipath.conf'
    original = 'defaults {\n\tuser_friendly_names yes\n}\n'
    write(path, original)
    result = run({'path': str(path)}, check=True, diff=True)
    assert result['changed'] is True
    assert (result['before'], result['after']) == ('yes', 'no')
    assert read(path) == original
    assert result['diff']['after'] == 'defaults {\n\tuser_friendly_names no\n}\n'
    assert result['msg'] == 'user_friendly_names would be set to no in %s' % path


def test_check_mode_does_not_create_a_missing_file(host, tmp_path):
    path = tmp_path / 'multipath.conf'
    result = run({'path': str(path)}, check=True)
    assert result['changed'] is True
    assert not path.exists()


def test_existing_file_mode_is_kept(host, tmp_path):
    path = tmp_path / 'multipath.conf'
    write(path, 'defaults {\n\tuser_friendly_names yes\n}\n')
    os.chmod(str(path), 0o640)
    run({'path': str(path)})
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o640


def test_unparsable_file_fails_with_the_line_number(host, tmp_path):
    path = tmp_path / 'multipath.conf'
    original = 'defaults {\n\tuser_friendly_names yes }\n}\n'
    write(path, original)
    result = run({'path': str(path)}, expect=FailJson)
    assert result['msg'].startswith('Cannot parse %s: line 2: unsupported layout' % path)
    assert read(path) == original


# ------------------------------------------------------------- mpathconf

def test_mpathconf_runs_with_the_guides_arguments(host):
    host.mpathconf = '/usr/sbin/mpathconf'
    write(host.conf_path, 'defaults {\n\tuser_friendly_names yes\n\tfind_multipaths yes\n}\n')
    result = run({}, diff=True)
    assert host.calls == [['/usr/sbin/mpathconf', '--enable', '--user_friendly_names', 'n']]
    assert result['changed'] is True
    assert (result['method'], result['before'], result['after']) == ('mpathconf', 'yes', 'no')
    assert result['path'] == host.conf_path
    assert result['diff']['after'] == read(host.conf_path)
    assert 'user_friendly_names no' in result['diff']['after']


def test_mpathconf_argv_for_true(host):
    host.mpathconf = '/usr/sbin/mpathconf'
    write(host.conf_path, 'defaults {\n\tuser_friendly_names no\n}\n')
    result = run({'user_friendly_names': True})
    assert host.calls == [['/usr/sbin/mpathconf', '--enable', '--user_friendly_names', 'y']]
    assert result['after'] == 'yes'


def test_mpathconf_is_not_run_when_already_no(host):
    host.mpathconf = '/usr/sbin/mpathconf'
    write(host.conf_path, 'defaults {\n\tuser_friendly_names no\n}\n')
    result = run({})
    assert host.calls == []
    assert result['changed'] is False
    assert (result['method'], result['before'], result['after']) == ('mpathconf', 'no', 'no')


def test_mpathconf_runs_when_the_file_is_missing(host):
    host.mpathconf = '/usr/sbin/mpathconf'
    result = run({})
    assert host.calls == [['/usr/sbin/mpathconf', '--enable', '--user_friendly_names', 'n']]
    assert result['changed'] is True and result['before'] is None
    assert os.path.exists(host.conf_path)


def test_mpathconf_runs_when_the_setting_is_missing(host):
    host.mpathconf = '/usr/sbin/mpathconf'
    write(host.conf_path, 'defaults {\n\tfind_multipaths yes\n}\n')
    result = run({})
    assert len(host.calls) == 1
    assert result['changed'] is True and result['before'] is None


def test_mpathconf_check_mode_does_not_run(host):
    host.mpathconf = '/usr/sbin/mpathconf'
    original = 'defaults {\n\tuser_friendly_names yes\n}\n'
    write(host.conf_path, original)
    result = run({}, check=True, diff=True)
    assert host.calls == []
    assert result['changed'] is True and result['after'] == 'no'
    assert read(host.conf_path) == original
    assert result['diff']['after'] == 'defaults {\n\tuser_friendly_names no\n}\n'


def test_mpathconf_failure_fails_the_module(host):
    host.mpathconf = '/usr/sbin/mpathconf'
    host.rc = 1
    result = run({}, expect=FailJson)
    assert result['msg'] == ('/usr/sbin/mpathconf --enable --user_friendly_names n failed with rc 1: '
                             'mpathconf: something went wrong')
    assert result['rc'] == 1


def test_mpathconf_that_leaves_the_wrong_value_fails(host):
    host.mpathconf = '/usr/sbin/mpathconf'
    host.writes = 'defaults {\n\tuser_friendly_names yes\n}\n'
    write(host.conf_path, host.writes)
    result = run({}, expect=FailJson)
    assert 'is yes, not no' in result['msg']


def test_other_path_is_edited_directly_even_with_mpathconf(host, tmp_path):
    host.mpathconf = '/usr/sbin/mpathconf'
    path = tmp_path / 'other.conf'
    result = run({'path': str(path)})
    assert host.calls == []
    assert result['method'] == 'file'
    assert read(path) == MINIMAL
