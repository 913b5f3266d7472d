# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""UID/GID alignment of accounts across hosts, pure logic, no Ansible imports.

* :func:`parse_passwd` / :func:`parse_group` - ``getent passwd`` and
  ``getent group`` listings.
* :class:`HostAccounts` - one host's users and groups, by name and by id.
* :func:`normalize_accounts` - the module's ``accounts`` argument, checked.
* :func:`report` - per account: exists, current id, target, conflict.
* :func:`refusals` / :func:`plan_changes` / :func:`id_maps` - what the module
  refuses and what it changes.
* :func:`choose_targets` - the target id of every account across the hosts of
  a play, from the hosts' reports (used by the ``id_targets`` filter).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re

KINDS = ('user', 'group')
# 4294967295 is (uid_t)-1, "no change" for chown(2).
MAX_ID = 4294967294
DEFAULT_START = 64000
# Names shadow-utils accepts (useradd/groupadd, relaxed like Debian's):
# no leading '-', no ':' ',' or whitespace, optional trailing '$'.
NAME_RE = re.compile(r'^[A-Za-z0-9_.][A-Za-z0-9_.-]*\$?$')
ID_WORD = {'user': 'uid', 'group': 'gid'}


class AccountIdsError(Exception):
    """Problems with the input; ``problems`` holds one line per problem."""

    def __init__(self, problems):
        if isinstance(problems, str):
            problems = [problems]
        self.problems = list(problems)
        super(AccountIdsError, self).__init__('\n'.join(self.problems))


def key_of(kind, name):
    """``'user/nova'``: how accounts are named in the filter and in messages."""
    return '%s/%s' % (kind, name)


def label(kind, name):
    """``"user nova"``: how accounts are named in diffs and messages."""
    return '%s %s' % (kind, name)


def _int_field(value):
    value = value.strip()
    if not value.isdigit():
        return None
    number = int(value)
    return number if number <= MAX_ID + 1 else None


def parse_passwd(text):
    """``[(name, uid, gid, home), ...]`` from ``getent passwd`` (or /etc/passwd) text.

    Lines that are not ``name:pw:uid:gid:gecos:home:shell`` with numeric ids
    (blank lines, comments, NIS ``+`` entries) are skipped. Order is kept.
    """
    entries = []
    for line in text.splitlines():
        fields = line.rstrip('\r\n').split(':')
        if len(fields) < 4 or not fields[0] or fields[0][0] in '+-#':
            continue
        uid, gid = _int_field(fields[2]), _int_field(fields[3])
        if uid is None or gid is None:
            continue
        home = fields[5] if len(fields) > 5 else ''
        entries.append((fields[0], uid, gid, home))
    return entries


def parse_group(text):
    """``[(name, gid), ...]`` from ``getent group`` (or /etc/group) text."""
    entries = []
    for line in text.splitlines():
        fields = line.rstrip('\r\n').split(':')
        if len(fields) < 3 or not fields[0] or fields[0][0] in '+-#':
            continue
        gid = _int_field(fields[2])
        if gid is None:
            continue
        entries.append((fields[0], gid))
    return entries


class HostAccounts(object):
    """One host's accounts: ``ids[kind]`` name -> id and ``holders[kind]`` id -> names.

    When a name is listed twice (a local account and the same name from
    another NSS source), the first entry wins, as for getpwnam(3).
    """

    def __init__(self, passwd_entries, group_entries):
        self.ids = {'user': {}, 'group': {}}
        self.holders = {'user': {}, 'group': {}}
        self.primary_gid = {}
        for name, uid, gid, dummy in passwd_entries:
            self._add('user', name, uid)
            self.primary_gid.setdefault(name, gid)
        for name, gid in group_entries:
            self._add('group', name, gid)

    def _add(self, kind, name, number):
        if name not in self.ids[kind]:
            self.ids[kind][name] = number
        names = self.holders[kind].setdefault(number, [])
        if name not in names:
            names.append(name)

    @classmethod
    def from_text(cls, passwd_text, group_text):
        return cls(parse_passwd(passwd_text), parse_group(group_text))

    def used(self, kind):
        return sorted(self.holders[kind])

    def others_holding(self, kind, number, name):
        """Names of accounts of ``kind`` other than ``name`` that hold ``number``."""
        return [other for other in self.holders[kind].get(number, []) if other != name]


