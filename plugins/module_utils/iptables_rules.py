# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""Parse, compare, render and edit IPv4 iptables rules and iptables-save files.

Pure Python, no Ansible imports, so that everything here can be unit tested
on its own.  The ``firewall_ports`` module is the thin layer that runs the
commands.

* :class:`Rule` is one rule of a chain, read from the tokens of an
  ``iptables -S`` / ``iptables-save`` line (or built from the module's
  arguments).  Two rules are equal when they mean the same thing to the
  kernel as far as the module cares (chain, input interface, source,
  protocol, destination port, conntrack state, target and REJECT type)
  and carry the same ``-m comment``.  A rule of this collection carries
  ``--comment "novaops.console_migration: OWNER/NAME"``, in the kernel's
  ruleset, so ``iptables-save`` keeps the mark.  So
  ``-A INPUT -m state --state NEW -m tcp -p tcp --dport 6080 -j ACCEPT``
  (the form of the install guides, which is the form the module writes)
  equals ``-A INPUT -p tcp -m state --state NEW -m tcp --dport 6080 -j
  ACCEPT`` (the order ``iptables-save`` prints).  Anything else a rule
  matches on is kept verbatim in the key, so such rules only equal
  themselves.
* :class:`SaveFile` keeps the raw lines of an iptables-save / iptables-restore
  file, finds the ``*filter`` block, its ``INPUT`` rules and the old scheme's
  marker lines (``# novaops.console_migration owner=<owner> name=<name>``)
  right above them, and edits only inside that block.  Untouched lines are
  rendered back byte for byte.
* :func:`plan_insertions` decides where new rules go: after
  ``-A INPUT -i lo -j ACCEPT`` and right before the first ``REJECT``/``DROP``
  rule that follows it (the end of the chain if there is none).
* :func:`build_wanted`, :func:`legacy_owned`, :func:`plan_live` and
  :func:`edit_file` are the steps of one module run.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import collections
import ipaddress
import re
import shlex
# For the type comments.
from typing import Dict, List, Optional, Sequence, Set, Tuple  # noqa: F401, pylint: disable=unused-import

from ansible_collections.novaops.console_migration.plugins.module_utils.common import LineError


MARKER_PREFIX = '# novaops.console_migration'
COMMENT_PREFIX = 'novaops.console_migration: '
COMMENT_RE = re.compile(r'^novaops\.console_migration: ([a-z0-9_]+)/([a-z0-9_]+)$')
NAME_PATTERN = r'^[a-z0-9_]+$'
NAME_RE = re.compile(NAME_PATTERN)
MARKER_RE = re.compile(r'^# novaops\.console_migration owner=([a-z0-9_]+) name=([a-z0-9_]+)[ \t]*$')
PROTOCOLS = ('tcp', 'udp')
BLOCK_TARGETS = ('REJECT', 'DROP')
REJECT_WITH = {'tcp': 'tcp-reset', 'udp': 'icmp-port-unreachable'}
DEFAULT_REJECT_WITH = 'icmp-port-unreachable'

_LINE_RE = re.compile(r'[^\n]*\n|[^\n]+\Z')
_PORT_RE = re.compile(r'^([0-9]+)(?:([:-])([0-9]+))?$')
_COUNTERS_RE = re.compile(r'^\[[0-9]+:[0-9]+\]$')
_PROTOCOL_NUMBERS = {'6': 'tcp', '17': 'udp', '1': 'icmp'}


class IptablesError(LineError):
    """A rule or file that cannot be read; ``lineno`` is 1-based when known."""


# -- small helpers -------------------------------------------------------------

def tokenize(text):
    # type: (str) -> List[str]
    """Split one rule line into tokens, honouring iptables-save's quoting."""
    try:
        return shlex.split(text)
    except ValueError:  # unbalanced quotes: never fatal, the tokens only go to the key
        return text.split()


def parse_port(value):
    # type: (object) -> Tuple[int, int]
    """``(low, high)`` for a port number or an ``N:M`` / ``N-M`` range.

    Accepts an int or a string.  Raises ``ValueError`` for anything else,
    ports outside 1-65535 and ranges with N > M.
    """
    if isinstance(value, bool):
        raise ValueError('not a port: %r' % (value,))
    if isinstance(value, int):
        low = high = value
    elif isinstance(value, str):
        match = _PORT_RE.match(value.strip())
        if not match:
            raise ValueError('not a port or port range: %r' % (value,))
        low = int(match.group(1))
        high = int(match.group(3)) if match.group(3) is not None else low
    else:
        raise ValueError('not a port: %r' % (value,))
    if not 1 <= low <= 65535 or not 1 <= high <= 65535:
        raise ValueError('port out of range 1-65535: %r' % (value,))
    if low > high:
        raise ValueError('first port greater than last port: %r' % (value,))
    return low, high


def format_port(port):
    # type: (object) -> str
    """``6080`` or ``5900:5999`` for a ``(low, high)`` tuple; other values as str."""
    if isinstance(port, tuple) and len(port) == 2:
        return str(port[0]) if port[0] == port[1] else '%d:%d' % port
    return str(port)


def _port_key(text):
    # type: (str) -> object
    """Key of a ``--dport`` value as iptables prints it; unknown forms stay strings."""
    match = _PORT_RE.match(text)
    if match and match.group(2) in (None, ':'):
        low = int(match.group(1))
        high = int(match.group(3)) if match.group(3) is not None else low
        return (low, high)
    return text


def parse_source(value, ipv6=False):
    # type: (str, bool) -> ipaddress.IPv4Network
    """Strictly parse a source given by the user: an IPv4 (or with ``ipv6`` IPv6) address or network.

    Raises ``ValueError`` with a message that explains the expected form.
    """
    text = value.strip() if isinstance(value, str) else value
    if not isinstance(text, str) or not text:
        raise ValueError('must be an IPv4 address (192.168.1.10) or network in CIDR form (192.168.1.0/24), got %r'
                         % (value,))
    try:
        network = ipaddress.ip_network(text, strict=True)
    except ValueError:
        try:
            loose = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise ValueError('%r is not an IPv4 address (192.168.1.10) or network in CIDR form (192.168.1.0/24)'
                             % (value,))
        if loose.version == 4 or ipv6:
            raise ValueError('%r has host bits set; give the network (%s) or a plain address (%s)'
                             % (value, loose, text.split('/')[0]))
        network = loose
    if network.version != 4 and not ipv6:
        raise ValueError('%r is an IPv6 address or network; only IPv4 is supported' % (value,))
    if network.prefixlen == 0:
        raise ValueError('%r means any source; leave sources empty instead' % (value,))
    return network


def format_source(network):
    # type: (ipaddress.IPv4Network) -> str
    """A single address without ``/32``, a network in CIDR form."""
    if network.prefixlen == network.max_prefixlen:
        return str(network.network_address)
    return str(network)


def _rule_source(text):
    # type: (str) -> object
    """Source of an existing rule as the kernel sees it; None for any."""
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return text  # host names, comma lists: compared verbatim
    if network.version != 4:
        return text
    if network.prefixlen == 0:
        return None
    return network


def comment_text(owner, name):
    # type: (str, str) -> str
    """The rule comment that marks a rule of ``owner``: ``novaops.console_migration: OWNER/NAME``."""
    return '%s%s/%s' % (COMMENT_PREFIX, owner, name)


def parse_comment(text):
    # type: (Optional[str]) -> Optional[Tuple[str, str]]
    """``(owner, name)`` of a rule comment of this collection, or None."""
    match = COMMENT_RE.match(text or '')
    return (match.group(1), match.group(2)) if match else None


def marker_line(owner, name):
    # type: (str, str) -> str
    """The marker comment (without line ending) that precedes an owned rule."""
    return '%s owner=%s name=%s' % (MARKER_PREFIX, owner, name)


def parse_marker(line):
    # type: (str) -> Optional[Tuple[str, str]]
    """``(owner, name)`` of a marker comment line, or None."""
    match = MARKER_RE.match(line.rstrip('\r\n'))
    return (match.group(1), match.group(2)) if match else None


# -- rules ---------------------------------------------------------------------

class Rule:
    """One iptables rule; equality and hashing use :attr:`key`.

    Build one with :meth:`parse` / :meth:`from_tokens` (existing rules) or
    :meth:`accept` / :meth:`reject` (rules the module wants).
    """

    def __init__(self, chain='INPUT', source=None, protocol=None, dport=None, states=None, target=None,
                 reject_with=None, in_interface=None, extra=(), tokens=None, text=None, comment=None):
        self.chain = chain
        self.source = source                # IPv4Network, None (any) or an unparsed string
        self.protocol = protocol            # 'tcp', 'udp', ... or None
        self.dport = dport                  # (low, high), an unparsed string, or None
        self.states = states                # frozenset of conntrack states or None
        self.target = target
        self.reject_with = reject_with
        self.in_interface = in_interface
        self.extra = tuple(extra)           # everything else, verbatim and in order
        self.tokens = list(tokens) if tokens is not None else None  # as read, counters stripped
        self.text = text                    # the line as read, if any
        self.comment = comment              # the -m comment text or None

    # -- construction -----------------------------------------------------

    @classmethod
    def accept(cls, protocol, port, source=None, comment=None):
        # type: (str, Tuple[int, int], Optional[ipaddress.IPv4Network], Optional[str]) -> Rule
        """The guide's rule: NEW connections to ``port`` from ``source`` (any if None)."""
        return cls(source=source, protocol=protocol, dport=tuple(port), states=frozenset(['NEW']), target='ACCEPT',
                   comment=comment)

    @classmethod
    def reject(cls, protocol, port, comment=None):
        # type: (str, Tuple[int, int], Optional[str]) -> Rule
        """Refuse NEW connections to ``port`` from everybody not accepted before.

        Only NEW: packets of connections an ACCEPT let in (which match only
        their first packet) must not be reset afterwards.
        """
        return cls(protocol=protocol, dport=tuple(port), states=frozenset(['NEW']), target='REJECT',
                   reject_with=REJECT_WITH[protocol], comment=comment)

    @classmethod
    def parse(cls, line):
        # type: (str) -> Rule
        """Rule of one ``-A CHAIN ...`` line (``iptables -S`` or iptables-save)."""
        rule = cls.from_tokens(tokenize(line.strip()))
        rule.text = line.strip()
        return rule

    @classmethod
    def from_tokens(cls, tokens):
        # type: (Sequence[str]) -> Rule
        tokens = list(tokens)
        if tokens and _COUNTERS_RE.match(tokens[0]):
            tokens = tokens[1:]
        fields = dict(chain=None, source=None, protocol=None, dport=None, states=None, target=None,
                      reject_with=None, in_interface=None, comment=None)
        for index, token in enumerate(tokens[:-1]):
            if token == '--comment' and (index == 0 or tokens[index - 1] != '!'):
                fields['comment'] = tokens[index + 1]
        matches = []
        extra = []
        if '!' in tokens:
            # Negations are kept verbatim: such a rule only equals itself.
            for index, token in enumerate(tokens[:-1]):
                if token in ('-A', '--append'):
                    fields['chain'] = tokens[index + 1]
                elif token in ('-j', '--jump'):
                    fields['target'] = tokens[index + 1]
            extra = tokens[2:] if len(tokens) >= 2 and tokens[0] in ('-A', '--append') else tokens
            return cls(extra=extra, tokens=tokens, **fields)

        index = 0
        count = len(tokens)

        def value():
            if index + 1 >= count:
                raise IptablesError('option %s needs a value' % tokens[index])
            return tokens[index + 1]

        while index < count:
            token = tokens[index]
            step = 2
            if token in ('-A', '--append'):
                fields['chain'] = value()
            elif token in ('-s', '--source', '--src'):
                source = _rule_source(value())
                if isinstance(source, str):
                    extra.extend([token, source])
                else:
                    fields['source'] = source
            elif token in ('-p', '--protocol'):
                protocol = value().lower()
                protocol = _PROTOCOL_NUMBERS.get(protocol, protocol)
                fields['protocol'] = None if protocol == 'all' else protocol
            elif token in ('-i', '--in-interface'):
                fields['in_interface'] = value()
            elif token in ('-m', '--match'):
                module = value()
                if module in ('tcp', 'udp', 'state', 'conntrack', 'comment'):
                    matches.append(module)
                else:
                    extra.extend([token, module])
            elif token in ('--state', '--ctstate'):
                fields['states'] = frozenset(value().upper().split(','))
            elif token in ('--dport', '--destination-port'):
                fields['dport'] = _port_key(value())
            elif token in ('-j', '--jump'):
                fields['target'] = value()
            elif token == '--comment':
                pass  # read above
            elif token == '--reject-with':
                fields['reject_with'] = value()
            elif token in ('-c', '--set-counters'):
                step = 3
            else:
                extra.append(token)
                step = 1
            index += step
        for module in matches:
            # -m tcp / -m udp are implied by -p tcp / -p udp for --dport.
            if module in PROTOCOLS and module != fields['protocol']:
                extra.extend(['-m', module])
        if fields['target'] == 'REJECT' and fields['reject_with'] is None:
            fields['reject_with'] = DEFAULT_REJECT_WITH
        return cls(extra=extra, tokens=tokens, **fields)

    # -- comparison -------------------------------------------------------

    @property
    def key(self):
        # type: () -> tuple
        source = self.source
        if source is not None and not isinstance(source, str):
            source = str(source)
        states = tuple(sorted(self.states)) if self.states is not None else None
        return (self.chain, self.in_interface, source, self.protocol, self.dport, states, self.target,
                self.reject_with, self.extra, self.comment)

    @property
    def bare_key(self):
        # type: () -> tuple
        """:attr:`key` without the comment: what the rule does."""
        return self.key[:-1]

    @property
    def owner(self):
        # type: () -> Optional[str]
        """The owner named by the rule's comment, or None."""
        mark = parse_comment(self.comment)
        return mark[0] if mark else None

    def __eq__(self, other):
        if not isinstance(other, Rule):
            return NotImplemented
        return self.key == other.key

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self):
        return hash(self.key)

    def __repr__(self):
        return 'Rule(%r)' % self.render()

    @property
    def is_block(self):
        # type: () -> bool
        """Whether the rule refuses traffic (REJECT or DROP target)."""
        return self.target in BLOCK_TARGETS

    @property
    def is_loopback_accept(self):
        # type: () -> bool
        """Whether this is ``-A INPUT -i lo -j ACCEPT`` (and nothing more)."""
        return (self.in_interface == 'lo' and self.target == 'ACCEPT' and self.source is None
                and self.protocol is None and self.dport is None and self.states is None and not self.extra)

    def same_port(self, other):
        # type: (Rule) -> bool
        """Whether both rules are about the same protocol and destination port(s)."""
        return (self.dport is not None and self.chain == other.chain and self.protocol == other.protocol
                and self.dport == other.dport)

    @property
    def simple(self):
        # type: () -> bool
        """Whether :meth:`render` can write the rule in the guide's form."""
        return (self.chain is not None and self.in_interface is None and not self.extra
                and not isinstance(self.source, str) and self.protocol in PROTOCOLS and self.dport is not None
                and self.target is not None and not re.search(r'["\\]', self.comment or ''))

    # -- rendering --------------------------------------------------------

    def render(self):
        # type: () -> str
        """The rule as an ``-A CHAIN ...`` line.

        Accepts with a state use the guide's form
        ``-A INPUT [-s SRC] -m state --state NEW -m tcp -p tcp --dport P -j ACCEPT``,
        other simple rules ``-A INPUT [-s SRC] -p tcp -m tcp --dport P -j TARGET [--reject-with X]``.
        Rules the module cannot write in those forms are rendered as read.
        """
        spec = self.spec()
        if not self.simple:
            spec = [token if token == '!' else shlex.quote(token) for token in spec]
        elif self.comment is not None:
            # iptables-save quotes with double quotes; the comments written here need no escapes.
            spec = ['"%s"' % token if token == self.comment and ' ' in token else token for token in spec]
        return ' '.join(['-A', str(self.chain)] + spec)

    def spec(self):
        # type: () -> List[str]
        """The rule's tokens after ``-A CHAIN`` (unquoted), for ``iptables -I/-D CHAIN``."""
        if not self.simple:
            tokens = list(self.tokens or [])
            if len(tokens) >= 2 and tokens[0] in ('-A', '--append'):
                tokens = tokens[2:]
            return tokens
        parts = []
        if self.source is not None:
            parts += ['-s', format_source(self.source)]
        if self.states is not None:
            parts += ['-m', 'state', '--state', ','.join(sorted(self.states))]
            parts += ['-m', self.protocol, '-p', self.protocol]
        else:
            parts += ['-p', self.protocol, '-m', self.protocol]
        parts += ['--dport', format_port(self.dport)]
        if self.comment is not None:
            parts += ['-m', 'comment', '--comment', self.comment]
        parts += ['-j', self.target]
        if self.reject_with is not None:
            parts += ['--reject-with', self.reject_with]
        return parts

    def describe(self):
        # type: () -> str
        """Short text for messages, e.g. ``tcp port 6080 from 10.0.0.0/24``."""
        port = format_port(self.dport)
        what = '%s port%s %s' % (self.protocol, 's' if ':' in port else '', port)
        if self.target == 'REJECT':
            return 'reject of %s' % what
        source = 'any source' if self.source is None else format_source(self.source)
        return '%s from %s' % (what, source)


