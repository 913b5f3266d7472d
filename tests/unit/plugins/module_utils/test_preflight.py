# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""The readiness checks and the preflight_report filter, on facts shaped like the migration_facts module's."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import copy

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.novaops.console_migration.plugins.filter import preflight_report as plugin
from ansible_collections.novaops.console_migration.plugins.module_utils import preflight as pf

MIGRATION = {'compute1': '10.0.0.11', 'compute2': '10.0.0.12'}
PROXYCLIENT = {'compute1': '172.16.0.11', 'compute2': '172.16.0.12'}
FLAGS = ['avx', 'avx2', 'sse2', 'vmx']


def compute(name):
    """The migration_facts of a healthy compute host."""
    mig, console = MIGRATION[name], PROXYCLIENT[name]
    others = sorted(n for n in MIGRATION if n != name)
    return {
        'hostname': name,
        'interfaces': [{'name': 'eth0', 'address': mig, 'prefix': 24, 'network': '10.0.0.0/24'},
                       {'name': 'eth1', 'address': console, 'prefix': 24, 'network': '172.16.0.0/24'}],
        'addresses': {mig: {'interface': 'eth0', 'prefix': 24, 'network': '10.0.0.0/24'},
                      console: {'interface': 'eth1', 'prefix': 24, 'network': '172.16.0.0/24'}},
        'cpu': {'vendor': 'Intel', 'vendor_id': 'GenuineIntel', 'model_name': 'Intel(R) Xeon(R) Gold 6230',
                'family': 6, 'model': 85, 'flags': list(FLAGS), 'libvirt_model': 'Cascadelake-Server-noTSX',
                'libvirt_vendor': 'Intel', 'cpu_xml': '<cpu>...</cpu>'},
        'ids': {'user/nova': 64060, 'group/nova': 64060, 'user/libvirt-qemu': 64055, 'group/kvm': 104,
                'user/qemu': None, 'group/qemu': None},
        'virt': {'kvm': True, 'cpu_virt_flag': 'vmx', 'type': 'kvm'},
        'libvirt': {'installed': True, 'version': '9.0.0', 'listening': [{'port': 16514, 'address': mig}],
                    'error': None},
        'instances': {'path': '/var/lib/nova/instances', 'exists': True, 'mount_point': '/var/lib/nova/instances',
                      'fstype': 'nfs4', 'source': 'nfs1:/export/instances', 'shared': True},
        'resolution': dict((o, {'addresses': [MIGRATION[o]], 'error': None, 'expected': MIGRATION[o],
                                'matches': True}) for o in others),
        'routes': {},
        'errors': [],
    }


def proxy():
    return {'hostname': 'proxy1', 'interfaces': [], 'addresses': {}, 'ids': {}, 'resolution': {},
            'routes': dict((a, {'dev': 'eth1', 'src': '172.16.0.2', 'via': None, 'error': None})
                           for a in PROXYCLIENT.values())}


def all_facts():
    return {'compute1': compute('compute1'), 'compute2': compute('compute2'), 'proxy1': proxy()}


def settings(**extra):
    s = {'computes': ['compute1', 'compute2'], 'proxies': ['proxy1'], 'migration_address': dict(MIGRATION),
         'proxyclient_address': dict(PROXYCLIENT), 'allowed_subnets': [], 'align_ids': False,
         'block_migration': False}
    s.update(extra)
    return s


def failing(report):
    return [(h, c) for h in report['rows'] for c in pf.CHECKS if report['rows'][h][c]['status'] == 'fail']


def cell(report, host, check):
    return report['rows'][host][check]


def test_all_ok():
    report = pf.preflight(all_facts(), settings())
    assert report['ok'] is True
    assert report['problems'] == [] and report['warnings'] == [] and report['suggestions'] == []
    for host in ('compute1', 'compute2'):
        assert [report['rows'][host][c]['status'] for c in pf.CHECKS] == ['ok'] * 7 + ['n/a']
    assert [report['rows']['proxy1'][c]['status'] for c in pf.CHECKS] == ['n/a'] * 7 + ['ok']
    assert cell(report, 'compute1', 'subnet')['reason'] == '10.0.0.11 on eth0 (10.0.0.0/24), the subnet of every compute'
    assert cell(report, 'compute2', 'cpu')['reason'] == ('Intel Cascadelake-Server-noTSX (libvirt host model), the same '
                                                         'on every compute')
    assert cell(report, 'compute1', 'resolution')['reason'] == 'compute2 -> 10.0.0.12'
    assert cell(report, 'proxy1', 'proxy_reach')['reason'] == ('routes to compute1 172.16.0.11 via eth1, '
                                                               'compute2 172.16.0.12 via eth1')
    assert cell(report, 'compute1', 'libvirt')['reason'] == 'libvirt 9.0.0, listening on 10.0.0.11:16514'
    assert report['table'].endswith('READY: no failed check, 0 warnings\n')


