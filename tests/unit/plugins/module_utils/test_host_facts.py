# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""Parsers of host_facts on outputs captured from real hosts (shortened)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import socket

import pytest

from ansible_collections.novaops.console_migration.plugins.module_utils import host_facts as hf

INTEL_FLAGS = (
    u'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr sse sse2 ht syscall nx pdpe1gb lm pni pclmulqdq vmx '
    u'smx est ssse3 fma cx16 sse4_1 sse4_2 x2apic aes xsave avx avx2 avx512f avx512_vnni md_clear'
)

AMD_FLAGS = (
    u'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov sse sse2 ht syscall nx mmxext fxsr_opt '
    u'pdpe1gb rdtscp lm constant_tsc rep_good nopl pni pclmulqdq monitor ssse3 fma cx16 sse4_1 sse4_2 '
    u'movbe popcnt aes xsave avx f16c rdrand lahf_lm cmp_legacy svm extapic cr8_legacy abm sse4a'
)

NFS_LINE = (
    u'nfs1.example.com:/export/nova/instances /var/lib/nova/instances nfs4 '
    u'rw,relatime,vers=4.2,rsize=1048576,wsize=1048576,namlen=255,hard,proto=tcp,timeo=600,retrans=2,sec=sys,'
    u'clientaddr=10.0.0.5,local_lock=none,addr=10.0.0.2 '
    u'0 0'
)

INTEL_CPUINFO = u"""processor\t: 0
vendor_id\t: GenuineIntel
cpu family\t: 6
model\t\t: 85
model name\t: Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz
stepping\t: 7
microcode\t: 0x5003604
cpu MHz\t\t: 2100.000
cache size\t: 28160 KB
physical id\t: 0
siblings\t: 40
core id\t\t: 0
cpu cores\t: 20
fpu\t\t: yes
cpuid level\t: 22
wp\t\t: yes
flags\t\t: %(intel_flags)s
vmx flags\t: vnmi preemption_timer posted_intr invvpid ept_x_only ept_ad flexpriority apicv
bugs\t\t: spectre_v1 spectre_v2 spec_store_bypass swapgs taa itlb_multihit
bogomips\t: 4200.00
clflush size\t: 64
address sizes\t: 46 bits physical, 48 bits virtual
power management:

processor\t: 1
vendor_id\t: GenuineIntel
cpu family\t: 6
model\t\t: 85
model name\t: Some Other Name
flags\t\t: fpu only_on_cpu1
""" % {'intel_flags': INTEL_FLAGS}

AMD_CPUINFO = u"""processor\t: 0
vendor_id\t: AuthenticAMD
cpu family\t: 25
model\t\t: 1
model name\t: AMD EPYC 7543 32-Core Processor
stepping\t: 1
microcode\t: 0xa0011d1
cpu MHz\t\t: 2794.748
flags\t\t: %(amd_flags)s
bugs\t\t: sysret_ss_attrs spectre_v1 spectre_v2 spec_store_bypass srso
power management: ts ttp tm hwpstate cpb eff_freq_ro [13] [14]
""" % {'amd_flags': AMD_FLAGS}

