# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r"""
name: preflight_report
short_description: Check from every host's migration facts whether live migration and the consoles can work
version_added: 1.0.0
author: "novaops maintainers (@novaops)"
description:
  - 'Takes the results of M(novaops.console_migration.migration_facts) of the compute hosts and the console proxy
    hosts and runs the readiness checks on them, all at once, returning every result. Failing checks raise no error:
    the playbook fails once, with every problem (RV(_value.problems)).'
  - 'Checks on compute hosts: C(subnet) (the migration address is on an interface of the host and inside one of
    O(settings.allowed_subnets), or, when that is empty, in the subnet most computes share), C(cpu) (the same CPU
    vendor and model on every compute: the libvirt host model, or the C(/proc/cpuinfo) model name when a compute has
    no libvirt model; a warning when only the CPU flags differ), C(resolution) (each other compute''s name resolves
    on this host to that compute''s migration address; a warning when it is not the first address),
    C(ids) (the nova and QEMU user and group ids are the same on every compute, or O(settings.align_ids)), C(kvm)
    (C(/dev/kvm) exists; a warning, not a failure, with TCG emulation only), C(libvirt) (installed), C(storage)
    (the instances directory is on shared storage, or O(settings.block_migration); a warning when the computes
    mount different shared sources).'
  - 'Check on console proxy hosts: C(proxy_reach) (the proxy has a route to the console C(proxyclient) address of
    every compute). A check that does not apply to a host is V(n/a).'
  - Comparisons across computes take as reference the value most computes have, the first compute's (in
    O(settings.computes) order) on a tie, and fail the computes that differ.
  - Runs on the controller only.
positional: _input, settings
options:
  _input:
    description:
      - Host name -> the registered result of M(novaops.console_migration.migration_facts) on that host, or its
        C(migration_facts) value. A missing, failed, skipped or unreachable result fails every check of the host.
      - Console proxy hosts only need RV(novaops.console_migration.migration_facts#module:migration_facts.routes).
    type: dict
    required: true
  settings:
    description:
      - The hosts to check, their addresses and how strict the checks are. Every key is optional; other keys are
        ignored.
      - A list may also be given as comma-separated text.
      - A malformed value raises an error listing every problem.
    type: dict
    required: true
    suboptions:
      computes:
        description:
          - The compute host names. Their order breaks ties in the comparisons across computes.
        type: list
        elements: str
        default: []
      proxies:
        description:
          - The console proxy host names.
        type: list
        elements: str
        default: []
      migration_address:
        description:
          - Compute host name -> its live migration address. A compute without one fails C(subnet).
          - The C(resolution) check expects each compute's name to resolve to this address.
        type: dict
        default: {}
      proxyclient_address:
        description:
          - Compute host name -> its console C(proxyclient) address, which every console proxy must have a route to
            (C(proxy_reach)).
        type: dict
        default: {}
      allowed_subnets:
        description:
          - CIDRs, one of which must hold every migration address (C(subnet)). When empty, the migration addresses
            must all be in the subnet most computes share.
        type: list
        elements: str
        default: []
      align_ids:
        description:
          - When true, differing nova and QEMU ids are V(ok), reported as V(ok (will be aligned\)).
        type: bool
        default: true
      block_migration:
        description:
          - When true, local instance storage is V(ok) (C(storage)).
        type: bool
        default: false
      cpu_baseline:
        description:
          - The CPU baseline model computed by the playbook, shown in the report and suggested when the CPU models
            differ.
        type: str
      peer_names:
        description:
          - Compute host name -> the name the other computes resolve for it (C(resolution)). Default the host name.
        type: dict
        default: {}
"""

EXAMPLES = r"""
- name: Check every host at once
  ansible.builtin.set_fact:
    preflight: >-
      {{ dict(ansible_play_hosts | zip(ansible_play_hosts | map('extract', hostvars, 'migration_facts_result')))
         | novaops.console_migration.preflight_report({
             'computes': groups['nova_compute'], 'proxies': groups['nova_console_proxy'],
             'migration_address': migration_addresses, 'proxyclient_address': proxyclient_addresses,
             'allowed_subnets': ['10.0.0.0/24'], 'align_ids': true, 'block_migration': false}) }}
  run_once: true

- name: Show the report
  ansible.builtin.debug:
    msg: "{{ preflight.table }}"
  run_once: true

- name: Stop with every problem at once
  ansible.builtin.fail:
    msg: "{{ preflight.problems | join('\n') }}"
  when: not preflight.ok
  run_once: true
"""

RETURN = r"""
_value:
  description: The report.
  type: dict
  contains:
    rows:
      description: Host -> check -> C(status) (V(ok), V(warn), V(fail) or V(n/a)) and C(reason).
      type: dict
    problems:
      description: 'Every failed check, as C(host: check: reason).'
      type: list
      elements: str
    warnings:
      description: 'Every warning, as C(host: check: reason).'
      type: list
      elements: str
    suggestions:
      description: Settings that would fix some failures, for example the C([libvirt] cpu_mode) to use.
      type: list
      elements: str
    cpu_baseline:
      description: O(settings.cpu_baseline), or null.
      type: str
    table:
      description:
        - A table host x check with the statuses, then a numbered list with the reason of every cell that is not a
          plain V(ok), the CPU baseline, the suggestions and a last line C(READY) or C(NOT READY).
      type: str
    ok:
      description: Whether no check failed (warnings allowed).
      type: bool
  sample:
    ok: false
    problems: ["compute2: ids: user/nova is 1001, 996 on compute1 (the nova and QEMU ids must be the same on every
               compute: set align_ids)"]
"""

from ansible_collections.novaops.console_migration.plugins.module_utils.preflight import PreflightError, preflight
from ansible_collections.novaops.console_migration.plugins.plugin_utils.filters import filter_function, filter_module

preflight_report = filter_function(preflight, PreflightError)
FilterModule = filter_module(preflight_report=preflight_report)