@pytest.mark.parametrize('resolved, reason', [
    ({'addresses': ['10.9.9.12'], 'error': None, 'expected': '10.0.0.12', 'matches': False},
     'compute2 resolves to 10.9.9.12, not to its migration address 10.0.0.12'),
    ({'addresses': [], 'error': '[Errno -2] Name or service not known', 'expected': '10.0.0.12', 'matches': False},
     'compute2 does not resolve: [Errno -2] Name or service not known'),
])
def test_the_three_faults_of_the_test_scenario(resolved, reason):
    """compute2 has another nova UID (align_ids false), compute1 cannot resolve compute2, and compute2's
    migration address is outside the allowed subnet (10.0.0.8/30 holds compute1's .11, not compute2's .12)."""
    facts = all_facts()
    facts['compute2']['ids']['user/nova'] = 64061
    facts['compute1']['resolution']['compute2'] = resolved
    report = pf.preflight(facts, settings(allowed_subnets=['10.0.0.8/30'], align_ids=False))
    assert report['problems'] == [
        'compute1: resolution: ' + reason,
        'compute2: subnet: migration address 10.0.0.12 on eth0 (10.0.0.0/24) is outside the allowed subnets '
        '10.0.0.8/30',
        'compute2: ids: user/nova is 64061, 64060 on compute1 (the nova and QEMU ids must be the same on every '
        'compute: set align_ids)',
    ]
    assert failing(report) == [('compute1', 'resolution'), ('compute2', 'subnet'), ('compute2', 'ids')]
    assert report['ok'] is False and report['warnings'] == [] and report['suggestions'] == []
    assert cell(report, 'compute1', 'subnet') == {
        'status': 'ok', 'reason': '10.0.0.11 on eth0 (10.0.0.0/24), inside allowed subnet 10.0.0.8/30'}
    assert cell(report, 'compute2', 'resolution') == {'status': 'ok', 'reason': 'compute1 -> 10.0.0.11'}
    assert cell(report, 'compute1', 'ids')['status'] == 'ok'


def test_scenario_table():
    facts = all_facts()
    facts['compute2']['ids']['user/nova'] = 64061
    facts['compute1']['resolution']['compute2']['addresses'] = ['10.9.9.12']
    report = pf.preflight(facts, settings(allowed_subnets=['10.0.0.8/30']))
    assert report['table'] == (
        'host      subnet    cpu  resolution  ids       kvm  libvirt  storage  proxy_reach\n'
        '--------  --------  ---  ----------  --------  ---  -------  -------  -----------\n'
        'compute1  ok        ok   fail [1]    ok        ok   ok       ok       n/a\n'
        'compute2  fail [2]  ok   ok          fail [3]  ok   ok       ok       n/a\n'
        'proxy1    n/a       n/a  n/a         n/a       n/a  n/a      n/a      ok\n'
        '\n'
        '1. compute1 resolution: fail: compute2 resolves to 10.9.9.12, not to its migration address 10.0.0.12\n'
        '2. compute2 subnet: fail: migration address 10.0.0.12 on eth0 (10.0.0.0/24) is outside the allowed '
        'subnets 10.0.0.8/30\n'
        '3. compute2 ids: fail: user/nova is 64061, 64060 on compute1 (the nova and QEMU ids must be the same on '
        'every compute: set align_ids)\n'
        '\n'
        'NOT READY: 3 failed checks, 0 warnings\n')


