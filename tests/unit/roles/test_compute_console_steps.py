# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# SPDX-License-Identifier: Apache-2.0
"""roles/compute_console/vars/main.yml: the steps of the compute console plan, rendered as the role renders them."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os

import pytest
import yaml

from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

from ansible_collections.novaops.console_migration.plugins.module_utils import console_settings as cs
from ansible_collections.novaops.console_migration.plugins.modules import apply_plan

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def steps(plan):
    with open(os.path.join(ROOT, 'roles', 'compute_console', 'vars', 'main.yml'), encoding='utf-8') as handle:
        role_vars = yaml.safe_load(handle)
    variables = dict((k, trust_as_template(v) if isinstance(v, str) else v) for k, v in role_vars.items())
    variables.update(__novaops_plan={'compute_console': plan, 'addresses': {'console': '192.168.1.2'}},
                     __novaops_host={'nova_conf_path': '/etc/nova/nova.conf', 'firewall_backend': 'iptables',
                                     'firewall_services': ['netfilter-persistent']})
    templar = Templar(loader=DataLoader(), variables=variables)
    return templar.template(trust_as_template('{{ __compute_console_steps }}'))


def plan(**settings):
    base = {'role': 'compute_console', 'distro': 'debian', 'novaops_release': 'zed',
            'compute_console_management_address': '192.168.1.2', 'compute_console_proxy_public_host': '192.168.1.1',
            'compute_console_proxy_addresses': ['192.168.1.1']}
    base.update(settings)
    return cs.console_plan(base)


class FailModule(object):
    def fail_json(self, **kwargs):
        raise AssertionError(kwargs['msg'])


def restarted(service_step, mode, changed):
    step = dict({'restart_mode_from': None}, **service_step)
    return apply_plan.restarts(FailModule(), step, {'layout': {'mode': mode}}, changed, [])


def test_display_range_goes_to_qemu_conf_and_restarts_the_qemu_driver_of_the_layout():
    rendered = steps(plan(compute_console_vnc_port_range='5900:6099'))
    names = [s['name'] for s in rendered]
    assert names == ['nova_conf', 'qemu_conf', 'layout', 'firewall', 'services']
    qemu = rendered[1]
    assert qemu == {'name': 'qemu_conf', 'module': 'settings',
                    'params': {'path': '/etc/libvirt/qemu.conf', 'format': 'libvirt',
                               'values': {'remote_display_port_min': 5900, 'remote_display_port_max': 6099}}}
    # The layout is read, never changed.
    assert rendered[2]['check_mode'] is True and rendered[2]['module'] == 'libvirt_listen'
    services = rendered[-1]
    assert services['restart_mode_from'] == 'layout'
    assert restarted(services, 'modular', ['qemu_conf']) == ['virtqemud']
    assert restarted(services, 'socket', ['qemu_conf']) == ['libvirtd']
    assert restarted(services, 'legacy', ['qemu_conf', 'nova_conf']) == ['nova-compute', 'libvirtd']
    assert restarted(services, 'modular', []) == []


@pytest.mark.parametrize('types', [['serial']])
def test_without_a_graphical_console_qemu_conf_is_left_alone(types):
    rendered = steps(plan(novaops_console_types=types))
    assert [s['name'] for s in rendered] == ['nova_conf', 'firewall', 'services']
    assert 'restart_mode_from' not in rendered[-1]
    assert restarted(rendered[-1], None, ['nova_conf']) == ['nova-compute']
