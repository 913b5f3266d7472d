# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""One function of module_utils as a filter plugin, the entry of the collection's filter files."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible.errors import AnsibleFilterError


def _plain(value):
    return dict(value) if isinstance(value, dict) else value


def filter_function(function, error):
    """``function`` as a filter.

    Dictionary arguments reach ``function`` as plain dicts. Its ``error`` becomes an
    AnsibleFilterError with the same message (one problem per line, each starting with
    the variable name).
    """
    def run(*args, **kwargs):
        try:
            return function(*[_plain(arg) for arg in args],
                            **dict((key, _plain(value)) for key, value in kwargs.items()))
        except error as err:
            raise AnsibleFilterError(str(err))

    run.__doc__ = function.__doc__
    return run


def filter_module(**functions):
    """The FilterModule class of a filter plugin file, offering ``functions`` by name."""
    class FilterModule(object):
        """The filters of one novaops.console_migration filter plugin file."""

        def filters(self):
            return dict(functions)

    return FilterModule
