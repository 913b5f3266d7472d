# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""site_plan: every plan of a host in one pass, with the per-host defaults derived."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible_collections.novaops.console_migration.plugins.module_utils import platforms
from ansible_collections.novaops.console_migration.plugins.module_utils import site_plan as sp
from ansible_collections.novaops.console_migration.plugins.module_utils.console_settings import SettingsError
from ansible_collections.novaops.console_migration.tests.unit.plugins.filter.test_id_targets import result as ids_report

ADDRESSES = {'proxy1': '10.0.0.11', 'compute1': '10.0.0.12', 'compute2': '10.0.0.13'}
GROUPS = {'nova_console_proxy': ['proxy1'], 'nova_compute': ['compute1', 'compute2']}


def read(name, packages=None, ids=None):
    """A host_facts result of a Debian 12 host (Zed, iptables)."""
    record = platforms.host_record({'os_family': 'Debian', 'distribution': 'Debian'}, 'iptables')
    record.update(release='zed', release_source='installed', firewall_backend='iptables',
                  packages=dict((p, '1') for p in (packages if packages is not None else platforms.all_packages('debian'))),
                  account_ids=ids if ids is not None else ids_report(64060, 64060, 64055, 992))
    return record


def facts(name):
    return {'default_ipv4': {'address': ADDRESSES[name]}}


def view(**given):
    hosts = {}
    for name in ADDRESSES:
        groups = [g for g, members in GROUPS.items() if name in members]
        hosts[name] = dict(groups=groups, read=read(name), facts=facts(name), **given.get(name, {}))
    return sp.inventory_view(hosts)


def plan(name, settings=None, roles=None, the_view=None, host_read=None, **kwargs):
    roles = roles if roles is not None else sp.host_roles([g for g, m in GROUPS.items() if name in m])
    return sp.plan_host(name, roles, settings or {}, host_read or read(name), facts(name), GROUPS,
                        the_view or view(), **kwargs)


def rule(plan_, name):
    return [r for r in plan_['firewall']['rules'] if r['name'] == name][0]


def test_roles_follow_the_inventory_groups():
    assert sp.host_roles(['nova_console_proxy']) == ['console_proxy']
    assert sp.host_roles(['nova_compute', 'nova_console_proxy']) == ['console_proxy', 'compute_console',
                                                                     'live_migration']
    assert sp.host_roles(['other']) == []


def test_unset_addresses_take_the_default_ipv4_address_and_the_proxies_by_group():
    plans = plan('compute1')
    assert plans['roles'] == ['compute_console', 'live_migration']
    assert plans['console_proxy'] is None
    assert plans['addresses'] == {'migration': '10.0.0.12', 'console': '10.0.0.12', 'peers': {'compute2': '10.0.0.13'},
                                  'reach': ['10.0.0.12', '10.0.0.13']}
    # the consoles open to the proxy's address only, URLs point at the first proxy
    assert rule(plans['compute_console'], 'displays')['sources'] == ['10.0.0.11']
    novnc = [e for e in plans['compute_console']['nova_conf'] if e['option'] == 'novncproxy_base_url'][0]
    assert novnc['value'] == 'http://proxy1:6080/vnc_lite.html'
    # the migration ports open to the other compute only, libvirtd listens on this host's address
    assert rule(plans['live_migration'], 'qemu_migration')['sources'] == ['10.0.0.13']
    assert plans['live_migration']['libvirtd']['listen_address'] == '10.0.0.12'


def test_set_addresses_win_here_and_at_the_peers():
    the_view = view(compute2={'live_migration_address': '192.168.5.13', 'compute_console_management_address': '10.9.9.9'})
    plans = plan('compute1', {'live_migration_address': '192.168.5.12', 'compute_console_proxy_public_host': 'vnc.example.org',
                              'compute_console_proxy_addresses': ['10.7.0.0/24']}, the_view=the_view)
    assert plans['addresses']['migration'] == '192.168.5.12'
    assert plans['addresses']['peers'] == {'compute2': '192.168.5.13'}
    assert plans['addresses']['reach'] == ['10.0.0.12', '10.9.9.9']
    assert rule(plans['live_migration'], 'qemu_migration')['sources'] == ['192.168.5.13']
    assert rule(plans['compute_console'], 'displays')['sources'] == ['10.7.0.0/24']
    novnc = [e for e in plans['compute_console']['nova_conf'] if e['option'] == 'novncproxy_base_url'][0]
    assert novnc['value'] == 'http://vnc.example.org:6080/vnc_lite.html'


