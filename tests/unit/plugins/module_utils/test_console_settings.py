# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""console_settings: validation and the console plan, checked against the guides.

The guide excerpts in ``fixtures/`` are verbatim copies of the seed guides
(RHEL VNC proxy chapter, the essex vncconsole FAQ, the juno serial console
section and the diablo guide).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import re

import pytest

from ansible_collections.novaops.console_migration.plugins.module_utils import console_settings as cs
from ansible_collections.novaops.console_migration.plugins.module_utils import nova_releases as nr

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures')
PROXY_URL = 'http://172.24.1.1:6080/vnc_auto.html'


def guide(name):
    with open(os.path.join(FIXTURES, name), encoding='utf-8') as handle:
        return handle.read()


def proxy_plan(**settings):
    base = {'role': 'console_proxy', 'distro': 'redhat', 'novaops_release': 'stein',
            'novaops_console_types': ['novnc']}
    base.update(settings)
    return cs.console_plan(base)


def compute_settings(**settings):
    base = {'role': 'compute_console', 'distro': 'ubuntu', 'novaops_release': 'zed',
            'novaops_console_types': ['novnc'],
            'compute_console_management_address': '192.168.1.2',
            'compute_console_novncproxy_base_url': PROXY_URL,
            'compute_console_proxy_addresses': ['192.168.1.1']}
    base.update(settings)
    return base


def compute_plan(**settings):
    return cs.console_plan(compute_settings(**settings))


def present(plan):
    return dict(((e['section'], e['option']), e['value']) for e in plan['nova_conf'] if 'value' in e)


def absent(plan):
    return set((e['section'], e['option']) for e in plan['nova_conf'] if e.get('state') == 'absent')


def problems(settings):
    with pytest.raises(cs.SettingsError) as err:
        cs.console_plan(settings)
    assert str(err.value) == '\n'.join(err.value.problems)
    return err.value.problems


# ----------------------------------------------- 1. RHEL guide (000), stein

def test_rhel_stein_proxy_novnc_xvpvnc_matches_the_rhel_guide():
    text = guide('rhel_vnc_proxy_guide.txt')
    plan = proxy_plan(novaops_console_types=['novnc', 'xvpvnc'])

    assert plan['release'] == 'stein'
    assert plan['config_format'] == 'ini'
    # "yum install -y openstack-nova-novncproxy" / "yum install -y openstack-nova-console"
    assert plan['packages'] == ['openstack-nova-novncproxy', 'openstack-nova-console']
    for package in plan['packages']:
        assert '# yum install -y %s\n' % package in text

    assert set(plan['services']['enable']) == {
        'openstack-nova-consoleauth', 'openstack-nova-novncproxy', 'openstack-nova-xvpvncproxy'}
    assert plan['services']['enable'][0] == 'openstack-nova-consoleauth'
    for service in ('openstack-nova-consoleauth', 'openstack-nova-novncproxy'):
        assert '#service %s start' % service in text
        assert '#chkconfig %s on' % service in text
    assert 'substitute openstack-nova-xvpvncproxy into the previous commands' in text
    assert set(plan['services']['disable']) == {'openstack-nova-spicehtml5proxy', 'openstack-nova-serialproxy'}
    assert plan['restart_on_change'] == ['openstack-nova-novncproxy', 'openstack-nova-xvpvncproxy']

    # The guide's firewall lines, verbatim and in order.
    guide_lines = re.findall(r'^\s*(-A INPUT .*-j ACCEPT)$', text, re.M)
    assert guide_lines == ['-A INPUT -m state --state NEW -m tcp -p tcp --dport 6080 -j ACCEPT',
                           '-A INPUT -m state --state NEW -m tcp -p tcp --dport 6081 -j ACCEPT']
    assert plan['iptables_lines'] == guide_lines
    assert plan['firewall'] == {'owner': 'console_proxy', 'backend': 'auto', 'rules': [
        {'name': 'novnc', 'port': 6080, 'protocol': 'tcp', 'sources': []},
        {'name': 'xvpvnc', 'port': 6081, 'protocol': 'tcp', 'sources': []}]}

    # Proxy options: the guide's default ports, in stein's [vnc] section.
    guide_ports = dict(re.findall(r'(\w+proxy_port) - .*Default is (\d+)\.', text))
    assert guide_ports == {'novncproxy_port': '6080', 'xvpvncproxy_port': '6081'}
    conf = present(plan)
    assert conf == {('vnc', 'novncproxy_host'): '0.0.0.0', ('vnc', 'novncproxy_port'): 6080,
                    ('vnc', 'xvpvncproxy_host'): '0.0.0.0', ('vnc', 'xvpvncproxy_port'): 6081}
    for option, port in guide_ports.items():
        assert conf[('vnc', option)] == int(port)
    # The pre-mitaka [DEFAULT] names are removed.
    assert absent(plan) == {('DEFAULT', 'novncproxy_host'), ('DEFAULT', 'novncproxy_port'),
                            ('DEFAULT', 'xvpvncproxy_host'), ('DEFAULT', 'xvpvncproxy_port')}
    assert plan['flagfile'] == [] and plan['debian_default'] is None
    assert any('deprecated since rocky' in w for w in plan['warnings'])


def test_rhel_proxy_custom_ports_and_listen_addresses():
    plan = proxy_plan(novaops_console_types='novnc, serial', console_proxy_novnc_port='16080',
                      console_proxy_novnc_host='192.0.2.10', console_proxy_serial_host='::')
    conf = present(plan)
    assert conf[('vnc', 'novncproxy_port')] == 16080
    assert conf[('vnc', 'novncproxy_host')] == '192.0.2.10'
    assert conf[('serial_console', 'serialproxy_host')] == '::'
    assert conf[('serial_console', 'serialproxy_port')] == 6083
    assert plan['iptables_lines'] == [
        '-A INPUT -m state --state NEW -m tcp -p tcp --dport 16080 -j ACCEPT',
        '-A INPUT -m state --state NEW -m tcp -p tcp --dport 6083 -j ACCEPT']
    assert plan['packages'] == ['openstack-nova-novncproxy', 'openstack-nova-serialproxy',
                                'openstack-nova-console']


# -------------------------------------------- 2. train and ussuri on RHEL

def test_rhel_train_moves_consoleauth_to_disable():
    plan = proxy_plan(novaops_release='train', novaops_console_types=['novnc', 'xvpvnc'])
    assert plan['packages'] == ['openstack-nova-novncproxy', 'openstack-nova-console']
    assert plan['services']['enable'] == ['openstack-nova-novncproxy', 'openstack-nova-xvpvncproxy']
    assert 'openstack-nova-consoleauth' in plan['services']['disable']
    assert not any('consoleauth' in w for w in plan['warnings'])
    assert plan['iptables_lines'] == proxy_plan(novaops_console_types=['novnc', 'xvpvnc'])['iptables_lines']


def test_rhel_ussuri_rejects_xvpvnc_naming_the_variable():
    lines = problems({'role': 'console_proxy', 'distro': 'redhat', 'novaops_release': 'ussuri',
                      'novaops_console_types': ['novnc', 'xvpvnc']})
    assert len(lines) == 1
    assert lines[0].startswith("novaops_console_types: 'xvpvnc' contradicts novaops_release ussuri")
    assert 'train' in lines[0] and '(expected console types of ussuri: novnc, spice, serial)' in lines[0]


def test_rhel_ussuri_cleans_up_removed_services():
    plan = proxy_plan(novaops_release='ussuri')
    assert plan['packages'] == ['openstack-nova-novncproxy']
    assert plan['services']['enable'] == ['openstack-nova-novncproxy']
    assert set(plan['services']['disable']) == {
        'openstack-nova-spicehtml5proxy', 'openstack-nova-serialproxy',
        'openstack-nova-consoleauth', 'openstack-nova-xvpvncproxy'}


# ----------------------------------------------- 3. juno serial console (003)

