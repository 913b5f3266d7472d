# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""migration_settings and the migration_plan filter.

The diablo flagfile lines are compared with the flag table of the diablo
guide (seed 004, "Description of nova.conf flags for live migration"),
quoted verbatim below; when the seed is reachable the quote is checked
against it.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import glob
import json
import os
import re

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.novaops.console_migration.plugins.filter import migration_plan as plugin
from ansible_collections.novaops.console_migration.plugins.module_utils import migration_settings as ms
from ansible_collections.novaops.console_migration.plugins.module_utils.console_settings import iptables_lines
from ansible_collections.novaops.console_migration.plugins.module_utils import nova_releases as nr

PASSWORD = 'Hunter2-Sekr3t'

# Diablo guide, seed 004, lines 2346-2390 (tabs as in the seed).
DIABLO_GUIDE = (
    '4. Libvirt configurations. Modify /etc/libvirt/libvirt.conf:\n'
    '\n'
    '```\n'
    'before : #listen_tls = 0\n'
    'after : listen_tls = 0\n'
    '\n'
    'before : #listen_tcp = 1\n'
    'after : listen_tcp = 1\n'
    'add: auth_tcp = "none"\n'
    '```\n'
)
DIABLO_FLAG_TABLE = (
    'Table 4.11. Description of nova.conf flags for live migration\n'
    '\n'
    'Flag\tDefault\tDescription\n'
    '-live_migration_retry_count\tdefault: 30\tRetry count needed in live_migration. Sleep 1sec for each retry\n'
    "-live_migration_uri\tdefault: 'qemu+tcp://%s/system'\tDefine protocol used by live_migration feature. "
    'If you would like to use qemu\n'
    '\n'
    'Flag\tDefault\tDescription\n'
    '\t\t+ssh, change this as described at http://libvirt.org/.\n'
    '-live_migration_bandwidth\tdefault: 0\tDefine bandwidth used by live migration.\n'
    "-live_migration_flag\tdefault: 'VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER'\t"
    'Define libvirt flag for live migration.\n'
)


def _seed_candidates():
    here = os.path.dirname(os.path.abspath(__file__))
    roots = ['/work/shared']
    # CI: shared/ beside the clone of the repository.
    parts = here.split(os.sep)
    for cut in range(len(parts), 1, -1):
        roots.append(os.path.join(os.sep.join(parts[:cut]), '..', 'shared'))
    for root in roots:
        yield from glob.glob(os.path.join(root, 'seeds', '004_*.txt'))


ICEHOUSE_LIVE = 'VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE'
ICEHOUSE_BLOCK = 'VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE, VIR_MIGRATE_NON_SHARED_INC'
JUNO_LIVE = 'VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE, VIR_MIGRATE_TUNNELLED'
JUNO_BLOCK = ('VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE, VIR_MIGRATE_TUNNELLED, '
              'VIR_MIGRATE_NON_SHARED_INC')


def base(**settings):
    out = {'distro': 'redhat', 'novaops_release': 'zed',
           'live_migration_address': '192.168.2.11',
           'live_migration_peers': ['192.168.2.12', '192.168.2.13']}
    out.update(settings)
    return out


def plan(**settings):
    return ms.migration_plan(base(**settings))


def problems(**settings):
    with pytest.raises(ms.SettingsError) as err:
        ms.migration_plan(base(**settings))
    assert str(err.value) == '\n'.join(err.value.problems)
    return err.value.problems


LIBVIRT = {'redhat': ['libvirt-daemon-kvm', 'libvirt-client'], 'debian': ['libvirt-daemon-system', 'libvirt-clients'],
           'ubuntu': ['libvirt-daemon-system', 'libvirt-clients']}


def release(**settings):
    """The release the planner resolved (the plan itself does not carry it)."""
    return ms._validate(base(**settings))['release']


def lines(result, version=4):
    """The iptables lines of the plan's firewall rules."""
    return iptables_lines(result['firewall']['rules'], version)


def entries(result):
    """nova_conf as tuples, in order: (section, option, value) or (section, option, 'ABSENT')."""
    return [(e['section'], e['option'], e['value'] if 'value' in e else e['state'].upper())
            for e in result['nova_conf']]


# ---------------------------------------------------------- the guide text

def test_the_quoted_diablo_guide_is_verbatim_when_the_seed_is_reachable():
    seeds = list(_seed_candidates())
    if not seeds:
        pytest.skip('seed 004 (diablo guide) not reachable from here')
    with open(seeds[0], encoding='utf-8') as handle:
        text = handle.read()
    assert DIABLO_GUIDE in text
    assert DIABLO_FLAG_TABLE in text


def test_diablo_flagfile_lines_are_the_guides_flags():
    result = plan(novaops_release='diablo', live_migration_transport='tcp',
                  live_migration_sasl_password=PASSWORD)
    assert result['config_format'] == 'flagfile'
    assert result['nova_conf'] == []
    assert result['flagfile'] == [
        '--live_migration_retry_count=30',
        '--live_migration_uri=qemu+tcp://%s/system',
        '--live_migration_bandwidth=0',
        '--live_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE,VIR_MIGRATE_PEER2PEER,VIR_MIGRATE_LIVE',
        '--block_migration_flag=VIR_MIGRATE_UNDEFINE_SOURCE,VIR_MIGRATE_PEER2PEER,VIR_MIGRATE_LIVE,'
        'VIR_MIGRATE_NON_SHARED_INC',
    ]
    # The guide's flags and defaults (a flagfile line is --name=value; the
    # flag list without blanks), VIR_MIGRATE_LIVE added to its flag default.
    table = re.findall(r"^-(\w+)\tdefault: '?([^'\t]*)'?\t", DIABLO_FLAG_TABLE, re.M)
    assert [row[0] for row in table] == ['live_migration_retry_count', 'live_migration_uri',
                                         'live_migration_bandwidth', 'live_migration_flag']
    assert result['flagfile'][:3] == ['--%s=%s' % (name, default) for name, default in table[:3]]
    assert table[3][1] == nr.DIABLO_FLAGS['live_migration_flag']
    assert result['flagfile'][3] == '--live_migration_flag=%s,VIR_MIGRATE_LIVE' % table[3][1].replace(', ', ',')
    assert result['tunnelled'] is False
    assert any(rule['name'] == 'qemu_migration' for rule in result['firewall']['rules'])


def test_migration_flag_defaults_are_novas_own():
    # 2011.3 nova/virt/libvirt/connection.py and 2014.1 nova/virt/libvirt/driver.py:
    # default='VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER' (no VIR_MIGRATE_LIVE).
    for release in ('diablo', 'essex', 'havana', 'icehouse'):
        assert nr.migration_flag_defaults(release) == {
            'live_migration_flag': 'VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER',
            'block_migration_flag': 'VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_NON_SHARED_INC'}
        assert nr.migration_flags(release) == {'live_migration_flag': ICEHOUSE_LIVE,
                                               'block_migration_flag': ICEHOUSE_BLOCK}
        assert not nr.tunnelled_by_default(release)
    # 2014.2 and 13.0.0 nova/virt/libvirt/driver.py: VIR_MIGRATE_LIVE, VIR_MIGRATE_TUNNELLED added.
    for release in ('juno', 'kilo', 'liberty', 'mitaka'):
        assert nr.migration_flag_defaults(release) == nr.migration_flags(release) == {
            'live_migration_flag': JUNO_LIVE, 'block_migration_flag': JUNO_BLOCK}
        assert nr.tunnelled_by_default(release)
    # 14.0.0: flags removed, nova/conf/libvirt.py live_migration_tunnelled default=False.
    for release in ('newton', 'zed', 'gazpacho'):
        assert nr.migration_flags(release) is None
        assert not nr.tunnelled_by_default(release)