IP_ADDR_JSON = u"""[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdisc":"noqueue",
"operstate":"UNKNOWN","group":"default","txqlen":1000,"link_type":"loopback","address":"00:00:00:00:00:00",
"broadcast":"00:00:00:00:00:00","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host",
"label":"lo","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet6","local":"::1",
"prefixlen":128,"scope":"host","valid_life_time":4294967295,"preferred_life_time":4294967295}]},
{"ifindex":2,"link_index":41,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,
"qdisc":"noqueue","operstate":"UP","group":"default","txqlen":1000,"link_type":"ether","address":"ce:8e:f5:58:f7:c9",
"broadcast":"ff:ff:ff:ff:ff:ff","link_netnsid":0,"addr_info":[{"family":"inet","local":"10.231.0.24","prefixlen":24,
"broadcast":"10.231.0.255","scope":"global","label":"eth0","valid_life_time":4294967295,
"preferred_life_time":4294967295},{"family":"inet6","local":"fe80::cc8e:f5ff:fe58:f7c9","prefixlen":64,
"scope":"link","valid_life_time":4294967295,"preferred_life_time":4294967295}]},
{"ifindex":3,"ifname":"dummy0","flags":["BROADCAST","NOARP","UP","LOWER_UP"],"mtu":1500,"qdisc":"noqueue",
"operstate":"UNKNOWN","group":"default","txqlen":1000,"link_type":"ether","address":"5a:0c:2e:8a:11:02",
"broadcast":"ff:ff:ff:ff:ff:ff","addr_info":[{"family":"inet","local":"192.0.2.10","prefixlen":28,"scope":"global",
"label":"dummy0","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet6",
"local":"2001:DB8:5:0::10","prefixlen":64,"scope":"global","valid_life_time":4294967295,
"preferred_life_time":4294967295}]}]
"""

IP_ADDR_TEXT = u"""1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
1: lo    inet6 ::1/128 scope host \\       valid_lft forever preferred_lft forever
2: eth0    inet 10.231.0.24/24 brd 10.231.0.255 scope global eth0\\       valid_lft forever preferred_lft forever
2: eth0    inet6 fe80::cc8e:f5ff:fe58:f7c9/64 scope link \\       valid_lft forever preferred_lft forever
4: vlan20@eth0    inet 172.16.20.5/24 brd 172.16.20.255 scope global vlan20\\       valid_lft forever preferred_lft forever
"""

CAPABILITIES = u"""<capabilities>

  <host>
    <uuid>4c4c4544-0044-3510-8052-b4c04f4e4d32</uuid>
    <cpu>
      <arch>x86_64</arch>
      <model>Cascadelake-Server-noTSX</model>
      <vendor>Intel</vendor>
      <microcode version='83898371'/>
      <signature family='6' model='85' stepping='7'/>
      <counter name='tsc' frequency='2095078000' scaling='no'/>
      <topology sockets='1' dies='1' cores='20' threads='2'/>
      <maxphysaddr mode='emulate' bits='46'/>
      <feature name='ds'/>
      <feature name='vmx'/>
      <pages unit='KiB' size='4'/>
    </cpu>
    <power_management>
      <suspend_mem/>
    </power_management>
    <migration_features>
      <live/>
      <uri_transports>
        <uri_transport>tcp</uri_transport>
        <uri_transport>rdma</uri_transport>
      </uri_transports>
    </migration_features>
    <topology>
      <cells num='1'>
        <cell id='0'>
          <cpus num='2'>
            <cpu id='0' socket_id='0' die_id='0' core_id='0' siblings='0,20'/>
            <cpu id='1' socket_id='0' die_id='0' core_id='1' siblings='1,21'/>
          </cpus>
        </cell>
      </cells>
    </topology>
  </host>

  <guest>
    <os_type>hvm</os_type>
    <arch name='x86_64'>
      <wordsize>64</wordsize>
      <emulator>/usr/bin/qemu-system-x86_64</emulator>
      <domain type='qemu'/>
      <domain type='kvm'/>
    </arch>
  </guest>

</capabilities>
"""

MOUNTS = u"""overlay / overlay rw,relatime,lowerdir=/var/lib/containers/storage/overlay/l/KGVP,upperdir=/x/diff,workdir=/x/work 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
tmpfs /run tmpfs rw,nosuid,nodev,relatime 0 0
/dev/sda2 /var/lib/nova ext4 rw,relatime 0 0
%(nfs)s
/dev/sdb1 /var/lib/nova/instances-old xfs rw,relatime 0 0
/dev/sdc1 /srv/my\\040images xfs rw,relatime 0 0
""" % {'nfs': NFS_LINE}