def test_juno_serial_console_compute_matches_the_admin_guide():
    text = guide('serial_console_juno.txt')
    assert 'enabled = true' in text
    base_url = re.search(r'^base_url = (\S+)$', text, re.M).group(1)
    listen = re.search(r'^listen = (\S+)$', text, re.M).group(1)
    assert (base_url, listen) == ('ws://controller:6083/', '0.0.0.0')
    assert 'proxyclient_address = MANAGEMENT_INTERFACE_IP_ADDRESS' in text

    plan = compute_plan(novaops_release='juno', novaops_console_types=['novnc', 'serial'],
                        compute_console_serial_base_url=base_url, compute_console_serial_listen=listen)
    conf = present(plan)
    assert conf[('serial_console', 'enabled')] is True
    assert conf[('serial_console', 'base_url')] == 'ws://controller:6083/'
    # The guide's listen was never read (RN 14.0.0 "never used in the code"): not written.
    assert ('serial_console', 'listen') not in conf
    assert conf[('serial_console', 'proxyclient_address')] == '192.168.1.2'
    assert conf[('serial_console', 'port_range')] == nr.features('juno')['defaults']['serial_port_range']
    assert conf[('spice', 'enabled')] is False

    # VNC options of juno: the old names in [DEFAULT], as nova_releases maps them
    # and as the RHEL guide lists them.
    vnc = nr.features('juno')['vnc']
    expected = {'enabled': ('DEFAULT', 'vnc_enabled'), 'server_listen': ('DEFAULT', 'vncserver_listen'),
                'server_proxyclient_address': ('DEFAULT', 'vncserver_proxyclient_address'),
                'novncproxy_base_url': ('DEFAULT', 'novncproxy_base_url')}
    rhel = guide('rhel_vnc_proxy_guide.txt')
    for key, location in expected.items():
        assert vnc[key] == location
        assert '  \u2022 %s - ' % location[1] in rhel
    assert conf[('DEFAULT', 'vnc_enabled')] is True
    assert conf[('DEFAULT', 'vncserver_listen')] == '192.168.1.2'
    assert conf[('DEFAULT', 'vncserver_proxyclient_address')] == '192.168.1.2'
    assert conf[('DEFAULT', 'novncproxy_base_url')] == PROXY_URL
    assert not any(key[0] == 'vnc' for key in conf)
    assert absent(plan) == set()   # nothing older than juno to clean up in these options

    assert plan['iptables_lines'] == [
        '-A INPUT -s 192.168.1.1 -m state --state NEW -m tcp -p tcp --dport 5900:5999 -j ACCEPT',
        '-A INPUT -s 192.168.1.1 -m state --state NEW -m tcp -p tcp --dport 10000:16508 -j ACCEPT',
        '-A INPUT -s 192.168.1.1 -m state --state NEW -m tcp -p tcp --dport 16510:16513 -j ACCEPT',
        '-A INPUT -s 192.168.1.1 -m state --state NEW -m tcp -p tcp --dport 16515:20000 -j ACCEPT']
    assert plan['restart_on_change'] == ['nova-compute']
    assert plan['packages'] == [] and plan['services'] == {'enable': [], 'disable': []}


def test_serial_listen_is_never_written_and_warns_when_set():
    mitaka = present(compute_plan(novaops_release='mitaka', novaops_console_types=['serial'],
                                  compute_console_serial_base_url='wss://console.example.org:6083/'))
    # 13.0.0 defines [serial_console] listen, the driver binds to proxyclient_address.
    assert ('serial_console', 'listen') not in mitaka
    assert mitaka[('serial_console', 'proxyclient_address')] == '192.168.1.2'
    assert mitaka[('vnc', 'enabled')] is False
    newton = compute_plan(novaops_release='newton', novaops_console_types=['serial'],
                          compute_console_serial_base_url='ws://controller:6083/',
                          compute_console_serial_listen='0.0.0.0')
    assert ('serial_console', 'listen') not in present(newton)
    assert any(w.startswith('compute_console_serial_listen: ignored') for w in newton['warnings'])
    assert [r['name'] for r in newton['firewall']['rules']] == ['serial', 'serial_2', 'serial_3']


def test_serial_before_juno_and_spice_before_grizzly_are_contradictions():
    lines = problems(compute_settings(novaops_release='icehouse', novaops_console_types=['serial'],
                                      compute_console_serial_base_url='ws://controller:6083/'))
    assert lines == ["novaops_console_types: 'serial' contradicts novaops_release icehouse: the serial "
                     "console proxy exists from juno on (expected console types of icehouse: novnc, "
                     "xvpvnc, spice)"]
    lines = problems(compute_settings(novaops_release='folsom', novaops_console_types=['spice'],
                                      compute_console_spice_base_url='http://172.24.1.1:6082/spice_auto.html'))
    assert len(lines) == 1 and lines[0].startswith("novaops_console_types: 'spice' contradicts novaops_release folsom")


# ------------------------------------------- 4. the FAQ's multi-host example (002)

def faq_values():
    text = guide('vncconsole_faq_multihost.txt')
    assert 'PROXYSERVER (public_ip=172.24.1.1, management_ip=192.168.1.1)' in text
    assert 'COMPUTESERVER (management_ip=192.168.1.2)' in text
    values = dict(re.findall(r'^(\w+)=(\S+)$', text, re.M))
    assert values == {'vncserver_proxyclient_address': '192.168.1.2',
                      'novncproxy_base_url': 'http://172.24.1.1:6080/vnc_auto.html',
                      'xvpvncproxy_base_url': 'http://172.24.1.1:6081/console',
                      'vncserver_listen': '192.168.1.2'}
    return values


def faq_settings(release, types=('novnc', 'xvpvnc')):
    values = faq_values()
    return compute_settings(novaops_release=release, novaops_console_types=list(types),
                            compute_console_management_address='192.168.1.2',
                            compute_console_novncproxy_base_url=values['novncproxy_base_url'],
                            compute_console_xvpvncproxy_base_url=values['xvpvncproxy_base_url'],
                            compute_console_proxy_addresses=['192.168.1.1'])


@pytest.mark.parametrize('release', ['essex', 'folsom'])
def test_faq_multi_host_example_on_essex_and_folsom(release):
    plan = cs.console_plan(faq_settings(release))
    conf = present(plan)
    for option, value in faq_values().items():
        assert conf[('DEFAULT', option)] == value
    assert conf[('DEFAULT', 'vnc_enabled')] is True
    assert set(conf) == set(('DEFAULT', o) for o in list(faq_values()) + ['vnc_enabled'])
    assert plan['nova_conf'] == [e for e in plan['nova_conf'] if 'value' in e]
    # "Your PROXYSERVER must be able to reach vncserver_proxyclient_address":
    # the compute opens its display ports to the proxy's management address.
    assert plan['iptables_lines'] == [
        '-A INPUT -s 192.168.1.1 -m state --state NEW -m tcp -p tcp --dport 5900:5999 -j ACCEPT']


def test_faq_multi_host_example_on_zed_uses_vnc_section_and_new_names():
    values = faq_values()
    plan = cs.console_plan(faq_settings('zed', ['novnc']))
    conf = present(plan)
    assert conf == {('vnc', 'enabled'): True,
                    ('vnc', 'server_listen'): values['vncserver_listen'],
                    ('vnc', 'server_proxyclient_address'): values['vncserver_proxyclient_address'],
                    ('vnc', 'novncproxy_base_url'): values['novncproxy_base_url'],
                    ('spice', 'enabled'): False,
                    ('serial_console', 'enabled'): False}
    assert absent(plan) == {('DEFAULT', 'vnc_enabled'), ('DEFAULT', 'vncserver_listen'),
                            ('vnc', 'vncserver_listen'), ('DEFAULT', 'vncserver_proxyclient_address'),
                            ('vnc', 'vncserver_proxyclient_address'), ('DEFAULT', 'novncproxy_base_url')}
    lines = problems(faq_settings('zed'))
    assert lines[0].startswith("novaops_console_types: 'xvpvnc' contradicts novaops_release zed")


def test_faq_multi_host_example_on_train_keeps_xvpvnc_in_vnc_section():
    values = faq_values()
    conf = present(cs.console_plan(faq_settings('train')))
    assert conf[('vnc', 'xvpvncproxy_base_url')] == values['xvpvncproxy_base_url']
    assert conf[('vnc', 'server_listen')] == values['vncserver_listen']


def test_spice_only_disables_vnc_and_sets_spice_options():
    plan = compute_plan(novaops_console_types=['spice'], compute_console_novncproxy_base_url='',
                        compute_console_spice_base_url='https://console.example.org:6082/spice_auto.html',
                        compute_console_server_listen='0.0.0.0')
    conf = present(plan)
    assert conf[('vnc', 'enabled')] is False
    assert ('vnc', 'server_listen') not in conf
    assert conf[('spice', 'enabled')] is True
    assert conf[('spice', 'html5proxy_base_url')] == 'https://console.example.org:6082/spice_auto.html'
    assert conf[('spice', 'server_listen')] == '0.0.0.0'
    assert conf[('spice', 'server_proxyclient_address')] == '192.168.1.2'
    both = compute_plan(novaops_console_types=['novnc', 'spice'],
                        compute_console_spice_base_url='http://172.24.1.1:6082/spice_auto.html')
    assert any('VNC and SPICE are both enabled' in w for w in both['warnings'])


