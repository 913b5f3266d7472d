# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""Processes and files of the accounts whose ids the account_ids module changes.

* :func:`processes` - the processes of a ``/proc`` directory with their ids.
* :func:`domain_name` - the libvirt domain of a QEMU process.
* :class:`Reowner` - gives the files under some directories the new ids.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import errno
import os
import stat

from ansible.module_utils.common.text.converters import to_native

from ansible_collections.novaops.console_migration.plugins.module_utils.common import printable

PROC = '/proc'
SAMPLE_SIZE = 20


def processes(proc=None):
    """``[{pid, comm, argv, uids, gids}]`` from /proc; ``uids``/``gids`` are real, effective, saved, fs."""
    proc = proc or PROC
    found = []
    try:
        entries = os.listdir(proc)
    except OSError:
        return found
    for entry in entries:
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(os.path.join(proc, entry, 'status'), 'rb') as handle:
                status = handle.read().decode('utf-8', 'replace')
            with open(os.path.join(proc, entry, 'cmdline'), 'rb') as handle:
                cmdline = handle.read().decode('utf-8', 'replace')
        except (IOError, OSError):
            continue  # gone meanwhile
        info = {'pid': int(entry), 'comm': '', 'argv': [a for a in cmdline.split('\0') if a], 'uids': [], 'gids': []}
        for line in status.splitlines():
            key, dummy, value = line.partition(':')
            if key == 'Name':
                info['comm'] = value.strip()
            elif key in ('Uid', 'Gid'):
                info['uids' if key == 'Uid' else 'gids'] = [int(v) for v in value.split() if v.isdigit()]
        if info['uids'] and info['gids']:
            found.append(info)
    return sorted(found, key=lambda p: p['pid'])


def is_qemu(info):
    names = [info['comm']]
    if info['argv']:
        names.append(os.path.basename(info['argv'][0]))
    return any(n.startswith('qemu-system-') or n == 'qemu-kvm' for n in names)


def domain_name(info):
    """Name of the domain of a QEMU process (from ``-name``), or ``pid N (COMMAND)``."""
    argv = info['argv']
    for index, arg in enumerate(argv[:-1]):
        if arg == '-name':
            value = argv[index + 1]
            for part in value.split(','):
                if part.startswith('guest='):
                    return part[len('guest='):]
            if '=' not in value.split(',')[0]:
                return value.split(',')[0]
    return 'pid %d (%s)' % (info['pid'], info['comm'])


def busy_processes(uid_map, gid_map, proc=None):
    """``pid N (COMMAND)`` of processes running with an old id of a changed account."""
    busy = []
    for info in processes(proc):
        if set(info['uids']) & set(uid_map) or set(info['gids']) & set(gid_map):
            busy.append('pid %d (%s, uid %d, gid %d)' % (info['pid'], info['comm'], info['uids'][0], info['gids'][0]))
    return busy


class Reowner(object):
    """Give files under some directories the new ids; ``dry_run`` only counts."""

    def __init__(self, uid_map, gid_map, dry_run):
        self.uid_map, self.gid_map, self.dry_run = uid_map, gid_map, dry_run
        self.count = 0
        self.sample = []
        self.errors = []
        self.other_mounts = []
        self.setid = {}  # path -> (dev, ino, mode) of matched files with set-user-ID or set-group-ID
        self._dirs = set()
        self._linked = set()

    def error(self, path, exc):
        if getattr(exc, 'errno', None) != errno.ENOENT:  # vanished meanwhile: nothing to do
            self.errors.append('%s: %s' % (printable(path), to_native(exc)))

    def handle(self, path, st):
        new_uid = self.uid_map.get(st.st_uid, -1)
        new_gid = self.gid_map.get(st.st_gid, -1)
        if new_uid == -1 and new_gid == -1:
            return
        if st.st_nlink > 1 and not stat.S_ISDIR(st.st_mode):
            inode = (st.st_dev, st.st_ino)
            if inode in self._linked:
                return
            self._linked.add(inode)
        mode = stat.S_IMODE(st.st_mode)
        if not stat.S_ISLNK(st.st_mode) and mode & (stat.S_ISUID | stat.S_ISGID):
            self.setid[path] = (st.st_dev, st.st_ino, mode)
        if not self.dry_run:
            try:
                os.lchown(path, new_uid, new_gid)
                # chown(2) clears set-user-ID and set-group-ID: put them back.
                if path in self.setid:
                    os.chmod(path, mode)
            except OSError as exc:
                self.error(path, exc)
                return
        self.count += 1
        if len(self.sample) < SAMPLE_SIZE:
            self.sample.append(printable(path))

    def lstat(self, path):
        try:
            return os.lstat(path)
        except OSError as exc:
            self.error(path, exc)
            return None

    def walk(self, top):
        if not os.path.lexists(top):
            return
        if os.path.islink(top):
            st = self.lstat(top)
            if st is not None:
                self.handle(top, st)
            top = os.path.realpath(top)
        st = self.lstat(top)
        if st is None:
            return
        if not stat.S_ISDIR(st.st_mode):
            self.handle(top, st)
            return
        device = st.st_dev
        for dirpath, dirnames, filenames in os.walk(top, onerror=lambda exc: self.error(exc.filename or top, exc)):
            st = self.lstat(dirpath)
            if st is None or (st.st_dev, st.st_ino) in self._dirs:
                dirnames[:] = []
                continue
            self._dirs.add((st.st_dev, st.st_ino))
            self.handle(dirpath, st)
            keep = []
            for name in dirnames:
                path = os.path.join(dirpath, name)
                st = self.lstat(path)
                if st is None:
                    continue
                if stat.S_ISLNK(st.st_mode):
                    self.handle(path, st)
                elif st.st_dev != device:
                    self.other_mounts.append(printable(path))
                else:
                    keep.append(name)
            dirnames[:] = keep
            for name in filenames:
                path = os.path.join(dirpath, name)
                st = self.lstat(path)
                if st is not None:
                    self.handle(path, st)

    def restore_modes(self, setid):
        """Put back the modes of ``setid`` (from a walk before the changes) where they were lost.

        ``usermod -u`` re-owns the files of the user in its home directory and so clears their
        set-user-ID and set-group-ID bits before the walk sees them.
        """
        for path, (device, inode, mode) in sorted(setid.items()):
            try:
                st = os.lstat(path)
                if (st.st_dev, st.st_ino) == (device, inode) and stat.S_IMODE(st.st_mode) != mode:
                    os.chmod(path, mode)
            except OSError as exc:
                self.error(path, exc)

    def result(self):
        return {'count': self.count, 'sample': list(self.sample)}