class TestCpuinfo(object):

    def test_intel_first_processor(self):
        info = hf.parse_cpuinfo(INTEL_CPUINFO)
        assert info['vendor'] == 'GenuineIntel'
        assert info['model_name'] == 'Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz'
        assert (info['family'], info['model']) == (6, 85)
        assert 'vmx' in info['flags'] and 'avx512_vnni' in info['flags']
        # `vmx flags` is not `flags`; the second processor is not read
        assert 'ept_x_only' not in info['flags'] and 'only_on_cpu1' not in info['flags']
        assert info['flags'] == sorted(info['flags'])
        assert hf.vendor_name(info['vendor']) == 'Intel'
        assert hf.cpu_virt_flag(info['flags']) == 'vmx'

    def test_amd(self):
        info = hf.parse_cpuinfo(AMD_CPUINFO)
        assert info['vendor'] == 'AuthenticAMD'
        assert info['model_name'] == 'AMD EPYC 7543 32-Core Processor'
        assert (info['family'], info['model']) == (25, 1)
        assert hf.vendor_name(info['vendor']) == 'AMD'
        assert hf.cpu_virt_flag(info['flags']) == 'svm'

    def test_no_virtualization_flag_and_empty(self):
        assert hf.cpu_virt_flag(['fpu', 'sse2', 'hypervisor']) is None
        assert hf.parse_cpuinfo('') == {'vendor': None, 'model_name': None, 'family': None, 'model': None,
                                        'flags': []}
        assert hf.vendor_name('SomethingElse') == 'SomethingElse'
        assert hf.vendor_name(None) is None


class TestIpAddr(object):

    def test_json_global_addresses_only(self):
        assert hf.parse_ip_addr(IP_ADDR_JSON) == [
            {'name': 'eth0', 'address': '10.231.0.24', 'prefix': 24, 'network': '10.231.0.0/24'},
            {'name': 'dummy0', 'address': '192.0.2.10', 'prefix': 28, 'network': '192.0.2.0/28'},
            {'name': 'dummy0', 'address': '2001:db8:5::10', 'prefix': 64, 'network': '2001:db8:5::/64'},
        ]

    def test_text_form_of_old_iproute2(self):
        assert hf.parse_ip_addr(IP_ADDR_TEXT) == [
            {'name': 'eth0', 'address': '10.231.0.24', 'prefix': 24, 'network': '10.231.0.0/24'},
            {'name': 'vlan20', 'address': '172.16.20.5', 'prefix': 24, 'network': '172.16.20.0/24'},
        ]

    def test_broken_json(self):
        with pytest.raises(hf.FactsParseError, match='not JSON'):
            hf.parse_ip_addr('[{"ifname": ')

    def test_locate_addresses(self):
        interfaces = hf.parse_ip_addr(IP_ADDR_JSON)
        located = hf.locate_addresses(interfaces, ['10.231.0.24', '2001:db8:5::10', '10.9.9.9', '127.0.0.1', 'bad'])
        assert located == {
            '10.231.0.24': {'interface': 'eth0', 'prefix': 24, 'network': '10.231.0.0/24'},
            '2001:db8:5::10': {'interface': 'dummy0', 'prefix': 64, 'network': '2001:db8:5::/64'},
            '10.9.9.9': None,
            '127.0.0.1': None,  # host scope, not a migration address
            'bad': None,
        }