def test_ubuntu_spice_proxy_package_and_havana_option_names():
    plan = proxy_plan(distro='ubuntu', novaops_release='havana', novaops_console_types=['spice'])
    assert present(plan) == {('DEFAULT', 'spicehtml5proxy_host'): '0.0.0.0',
                             ('DEFAULT', 'spicehtml5proxy_port'): 6082}
    assert any('not recorded' in w for w in plan['warnings'])
    icehouse = proxy_plan(distro='ubuntu', novaops_release='icehouse', novaops_console_types=['spice'])
    assert icehouse['packages'] == ['nova-spiceproxy', 'nova-consoleauth']
    assert icehouse['services']['enable'] == ['nova-consoleauth', 'nova-spiceproxy']
    assert present(icehouse) == {('DEFAULT', 'spicehtml5proxy_host'): '0.0.0.0',
                                 ('DEFAULT', 'spicehtml5proxy_port'): 6082}
    assert absent(icehouse) == set()
    assert not any('not recorded' in w for w in icehouse['warnings'])


def test_spice_proxy_port_where_the_release_reads_it():
    # 2014.1 nova/cmd/spicehtml5proxy.py: listen_port=CONF.spicehtml5proxy_port ([DEFAULT]);
    # 2014.2: listen_port=CONF.spice.html5proxy_port, deprecated_name spicehtml5proxy_port.
    icehouse = proxy_plan(distro='ubuntu', novaops_release='icehouse', novaops_console_types=['spice'],
                          console_proxy_spice_port=6090)
    assert present(icehouse)[('DEFAULT', 'spicehtml5proxy_port')] == 6090
    assert ('spice', 'html5proxy_port') not in present(icehouse)
    assert icehouse['firewall']['rules'] == [{'name': 'spice', 'port': 6090, 'protocol': 'tcp', 'sources': []}]
    juno = proxy_plan(distro='ubuntu', novaops_release='juno', novaops_console_types=['spice'],
                      console_proxy_spice_port=6090)
    assert present(juno) == {('spice', 'html5proxy_host'): '0.0.0.0', ('spice', 'html5proxy_port'): 6090}
    assert absent(juno) == {('DEFAULT', 'spicehtml5proxy_host'), ('DEFAULT', 'spicehtml5proxy_port')}
    assert juno['firewall']['rules'] == icehouse['firewall']['rules']


# ------------------------------------------------------------ 5. diablo (004)

def test_diablo_proxy_flags_match_the_diablo_guide():
    text = guide('diablo_vnc_guide.txt')
    plan = proxy_plan(distro='ubuntu', novaops_release='diablo')
    assert plan['config_format'] == 'flagfile'
    assert plan['nova_conf'] == []
    assert plan['flagfile'] == ['--vncproxy_host=0.0.0.0', '--vncproxy_port=6080',
                                '--vncproxy_wwwroot=/var/lib/nova/noVNC/']
    # "By default, nova-vncproxy binds 0.0.0.0:6080. This can be configured with:"
    assert 'nova-vncproxy binds 0.0.0.0:6080' in text
    for flag in ('vncproxy_port=', 'vncproxy_host=', 'vncproxy_wwwroot, which defaults to /var/lib/nova/noVNC'):
        assert flag in text
    # "sudo apt-get install nova-volume nova-vncproxy nova-api ..."
    assert 'apt-get install nova-volume nova-vncproxy' in text
    assert plan['packages'] == ['nova-vncproxy']
    assert plan['services'] == {'enable': ['nova-vncproxy'], 'disable': []}
    assert plan['iptables_lines'] == ['-A INPUT -m state --state NEW -m tcp -p tcp --dport 6080 -j ACCEPT']
    assert any("diablo's own nova-vncproxy" in w for w in plan['warnings'])
    assert proxy_plan(novaops_release='diablo')['services']['enable'] == ['openstack-nova-vncproxy']


def test_diablo_compute_flags_match_the_diablo_guide():
    text = guide('diablo_vnc_guide.txt')
    plan = compute_plan(novaops_release='2011.3', compute_console_novncproxy_base_url='http://172.24.1.1:6080')
    assert plan['release'] == 'diablo'
    assert plan['flagfile'] == ['--vnc_enabled', '--vncserver_host=192.168.1.2',
                                '--vncproxy_url=http://172.24.1.1:6080']
    # The guide's flagfile has the boolean flag on a line of its own.
    assert '\n--vnc_enabled\n' in text
    # The guide names --vnc_console_proxy_url, which no diablo code defines
    # (nova_releases): only vncproxy_url is written.
    assert 'vnc_console_proxy_url=http://[proxy_host]:[proxy_port]' in text
    assert 'vnc_console_proxy_url' not in nr.DIABLO_FLAGS
    assert not any('vnc_console_proxy_url' in line for line in plan['flagfile'])
    assert plan['nova_conf'] == []
    assert compute_plan(novaops_release='diablo',
                        compute_console_novncproxy_base_url='http://172.24.1.1:6080/')['flagfile'][2] == \
        '--vncproxy_url=http://172.24.1.1:6080'


def test_diablo_rejects_what_it_does_not_have():
    lines = problems(compute_settings(novaops_release='diablo'))
    assert lines == ["compute_console_novncproxy_base_url: 'http://172.24.1.1:6080/vnc_auto.html' has a path: "
                     "diablo's --vncproxy_url is the proxy's root URL and nova appends /vnc_auto.html itself "
                     "(expected on diablo e.g. http://203.0.113.10:6080)"]
    lines = problems({'role': 'console_proxy', 'distro': 'redhat', 'novaops_release': 'diablo',
                      'novaops_console_types': ['novnc', 'xvpvnc'],
                      'console_proxy_ssl_cert': '/etc/ssl/c.pem', 'console_proxy_ssl_key': '/etc/ssl/c.key'})
    assert [line.split(':')[0] for line in lines] == ['novaops_console_types', 'console_proxy_ssl_cert']


# ----------------------------------------------------------- 6. Debian

def test_debian_zed_proxy_novnc_and_serial():
    plan = proxy_plan(distro='debian', novaops_release='zed', novaops_console_types=['novnc', 'serial'])
    assert plan['packages'] == ['nova-consoleproxy']
    assert plan['debian_default'] == {'path': '/etc/default/nova-consoleproxy',
                                      'values': {'NOVA_CONSOLE_PROXY_TYPE': 'novnc',
                                                 'NOVA_SERIAL_PROXY_START': 'true'}}
    assert plan['services']['enable'] == ['nova-novncproxy', 'nova-serialproxy']
    # nova-xvpvncproxy: the upgrade clean-up after train, as on the other families.
    assert set(plan['services']['disable']) == {'nova-spicehtml5proxy', 'nova-consoleauth', 'nova-xvpvncproxy'}
    assert plan['restart_on_change'] == ['nova-novncproxy', 'nova-serialproxy']
    assert present(plan)[('serial_console', 'serialproxy_port')] == 6083


def test_debian_spice_and_serial_selects_spicehtml5():
    plan = proxy_plan(distro='debian', novaops_release='zed', novaops_console_types=['spice', 'serial'])
    assert plan['debian_default']['values'] == {'NOVA_CONSOLE_PROXY_TYPE': 'spicehtml5',
                                                'NOVA_SERIAL_PROXY_START': 'true'}
    assert plan['services']['enable'] == ['nova-spicehtml5proxy', 'nova-serialproxy']
    assert 'nova-novncproxy' in plan['services']['disable']
    novnc = proxy_plan(distro='debian', novaops_release='zed')
    assert novnc['debian_default']['values'] == {'NOVA_CONSOLE_PROXY_TYPE': 'novnc',
                                                 'NOVA_SERIAL_PROXY_START': 'false'}
    stein = proxy_plan(distro='debian', novaops_release='stein')
    assert stein['services']['enable'] == ['nova-consoleauth', 'nova-novncproxy']
    assert stein['packages'] == ['nova-consoleproxy', 'nova-consoleauth']


def test_debian_novnc_with_spice_and_xvpvnc_are_rejected():
    lines = problems({'role': 'console_proxy', 'distro': 'debian', 'novaops_release': 'zed',
                      'novaops_console_types': ['novnc', 'spice']})
    assert len(lines) == 1
    assert lines[0].startswith("novaops_console_types: 'novnc' and 'spice' together on Debian")
    assert 'NOVA_CONSOLE_PROXY_TYPE' in lines[0]
    lines = problems({'role': 'console_proxy', 'distro': 'debian', 'novaops_release': 'stein',
                      'novaops_console_types': ['novnc', 'xvpvnc']})
    assert lines[0].startswith("novaops_console_types: 'novnc' and 'xvpvnc' together on Debian")
    # Ubuntu has separate packages: both graphical proxies are fine there.
    ubuntu = proxy_plan(distro='ubuntu', novaops_release='zed', novaops_console_types=['novnc', 'spice'])
    assert ubuntu['packages'] == ['nova-novncproxy', 'nova-spiceproxy']
    assert ubuntu['debian_default'] is None


# --------------------------------------------------------- firewall details

