#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r"""
module: host_plan
short_description: Validate every setting of a host and plan each of its roles, on the controller
version_added: 1.0.0
description:
  - >-
    Computes, on the controller and without contacting the host, the plan of each role the host takes
    (C(console_proxy) on C(nova_console_proxy) hosts, C(compute_console) and C(live_migration) on C(nova_compute)
    hosts): what the roles' tasks carry out. The role variables are read from the host's variables; unset ones take
    the roles' defaults.
  - >-
    The per-host defaults are derived here from what the run read of the hosts (the registered C(__novaops_host) of
    the M(novaops.console_migration.host_facts) module and its network facts):
    C(compute_console_management_address) and C(live_migration_address) take the host's default IPv4 address,
    C(compute_console_proxy_public_host) the first host of C(nova_console_proxy),
    C(compute_console_proxy_addresses) the default IPv4 addresses of the proxies, and the migration peers are the
    other compute hosts read in this run, at their C(live_migration_address).
  - The ports of each role are checked against the other roles' of the host, the account ids of the compute hosts
    are chosen across them, and the certificate files named in C(live_migration_tls_files) must exist on the
    controller.
  - Fails once listing every problem, one per line, each starting with the variable the operator set.
  - The plans' warnings are shown as warnings of the task.
author: "novaops maintainers (@novaops)"
options:
  roles:
    description:
      - The roles to plan. Default is the roles of the host's inventory groups.
      - Plans registered earlier in the run (in C(__novaops_plan)) are kept and their ports checked against.
    type: list
    elements: str
    choices: [console_proxy, compute_console, live_migration]
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.conn
  - ansible.builtin.action_common_attributes.flow
attributes:
  action:
    support: full
  async:
    support: none
  become:
    support: none
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    details:
      - Nothing is changed, so it runs the same way in check mode.
  diff_mode:
    support: none
  connection:
    support: none
  delegation:
    support: none
  platform:
    platforms: all
notes:
  - Register the result as C(__novaops_plan); the collection's roles carry out C(__novaops_plan.ROLE).
seealso:
  - module: novaops.console_migration.host_facts
"""

EXAMPLES = r"""
- name: Read the host
  novaops.console_migration.host_facts:
    account_ids: true
  register: __novaops_host

- name: Validate every setting and plan the host's roles
  novaops.console_migration.host_plan:
  register: __novaops_plan
"""

RETURN = r"""
roles:
  description: The roles planned for the host (now or earlier in the run).
  returned: success
  type: list
  elements: str
  sample: [compute_console, live_migration]
console_proxy:
  description: The console proxy plan (as the C(console_plan) filter returns it, with RV(missing)), or null.
  returned: success
  type: dict
compute_console:
  description: The compute console plan, or null.
  returned: success
  type: dict
live_migration:
  description:
    - The live migration plan (as the C(migration_plan) filter returns it, with RV(missing)), or null.
    - Its C(ids) has the chosen C(targets), the C(accounts) to give them to, C(change) (the host's ids differ),
      C(force) and the C(services) to stop meanwhile (the family's nova compute unit and libvirt's units).
  returned: success
  type: dict
missing:
  description: Packages the planned roles need that the host does not have, in one list.
  returned: success
  type: list
  elements: str
  sample: [nova-consoleproxy]
warnings:
  description: The plans' warnings, each starting with the host and the role.
  returned: when there are any
  type: list
  elements: str
"""
