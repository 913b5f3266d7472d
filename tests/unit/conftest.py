# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""Make ``ansible_collections.novaops.console_migration`` importable.

Inside an ``ansible_collections/novaops/console_migration`` tree (real or
symlinked) the directory three levels above the collection root goes on
``sys.path``.  Anywhere else (a plain checkout) a temporary
``ansible_collections/novaops/console_migration`` symlink to the checkout is
made for the test session.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import atexit
import importlib
import os
import shutil
import sys
import tempfile

COLLECTION = 'ansible_collections.novaops.console_migration'


def _importable():
    try:
        importlib.import_module(COLLECTION + '.plugins')
    except ImportError:
        return False
    return True


def _collections_root():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    # pytest may hand us the resolved path of a symlinked tree; the shell's
    # $PWD still names the symlink.
    for candidate in (root, os.environ.get('PWD', '')):
        parts = candidate.split(os.sep)
        for end in range(len(parts), 3, -1):
            if parts[end - 3:end] == ['ansible_collections', 'novaops', 'console_migration']:
                if os.path.realpath(os.sep.join(parts[:end])) == os.path.realpath(root):
                    return os.sep.join(parts[:end - 3])
                break
    tmp = tempfile.mkdtemp(prefix='novaops-collections-')
    atexit.register(shutil.rmtree, tmp, True)  # removes the link, never its target
    os.makedirs(os.path.join(tmp, 'ansible_collections', 'novaops'))
    os.symlink(root, os.path.join(tmp, 'ansible_collections', 'novaops', 'console_migration'))
    return tmp


if not _importable():
    sys.path.insert(0, _collections_root())
    importlib.invalidate_caches()