def test_sources_are_kept_as_given_and_split_by_family():
    plan = proxy_plan(console_proxy_allowed_sources=['203.0.113.0/24', '198.51.100.7', '2001:db8::/32'])
    assert plan['firewall']['rules'][0]['sources'] == ['203.0.113.0/24', '198.51.100.7', '2001:db8::/32']
    assert plan['iptables_lines'] == [
        '-A INPUT -s 203.0.113.0/24 -m state --state NEW -m tcp -p tcp --dport 6080 -j ACCEPT',
        '-A INPUT -s 198.51.100.7 -m state --state NEW -m tcp -p tcp --dport 6080 -j ACCEPT']
    assert plan['ip6tables_lines'] == [
        '-A INPUT -s 2001:db8::/32 -m state --state NEW -m tcp -p tcp --dport 6080 -j ACCEPT']


def test_iptables_backend_refuses_ipv6_sources_naming_the_variable():
    found = problems({'role': 'console_proxy', 'distro': 'debian', 'novaops_release': 'zed',
                      'novaops_console_types': ['novnc'], 'novaops_firewall_backend': 'iptables',
                      'console_proxy_allowed_sources': ['203.0.113.0/24', '2001:db8::/32']})
    assert found == ["console_proxy_allowed_sources: '2001:db8::/32' is IPv6, but the iptables backend manages "
                     "IPv4 rules only (expected IPv4 addresses or CIDRs, or novaops_firewall_backend firewalld)"]
    found = problems(compute_settings(novaops_firewall_backend='iptables',
                                      compute_console_proxy_addresses=['2001:db8::1']))
    assert found[0].startswith("compute_console_proxy_addresses: '2001:db8::1' is IPv6")
    plan = compute_plan(novaops_firewall_backend='firewalld', compute_console_proxy_addresses=['2001:db8::1'])
    assert plan['firewall']['rules'][0]['sources'] == ['2001:db8::1']


def test_empty_allowed_sources_opens_nothing_and_backend_none_manages_nothing():
    plan = proxy_plan(console_proxy_allowed_sources=[])
    assert plan['firewall']['rules'] == [] and plan['iptables_lines'] == []
    assert any(w.startswith('console_proxy_allowed_sources: empty') for w in plan['warnings'])
    plan = compute_plan(novaops_firewall_backend='none', compute_console_proxy_addresses=[])
    assert plan['firewall'] == {'owner': 'compute_console', 'backend': 'none', 'rules': []}
    assert plan['iptables_lines'] == []
    assert any('--dport 5900:5999' in w for w in plan['warnings'])


def test_any_source_in_proxy_addresses_gives_an_open_rule_and_a_warning():
    plan = compute_plan(compute_console_proxy_addresses=['0.0.0.0/0'])
    assert plan['firewall']['rules'] == [{'name': 'displays', 'port': '5900:5999', 'protocol': 'tcp',
                                          'sources': []}]
    assert any('open to every source' in w for w in plan['warnings'])


# ------------------------------------------------------ 7. validation errors

VALID_PROXY = {'role': 'console_proxy', 'distro': 'redhat', 'novaops_release': 'stein',
               'novaops_console_types': ['novnc', 'xvpvnc', 'spice', 'serial']}


def proxy_settings(**overrides):
    settings = dict(VALID_PROXY)
    settings.update(overrides)
    return settings


@pytest.mark.parametrize('settings, line', [
    # bad IP addresses
    (compute_settings(compute_console_management_address='192.168.1.300'),
     "compute_console_management_address: '192.168.1.300' is not an IP address (expected the IP address of "
     "the compute host on the management network, e.g. 192.168.1.2)"),
    (compute_settings(compute_console_management_address='0.0.0.0'),
     "compute_console_management_address: '0.0.0.0' is the unspecified address"),
    (compute_settings(compute_console_management_address=''),
     'compute_console_management_address: is required'),
    (compute_settings(compute_console_server_listen='compute1'),
     "compute_console_server_listen: 'compute1' is not an IP address"),
    (proxy_settings(console_proxy_novnc_host='proxy.example.org'),
     "console_proxy_novnc_host: 'proxy.example.org' is not an IP address (expected an IPv4 or IPv6 address"),
    # bad CIDRs
    (proxy_settings(console_proxy_allowed_sources=['10.0.0.0/33']),
     "console_proxy_allowed_sources: '10.0.0.0/33' is not a valid CIDR"),
    (proxy_settings(console_proxy_allowed_sources=['10.0.0.1/8']),
     "console_proxy_allowed_sources: '10.0.0.1/8' is not a valid CIDR: it has host bits set"),
    (compute_settings(compute_console_proxy_addresses=['proxy1']),
     "compute_console_proxy_addresses: 'proxy1' is not an IP address or CIDR"),
    (compute_settings(compute_console_proxy_addresses=[]),
     'compute_console_proxy_addresses: is empty'),
    (proxy_settings(console_proxy_allowed_sources={'a': 1}),
     "console_proxy_allowed_sources: {'a': 1} is not a list"),
    # bad URLs
    (compute_settings(compute_console_novncproxy_base_url='htp://x'),
     "compute_console_novncproxy_base_url: 'htp://x' is not an http(s) URL "
     "(expected e.g. http://203.0.113.10:6080/vnc_lite.html)"),
    (compute_settings(novaops_release='queens', compute_console_novncproxy_base_url='htp://x'),
     "(expected e.g. http://203.0.113.10:6080/vnc_auto.html)"),
    (compute_settings(compute_console_novncproxy_base_url='http://'),
     "compute_console_novncproxy_base_url: 'http://' has no host"),
    (compute_settings(compute_console_novncproxy_base_url='http://:6080/vnc_auto.html'),
     "compute_console_novncproxy_base_url: 'http://:6080/vnc_auto.html' has no host"),
    (compute_settings(compute_console_novncproxy_base_url='172.24.1.1:6080/vnc_auto.html'),
     "is not an http(s) URL"),
    (compute_settings(compute_console_novncproxy_base_url='http://172.24.1.1:99999/vnc_auto.html'),
     'has an invalid port'),
    (compute_settings(compute_console_novncproxy_base_url='http://172.24.1.999:6080/vnc_auto.html'),
     'has an invalid IPv4 host'),
    (compute_settings(compute_console_novncproxy_base_url='http://proxy_1:6080/'),
     'has an invalid host name'),
    (compute_settings(compute_console_novncproxy_base_url='http://172.24.1.1:6080/vnc_auto.html?x=1'),
     'must not have a query: before epoxy (nova 31) nova appends ?token= to it'),
    (compute_settings(compute_console_novncproxy_base_url='http://172.24.1.1:6080/vnc_lite.html#x'),
     'must not have a fragment'),
    (compute_settings(novaops_release='epoxy', novaops_console_types=['spice'],
                      compute_console_spice_base_url='http://172.24.1.1:6082/spice_auto.html?x=1'),
     "compute_console_spice_base_url: 'http://172.24.1.1:6082/spice_auto.html?x=1' must not have a query "
     '(expected'),
    (compute_settings(compute_console_novncproxy_base_url='http://172.24.1.1:6080/a b'),
     'contains whitespace'),
    (compute_settings(compute_console_novncproxy_base_url=''),
     "compute_console_novncproxy_base_url: is required when novaops_console_types contains 'novnc'"),
    (compute_settings(novaops_console_types=['novnc', 'serial'],
                      compute_console_serial_base_url='http://controller:6083/'),
     "compute_console_serial_base_url: 'http://controller:6083/' is not a ws(s) URL "
     "(expected e.g. ws://203.0.113.10:6083/)"),
    (compute_settings(novaops_console_types=['novnc', 'spice']),
     "compute_console_spice_base_url: is required when novaops_console_types contains 'spice'"),
    # bad ports
    (proxy_settings(console_proxy_novnc_port=0),
     'console_proxy_novnc_port: 0 is not a TCP port (out of range) (expected an integer from 1 to 65535, e.g. 6080)'),
    (proxy_settings(console_proxy_spice_port=70000),
     'console_proxy_spice_port: 70000 is not a TCP port (out of range)'),
    (proxy_settings(console_proxy_serial_port='abc'),
     "console_proxy_serial_port: 'abc' is not a TCP port (expected an integer from 1 to 65535, e.g. 6083)"),
    (proxy_settings(console_proxy_xvpvnc_port=True),
     'console_proxy_xvpvnc_port: True is not a TCP port'),
    # bad port ranges
    (compute_settings(compute_console_vnc_port_range='20000:10000'),
     "compute_console_vnc_port_range: '20000:10000' is not a port range N:M "
     "(expected N:M with 1 <= N <= M <= 65535, e.g. 5900:5999)"),
    (compute_settings(compute_console_serial_port_range='1:2:3'),
     "compute_console_serial_port_range: '1:2:3' is not a port range N:M"),
    (compute_settings(compute_console_serial_port_range='0:100'),
     "compute_console_serial_port_range: '0:100' is not a port range N:M"),
    (compute_settings(compute_console_serial_port_range='10000-20000'),
     "compute_console_serial_port_range: '10000-20000' is not a port range N:M"),
    # bad release
    (proxy_settings(novaops_release='kilogram'),
     "novaops_release: unknown OpenStack release 'kilogram'; accepted forms:"),
    (proxy_settings(novaops_release='auto'),
     'novaops_release: could not detect the release: set novaops_release to the release of the nova packages'),
    (proxy_settings(novaops_release=None), 'novaops_release: None is not an OpenStack release'),
    # bad console types
    (proxy_settings(novaops_console_types=['novnc', 'rdp']),
     "novaops_console_types: 'rdp' is not a console type (expected a non-empty list of novnc, xvpvnc, spice, "
     "serial without duplicates)"),
    (proxy_settings(novaops_console_types=['novnc', 'novnc']),
     "novaops_console_types: lists 'novnc' more than once"),
    (proxy_settings(novaops_console_types=[]), 'novaops_console_types: is empty'),
    # duplicate ports
    (proxy_settings(console_proxy_serial_port=6080),
     'console_proxy_serial_port: 6080 is also console_proxy_novnc_port; the enabled proxies need distinct ports'),
    # TLS
    (proxy_settings(console_proxy_ssl_only=True),
     'console_proxy_ssl_only: is true but console_proxy_ssl_cert and console_proxy_ssl_key are not both set'),
    (proxy_settings(console_proxy_ssl_cert='/etc/pki/tls/certs/console.pem'),
     'console_proxy_ssl_key: is not set but console_proxy_ssl_cert is: give both or neither'),
    (proxy_settings(console_proxy_ssl_key='/etc/pki/tls/private/console.key'),
     'console_proxy_ssl_cert: is not set but console_proxy_ssl_key is: give both or neither'),
    (proxy_settings(console_proxy_ssl_cert='certs/console.pem', console_proxy_ssl_key='/k'),
     "console_proxy_ssl_cert: 'certs/console.pem' is not an absolute path"),
    (proxy_settings(console_proxy_ssl_only='maybe'),
     "console_proxy_ssl_only: 'maybe' is not a boolean (expected true or false)"),
    # internal keys and the firewall backend
    (proxy_settings(role='controller'), "role: 'controller' is not a console role"),
    (proxy_settings(distro='gentoo'), "distro: 'gentoo' is not a supported distribution family"),
    (proxy_settings(novaops_firewall_backend='nft'),
     "novaops_firewall_backend: 'nft' is not a firewall backend (expected one of: auto, iptables, "
     "nftables, firewalld, none)"),
])
def test_each_validation_error(settings, line):
    lines = problems(settings)
    assert len(lines) == 1, lines
    assert lines[0].startswith(line) or line in lines[0], lines[0]


