# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""The migration_facts module with faked commands, a fake resolver and a temporary root for files."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import socket

import pytest

from ansible.module_utils import basic

from ansible_collections.novaops.console_migration.plugins.modules import migration_facts
from ansible_collections.novaops.console_migration.tests.unit.plugins.modules.module_harness import (
    ExitJson,
    FailJson,
    patch_exits,
    run_module,
)


IP = '/usr/sbin/ip'
GETENT = '/usr/bin/getent'
VIRSH = '/usr/bin/virsh'
LIBVIRTD = '/usr/sbin/libvirtd'
SS = '/usr/bin/ss'

CPUINFO = (u'processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\n'
           u'model name\t: Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz\nflags\t\t: fpu sse2 vmx avx2\n\n'
           u'processor\t: 1\nvendor_id\t: GenuineIntel\n')
MOUNTS = (u'overlay / overlay rw,relatime 0 0\nproc /proc proc rw 0 0\n'
          u'nfs1:/export/instances /var/lib/nova/instances nfs4 rw,relatime,vers=4.2 0 0\n')
IP_ADDR = json.dumps([
    {'ifname': 'lo', 'addr_info': [{'family': 'inet', 'local': '127.0.0.1', 'prefixlen': 8, 'scope': 'host'}]},
    {'ifname': 'eth0', 'addr_info': [{'family': 'inet', 'local': '10.0.0.5', 'prefixlen': 24, 'scope': 'global'}]},
    {'ifname': 'eth1', 'addr_info': [{'family': 'inet', 'local': '172.16.0.5', 'prefixlen': 16, 'scope': 'global'},
                                     {'family': 'inet6', 'local': 'fe80::1', 'prefixlen': 64, 'scope': 'link'}]},
])
CAPS = (u"<capabilities>\n  <host>\n    <cpu>\n      <arch>x86_64</arch>\n      <model>Cascadelake-Server-noTSX</model>\n"
        u"      <vendor>Intel</vendor>\n    </cpu>\n  </host>\n</capabilities>\n")


class FakeHost(object):
    """Tools and their outputs; records every command."""

    def __init__(self):
        self.bins = {'ip': IP, 'getent': GETENT, 'virsh': VIRSH, 'libvirtd': LIBVIRTD, 'ss': SS}
        self.routes = {
            '10.0.0.6': (0, '[{"dst":"10.0.0.6","dev":"eth0","prefsrc":"10.0.0.5","flags":[],"uid":0}]\n', ''),
            '192.0.2.9': (0, '[{"dst":"192.0.2.9","gateway":"10.0.0.1","dev":"eth0","prefsrc":"10.0.0.5"}]\n', ''),
            '203.0.113.7': (2, '', 'RTNETLINK answers: Network is unreachable\n'),
        }
        self.ip_json = True
        self.caps = (0, CAPS, '')
        self.calls = []

    def run_command(self, args, **kwargs):
        args = list(args)
        self.calls.append(args)
        assert kwargs.get('environ_update', {}).get('LC_ALL') == 'C'
        if args[0] == IP:
            if args[1:] == ['-j', 'addr', 'show']:
                return (0, IP_ADDR, '') if self.ip_json else (255, '', 'Option "-j" is unknown, try "ip -help".\n')
            if args[1:] == ['-o', 'addr', 'show']:
                return 0, '2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0\\       valid_lft forever\n', ''
            if args[1:4] == ['-j', 'route', 'get']:
                return self.routes[args[4]]
            if args[1:3] == ['route', 'get']:
                return 0, '%s dev eth0 src 10.0.0.5 uid 0 \n    cache \n' % args[3], ''
        if args[0] == GETENT:
            assert args[2] == '--'
            if args[1] == 'passwd':
                known = {'nova': 'nova:x:64060:64060::/var/lib/nova:/usr/sbin/nologin\n',
                         'libvirt-qemu': 'libvirt-qemu:x:64055:104::/var/lib/libvirt:/usr/sbin/nologin\n'}
            else:
                known = {'nova': 'nova:x:64060:\n', 'kvm': 'kvm:x:104:\n'}
            out = ''.join(known[n] for n in args[3:] if n in known)
            return (0 if all(n in known for n in args[3:]) else 2), out, ''
        if args[0] == LIBVIRTD:
            assert args[1:] == ['--version']
            return 0, 'libvirtd (libvirt) 9.0.0\n', ''
        if args[0] == VIRSH:
            assert args[1:4] == ['-r', '-c', 'qemu:///system']
            if args[4:] == ['capabilities']:
                return self.caps
            if args[4:] == ['version', '--daemon']:
                return 0, 'Compiled against library: libvirt 8.0.0\nRunning against daemon: 8.0.0\n', ''
        if args[0] == SS:
            assert args[1:] == ['-ltn']
            return 0, ('State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess\n'
                       'LISTEN 0      4096         0.0.0.0:22        0.0.0.0:*\n'
                       'LISTEN 0      1000        10.0.0.5:16514      0.0.0.0:*\n'), ''
        raise AssertionError('unexpected command %r' % (args,))


