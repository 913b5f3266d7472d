# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""Action of novaops.console_migration.host_plan: runs on the controller only."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import ast

from ansible.plugins.action import ActionBase

from ansible_collections.novaops.console_migration.plugins.module_utils import site_plan
from ansible_collections.novaops.console_migration.plugins.module_utils.console_settings import SettingsError

# What is read of each other host.
OTHER_HOST_VARS = ('live_migration_address', 'compute_console_management_address', 'console_proxy_ssl_cert')


def _native(value):
    """A list or dict given as its text (``-e 'name=[...]'``) as the list or dict, as a template of it gives."""
    if isinstance(value, str) and value.strip()[:1] in ('[', '{'):
        try:
            parsed = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            return value
        if isinstance(parsed, (list, dict)):
            return parsed
    return value


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(('roles',))
    _requires_connection = False

    def _other_hosts(self, task_vars):
        groups = task_vars.get('groups') or {}
        hostvars = task_vars.get('hostvars')
        hosts = {}
        for name in dict.fromkeys(list(groups.get('nova_console_proxy') or []) + list(groups.get('nova_compute') or [])):
            # The read and the facts are data: taken as they are; the addresses may be templates.
            raw = hostvars.raw_get(name) if hostvars is not None and name in hostvars else {}
            read = raw.get('__novaops_host') if isinstance(raw, dict) else None
            if not isinstance(read, dict):
                continue
            facts = raw.get('ansible_facts') or {}
            entry = {'groups': [group for group in site_plan.GROUPS.values() if name in (groups.get(group) or [])],
                     'read': {'distro': read.get('distro'), 'account_ids': read.get('account_ids')},
                     'facts': {'default_ipv4': facts.get('default_ipv4') or {}}}
            given = [var for var in OTHER_HOST_VARS if var in raw]
            if given:
                view = hostvars[name]
                entry.update((var, view[var]) for var in given)
            hosts[name] = entry
        return hosts

    def run(self, tmp=None, task_vars=None):
        self._supports_check_mode = True
        task_vars = task_vars or {}
        result = super(ActionModule, self).run(tmp, task_vars)
        result['changed'] = False
        roles = self._task.args.get('roles')
        if roles is None:
            roles = site_plan.host_roles(task_vars.get('group_names'))
        unknown = [role for role in roles or [] if role not in site_plan.ROLES]
        if not isinstance(roles, list) or unknown:
            result.update(failed=True, msg='roles: expected a list of %s, got %r' % (', '.join(site_plan.ROLES), roles))
            return result
        read = task_vars.get('__novaops_host')
        if not isinstance(read, dict) or not read.get('distro'):
            result.update(failed=True, msg='the host was not read: run the novaops.console_migration.common role first')
            return result
        template = self._templar.template
        names = set(site_plan.setting_names(site_plan.ROLES))
        names.update(name for name in task_vars if name.startswith(site_plan.CONSOLE_PREFIXES))
        settings = dict((name, _native(template(task_vars[name]))) for name in names if name in task_vars)
        previous = task_vars.get('__novaops_plan')
        previous = previous if isinstance(previous, dict) and previous.get('roles') else None
        try:
            plans = site_plan.plan_host(
                task_vars.get('inventory_hostname'), roles, settings, read,
                {'default_ipv4': (task_vars.get('ansible_facts') or {}).get('default_ipv4') or {}},
                task_vars.get('groups') or {},
                site_plan.inventory_view(self._other_hosts(task_vars)), previous=previous)
        except SettingsError as err:
            result.update(failed=True, msg='\n'.join(err.problems))
            return result
        # shown as the task's warnings: name the host they concern
        plans['warnings'] = ['%s: %s' % (task_vars.get('inventory_hostname'), w) for w in plans['warnings']]
        result.update(plans)
        return result
