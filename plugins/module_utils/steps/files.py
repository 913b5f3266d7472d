# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""Directories and whole files with their owner, group and mode.

A file's content is never returned or shown in a diff (certificates and keys
go through here): the diff names the files that change.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import grp
import os
import pwd
import stat

from ansible.module_utils.common.text.converters import to_native

from ansible_collections.novaops.console_migration.plugins.module_utils.files import (
    FileError,
    atomic_write,
    read_text,
)

ARGUMENT_SPEC = dict(
    directories=dict(type='list', elements='dict', default=[], options=dict(
        path=dict(type='path', required=True),
        mode=dict(type='raw', default='0755'),
        owner=dict(type='str', default='root'),
        group=dict(type='str', default='root'),
    )),
    files=dict(type='list', elements='dict', default=[], options=dict(
        path=dict(type='path', required=True),
        content=dict(type='str', required=True, no_log=True),
        mode=dict(type='raw', default='0644'),
        owner=dict(type='str', default='root'),
        group=dict(type='str', default='root'),
    )),
)
MODULE_OPTIONS = dict(supports_check_mode=True)


def _mode(item):
    mode = item['mode']
    # An int is the mode itself (YAML reads an unquoted 0644 as 420), as for Ansible's mode options.
    if isinstance(mode, int) and not isinstance(mode, bool):
        return mode
    try:
        return int(str(mode), 8)
    except ValueError:
        raise FileError('%s: mode %r is not an octal mode such as 0644' % (item['path'], mode))


class UnknownAccount(FileError):
    """The owner or group does not exist (yet: in check mode its package may not be installed)."""


def _wanted(item):
    mode = _mode(item)
    try:
        uid = pwd.getpwnam(item['owner']).pw_uid
        gid = grp.getgrnam(item['group']).gr_gid
    except KeyError as exc:
        raise UnknownAccount('%s: no such owner or group: %s' % (item['path'], to_native(exc)))
    return mode, uid, gid


def _attributes_differ(path, mode, uid, gid):
    current = os.lstat(path)
    return (stat.S_IMODE(current.st_mode), current.st_uid, current.st_gid) != (mode, uid, gid)


def _directory(module, item):
    mode, uid, gid = _wanted(item)
    path = item['path']
    if os.path.isdir(path):
        if not _attributes_differ(path, mode, uid, gid):
            return False
    elif os.path.lexists(path):
        raise FileError('%s exists but is not a directory' % path)
    if not module.check_mode:
        if not os.path.isdir(path):
            os.makedirs(path, mode)
        os.chown(path, uid, gid)
        os.chmod(path, mode)
    return True


def _file(module, item):
    mode, uid, gid = _wanted(item)
    path = item['path']
    before = read_text(path)
    if before == item['content']:
        if not _attributes_differ(path, mode, uid, gid):
            return False
        if not module.check_mode:
            os.chown(path, uid, gid)
            os.chmod(path, mode)
        return True
    if not module.check_mode:
        atomic_write(module, path, item['content'], mode=mode, owner=uid, group=gid)
    return True


def _checked(module, func, item):
    """func's answer; in check mode an account still to be installed is a change."""
    try:
        return func(module, item)
    except UnknownAccount:
        if module.check_mode:
            return True
        raise


def run(module):
    result = dict(changed=False, changed_paths=[])
    try:
        for item in module.params['directories']:
            if _checked(module, _directory, item):
                result['changed_paths'].append(item['path'])
        for item in module.params['files']:
            # a directory made in check mode does not exist yet
            if module.check_mode and not os.path.isdir(os.path.dirname(item['path'])):
                result['changed_paths'].append(item['path'])
                continue
            if _checked(module, _file, item):
                result['changed_paths'].append(item['path'])
    except (FileError, OSError) as exc:
        module.fail_json(msg=to_native(exc), **result)
    result['changed'] = bool(result['changed_paths'])
    if module._diff and result['changed']:
        result['diff'] = dict(before='', after=''.join('%s\n' % p for p in result['changed_paths']),
                              after_header='files written or re-permissioned')
    return result
