# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# SPDX-License-Identifier: Apache-2.0
"""Per-distribution names of the platform table, compared with the guides and distro packaging."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os

import yaml

from ansible_collections.novaops.console_migration.plugins.module_utils import migration_settings as ms
from ansible_collections.novaops.console_migration.plugins.module_utils import platforms

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def role_vars(role):
    with open(os.path.join(ROOT, 'roles', role, 'vars', 'main.yml'), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def test_qemu_account_per_distribution():
    # The account names come from the plan; vars/main.yml only reads them.
    for distro, account in (('redhat', ('qemu', 'qemu')), ('debian', ('libvirt-qemu', 'kvm')),
                            ('ubuntu', ('libvirt-qemu', 'kvm'))):
        ids = ms.migration_plan({'distro': distro, 'novaops_release': 'zed',
                                 'live_migration_address': '192.168.2.11'})['ids']
        assert (ids['qemu_user'], ids['qemu_group']) == account
    assert role_vars('live_migration')['__live_migration_plan'] == '{{ __novaops_plan.live_migration }}'


def test_rhel_multipath_and_libvirt_packages():
    assert platforms.platform('redhat')['packages']['multipath'] == ('device-mapper-multipath',)
    assert platforms.platform('debian')['packages']['multipath'] == ('multipath-tools',)
    assert dict((f, platforms.platform(f)['compute_service']) for f in platforms.families()) == {
        'debian': 'nova-compute', 'ubuntu': 'nova-compute', 'redhat': 'openstack-nova-compute'}


def test_libvirt_pki_paths_are_libvirts_defaults():
    paths = dict((name, dest) for name, dest, dummy in ms.TLS_FILES)
    assert paths['ca_cert'] == '/etc/pki/CA/cacert.pem'
    assert paths['server_key'] == '/etc/pki/libvirt/private/serverkey.pem'
    assert paths['client_key'] == '/etc/pki/libvirt/private/clientkey.pem'


def test_iptables_persistence_per_distribution():
    redhat = platforms.host_record({'os_family': 'RedHat'}, 'iptables')
    debian = platforms.host_record({'os_family': 'Debian', 'distribution': 'Debian'}, 'iptables')
    assert redhat['firewall_packages'] == ['iptables', 'iptables-services']
    assert debian['firewall_packages'] == ['iptables', 'iptables-persistent']
    assert redhat['firewall_services'] == ['iptables']
    assert debian['firewall_services'] == ['netfilter-persistent']
    assert platforms.host_record({'os_family': 'Debian'}, 'firewalld')['firewall_packages'] == []
    assert platforms.host_record({'os_family': 'Debian'}, 'none')['firewall_services'] == []


def test_nftables_per_distribution():
    for facts in ({'os_family': 'RedHat'}, {'os_family': 'Debian'}, {'os_family': 'Debian', 'distribution': 'Ubuntu'}):
        record = platforms.host_record(facts, 'nftables')
        assert (record['firewall_packages'], record['firewall_services']) == (['nftables'], ['nftables'])