def test_juno_to_mitaka_tunnel_so_no_qemu_port_is_opened():
    for release in ('juno', 'mitaka'):
        result = plan(novaops_release=release)
        assert result['tunnelled'] is True
        assert [rule['name'] for rule in result['firewall']['rules']] == ['libvirt_tls']
        assert result['qemu_conf'] == {'migration_port_min': 49152, 'migration_port_max': 49215}
    for release in ('icehouse', 'newton'):
        result = plan(novaops_release=release)
        assert result['tunnelled'] is False
        assert [rule['name'] for rule in result['firewall']['rules']] == ['libvirt_tls', 'qemu_migration']


def test_diablo_transport_changes_the_uri_and_bandwidth_its_flag():
    result = plan(novaops_release='2011.3', live_migration_bandwidth=100)
    assert release(novaops_release='2011.3') == 'diablo'
    assert result['flagfile'][1] == '--live_migration_uri=qemu+tls://%s/system'
    assert result['flagfile'][2] == '--live_migration_bandwidth=100'
    assert result['libvirtd']['transport'] == 'tls'
    assert any('diablo has no [libvirt] live_migration_inbound_addr' in w for w in result['warnings'])


def test_diablo_guide_libvirtd_auth_none_needs_the_opt_in():
    # The guide's libvirtd.conf: listen_tcp = 1, auth_tcp = "none".
    assert 'after : listen_tcp = 1' in DIABLO_GUIDE and 'add: auth_tcp = "none"' in DIABLO_GUIDE
    lines = problems(novaops_release='diablo', live_migration_transport='tcp', live_migration_tcp_auth='none')
    assert lines == [
        "live_migration_tcp_auth: 'none' lets any host that reaches the libvirt TCP port control libvirtd "
        'without authentication and is refused unless live_migration_allow_tcp_auth_none is true (expected sasl, '
        'or tls transport, or live_migration_allow_tcp_auth_none: true to accept it)']
    result = plan(novaops_release='diablo', live_migration_transport='tcp', live_migration_tcp_auth='none',
                  live_migration_allow_tcp_auth_none=True)
    assert result['libvirtd'] == {'transport': 'tcp', 'auth_tcp': 'none', 'listen_address': '192.168.2.11',
                                  'tcp_port': 16509, 'tls_port': 16514}
    assert result['packages'] == LIBVIRT['redhat'] and result['sasl_conf'] is None and result['sasl'] is None
    assert result['warnings'][0].startswith('live_migration_tcp_auth: none: any host that reaches the libvirt '
                                            'TCP port 16509 controls libvirtd')


# ------------------------------------------------------ nova.conf per release

def test_zed_tls_uses_the_scheme_and_removes_the_uri():
    result = plan()
    assert release() == 'zed' and result['config_format'] == 'ini' and result['transport'] == 'tls'
    assert entries(result) == [
        ('libvirt', 'live_migration_scheme', 'tls'),
        ('libvirt', 'live_migration_inbound_addr', '192.168.2.11'),
        ('libvirt', 'live_migration_with_native_tls', True),
        ('libvirt', 'live_migration_uri', 'ABSENT'),
        ('DEFAULT', 'live_migration_uri', 'ABSENT'),
    ]
    assert result['flagfile'] == []
    # nova builds qemu+<scheme>://<dest>/system from the scheme.
    assert result['libvirt_uri'] == 'qemu+tls://%s/system'
    assert result['libvirtd'] == {'transport': 'tls', 'auth_tcp': None, 'listen_address': '192.168.2.11',
                                  'tcp_port': 16509, 'tls_port': 16514}
    assert result['qemu_conf'] == {'migration_port_min': 49152, 'migration_port_max': 49215,
                                   'default_tls_x509_verify': 1}
    assert result['packages'] == LIBVIRT['redhat'] and result['sasl_conf'] is None
    assert result['services'] == []
    assert result['restart_on_change'] == ['openstack-nova-compute']


def test_stein_tcp_sasl_on_debian():
    result = plan(novaops_release='stein', distro='debian', live_migration_transport='tcp',
                  live_migration_sasl_password=PASSWORD, live_migration_sasl_username='novamig')
    assert entries(result) == [
        ('libvirt', 'live_migration_scheme', 'tcp'),
        ('libvirt', 'live_migration_inbound_addr', '192.168.2.11'),
        ('libvirt', 'live_migration_uri', 'ABSENT'),
        ('DEFAULT', 'live_migration_uri', 'ABSENT'),
        ('libvirt', 'live_migration_with_native_tls', 'ABSENT'),
    ]
    assert result['libvirt_uri'] == 'qemu+tcp://%s/system'
    assert result['libvirtd']['auth_tcp'] == 'sasl'
    assert result['packages'] == LIBVIRT['debian'] + ['sasl2-bin', 'libsasl2-modules']
    assert result['sasl_conf'] == {'path': '/etc/sasl2/libvirt.conf',
                                   'values': {'mech_list': 'digest-md5', 'sasldb_path': '/etc/libvirt/passwd.db'}}
    assert result['sasl'] == {'username': 'novamig', 'sasldb_path': '/etc/libvirt/passwd.db',
                              'client_auth_path': '/etc/libvirt/auth.conf'}
    assert result['restart_on_change'] == ['nova-compute']
    assert any('DIGEST-MD5' in w and 'RFC 6331' in w for w in result['warnings'])


def test_redhat_sasl_packages():
    result = plan(live_migration_transport='TCP', live_migration_sasl_password=PASSWORD)
    assert result['transport'] == 'tcp'
    assert result['packages'] == LIBVIRT['redhat'] + ['cyrus-sasl', 'cyrus-sasl-md5']


def test_mitaka_writes_the_uri_and_the_inbound_address():
    result = plan(novaops_release='mitaka')
    assert entries(result) == [
        ('libvirt', 'live_migration_uri', 'qemu+tls://%s/system'),
        ('libvirt', 'live_migration_inbound_addr', '192.168.2.11'),
        ('libvirt', 'block_migration_flag', JUNO_BLOCK),
        ('libvirt', 'live_migration_flag', JUNO_LIVE),
        ('DEFAULT', 'live_migration_uri', 'ABSENT'),
        ('DEFAULT', 'block_migration_flag', 'ABSENT'),
        ('DEFAULT', 'live_migration_flag', 'ABSENT'),
    ]
    assert not any('live_migration_inbound_addr' in w for w in result['warnings'])


@pytest.mark.parametrize('release, live, block', [('icehouse', ICEHOUSE_LIVE, ICEHOUSE_BLOCK),
                                                  ('juno', JUNO_LIVE, JUNO_BLOCK)])
