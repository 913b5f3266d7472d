# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


import pytest

from ansible.module_utils import basic

from ansible_collections.novaops.console_migration.plugins.module_utils.steps import nova_release as step
from ansible_collections.novaops.console_migration.plugins.modules import nova_release
from ansible_collections.novaops.console_migration.tests.unit.plugins.modules.module_harness import (
    FailJson,
    patch_exits,
    run_module,
)


DEFAULTS = ['nova-common', 'openstack-nova-common', 'python3-nova', 'nova-compute', 'openstack-nova-compute',
            'openstack-nova']
DPKG_QUERY = ['/usr/bin/dpkg-query', '-W', '--showformat=${Package}\\t${Status}\\t${Version}\\n'] + DEFAULTS
RPM_QUERY = ['/usr/bin/rpm', '-q', '--qf', '%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\n'] + DEFAULTS
APT_POLICY = ['/usr/bin/apt-cache', 'policy'] + DEFAULTS
DNF_QUERY = ['/usr/bin/dnf', '-q', '--cacheonly', 'repoquery', '--latest-limit', '1', '--queryformat',
             '%{name} %{epoch}:%{version}-%{release}\\n'] + DEFAULTS
YUM_INFO = ['/usr/bin/yum', '-q', '--cacheonly', 'info'] + DEFAULTS


def dpkg_missing(*names):
    return ''.join('dpkg-query: no packages found matching %s\n' % n for n in names)


def rpm_missing(*names):
    return ''.join('package %s is not installed\n' % n for n in names)


class FakeHost(object):
    """Answers package tool commands from canned (rc, stdout, stderr) by tool name; records calls."""

    def __init__(self, tools):
        self.tools = tools
        self.calls = []
        self.warnings = []

    def run_command(self, args, **kwargs):
        args = list(args)
        self.calls.append(args)
        assert kwargs.get('environ_update', {}).get('LC_ALL') == 'C'
        name = args[0].rsplit('/', 1)[-1]
        assert name in self.tools, 'unexpected command %r' % (args,)
        return self.tools[name]

    def get_bin_path(self, name, required=False, opt_dirs=None):
        return '/usr/bin/' + name if name in self.tools else None


@pytest.fixture(autouse=True)
def module_exits(monkeypatch):
    patch_exits(monkeypatch)


def make_host(monkeypatch, **tools):
    host = FakeHost(dict((k.replace('_', '-'), v) for k, v in tools.items()))
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', lambda self, args, **kw: host.run_command(args, **kw))
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path',
                        lambda self, name, required=False, opt_dirs=None: host.get_bin_path(name, required))
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, warning: host.warnings.append(warning))
    return host


def run(args=None, check=False):
    args = dict(args or {})
    args['_ansible_check_mode'] = check
    return run_module(nova_release.main, args)


def run_fail(args=None):
    return run_module(nova_release.main, dict(args or {}), FailJson)


def outcome(result):
    keys = ('installed', 'package', 'version', 'candidate_version', 'release', 'source', 'package_manager')
    return dict((k, result[k]) for k in keys)


# -- installed ----------------------------------------------------------------

def test_debian_installed_package_gives_release(monkeypatch):
    host = make_host(monkeypatch, dpkg_query=(
        1,
        'nova-common\tinstall ok installed\t2:26.2.2-1~deb12u1\n'
        'python3-nova\tinstall ok installed\t2:26.2.2-1~deb12u1\n',
        dpkg_missing('openstack-nova-common', 'nova-compute', 'openstack-nova-compute')),
        apt_cache=(0, '', ''), rpm=(0, '', ''))
    result = run()
    assert host.calls == [DPKG_QUERY]
    assert outcome(result) == {
        'installed': True, 'package': 'nova-common', 'version': '2:26.2.2-1~deb12u1', 'candidate_version': None,
        'release': 'zed', 'source': 'installed', 'package_manager': 'dpkg'}
    assert result['changed'] is False
    assert result['msg'] == 'nova-common 2:26.2.2-1~deb12u1 is installed (zed)'
    assert host.warnings == []


