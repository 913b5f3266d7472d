# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""The problem collector and the port overlap check shared by :mod:`console_settings` and :mod:`migration_settings`.

Pure Python, no Ansible imports, Python 3.6 compatible.  A validator takes
a value and returns the cleaned value or raises ``ValueError`` with a
message that quotes the value; :class:`Checker` prefixes the variable name,
appends the expected form and collects every problem.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.novaops.console_migration.plugins.module_utils import role_defaults as rd

__all__ = ['Checker', 'as_list', 'blame', 'host_ports', 'is_unset', 'port_conflicts', 'port_entry']


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


def port_entry(var, first, last=None, label=None, reserved=None):
    """A port or range a role makes listen on the host, as the plans return it (``ports``).

    ``var`` is the variable that sets it, ``label`` how messages name it
    (default ``var``), ``reserved`` the ports of a range left to other
    services (compute_console_reserved_ports), absent when there are none.
    """
    entry = {'var': var, 'label': label or var, 'first': first, 'last': first if last is None else last}
    if reserved is not None:
        entry['reserved'] = sorted(set(reserved))
    return entry


def _span(entry):
    if entry['first'] == entry['last']:
        return '%d' % entry['first']
    return '%d:%d' % (entry['first'], entry['last'])


def _clash(a, b):
    """The message for ``a`` (blamed) against ``b``, or None when they share no port."""
    if max(a['first'], b['first']) > min(a['last'], b['last']):
        return None
    single_a, single_b = a['first'] == a['last'], b['first'] == b['last']
    for port, other in ((a, b), (b, a)):
        if port['first'] == port['last'] and port['first'] in other.get('reserved', ()):
            return None
    value = _span(a) if a['label'] == a['var'] else '%s (%s)' % (_span(a), a['label'])
    if single_a and single_b:
        return ('%s is also %s' % (value, b['label']), 'a port no other service of this host uses')
    reserve = 'compute_console_reserved_ports'
    if single_a:
        return ('%s is inside %s %s' % (value, b['label'], _span(b)),
                'a port outside %s%s' % (b['label'], (', or listed in %s' % reserve) if 'reserved' in b else ''))
    if single_b:
        tail = (', or %d listed in %s' % (b['first'], reserve)) if 'reserved' in a else ''
        return ('%s holds %s %s' % (value, b['label'], _span(b)), 'a range without %s%s' % (b['label'], tail))
    return ('%s overlaps %s %s' % (value, b['label'], _span(b)), 'a port range sharing no port with %s' % b['label'])


# Where each kind of port listens on a host, in the order the blame falls on
# the later one (see blame()): display, serial, libvirt, QEMU, proxies.
_HOST_ORDER = ('compute_console_vnc_port_range', 'compute_console_serial_port_range', 'live_migration_libvirt_',
               'live_migration_port_min', 'console_proxy_')


def _rank(entry):
    for index, prefix in enumerate(_HOST_ORDER):
        if entry['var'].startswith(prefix):
            return index
    return len(_HOST_ORDER)


def changed(entry):
    """True when the port or range of ``entry`` is not its variable's default."""
    return (entry['first'], entry['last']) != rd.port_default(entry['var'])


def blame(a, b):
    """``(blamed, other)`` of two clashing entries: the one the operator most likely set wrongly first.

    That is the one changed from its default; when both or neither are, a
    single port before a range, then the later in :data:`_HOST_ORDER`, then ``a``.
    """
    for test in (changed, lambda e: e['first'] == e['last'], _rank):
        if test(a) != test(b):
            return (a, b) if test(a) > test(b) else (b, a)
    return a, b


def port_conflicts(checker, own, others=(), within=True):
    """Record every port shared by two of ``own`` (when ``within``) or by one of ``own`` and one of ``others``.

    Entries are :func:`port_entry` dicts.  A single port inside a range that
    reserves it is no conflict.  The message leads with the entry
    :func:`blame` picks, whichever plan finds the clash (later entries of
    ``own`` and entries of ``own`` against ``others`` win the last tie).
    """
    pairs = []
    if within:
        for index, later in enumerate(own):
            pairs.extend(blame(later, earlier) for earlier in own[:index])
    pairs.extend(blame(mine, other) for mine in own for other in others)
    for blamed, other in pairs:
        found = _clash(blamed, other)
        if found:
            checker.fail(blamed['var'], found[0], found[1])


def host_ports(checker, value):
    """The ``host_ports`` input (the ``ports`` of this host's other plans), checked."""
    entries = []
    if not isinstance(value, (list, tuple)):
        value = [value] if value else []
    for item in value:
        if not (isinstance(item, dict) and isinstance(item.get('var'), str)
                and all(isinstance(item.get(k), int) and not isinstance(item.get(k), bool) for k in ('first', 'last'))):
            checker.fail('host_ports', '%r is not a port entry of another plan of this host' % (item,),
                         "the 'ports' of the other plans, e.g. [{'var': 'console_proxy_novnc_port', "
                         "'first': 6080, 'last': 6080}]")
            continue
        entries.append(port_entry(item['var'], item['first'], item['last'], item.get('label'), item.get('reserved')))
    return entries
