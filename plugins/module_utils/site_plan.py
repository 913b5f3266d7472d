# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""Every plan of one host, computed on the controller in one pass.

:func:`plan_host` takes what the operator set for the host (role variables,
unset ones missing or empty), the host's read (the registered result of the
host_facts module) and what the run knows of the other hosts
(:func:`inventory_view`), and returns the plan of each role the host takes,
validated together: the ports of one role are checked against the others',
the per-host defaults are derived here (see :data:`DERIVED`), the compute
hosts' account ids are chosen across the computes, and the files named for
TLS are checked on the controller.  A problem of any role fails the whole
host, one line per problem, each starting with the variable.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os

from ansible_collections.novaops.console_migration.plugins.module_utils import role_defaults as rd
from ansible_collections.novaops.console_migration.plugins.module_utils.account_ids import (
    AccountIdsError, choose_targets)
from ansible_collections.novaops.console_migration.plugins.module_utils.console_settings import (
    SettingsError, console_plan, parse_bool)
from ansible_collections.novaops.console_migration.plugins.module_utils.migration_settings import migration_plan
from ansible_collections.novaops.console_migration.plugins.module_utils.settings_checks import is_unset
from ansible_collections.novaops.console_migration.plugins.module_utils.steps.account_ids import LIBVIRT_UNITS

ROLES = ('console_proxy', 'compute_console', 'live_migration')
# The inventory group of each role.
GROUPS = {'console_proxy': 'nova_console_proxy', 'compute_console': 'nova_compute', 'live_migration': 'nova_compute'}
TABLES = {'console_proxy': rd.CONSOLE_PROXY, 'compute_console': rd.COMPUTE_CONSOLE, 'live_migration': rd.LIVE_MIGRATION}
# Every variable of these prefixes goes to the console planner (which warns of unknown ones);
# the compute consoles' reserved ports are derived from libvirt's.
PREFIXES = {'console_proxy': 'console_proxy_', 'compute_console': ('compute_console_', 'live_migration_libvirt_')}
# The console roles' prefixes: every variable named so is read (a mistyped one is warned of).
CONSOLE_PREFIXES = ('console_proxy_', 'compute_console_')
# Read by the host_facts module, not by the planners.
HOST_READ = ('novaops_release', 'novaops_firewall_backend')
# Unset (empty) defaults computed per host: name -> what they take.
DERIVED = {
    'compute_console_management_address': "the host's default IPv4 address",
    'compute_console_proxy_public_host': 'the first host of nova_console_proxy (127.0.0.1 without one)',
    'compute_console_proxy_addresses': "the default IPv4 addresses of the nova_console_proxy hosts read in this run",
    'live_migration_address': "the host's default IPv4 address",
}
# Each id variable: its field of the plan's ids, and the account it sets.
ID_VARS = (('live_migration_nova_uid', 'nova_uid', 'user'), ('live_migration_nova_gid', 'nova_gid', 'group'),
           ('live_migration_qemu_uid', 'qemu_uid', 'user'), ('live_migration_qemu_gid', 'qemu_gid', 'group'))


def setting_names(roles=ROLES):
    """The variables the plans of ``roles`` read (shared ones first)."""
    names = [name for name in rd.SHARED if name not in HOST_READ]
    for role in roles:
        names.extend(TABLES[role])
    return names


def host_roles(group_names):
    """The roles a host takes by its inventory groups, in order."""
    return [role for role in ROLES if GROUPS[role] in (group_names or ())]


def default_address(facts):
    """The address of the default IPv4 route in ``facts`` (ansible_facts), or ''."""
    return ((facts or {}).get('default_ipv4') or {}).get('address') or ''


def _given(value):
    return not (is_unset(value) or value == [])


def inventory_view(hosts):
    """What the plans need of the hosts read in this run.

    ``hosts``: name -> {'groups': [...], 'facts': ansible_facts, 'read': the host_facts result,
    'live_migration_address': ..., 'compute_console_management_address': ..., 'console_proxy_ssl_cert': ...}
    (unset ones missing).
    Hosts without a read (not in the run, or failed) are left out, as their addresses are unknown.
    """
    view = {'proxies': [], 'computes': {}}
    for name, host in hosts.items():
        groups = host.get('groups') or ()
        read = host.get('read') or {}
        if not read.get('distro'):
            continue
        address = default_address(host.get('facts'))
        if GROUPS['console_proxy'] in groups:
            view['proxies'].append({'name': name, 'address': address,
                                    'tls': _given(host.get('console_proxy_ssl_cert'))})
        if GROUPS['live_migration'] in groups:
            view['computes'][name] = {
                'migration_address': (host.get('live_migration_address')
                                      if _given(host.get('live_migration_address')) else address),
                'console_address': (host.get('compute_console_management_address')
                                    if _given(host.get('compute_console_management_address')) else address),
                'account_ids': read.get('account_ids') or {},
            }
    return view


def derive(settings, facts, groups, view):
    """``settings`` with the per-host defaults of :data:`DERIVED` filled in where unset."""
    out = dict(settings)
    address = default_address(facts)
    for name in ('compute_console_management_address', 'live_migration_address'):
        if not _given(out.get(name)):
            out[name] = address
    if not _given(out.get('compute_console_proxy_public_host')):
        proxies = list((groups or {}).get(GROUPS['console_proxy']) or [])
        out['compute_console_proxy_public_host'] = proxies[0] if proxies else '127.0.0.1'
    if not _given(out.get('compute_console_proxy_addresses')):
        out['compute_console_proxy_addresses'] = [p['address'] for p in view['proxies'] if p['address']]
    return out