def test_first_installed_package_in_list_order_wins_and_status_counts(monkeypatch):
    make_host(monkeypatch, dpkg_query=(
        0,
        # dpkg-query prints in its own order; removed packages keep a status line.
        'nova-common\tinstall ok installed\t2:26.2.2-1~deb12u1\n'
        'nova-compute\thold ok installed\t2:27.0.0-1\n'
        'nova-api\tdeinstall ok config-files\t2:28.0.0-1\n'
        'python3-nova\tinstall ok unpacked\t2:25.0.0-1\n',
        ''))
    result = run({'packages': ['nova-api', 'python3-nova', 'nova-compute', 'nova-common']})
    assert (result['package'], result['version'], result['release']) == ('nova-compute', '2:27.0.0-1', 'antelope')


def test_ubuntu_date_based_version(monkeypatch):
    make_host(monkeypatch, dpkg_query=(0, 'nova-common\tinstall ok installed\t1:2014.2.4-0ubuntu1\n', ''))
    result = run({'packages': ['nova-common']})
    assert (result['version'], result['release']) == ('1:2014.2.4-0ubuntu1', 'juno')


def test_rpm_installed_package_with_epoch(monkeypatch):
    host = make_host(monkeypatch, rpm=(
        4,
        rpm_missing('nova-common') + 'openstack-nova-common\t1:19.1.0-1.el8\n'
        + rpm_missing('python3-nova', 'nova-compute') + 'openstack-nova-compute\t1:19.1.0-1.el8\n',
        ''), dnf=(0, '', ''))
    result = run()
    assert host.calls == [RPM_QUERY]
    assert outcome(result) == {
        'installed': True, 'package': 'openstack-nova-common', 'version': '1:19.1.0-1.el8',
        'candidate_version': None, 'release': 'stein', 'source': 'installed', 'package_manager': 'rpm'}


def test_rpm_epoch_zero_is_left_out(monkeypatch):
    make_host(monkeypatch, rpm=(0, 'python3-nova\t0:26.2.2-1.el9\n', ''))
    result = run({'packages': ['python3-nova']})
    assert (result['version'], result['release']) == ('26.2.2-1.el9', 'zed')


def test_check_mode_gives_the_same_answer(monkeypatch):
    host = make_host(monkeypatch, dpkg_query=(0, 'nova-common\tinstall ok installed\t2:26.2.2-1~deb12u1\n', ''))
    result = run({'packages': ['nova-common']}, check=True)
    assert (result['changed'], result['release']) == (False, 'zed')
    assert len(host.calls) == 1


# -- candidates ---------------------------------------------------------------

APT_POLICY_OUT = (
    'nova-common:\n'
    '  Installed: (none)\n'
    '  Candidate: 2:26.2.2-1~deb12u5\n'
    '  Version table:\n'
    '     2:26.2.2-1~deb12u5 500\n'
    '        500 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages\n'
    '     2:26.2.2-1~deb12u4 500\n'
    '        500 http://deb.debian.org/debian bookworm/main amd64 Packages\n'
    'python3-nova:\n'
    '  Installed: (none)\n'
    '  Candidate: 2:26.2.2-1~deb12u5\n'
    '  Version table:\n'
    '     2:26.2.2-1~deb12u5 500\n'
)


def test_nothing_installed_uses_apt_candidate(monkeypatch):
    host = make_host(monkeypatch, dpkg_query=(1, '', dpkg_missing(*DEFAULTS)), apt_cache=(0, APT_POLICY_OUT, ''))
    result = run()
    assert host.calls == [DPKG_QUERY, APT_POLICY]
    assert outcome(result) == {
        'installed': False, 'package': 'nova-common', 'version': None, 'candidate_version': '2:26.2.2-1~deb12u5',
        'release': 'zed', 'source': 'candidate', 'package_manager': 'dpkg'}
    assert result['msg'] == ('none of %s is installed; nova-common 2:26.2.2-1~deb12u5 would be installed (zed)'
                             % ', '.join(DEFAULTS))


def test_removed_package_with_config_files_is_not_installed(monkeypatch):
    host = make_host(monkeypatch, dpkg_query=(
        1, 'nova-common\tdeinstall ok config-files\t2:25.0.0-1\n', dpkg_missing(*DEFAULTS[1:])),
        apt_cache=(0, APT_POLICY_OUT, ''))
    result = run()
    assert result['source'] == 'candidate'
    assert result['candidate_version'] == '2:26.2.2-1~deb12u5'
    assert host.calls[1] == APT_POLICY


