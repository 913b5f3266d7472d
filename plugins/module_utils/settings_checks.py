# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""The problem collector shared by :mod:`console_settings` and :mod:`migration_settings`.

Pure Python, no Ansible imports, Python 3.6 compatible.  A validator takes
a value and returns the cleaned value or raises ``ValueError`` with a
message that quotes the value; :class:`Checker` prefixes the variable name,
appends the expected form and collects every problem.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

__all__ = ['Checker', 'as_list', 'is_unset']


def is_unset(value):
    """True for None and for a string that is empty or only white space."""
    return value is None or (isinstance(value, str) and not value.strip())


def as_list(value):
    """A list from a list/tuple, a comma-separated string, or None/'' (empty)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, str):
        return [item.strip() for item in value.split(',') if item.strip()]
    raise ValueError('%r is not a list' % (value,))


class Checker(object):
    """The values (``defaults`` updated with ``settings``), the problems and the warnings.

    ``expected`` maps a variable name to the form a wrong value should have
    had; ``unset`` is what :meth:`optional` returns for an unset value.
    """

    def __init__(self, settings, defaults, expected, unset=None):
        self.values = dict(defaults)
        self.values.update(settings)
        self.expected = expected
        self.unset = unset
        self.problems = []
        self.warnings = []

    def fail(self, var, text, expected=True):
        if expected is True:
            expected = self.expected.get(var)
        if expected:
            text = '%s (expected %s)' % (text, expected)
        self.problems.append('%s: %s' % (var, text))

    def check(self, var, func, *args):
        """Run ``func(value, *args)``; record the problem and return None on error."""
        try:
            return func(self.values.get(var), *args)
        except ValueError as err:
            self.fail(var, str(err))
            return None

    def optional(self, var, func, *args):
        """Like :meth:`check`, but an unset value gives ``self.unset`` without a problem."""
        if is_unset(self.values.get(var)):
            return self.unset
        return self.check(var, func, *args)

    def items(self, var, func, non_empty=False):
        """Validate each item of a list variable; None if anything is wrong."""
        try:
            items = as_list(self.values.get(var))
        except ValueError as err:
            self.fail(var, str(err))
            return None
        if non_empty and not items:
            self.fail(var, 'is empty')
            return None
        out, ok = [], True
        for item in items:
            try:
                out.append(func(item))
            except ValueError as err:
                self.fail(var, str(err))
                ok = False
        return out if ok else None
