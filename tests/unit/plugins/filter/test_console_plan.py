# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""The console_plan / release_from_version filters and playbooks/plan.yml."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import re

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.novaops.console_migration.plugins.filter import console_plan as plugin
from ansible_collections.novaops.console_migration.plugins.filter import release_from_version as release_plugin
from ansible_collections.novaops.console_migration.plugins.module_utils import console_settings as cs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
PLAYBOOK = os.path.join(ROOT, 'playbooks', 'plan.yml')


def load_yaml(path):
    with open(path, encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def test_filters_are_registered():
    filters = plugin.FilterModule().filters()
    assert filters['console_plan'] is plugin.console_plan
    assert 'release_from_version' not in filters
    assert release_plugin.FilterModule().filters() == {'release_from_version': release_plugin.release_from_version}


def test_console_plan_filter_returns_the_module_utils_plan():
    settings = {'role': 'console_proxy', 'distro': 'redhat', 'novaops_release': 'stein',
                'novaops_console_types': ['novnc', 'xvpvnc']}
    plan = plugin.console_plan(settings)
    assert plan == cs.console_plan(settings)
    assert plan['packages'] == ['openstack-nova-novncproxy', 'openstack-nova-console']
    assert settings == {'role': 'console_proxy', 'distro': 'redhat', 'novaops_release': 'stein',
                        'novaops_console_types': ['novnc', 'xvpvnc']}   # input untouched


def test_console_plan_filter_raises_one_line_per_problem():
    with pytest.raises(AnsibleFilterError) as err:
        plugin.console_plan({'role': 'compute_console', 'distro': 'redhat', 'novaops_release': 'zed',
                             'novaops_console_types': ['novnc', 'spice'],
                             'compute_console_management_address': '192.168.1.2',
                             'compute_console_novncproxy_base_url': 'htp://x',
                             'compute_console_proxy_addresses': ['192.168.1.1']})
    lines = err.value.message.splitlines()
    assert lines == [
        "compute_console_novncproxy_base_url: 'htp://x' is not an http(s) URL "
        "(expected e.g. http://203.0.113.10:6080/vnc_lite.html)",
        "compute_console_spice_base_url: is required when novaops_console_types contains 'spice' "
        "(expected e.g. http://203.0.113.10:6082/spice_auto.html)"]


def test_console_plan_filter_rejects_a_non_dict():
    with pytest.raises(AnsibleFilterError) as err:
        plugin.console_plan('novnc')
    assert err.value.message.startswith("settings: 'novnc' is not a dict")


@pytest.mark.parametrize('version, release', [
    ('2:26.2.2-1~deb12u1', 'zed'), ('19.3.2-1.el8', 'stein'), ('2014.2.4-0ubuntu1', 'juno'),
    ('2011.3-0ubuntu6', 'diablo'),
])
def test_release_from_version_filter(version, release):
    assert release_plugin.release_from_version(version) == release


def test_release_from_version_filter_error():
    with pytest.raises(AnsibleFilterError) as err:
        release_plugin.release_from_version('banana')
    assert err.value.message.startswith("release_from_version: cannot map nova package version 'banana'")


def test_documentation_parses_and_names_the_filter():
    for name in ('DOCUMENTATION', 'EXAMPLES', 'RETURN'):
        assert yaml.safe_load(getattr(plugin, name))
        assert yaml.safe_load(getattr(release_plugin, name))
    assert yaml.safe_load(release_plugin.DOCUMENTATION)['name'] == 'release_from_version'
    doc = yaml.safe_load(plugin.DOCUMENTATION)
    assert doc['name'] == 'console_plan'
    assert doc['positional'] == '_input'


# ------------------------------------------------------------- plan.yml

def test_plan_playbook_never_touches_a_managed_host():
    plays = load_yaml(PLAYBOOK)
    assert len(plays) == 1
    play = plays[0]
    assert play['hosts'] == 'localhost'
    assert play['gather_facts'] is False
    assert play['connection'] == 'local'
    assert play['vars']['ansible_connection'] == 'local'
    assert 'vars_files' not in play   # unset variables take the planner's defaults
    assert (play['vars']['plan_distro'], play['vars']['plan_release'], play['vars']['plan_role']) == \
        ('debian', 'zed', 'both')
    modules = set()
    for task in play['tasks']:
        modules.update(k for k in task if k.startswith('ansible.builtin.'))
    # Controller-only actions: nothing that runs a module on a host.
    assert modules == {'ansible.builtin.assert', 'ansible.builtin.debug', 'ansible.builtin.set_fact'}
    with open(PLAYBOOK, encoding='utf-8') as handle:
        assert 'novaops.console_migration.console_plan' in handle.read()


def test_plan_playbook_collects_every_role_variable():
    play = load_yaml(PLAYBOOK)[0]
    pattern = re.search(r"varnames', '([^']+)'", play['vars']['plan_var_names']).group(1)
    names = set(n for n in cs.DEFAULTS if re.search(pattern, n))
    # novaops_release comes from plan_release instead.
    assert names == set(cs.DEFAULTS) - {'novaops_release'}
    assert re.search(pattern, 'console_proxy_novnc_prot')   # typos reach the filter's warning
    assert not re.search(pattern, 'novaops_nova_conf_path')