RESOLVER = {
    'compute2': [(socket.AF_INET, socket.SOCK_STREAM, 6, '', ('10.0.0.6', 0))],
    'compute3': [(socket.AF_INET, socket.SOCK_STREAM, 6, '', ('10.9.9.9', 0)),
                 (socket.AF_INET, socket.SOCK_STREAM, 6, '', ('10.0.0.7', 0))],
}


@pytest.fixture(autouse=True)
def module_exits(monkeypatch):
    def exit_json(self, **kwargs):  # the result as given: no ``changed`` added
        raise ExitJson(kwargs)

    patch_exits(monkeypatch, exit_json)


@pytest.fixture
def host(monkeypatch):
    fake = FakeHost()

    def run_command(self, args, **kwargs):
        return fake.run_command(args, **kwargs)

    def get_bin_path(self, name, required=False, opt_dirs=None):
        return fake.bins.get(name)

    def getaddrinfo(name, port, family=0, type=0, proto=0, flags=0):
        assert type == socket.SOCK_STREAM
        if name not in RESOLVER:
            raise socket.gaierror(socket.EAI_NONAME, 'Name or service not known')
        return RESOLVER[name]

    monkeypatch.setattr(basic.AnsibleModule, 'run_command', run_command)
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', get_bin_path)
    monkeypatch.setattr(migration_facts.socket, 'getaddrinfo', getaddrinfo)
    monkeypatch.setattr(migration_facts.socket, 'gethostname', lambda: 'compute1')
    return fake


@pytest.fixture
def root(tmp_path, monkeypatch):
    """A host root with /proc/cpuinfo, /proc/mounts, /var/lib/nova/instances and /dev/kvm (a character device)."""
    monkeypatch.setattr(migration_facts, 'ROOT', str(tmp_path))
    (tmp_path / 'proc').mkdir()
    (tmp_path / 'proc' / 'cpuinfo').write_text(CPUINFO)
    (tmp_path / 'proc' / 'mounts').write_text(MOUNTS)
    (tmp_path / 'var' / 'lib' / 'nova' / 'instances').mkdir(parents=True)
    (tmp_path / 'dev').mkdir()
    os.symlink('/dev/null', str(tmp_path / 'dev' / 'kvm'))  # a character device
    return tmp_path


def run(args, check_mode=False):
    if check_mode:
        args = dict(args, _ansible_check_mode=True)
    return run_module(migration_facts.main, args, (ExitJson, FailJson))


def base_args(root, **extra):
    args = {'addresses': ['10.0.0.5', '172.16.0.5', '10.1.1.1'],
            'peers': {'compute2': '10.0.0.6', 'compute3': '10.0.0.7', 'nowhere': '10.0.0.8'},
            'reach': ['10.0.0.6', '192.0.2.9', '203.0.113.7']}
    args.update(extra)
    return args