def test_nothing_installed_or_available(monkeypatch):
    make_host(monkeypatch, dpkg_query=(1, '', dpkg_missing(*DEFAULTS)), apt_cache=(
        0, 'nova-common:\n  Installed: (none)\n  Candidate: (none)\n  Version table:\n', ''))
    result = run()
    assert outcome(result) == {
        'installed': False, 'package': None, 'version': None, 'candidate_version': None,
        'release': None, 'source': None, 'package_manager': 'dpkg'}
    assert result['msg'] == 'none of %s is installed or available from the repositories' % ', '.join(DEFAULTS)


def test_apt_candidate_lookup_failure_only_warns(monkeypatch):
    host = make_host(monkeypatch, dpkg_query=(1, '', dpkg_missing(*DEFAULTS)),
                     apt_cache=(100, '', 'E: Could not open lock file\n'))
    result = run()
    assert result['release'] is None and result['source'] is None
    assert host.warnings == ['apt-cache policy failed (rc=100), no candidate version: E: Could not open lock file']


def test_rpm_nothing_installed_uses_dnf_candidate(monkeypatch):
    host = make_host(monkeypatch, rpm=(5, rpm_missing(*DEFAULTS), ''), dnf=(
        0, 'openstack-nova-compute 1:27.1.0-1.el9s\nopenstack-nova-common 1:27.1.0-1.el9s\n', ''), yum=(0, '', ''))
    result = run()
    assert host.calls == [RPM_QUERY, DNF_QUERY]
    assert outcome(result) == {
        'installed': False, 'package': 'openstack-nova-common', 'version': None,
        'candidate_version': '1:27.1.0-1.el9s', 'release': 'antelope', 'source': 'candidate',
        'package_manager': 'rpm'}


def test_dnf_output_with_unexpanded_newline(monkeypatch):
    make_host(monkeypatch, rpm=(1, rpm_missing('openstack-nova-common'), ''),
              dnf=(0, 'openstack-nova-common 0:26.0.0-1.el9s\\n', ''))
    result = run({'packages': ['openstack-nova-common']})
    assert result['candidate_version'] == '26.0.0-1.el9s'


def test_dnf_failure_only_warns(monkeypatch):
    host = make_host(monkeypatch, rpm=(5, rpm_missing(*DEFAULTS), ''), dnf=(
        1, '', "Error: Cache-only enabled but no cache for 'appstream'\n"))
    result = run()
    assert result['release'] is None and result['candidate_version'] is None
    assert host.warnings == ["dnf repoquery failed (rc=1), no candidate version: "
                             "Error: Cache-only enabled but no cache for 'appstream'"]


def test_yum_info_when_there_is_no_dnf(monkeypatch):
    host = make_host(monkeypatch, rpm=(5, rpm_missing(*DEFAULTS), ''), yum=(0, (
        'Available Packages\n'
        'Name        : openstack-nova-common\n'
        'Epoch       : 1\n'
        'Version     : 20.6.0\n'
        'Release     : 1.el7\n'
        'Arch        : noarch\n'
        'Summary     : Components common to all OpenStack Nova services\n'
        'Description : OpenStack Compute (codename Nova) is open source software designed to\n'
        '            : provision and manage large networks of virtual machines.\n'
        '\n'), ''))
    result = run()
    assert host.calls == [RPM_QUERY, YUM_INFO]
    assert (result['package'], result['candidate_version'], result['release']) == (
        'openstack-nova-common', '1:20.6.0-1.el7', 'train')


# -- unmappable versions and errors ---------------------------------------------

def test_unmappable_installed_version_warns_and_gives_no_release(monkeypatch):
    host = make_host(monkeypatch, dpkg_query=(0, 'nova-common\tinstall ok installed\t2:11.0.0-1\n', ''))
    result = run({'packages': ['nova-common']})
    assert outcome(result) == {
        'installed': True, 'package': 'nova-common', 'version': '2:11.0.0-1', 'candidate_version': None,
        'release': None, 'source': 'installed', 'package_manager': 'dpkg'}
    assert host.warnings == ['cannot map version 2:11.0.0-1 of nova-common to a Nova release; release is null']
    assert result['msg'] == 'nova-common 2:11.0.0-1 is installed (unknown release)'