def test_a_port_shared_with_a_proxy_that_is_not_enabled_is_fine():
    plan = proxy_plan(console_proxy_serial_port=6080)
    assert plan['iptables_lines'] == ['-A INPUT -m state --state NEW -m tcp -p tcp --dport 6080 -j ACCEPT']


def test_all_problems_are_listed_at_once():
    lines = problems({'role': 'compute_console', 'distro': 'redhat', 'novaops_release': 'ussuri',
                      'novaops_console_types': ['novnc', 'xvpvnc', 'serial'],
                      'compute_console_management_address': '192.168.1.300',
                      'compute_console_novncproxy_base_url': 'htp://x',
                      'compute_console_xvpvncproxy_base_url': 'http://172.24.1.1:6081/console',
                      'compute_console_serial_base_url': 'http://controller:6083/',
                      'compute_console_serial_port_range': '20000:10000',
                      'compute_console_proxy_addresses': ['10.0.0.1/8']})
    assert [line.split(':')[0] for line in lines] == [
        'novaops_console_types', 'compute_console_management_address', 'compute_console_novncproxy_base_url',
        'compute_console_serial_base_url', 'compute_console_serial_port_range',
        'compute_console_proxy_addresses']
    assert all('(expected ' in line for line in lines)


def test_settings_must_be_a_dict():
    assert problems(['novnc'])[0].startswith("settings: ['novnc'] is not a dict")


# ------------------------------------------------ accepted forms of values

def test_strings_from_the_command_line_are_accepted():
    plan = proxy_plan(novaops_release='2:19.3.2-1.el8', novaops_console_types='novnc',
                      console_proxy_novnc_port='6080', console_proxy_ssl_only='yes',
                      console_proxy_ssl_cert='/etc/pki/tls/certs/console.pem',
                      console_proxy_ssl_key='/etc/pki/tls/private/console.key',
                      console_proxy_allowed_sources='203.0.113.0/24, 198.51.100.0/24')
    assert plan['release'] == 'stein'
    conf = present(plan)
    assert conf[('DEFAULT', 'ssl_only')] is True
    assert conf[('DEFAULT', 'cert')] == '/etc/pki/tls/certs/console.pem'
    assert conf[('DEFAULT', 'key')] == '/etc/pki/tls/private/console.key'
    assert plan['firewall']['rules'][0]['sources'] == ['203.0.113.0/24', '198.51.100.0/24']
    assert proxy_plan(novaops_release=2023.1)['release'] == 'antelope'
    assert proxy_plan(novaops_release='2014.2')['release'] == 'juno'
    assert proxy_plan(novaops_release='Zed')['release'] == 'zed'


def test_tls_is_only_written_when_given():
    conf = present(proxy_plan(console_proxy_ssl_only='no'))
    assert not any(key[1] in ('cert', 'key', 'ssl_only') for key in conf)
    conf = present(proxy_plan(console_proxy_ssl_cert='/c.pem', console_proxy_ssl_key='/c.key'))
    assert conf[('DEFAULT', 'cert')] == '/c.pem' and ('DEFAULT', 'ssl_only') not in conf


@pytest.mark.parametrize('value, expected', [
    (True, True), (False, False), ('true', True), ('False', False), ('yes', True), ('NO', False),
])
def test_parse_bool(value, expected):
    assert cs.parse_bool(value) is expected


@pytest.mark.parametrize('value', ['maybe', 1, None, ''])
def test_parse_bool_rejects(value):
    with pytest.raises(ValueError):
        cs.parse_bool(value)


def test_unknown_role_variables_give_a_warning():
    plan = proxy_plan(console_proxy_novnc_prot=6080, novaops_other_setting=1)
    assert plan['warnings'][0] == 'console_proxy_novnc_prot: unknown variable of the console_proxy role, ignored'
    assert not any('novaops_other_setting' in w for w in plan['warnings'])


def test_loopback_base_url_gives_a_warning():
    plan = compute_plan(compute_console_novncproxy_base_url='http://127.0.0.1:6080/vnc_auto.html')
    assert any('loopback' in w for w in plan['warnings'])


def test_defaults_match_nova_releases_defaults():
    zed = nr.features('zed')['defaults']
    assert cs.DEFAULTS['console_proxy_novnc_port'] == zed['novncproxy_port']
    assert cs.DEFAULTS['console_proxy_spice_port'] == zed['html5proxy_port']
    assert cs.DEFAULTS['console_proxy_serial_port'] == zed['serialproxy_port']
    assert cs.DEFAULTS['compute_console_serial_port_range'] == zed['serial_port_range']
    assert cs.DEFAULTS['console_proxy_xvpvnc_port'] == nr.features('train')['defaults']['xvpvncproxy_port']


# ------------------------------------------------- every release, both roles

def _all_types(release, distro):
    feats = nr.features(release)
    types = ['novnc']
    if feats['has_serial_console']:
        types.append('serial')
    if feats['has_xvpvncproxy'] and distro != 'debian':
        types.append('xvpvnc')
    return types


@pytest.mark.parametrize('release', nr.RELEASE_NAMES)
@pytest.mark.parametrize('distro', nr.DISTROS)
def test_every_release_gives_a_consistent_plan(release, distro):
    feats = nr.features(release)
    types = _all_types(release, distro)
    url = 'http://172.24.1.1:6080' if release == 'diablo' else PROXY_URL
    compute = compute_plan(distro=distro, novaops_release=release, novaops_console_types=types,
                           compute_console_novncproxy_base_url=url,
                           compute_console_xvpvncproxy_base_url='http://172.24.1.1:6081/console',
                           compute_console_serial_base_url='ws://172.24.1.1:6083/')
    proxy = proxy_plan(distro=distro, novaops_release=release, novaops_console_types=types)
    for plan in (compute, proxy):
        assert plan['config_format'] == feats['config_format']
        assert bool(plan['flagfile']) == (release == 'diablo')
        keys = [(e['section'], e['option']) for e in plan['nova_conf']]
        assert len(keys) == len(set(keys))   # nova_config takes each option once
        current = set()
        for group in ('vnc', 'spice', 'serial', 'proxy_tls'):
            current.update(loc for loc in feats[group].values() if loc)
        for entry in plan['nova_conf']:
            key = (entry['section'], entry['option'])
            if 'value' in entry:
                assert key in current
            else:
                assert entry['state'] == 'absent'
        assert None not in plan['packages']
        assert None not in plan['services']['enable'] + plan['services']['disable']
        assert not set(plan['services']['enable']) & set(plan['services']['disable'])
        assert plan['iptables_lines']
    assert proxy['packages'] and proxy['services']['enable']
    assert (proxy['debian_default'] is not None) == (distro == 'debian' and release != 'diablo')
    assert compute['packages'] == []
    assert compute['restart_on_change'] == ['openstack-nova-compute' if distro == 'redhat' else 'nova-compute']


