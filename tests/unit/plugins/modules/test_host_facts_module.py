# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""The host_facts module (tests/unit/plugins/module_utils/test_host_facts.py is about module_utils/host_facts.py)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible.module_utils import basic

from ansible_collections.novaops.console_migration.plugins.module_utils import platforms
from ansible_collections.novaops.console_migration.plugins.modules import host_facts
from ansible_collections.novaops.console_migration.tests.unit.plugins.modules.module_harness import (
    FailJson,
    module_args,
    patch_exits,
    run_module,
)

SYSTEMCTL = '/usr/bin/systemctl'
DPKG_QUERY = '/usr/bin/dpkg-query'
GETENT = '/usr/bin/getent'
DPKG_SHOW = [DPKG_QUERY, '-W', '--showformat=${Package}\\t${Status}\\t${Version}\\n']
IS_ACTIVE = [SYSTEMCTL, 'is-active', 'firewalld', 'nftables']

DEBIAN_FACTS = {
    'ansible_os_family': 'Debian',
    'ansible_distribution': 'Debian',
    'ansible_distribution_major_version': '12',
    'ansible_default_ipv4': {'address': '10.89.0.5', 'interface': 'eth0'},
}
INSTALLED = {
    'nova-common': 'install ok installed\t2:26.2.2-1~deb12u1',
    'nova-compute': 'install ok installed\t2:26.2.2-1~deb12u1',
    'python3-nova': 'install ok installed\t2:26.2.2-1~deb12u1',
    'libvirt-daemon-system': 'install ok installed\t9.0.0-4',
    'nftables': 'install ok installed\t1.0.6-2+deb12u2',
    'nova-consoleproxy': 'install ok triggers-pending\t2:26.2.2-1~deb12u1',
    # removed, its configuration files kept: not installed
    'iptables-persistent': 'deinstall ok config-files\t1.0.20',
}
PASSWD = (
    'root:x:0:0:root:/root:/bin/bash\n'
    'nova:x:64060:64060::/var/lib/nova:/bin/sh\n'
    'libvirt-qemu:x:64055:108:Libvirt Qemu,,,:/var/lib/libvirt:/usr/sbin/nologin\n'
)
INSTALLED_SAVED = {}
GROUP = 'root:x:0:\nkvm:x:108:libvirt-qemu\nnova:x:64060:\n'


class FakeHost(object):
    """Answers systemctl, dpkg-query and getent; records the commands."""

    def __init__(self, tools=('systemctl', 'dpkg-query', 'getent'), is_active=(3, 'inactive\nactive\n', '')):
        self.tools = dict((name, '/usr/bin/' + name) for name in tools)
        self.is_active = is_active
        self.calls = []

    def dpkg_query(self, names):
        out = ''.join('%s\t%s\n' % (name, INSTALLED[name]) for name in names if name in INSTALLED)
        missing = [name for name in names if name not in INSTALLED]
        err = ''.join('dpkg-query: no packages found matching %s\n' % name for name in missing)
        return (1 if missing else 0), out, err

    def run_command(self, args, **kwargs):
        args = list(args)
        self.calls.append(args)
        assert kwargs.get('environ_update', {}).get('LC_ALL') == 'C'
        if args[0] in ('systemctl', SYSTEMCTL) and args[1:] == IS_ACTIVE[1:]:
            assert 'systemctl' in self.tools
            return self.is_active
        if args[:3] == DPKG_SHOW:
            return self.dpkg_query(args[3:])
        if args == [GETENT, 'passwd']:
            return 0, PASSWD, ''
        if args == [GETENT, 'group']:
            return 0, GROUP, ''
        raise AssertionError('unexpected command %r' % (args,))

    def dpkg_calls(self):
        return [c[3:] for c in self.calls if c[:3] == DPKG_SHOW]


@pytest.fixture(autouse=True)
def module_exits(monkeypatch):
    patch_exits(monkeypatch)