def test_icehouse_and_juno_write_the_uri_in_libvirt(release, live, block):
    result = plan(novaops_release=release, live_migration_transport='ssh')
    assert entries(result) == [
        ('libvirt', 'live_migration_uri', 'qemu+ssh://%s/system'),
        ('libvirt', 'block_migration_flag', block),
        ('libvirt', 'live_migration_flag', live),
        ('DEFAULT', 'live_migration_uri', 'ABSENT'),
        ('DEFAULT', 'block_migration_flag', 'ABSENT'),
        ('DEFAULT', 'live_migration_flag', 'ABSENT'),
    ]
    assert ('live_migration_address: %s has no [libvirt] live_migration_inbound_addr (added in mitaka): nova '
            "connects to the destination compute host's name, which must resolve to its live_migration_address; "
            'the address is used for libvirtd and the firewall only' % release) in result['warnings']


def test_havana_writes_the_uri_in_default():
    result = plan(novaops_release='havana')
    assert entries(result) == [('DEFAULT', 'live_migration_uri', 'qemu+tls://%s/system'),
                               ('DEFAULT', 'block_migration_flag', ICEHOUSE_BLOCK),
                               ('DEFAULT', 'live_migration_flag', ICEHOUSE_LIVE)]


@pytest.mark.parametrize('release', nr.RELEASE_NAMES[1:])
def test_every_ini_release_gets_one_way_of_choosing_the_transport(release):
    result = plan(novaops_release=release)
    present = [(section, option) for section, option, value in entries(result) if value != 'ABSENT']
    idx = nr.RELEASE_NAMES.index(release)
    flags = [('libvirt', 'block_migration_flag'), ('libvirt', 'live_migration_flag')]
    if idx >= nr.RELEASE_NAMES.index('stein'):
        assert present == [('libvirt', 'live_migration_scheme'), ('libvirt', 'live_migration_inbound_addr'),
                           ('libvirt', 'live_migration_with_native_tls')]
    elif idx >= nr.RELEASE_NAMES.index('ocata'):
        assert present == [('libvirt', 'live_migration_scheme'), ('libvirt', 'live_migration_inbound_addr')]
    elif idx >= nr.RELEASE_NAMES.index('newton'):
        assert present == [('libvirt', 'live_migration_uri'), ('libvirt', 'live_migration_inbound_addr')]
    elif idx >= nr.RELEASE_NAMES.index('mitaka'):
        assert present == [('libvirt', 'live_migration_uri'), ('libvirt', 'live_migration_inbound_addr')] + flags
    elif idx >= nr.RELEASE_NAMES.index('icehouse'):
        assert present == [('libvirt', 'live_migration_uri')] + flags
    else:
        assert present == [('DEFAULT', 'live_migration_uri')] + [('DEFAULT', o) for dummy, o in flags]
    for section, option, value in entries(result):
        if option == 'live_migration_flag' and value != 'ABSENT':
            assert 'VIR_MIGRATE_LIVE' in value.split(', ')


def test_bandwidth_is_written_only_when_set_and_in_the_releases_section():
    assert ('libvirt', 'live_migration_bandwidth', 100) in entries(plan(live_migration_bandwidth='100'))
    assert ('DEFAULT', 'live_migration_bandwidth', 'ABSENT') in entries(plan(live_migration_bandwidth=100))
    assert entries(plan(novaops_release='havana', live_migration_bandwidth=50))[:2] == [
        ('DEFAULT', 'live_migration_uri', 'qemu+tls://%s/system'),
        ('DEFAULT', 'live_migration_bandwidth', 50)]
    assert not any(entry[1] == 'live_migration_bandwidth' for entry in entries(plan(live_migration_bandwidth=0)))


def test_permit_options_from_newton_on():
    result = plan(novaops_release='newton', live_migration_permit_post_copy=True,
                  live_migration_permit_auto_converge='false')
    assert entries(result)[2:4] == [('libvirt', 'live_migration_permit_auto_converge', False),
                                    ('libvirt', 'live_migration_permit_post_copy', True)]
    unset = plan(live_migration_permit_post_copy=None, live_migration_permit_auto_converge='')
    assert not any('permit' in entry[1] for entry in entries(unset))


def test_permit_options_before_newton_contradict_the_release():
    assert problems(novaops_release='mitaka', live_migration_permit_post_copy=False,
                    live_migration_permit_auto_converge=True) == [
        'live_migration_permit_post_copy: is set but contradicts novaops_release mitaka: [libvirt] '
        'live_migration_permit_post_copy exists from newton on (expected null (not set) on mitaka)',
        'live_migration_permit_auto_converge: is set but contradicts novaops_release mitaka: [libvirt] '
        'live_migration_permit_auto_converge exists from newton on (expected null (not set) on mitaka)']
    assert len(problems(novaops_release='diablo', live_migration_permit_post_copy=True)) == 1


# ---------------------------------------------------------------- firewall

def test_tls_firewall_rules_and_iptables_lines_with_peers():
    result = plan()
    peers = ['192.168.2.12', '192.168.2.13']
    assert result['firewall'] == {'owner': 'live_migration', 'backend': 'auto', 'rules': [
        {'name': 'libvirt_tls', 'port': 16514, 'protocol': 'tcp', 'sources': peers},
        {'name': 'qemu_migration', 'port': '49152:49215', 'protocol': 'tcp', 'sources': peers}]}
    assert lines(result) == [
        '-A INPUT -s 192.168.2.12 -m state --state NEW -m tcp -p tcp --dport 16514 -j ACCEPT',
        '-A INPUT -s 192.168.2.13 -m state --state NEW -m tcp -p tcp --dport 16514 -j ACCEPT',
        '-A INPUT -s 192.168.2.12 -m state --state NEW -m tcp -p tcp --dport 49152:49215 -j ACCEPT',
        '-A INPUT -s 192.168.2.13 -m state --state NEW -m tcp -p tcp --dport 49152:49215 -j ACCEPT']
    assert lines(result, 6) == []


def test_tcp_firewall_uses_the_tcp_port_and_custom_ranges():
    result = plan(live_migration_transport='tcp', live_migration_sasl_password=PASSWORD,
                  live_migration_libvirt_tcp_port='16600', live_migration_port_min=50000,
                  live_migration_port_max='50100', live_migration_peers='192.168.2.12')
    assert result['firewall']['rules'] == [
        {'name': 'libvirt_tcp', 'port': 16600, 'protocol': 'tcp', 'sources': ['192.168.2.12']},
        {'name': 'qemu_migration', 'port': '50000:50100', 'protocol': 'tcp', 'sources': ['192.168.2.12']}]
    assert result['qemu_conf'] == {'migration_port_min': 50000, 'migration_port_max': 50100}
    assert result['libvirtd']['tcp_port'] == 16600
    assert lines(result)[0] == \
        '-A INPUT -s 192.168.2.12 -m state --state NEW -m tcp -p tcp --dport 16600 -j ACCEPT'


def test_ssh_transport_opens_the_qemu_ports_and_leaves_ssh_alone():
    result = plan(live_migration_transport='ssh')
    assert result['libvirt_uri'] == 'qemu+ssh://%s/system'
    assert result['libvirtd'] == {'transport': None, 'auth_tcp': None, 'listen_address': None,
                                  'tcp_port': 16509, 'tls_port': 16514}
    peers = ['192.168.2.12', '192.168.2.13']
    assert result['firewall']['rules'] == [
        {'name': 'qemu_migration', 'port': '49152:49215', 'protocol': 'tcp', 'sources': peers}]
    assert lines(result)[0] == \
        '-A INPUT -s 192.168.2.12 -m state --state NEW -m tcp -p tcp --dport 49152:49215 -j ACCEPT'
    assert not any('--dport 22 ' in line for line in lines(result))
    assert len(lines(result)) == 2
    # The SSH trust is set up by the role now: no warning leaves it to the operator.
    assert not any(w.startswith('live_migration_transport: ssh') for w in result['warnings'])
    assert not any('live_migration_tls_files' in w for w in result['warnings'])