def test_console_ranges_leave_out_the_reserved_libvirt_ports():
    plan = compute_plan(novaops_console_types=['serial'],
                        compute_console_serial_base_url='ws://172.24.1.1:6083/')
    assert [(r['name'], r['port']) for r in plan['firewall']['rules']] == [
        ('serial', '10000:16508'), ('serial_2', '16510:16513'), ('serial_3', '16515:20000')]
    plan = compute_plan(novaops_console_types=['serial'], compute_console_serial_base_url='ws://172.24.1.1:6083/',
                        compute_console_reserved_ports=[10000, 10002, 20000])
    assert [r['port'] for r in plan['firewall']['rules']] == [10001, '10003:19999']
    plan = compute_plan(compute_console_reserved_ports=[])
    assert [r['port'] for r in plan['firewall']['rules']] == ['5900:5999']
    found = problems(compute_settings(compute_console_reserved_ports=[16509, 70000]))
    assert found[0].startswith('compute_console_reserved_ports: ')


# ------------------------------------ refusals name the variable the user set

def test_unset_urls_are_built_from_the_public_host():
    plan = compute_plan(novaops_console_types=['novnc', 'serial'], compute_console_novncproxy_base_url='',
                        compute_console_proxy_public_host='proxy.example.org')
    assert present(plan)[('vnc', 'novncproxy_base_url')] == 'http://proxy.example.org:6080/vnc_lite.html'
    assert present(plan)[('serial_console', 'base_url')] == 'ws://proxy.example.org:6083/'
    ipv6 = compute_plan(compute_console_novncproxy_base_url='', compute_console_proxy_public_host='2001:db8::1')
    assert present(ipv6)[('vnc', 'novncproxy_base_url')] == 'http://[2001:db8::1]:6080/vnc_lite.html'
    # A URL that is set wins; the public host is not even read.
    given = compute_plan(compute_console_proxy_public_host='not a host')
    assert present(given)[('vnc', 'novncproxy_base_url')] == PROXY_URL


def test_a_bad_public_host_is_reported_as_the_public_host():
    assert problems(compute_settings(novaops_console_types=['novnc', 'serial'],
                                     compute_console_novncproxy_base_url='',
                                     compute_console_proxy_public_host='proxy 1')) == [
        "compute_console_proxy_public_host: 'proxy 1' is not a host name or IP address; "
        'compute_console_novncproxy_base_url and compute_console_serial_base_url are built from it '
        '(expected the host name or IP address clients reach the console proxies at, e.g. 203.0.113.10)']
    assert problems(compute_settings(compute_console_novncproxy_base_url='',
                                     compute_console_proxy_public_host='10.0.0.300')) == [
        "compute_console_proxy_public_host: '10.0.0.300' is not a host name or IP address; "
        'compute_console_novncproxy_base_url is built from it '
        '(expected the host name or IP address clients reach the console proxies at, e.g. 203.0.113.10)']


def test_without_url_or_public_host_the_url_is_required():
    assert problems(compute_settings(compute_console_novncproxy_base_url='')) == [
        "compute_console_novncproxy_base_url: is required when novaops_console_types contains 'novnc' "
        '(expected e.g. http://203.0.113.10:6080/vnc_lite.html)']


def test_a_loopback_public_host_is_named_in_the_warning():
    plan = compute_plan(compute_console_novncproxy_base_url='', compute_console_proxy_public_host='127.0.0.1')
    assert ("compute_console_novncproxy_base_url: 'http://127.0.0.1:6080/vnc_lite.html', built from "
            'compute_console_proxy_public_host 127.0.0.1, points at the loopback address; browsers and clients '
            'on other hosts cannot reach it') in plan['warnings']


def test_diablo_refuses_the_built_url_saying_where_it_came_from():
    assert problems(compute_settings(novaops_release='diablo', compute_console_novncproxy_base_url='',
                                     compute_console_proxy_public_host='203.0.113.10')) == [
        "compute_console_novncproxy_base_url: is not set, and the default 'http://203.0.113.10:6080/vnc_auto.html' "
        "built from compute_console_proxy_public_host has a path: diablo's --vncproxy_url is the proxy's root URL "
        'and nova appends /vnc_auto.html itself (expected on diablo e.g. http://203.0.113.10:6080)']


def test_listen_addresses_follow_the_management_address_without_being_reported():
    found = problems(compute_settings(compute_console_management_address='10.0.0.300',
                                      novaops_console_types=['novnc', 'serial'],
                                      compute_console_serial_base_url='ws://203.0.113.10:6083/'))
    assert [p.split(':')[0] for p in found] == ['compute_console_management_address']


# --------------------------------------------------- port ranges of one host

SERIAL = dict(novaops_console_types=['novnc', 'serial'], compute_console_serial_base_url='ws://172.24.1.1:6083/')


def test_serial_range_overlapping_the_display_range_is_refused():
    assert problems(compute_settings(compute_console_serial_port_range='5950:6050', **SERIAL)) == [
        'compute_console_serial_port_range: 5950:6050 overlaps compute_console_vnc_port_range 5900:5999 '
        '(expected a port range sharing no port with compute_console_vnc_port_range)']
    # Ranges of console types that are off do not listen.
    compute_plan(compute_console_serial_port_range='5950:6050')


def test_compute_plan_lists_its_ports():
    assert compute_plan(**SERIAL)['ports'] == [
        {'var': 'compute_console_vnc_port_range', 'label': 'compute_console_vnc_port_range',
         'first': 5900, 'last': 5999, 'reserved': [16509, 16514]},
        {'var': 'compute_console_serial_port_range', 'label': 'compute_console_serial_port_range',
         'first': 10000, 'last': 20000, 'reserved': [16509, 16514]}]
    assert proxy_plan(novaops_console_types=['novnc', 'serial'], novaops_release='zed')['ports'] == [
        {'var': 'console_proxy_novnc_port', 'label': 'console_proxy_novnc_port', 'first': 6080, 'last': 6080},
        {'var': 'console_proxy_serial_port', 'label': 'console_proxy_serial_port', 'first': 6083, 'last': 6083}]


def test_compute_ranges_against_the_other_plans_of_the_host():
    proxy = proxy_plan(novaops_console_types=['novnc', 'serial'], novaops_release='zed')['ports']
    assert problems(compute_settings(compute_console_vnc_port_range='5900:6080', host_ports=proxy, **SERIAL)) == [
        'compute_console_vnc_port_range: 5900:6080 holds console_proxy_novnc_port 6080 (expected a range without '
        'console_proxy_novnc_port, or 6080 listed in compute_console_reserved_ports)']
    # A reserved port is left to its service.
    compute_plan(compute_console_vnc_port_range='5900:6080', compute_console_reserved_ports=[6080],
                 host_ports=proxy, **SERIAL)
    qemu = [{'var': 'live_migration_port_min', 'label': 'live_migration_port_min..live_migration_port_max',
             'first': 49152, 'last': 49215}]
    assert problems(compute_settings(compute_console_serial_port_range='40000:50000', host_ports=qemu, **SERIAL)) == [
        'compute_console_serial_port_range: 40000:50000 overlaps live_migration_port_min..live_migration_port_max '
        '49152:49215 (expected a port range sharing no port with live_migration_port_min..live_migration_port_max)']


def test_proxy_ports_against_the_compute_ranges_of_the_host():
    compute = compute_plan(**SERIAL)['ports']
    assert problems({'role': 'console_proxy', 'distro': 'redhat', 'novaops_release': 'zed',
                     'novaops_console_types': ['novnc', 'serial'], 'console_proxy_serial_port': 12000,
                     'host_ports': compute}) == [
        'console_proxy_serial_port: 12000 is inside compute_console_serial_port_range 10000:20000 (expected a port '
        'outside compute_console_serial_port_range, or listed in compute_console_reserved_ports)']


def test_host_ports_must_be_plan_entries():
    assert problems(compute_settings(host_ports=[{'var': 'x', 'first': '1'}])) == [
        "host_ports: {'var': 'x', 'first': '1'} is not a port entry of another plan of this host (expected the "
        "'ports' of the other plans, e.g. [{'var': 'console_proxy_novnc_port', 'first': 6080, 'last': 6080}])"]


# ------------------------- reserved ports derived from libvirtd's ports

