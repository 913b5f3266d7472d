# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""Release rules as playbooks/plan.yml shows them: the console_plan filter rendered with its plan text."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os

import jinja2
import yaml

from ansible_collections.novaops.console_migration.plugins.filter import console_plan as plugin

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
PLAYBOOK = os.path.join(ROOT, 'playbooks', 'plan.yml')


def plan_text(settings):
    """The lines plan.yml prints for ``settings`` (its 'Show the plans' template)."""
    with open(PLAYBOOK, encoding='utf-8') as handle:
        play = yaml.safe_load(handle)[0]
    task = [t for t in play['tasks'] if t['name'] == 'Show the plans'][0]
    plan = plugin.console_plan(settings)
    env = jinja2.Environment(trim_blocks=True, lstrip_blocks=False)
    return env.from_string(task['vars']['plan_text']).render(
        item=settings['role'], plan=plan, plan_distro=settings['distro']).splitlines()


def test_icehouse_spice_proxy_shows_the_default_section_port():
    lines = plan_text({'role': 'console_proxy', 'distro': 'ubuntu', 'novaops_release': 'icehouse',
                       'novaops_console_types': ['spice'], 'console_proxy_spice_port': 6090})
    assert '  [DEFAULT] spicehtml5proxy_port = 6090' in lines
    assert not any('[spice] html5proxy_port' in line for line in lines)
    assert '  -A INPUT -m state --state NEW -m tcp -p tcp --dport 6090 -j ACCEPT' in lines


def test_juno_spice_proxy_shows_the_spice_section_port():
    lines = plan_text({'role': 'console_proxy', 'distro': 'ubuntu', 'novaops_release': 'juno',
                       'novaops_console_types': ['spice'], 'console_proxy_spice_port': 6090})
    assert '  [spice] html5proxy_port = 6090' in lines
    assert '  remove [DEFAULT] spicehtml5proxy_port' in lines


def test_grizzly_compute_with_live_migration_listens_on_every_address_behind_the_proxies():
    lines = plan_text({'role': 'compute_console', 'distro': 'ubuntu', 'novaops_release': 'grizzly',
                       'live_migration_planned': True,
                       'compute_console_management_address': '192.168.1.2',
                       'compute_console_novncproxy_base_url': 'http://172.24.1.1:6080/vnc_auto.html',
                       'compute_console_proxy_addresses': ['192.168.1.1']})
    assert '  [DEFAULT] vncserver_listen = 0.0.0.0' in lines
    assert '  [DEFAULT] vncserver_proxyclient_address = 192.168.1.2' in lines
    rules = [line for line in lines if line.startswith('  -A INPUT')]
    assert rules == ['  -A INPUT -s 192.168.1.1 -m state --state NEW -m tcp -p tcp --dport 5900:5999 -j ACCEPT']


def test_a_display_port_above_5999_is_never_allocated():
    plan = plugin.console_plan({'role': 'compute_console', 'distro': 'debian', 'novaops_release': 'epoxy',
                                'compute_console_management_address': '192.168.1.2',
                                'compute_console_proxy_public_host': '192.168.1.1',
                                'compute_console_proxy_addresses': ['192.168.1.1']})
    opened = [r['port'] for r in plan['firewall']['rules']]
    assert opened == ['5900:5999']
    assert '%(remote_display_port_min)d:%(remote_display_port_max)d' % plan['qemu_conf'] == opened[0]
