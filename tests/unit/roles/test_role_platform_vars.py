# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# SPDX-License-Identifier: Apache-2.0
"""Per-distribution names the roles use, compared with the guides and distro packaging."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def role_vars(role):
    with open(os.path.join(ROOT, 'roles', role, 'vars', 'main.yml'), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def test_qemu_account_per_distribution():
    accounts = role_vars('live_migration')['__live_migration_qemu_account']
    assert accounts['redhat'] == {'user': 'qemu', 'group': 'qemu'}
    assert accounts['debian'] == {'user': 'libvirt-qemu', 'group': 'kvm'}
    assert accounts['ubuntu'] == {'user': 'libvirt-qemu', 'group': 'kvm'}


def test_rhel_multipath_and_libvirt_packages():
    data = role_vars('live_migration')
    assert data['__live_migration_multipath_packages']['redhat'] == ['device-mapper-multipath']
    assert data['__live_migration_multipath_packages']['debian'] == ['multipath-tools']
    assert data['__live_migration_nova_compute'] == {
        'debian': 'nova-compute', 'ubuntu': 'nova-compute', 'redhat': 'openstack-nova-compute'}


def test_libvirt_pki_paths_are_libvirts_defaults():
    paths = role_vars('live_migration')['__live_migration_pki_paths']
    assert paths['ca_cert'] == '/etc/pki/CA/cacert.pem'
    assert paths['server_key'] == '/etc/pki/libvirt/private/serverkey.pem'
    assert paths['client_key'] == '/etc/pki/libvirt/private/clientkey.pem'


def test_iptables_persistence_per_distribution():
    data = role_vars('common')
    assert data['__common_iptables_packages']['redhat'] == ['iptables', 'iptables-services']
    assert data['__common_iptables_packages']['debian'] == ['iptables', 'iptables-persistent']
    assert data['__common_iptables_services']['redhat'] == ['iptables']