def test_reserved_ports_follow_the_libvirt_ports_when_not_set():
    plan = compute_plan(compute_console_reserved_ports=None, live_migration_libvirt_tcp_port='16600', **SERIAL)
    assert plan['ports'][1]['reserved'] == [16514, 16600]
    assert compute_plan(compute_console_reserved_ports='', **SERIAL)['ports'][1]['reserved'] == [16509, 16514]
    # Set: taken as given, libvirtd's ports are not read.
    assert compute_plan(compute_console_reserved_ports=[16509], live_migration_libvirt_tls_port='abc',
                        **SERIAL)['ports'][1]['reserved'] == [16509]


def test_a_bad_libvirt_port_is_reported_under_its_own_name():
    assert problems(compute_settings(live_migration_libvirt_tcp_port=70000, live_migration_libvirt_tls_port='x')) == [
        'live_migration_libvirt_tcp_port: 70000 is not a TCP port (out of range); compute_console_reserved_ports '
        'is derived from it (expected an integer from 1 to 65535, e.g. 16509)',
        "live_migration_libvirt_tls_port: 'x' is not a TCP port; compute_console_reserved_ports is derived from it "
        '(expected an integer from 1 to 65535, e.g. 16514)']


# ------------------- a clash leads with the variable changed from its default

def proxy_ports(**settings):
    return proxy_plan(novaops_console_types=['novnc', 'serial'], novaops_release='zed', **settings)['ports']


def test_a_proxy_port_moved_into_a_compute_range_is_blamed_by_the_compute_plan():
    # The proxy plan runs first on a host in both groups; the compute plan finds the clash.
    assert problems(compute_settings(host_ports=proxy_ports(console_proxy_novnc_port=5901), **SERIAL)) == [
        'console_proxy_novnc_port: 5901 is inside compute_console_vnc_port_range 5900:5999 (expected a port '
        'outside compute_console_vnc_port_range, or listed in compute_console_reserved_ports)']
    assert problems(compute_settings(host_ports=proxy_ports(console_proxy_serial_port=12000), **SERIAL)) == [
        'console_proxy_serial_port: 12000 is inside compute_console_serial_port_range 10000:20000 (expected a port '
        'outside compute_console_serial_port_range, or listed in compute_console_reserved_ports)']


def test_a_compute_range_moved_over_a_proxy_port_is_blamed_by_either_plan():
    text = ('compute_console_vnc_port_range: 6000:6080 holds console_proxy_novnc_port 6080 (expected a range '
            'without console_proxy_novnc_port, or 6080 listed in compute_console_reserved_ports)')
    assert problems(compute_settings(compute_console_vnc_port_range='6000:6080', host_ports=proxy_ports(),
                                     **SERIAL)) == [text]
    compute = [{'var': 'compute_console_vnc_port_range', 'label': 'compute_console_vnc_port_range',
                'first': 6000, 'last': 6080, 'reserved': [16509, 16514]}]
    assert problems({'role': 'console_proxy', 'distro': 'redhat', 'novaops_release': 'zed',
                     'novaops_console_types': ['novnc', 'serial'], 'host_ports': compute}) == [text]


def test_both_changed_blames_the_single_port():
    assert problems(compute_settings(compute_console_vnc_port_range='6000:6070',
                                     host_ports=proxy_ports(console_proxy_novnc_port=6050), **SERIAL)) == [
        'console_proxy_novnc_port: 6050 is inside compute_console_vnc_port_range 6000:6070 (expected a port '
        'outside compute_console_vnc_port_range, or listed in compute_console_reserved_ports)']


def test_the_display_range_moved_over_the_serial_range_is_blamed():
    assert problems(compute_settings(compute_console_vnc_port_range='9990:10010', **SERIAL)) == [
        'compute_console_vnc_port_range: 9990:10010 overlaps compute_console_serial_port_range 10000:20000 '
        '(expected a port range sharing no port with compute_console_serial_port_range)']
    # Both changed: the later of display, serial.
    assert problems(compute_settings(compute_console_vnc_port_range='7000:7100',
                                     compute_console_serial_port_range='7050:7200', **SERIAL)) == [
        'compute_console_serial_port_range: 7050:7200 overlaps compute_console_vnc_port_range 7000:7100 '
        '(expected a port range sharing no port with compute_console_vnc_port_range)']


def test_a_proxy_port_moved_onto_another_proxy_port_is_blamed():
    types = {'novaops_console_types': ['novnc', 'serial'], 'novaops_release': 'zed'}
    assert problems(proxy_settings(console_proxy_novnc_port=6083, **types)) == [
        'console_proxy_novnc_port: 6083 is also console_proxy_serial_port; the enabled proxies need distinct ports '
        '(expected a port no other enabled proxy uses)']
    assert problems(proxy_settings(console_proxy_novnc_port=7000, console_proxy_serial_port=7000, **types)) == [
        'console_proxy_serial_port: 7000 is also console_proxy_novnc_port; the enabled proxies need distinct ports '
        '(expected a port no other enabled proxy uses)']


# ------------------------------------------- listen address and live migration

def test_before_juno_live_migration_makes_the_displays_listen_on_every_address():
    # 2014.1 nova/virt/libvirt/driver.py: dom.migrateToURI() with the XML unchanged;
    # 2014.2 rewrites it (_correct_listen_addr): the boundary is juno.
    assert not nr.features('icehouse')['migration_rewrites_graphics_listen']
    assert nr.features('juno')['migration_rewrites_graphics_listen']
    # 2013.1 nova/vnc/__init__.py: cfg.StrOpt('vncserver_listen'), register_opts(vnc_opts) ([DEFAULT]);
    # nova/spice/__init__.py: cfg.StrOpt('server_listen'), register_opts(spice_opts, group='spice').
    grizzly = nr.features('grizzly')
    assert grizzly['vnc']['server_listen'] == ('DEFAULT', 'vncserver_listen')
    assert grizzly['spice']['server_listen'] == ('spice', 'server_listen')
    plan = compute_plan(novaops_release='grizzly', live_migration_planned=True)
    conf = present(plan)
    assert conf[('DEFAULT', 'vncserver_listen')] == '0.0.0.0'
    assert conf[('DEFAULT', 'vncserver_proxyclient_address')] == '192.168.1.2'
    assert plan['firewall']['rules'] == [{'name': 'displays', 'port': '5900:5999', 'protocol': 'tcp',
                                          'sources': ['192.168.1.1']}]
    spice = compute_plan(novaops_release='icehouse', live_migration_planned='yes', novaops_console_types=['spice'],
                         compute_console_spice_base_url='http://172.24.1.1:6082/spice_auto.html')
    assert present(spice)[('spice', 'server_listen')] == '0.0.0.0'
    assert present(spice)[('spice', 'server_proxyclient_address')] == '192.168.1.2'


def test_diablo_live_migration_listen_flag():
    # 2011.3 nova/virt/libvirt/connection.py: xml_info['vncserver_host'] = FLAGS.vncserver_host; migrateToURI().
    plan = compute_plan(novaops_release='diablo', live_migration_planned=True,
                        compute_console_novncproxy_base_url='http://172.24.1.1:6080')
    assert '--vncserver_host=0.0.0.0' in plan['flagfile']


def test_from_juno_or_without_live_migration_the_management_address_stays():
    assert present(compute_plan(novaops_release='juno', live_migration_planned=True))[
        ('DEFAULT', 'vncserver_listen')] == '192.168.1.2'
    assert present(compute_plan(novaops_release='grizzly'))[('DEFAULT', 'vncserver_listen')] == '192.168.1.2'
    assert present(compute_plan(novaops_release='zed', live_migration_planned=True))[
        ('vnc', 'server_listen')] == '192.168.1.2'


def test_a_given_listen_address_before_juno_with_live_migration_gives_a_warning():
    plan = compute_plan(novaops_release='havana', live_migration_planned=True,
                        compute_console_server_listen='192.168.1.2')
    assert present(plan)[('DEFAULT', 'vncserver_listen')] == '192.168.1.2'
    assert any(w.startswith('compute_console_server_listen: 192.168.1.2 on havana fails live migration')
               for w in plan['warnings'])
    lines = problems(compute_settings(live_migration_planned='maybe'))
    assert lines == ["live_migration_planned: 'maybe' is not a boolean (expected true or false)"]


# ------------------------------------------------- libvirt's display port range