def test_without_a_proxy_group_the_public_host_is_loopback():
    values = sp.derive({}, facts('compute1'), {'nova_compute': ['compute1']}, {'proxies': [], 'computes': {}})
    assert values['compute_console_proxy_public_host'] == '127.0.0.1'
    assert values['compute_console_proxy_addresses'] == []


def test_hosts_not_read_in_this_run_are_no_peers():
    hosts = {'compute1': {'groups': ['nova_compute'], 'read': read('compute1'), 'facts': facts('compute1')},
             'compute2': {'groups': ['nova_compute'], 'facts': facts('compute2')},   # not read (limit, failure)
             'compute3': {'groups': ['nova_compute'], 'read': {'failed': True}, 'facts': {}}}
    assert sorted(sp.inventory_view(hosts)['computes']) == ['compute1']


def test_missing_packages_come_from_the_read_of_the_host():
    host_read = read('proxy1', packages=[])
    plans = plan('proxy1', host_read=host_read)
    wanted = plans['console_proxy']['packages'] + host_read['firewall_packages']
    assert plans['missing'] == wanted and plans['console_proxy']['missing'] == wanted
    assert plan('proxy1')['missing'] == []


def test_every_problem_of_every_role_at_once_naming_the_variables():
    with pytest.raises(SettingsError) as err:
        plan('compute1', {'compute_console_vnc_port_range': '5900-6000x', 'live_migration_port_min': 'x'})
    lines = err.value.problems
    assert any(line.startswith('compute_console_vnc_port_range: ') for line in lines)
    assert any(line.startswith('live_migration_port_min: ') for line in lines)


def test_a_port_of_one_role_clashes_with_another_roles_range():
    groups = {'nova_console_proxy': ['compute1'], 'nova_compute': ['compute1']}
    with pytest.raises(SettingsError) as err:
        sp.plan_host('compute1', sp.ROLES, {'console_proxy_novnc_port': 5901}, read('compute1'), facts('compute1'),
                     groups, view())
    assert 'console_proxy_novnc_port' in str(err.value) and 'compute_console_vnc_port_range' in str(err.value)


def test_tls_files_must_exist_on_the_controller():
    files = dict((n, '/srv/pki/%s.pem' % n) for n in ('ca_cert', 'server_cert', 'server_key', 'client_cert', 'client_key'))
    with pytest.raises(SettingsError) as err:
        plan('compute1', {'live_migration_tls_files': files}, is_file=lambda path: 'key' in path)
    assert err.value.problems == ['live_migration_tls_files.%s: /srv/pki/%s.pem is not a file on the controller' % (n, n)
                                  for n in ('ca_cert', 'server_cert', 'client_cert')]
    assert plan('compute1', {'live_migration_tls_files': files}, is_file=lambda path: True)['live_migration']['tls']


def test_ids_are_chosen_across_the_computes_and_change_where_they_differ():
    hosts = {}
    for name, report in (('compute1', ids_report(101, 107, 64055, 104)), ('compute2', ids_report(64060, 64060, 64055, 992))):
        hosts[name] = {'groups': ['nova_compute'], 'read': read(name, ids=report), 'facts': facts(name)}
    the_view = sp.inventory_view(hosts)
    ids = plan('compute2', roles=['live_migration'], the_view=the_view, host_read=read('compute2', ids=hosts['compute2']['read']['account_ids']))
    ids = ids['live_migration']['ids']
    assert ids['accounts'] == [{'kind': 'user', 'name': 'nova', 'id': 101}, {'kind': 'group', 'name': 'nova', 'id': 107},
                               {'kind': 'user', 'name': 'libvirt-qemu', 'id': 64055},
                               {'kind': 'group', 'name': 'kvm', 'id': 104}]
    assert ids['change'] is True and ids['force'] is False
    assert ids['services'][:2] == ['nova-compute', 'libvirtd']
    same = plan('compute2', {'live_migration_nova_uid': 64060, 'live_migration_nova_gid': 64060,
                             'live_migration_qemu_gid': 992, 'live_migration_force_id_change': 'yes'},
                roles=['live_migration'], the_view=sp.inventory_view({'compute2': hosts['compute2']}))['live_migration']['ids']
    assert (same['change'], same['force']) == (False, True)


def test_an_id_taken_elsewhere_is_refused_naming_its_variable():
    hosts = {'compute1': {'groups': ['nova_compute'], 'read': read('compute1', ids=ids_report(101, 107, 64055, 104, users={'alice': 1000})),
                          'facts': facts('compute1')}}
    with pytest.raises(SettingsError) as err:
        plan('compute1', {'live_migration_nova_uid': 1000}, roles=['live_migration'], the_view=sp.inventory_view(hosts))
    assert err.value.problems[0].startswith('live_migration_nova_uid: 1000 ')