class TestSubnet(object):

    def test_inside_allowed(self):
        report = pf.preflight(all_facts(), settings(allowed_subnets=['192.168.0.0/16', '10.0.0.0/24']))
        assert cell(report, 'compute2', 'subnet') == {
            'status': 'ok', 'reason': '10.0.0.12 on eth0 (10.0.0.0/24), inside allowed subnet 10.0.0.0/24'}

    def test_not_on_the_host(self):
        facts = all_facts()
        del facts['compute2']['addresses']['10.0.0.12']
        report = pf.preflight(facts, settings())
        assert report['problems'] == [
            'compute2: subnet: migration address 10.0.0.12 is not on any interface of compute2 (global addresses: '
            '10.0.0.12 (eth0), 172.16.0.12 (eth1))']

    def test_no_common_subnet_names_the_odd_one(self):
        facts = all_facts()
        facts['compute3'] = compute('compute1')
        mig = dict(MIGRATION, compute3='10.5.0.13')
        facts['compute3']['addresses'] = {'10.5.0.13': {'interface': 'eth2', 'prefix': 24, 'network': '10.5.0.0/24'}}
        for host in ('compute1', 'compute2'):
            facts[host]['resolution']['compute3'] = {'addresses': ['10.5.0.13'], 'error': None}
        facts['compute3']['resolution'] = {'compute1': {'addresses': ['10.0.0.11']},
                                           'compute2': {'addresses': ['10.0.0.12']}}
        report = pf.preflight(facts, settings(computes=['compute3', 'compute1', 'compute2'], proxies=[],
                                              migration_address=mig))
        assert report['problems'] == [
            "compute3: subnet: migration address 10.5.0.13 on eth2 (10.5.0.0/24) is not in the common subnet "
            "10.0.0.0/24 of compute1, compute2 (allowed_subnets is empty, so every compute's migration address must "
            "be in one subnet)"]
        assert cell(report, 'compute1', 'subnet')['reason'] == '10.0.0.11 on eth0 (10.0.0.0/24), the common subnet'

    def test_tie_names_the_second_compute(self):
        facts = all_facts()
        facts['compute2']['addresses']['10.0.0.12']['network'] = '10.0.0.0/25'
        report = pf.preflight(facts, settings())
        assert failing(report) == [('compute2', 'subnet')]

    def test_missing_or_bad_address(self):
        report = pf.preflight(all_facts(), settings(migration_address={'compute1': 'not-an-ip'}))
        assert cell(report, 'compute1', 'subnet')['reason'] == "migration address 'not-an-ip' is not an IP address"
        assert cell(report, 'compute2', 'subnet')['reason'] == 'no migration address given (migration_address)'


class TestCpu(object):

    def test_different_models_with_baseline(self):
        facts = all_facts()
        facts['compute2']['cpu']['libvirt_model'] = 'Skylake-Server-IBRS'
        report = pf.preflight(facts, settings(cpu_baseline='Skylake-Server-IBRS'))
        assert report['problems'] == [
            'compute2: cpu: CPU Intel Skylake-Server-IBRS (libvirt host model) differs from Intel '
            'Cascadelake-Server-noTSX on compute1: live migration needs one CPU model on every compute']
        assert report['suggestions'] == [
            '[libvirt] cpu_mode = custom and cpu_models = Skylake-Server-IBRS in nova.conf of every compute (the '
            'baseline model every compute supports)']
        assert report['cpu_baseline'] == 'Skylake-Server-IBRS'
        assert 'CPU baseline of the computes: Skylake-Server-IBRS\n' in report['table']
        assert '\nSuggestions:\n- [libvirt] cpu_mode = custom and cpu_models = Skylake-Server-IBRS' in report['table']

    def test_different_vendor_without_baseline(self):
        facts = all_facts()
        facts['compute2']['cpu'].update(libvirt_model='EPYC-Milan', libvirt_vendor='AMD', vendor='AMD')
        report = pf.preflight(facts, settings())
        assert failing(report) == [('compute2', 'cpu')]
        assert cell(report, 'compute2', 'cpu')['reason'].startswith(
            'CPU AMD EPYC-Milan (libvirt host model) differs from Intel Cascadelake-Server-noTSX on compute1')
        assert len(report['suggestions']) == 1
        assert report['suggestions'][0].startswith('set cpu_mode=custom with a model every host supports')

    def test_model_name_when_a_compute_has_no_libvirt_model(self):
        facts = all_facts()
        facts['compute1']['cpu']['libvirt_model'] = None
        report = pf.preflight(facts, settings())
        assert cell(report, 'compute1', 'cpu') == {
            'status': 'ok', 'reason': 'Intel Intel(R) Xeon(R) Gold 6230 (model name (/proc/cpuinfo)), the same on '
                                      'every compute'}
        facts['compute1']['cpu']['model_name'] = 'Intel(R) Xeon(R) Gold 6130'
        report = pf.preflight(facts, settings())
        assert failing(report) == [('compute2', 'cpu')]
        assert 'Gold 6130' in cell(report, 'compute2', 'cpu')['reason']

    def test_same_model_different_flags_warns(self):
        facts = all_facts()
        facts['compute2']['cpu']['flags'] = ['avx', 'sse2', 'vmx', 'md_clear']
        report = pf.preflight(facts, settings())
        assert report['ok'] is True
        assert report['warnings'] == [
            'compute2: cpu: Intel Cascadelake-Server-noTSX (libvirt host model), the same on every compute, but its '
            'CPU flags differ from compute1: lacks avx2; has md_clear more (guests started with cpu_mode=host-model '
            'may not migrate between them)']