def make_host(monkeypatch, facts=None, **kwargs):
    host = FakeHost(**kwargs)
    gathered = dict(DEBIAN_FACTS if facts is None else facts)

    def gather(module):
        assert isinstance(module, basic.AnsibleModule)
        return dict(gathered)

    def run_command(self, args, **kw):
        return host.run_command(args, **kw)

    def get_bin_path(self, name, required=False, opt_dirs=None):
        path = host.tools.get(name)
        if path is None and required:
            self.fail_json(msg='Failed to find required executable "%s"' % name)
        return path

    monkeypatch.setattr(host_facts, 'gather', gather)
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', run_command)
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', get_bin_path)
    return host


def run(args=None, check=False):
    return run_module(host_facts.main, module_args(args or {}, check))


def test_debian_host_read_in_one_call(monkeypatch):
    host = make_host(monkeypatch)
    result = run({'account_ids': True})
    names = platforms.all_packages('debian')
    assert result['changed'] is False
    assert result['ansible_facts'] == DEBIAN_FACTS
    assert result['firewall_units'] == 'inactive\nactive\n'
    assert sorted(result['packages']) == names
    nova = '2:26.2.2-1~deb12u1'
    expected = dict((name, None) for name in names)
    expected.update({'nova-common': nova, 'nova-compute': nova, 'python3-nova': nova, 'nova-consoleproxy': nova,
                     'libvirt-daemon-system': '9.0.0-4', 'nftables': '1.0.6-2+deb12u2'})
    assert result['packages'] == expected
    assert result['packages']['iptables-persistent'] is None
    assert host.dpkg_calls()[0] == names  # every package in one dpkg-query call
    assert result['nova_release']['release'] == 'zed'
    assert result['nova_release']['source'] == 'installed'
    assert result['nova_release']['package'] == 'nova-common'
    assert result['account_ids']['users']['nova'] == 64060
    assert result['account_ids']['users']['libvirt-qemu'] == 64055
    assert result['account_ids']['groups']['kvm'] == 108
    assert result['account_ids']['groups']['nova'] == 64060
    assert [(row['kind'], row['name'], row['id']) for row in result['account_ids']['accounts']] == [
        ('user', 'nova', 64060), ('group', 'nova', 64060), ('user', 'libvirt-qemu', 64055), ('group', 'kvm', 108)]
    assert result['account_ids']['changed'] is False
    # the platform record, with what applies on this host
    assert result['distro'] == 'debian'
    assert result['release'] == 'zed'
    assert result['release_source'] == 'installed'
    assert result['firewall_backend'] == 'nftables'  # nftables.service is active
    assert result['package_manager'] == 'apt'
    assert result['nova_conf_path'] == '/etc/nova/nova.conf'
    assert result['firewall_packages'] == list(platforms.platform('debian')['packages']['nftables'])
    assert result['qemu_account'] == {'user': 'libvirt-qemu', 'group': 'kvm'}


def test_the_operators_release_backend_and_path_are_used_as_given(monkeypatch):
    make_host(monkeypatch)
    result = run({'release': 'yoga', 'firewall_backend': 'iptables', 'nova_conf_path': '/srv/nova.conf'})
    assert (result['release'], result['release_source']) == ('yoga', 'variable')
    assert result['firewall_backend'] == 'iptables'
    assert result['firewall_packages'] == list(platforms.platform('debian')['packages']['iptables'])
    assert result['nova_conf_path'] == '/srv/nova.conf'


def test_an_undetected_release_is_auto(monkeypatch):
    host = make_host(monkeypatch)
    for name in ('nova-common', 'nova-compute', 'python3-nova', 'nova-consoleproxy'):
        INSTALLED_SAVED[name] = INSTALLED.pop(name)
    try:
        result = run()
    finally:
        INSTALLED.update(INSTALLED_SAVED)
    assert result['nova_release']['release'] is None
    assert (result['release'], result['release_source']) == ('auto', result['nova_release']['source'] or 'none')


def test_a_bad_firewall_backend_names_the_variable(monkeypatch):
    make_host(monkeypatch)
    result = run_module(host_facts.main, module_args({'firewall_backend': 'pf'}), FailJson)
    assert result['msg'].startswith("novaops_firewall_backend: 'pf' is not a firewall backend (expected one of: auto,")