@pytest.mark.parametrize('distro, packages', [
    ('debian', ['openssh-server', 'openssh-client']),
    ('ubuntu', ['openssh-server', 'openssh-client']),
    ('redhat', ['openssh-server', 'openssh-clients']),
])
def test_ssh_transport_installs_openssh(distro, packages):
    result = plan(distro=distro, live_migration_transport='ssh')
    assert result['packages'] == LIBVIRT[distro] + packages
    assert result['services'] == ['sshd' if distro == 'redhat' else 'ssh']


@pytest.mark.parametrize('transport', ['tls', 'tcp'])
def test_other_transports_neither_install_nor_open_ssh(transport):
    result = plan(live_migration_transport=transport, live_migration_sasl_password=PASSWORD)
    assert not any(name.startswith('openssh') for name in result['packages'])
    assert 'ssh' not in [rule['name'] for rule in result['firewall']['rules']]
    assert not any('--dport 22 ' in line for line in lines(result))


def test_ssh_transport_with_firewall_none_names_the_qemu_ports_in_the_warning():
    result = plan(live_migration_transport='ssh', novaops_firewall_backend='none')
    assert result['firewall']['rules'] == []
    warning = [w for w in result['warnings'] if w.startswith('novaops_firewall_backend: none')]
    assert len(warning) == 1
    assert '--dport 49152:49215 -j ACCEPT' in warning[0]
    assert '--dport 22 ' not in warning[0]


def test_ssh_transport_without_peers_opens_nothing():
    result = plan(live_migration_transport='ssh', live_migration_peers=[])
    assert result['firewall']['rules'] == []
    assert result['packages'] == LIBVIRT['redhat'] + ['openssh-server', 'openssh-clients']


def test_ipv6_peers_with_firewalld():
    result = plan(live_migration_address='2001:db8::11', live_migration_peers=['2001:db8::12', '192.168.2.12'],
                  novaops_firewall_backend='firewalld')
    assert lines(result, 6)[0] == \
        '-A INPUT -s 2001:db8::12 -m state --state NEW -m tcp -p tcp --dport 16514 -j ACCEPT'
    assert lines(result)[0] == \
        '-A INPUT -s 192.168.2.12 -m state --state NEW -m tcp -p tcp --dport 16514 -j ACCEPT'
    assert entries(result)[1] == ('libvirt', 'live_migration_inbound_addr', '2001:db8::11')


def test_ipv6_peers_with_the_iptables_backend_are_refused():
    assert problems(live_migration_peers=['2001:db8::12'], novaops_firewall_backend='iptables') == [
        "live_migration_peers: '2001:db8::12' is IPv6, but the iptables backend manages IPv4 rules only "
        '(expected IPv4 addresses, or novaops_firewall_backend firewalld)']


def test_no_peers_opens_nothing():
    result = plan(live_migration_peers=[])
    assert result['firewall']['rules'] == [] and lines(result) == []
    assert ('live_migration_peers: empty, so no migration port is opened in the firewall (a single compute host)'
            in result['warnings'])


def test_backend_none_lists_the_rules_to_open_by_hand():
    result = plan(novaops_firewall_backend='none', live_migration_peers=['192.168.2.12'])
    assert result['firewall'] == {'owner': 'live_migration', 'backend': 'none', 'rules': []}
    assert result['iptables_lines'] == []
    assert result['warnings'][-1] == (
        'novaops_firewall_backend: none, so no firewall rule is managed; open these yourself: '
        '-A INPUT -s 192.168.2.12 -m state --state NEW -m tcp -p tcp --dport 16514 -j ACCEPT; '
        '-A INPUT -s 192.168.2.12 -m state --state NEW -m tcp -p tcp --dport 49152:49215 -j ACCEPT')


def test_own_address_and_duplicates_are_left_out_of_the_peers():
    result = plan(live_migration_peers='192.168.2.12, 192.168.2.11, 192.168.2.12')
    assert result['firewall']['rules'][0]['sources'] == ['192.168.2.12']
    assert "live_migration_peers: 192.168.2.11 is this host's own live_migration_address, left out" \
        in result['warnings']


# ------------------------------------------------------ tls, ids, multipath

TLS = {'ca_cert': '/srv/pki/ca.pem', 'server_cert': '/srv/pki/c1.pem', 'server_key': '/srv/pki/c1.key',
       'client_cert': '/srv/pki/c1-client.pem', 'client_key': '/srv/pki/c1-client.key'}


def test_tls_files_are_copied_to_libvirts_default_locations():
    result = plan(live_migration_tls_files=TLS)
    assert result['tls']['private_ca'] is False
    assert result['tls']['dirs'] == [{'path': '/etc/pki/CA', 'mode': '0755'}, {'path': '/etc/pki/libvirt', 'mode': '0755'},
                                     {'path': '/etc/pki/libvirt/private', 'mode': '0700'}]
    assert result['tls']['files'] == [
        {'name': 'ca_cert', 'src': '/srv/pki/ca.pem', 'dest': '/etc/pki/CA/cacert.pem', 'mode': '0644'},
        {'name': 'server_cert', 'src': '/srv/pki/c1.pem', 'dest': '/etc/pki/libvirt/servercert.pem', 'mode': '0644'},
        {'name': 'server_key', 'src': '/srv/pki/c1.key', 'dest': '/etc/pki/libvirt/private/serverkey.pem',
         'mode': '0600'},
        {'name': 'client_cert', 'src': '/srv/pki/c1-client.pem', 'dest': '/etc/pki/libvirt/clientcert.pem',
         'mode': '0644'},
        {'name': 'client_key', 'src': '/srv/pki/c1-client.key', 'dest': '/etc/pki/libvirt/private/clientkey.pem',
         'mode': '0600'}]
    assert not any(w.startswith('live_migration_tls_files') for w in result['warnings'])


def test_tls_without_files_is_quiet_and_tcp_ignores_them():
    # No files: the role issues them from its private CA.
    issued = plan()['tls']
    assert issued['private_ca'] is True
    assert [(f['name'], f['src'], f['dest'], f['mode']) for f in issued['files']] == [
        ('ca_cert', None, '/etc/pki/CA/cacert.pem', '0644'),
        ('server_cert', None, '/etc/pki/libvirt/servercert.pem', '0644'),
        ('server_key', None, '/etc/pki/libvirt/private/serverkey.pem', '0600'),
        ('client_cert', None, '/etc/pki/libvirt/clientcert.pem', '0644'),
        ('client_key', None, '/etc/pki/libvirt/private/clientkey.pem', '0600')]
    assert not any(w.startswith('live_migration_tls_files') for w in plan()['warnings'])
    result = plan(live_migration_transport='tcp', live_migration_sasl_password=PASSWORD,
                  live_migration_tls_files=TLS)
    assert result['tls'] is None
    assert 'live_migration_tls_files: ignored, live_migration_transport is tcp' in result['warnings']