def parse_listing(text, chain='INPUT'):
    # type: (str, str) -> Tuple[Optional[str], List[Rule]]
    """Policy and rules of ``chain`` in ``iptables -S CHAIN`` output.

    Lines of other chains and anything that is not ``-P``/``-A`` (warnings
    of the nft backend, for example) are ignored.
    """
    policy = None
    rules = []
    for lineno, line in enumerate(text.splitlines(), 1):
        tokens = tokenize(line.strip())
        if len(tokens) >= 3 and tokens[0] == '-P' and tokens[1] == chain:
            policy = tokens[2]
        elif len(tokens) >= 2 and tokens[0] in ('-A', '--append') and tokens[1] == chain:
            try:
                rules.append(Rule.parse(line))
            except IptablesError as exc:
                raise IptablesError(exc.message, lineno, line)
    return policy, rules


def plan_insertions(rules, new_rules):
    # type: (Sequence[Rule], Sequence[Rule]) -> List[Tuple[int, Rule]]
    """Where to insert ``new_rules`` into the chain ``rules``.

    Returns ``(index, rule)`` pairs, 0-based, to be applied one after the
    other (each index counts the rules inserted before it).  New rules go,
    in the given order, right before the first REJECT/DROP rule after
    ``-i lo -j ACCEPT`` (after the last rule if there is none).  Two
    exceptions keep the meaning right when rules of the same port already
    exist: an ACCEPT never goes below a REJECT/DROP of the same protocol and
    port, a REJECT never goes above an ACCEPT of the same protocol and port.
    """
    chain = list(rules)
    start = 0
    for index, rule in enumerate(chain):
        if rule.is_loopback_accept:
            start = index + 1
            break
    cursor = len(chain)
    for index in range(start, len(chain)):
        if chain[index].is_block:
            cursor = index
            break
    plan = []
    for new in new_rules:
        position = cursor
        if new.is_block:
            for index, rule in enumerate(chain):
                if rule.target == 'ACCEPT' and rule.same_port(new):
                    position = max(position, index + 1)
        else:
            for index, rule in enumerate(chain):
                if rule.is_block and rule.same_port(new):
                    position = min(position, index)
                    break
        chain.insert(position, new)
        plan.append((position, new))
        if position <= cursor:
            cursor += 1
    return plan