class TestRouteGet(object):

    def test_on_link(self):
        out = '[{"dst":"10.231.0.25","dev":"eth0","prefsrc":"10.231.0.24","flags":[],"uid":0,"cache":[]}]\n'
        assert hf.parse_route_get(out) == {'dev': 'eth0', 'src': '10.231.0.24', 'via': None, 'error': None}

    def test_via_gateway(self):
        out = ('[{"dst":"192.0.2.1","gateway":"10.231.0.1","dev":"eth0","prefsrc":"10.231.0.24","flags":[],'
               '"uid":0,"cache":[]}]\n')
        assert hf.parse_route_get(out) == {'dev': 'eth0', 'src': '10.231.0.24', 'via': '10.231.0.1', 'error': None}

    def test_local(self):
        out = ('[{"type":"local","dst":"10.231.0.24","dev":"lo","prefsrc":"10.231.0.24","flags":[],"uid":0,'
               '"cache":["local"]}]\n')
        assert hf.parse_route_get(out)['dev'] == 'lo'

    def test_dead_route_types(self):
        out = '[{"type":"blackhole","dst":"203.0.113.5","flags":[],"uid":0,"cache":[]}]'
        assert hf.parse_route_get(out) == {'dev': None, 'src': None, 'via': None,
                                           'error': 'route of type blackhole'}

    def test_text_form(self):
        assert hf.parse_route_get('10.99.99.99 via 10.231.0.1 dev eth0 src 10.231.0.23 uid 0 \n    cache \n') == {
            'dev': 'eth0', 'src': '10.231.0.23', 'via': '10.231.0.1', 'error': None}
        assert hf.parse_route_get('unreachable 203.0.113.5 uid 0\n    cache\n')['error'] == 'route of type unreachable'

    def test_nothing_and_error(self):
        assert hf.parse_route_get('')['error'] == 'ip route get printed nothing'
        assert hf.route_error('RTNETLINK answers: Network is unreachable\n') == {
            'dev': None, 'src': None, 'via': None, 'error': 'RTNETLINK answers: Network is unreachable'}


class TestMounts(object):

    def test_parse_unescapes(self):
        mounts = hf.parse_mounts(MOUNTS)
        assert mounts[0] == {'source': 'overlay', 'mount_point': '/', 'fstype': 'overlay'}
        assert mounts[-1]['mount_point'] == '/srv/my images'

    def test_instances_on_nfs4(self):
        mount = hf.find_mount(hf.parse_mounts(MOUNTS), '/var/lib/nova/instances/abc/disk')
        assert mount == {'source': 'nfs1.example.com:/export/nova/instances',
                         'mount_point': '/var/lib/nova/instances', 'fstype': 'nfs4'}
        assert hf.is_shared_fstype(mount['fstype'])

    def test_prefix_is_not_a_parent(self):
        mounts = hf.parse_mounts(MOUNTS)
        assert hf.find_mount(mounts, '/var/lib/nova/instances-old')['fstype'] == 'xfs'
        assert hf.find_mount(mounts, '/var/lib/nova/instancesX')['mount_point'] == '/var/lib/nova'
        assert hf.find_mount(mounts, '/etc/nova')['fstype'] == 'overlay'
        assert not hf.is_shared_fstype('overlay')

    def test_last_mount_on_a_point_wins(self):
        mounts = hf.parse_mounts(MOUNTS + u'ceph-fuse /var/lib/nova/instances fuse.ceph-fuse rw 0 0\n')
        assert hf.find_mount(mounts, '/var/lib/nova/instances')['fstype'] == 'fuse.ceph-fuse'
        assert hf.find_mount([], '/x') is None

    @pytest.mark.parametrize('fstype, shared', [
        ('nfs', True), ('nfs4', True), ('cephfs', True), ('fuse.glusterfs', True), ('gpfs', True),
        ('ocfs2', True), ('gfs2', True), ('lustre', True), ('beegfs', True), ('ext4', False), ('xfs', False),
        ('tmpfs', False), ('', False), (None, False),
    ])
    def test_shared_fstypes(self, fstype, shared):
        assert hf.is_shared_fstype(fstype) is shared