def test_ids_and_multipath():
    result = plan(live_migration_align_ids=True, live_migration_nova_uid=162, live_migration_nova_gid='162',
                  live_migration_qemu_uid=107, live_migration_qemu_gid=None, live_migration_multipath='yes')
    assert result['ids'] == {'align': True, 'nova_uid': 162, 'nova_gid': 162, 'qemu_uid': 107, 'qemu_gid': None,
                             'qemu_user': 'qemu', 'qemu_group': 'qemu'}
    assert result['multipath'] == {'user_friendly_names': False, 'service': 'multipathd'}
    assert result['packages'] == LIBVIRT['redhat'] + ['device-mapper-multipath']
    debian = plan(distro='debian', live_migration_multipath=True)
    assert debian['packages'] == LIBVIRT['debian'] + ['multipath-tools']
    assert (debian['ids']['qemu_user'], debian['ids']['qemu_group']) == ('libvirt-qemu', 'kvm')
    default = plan()   # the role's default: align
    assert default['ids'] == {'align': True, 'nova_uid': None, 'nova_gid': None, 'qemu_uid': None,
                              'qemu_gid': None, 'qemu_user': 'qemu', 'qemu_group': 'qemu'}
    assert default['multipath'] is None
    # Unset ids with align: the role chooses them across the play, no warning.
    aligned = plan(live_migration_align_ids='true')
    assert aligned['ids']['align'] is True
    assert not any('align' in w for w in aligned['warnings'])
    assert plan(live_migration_align_ids='no')['ids']['align'] is False


# -------------------------------------------------------------- validation

def test_every_problem_is_reported_at_once():
    lines = problems(
        distro='suse', novaops_release='bogus', novaops_firewall_backend='nft',
        live_migration_transport='rdma', live_migration_tcp_auth='kerberos',
        live_migration_allow_tcp_auth_none='perhaps', live_migration_sasl_username='bad user',
        live_migration_address='192.168.2.300', live_migration_peers=['192.168.2.12', 'host-b', '0.0.0.0'],
        live_migration_libvirt_tcp_port=70000, live_migration_libvirt_tls_port='abc',
        live_migration_port_min=80, live_migration_port_max=65536, live_migration_bandwidth=-1,
        live_migration_permit_post_copy='maybe',
        live_migration_tls_files={'ca_cert': '/srv/ca.pem', 'server_cert': 'relative.pem'},
        live_migration_align_ids='sure', live_migration_nova_uid=0, live_migration_nova_gid=4294967295,
        live_migration_qemu_uid=True, live_migration_qemu_gid='x', live_migration_multipath='often')
    assert lines[0] == "distro: 'suse' is not a supported distribution family (expected one of: debian, ubuntu, redhat)"
    assert lines[1].startswith("novaops_release: unknown OpenStack release 'bogus'")
    assert lines[2:] == [
        "novaops_firewall_backend: 'nft' is not a firewall backend (expected one of: auto, iptables, nftables, firewalld, none)",
        "live_migration_transport: 'rdma' is not a live migration transport (expected one of: tls, tcp, ssh)",
        "live_migration_tcp_auth: 'kerberos' is not a libvirt TCP authentication (expected one of: sasl, none)",
        "live_migration_allow_tcp_auth_none: 'perhaps' is not a boolean (expected true or false)",
        "live_migration_sasl_username: 'bad user' is not a SASL user name (expected a SASL user name such as "
        "'migration' (letters, digits, '.', '_', '-', optionally @realm))",
        "live_migration_address: '192.168.2.300' is not an IP address (expected this compute host's IP address "
        'on the migration network, e.g. 192.168.2.11)',
        "live_migration_peers: 'host-b' is not an IP address (expected a list of the other compute hosts' "
        "migration IP addresses, e.g. ['192.168.2.12'])",
        "live_migration_peers: '0.0.0.0' is the unspecified address, not an address of this host (expected a list "
        "of the other compute hosts' migration IP addresses, e.g. ['192.168.2.12'])",
        "live_migration_libvirt_tcp_port: 70000 is not a TCP port (out of range) (expected an integer from 1 to "
        '65535, e.g. 16509)',
        "live_migration_libvirt_tls_port: 'abc' is not a TCP port (expected an integer from 1 to 65535, e.g. 16514)",
        'live_migration_port_min: 80 is out of range (expected an integer from 1024 to 65535, at most '
        'live_migration_port_max, e.g. 49152)',
        'live_migration_port_max: 65536 is out of range (expected an integer from 1024 to 65535, at least '
        'live_migration_port_min, e.g. 49215)',
        'live_migration_bandwidth: -1 is out of range (expected an integer >= 0 in MiB/s, 0 for no limit set)',
        "live_migration_permit_post_copy: 'maybe' is not a boolean (expected true, false or null (not set))",
        'live_migration_tls_files: gives only some of the TLS files, server_key, client_cert, client_key missing: '
        'all five or none (expected a dict with all of ca_cert, server_cert, server_key, client_cert, client_key '
        'as absolute controller paths, or {} for none)',
        "live_migration_tls_files: server_cert: 'relative.pem' is not an absolute path (expected a dict with all of "
        'ca_cert, server_cert, server_key, client_cert, client_key as absolute controller paths, or {} for none)',
        "live_migration_align_ids: 'sure' is not a boolean (expected true or false)",
        "live_migration_nova_uid: 0 is root's uid: nova and QEMU need uids of their own (expected an integer from 1 "
        'to 4294967294, or null (not set))',
        'live_migration_nova_gid: 4294967295 is out of range (expected an integer from 1 to 4294967294, or null '
        '(not set))',
        'live_migration_qemu_uid: True is not a UID/GID number (expected an integer from 1 to 4294967294, or null '
        '(not set))',
        "live_migration_qemu_gid: 'x' is not a UID/GID number (expected an integer from 1 to 4294967294, or null "
        '(not set))',
        "live_migration_multipath: 'often' is not a boolean (expected true or false)",
    ]
    for line in lines:
        assert re.match(r'^(distro|novaops_\w+|live_migration_\w+): ', line), line
        assert '(expected ' in line or line.startswith('novaops_release: ')


@pytest.mark.parametrize('address, words', [
    ('', 'live_migration_address: is required'),
    (None, 'live_migration_address: is required'),
    ('0.0.0.0', "'0.0.0.0' is the unspecified address"),
    ('127.0.0.1', "'127.0.0.1' is a loopback address, other hosts cannot reach it"),
    ('::1', "'::1' is a loopback address"),
    ('compute1', "'compute1' is not an IP address"),
])
def test_bad_address(address, words):
    lines = problems(live_migration_address=address)
    assert len(lines) == 1 and words in lines[0]
    assert lines[0].startswith('live_migration_address: ')
    assert lines[0].endswith("(expected this compute host's IP address on the migration network, e.g. 192.168.2.11)")


def test_bad_peers():
    assert problems(live_migration_peers=['192.168.2.12', '10.0.0.0/24'])[0].startswith(
        "live_migration_peers: '10.0.0.0/24' is not an IP address")
    assert problems(live_migration_peers=['127.0.0.2'])[0].startswith(
        "live_migration_peers: '127.0.0.2' is a loopback address")
    assert problems(live_migration_peers=42)[0].startswith('live_migration_peers: 42 is not a list')