def _as_id(value):
    """``value`` as an id (int from 0 to MAX_ID), None for None/''; ValueError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    else:
        raise ValueError(value)
    if number < 0 or number > MAX_ID:
        raise ValueError(value)
    return number


def normalize_accounts(accounts):
    """The module's ``accounts`` as ``[{kind, name, id}]``; AccountIdsError listing every problem.

    ``id`` is None for report-only accounts. Two accounts of one kind may not
    share a name or a target id.
    """
    problems = []
    out = []
    seen = {}
    targets = {}
    if not isinstance(accounts, list):
        raise AccountIdsError('accounts: expected a list of {kind, name, id} dictionaries')
    for index, item in enumerate(accounts):
        where = 'accounts[%d]' % index
        if not isinstance(item, dict):
            problems.append('%s: %r is not a dictionary (expected {kind: user|group, name: NAME, id: NUMBER})'
                            % (where, item))
            continue
        kind, name = item.get('kind'), item.get('name')
        ok = True
        if kind not in KINDS:
            problems.append('%s.kind: %r is not user or group' % (where, kind))
            ok = False
        if not isinstance(name, str) or not NAME_RE.match(name):
            problems.append('%s.name: %r is not an account name (expected e.g. nova, libvirt-qemu, kvm)'
                            % (where, name))
            ok = False
        try:
            number = _as_id(item.get('id'))
        except ValueError:
            problems.append('%s.id: %r is not an id (expected an integer from 0 to %d, or omitted to only report)'
                            % (where, item.get('id'), MAX_ID))
            ok = False
            number = None
        if not ok:
            continue
        key = key_of(kind, name)
        if key in seen:
            problems.append('%s: %s is already listed as accounts[%d]' % (where, label(kind, name), seen[key]))
            continue
        seen[key] = index
        if number is not None:
            other = targets.get((kind, number))
            if other is not None:
                problems.append('%s: %s and %s cannot both get %s %d'
                                % (where, label(kind, other), label(kind, name), ID_WORD[kind], number))
            else:
                targets[(kind, number)] = name
        out.append({'kind': kind, 'name': name, 'id': number})
    if problems:
        raise AccountIdsError(problems)
    return out


def report(accounts, host):
    """Per account of ``normalize_accounts``: its state on ``host`` (a HostAccounts).

    ``id`` is the current id (None if the account does not exist), ``conflict``
    the name of another account of the same kind that holds the target (None
    if the target is free or not set), ``mismatch`` whether an existing
    account's id differs from its target.
    """
    rows = []
    for account in accounts:
        kind, name, target = account['kind'], account['name'], account['id']
        current = host.ids[kind].get(name)
        conflict = None
        if target is not None:
            others = host.others_holding(kind, target, name)
            conflict = others[0] if others else None
        rows.append({
            'kind': kind,
            'name': name,
            'exists': current is not None,
            'id': current,
            'target': target,
            'conflict': conflict,
            'mismatch': current is not None and target is not None and current != target,
        })
    return rows


def refusals(rows):
    """Reasons not to change anything, one line each (empty list: go ahead).

    Only accounts with a target count: a missing account, or a target held by
    another account when the account has to move to it (an account that
    already has its target is left alone even if another one shares the id).
    """
    problems = []
    for row in rows:
        if row['target'] is None:
            continue
        what = label(row['kind'], row['name'])
        if row['conflict'] is not None and row['mismatch']:
            problems.append('%s: target %s %d belongs to %s %s on this host'
                            % (what, ID_WORD[row['kind']], row['target'], row['kind'], row['conflict']))
        if not row['exists']:
            problems.append('%s does not exist on this host (install the package that creates it first)' % what)
    return problems


def plan_changes(rows):
    """``[(kind, name, old, new)]`` for the mismatching accounts, groups first."""
    changes = [(row['kind'], row['name'], row['id'], row['target']) for row in rows if row['mismatch']]
    return [c for c in changes if c[0] == 'group'] + [c for c in changes if c[0] == 'user']


def id_maps(changes):
    """``(uid_map, gid_map)`` old id -> new id of ``changes``."""
    maps = {'user': {}, 'group': {}}
    for kind, dummy, old, new in changes:
        maps[kind][old] = new
    return maps['user'], maps['group']


def diff_text(rows, after):
    """``user nova: 101`` lines of the accounts with a target; ``after`` takes the target."""
    lines = []
    for row in rows:
        if row['target'] is None:
            continue
        value = row['target'] if after and row['exists'] else row['id']
        lines.append('%s: %s' % (label(row['kind'], row['name']), 'absent' if value is None else value))
    return ''.join(line + '\n' for line in lines)


# -- choosing targets across hosts (controller side) ------------------------

def _parse_key(key):
    kind, sep, name = key.partition('/') if isinstance(key, str) else ('', '', '')
    if not sep or kind not in KINDS or not NAME_RE.match(name):
        raise ValueError(key)
    return kind, name


class _HostView(object):
    """What one host's report says about ids (module result of mode=report)."""

    def __init__(self, host, data, problems):
        self.host = host
        self.accounts = {}
        self.used = {'user': set(), 'group': set()}
        self.names = {'user': None, 'group': None}
        self.ok = False
        if not isinstance(data, dict):
            problems.append('%s: the report is %s, not the result of novaops.console_migration.account_ids '
                            '(expected a dictionary with accounts, used_uids and used_gids)'
                            % (host, type(data).__name__))
            return
        if data.get('failed') or data.get('skipped'):
            problems.append('%s: no report (the account_ids task %s on this host)'
                            % (host, 'failed' if data.get('failed') else 'was skipped'))
            return
        missing = [field for field in ('accounts', 'used_uids', 'used_gids') if not isinstance(data.get(field), list)]
        if missing:
            problems.append('%s: the report has no %s (expected the result of novaops.console_migration.account_ids '
                            'with mode=report)' % (host, ', '.join(missing)))
            return
        try:
            for kind, field in (('user', 'used_uids'), ('group', 'used_gids')):
                self.used[kind] = set(_as_id(number) for number in data[field])
            for kind, field in (('user', 'users'), ('group', 'groups')):
                if isinstance(data.get(field), dict):
                    self.names[kind] = dict((name, _as_id(number)) for name, number in data[field].items())
            for row in data['accounts']:
                kind, name = row['kind'], row['name']
                number = _as_id(row.get('id')) if row.get('exists', True) else None
                self.accounts[key_of(kind, name)] = number
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            problems.append('%s: the report is malformed (%s: %s)' % (host, type(exc).__name__, exc))
            return
        self.ok = True

    def current(self, kind, name):
        """Current id of the account, or None (missing); from the accounts or the name maps."""
        key = key_of(kind, name)
        if key in self.accounts:
            return self.accounts[key]
        if self.names[kind] is not None:
            return self.names[kind].get(name)
        return None

    def holders(self, kind, number, name):
        """Other accounts of ``kind`` holding ``number`` here (names, or a placeholder)."""
        if self.names[kind] is not None:
            return sorted(other for other, value in self.names[kind].items() if value == number and other != name)
        if number in self.used[kind] and self.current(kind, name) != number:
            return ['another %s' % kind]
        return []