class TestResolution(object):

    def test_not_first_address_warns(self):
        facts = all_facts()
        facts['compute2']['resolution']['compute1']['addresses'] = ['172.16.0.11', '10.0.0.11']
        report = pf.preflight(facts, settings())
        assert report['ok'] is True
        assert report['warnings'] == [
            'compute2: resolution: compute1 resolves to 172.16.0.11 first, its migration address 10.0.0.11 only later']

    def test_not_looked_up(self):
        facts = all_facts()
        facts['compute2']['resolution'] = {}
        report = pf.preflight(facts, settings())
        assert report['problems'] == ['compute2: resolution: compute1 was not looked up (pass it in peers)']

    def test_peer_names(self):
        facts = all_facts()
        facts['compute1']['resolution'] = {'compute2.example.org': {'addresses': ['10.0.0.12'], 'error': None}}
        report = pf.preflight(facts, settings(peer_names={'compute2': 'compute2.example.org'}))
        assert report['ok'] is True
        assert cell(report, 'compute1', 'resolution')['reason'] == 'compute2.example.org -> 10.0.0.12'

    def test_single_compute(self):
        facts = {'compute1': compute('compute1')}
        report = pf.preflight(facts, settings(computes=['compute1'], proxies=[]))
        assert cell(report, 'compute1', 'resolution') == {'status': 'n/a', 'reason': 'no other compute'}
        assert report['ok'] is True


class TestIds(object):

    def test_aligned(self):
        facts = all_facts()
        facts['compute2']['ids']['user/nova'] = 64061
        report = pf.preflight(facts, settings(align_ids=True))
        assert report['ok'] is True
        assert cell(report, 'compute2', 'ids') == {
            'status': 'ok', 'reason': 'will be aligned: user/nova is 64061, 64060 on compute1'}
        assert '\ncompute2  ok      ok   ok          ok [1]  ok   ok       ok       n/a\n' in report['table']
        assert '1. compute2 ids: ok (will be aligned): user/nova is 64061, 64060 on compute1\n' in report['table']

    def test_missing_account_fails_even_with_align(self):
        facts = all_facts()
        facts['compute1']['ids']['group/kvm'] = None
        report = pf.preflight(facts, settings(align_ids=True))
        assert report['problems'] == ['compute1: ids: group/kvm does not exist (104 on compute2)']

    def test_majority_is_the_reference(self):
        facts = all_facts()
        facts['compute3'] = compute('compute2')
        facts['compute1']['ids']['group/kvm'] = 107
        report = pf.preflight(facts, settings(computes=['compute1', 'compute2', 'compute3'],
                                              migration_address=dict(MIGRATION, compute3='10.0.0.12')))
        assert [p for p in report['problems'] if ': ids: ' in p] == [
            'compute1: ids: group/kvm is 107, 104 on compute2, compute3 (the nova and QEMU ids must be the same on '
            'every compute: set align_ids)']


class TestKvmLibvirtStorage(object):

    def test_tcg_only_warns(self):
        facts = all_facts()
        for host in ('compute1', 'compute2'):
            facts[host]['virt'] = {'kvm': False, 'cpu_virt_flag': None, 'type': 'qemu'}
        report = pf.preflight(facts, settings())
        assert report['ok'] is True and report['problems'] == []
        assert cell(report, 'compute1', 'kvm') == {
            'status': 'warn', 'reason': 'no /dev/kvm: instances run under TCG emulation (virt_type qemu), slowly; '
                                        'the CPU shows no vmx or svm flag'}
        assert len(report['warnings']) == 2
        assert 'compute1  ok      ok   ok          ok   warn [1]' in report['table']
        assert report['table'].endswith('READY: no failed check, 2 warnings\n')

    def test_tcg_beside_kvm(self):
        facts = all_facts()
        facts['compute2']['virt'] = {'kvm': False, 'cpu_virt_flag': 'vmx', 'type': 'qemu'}
        report = pf.preflight(facts, settings())
        assert cell(report, 'compute2', 'kvm')['reason'] == (
            'no /dev/kvm: instances run under TCG emulation (virt_type qemu), slowly; the CPU has vmx: load the kvm '
            'module (or allow nested virtualization); compute1 has KVM: instances cannot migrate between kvm and '
            'qemu virt types')
        assert cell(report, 'compute1', 'kvm') == {'status': 'ok', 'reason': 'KVM (/dev/kvm, vmx)'}

    def test_libvirt_missing(self):
        facts = all_facts()
        facts['compute1']['libvirt'] = {'installed': False, 'version': None, 'listening': None, 'error': None}
        report = pf.preflight(facts, settings())
        assert report['problems'] == [
            'compute1: libvirt: libvirt is not installed (no virsh, libvirtd or virtqemud found)']

    def test_local_storage(self):
        facts = all_facts()
        facts['compute1']['instances'] = {'path': '/var/lib/nova/instances', 'exists': True, 'mount_point': '/',
                                          'fstype': 'ext4', 'source': '/dev/sda1', 'shared': False}
        report = pf.preflight(facts, settings())
        assert report['problems'] == [
            'compute1: storage: /var/lib/nova/instances on ext4 (/) is not shared storage: mount shared storage there '
            'or use block migration (block_migration)']
        report = pf.preflight(facts, settings(block_migration=True))
        assert report['ok'] is True
        assert cell(report, 'compute1', 'storage') == {
            'status': 'ok', 'reason': '/var/lib/nova/instances on ext4 (/), local: block migration copies the disks'}

    def test_different_shared_sources_warn(self):
        facts = all_facts()
        facts['compute2']['instances']['source'] = 'nfs2:/export/other'
        report = pf.preflight(facts, settings())
        assert report['ok'] is True
        assert report['warnings'] == [
            'compute2: storage: /var/lib/nova/instances on nfs4 (/var/lib/nova/instances) from nfs2:/export/other, '
            'shared, but compute1 mounts nfs1:/export/instances: the computes may not share the instances']