def test_libvirt_allocates_display_ports_only_from_the_opened_range():
    # libvirt src/qemu/qemu.conf: "#remote_display_port_min = 5900", "#remote_display_port_max = 65535"
    # (both VNC and SPICE); without them a host past 100 displays hands out 6000+, closed in the firewall.
    plan = compute_plan(distro='redhat', compute_console_vnc_port_range='5900:6199')
    assert plan['qemu_conf'] == {'remote_display_port_min': 5900, 'remote_display_port_max': 6199}
    assert plan['qemu_conf_path'] == '/etc/libvirt/qemu.conf'
    assert plan['libvirt_restart']['qemu_conf'] == {'legacy': ['libvirtd'], 'socket': ['libvirtd'],
                                                    'modular': ['virtqemud']}
    assert plan['firewall']['rules'][0]['port'] == '5900:6199'
    spice = compute_plan(novaops_console_types=['spice'],
                         compute_console_spice_base_url='http://172.24.1.1:6082/spice_auto.html')
    assert spice['qemu_conf'] == {'remote_display_port_min': 5900, 'remote_display_port_max': 5999}
    serial = compute_plan(novaops_console_types=['serial'], compute_console_serial_base_url='ws://172.24.1.1:6083/')
    assert serial['qemu_conf'] == {} and serial['qemu_conf_path'] is None
    assert proxy_plan()['qemu_conf'] == {}


def test_a_display_range_below_5900_is_refused():
    # qemu.conf: "Minimum must be greater than or equal to 5900 as lower number would result into
    # negative vnc display number."
    lines = problems(compute_settings(compute_console_vnc_port_range='5800:5999'))
    assert lines == ['compute_console_vnc_port_range: 5800:5999 starts below 5900: libvirt refuses a '
                     'remote_display_port_min below it (display numbers count from it) '
                     '(expected N:M with 5900 <= N <= M <= 65535, e.g. 5900:5999)']
    assert compute_plan(novaops_console_types=['serial'], compute_console_serial_base_url='ws://172.24.1.1:6083/',
                        compute_console_vnc_port_range='5800:5999')['qemu_conf'] == {}


# ------------------------------------------------------- noVNC page and query

def test_built_novnc_url_follows_the_packaged_novnc():
    # 18.0.0 releasenotes/notes/deprecate-keymap-options: "noVNC 1.0.0 ... it is now necessary to use the
    # vnc_lite.html path"; nova's own default stays vnc_auto.html (18.0.0 and 31.0.0 nova/conf/vnc.py).
    assert nr.features('rocky')['defaults']['novncproxy_base_url'] == 'http://127.0.0.1:6080/vnc_auto.html'
    built = dict((release, present(compute_plan(novaops_release=release, compute_console_novncproxy_base_url='',
                                                compute_console_proxy_public_host='203.0.113.10'))
                  [nr.features(release)['vnc']['novncproxy_base_url']])
                 for release in ('essex', 'queens', 'rocky', 'epoxy'))
    assert built == {'essex': 'http://203.0.113.10:6080/vnc_auto.html',
                     'queens': 'http://203.0.113.10:6080/vnc_auto.html',
                     'rocky': 'http://203.0.113.10:6080/vnc_lite.html',
                     'epoxy': 'http://203.0.113.10:6080/vnc_lite.html'}


def test_novnc_base_url_with_a_query_from_epoxy_on():
    # 31.0.0 nova/objects/console_auth_token.py access_url: parse_qs(base URL query), 'path' gets
    # '?token=...' appended, the other arguments kept ("Respect supplied arguments in novncproxy_base_url").
    url = 'http://203.0.113.10:6080/vnc_lite.html?path=%3Ftoken%3D'
    plan = compute_plan(novaops_release='epoxy', compute_console_novncproxy_base_url=url)
    assert present(plan)[('vnc', 'novncproxy_base_url')] == url
    lines = problems(compute_settings(novaops_release='dalmatian', compute_console_novncproxy_base_url=url))
    assert lines == ["compute_console_novncproxy_base_url: %r must not have a query: before epoxy (nova 31) nova "
                     "appends ?token= to it (expected e.g. http://203.0.113.10:6080/vnc_lite.html)" % url]


def test_debian_xvpvnc_up_to_train():
    # Debian nova changelog 2:21.0.0~rc1-1 (ussuri) removes nova-xvpvncproxy and nova-console: they shipped
    # up to train; nova 21.0.0 (RN remove-nova-xvpvncproxy) removes the service upstream too.
    plan = proxy_plan(distro='debian', novaops_release='train', novaops_console_types=['xvpvnc'])
    assert plan['packages'] == ['nova-consoleproxy']
    assert plan['services']['enable'] == ['nova-xvpvncproxy']
    assert plan['debian_default']['values']['NOVA_CONSOLE_PROXY_TYPE'] == 'xvpvnc'
    assert present(plan)[('vnc', 'xvpvncproxy_port')] == 6081
    assert plan['firewall']['rules'] == [{'name': 'xvpvnc', 'port': 6081, 'protocol': 'tcp', 'sources': []}]
    assert nr.packages('stein', 'debian')['nova-console'] == {'package': 'nova-console', 'service': 'nova-console'}
    lines = problems({'role': 'console_proxy', 'distro': 'debian', 'novaops_release': 'ussuri',
                      'novaops_console_types': ['xvpvnc']})
    assert lines[0].startswith("novaops_console_types: 'xvpvnc' contradicts novaops_release ussuri")
    compute = compute_plan(distro='debian', novaops_release='train', novaops_console_types=['xvpvnc'],
                           compute_console_xvpvncproxy_base_url='http://172.24.1.1:6081/console')
    assert present(compute)[('vnc', 'xvpvncproxy_base_url')] == 'http://172.24.1.1:6081/console'


# ----------------------------------------------- proxy TLS versions, ciphers, origins
TLS = {'console_proxy_ssl_cert': '/etc/nova/console.pem', 'console_proxy_ssl_key': '/etc/nova/console.key'}
PROXY_BASE = {'role': 'console_proxy', 'distro': 'debian', 'novaops_console_types': ['novnc']}


def test_proxy_tls_version_ciphers_and_origins_from_ussuri():
    plan = proxy_plan(novaops_release='ussuri', console_proxy_ssl_minimum_version='tlsv1_2',
                      console_proxy_ssl_ciphers='ECDHE+AESGCM:ECDHE+CHACHA20',
                      console_proxy_allowed_origins=['console.example.org', '203.0.113.7'], **TLS)
    conf = present(plan)
    assert conf[('console', 'ssl_minimum_version')] == 'tlsv1_2'
    assert conf[('console', 'ssl_ciphers')] == 'ECDHE+AESGCM:ECDHE+CHACHA20'
    assert conf[('console', 'allowed_origins')] == ['console.example.org', '203.0.113.7']
    assert ('DEFAULT', 'console_allowed_origins') in absent(plan)


def test_allowed_origins_where_each_release_reads_them():
    # 12.0.0 nova/console/websocketproxy.py, 15.0.0 nova/conf/console.py
    liberty = present(proxy_plan(novaops_release='liberty', console_proxy_allowed_origins=['lb.example.org']))
    assert liberty[('DEFAULT', 'console_allowed_origins')] == ['lb.example.org']
    assert ('console', 'allowed_origins') not in liberty
    ocata = present(proxy_plan(novaops_release='ocata', console_proxy_allowed_origins=['lb.example.org']))
    assert ocata[('console', 'allowed_origins')] == ['lb.example.org']
    unset = proxy_plan(novaops_release='zed')
    assert not any(e['option'].endswith('allowed_origins') for e in unset['nova_conf'])


def test_proxy_tls_options_refused_on_older_releases_and_without_a_certificate():
    train = problems(dict(PROXY_BASE, novaops_release='train', console_proxy_ssl_minimum_version='tlsv1_2', **TLS))
    assert train == ['console_proxy_ssl_minimum_version: train has no [console] ssl_minimum_version (from ussuri on) '
                     '(expected empty on train)']
    kilo = problems(dict(PROXY_BASE, novaops_release='kilo', console_proxy_allowed_origins=['lb.example.org']))
    assert kilo[0].startswith('console_proxy_allowed_origins: kilo has no allowed origins option (from liberty on)')
    plain = problems(dict(PROXY_BASE, novaops_release='zed', console_proxy_ssl_ciphers='HIGH:!aNULL'))
    assert plain == ['console_proxy_ssl_ciphers: has no effect without console_proxy_ssl_cert and '
                     'console_proxy_ssl_key (expected empty, or set the certificate and key paths)']


@pytest.mark.parametrize('var, value', [
    ('console_proxy_ssl_minimum_version', 'tlsv1_0'),
    ('console_proxy_ssl_minimum_version', 'TLSv1.2'),
    ('console_proxy_ssl_ciphers', 'HIGH\nLOW'),
    ('console_proxy_ssl_ciphers', 'HIGH; rm'),
    ('console_proxy_allowed_origins', ['https://lb.example.org']),
    ('console_proxy_allowed_origins', ['lb example']),
])
def test_bad_proxy_tls_and_origin_values_name_the_variable(var, value):
    found = problems(dict(PROXY_BASE, novaops_release='zed', **dict(TLS, **{var: value})))
    assert len(found) == 1 and found[0].startswith(var + ': ')
    assert '(expected ' in found[0]
