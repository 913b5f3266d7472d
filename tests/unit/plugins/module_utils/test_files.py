# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""The atomic file writer of module_utils/files.py, with a stand-in for AnsibleModule."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import stat

import pytest

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.novaops.console_migration.plugins.module_utils.files import (
    FileError,
    atomic_write,
    read_text,
    write_file,
)


class FakeModule(object):
    def __init__(self, check_mode=False):
        self.check_mode = check_mode
        self.moves = []

    def atomic_move(self, src, dest, unsafe_writes=False, keep_dest_attrs=True):
        self.moves.append((os.path.dirname(src), dest))
        AnsibleModule.atomic_move(self, src, dest, unsafe_writes, keep_dest_attrs)

    def selinux_enabled(self):
        return False


def mode_of(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


def test_new_file_gets_new_mode_whatever_the_umask(tmp_path):
    path = tmp_path / 'key'
    umask = os.umask(0o000)
    try:
        atomic_write(FakeModule(), str(path), u'secret\n', new_mode=0o600)
    finally:
        os.umask(umask)
    assert path.read_text() == u'secret\n'
    assert mode_of(path) == 0o600
    assert os.listdir(str(tmp_path)) == ['key']


def test_new_file_default_mode_is_0644(tmp_path):
    path = tmp_path / 'conf'
    umask = os.umask(0o077)
    try:
        atomic_write(FakeModule(), str(path), u'a\n')
    finally:
        os.umask(umask)
    assert mode_of(path) == 0o644


def test_existing_file_keeps_its_mode_unless_asked(tmp_path):
    path = tmp_path / 'conf'
    path.write_text(u'old\n')
    os.chmod(str(path), 0o640)
    module = FakeModule()
    atomic_write(module, str(path), u'new\n', new_mode=0o600)
    assert mode_of(path) == 0o640 and path.read_text() == u'new\n'
    assert module.moves == [(str(tmp_path), str(path))]
    atomic_write(module, str(path), u'newer\n', mode=0o600)
    assert mode_of(path) == 0o600 and path.read_text() == u'newer\n'


def test_write_file_diff_and_check_mode(tmp_path):
    path = tmp_path / 'conf'
    path.write_text(u'old\n')
    changed, diff = write_file(FakeModule(check_mode=True), str(path), u'new\n')
    assert changed is True
    assert diff == dict(before=u'old\n', after=u'new\n', before_header=str(path), after_header=str(path))
    assert path.read_text() == u'old\n'
    changed, diff = write_file(FakeModule(), str(path), u'new\n')
    assert changed is True and path.read_text() == u'new\n'
    assert write_file(FakeModule(), str(path), u'new\n')[0] is False


def test_missing_directory_and_makedirs(tmp_path):
    path = tmp_path / 'd' / 'conf'
    with pytest.raises(FileError) as exc:
        atomic_write(FakeModule(), str(path), u'x\n', label='/etc/d/conf')
    assert str(exc.value) == 'Cannot create /etc/d/conf: directory %s does not exist' % (tmp_path / 'd')
    atomic_write(FakeModule(), str(path), u'x\n', makedirs=True)
    assert path.read_text() == u'x\n'


def test_failed_move_leaves_no_temp_file(tmp_path):
    class Broken(FakeModule):
        def atomic_move(self, src, dest, unsafe_writes=False, keep_dest_attrs=True):
            raise OSError('disk on fire')

    path = tmp_path / 'conf'
    path.write_text(u'old\n')
    with pytest.raises(FileError) as exc:
        atomic_write(Broken(), str(path), u'new\n')
    assert str(exc.value) == 'Failed to write %s: disk on fire' % path
    assert os.listdir(str(tmp_path)) == ['conf'] and path.read_text() == u'old\n'


def test_read_text(tmp_path):
    assert read_text(str(tmp_path / 'missing')) is None
    with pytest.raises(FileError) as exc:
        read_text(str(tmp_path), '/etc/x')
    assert str(exc.value) == '/etc/x exists but is not a regular file'
