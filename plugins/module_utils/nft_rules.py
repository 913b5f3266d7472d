# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""The nftables backend of ``firewall_ports``: pure Python, no Ansible imports.

The rules of each owner live in their own base chain of the collection's
own table, ``table inet novaops_console_migration``::

    chain compute_console {
        type filter hook input priority filter - 10; policy accept;
        ip saddr 10.0.0.5 tcp dport 5900-5999 ct state new accept comment "novaops.console_migration: compute_console/displays"
        tcp dport 5900-5999 ct state new reject with tcp reset comment "novaops.console_migration: compute_console/displays"
    }

The chain runs before the host's own ``filter`` chains.  Its REJECT decides
for every other source (a reject is final in every table); its ACCEPT only
ends this chain, so the host's own input chains still see the packet: with
Debian's default ``/etc/nftables.conf`` (policy accept) it passes, and under
a host chain with policy drop it does not (:func:`dropping_input_chains`
finds those, the module warns).

:func:`script` is both what ``nft -f`` applies atomically and the persisted
file, included from the distribution's nftables config after its
``flush ruleset``.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re

from ansible_collections.novaops.console_migration.plugins.module_utils.iptables_rules import format_source

TABLE = 'novaops_console_migration'
FAMILY = 'inet'
PRIORITY = 'filter - 10'
FILE_PREFIX = 'novaops_console_migration-'

_CHAIN_RE = re.compile(r'^\s*chain\s+(\S+)\s*\{\s*$')
_TABLE_RE = re.compile(r'^\s*table\s+(\S+)\s+(\S+)\s*\{\s*$')
_HOOK_RE = re.compile(r'\btype\s+filter\s+hook\s+input\b.*\bpolicy\s+drop\s*;')


def rule_text(rule):
    """One nft rule, in the form ``nft list`` prints it, for a :class:`iptables_rules.Rule` we want."""
    parts = []
    if rule.source is not None:
        parts += ['ip6' if rule.source.version == 6 else 'ip', 'saddr', format_source(rule.source)]
    low, high = rule.dport
    parts += [rule.protocol, 'dport', str(low) if low == high else '%d-%d' % (low, high), 'ct', 'state', 'new']
    if rule.target == 'ACCEPT':
        parts.append('accept')
    else:
        parts += ['reject', 'with', 'tcp', 'reset'] if rule.protocol == 'tcp' else ['reject']
    parts += ['comment', '"%s"' % rule.comment]
    return ' '.join(parts)


def chain_header():
    return 'type filter hook input priority %s; policy accept;' % PRIORITY


def script(owner, lines):
    """The ``nft -f`` text that makes the chain of ``owner`` hold exactly ``lines``."""
    body = ''.join('\t\t%s\n' % line for line in lines)
    return ('# novaops.console_migration: the rules of %(owner)s\n'
            'table %(family)s %(table)s {\n\tchain %(owner)s {\n\t\t%(header)s\n\t}\n}\n'
            'flush chain %(family)s %(table)s %(owner)s\n'
            'table %(family)s %(table)s {\n\tchain %(owner)s {\n%(body)s\t}\n}\n'
            % dict(owner=owner, family=FAMILY, table=TABLE, header=chain_header(), body=body))


def delete_script(owner):
    return 'delete chain %s %s %s\n' % (FAMILY, TABLE, owner)


def parse_chain(text):
    """The rule lines of ``nft list chain`` output (without the chain header, handles or counters)."""
    lines = []
    for line in text.splitlines():
        line = re.sub(r'\s+#\s*handle\s+\d+\s*$', '', line.strip())
        if (not line or line.startswith(('table ', 'chain ', 'type ', '}', '#', 'policy '))
                or line.endswith('{')):
            continue
        lines.append(re.sub(r'\s+', ' ', line))
    return lines


def dropping_input_chains(text):
    """``family table chain`` of the input base chains with policy drop in ``nft list chains``, ours aside."""
    found = []
    table = chain = None
    for line in text.splitlines():
        match = _TABLE_RE.match(line)
        if match:
            table, chain = match.group(1) + ' ' + match.group(2), None
            continue
        match = _CHAIN_RE.match(line)
        if match:
            chain = match.group(1)
            continue
        if table and chain and _HOOK_RE.search(line) and table != '%s %s' % (FAMILY, TABLE):
            found.append('%s %s' % (table, chain))
    return found


def include_line(directory):
    return 'include "%s/%s*.nft"' % (directory.rstrip('/'), FILE_PREFIX)


def with_include(config, directory):
    """``config`` (the main nftables config) with the include of the collection's files at its end."""
    line = include_line(directory)
    if any(existing.strip() == line for existing in config.splitlines()):
        return config
    if config and not config.endswith('\n'):
        config += '\n'
    if not config:
        config = '#!/usr/sbin/nft -f\n'
    return config + '# novaops.console_migration: its firewall rules (firewall_ports)\n' + line + '\n'