def test_the_same_answer_in_check_mode(monkeypatch):
    make_host(monkeypatch)
    checked = run({'account_ids': True}, check=True)
    make_host(monkeypatch)
    assert checked == run({'account_ids': True})


def test_a_given_release_is_not_queried(monkeypatch):
    host = make_host(monkeypatch)
    result = run({'release': 'zed'})
    assert result['nova_release'] == {}
    assert len(host.dpkg_calls()) == 1
    assert result['packages']['nova-common'] == '2:26.2.2-1~deb12u1'


def test_without_account_ids_getent_is_not_called(monkeypatch):
    host = make_host(monkeypatch)
    result = run()
    assert result['account_ids'] == {}
    assert not [c for c in host.calls if c[0] == GETENT]
    assert result['nova_release']['release'] == 'zed'


@pytest.mark.parametrize('tools', [('systemctl', 'dpkg-query', 'getent'), ()])
def test_an_unknown_distribution_fails_naming_the_supported_ones(monkeypatch, tools):
    host = make_host(monkeypatch, facts={'ansible_os_family': 'Archlinux', 'ansible_distribution': 'Archlinux'}, tools=tools)
    result = run_module(host_facts.main, module_args({'account_ids': True}), FailJson)
    assert result['msg'] == 'Archlinux (Archlinux family) is not supported: %s are.' % platforms.supported()
    assert result['packages'] == {}
    assert result['account_ids'] == {}
    assert result['ansible_facts']['ansible_distribution'] == 'Archlinux'
    assert host.dpkg_calls() == []


def test_a_host_without_systemctl_has_no_firewall_unit_running(monkeypatch):
    host = make_host(monkeypatch, tools=('dpkg-query',))
    result = run()
    assert result['firewall_units'] == ''
    assert not [c for c in host.calls if 'is-active' in c]
    assert result['packages']['nova-compute'] == '2:26.2.2-1~deb12u1'


def test_systemctl_output_is_passed_as_it_is_whatever_its_rc(monkeypatch):
    make_host(monkeypatch, is_active=(0, 'active\nactive\n', ''))
    assert run()['firewall_units'] == 'active\nactive\n'


def test_a_dpkg_database_error_fails(monkeypatch):
    host = make_host(monkeypatch)
    host.dpkg_query = lambda names: (2, '', 'dpkg-query: error: parsing file /var/lib/dpkg/status\n')
    result = run_module(host_facts.main, module_args({}), FailJson)
    assert result['msg'] == 'dpkg-query failed (rc=2): dpkg-query: error: parsing file /var/lib/dpkg/status'
    assert result['firewall_units'] == 'inactive\nactive\n'


# -- platforms.all_packages ------------------------------------------------------

@pytest.mark.parametrize('family', platforms.families())
def test_all_packages_are_sorted_unique_and_never_none(family):
    names = platforms.all_packages(family)
    assert names == sorted(set(names))
    assert None not in names
    assert all(isinstance(name, str) and name for name in names)


def test_all_packages_of_debian():
    names = platforms.all_packages('debian')
    for name in ('nova-common', 'python3-nova', 'nova-compute', 'libvirt-daemon-system', 'libvirt-clients', 'nftables',
                 'iptables', 'iptables-persistent', 'multipath-tools', 'sasl2-bin', 'openssh-server',
                 'nova-consoleproxy', 'nova-consoleauth', 'nova-vncproxy'):
        assert name in names
    assert names.count('nova-consoleproxy') == 1  # three proxies share one package


def test_all_packages_of_ubuntu_have_one_package_per_proxy():
    names = platforms.all_packages('ubuntu')
    for name in ('nova-novncproxy', 'nova-spiceproxy', 'nova-serialproxy', 'nova-xvpvncproxy', 'nova-compute'):
        assert name in names
    assert 'nova-consoleproxy' not in names


def test_all_packages_of_redhat():
    names = platforms.all_packages('redhat')
    for name in ('openstack-nova-compute', 'libvirt-daemon-kvm', 'nftables', 'openstack-nova-novncproxy', 'openstack-nova-console'):
        assert name in names
    assert 'nova-compute' not in names


def test_all_packages_of_an_unknown_family_fails():
    with pytest.raises(ValueError):
        platforms.all_packages('gentoo')
