# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""Constants and small helpers shared by the modules."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

# For the type comments.
from typing import Optional  # noqa: F401, pylint: disable=unused-import

# Environment of every command whose output a module parses.
C_LOCALE = dict(LANG='C', LC_ALL='C', LC_MESSAGES='C')


def run_c(module, argv):
    """``module.run_command(argv)`` in the C locale: ``(rc, stdout, stderr)``."""
    return module.run_command(argv, environ_update=C_LOCALE)


def first_line(text):
    """First non-empty line of ``text``, stripped, or ``''``."""
    lines = [line.strip() for line in (text or '').splitlines() if line.strip()]
    return lines[0] if lines else ''


def unique(items):
    """``items`` without repeats, in first-seen order (items need not be hashable)."""
    result = []
    for item in items:
        if item not in result:
            result.append(item)
    return result


def printable(path):
    """``path`` (maybe with surrogate escapes) as printable text."""
    return path.encode('utf-8', 'surrogateescape').decode('utf-8', 'replace')


class LineError(Exception):
    """A problem of a file; ``lineno`` (1-based) and ``line`` name the line when known."""

    def __init__(self, message, lineno=None, line=None):
        # type: (str, Optional[int], Optional[str]) -> None
        super(LineError, self).__init__(message)
        self.message = message
        self.lineno = lineno
        self.line = line

    def __str__(self):
        # type: () -> str
        if self.lineno is None:
            return self.message
        if self.line is None:
            return 'line %d: %s' % (self.lineno, self.message)
        return 'line %d: %s: %r' % (self.lineno, self.message, self.line)