def test_version_newer_than_the_table_gives_the_newest_with_a_warning(monkeypatch):
    # 2026.2 "Hibiscus" is nova 34, after the table's newest (gazpacho, 33).
    host = make_host(monkeypatch, dpkg_query=(0, 'nova-common\tinstall ok installed\t2:34.0.0~b1-1\n', ''))
    result = run({'packages': ['nova-common']})
    assert (result['release'], result['source']) == ('gazpacho', 'installed')
    assert len(host.warnings) == 1
    assert host.warnings[0].startswith('nova 2:34.0.0~b1-1 is newer than the newest release the collection knows '
                                       '(gazpacho, nova 33): planned as gazpacho')
    assert result['msg'] == 'nova-common 2:34.0.0~b1-1 is installed (gazpacho)'


def test_unmappable_candidate_warns(monkeypatch):
    host = make_host(monkeypatch, dpkg_query=(1, '', dpkg_missing('nova-common')), apt_cache=(
        0, 'nova-common:\n  Installed: (none)\n  Candidate: 2023.1-1\n', ''))
    result = run({'packages': ['nova-common']})
    assert (result['candidate_version'], result['release'], result['source']) == ('2023.1-1', None, 'candidate')
    assert host.warnings == ['cannot map version 2023.1-1 of nova-common to a Nova release; release is null']


def test_no_package_manager_fails(monkeypatch):
    make_host(monkeypatch)
    assert run_fail()['msg'] == 'nova_release needs dpkg-query or rpm, found neither'


def test_dpkg_database_error_fails(monkeypatch):
    make_host(monkeypatch, dpkg_query=(2, '', 'dpkg-query: error: parsing file /var/lib/dpkg/status\n'))
    result = run_fail()
    assert result['msg'] == 'dpkg-query failed (rc=2): dpkg-query: error: parsing file /var/lib/dpkg/status'


def test_rpm_database_error_fails(monkeypatch):
    make_host(monkeypatch, rpm=(1, '', 'error: rpmdb: BDB0113 Thread/process failed\n'))
    assert run_fail()['msg'].startswith('rpm -q failed (rc=1): error: rpmdb')


@pytest.mark.parametrize('name', ['-a', 'nova-*', '', 'nova common'])
def test_invalid_package_names_fail_without_commands(monkeypatch, name):
    host = make_host(monkeypatch, dpkg_query=(0, '', ''))
    assert run_fail({'packages': ['nova-common', name]})['msg'].startswith('invalid package name %r' % name)
    assert host.calls == []


def test_custom_package_list_is_queried_in_one_call(monkeypatch):
    host = make_host(monkeypatch, dpkg_query=(0, 'nova-compute\tinstall ok installed\t2:29.0.1-0ubuntu1\n', ''))
    result = run({'packages': ['nova-compute', 'nova-compute', 'python3-nova']})
    assert host.calls == [['/usr/bin/dpkg-query', '-W', '--showformat=${Package}\\t${Status}\\t${Version}\\n',
                           'nova-compute', 'python3-nova']]
    assert result['release'] == 'caracal'


@pytest.mark.parametrize('tools, expected', [
    ({'dpkg-query': None, 'rpm': None}, ('dpkg', '/usr/bin/dpkg-query')),
    ({'rpm': None}, ('rpm', '/usr/bin/rpm')),
    ({}, (None, None)),
])
def test_package_manager_prefers_dpkg(tools, expected):
    assert step.package_manager(FakeHost(tools)) == expected


def test_installed_versions_queries_the_package_manager_once():
    host = FakeHost({'dpkg-query': (1, 'nova-common\tinstall ok installed\t2:26.2.2-1~deb12u1\n', '')})
    assert step.installed_versions(host, 'dpkg', '/usr/bin/dpkg-query', DEFAULTS) == {'nova-common': '2:26.2.2-1~deb12u1'}
    host = FakeHost({'rpm': (1, 'openstack-nova-common\t1:19.1.0-1.el8\n' + rpm_missing('nova-common'), '')})
    assert step.installed_versions(host, 'rpm', '/usr/bin/rpm', DEFAULTS) == {'openstack-nova-common': '1:19.1.0-1.el8'}
    assert host.calls == [RPM_QUERY]