def test_the_units_stopped_for_an_id_change_are_the_familys():
    host_read = read('compute1')
    host_read.update(distro='redhat')
    ids = sp.plan_host('compute1', ['live_migration'], {}, host_read, facts('compute1'), GROUPS, view())['live_migration']['ids']
    assert ids['services'][0] == 'openstack-nova-compute' and 'nova-compute' not in ids['services']


def test_no_alignment_no_targets():
    ids = plan('compute1', {'live_migration_align_ids': False})['live_migration']['ids']
    assert (ids['targets'], ids['accounts'], ids['change']) == ({}, [], False)


def test_plans_of_earlier_in_the_run_are_kept_and_checked_against():
    groups = {'nova_console_proxy': ['compute1'], 'nova_compute': ['compute1']}
    first = sp.plan_host('compute1', ['console_proxy'], {'console_proxy_novnc_port': 5901}, read('compute1'),
                         facts('compute1'), groups, view())
    assert first['roles'] == ['console_proxy']
    with pytest.raises(SettingsError):
        sp.plan_host('compute1', ['compute_console'], {}, read('compute1'), facts('compute1'), groups, view(),
                     previous=first)
    later = sp.plan_host('compute1', ['live_migration'], {}, read('compute1'), facts('compute1'), groups, view(),
                         previous=first)
    assert later['roles'] == ['console_proxy', 'live_migration'] and later['console_proxy'] == first['console_proxy']


def test_warnings_name_their_role():
    alone = {'compute1': {'groups': ['nova_compute'], 'read': read('compute1'), 'facts': facts('compute1')}}
    plans = plan('compute1', roles=['live_migration'], the_view=sp.inventory_view(alone))   # no peer
    assert any(w.startswith('live_migration: live_migration_peers: empty') for w in plans['warnings'])


def test_reserved_ports_follow_the_libvirt_ports_and_typos_are_warned_of():
    plans = plan('compute1', {'novaops_console_types': ['novnc', 'serial'], 'live_migration_libvirt_tls_port': 16600,
                              'compute_console_vnc_port_rang': '5900:5910'})
    serial = [r for r in plans['compute_console']['firewall']['rules'] if r['name'] != 'displays']
    opened = ' '.join(str(r['port']) for r in serial)
    assert '16599' in opened and '16601' in opened and '16600' not in opened.split(':')
    assert any(w.startswith('compute_console: compute_console_vnc_port_rang: unknown variable') for w in plans['warnings'])


def test_before_juno_a_migrating_compute_listens_on_every_address():
    host_read = read('compute1')
    host_read.update(release='grizzly')
    plans = sp.plan_host('compute1', ['compute_console', 'live_migration'], {}, host_read, facts('compute1'),
                         GROUPS, view())
    listen = [e for e in plans['compute_console']['nova_conf'] if e['option'] == 'vncserver_listen']
    assert [e['value'] for e in listen] == ['0.0.0.0']
    alone = sp.plan_host('compute1', ['compute_console'], {}, host_read, facts('compute1'), GROUPS, view())
    assert [e['value'] for e in alone['compute_console']['nova_conf'] if e['option'] == 'vncserver_listen'] == ['10.0.0.12']


def _url(plans, option):
    return [e for e in plans['compute_console']['nova_conf'] if e['option'] == option][0]['value']


def test_urls_built_for_clients_follow_the_proxies_tls():
    settings = {'novaops_console_types': ['novnc', 'serial']}
    tls = view(proxy1={'console_proxy_ssl_cert': '/etc/nova/console.pem'})
    secure = plan('compute1', settings, the_view=tls)
    assert _url(secure, 'novncproxy_base_url') == 'https://proxy1:6080/vnc_lite.html'
    assert _url(secure, 'base_url') == 'wss://proxy1:6083/'
    plain = plan('compute1', settings)
    assert _url(plain, 'novncproxy_base_url') == 'http://proxy1:6080/vnc_lite.html'
    assert _url(plain, 'base_url') == 'ws://proxy1:6083/'
    # a URL the operator set is kept as given
    given = plan('compute1', dict(settings, compute_console_novncproxy_base_url='http://lb.example.org:80/vnc_lite.html'),
                 the_view=tls)
    assert _url(given, 'novncproxy_base_url') == 'http://lb.example.org:80/vnc_lite.html'