class TestProxyReach(object):

    def test_unreachable_listed(self):
        facts = all_facts()
        facts['proxy1']['routes']['172.16.0.12'] = {'dev': None, 'src': None, 'via': None,
                                                    'error': 'RTNETLINK answers: Network is unreachable'}
        del facts['proxy1']['routes']['172.16.0.11']
        report = pf.preflight(facts, settings())
        assert report['problems'] == [
            'proxy1: proxy_reach: no route to compute1 172.16.0.11 (not looked up: pass it in reach), '
            'compute2 172.16.0.12 (RTNETLINK answers: Network is unreachable)']

    def test_via_gateway_and_missing_address(self):
        facts = all_facts()
        facts['proxy1']['routes']['172.16.0.12']['via'] = '172.16.0.1'
        report = pf.preflight(facts, settings(proxyclient_address={'compute2': '172.16.0.12'}))
        assert report['problems'] == ['proxy1: proxy_reach: no route to compute1 (no proxyclient address)']
        report = pf.preflight(facts, settings())
        assert cell(report, 'proxy1', 'proxy_reach')['reason'] == (
            'routes to compute1 172.16.0.11 via eth1, compute2 172.16.0.12 via eth1 gateway 172.16.0.1')


class TestInputs(object):

    def test_registered_results_and_missing_hosts(self):
        facts = dict((h, {'changed': False, 'migration_facts': f}) for h, f in all_facts().items())
        facts['compute2'] = {'failed': True, 'msg': 'Failed to connect to the host via ssh'}
        del facts['proxy1']
        report = pf.preflight(facts, settings())
        assert [c for h, c in failing(report) if h == 'compute2'] == list(pf.COMPUTE_CHECKS)
        assert cell(report, 'compute2', 'kvm')['reason'] == (
            'migration_facts failed: Failed to connect to the host via ssh')
        assert cell(report, 'proxy1', 'proxy_reach')['reason'] == (
            'no migration_facts result for this host (did the task run?)')
        # compute1 is compared with nothing but itself, and still passes
        assert [c for h, c in failing(report) if h == 'compute1'] == []

    def test_bad_settings_raise_all_problems(self):
        with pytest.raises(pf.PreflightError) as info:
            pf.preflight({}, {'computes': 5, 'allowed_subnets': ['10.0.0.0/33'], 'align_ids': 'maybe'})
        assert info.value.problems == [
            'computes: 5 is not a list (expected e.g. [compute1, compute2])',
            "align_ids: 'maybe' is not a boolean (expected true or false)",
            "allowed_subnets: '10.0.0.0/33' is not a CIDR (expected e.g. 10.0.0.0/24)"]

    def test_filter(self):
        assert plugin.FilterModule().filters()['preflight_report'] is plugin.preflight_report
        facts = all_facts()
        facts['compute2']['ids']['user/nova'] = 1
        report = plugin.preflight_report(facts, settings())
        assert report['ok'] is False and len(report['problems']) == 1
        with pytest.raises(AnsibleFilterError, match='allowed_subnets'):
            plugin.preflight_report(facts, settings(allowed_subnets='nope'))

    def test_input_not_modified(self):
        facts = all_facts()
        before = copy.deepcopy(facts)
        pf.preflight(facts, settings())
        assert facts == before