# -- iptables-save files -------------------------------------------------------

Marker = collections.namedtuple('Marker', 'owner name index')
Entry = collections.namedtuple('Entry', 'index rule markers')


class SaveFile:
    """An iptables-save / iptables-restore file, edited in its ``*filter`` block.

    ``lines`` are the physical lines with their line endings; everything not
    edited renders back exactly as parsed.
    """

    def __init__(self, lines=None):
        # type: (Optional[List[str]]) -> None
        self.lines = list(lines or [])

    @classmethod
    def parse(cls, text):
        # type: (str) -> SaveFile
        """Parse ``text``; raise :class:`IptablesError` for a broken ``*filter`` block."""
        save = cls(_LINE_RE.findall(text))
        save.filter_range()
        save.entries()
        return save

    @classmethod
    def minimal(cls, input_policy='ACCEPT'):
        # type: (str) -> SaveFile
        """An empty ``*filter`` table with the given INPUT policy."""
        return cls(['*filter\n', ':INPUT %s [0:0]\n' % input_policy, ':FORWARD ACCEPT [0:0]\n',
                    ':OUTPUT ACCEPT [0:0]\n', 'COMMIT\n'])

    def copy(self):
        # type: () -> SaveFile
        return SaveFile(self.lines)

    def render(self):
        # type: () -> str
        return ''.join(self.lines)

    # -- queries ----------------------------------------------------------

    def filter_range(self):
        # type: () -> Optional[Tuple[int, int]]
        """Indexes of the ``*filter`` line and of its ``COMMIT`` line, or None."""
        found = None
        table = None
        start = None
        for index, line in enumerate(self.lines):
            text = line.strip()
            if text.startswith('*'):
                if table == 'filter':
                    raise IptablesError('*filter table has no COMMIT before the next table', start + 1)
                table = text[1:].strip()
                start = index
                if table == 'filter' and found is not None:
                    raise IptablesError('second *filter table (the first one starts at line %d)'
                                        % (found[0] + 1), index + 1)
            elif text == 'COMMIT':
                if table == 'filter':
                    found = (start, index)
                table = None
        if table == 'filter':
            raise IptablesError('*filter table has no COMMIT', start + 1)
        return found

    def entries(self):
        # type: () -> List[Entry]
        """The INPUT rules of the ``*filter`` block with the markers above each."""
        bounds = self.filter_range()
        if bounds is None:
            return []
        start, end = bounds
        result = []
        for index in range(start + 1, end):
            text = self.lines[index].strip()
            tokens = tokenize(text) if '-A' in text or '--append' in text else []
            if tokens and _COUNTERS_RE.match(tokens[0]):
                tokens = tokens[1:]
            if len(tokens) < 2 or tokens[0] not in ('-A', '--append') or tokens[1] != 'INPUT':
                continue
            try:
                rule = Rule.from_tokens(tokens)
            except IptablesError as exc:
                raise IptablesError(exc.message, index + 1, self.lines[index].rstrip('\r\n'))
            markers = []
            above = index - 1
            while above > start:
                marker = parse_marker(self.lines[above])
                if marker is None:
                    break
                markers.insert(0, Marker(marker[0], marker[1], above))
                above -= 1
            result.append(Entry(index, rule, markers))
        return result

    def owned(self, owner):
        # type: (str) -> List[Entry]
        """The INPUT rules that carry a marker of ``owner``."""
        return [entry for entry in self.entries() if any(m.owner == owner for m in entry.markers)]

    # -- edits ------------------------------------------------------------

    def insert(self, position, rule, marker=None):
        # type: (int, Rule, Optional[Tuple[str, str]]) -> None
        """Insert ``rule`` as INPUT rule number ``position`` (0-based).

        Before an existing rule the new lines go above the comment lines
        directly over it (its markers, an operator's note), so that those
        stay attached to their rule.  At the end of the chain they go right
        after the last INPUT rule, or after the chain declarations if INPUT
        has no rule.  ``marker`` is ``(owner, name)`` for an owned rule.
        """
        bounds = self.filter_range()
        if bounds is None:
            raise IptablesError('no *filter table to insert into')
        start, end = bounds
        entries = self.entries()
        if position < len(entries):
            index = entries[position].index
            while index - 1 > start and self.lines[index - 1].lstrip().startswith('#'):
                index -= 1
        elif entries:
            index = entries[-1].index + 1
        else:
            index = start + 1
            for candidate in range(start + 1, end):
                if self.lines[candidate].lstrip().startswith(':'):
                    index = candidate + 1
        if index > 0 and not self.lines[index - 1].endswith('\n'):
            self.lines[index - 1] += '\n'
        new = [rule.render() + '\n']
        if marker is not None:
            new.insert(0, marker_line(*marker) + '\n')
        self.lines[index:index] = new

    def append(self, other):
        # type: (SaveFile) -> None
        """Append the lines of ``other`` (a ``*filter`` block) to this file."""
        if self.lines and not self.lines[-1].endswith('\n'):
            self.lines[-1] += '\n'
        self.lines.extend(other.lines)