def test_full_host(host, root):
    result = run(base_args(root))
    assert result['changed'] is False and 'failed' not in result
    facts = result['migration_facts']
    assert facts['hostname'] == 'compute1'
    assert facts['interfaces'] == [
        {'name': 'eth0', 'address': '10.0.0.5', 'prefix': 24, 'network': '10.0.0.0/24'},
        {'name': 'eth1', 'address': '172.16.0.5', 'prefix': 16, 'network': '172.16.0.0/16'}]
    assert facts['addresses'] == {
        '10.0.0.5': {'interface': 'eth0', 'prefix': 24, 'network': '10.0.0.0/24'},
        '172.16.0.5': {'interface': 'eth1', 'prefix': 16, 'network': '172.16.0.0/16'},
        '10.1.1.1': None}
    cpu = facts['cpu']
    assert (cpu['vendor'], cpu['vendor_id'], cpu['family'], cpu['model']) == ('Intel', 'GenuineIntel', 6, 85)
    assert cpu['model_name'] == 'Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz'
    assert cpu['flags'] == ['avx2', 'fpu', 'sse2', 'vmx']
    assert (cpu['libvirt_model'], cpu['libvirt_vendor']) == ('Cascadelake-Server-noTSX', 'Intel')
    assert cpu['cpu_xml'] == ('<cpu>\n  <arch>x86_64</arch>\n  <model>Cascadelake-Server-noTSX</model>\n'
                              '  <vendor>Intel</vendor>\n</cpu>')
    assert facts['ids'] == {'user/nova': 64060, 'group/nova': 64060, 'user/libvirt-qemu': 64055, 'group/kvm': 104,
                            'user/qemu': None, 'group/qemu': None}
    assert facts['virt'] == {'kvm': True, 'cpu_virt_flag': 'vmx', 'type': 'kvm'}
    assert facts['libvirt'] == {'installed': True, 'version': '9.0.0', 'error': None,
                                'listening': [{'port': 16514, 'address': '10.0.0.5'}]}
    assert facts['instances'] == {'path': '/var/lib/nova/instances', 'exists': True,
                                  'mount_point': '/var/lib/nova/instances', 'fstype': 'nfs4',
                                  'source': 'nfs1:/export/instances', 'shared': True}
    assert facts['resolution'] == {
        'compute2': {'addresses': ['10.0.0.6'], 'error': None, 'expected': '10.0.0.6', 'matches': True},
        'compute3': {'addresses': ['10.9.9.9', '10.0.0.7'], 'error': None, 'expected': '10.0.0.7', 'matches': True},
        'nowhere': {'addresses': [], 'error': '[Errno -2] Name or service not known', 'expected': '10.0.0.8',
                    'matches': False}}
    assert facts['routes'] == {
        '10.0.0.6': {'dev': 'eth0', 'src': '10.0.0.5', 'via': None, 'error': None},
        '192.0.2.9': {'dev': 'eth0', 'src': '10.0.0.5', 'via': '10.0.0.1', 'error': None},
        '203.0.113.7': {'dev': None, 'src': None, 'via': None, 'error': 'RTNETLINK answers: Network is unreachable'}}
    assert facts['errors'] == []


def test_few_commands_and_none_that_change(host, root):
    run(base_args(root), check_mode=True)
    # one ip addr, one route get per address, one getent per database, libvirtd --version, virsh capabilities, ss
    assert len(host.calls) == 1 + 3 + 2 + 1 + 1 + 1
    for call in host.calls:
        assert call[0] in (IP, GETENT, VIRSH, LIBVIRTD, SS)
        if call[0] == IP:
            assert call[1:3] in (['-j', 'addr'], ['-j', 'route'])
            assert call[3] in ('show', 'get')
    getents = [c for c in host.calls if c[0] == GETENT]
    assert getents == [[GETENT, 'passwd', '--', 'nova', 'libvirt-qemu', 'qemu'],
                       [GETENT, 'group', '--', 'nova', 'kvm', 'qemu']]


def test_without_libvirt(host, root):
    for name in ('virsh', 'libvirtd'):
        del host.bins[name]
    facts = run(base_args(root))['migration_facts']
    assert facts['libvirt'] == {'installed': False, 'version': None, 'error': None,
                                'listening': [{'port': 16514, 'address': '10.0.0.5'}]}
    assert facts['cpu']['libvirt_model'] is None
    assert facts['cpu']['libvirt_vendor'] is None
    assert facts['cpu']['cpu_xml'] is None
    assert facts['cpu']['model_name'].startswith('Intel(R) Xeon(R)')
    assert not [c for c in host.calls if c[0] in (VIRSH, LIBVIRTD)]
    assert facts['errors'] == []


