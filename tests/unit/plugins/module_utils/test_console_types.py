# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# SPDX-License-Identifier: Apache-2.0
"""console_types is the one place of per-type facts: a type added there only is validated and planned."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import importlib
import importlib.util

import pytest

from ansible_collections.novaops.console_migration.plugins.module_utils import console_settings as cs
from ansible_collections.novaops.console_migration.plugins.module_utils import console_types as ct
from ansible_collections.novaops.console_migration.plugins.module_utils import nova_releases as nr
from ansible_collections.novaops.console_migration.plugins.module_utils import platforms
from ansible_collections.novaops.console_migration.plugins.module_utils import role_defaults as rd

# Modules that derive tables from console_types at import, reloaded; and the
# tables console_settings derives (taken from a fresh copy of it, so its
# classes stay the ones other modules imported).
RELOADED = (rd, nr)
CS_TABLES = ('CONSOLE_TYPES', 'GRAPHICAL_TYPES', 'VNC_TYPES', 'DEFAULTS', 'EXPECTED', '_LAST_RELEASE_OF')

WEBMKS = {
    'name': 'webmks',
    'family': 'mks',
    'graphical': True,
    'label': 'nova-webmksproxy',
    'services': (
        {'name': 'nova-webmksproxy', 'span': ('pike', None),
         'names': {'debian': (None, None), 'ubuntu': ('nova-webmksproxy', 'nova-webmksproxy'),
                   'redhat': ('openstack-nova-webmksproxy', 'openstack-nova-webmksproxy')}},
    ),
    'proxy_options': ('mksproxy_host', 'mksproxy_port'),
    'url_option': 'mksproxy_base_url',
    'port': 6090, 'scheme': 'http', 'path': '/mks.html',
    'url_var': 'compute_console_webmks_base_url',
    'options': {
        'enabled': (('pike', ('mks', 'enabled')),),
        'mksproxy_base_url': (('pike', ('mks', 'mksproxy_base_url')),),
        'mksproxy_host': (('pike', ('DEFAULT', 'mksproxy_host')), ('rocky', ('mks', 'mksproxy_host'))),
        'mksproxy_port': (('pike', ('DEFAULT', 'mksproxy_port')), ('rocky', ('mks', 'mksproxy_port'))),
    },
}


def _reload():
    ct.BY_NAME = dict((entry['name'], entry) for entry in ct.TYPES)
    ct.NAMES = tuple(entry['name'] for entry in ct.TYPES)
    nr._FEATURE_CACHE.clear()
    for module in RELOADED:
        importlib.reload(module)


@pytest.fixture
def webmks(monkeypatch):
    """A console type added to console_types only."""
    monkeypatch.setattr(ct, 'TYPES', ct.TYPES + (WEBMKS,))
    monkeypatch.setitem(ct.FAMILIES, 'mks', ('urls',))
    _reload()
    spec = importlib.util.spec_from_file_location('console_settings_copy', cs.__file__)
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)
    for name in CS_TABLES:
        monkeypatch.setattr(cs, name, getattr(fresh, name))
    yield 'webmks'
    monkeypatch.undo()
    _reload()


def proxy(**settings):
    base = {'role': 'console_proxy', 'distro': 'redhat', 'novaops_release': 'zed',
            'novaops_console_types': ['novnc', 'webmks']}
    base.update(settings)
    return cs.console_plan(base)


def compute(**settings):
    base = {'role': 'compute_console', 'distro': 'redhat', 'novaops_release': 'zed',
            'novaops_console_types': ['webmks'], 'compute_console_management_address': '192.168.1.2',
            'compute_console_proxy_addresses': ['192.168.1.1'], 'compute_console_proxy_public_host': '203.0.113.5'}
    base.update(settings)
    return cs.console_plan(base)


def problems(settings):
    with pytest.raises(cs.SettingsError) as err:
        cs.console_plan(settings)
    return err.value.problems


def test_a_type_added_to_the_registry_only_is_planned(webmks):
    assert rd.CONSOLE_PROXY['console_proxy_webmks_port'] == 6090
    assert rd.COMPUTE_CONSOLE['compute_console_webmks_base_url'] == ''
    assert 'webmks' in nr.features('pike')['console_types']
    assert 'nova-webmksproxy' not in nr.features('ocata')['console_services']
    assert nr.features('zed')['defaults']['mksproxy_port'] == 6090
    assert platforms.console_names('redhat', 'nova-webmksproxy')['package'] == 'openstack-nova-webmksproxy'
    assert platforms.platform('debian')['missing_console_types'] == ('webmks',)

    plan = proxy()
    assert plan['packages'] == ['openstack-nova-novncproxy', 'openstack-nova-webmksproxy']
    assert plan['services']['enable'] == ['openstack-nova-novncproxy', 'openstack-nova-webmksproxy']
    entries = [(e['section'], e['option'], e.get('value', e.get('state'))) for e in plan['nova_conf']]
    assert ('mks', 'mksproxy_port', 6090) in entries
    assert ('DEFAULT', 'mksproxy_port', 'absent') in entries
    assert [r['port'] for r in plan['firewall']['rules']] == [6080, 6090]
    assert 'openstack-nova-webmksproxy' in proxy(novaops_console_types=['novnc'])['services']['disable']

    conf = compute()['nova_conf']
    assert {'section': 'mks', 'option': 'enabled', 'value': True} in conf
    assert {'section': 'mks', 'option': 'mksproxy_base_url', 'value': 'http://203.0.113.5:6090/mks.html'} in conf
    assert [r['name'] for r in compute()['firewall']['rules']] == ['displays']
    assert {'section': 'mks', 'option': 'enabled', 'value': False} in compute(novaops_console_types=['novnc'])['nova_conf']


def test_a_registry_type_is_validated_under_its_own_names(webmks):
    assert problems({'role': 'console_proxy', 'distro': 'redhat', 'novaops_release': 'ocata',
                     'novaops_console_types': ['webmks']}) == [
        "novaops_console_types: 'webmks' contradicts novaops_release ocata: nova-webmksproxy exists from pike on "
        '(expected console types of ocata: novnc, xvpvnc, spice, serial)']
    assert problems({'role': 'console_proxy', 'distro': 'redhat', 'novaops_release': 'zed',
                     'novaops_console_types': ['webmks'], 'console_proxy_webmks_port': 'x'}) == [
        "console_proxy_webmks_port: 'x' is not a TCP port (expected an integer from 1 to 65535, e.g. 6090)"]
    assert problems(dict(role='compute_console', distro='redhat', novaops_release='zed',
                         novaops_console_types=['webmks'], compute_console_management_address='192.168.1.2',
                         compute_console_proxy_addresses=['192.168.1.1'])) == [
        "compute_console_webmks_base_url: is required when novaops_console_types contains 'webmks' "
        '(expected e.g. http://203.0.113.10:6090/mks.html)']
    assert problems({'role': 'console_proxy', 'distro': 'debian', 'novaops_release': 'zed',
                     'novaops_console_types': ['webmks']})[0].startswith(
        "novaops_console_types: 'webmks' on Debian: no Debian package of nova-webmksproxy is known")


def test_the_registry_is_restored():
    assert ct.NAMES == ('novnc', 'xvpvnc', 'spice', 'serial')
    assert cs.CONSOLE_TYPES == ct.NAMES
    assert 'console_proxy_webmks_port' not in rd.CONSOLE_PROXY


def test_every_type_entry_has_the_keys_the_planners_read():
    keys = {'name', 'family', 'graphical', 'label', 'services', 'proxy_options', 'url_option', 'port', 'scheme',
            'path', 'url_var'}
    for entry in ct.TYPES:
        assert keys <= set(entry), entry['name']
        assert entry['family'] in ct.FAMILIES
        for service in entry['services']:
            assert set(service['names']) == set(platforms.families()), service['name']
    assert ct.default_url('spice', '2001:db8::1') == 'http://[2001:db8::1]:6082/spice_auto.html'
