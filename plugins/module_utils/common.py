# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""Constants and small helpers shared by the modules."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

# Environment of every command whose output a module parses.
C_LOCALE = dict(LANG='C', LC_ALL='C', LC_MESSAGES='C')


def run_c(module, argv):
    """``module.run_command(argv)`` in the C locale: ``(rc, stdout, stderr)``."""
    return module.run_command(argv, environ_update=C_LOCALE)


def first_line(text):
    """First non-empty line of ``text``, stripped, or ``''``."""
    lines = [line.strip() for line in (text or '').splitlines() if line.strip()]
    return lines[0] if lines else ''


def printable(path):
    """``path`` (maybe with surrogate escapes) as printable text."""
    return path.encode('utf-8', 'surrogateescape').decode('utf-8', 'replace')