def test_port_range_min_greater_than_max():
    assert problems(live_migration_port_min=50000, live_migration_port_max=49999) == [
        'live_migration_port_min: 50000 is greater than live_migration_port_max 49999 (expected an integer from '
        '1024 to 65535, at most live_migration_port_max, e.g. 49152)']


def test_one_bad_end_of_the_range_is_one_problem():
    assert problems(live_migration_port_max='abc') == [
        "live_migration_port_max: 'abc' is not a port number (expected an integer from 1024 to 65535, at least "
        'live_migration_port_min, e.g. 49215)']
    assert len(problems(live_migration_port_min=None)) == 1


def test_libvirt_port_inside_the_qemu_range():
    assert problems(live_migration_libvirt_tls_port=49160) == [
        'live_migration_libvirt_tls_port: 49160 is inside live_migration_port_min..live_migration_port_max '
        '49152:49215 (expected a port outside live_migration_port_min..live_migration_port_max)']
    # Only the port of the chosen transport matters.
    assert plan(live_migration_libvirt_tcp_port=49160)['firewall']['rules'][0]['port'] == 16514


def test_bad_release_and_auto():
    assert problems(novaops_release='auto')[0].startswith('novaops_release: could not detect the release')
    assert problems(novaops_release='bogus')[0].startswith("novaops_release: unknown OpenStack release 'bogus'")
    assert release(novaops_release='26.2.2-1.el9') == 'zed'


def test_tls_files_shape():
    assert problems(live_migration_tls_files='/srv/pki')[0].startswith(
        "live_migration_tls_files: '/srv/pki' is not a dict")
    extra = dict(TLS, ca_key='/srv/pki/ca.key')
    assert problems(live_migration_tls_files=extra)[0].startswith('live_migration_tls_files: unknown keys: ca_key')
    relative = dict(TLS, client_key='pki/c1-client.key')
    assert problems(live_migration_tls_files=relative)[0].startswith(
        "live_migration_tls_files: client_key: 'pki/c1-client.key' is not an absolute path")
    assert plan(live_migration_tls_files=None)['tls']['private_ca'] is True
    assert plan(live_migration_tls_files=dict((k, '') for k in TLS))['tls']['private_ca'] is True


def test_tcp_sasl_needs_a_password():
    assert problems(live_migration_transport='tcp') == [
        'live_migration_sasl_password: is required when live_migration_transport is tcp and '
        'live_migration_tcp_auth is sasl (expected a non-empty string on one line; the value is never shown)']
    # Not needed for the other transports or auth none.
    assert plan(live_migration_transport='tls')['sasl'] is None
    assert plan(live_migration_transport='tcp', live_migration_tcp_auth='none',
                live_migration_allow_tcp_auth_none='yes')['sasl'] is None


@pytest.mark.parametrize('password, words', [
    ('   ', 'is only whitespace'),
    (12345678, 'is a int, not a string'),
    (PASSWORD + '\n' + PASSWORD, 'contains a line break or NUL character'),
])
def test_bad_passwords_are_described_not_shown(password, words):
    lines = problems(live_migration_transport='tcp', live_migration_sasl_password=password)
    assert len(lines) == 1
    assert lines[0] == ('live_migration_sasl_password: %s (expected a non-empty string on one line; the value is '
                        'never shown)' % words)
    assert PASSWORD not in lines[0] and '12345678' not in lines[0]


def test_password_never_appears_in_messages_warnings_or_the_plan():
    # Problems in every other variable, with a valid password: not echoed.
    with pytest.raises(ms.SettingsError) as err:
        ms.migration_plan(base(live_migration_transport='tcp', live_migration_sasl_password=PASSWORD,
                               live_migration_address='x', live_migration_peers=['y'],
                               live_migration_sasl_username='a b', novaops_release='nope'))
    assert PASSWORD not in str(err.value)
    # Through the filter too.
    with pytest.raises(AnsibleFilterError) as ferr:
        plugin.migration_plan(base(live_migration_transport='tcp', live_migration_sasl_password=PASSWORD,
                                   live_migration_address='x'))
    assert PASSWORD not in str(ferr.value)
    # A valid plan: neither the plan nor its warnings hold it.
    result = plan(live_migration_transport='tcp', live_migration_sasl_password=PASSWORD,
                  live_migration_unknown_option=PASSWORD)
    assert PASSWORD not in json.dumps(result)
    assert 'live_migration_unknown_option: unknown variable of the live migration role, ignored' \
        in result['warnings']
    # Not a dict: the input is never repr()'d.
    with pytest.raises(ms.SettingsError) as err:
        ms.migration_plan([('live_migration_sasl_password', PASSWORD)])
    assert PASSWORD not in str(err.value)
    assert str(err.value).startswith('settings: a list is not a dict of the live migration variables')


def test_input_is_not_modified():
    given = base(live_migration_peers='192.168.2.12')
    copy = dict(given)
    ms.migration_plan(given)
    assert given == copy


def test_every_variable_is_documented_in_the_filter():
    for key in ms.DEFAULTS:
        assert 'C(%s)' % key in plugin.DOCUMENTATION, key


# ----------------------------------------------------------------- filter

def test_filter_is_registered_and_returns_the_module_utils_plan():
    assert plugin.FilterModule().filters() == {'migration_plan': plugin.migration_plan}
    assert plugin.migration_plan(base()) == ms.migration_plan(base())


def test_filter_raises_one_line_per_problem():
    with pytest.raises(AnsibleFilterError) as err:
        plugin.migration_plan(base(live_migration_address='', live_migration_transport='udp'))
    assert err.value.message.splitlines() == [
        "live_migration_transport: 'udp' is not a live migration transport (expected one of: tls, tcp, ssh)",
        "live_migration_address: is required (expected this compute host's IP address on the migration network, "
        'e.g. 192.168.2.11)']


# ------------------------------------ refusals name the variable the user set

def test_root_ids_are_refused_naming_the_variable():
    assert problems(live_migration_nova_uid=0, live_migration_qemu_gid='0') == [
        "live_migration_nova_uid: 0 is root's uid: nova and QEMU need uids of their own (expected an integer from 1 "
        'to 4294967294, or null (not set))',
        "live_migration_qemu_gid: 0 is root's gid: nova and QEMU need gids of their own (expected an integer from 1 "
        'to 4294967294, or null (not set))']


def test_one_id_for_nova_and_qemu_is_refused():
    assert problems(live_migration_nova_uid=107, live_migration_qemu_uid='107', live_migration_nova_gid=5,
                    live_migration_qemu_gid=5) == [
        'live_migration_qemu_uid: 107 is also live_migration_nova_uid: nova and QEMU cannot share a uid '
        '(expected a uid other than 107, or null (not set))',
        'live_migration_qemu_gid: 5 is also live_migration_nova_gid: nova and QEMU cannot share a gid '
        '(expected a gid other than 5, or null (not set))']


def test_migration_plan_lists_its_ports():
    assert plan()['ports'] == [
        {'var': 'live_migration_libvirt_tls_port', 'label': 'live_migration_libvirt_tls_port',
         'first': 16514, 'last': 16514},
        {'var': 'live_migration_port_min', 'label': 'live_migration_port_min..live_migration_port_max',
         'first': 49152, 'last': 49215}]
    assert [p['var'] for p in plan(live_migration_transport='ssh')['ports']] == ['live_migration_port_min']