class TestResolutionAndIds(object):

    def test_getent_ahosts(self):
        out = ('10.231.0.25     STREAM compute2.dns.podman\n10.231.0.25     DGRAM  \n10.231.0.25     RAW    \n'
               'fd00:0:0:0::25  STREAM \n')
        assert hf.parse_getent_hosts(out) == ['10.231.0.25', 'fd00::25']

    def test_getaddrinfo(self):
        infos = [
            (socket.AF_INET, socket.SOCK_STREAM, 6, '', ('10.0.0.6', 0)),
            (socket.AF_INET6, socket.SOCK_STREAM, 6, '', ('fe80::1%eth0', 0, 0, 2)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, '', ('10.0.0.6', 0)),
        ]
        assert hf.addrinfo_addresses(infos) == ['10.0.0.6', 'fe80::1']

    def test_getent_ids(self):
        passwd = ('nova:x:64060:64060::/var/lib/nova:/usr/sbin/nologin\n'
                  'libvirt-qemu:x:64055:104:Libvirt Qemu,,,:/var/lib/libvirt:/usr/sbin/nologin\n')
        group = 'nova:x:64060:\nkvm:x:104:\n'
        accounts = [{'kind': 'user', 'name': 'nova'}, {'kind': 'group', 'name': 'nova'},
                    {'kind': 'user', 'name': 'libvirt-qemu'}, {'kind': 'group', 'name': 'kvm'},
                    {'kind': 'user', 'name': 'qemu'}]
        assert hf.parse_getent_ids(passwd, group, accounts) == {
            'user/nova': 64060, 'group/nova': 64060, 'user/libvirt-qemu': 64055, 'group/kvm': 104,
            'user/qemu': None}


class TestLibvirt(object):

    @pytest.mark.parametrize('text, version', [
        ('libvirtd (libvirt) 9.0.0\n', '9.0.0'),
        ('virtqemud (libvirt) 10.10.0\n', '10.10.0'),
        ('Compiled against library: libvirt 9.0.0\nUsing library: libvirt 9.0.0\nUsing API: QEMU 9.0.0\n'
         'Running hypervisor: QEMU 7.2.22\nRunning against daemon: 8.0.1\n', '8.0.1'),
        ('Compiled against library: libvirt 1.2.2\nUsing library: libvirt 1.2.2\nRunning hypervisor: QEMU 2.0.0\n',
         '1.2.2'),
        ('libvirtd (libvirt) 0.9.8\n', '0.9.8'),
        ('4.5\n', '4.5.0'),
        ('', None),
        ('error: failed to connect to the hypervisor\n', None),
    ])
    def test_version(self, text, version):
        assert hf.parse_libvirt_version(text) == version

    def test_capabilities_cpu(self):
        cpu = hf.parse_capabilities_cpu(CAPABILITIES)
        assert cpu['model'] == 'Cascadelake-Server-noTSX'
        assert cpu['vendor'] == 'Intel'
        assert cpu['cpu_xml'].startswith("<cpu>\n  <arch>x86_64</arch>\n  <model>Cascadelake-Server-noTSX</model>")
        assert cpu['cpu_xml'].endswith("  <pages unit='KiB' size='4'/>\n</cpu>")
        assert 'socket_id' not in cpu['cpu_xml']  # not the topology's <cpu id=...> elements

    def test_capabilities_without_host_cpu_and_garbage(self):
        assert hf.parse_capabilities_cpu('<capabilities><host/></capabilities>') == {
            'model': None, 'vendor': None, 'cpu_xml': None}
        with pytest.raises(hf.FactsParseError, match='not XML'):
            hf.parse_capabilities_cpu('error: failed to connect')

    def test_ss_listen(self):
        out = ('LISTEN 0      4096         0.0.0.0:22        0.0.0.0:*\n'
               'LISTEN 0      1000     10.231.0.24:16514      0.0.0.0:*\n'
               'LISTEN 0      4096               *:16509            *:*\n'
               'LISTEN 0      4096            [::]:16514         [::]:*\n'
               'LISTEN 0      4096  [fe80::1%eth0]:16509         [::]:*\n'
               'LISTEN 0      4096       127.0.0.1:165090      0.0.0.0:*\n')
        assert hf.parse_ss_listen(out) == [
            {'port': 16509, 'address': '*'}, {'port': 16509, 'address': 'fe80::1'},
            {'port': 16514, 'address': '10.231.0.24'}, {'port': 16514, 'address': '::'}]

    def test_ss_with_header(self):
        out = ('State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess\n'
               'LISTEN 0      1000     10.231.0.24:16514      0.0.0.0:*          \n')
        assert hf.parse_ss_listen(out) == [{'port': 16514, 'address': '10.231.0.24'}]
        assert hf.parse_ss_listen('State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess\n') == []