# -- the steps of one module run ----------------------------------------------

class Wanted:
    """A rule the caller wants, with the name of the entry of O(rules) it comes from."""

    def __init__(self, name, rule):
        # type: (str, Rule) -> None
        self.name = name
        self.rule = rule

    def __repr__(self):
        return 'Wanted(%r, %r)' % (self.name, self.rule.render())


def _insertions(rules, wanted):
    """(position, rule) insertions for the rules of ``wanted`` that ``rules`` does not satisfy yet."""
    missing = []
    for item in wanted:
        if not _satisfied(rules + missing, item.rule):
            missing.append(item.rule)
    return plan_insertions(rules, missing)


def _name_error(label, value):
    # type: (str, object) -> str
    return '%s must match %s (lower case letters, digits and _), got %r' % (label, NAME_PATTERN, value)


def check_name(label, value):
    # type: (str, object) -> str
    """Return ``value`` if it is a valid owner/rule name, else raise ValueError."""
    if not isinstance(value, str) or not NAME_RE.match(value):
        raise ValueError(_name_error(label, value))
    return value


def build_wanted(items, reject_others=True, owner=None, ipv6=False):
    # type: (Sequence[dict], bool, Optional[str], bool) -> List[Wanted]
    """Validate the module's O(rules) and return the wanted rules.

    Every ACCEPT comes first, in the order of ``items`` and of their
    sources; then the REJECT rules of the entries that have sources (when
    ``reject_others``), so that no REJECT of ours is above an ACCEPT of ours.
    With ``owner``, each rule carries the comment ``OWNER/NAME``.
    Raises ``ValueError`` naming ``rules[i].field``.
    """
    accepts = []
    rejects = []
    names = {}
    seen = {}
    for number, item in enumerate(items):
        label = 'rules[%d]' % number
        name = item.get('name')
        if name is None:
            raise ValueError('%s.name is required (a label such as novnc that matches %s)' % (label, NAME_PATTERN))
        check_name('%s.name' % label, name)
        if name in names:
            raise ValueError('%s.name %r is already used by rules[%d]' % (label, name, names[name]))
        names[name] = number

        port = item.get('port')
        if port is None:
            raise ValueError('%s.port is required: a port number 1-65535 or a range N:M (or N-M)' % label)
        try:
            port = parse_port(port)
        except ValueError:
            raise ValueError('%s.port must be a port number 1-65535 or a range N:M (or N-M) with N <= M, got %r'
                             % (label, item.get('port')))

        protocol = item.get('protocol')
        protocol = 'tcp' if protocol is None else protocol
        if protocol not in PROTOCOLS:
            raise ValueError('%s.protocol must be tcp or udp, got %r' % (label, protocol))

        sources = item.get('sources') or []
        if not isinstance(sources, (list, tuple)):
            raise ValueError('%s.sources must be a list of IPv4 addresses or networks, got %r' % (label, sources))
        networks = []
        for position, source in enumerate(sources):
            source_label = '%s.sources[%d]' % (label, position)
            try:
                network = parse_source(source, ipv6)
            except ValueError as exc:
                raise ValueError('%s: %s' % (source_label, exc))
            if network in networks:
                raise ValueError('%s: %s repeats %s.sources[%d]'
                                 % (source_label, format_source(network), label, networks.index(network)))
            networks.append(network)

        comment = comment_text(owner, name) if owner else None
        for network in networks or [None]:
            rule = Rule.accept(protocol, port, network, comment)
            if rule.bare_key in seen:
                first = seen[rule.bare_key]
                raise ValueError('%s (%s): %s is already given by rules[%d] (%s)'
                                 % (label, name, rule.describe(), first, items[first]['name']))
            seen[rule.bare_key] = number
            accepts.append(Wanted(name, rule))
        if networks and reject_others:
            rule = Rule.reject(protocol, port, comment)
            if rule.bare_key not in seen:
                seen[rule.bare_key] = number
                rejects.append(Wanted(name, rule))
    return accepts + rejects