CONSOLE_PORTS = [
    {'var': 'compute_console_vnc_port_range', 'label': 'compute_console_vnc_port_range',
     'first': 5900, 'last': 5999, 'reserved': [16509, 16514]},
    {'var': 'compute_console_serial_port_range', 'label': 'compute_console_serial_port_range',
     'first': 10000, 'last': 20000, 'reserved': [16509, 16514]},
    {'var': 'console_proxy_novnc_port', 'label': 'console_proxy_novnc_port', 'first': 6080, 'last': 6080},
]


def test_migration_ports_against_the_console_ports_of_the_host():
    # libvirt's default ports lie in nova's serial range, reserved by default.
    plan(host_ports=CONSOLE_PORTS)
    assert problems(host_ports=CONSOLE_PORTS, live_migration_libvirt_tls_port=16600,
                    live_migration_port_min=5990, live_migration_port_max=6100) == [
        'live_migration_libvirt_tls_port: 16600 is inside compute_console_serial_port_range 10000:20000 (expected '
        'a port outside compute_console_serial_port_range, or listed in compute_console_reserved_ports)',
        'live_migration_port_min: 5990:6100 (live_migration_port_min..live_migration_port_max) overlaps '
        'compute_console_vnc_port_range 5900:5999 (expected a port range sharing no port with '
        'compute_console_vnc_port_range)',
        'live_migration_port_min: 5990:6100 (live_migration_port_min..live_migration_port_max) holds '
        'console_proxy_novnc_port 6080 (expected a range without console_proxy_novnc_port)']
    assert problems(host_ports=CONSOLE_PORTS, live_migration_transport='tcp',
                    live_migration_sasl_password=PASSWORD, live_migration_libvirt_tcp_port=6080) == [
        'live_migration_libvirt_tcp_port: 6080 is also console_proxy_novnc_port (expected a port no other service '
        'of this host uses)']


def test_a_migration_port_clash_leads_with_the_variable_changed_from_its_default():
    # The QEMU range moved over libvirtd's default TLS port.
    assert problems(live_migration_port_min=16500, live_migration_port_max=16600) == [
        'live_migration_port_min: 16500:16600 (live_migration_port_min..live_migration_port_max) holds '
        'live_migration_libvirt_tls_port 16514 (expected a range without live_migration_libvirt_tls_port)']
    # libvirtd's TLS port moved into the default QEMU range.
    assert problems(live_migration_libvirt_tls_port=49160) == [
        'live_migration_libvirt_tls_port: 49160 is inside live_migration_port_min..live_migration_port_max '
        '49152:49215 (expected a port outside live_migration_port_min..live_migration_port_max)']
    # A console range moved over the default QEMU range, found by the migration plan.
    serial = [{'var': 'compute_console_serial_port_range', 'label': 'compute_console_serial_port_range',
               'first': 40000, 'last': 50000, 'reserved': [16509, 16514]}]
    assert problems(host_ports=serial) == [
        'compute_console_serial_port_range: 40000:50000 overlaps live_migration_port_min..live_migration_port_max '
        '49152:49215 (expected a port range sharing no port with live_migration_port_min..live_migration_port_max)']


def test_nova_newer_than_the_table_plans_the_newest_with_a_warning():
    # nova 34 (2026.2 Hibiscus) is after gazpacho (33), the table's newest.
    result = plan(novaops_release='2:34.0.0-1')
    assert release(novaops_release='2:34.0.0-1') == 'gazpacho'
    assert ('libvirt', 'live_migration_scheme', 'tls') in entries(result)
    assert any(w.startswith('novaops_release: nova 2:34.0.0-1 is newer than the newest release the collection '
                            'knows (gazpacho, nova 33)') for w in result['warnings'])
    assert not any('newer than the newest' in w for w in plan()['warnings'])


@pytest.mark.parametrize('distro, release, layout, first', [
    # CentOS 7 libvirt 4.5.0: before 5.6, no TCP/TLS sockets.
    ('redhat', 'stein', 'legacy', '/etc/libvirt/libvirtd.conf: listen_tls = 1, listen_tcp = 0, tls_port = "16514", '
                                  'listen_addr = "192.168.2.11"'),
    # Ubuntu 11.10 libvirt 0.9.2, upstart job libvirt-bin.
    ('ubuntu', 'diablo', 'legacy', '/etc/libvirt/libvirtd.conf: listen_tls = 1, listen_tcp = 0, tls_port = "16514", '
                                   'listen_addr = "192.168.2.11"'),
    # Debian 11 libvirt 7.0 and Debian 13 libvirt 11.3: socket activation (libvirt 5.6 and later), as
    # the molecule scenarios bullseye and trixie find (Debian packages no virtqemud/virtproxyd).
    ('debian', 'victoria', 'socket', '/etc/systemd/system/libvirtd-tls.socket.d/novaops-listen.conf: [Socket] '
                                     'ListenStream=192.168.2.11:16514'),
    ('debian', 'epoxy', 'socket', '/etc/systemd/system/libvirtd-tls.socket.d/novaops-listen.conf: [Socket] '
                                  'ListenStream=192.168.2.11:16514'),
])
def test_plan_names_the_libvirtd_listen_method_of_the_platform(distro, release, layout, first):
    listen = plan(distro=distro, novaops_release=release)['libvirt_listen']
    assert listen['layout'] == layout
    assert listen['lines'][layout][0] == first
    if release == 'diablo':
        assert listen['lines'][layout][1] == '/etc/default/libvirt-bin: libvirtd_opts="-d -l" (the --listen flag)'
    given = plan(libvirt_version='9.0.0', libvirt_modular=True)['libvirt_listen']
    assert (given['layout'], given['source']) == ('modular', 'given')
    assert sorted(plan(novaops_release='yoga')['libvirt_listen']['lines']) == ['legacy', 'modular', 'socket']
    assert plan(live_migration_transport='ssh')['libvirt_listen'] is None


def test_plan_has_the_iptables_lines_of_its_rules():
    result = plan()
    assert result['iptables_lines'] == lines(result) and result['ip6tables_lines'] == []


@pytest.mark.parametrize('distro, release, packages', [
    ('ubuntu', 'diablo', ['libvirt-bin']),
    ('ubuntu', 'mitaka', ['libvirt-bin']),
    ('ubuntu', 'newton', LIBVIRT['ubuntu']),
    ('debian', 'mitaka', ['libvirt-bin']),
    ('debian', 'victoria', LIBVIRT['debian']),
    ('redhat', 'diablo', LIBVIRT['redhat']),
])
def test_libvirt_packages_of_the_release(distro, release, packages):
    """Debian and Ubuntu packaged libvirt as one libvirt-bin until the split of Debian 9 / Ubuntu 16.10."""
    assert plan(distro=distro, novaops_release=release)['packages'] == packages


@pytest.mark.parametrize('value', [-1, 1825, 'soon', True])
def test_renew_days_out_of_range_names_the_variable(value):
    found = problems(live_migration_pki_renew_days=value)
    assert len(found) == 1 and found[0].startswith('live_migration_pki_renew_days: ')
    assert 'expected an integer of days from 0 to 1824' in found[0]


# ---------------------------------------------------------- QEMU native TLS