def _explicit(explicit, problems):
    """Ordered ``[(key, kind, name, id or None)]`` from the ``explicit`` dict."""
    out = []
    if explicit is None:
        return out
    if not isinstance(explicit, dict):
        problems.append('explicit: expected a dictionary such as {"user/nova": 64060, "group/kvm": null}, got %s'
                        % type(explicit).__name__)
        return out
    for key, value in explicit.items():
        try:
            kind, name = _parse_key(key)
        except ValueError:
            problems.append('explicit: %r is not an account key (expected user/NAME or group/NAME, '
                            'e.g. user/nova)' % (key,))
            continue
        try:
            number = _as_id(value)
        except ValueError:
            problems.append('%s: %r is not an id (expected an integer from 0 to %d, or null to choose one)'
                            % (key, value, MAX_ID))
            continue
        out.append((key, kind, name, number))
    return out


def choose_targets(reports, explicit=None, start=DEFAULT_START, names=None):
    """Target id of each account, the same on every host.

    ``reports``: host -> result of the account_ids module in mode=report.
    ``explicit``: ``{'user/nova': 64060 or None, ...}``; its keys are the
    accounts to choose for (without it, every account of the reports).
    ``names``: account key -> the variable that sets its id; a problem of
    such an account starts with the variable instead of the key.

    For each account, in this order: the explicit id (an error if another
    account of the same kind holds it on some host); else the id most hosts
    already use for it that is free on every host (ties: the lowest); else the
    lowest id >= ``start`` free on every host. An id free on a host is one no
    other account of the same kind holds there. Accounts of one kind never get
    the same id. Raises AccountIdsError listing every problem.
    """
    problems = []
    try:
        start = _as_id(start)
        if start is None:
            raise ValueError(start)
    except ValueError:
        problems.append('start: %r is not an id (expected an integer from 0 to %d)' % (start, MAX_ID))
        start = DEFAULT_START
    if not isinstance(reports, dict) or not reports:
        problems.append('reports: expected a non-empty dictionary host -> result of '
                        'novaops.console_migration.account_ids (mode=report)')
        reports = {}
    views = [_HostView(host, data, problems) for host, data in sorted(reports.items(), key=lambda i: str(i[0]))]
    wanted = _explicit(explicit, problems)
    if problems:
        raise AccountIdsError(problems)
    if explicit is None:
        keys = []
        for view in views:
            for key in view.accounts:
                if key not in keys:
                    keys.append(key)
        wanted = [(key,) + _parse_key(key) + (None,) for key in keys]

    def taken_on(kind, name, number):
        """``[(host, holder)]`` where another account of ``kind`` holds ``number``."""
        return [(view.host, holder) for view in views for holder in view.holders(kind, number, name)]

    names = names if isinstance(names, dict) else {}

    def blame(key, kind, number, text, expected):
        """``KEY: uid N text``, or ``VARIABLE: N (uid of KEY) text (expected ...)`` when a variable sets the id."""
        var, word = names.get(key), ID_WORD[kind]
        if not var:
            return '%s: %s %d %s' % (key, word, number, text)
        return '%s: %d (%s of %s) %s (expected %s)' % (var, number, word, key, text, expected % word)

    chosen = {}
    reserved = {'user': {}, 'group': {}}
    # Explicit ids first: they are not negotiable, the others avoid them.
    for key, kind, name, number in wanted:
        if number is None:
            continue
        for host, holder in taken_on(kind, name, number):
            problems.append(blame(key, kind, number, 'is used by %s %s on %s' % (kind, holder, host),
                                  'a %s free on every compute host, or null to choose one'))
        if number in reserved[kind]:
            other = reserved[kind][number]
            problems.append(blame(key, kind, number, 'is also the target of %s' % names.get(other, other),
                                  'a %s of its own, or null to choose one'))
        reserved[kind].setdefault(number, key)
        chosen[key] = number
    if problems:
        raise AccountIdsError(problems)

    for key, kind, name, number in wanted:
        if number is not None:
            continue
        counts = {}
        for view in views:
            current = view.current(kind, name)
            if current is not None:
                counts[current] = counts.get(current, 0) + 1
        choice = None
        for candidate in sorted(counts, key=lambda n: (-counts[n], n)):
            if candidate not in reserved[kind] and not taken_on(kind, name, candidate):
                choice = candidate
                break
        candidate = start
        while choice is None and candidate <= MAX_ID:
            # Without the name maps, an id used on a host where this account
            # is missing counts as taken; holders() covers both cases.
            if candidate not in reserved[kind] and not taken_on(kind, name, candidate):
                choice = candidate
            candidate += 1
        if choice is None:
            if names.get(key):
                problems.append('%s: not set, and no %s from %d up is free on every host for %s (expected a %s '
                                'free on every compute host)' % (names[key], ID_WORD[kind], start, key, ID_WORD[kind]))
            else:
                problems.append('%s: no %s from %d up is free on every host' % (key, ID_WORD[kind], start))
            continue
        reserved[kind][choice] = key
        chosen[key] = choice
    if problems:
        raise AccountIdsError(problems)
    return dict((key, chosen[key]) for key, dummy, dummy2, dummy3 in wanted)