class _Problems(object):
    def __init__(self):
        self.lines = []

    def take(self, err):
        self.lines.extend(getattr(err, 'problems', None) or str(err).splitlines())


def _ids(me, plan, settings, read, view):
    """The account ids this host should have: ``plan['ids']`` with ``targets``, ``accounts`` and ``change``."""
    try:
        force = parse_bool(settings.get('live_migration_force_id_change', False))
    except ValueError as err:
        raise SettingsError(['live_migration_force_id_change: %s (expected true or false)' % err])
    # the units stopped while the ids change: the family's nova compute unit and libvirt's
    ids = dict(plan['ids'], force=force, targets={}, accounts=[], change=False,
               services=list(plan['restart_on_change']) + list(LIBVIRT_UNITS))
    if not ids['align']:
        return ids
    nova = read.get('nova_account') or {}
    names = {'nova_uid': nova.get('user'), 'nova_gid': nova.get('group'),
             'qemu_uid': ids['qemu_user'], 'qemu_gid': ids['qemu_group']}
    keys, explicit, variables = [], {}, {}
    for var, field, kind in ID_VARS:
        key = '%s/%s' % (kind, names[field])
        keys.append((kind, key))
        explicit[key] = ids[field]
        variables[key] = var
    reports = dict((name, host['account_ids']) for name, host in view['computes'].items())
    ids['targets'] = choose_targets(reports, explicit, names=variables)
    current = (view['computes'].get(me) or {}).get('account_ids') or {}
    for kind, key in keys:
        name = key.split('/', 1)[1]
        ids['accounts'].append({'kind': kind, 'name': name, 'id': ids['targets'][key]})
        have = (current.get('users' if kind == 'user' else 'groups') or {}).get(name)
        ids['change'] = ids['change'] or str(have) != str(ids['targets'][key])
    return ids


def _missing(plan, read):
    """The plan's packages and the firewall's the host does not have yet."""
    installed = read.get('packages') or {}
    wanted = []
    for name in list(plan.get('packages') or []) + list(read.get('firewall_packages') or []):
        if name not in wanted and not installed.get(name):
            wanted.append(name)
    return wanted


def plan_host(me, roles, settings, read, facts, groups, view, previous=None, is_file=os.path.isfile):
    """The plans of host ``me`` for ``roles`` (see the module docstring).

    ``previous``: plans of this host computed earlier in the run (kept, and their ports checked against).
    Returns {'roles': [...], ROLE: plan or None, ..., 'missing': [...], 'warnings': [...]};
    raises :class:`SettingsError` listing every problem.
    """
    values = derive(settings, facts, groups, view)
    common = {'distro': read.get('distro'), 'novaops_release': read.get('release'),
              'novaops_firewall_backend': read.get('firewall_backend')}
    result = dict((role, (previous or {}).get(role)) for role in ROLES)
    problems = _Problems()
    planned = []
    for role in ROLES:
        if role not in roles:
            continue
        others = [result[other]['ports'] for other in ROLES if other != role and result[other]]
        names = set(setting_names([role]))
        table = dict((name, value) for name, value in values.items()
                     if name in names or name.startswith(PREFIXES.get(role, '-')))
        table.update(common, host_ports=[port for ports in others for port in ports])
        if role == 'compute_console':
            # before juno the displays must listen on 0.0.0.0 for live migration
            table['live_migration_planned'] = 'live_migration' in roles or bool((previous or {}).get('live_migration'))
            # URLs built for clients are https/wss when every proxy serves TLS
            table['proxy_tls'] = bool(view['proxies']) and all(p['tls'] for p in view['proxies'])
        try:
            if role == 'live_migration':
                table['live_migration_peers'] = [host['migration_address'] for name, host in sorted(view['computes'].items())
                                                 if name != me and host['migration_address']]
                plan = migration_plan(table)
                plan['ids'] = _ids(me, plan, values, read, view)
                for item in (plan['tls'] or {}).get('files') or []:
                    if item['src'] and not is_file(item['src']):
                        problems.lines.append('live_migration_tls_files.%s: %s is not a file on the controller'
                                              % (item['name'], item['src']))
            else:
                plan = console_plan(dict(table, role=role))
        except (SettingsError, AccountIdsError, ValueError) as err:
            problems.take(err)
            continue
        plan['missing'] = _missing(plan, read)
        result[role] = plan
        planned.append(role)
    if problems.lines:
        raise SettingsError(problems.lines)
    result['roles'] = sorted(set(planned) | set(r for r in ROLES if (previous or {}).get(r)), key=ROLES.index)
    result['warnings'] = ['%s: %s' % (role, warning) for role in planned for warning in result[role]['warnings']]
    missing = []
    for role in result['roles']:
        missing.extend(name for name in result[role]['missing'] if name not in missing)
    result['missing'] = missing
    result['addresses'] = {
        'migration': values['live_migration_address'],
        'console': values['compute_console_management_address'],
        'peers': dict((name, host['migration_address']) for name, host in view['computes'].items() if name != me),
        'reach': [host['console_address'] for name, host in sorted(view['computes'].items())],
    }
    return result
