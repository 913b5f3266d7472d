# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""The firewalld backend of ``firewall_ports``: pure Python, no Ansible imports.

Each owner has its own firewalld policy (firewalld 0.9 or later) from every
zone to the host (``ingress-zones: ANY``, ``egress-zones: HOST``, priority
-1, so before the zones).  Everything in that policy is the collection's:
its rich rules are the record of ownership, kept by firewalld itself.
Accepts come first; the reject of other sources has ``priority="1"``, after
them.  The zones, their services and ports are never touched.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.novaops.console_migration.plugins.module_utils.iptables_rules import format_source

# firewalld names are at most 17 characters.
POLICY_NAMES = {
    'console_proxy': 'novaops-proxy',
    'compute_console': 'novaops-consoles',
    'live_migration': 'novaops-migration',
}
PREFIX = 'novaops-'
MAX_NAME = 17


def policy_name(owner):
    """The policy of ``owner``; ValueError if it would be longer than firewalld allows."""
    name = POLICY_NAMES.get(owner, PREFIX + owner.replace('_', '-'))
    if len(name) > MAX_NAME:
        raise ValueError('owner %r: its firewalld policy %r is longer than %d characters' % (owner, name, MAX_NAME))
    return name


def rich_rule(rule):
    """A rich rule in the form firewalld lists it, for a :class:`iptables_rules.Rule` we want."""
    low, high = rule.dport
    port = 'port port="%s" protocol="%s"' % (str(low) if low == high else '%d-%d' % (low, high), rule.protocol)
    if rule.target == 'ACCEPT':
        if rule.source is None:
            return 'rule %s accept' % port
        family = 'ipv6' if rule.source.version == 6 else 'ipv4'
        return 'rule family="%s" source address="%s" %s accept' % (family, format_source(rule.source), port)
    return 'rule priority="1" %s reject' % port


def parse_rich_rules(text):
    """The rich rules of ``firewall-cmd --list-rich-rules``, one per line."""
    return [line.strip() for line in text.splitlines() if line.strip().startswith('rule')]


def plan(current, wanted):
    """``(add, remove)``: the rich rules to add and those to remove so that the policy holds ``wanted``."""
    add = [rule for index, rule in enumerate(wanted) if rule not in current and rule not in wanted[:index]]
    remove = [rule for index, rule in enumerate(current) if rule not in wanted and rule not in current[:index]]
    return add, remove
