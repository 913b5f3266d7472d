# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r"""
name: id_targets
short_description: Choose the UID and GID of each account that every compute host can take
version_added: 1.0.0
author: "novaops maintainers (@novaops)"
description:
  - Takes the results of M(novaops.console_migration.account_ids) run with C(mode=report) on every host of a play
    and returns, for each account, the id that all hosts should give it.
  - 'For each account, in this order: the explicit id, if given; else the id that most hosts already use for the
    account and that is free on every host (on a tie, the lowest such id); else the lowest id from O(start) up that is
    free on every host.'
  - An id is free on a host when no other account of the same kind holds it there (the account itself may).
    Two accounts of the same kind never get the same id; explicit ids are reserved first.
  - 'Raises an error listing every problem, one per line, each starting with the account key or the host, for
    example C(user/nova: uid 64060 is used by user swift on compute2). An explicit id taken on any host is such a
    problem; so is a host whose report is missing, failed, skipped or malformed.'
  - Runs on the controller only.
positional: _input, explicit
options:
  _input:
    description:
      - Host name -> the registered result of M(novaops.console_migration.account_ids) in mode V(report) on that host.
        Its C(accounts), C(used_uids) and C(used_gids) are used, and C(users) and C(groups) (when present) to name
        the accounts holding an id.
    type: dict
    required: true
  explicit:
    description:
      - Account key (C(user/NAME) or C(group/NAME)) -> the wanted id, or null (or an empty string) to let the filter
        choose. Its keys are the accounts to choose for.
      - When omitted, the filter chooses for every account of the reports.
    type: dict
  start:
    description:
      - The lowest id given to an account that no host has a free id for yet.
    type: int
    default: 64000
  names:
    description:
      - >-
        Account key -> the variable that sets its id. A problem of such an account starts with the variable and
        ends with the expected form, for example C(live_migration_nova_uid: 1000) ... C(is used by user alice on
        compute1) ... C(expected a uid free on every compute host, or null to choose one).
    type: dict
"""

EXAMPLES = r"""
# account_report: registered on every compute host by novaops.console_migration.account_ids with mode: report
# (see the first example of that module).
- name: Choose the targets once for the whole play
  ansible.builtin.set_fact:
    id_targets: >-
      {{ dict(ansible_play_hosts | zip(ansible_play_hosts | map('extract', hostvars, 'account_report')))
         | novaops.console_migration.id_targets({'user/nova': nova_uid | default(none),
                                                 'group/nova': nova_gid | default(none),
                                                 'user/libvirt-qemu': none, 'group/kvm': none}) }}
  run_once: true
  # {'user/nova': 64060, 'group/nova': 64060, 'user/libvirt-qemu': 64055, 'group/kvm': 104}
"""

RETURN = r"""
_value:
  description: Account key -> the chosen id, for each account of O(explicit) (or of the reports), in that order.
  type: dict
  sample: {user/nova: 64060, group/nova: 64060, user/libvirt-qemu: 64055, group/kvm: 104}
"""

from ansible_collections.novaops.console_migration.plugins.module_utils.account_ids import (
    AccountIdsError, choose_targets)
from ansible_collections.novaops.console_migration.plugins.plugin_utils.filters import filter_function, filter_module

id_targets = filter_function(choose_targets, AccountIdsError)
FilterModule = filter_module(id_targets=id_targets)