def legacy_owned(save, owner):
    # type: (SaveFile, str) -> collections.Counter
    """Bare keys of the file's rules that only ``owner``'s marker comment lines mark (the old scheme)."""
    found = collections.Counter()
    for entry in save.entries():
        if entry.rule.comment is None and entry.markers and all(m.owner == owner for m in entry.markers):
            found[entry.rule.bare_key] += 1
    return found


def _satisfied(chain, rule):
    # type: (Sequence[Rule], Rule) -> bool
    """Whether ``chain`` has ``rule``, or the same rule without any comment of this collection."""
    return any(r.key == rule.key or (r.bare_key == rule.bare_key and parse_comment(r.comment) is None)
               for r in chain)


LivePlan = collections.namedtuple('LivePlan', 'replaces deletes inserts chain')


def plan_live(rules, wanted, owner, legacy=None, purge=True):
    # type: (Sequence[Rule], Sequence[Wanted], str, Optional[Dict[tuple, int]], bool) -> LivePlan
    """Changes to the live INPUT chain ``rules`` for ``owner``.

    * ``legacy`` (:func:`legacy_owned`): live rules without a comment that
      the old file markers give to ``owner`` are adopted in place (a
      ``replaces`` entry, ``iptables -R``) when wanted, else deleted.
    * With ``purge``, rules with ``owner``'s comment that are not wanted
      (or repeat a wanted one) are deleted.
    * Wanted rules the chain lacks are inserted (:func:`plan_insertions`),
      unless a rule that does the same carries no comment of this
      collection (the operator's): that one is left alone.

    Returns ``replaces`` (``(1-based position, rule)``), ``deletes`` (live
    rules for ``iptables -D``), ``inserts`` (``(1-based position, rule)``
    for ``iptables -I``), each in order, and ``chain``, the chain afterwards.
    """
    chain = list(rules)
    legacy = collections.Counter(legacy or {})
    by_bare = dict((w.rule.bare_key, w.rule) for w in wanted)
    replaces = []
    stale = []
    for index, rule in enumerate(chain):
        if rule.comment is None and legacy.get(rule.bare_key, 0) > 0:
            legacy[rule.bare_key] -= 1
            new = by_bare.get(rule.bare_key)
            if new is not None and not any(r.key == new.key for r in chain):
                chain[index] = new
                replaces.append((index + 1, new))
            elif purge:
                stale.append(rule)
    wanted_keys = set(w.rule.key for w in wanted)
    seen = set()
    for rule in chain:
        if rule.owner == owner:
            if purge and (rule.key not in wanted_keys or rule.key in seen):
                stale.append(rule)
            seen.add(rule.key)
    deletes = []
    for rule in stale:
        chain.remove(rule)  # the first equal rule, like iptables -D
        deletes.append(rule)
    inserts = []
    for position, rule in _insertions(chain, wanted):
        chain.insert(position, rule)
        inserts.append((position + 1, rule))
    return LivePlan(replaces, deletes, inserts, chain)


