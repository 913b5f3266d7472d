# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""Reading and atomically writing text files for the modules.

Mode rule: an existing file keeps its owner, group and mode unless the
caller passes ``mode``, ``owner`` or ``group``; a new file gets ``mode``,
else ``new_mode`` (default 0644), and the caller's owner and group if given.
Text is UTF-8, with undecodable bytes kept through ``surrogateescape``.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import errno
import grp
import os
import pwd
import stat
import tempfile

from ansible.module_utils.common.text.converters import to_bytes, to_native

DEFAULT_MODE = 0o644
DIR_MODE = 0o755


class FileError(Exception):
    pass


def read_text(path, label=None):
    """Content of ``path`` as text, or None if it does not exist; FileError if it is not a regular file."""
    b_path = to_bytes(path, errors='surrogate_or_strict')
    if not os.path.lexists(b_path):
        return None
    if not os.path.isfile(b_path):
        raise FileError('%s exists but is not a regular file' % (label or path))
    try:
        with open(b_path, 'rb') as handle:
            return handle.read().decode('utf-8', 'surrogateescape')
    except (IOError, OSError) as exc:
        raise FileError('Cannot read %s: %s' % (label or path, to_native(exc)))


def file_diff(before, after, header):
    """A diff entry for diff mode; a missing or removed file is empty."""
    return dict(before=before or '', after=after or '', before_header=header, after_header=header)


def _ids(owner, group):
    uid = gid = -1
    if owner is not None:
        uid = owner if isinstance(owner, int) else pwd.getpwnam(owner).pw_uid
    if group is not None:
        gid = group if isinstance(group, int) else grp.getgrnam(group).gr_gid
    return uid, gid


def _chown(path, uid, gid, strict):
    if (uid, gid) == (-1, -1):
        return
    try:
        os.chown(path, uid, gid)
    except OSError as exc:
        # Keeping the ids of a file owned by another user needs root, as in atomic_move.
        if strict or exc.errno != errno.EPERM:
            raise


def atomic_write(module, path, text, mode=None, owner=None, group=None, new_mode=DEFAULT_MODE,
                 makedirs=False, unsafe_writes=False, label=None):
    """Replace ``path`` by ``text``: temp file in the same directory, fsync, rename (module.atomic_move).

    Raises FileError; ``path`` is left as it was if anything fails before the rename.
    """
    label = label or path
    directory, name = os.path.split(path)
    if not os.path.isdir(directory):
        if not makedirs:
            raise FileError('Cannot create %s: directory %s does not exist' % (label, directory))
        try:
            os.makedirs(directory, DIR_MODE)
        except OSError as exc:
            raise FileError('Cannot create directory %s: %s' % (directory, to_native(exc)))
    creating = not os.path.exists(path)
    keep = not creating and mode is None and owner is None and group is None
    fd, tmp = tempfile.mkstemp(prefix='.%s.' % name, suffix='.tmp', dir=directory)
    try:
        with os.fdopen(fd, 'wb') as handle:
            handle.write(text.encode('utf-8', 'surrogateescape'))
            handle.flush()
            os.fsync(handle.fileno())
        if not keep:
            current = None if creating else os.stat(path)
            wanted = mode if mode is not None else (new_mode if creating else stat.S_IMODE(current.st_mode))
            uid, gid = _ids(owner, group)
            strict = (uid, gid) != (-1, -1)
            if current is not None:
                uid = current.st_uid if uid == -1 else uid
                gid = current.st_gid if gid == -1 else gid
            _chown(tmp, uid, gid, strict)
            os.chmod(tmp, wanted)
            # atomic_move gives a new file the umask's mode: let that be ``wanted`` already.
            umask = os.umask(0o777 & ~wanted)
            try:
                module.atomic_move(tmp, path, unsafe_writes=unsafe_writes, keep_dest_attrs=False)
            finally:
                os.umask(umask)
            _chown(path, uid, gid, strict)
            os.chmod(path, wanted)
        else:
            module.atomic_move(tmp, path, unsafe_writes=unsafe_writes)
    except Exception as exc:  # pylint: disable=broad-except
        raise FileError('Failed to write %s: %s' % (label, to_native(exc)))
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_file(module, path, text, label=None, **kwargs):
    """Write ``text`` to ``path`` if it differs, not in check mode; returns ``(changed, diff)``.

    ``kwargs`` go to :func:`atomic_write`.
    """
    label = label or path
    before = read_text(path, label)
    changed = before != text
    if changed and not module.check_mode:
        atomic_write(module, path, text, label=label, **kwargs)
    return changed, file_diff(before, text, label)
