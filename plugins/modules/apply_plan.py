#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r"""
module: apply_plan
author: "novaops maintainers (@novaops)"
short_description: Carry out a role's plan on a host in one call, as a list of the collection's modules
version_added: 1.0.0
description:
  - Runs several of the collection's modules on the host in one module call, in the given order, each with its own
    parameters, exactly as the module itself would run them. A host is changed in one round trip instead of one per
    module; the roles of the collection call it with the steps of their plan.
  - Each step's parameters are checked against the options of its module before it runs; a step that fails stops the
    call and the message names the step. Steps that ran before are kept (each is atomic on its own).
  - A V(service_set) step can restart units only for the steps that changed (O(steps[].restart_for)).
  - Values of options that are secret in the step's module (key contents, passwords) are hidden in the whole result.
extends_documentation_fragment:
  - novaops.console_migration.attributes
attributes:
  check_mode:
    details:
      - Every step runs in check mode.
  diff_mode:
    details:
      - The diffs of all steps that changed, in order.
options:
  steps:
    description:
      - What to do, in order.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description:
          - Label of the step, unique in O(steps), used in messages, RV(steps) and O(steps[].restart_for).
        type: str
        required: true
      module:
        description:
          - The module whose work the step does, with O(steps[].params) as its options. V(settings) sets C(key=value)
            lines in a configuration file (formats V(shell), V(libvirt) and V(colon)); V(files) writes directories
            and whole files with their owner, group and mode, never showing their content.
        type: str
        required: true
        choices: [account_ids, files, firewall_ports, libvirt_listen, multipath_names, nova_config, service_set, settings]
      params:
        description:
          - The options of O(steps[].module).
        type: dict
        default: {}
      check_mode:
        description:
          - Run this step in check mode even when the call is not, to read what it reports (for example the daemon
            layout from V(libvirt_listen)).
        type: bool
        default: false
      restart_for:
        description:
          - V(service_set) steps only. Units to restart for each earlier step, by its name, when that step changed.
            They are added to the step's own C(restarted) units, which restart only with its C(restart) option.
          - A value is a list of units, or a dictionary of such lists selected by the C(mode) that the step named in
            O(steps[].restart_mode_from) returned.
          - Names of steps that are not in O(steps) are ignored, so that one table serves hosts with and without a
            step; a name of a later step is refused.
        type: dict
        default: {}
      restart_mode_from:
        description:
          - The earlier step whose C(mode) result selects the lists of O(steps[].restart_for), for example a
            V(libvirt_listen) step (V(legacy), V(socket) or V(modular)).
        type: str
notes:
  - The modules keep their own documentation; see each for what its options mean.
seealso:
  - module: novaops.console_migration.nova_config
  - module: novaops.console_migration.firewall_ports
  - module: novaops.console_migration.service_set
  - module: novaops.console_migration.libvirt_listen
"""

EXAMPLES = r"""
- name: Proxy settings, its firewall rule and its service, restarted only when nova.conf changed
  novaops.console_migration.apply_plan:
    steps:
      - name: nova_conf
        module: nova_config
        params:
          options:
            - {section: vnc, option: novncproxy_port, value: 6080}
      - name: firewall
        module: firewall_ports
        params:
          owner: console_proxy
          rules: [{name: novnc, port: 6080}]
      - name: services
        module: service_set
        params:
          started: [nova-novncproxy]
        restart_for:
          nova_conf: [nova-novncproxy]
"""

RETURN = r"""
steps:
  description: The result of each step that ran, by name, as its module returns it.
  returned: always
  type: dict
  sample: {nova_conf: {changed: false, msg: "no changes"}}
changed_steps:
  description: The names of the steps that changed something (would in check mode), in order.
  returned: always
  type: list
  elements: str
  sample: [nova_conf, services]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.novaops.console_migration.plugins.module_utils.step_runner import run_step
from ansible_collections.novaops.console_migration.plugins.module_utils.steps import (
    account_ids,
    files,
    firewall_ports,
    libvirt_listen,
    multipath_names,
    nova_config,
    service_set,
    settings,
)

STEPS = dict(account_ids=account_ids, files=files, firewall_ports=firewall_ports, libvirt_listen=libvirt_listen,
             multipath_names=multipath_names, nova_config=nova_config, service_set=service_set, settings=settings)


def restarts(module, step, results, changed, later):
    """The units a service_set step restarts for the earlier steps that changed."""
    mode_from = step['restart_mode_from']
    mode = None
    if mode_from:
        if mode_from not in results:
            module.fail_json(msg='%s: restart_mode_from names %s, which has not run' % (step['name'], mode_from))
        mode = results[mode_from].get('mode')
    units = []
    for name, wanted in step['restart_for'].items():
        if name in later:
            module.fail_json(msg='%s: restart_for names %s, which runs after it' % (step['name'], name))
        if name not in changed:
            continue
        if isinstance(wanted, dict):
            wanted = wanted.get(mode, [])
        units.extend(unit for unit in wanted if unit not in units)
    return units


def main():
    module = AnsibleModule(
        argument_spec=dict(steps=dict(type='list', elements='dict', required=True, options=dict(
            name=dict(type='str', required=True),
            module=dict(type='str', required=True, choices=sorted(STEPS)),
            params=dict(type='dict', default={}),
            check_mode=dict(type='bool', default=False),
            restart_for=dict(type='dict', default={}),
            restart_mode_from=dict(type='str'),
        ))),
        supports_check_mode=True,
    )
    names = [step['name'] for step in module.params['steps']]
    repeated = sorted(set(name for name in names if names.count(name) > 1))
    if repeated:
        module.fail_json(msg='steps: names must be unique, repeated: %s' % ', '.join(repeated))
    results = {}
    changed = []
    diffs = []
    for step in module.params['steps']:
        params = dict(step['params'])
        if step['restart_for']:
            if step['module'] != 'service_set':
                module.fail_json(msg='%s: restart_for is for service_set steps' % step['name'])
            later = names[names.index(step['name']):]
            wanted = list(params.get('restarted') or []) if params.get('restart') else []
            wanted += [unit for unit in restarts(module, step, results, changed, later) if unit not in wanted]
            params.update(restarted=wanted, restart=bool(wanted))
        result = run_step(module, step['name'], STEPS[step['module']], params, check_mode=step['check_mode'])
        diff = result.pop('diff', None)
        results[step['name']] = result
        if result.get('changed') and not step['check_mode']:
            changed.append(step['name'])
            if diff:
                diffs.extend(diff if isinstance(diff, list) else [diff])
    output = dict(changed=bool(changed), changed_steps=changed, steps=results)
    if module._diff and diffs:
        output['diff'] = diffs
    module.exit_json(**output)


if __name__ == '__main__':
    main()