FileEdit = collections.namedtuple('FileEdit', 'added removed marked')


def edit_file(save, owner, wanted, purge=True):
    # type: (SaveFile, str, Sequence[Wanted], bool) -> FileEdit
    """Bring the ``*filter`` block of ``save`` in line with ``wanted``, as :func:`plan_live` does live.

    * ``owner``'s old marker lines go.  A line only they marked is rewritten
      with ``owner``'s comment when wanted, else removed (with ``purge``);
      a line other owners' markers still mark stays as it is.
    * With ``purge``, lines with ``owner``'s comment that are not wanted
      (or repeat a wanted one) are removed.
    * A wanted rule the file lacks is inserted (see :func:`plan_insertions`),
      unless a line without a comment of this collection does the same.

    Lines of other rules, other chains and tables are kept byte for byte.
    Returns ``added`` and ``removed`` rules and ``marked``, the number of
    lines that only changed their mark.
    """
    by_bare = dict((w.rule.bare_key, w.rule) for w in wanted)
    wanted_keys = set(w.rule.key for w in wanted)
    removed = []
    marked = 0
    # The old scheme: marker lines above the rule.
    while True:
        entry = next((e for e in save.entries() if any(m.owner == owner for m in e.markers)), None)
        if entry is None:
            break
        mine = [m for m in entry.markers if m.owner == owner]
        only_mine = len(mine) == len(entry.markers) and entry.rule.comment is None
        new = by_bare.get(entry.rule.bare_key) if only_mine else None
        present = any(e.rule.key == new.key for e in save.entries()) if new is not None else True
        if only_mine and new is not None and not present:
            save.lines[entry.index] = new.render() + '\n'
            marked += 1
        elif only_mine and purge:
            removed.append(entry.rule)
            del save.lines[entry.index]
        for marker in sorted(mine, key=lambda m: m.index, reverse=True):
            del save.lines[marker.index]
    for entry in reversed(save.entries()):
        if entry.rule.owner == owner and purge:
            first = not any(e.rule.key == entry.rule.key for e in save.entries() if e.index < entry.index)
            if entry.rule.key not in wanted_keys or not first:
                removed.append(entry.rule)
                del save.lines[entry.index]
    removed.reverse()
    added = []
    for position, rule in _insertions([entry.rule for entry in save.entries()], wanted):
        save.insert(position, rule)
        added.append(rule)
    return FileEdit(added, removed, marked)