QEMU_TLS = [('ca_cert', '/etc/pki/qemu/ca-cert.pem', '0644'),
            ('server_cert', '/etc/pki/qemu/server-cert.pem', '0644'),
            ('server_key', '/etc/pki/qemu/server-key.pem', '0600'),
            ('client_cert', '/etc/pki/qemu/client-cert.pem', '0644'),
            ('client_key', '/etc/pki/qemu/client-key.pem', '0600')]


def native_warnings(result):
    return [w for w in result['warnings'] if w.startswith('live_migration_native_tls')]


@pytest.mark.parametrize('release', ['stein', 'zed', 'epoxy'])
def test_native_tls_is_on_by_default_from_stein_with_tls(release):
    result = plan(novaops_release=release, distro='debian')
    assert result['native_tls'] is True and result['tunnelled'] is False
    assert ('libvirt', 'live_migration_with_native_tls', True) in entries(result)
    assert result['qemu_conf']['default_tls_x509_verify'] == 1
    # /etc/pki/qemu is qemu.conf's default default_tls_x509_cert_dir.
    assert 'default_tls_x509_cert_dir' not in result['qemu_conf']
    assert native_warnings(result) == []
    # The QEMU ports stay open to the peers: the stream still goes QEMU to QEMU.
    assert any(rule['name'] == 'qemu_migration' for rule in result['firewall']['rules'])


@pytest.mark.parametrize('distro, user, group', [('debian', 'libvirt-qemu', 'kvm'), ('ubuntu', 'libvirt-qemu', 'kvm'),
                                                 ('redhat', 'qemu', 'qemu')])
def test_native_tls_files_are_libvirts_sources_owned_by_the_qemu_account(distro, user, group):
    issued = plan(distro=distro)['qemu_tls']
    assert issued['dir'] == '/etc/pki/qemu'
    assert issued['dirs'] == [{'path': '/etc/pki/qemu', 'mode': '0755', 'owner': 'root', 'group': 'root'}]
    assert [(f['name'], f['dest'], f['mode']) for f in issued['files']] == QEMU_TLS
    assert all(f['src'] is None and (f['owner'], f['group']) == (user, group) for f in issued['files'])
    given = plan(distro=distro, live_migration_tls_files=TLS)
    assert [f['src'] for f in given['qemu_tls']['files']] == [TLS[k] for k in ms.TLS_KEYS]
    # Same order as libvirt's files: the role zips them with the same sources.
    assert [f['name'] for f in given['qemu_tls']['files']] == [f['name'] for f in given['tls']['files']]
    assert all(f['owner'] == user for f in given['qemu_tls']['files'])


def test_rocky_with_tls_is_off_and_warns_that_the_stream_is_clear():
    result = plan(novaops_release='rocky')
    assert result['native_tls'] is False and result['qemu_tls'] is None
    assert 'default_tls_x509_verify' not in result['qemu_conf']
    assert not any(option == 'live_migration_with_native_tls' for dummy, option, dummy2 in entries(result))
    [warning] = native_warnings(result)
    assert 'rocky has no [libvirt] live_migration_with_native_tls (added in stein)' in warning
    assert 'not encrypted' in warning and "only libvirt's control connection" in warning
    assert '49152..49215' in warning
    assert 'live_migration_tunnelled: true encrypts it through libvirtd' in warning


def test_before_mitaka_the_warning_offers_no_tunnelled_option():
    [warning] = native_warnings(plan(novaops_release='icehouse'))
    assert 'not encrypted' in warning and 'live_migration_tunnelled' not in warning
    # juno to mitaka tunnel by default: no clear stream, no warning.
    assert native_warnings(plan(novaops_release='mitaka')) == []


def test_other_transports_have_no_native_tls_and_no_warning():
    for extra in ({'live_migration_transport': 'ssh'},
                  {'live_migration_transport': 'tcp', 'live_migration_sasl_password': PASSWORD}):
        result = plan(**extra)
        assert result['native_tls'] is False and result['qemu_tls'] is None
        assert ('libvirt', 'live_migration_with_native_tls', 'ABSENT') in entries(result)
        assert native_warnings(result) == []


def test_explicit_false_keeps_the_clear_stream_with_a_warning():
    result = plan(live_migration_native_tls=False)
    assert result['native_tls'] is False and result['qemu_tls'] is None
    assert ('libvirt', 'live_migration_with_native_tls', 'ABSENT') in entries(result)
    assert result['qemu_conf'] == {'migration_port_min': 49152, 'migration_port_max': 49215}
    [warning] = native_warnings(result)
    assert warning.startswith('live_migration_native_tls: false: ') and 'not encrypted' in warning
    assert plan(live_migration_native_tls='false')['native_tls'] is False
    assert plan(live_migration_native_tls='AUTO')['native_tls'] is True
    assert plan(live_migration_native_tls=True)['native_tls'] is True


def test_explicit_true_before_stein_is_refused_naming_the_variables():
    [problem] = problems(novaops_release='rocky', live_migration_native_tls=True)
    assert problem.startswith('live_migration_native_tls: true is refused')
    assert 'novaops_release rocky' in problem and 'stein' in problem and 'auto or false' in problem


def test_native_tls_with_tunnelled_is_refused_and_auto_yields_to_tunnelled():
    [problem] = problems(live_migration_native_tls=True, live_migration_tunnelled=True)
    assert problem.startswith('live_migration_native_tls: ') and 'live_migration_tunnelled is true' in problem
    result = plan(live_migration_tunnelled=True, novaops_release='victoria')
    assert result['native_tls'] is False and result['tunnelled'] is True
    assert ('libvirt', 'live_migration_tunnelled', True) in entries(result)
    assert ('libvirt', 'live_migration_with_native_tls', 'ABSENT') in entries(result)
    assert not any(rule['name'] == 'qemu_migration' for rule in result['firewall']['rules'])
    assert native_warnings(result) == []
    deprecated = plan(live_migration_tunnelled=True)
    assert any(w.startswith('live_migration_tunnelled: deprecated') for w in deprecated['warnings'])


def test_explicit_true_with_another_transport_or_old_libvirt_is_refused():
    [problem] = problems(live_migration_native_tls=True, live_migration_transport='ssh')
    assert 'live_migration_transport is ssh' in problem
    [problem] = problems(live_migration_native_tls=True, libvirt_version='4.0.0')
    assert 'libvirt 4.0.0 is older than 4.4' in problem
    result = plan(libvirt_version='4.0.0')
    assert result['native_tls'] is False
    [warning] = native_warnings(result)
    assert warning.startswith('live_migration_native_tls: auto is off, libvirt 4.0.0 is older than 4.4: ')
    assert 'not encrypted' in warning
    assert plan(libvirt_version='4.5.0')['native_tls'] is True


def test_tunnelled_before_mitaka_contradicts_the_release():
    [problem] = problems(novaops_release='liberty', live_migration_tunnelled=False)
    assert problem.startswith('live_migration_tunnelled: is set but contradicts novaops_release liberty')
    result = plan(novaops_release='newton', live_migration_tunnelled=True)
    assert result['tunnelled'] is True and native_warnings(result) == []


def test_bad_native_tls_value():
    [problem] = problems(live_migration_native_tls='sometimes')
    assert problem.startswith('live_migration_native_tls: ') and 'auto, true or false' in problem