def test_libvirt_daemon_unreachable(host, root):
    host.caps = (1, '', 'error: failed to connect to the hypervisor\nerror: Failed to connect socket\n')
    facts = run(base_args(root))['migration_facts']
    assert facts['libvirt']['installed'] is True and facts['libvirt']['version'] == '9.0.0'
    assert facts['libvirt']['error'] == 'virsh capabilities failed (rc 1): error: failed to connect to the hypervisor'
    assert facts['cpu']['libvirt_model'] is None
    assert facts['errors'] == [facts['libvirt']['error']]


def test_virsh_only_gives_daemon_version(host, root):
    del host.bins['libvirtd']
    facts = run(base_args(root))['migration_facts']
    assert facts['libvirt']['version'] == '8.0.0'
    assert [VIRSH, '-r', '-c', 'qemu:///system', 'version', '--daemon'] in host.calls


def test_empty_uri_skips_the_connection(host, root):
    facts = run(base_args(root, libvirt_uri=''))['migration_facts']
    assert facts['libvirt']['installed'] is True and facts['cpu']['libvirt_model'] is None
    assert not [c for c in host.calls if c[0] == VIRSH]


def test_missing_tools_and_tcg(host, root):
    for name in ('ss', 'ip', 'getent'):
        del host.bins[name]
    os.unlink(str(root / 'dev' / 'kvm'))
    (root / 'dev' / 'kvm').write_text(u'')  # exists, but no character device
    facts = run(base_args(root))['migration_facts']
    assert facts['libvirt']['listening'] is None
    assert facts['virt'] == {'kvm': False, 'cpu_virt_flag': 'vmx', 'type': 'qemu'}
    assert facts['interfaces'] == [] and facts['addresses']['10.0.0.5'] is None
    assert facts['routes']['10.0.0.6'] == {'dev': None, 'src': None, 'via': None, 'error': 'ip not found'}
    assert facts['ids']['user/nova'] is None
    assert facts['errors'] == ['ip not found: interfaces and routes unknown', 'getent not found: account ids unknown']


def test_old_iproute2_without_json(host, root):
    host.ip_json = False
    facts = run(base_args(root, reach=['10.0.0.6']))['migration_facts']
    assert facts['interfaces'] == [{'name': 'eth0', 'address': '10.0.0.5', 'prefix': 24, 'network': '10.0.0.0/24'}]
    assert facts['routes'] == {'10.0.0.6': {'dev': 'eth0', 'src': '10.0.0.5', 'via': None, 'error': None}}
    assert [IP, 'route', 'get', '10.0.0.6'] in host.calls


def test_local_instances_path_that_does_not_exist(host, root):
    facts = run(base_args(root, instances_path='/srv/nova/instances'))['migration_facts']
    assert facts['instances'] == {'path': '/srv/nova/instances', 'exists': False, 'mount_point': '/',
                                  'fstype': 'overlay', 'source': 'overlay', 'shared': False}


def test_proxy_host_only_routes(host, root):
    facts = run({'reach': ['10.0.0.6'], 'accounts': [], 'libvirt_uri': ''})['migration_facts']
    assert facts['routes']['10.0.0.6']['dev'] == 'eth0'
    assert facts['ids'] == {} and facts['resolution'] == {} and facts['addresses'] == {}
    assert not [c for c in host.calls if c[0] in (GETENT, VIRSH)]


def test_bad_arguments_listed_at_once(host, root):
    result = run({'addresses': ['10.0.0.300'], 'reach': ['compute2'],
                  'peers': {'compute2': 'x'}, 'instances_path': 'relative'})
    assert result['failed'] is True
    assert result['msg'] == (
        "addresses: '10.0.0.300' is not an IPv4 or IPv6 address (expected e.g. 10.0.0.5); "
        "reach: 'compute2' is not an IPv4 or IPv6 address (expected e.g. 10.0.0.5); "
        "peers: compute2: 'x' is not an IPv4 or IPv6 address (expected e.g. {compute2: 10.0.0.6}); "
        "instances_path: 'relative' is not absolute (expected e.g. /var/lib/nova/instances)")
    assert host.calls == []
