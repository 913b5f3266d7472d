# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible_collections.novaops.console_migration.plugins.module_utils import nova_releases as nr


# ----------------------------------------------------------------- releases

def test_release_table_order_and_versions():
    assert nr.RELEASE_NAMES[0] == 'diablo'
    assert nr.RELEASE_NAMES[-1] == 'gazpacho'
    assert len(set(nr.RELEASE_NAMES)) == len(nr.RELEASE_NAMES)
    versions = dict((r.name, r.nova_version) for r in nr.RELEASES)
    assert versions['diablo'] == '2011.3'
    assert versions['juno'] == '2014.2'
    assert versions['kilo'] == '2015.1'
    assert versions['liberty'] == '12'
    assert versions['train'] == '20'
    assert versions['zed'] == '26'
    assert versions['antelope'] == '27'
    assert versions['flamingo'] == '32'


def test_release_table_has_no_gap():
    """Every release from the oldest to the newest, in order: a missing one fails here.

    Date versions: nova tags 2011.3 (diablo) to 2015.1.0 (kilo), two a year
    from 2012.  Majors: tags 12.0.0 (liberty) to the newest, one each.
    Series: two a year from 2023.1 (antelope).
    """
    dated = [r.nova_version for r in nr.RELEASES if '.' in r.nova_version]
    assert dated == ['2011.3'] + ['%d.%d' % (year, half) for year in (2012, 2013, 2014) for half in (1, 2)] \
        + ['2015.1']
    numbered = [int(r.nova_version) for r in nr.RELEASES if '.' not in r.nova_version]
    assert numbered[0] == 12
    assert numbered == list(range(12, numbered[-1] + 1))
    assert [r.nova_version for r in nr.RELEASES] == dated + [str(n) for n in numbered]
    series = [r.series for r in nr.RELEASES if r.series]
    assert [r.nova_version for r in nr.RELEASES if r.series][0] == '27'
    assert all(r.series for r in nr.RELEASES[nr.release_index('antelope'):])
    assert series == ['%d.%d' % (2023 + i // 2, 1 + i % 2) for i in range(len(series))]
    names = nr.RELEASE_NAMES
    # From austin on, names run through the alphabet (diablo d ... zed z,
    # antelope a again): each name starts with the letter after the last one.
    assert all(ord(b[0]) - ord(a[0]) in (1, -25) for a, b in zip(names, names[1:]))


@pytest.mark.parametrize('series, name', [
    ('2023.1', 'antelope'), ('2023.2', 'bobcat'), ('2024.1', 'caracal'),
    ('2024.2', 'dalmatian'), ('2025.1', 'epoxy'), ('2025.2', 'flamingo'),
    ('2026.1', 'gazpacho'),
])
def test_series_aliases(series, name):
    assert nr.normalize_release(series) == name
    assert dict((r.name, r.series) for r in nr.RELEASES)[name] == series


@pytest.mark.parametrize('given, expected', [
    ('zed', 'zed'), ('Zed', 'zed'), ('  DIABLO ', 'diablo'),
    ('2014.2', 'juno'), ('2011.3', 'diablo'),
    ('2023.1-antelope', 'antelope'), ('2024.1 Caracal', 'caracal'),
    ('antelope (2023.1)', 'antelope'),
])
def test_normalize_release(given, expected):
    assert nr.normalize_release(given) == expected


def test_normalize_release_accepts_release_tuple():
    assert nr.normalize_release(nr.RELEASES[3]) == 'grizzly'


@pytest.mark.parametrize('bad', ['kilogram', '', '   ', None, 26, '2022.1', '2023.1 bobcat',
                                 '2014.2.4', 'openstack zed'])
def test_normalize_release_rejects_with_accepted_forms(bad):
    with pytest.raises(ValueError) as err:
        nr.normalize_release(bad)
    message = str(err.value)
    assert 'accepted forms' in message
    assert 'diablo' in message and 'gazpacho' in message
    assert '2023.1' in message and '2011.3' in message


def test_release_index_and_at_least():
    assert nr.release_index('diablo') == 0
    assert nr.release_index('2023.1') == nr.release_index('antelope')
    assert nr.release_index('stein') + 1 == nr.release_index('train')
    assert nr.at_least('train', 'stein')
    assert nr.at_least('train', 'train')
    assert not nr.at_least('stein', 'train')
    with pytest.raises(ValueError):
        nr.release_index('nope')


@pytest.mark.parametrize('version, release', [
    ('2:26.2.2-1~deb12u1', 'zed'),
    ('26.2.2-1.el9', 'zed'),
    ('2014.2.4-0ubuntu1', 'juno'),
    ('2011.3-0ubuntu6', 'diablo'),
    ('1:2014.1.5-0ubuntu1.7', 'icehouse'),
    ('2015.1.0', 'kilo'),
    ('12.0.0', 'liberty'),
    ('17.0.13-0ubuntu5.4', 'queens'),
    ('21.0.0~b1~git2019120415.45fb747c98-0ubuntu1', 'ussuri'),
    ('2:31.0.0-6+deb13u2', 'epoxy'),
    ('2:33.0.0~rc1-4', 'gazpacho'),
    (' 27.1.0 ', 'antelope'),
])
def test_release_from_version(version, release):
    assert nr.release_from_version(version) == release


@pytest.mark.parametrize('bad', ['', 'foo', '2023.1', '2016.1.0', '11.0.0', '2030.1',
                                 '2014', 'v26.0.0', None, 26])
def test_release_from_version_rejects(bad):
    with pytest.raises(ValueError) as err:
        nr.release_from_version(bad)
    assert 'cannot map nova package version' in str(err.value)


@pytest.mark.parametrize('version', ['34.0.0', '2:34.0.0~b1-1', '35.1.0-1.el10', '120.0.0'])
def test_release_from_version_newer_than_the_table(version):
    # 2026.2 "Hibiscus" is nova 34 (in development): planned as the newest known release, with a warning.
    warnings = []
    assert nr.release_from_version(version, warnings) == 'gazpacho'
    assert nr.release_from_version(version) == 'gazpacho'
    assert nr.newer_than_known(version)
    assert warnings == [nr.version_warning(version)]
    assert warnings[0].startswith('nova %s is newer than the newest release the collection knows (gazpacho, '
                                  'nova 33): planned as gazpacho' % version)


@pytest.mark.parametrize('version', ['33.0.0', '2011.3', '11.0.0', 'foo', None, '2016.1'])
def test_no_version_warning_for_known_or_unmappable(version):
    assert nr.version_warning(version) is None
    assert not nr.newer_than_known(version)


# ----------------------------------------------------------- service sets

def test_consoleauth_boundary():
    assert nr.features('essex')['has_consoleauth']
    assert nr.features('stein')['has_consoleauth']
    assert not nr.features('train')['has_consoleauth']
    assert not nr.features('diablo')['has_consoleauth']


def test_consoleauth_workaround_and_db_tokens():
    assert not nr.features('queens')['has_enable_consoleauth_workaround']
    assert not nr.features('queens')['console_tokens_in_database']
    assert nr.features('rocky')['has_enable_consoleauth_workaround']
    assert nr.features('rocky')['console_tokens_in_database']
    assert nr.features('stein')['has_enable_consoleauth_workaround']
    assert not nr.features('train')['has_enable_consoleauth_workaround']
    assert nr.features('train')['console_tokens_in_database']


def test_xvpvncproxy_and_nova_console_boundary():
    assert nr.features('train')['has_xvpvncproxy']
    assert nr.features('train')['has_nova_console']
    assert not nr.features('ussuri')['has_xvpvncproxy']
    assert not nr.features('ussuri')['has_nova_console']
    assert not nr.features('diablo')['has_xvpvncproxy']
    assert nr.features('diablo')['has_nova_console']


def test_serial_console_boundary():
    assert not nr.features('icehouse')['has_serial_console']
    assert nr.features('icehouse')['serial']['enabled'] is None
    juno = nr.features('juno')
    assert juno['has_serial_console']
    assert juno['serial']['enabled'] == ('serial_console', 'enabled')
    assert juno['serial']['serialproxy_port'] == ('serial_console', 'serialproxy_port')
    assert juno['defaults']['serial_port_range'] == '10000:20000'
    assert juno['defaults']['serial_base_url'] == 'ws://127.0.0.1:6083/'
    assert juno['defaults']['serialproxy_port'] == 6083
    # [serial_console] listen: defined 2014.2 nova/console/serial.py to 13.0.0, never
    # read (2014.2 driver.py binds to CONF.serial_console.proxyclient_address).
    for release in ('juno', 'mitaka', 'newton'):
        assert nr.features(release)['serial']['listen'] is None
    assert nr.SERIAL_LISTEN == ('juno', 'mitaka')


def test_spice_boundary_and_proxy_options():
    assert not nr.features('folsom')['has_spice_html5proxy']
    assert nr.features('folsom')['spice']['enabled'] is None
    grizzly = nr.features('grizzly')
    assert grizzly['has_spice_html5proxy']
    assert grizzly['spice']['html5proxy_base_url'] == ('spice', 'html5proxy_base_url')
    assert grizzly['spice']['html5proxy_host'] == ('DEFAULT', 'spicehtml5proxy_host')
    assert nr.features('havana')['spice']['html5proxy_port'] == ('DEFAULT', 'spicehtml5proxy_port')
    # 2014.1 nova/cmd/spicehtml5proxy.py: cfg.StrOpt('spicehtml5proxy_host'), register_cli_opts(opts)
    assert nr.features('icehouse')['spice']['html5proxy_host'] == ('DEFAULT', 'spicehtml5proxy_host')
    assert nr.features('icehouse')['spice']['html5proxy_port'] == ('DEFAULT', 'spicehtml5proxy_port')
    # 2014.2: cfg.StrOpt('html5proxy_host', deprecated_group='DEFAULT'), register_cli_opts(opts, group='spice')
    assert nr.features('juno')['spice']['html5proxy_host'] == ('spice', 'html5proxy_host')
    assert nr.features('juno')['spice']['html5proxy_port'] == ('spice', 'html5proxy_port')
    assert grizzly['defaults']['html5proxy_base_url'] == 'http://127.0.0.1:6082/spice_auto.html'
    assert grizzly['defaults']['html5proxy_port'] == 6082


def test_console_services_plan_for_old_and_new_releases():
    plan = dict((name, nr.features(name)['console_services']) for name in
                ('diablo', 'essex', 'grizzly', 'juno', 'train', 'ussuri', 'flamingo'))
    assert plan == {
        'diablo': ['nova-vncproxy', 'nova-console'],
        'essex': ['nova-novncproxy', 'nova-xvpvncproxy', 'nova-consoleauth', 'nova-console'],
        'grizzly': ['nova-novncproxy', 'nova-xvpvncproxy', 'nova-spicehtml5proxy',
                    'nova-consoleauth', 'nova-console'],
        'juno': ['nova-novncproxy', 'nova-xvpvncproxy', 'nova-spicehtml5proxy',
                 'nova-serialproxy', 'nova-consoleauth', 'nova-console'],
        'train': ['nova-novncproxy', 'nova-xvpvncproxy', 'nova-spicehtml5proxy',
                  'nova-serialproxy', 'nova-console'],
        'ussuri': ['nova-novncproxy', 'nova-spicehtml5proxy', 'nova-serialproxy'],
        'flamingo': ['nova-novncproxy', 'nova-spicehtml5proxy', 'nova-serialproxy'],
    }
    assert nr.features('diablo')['vnc_proxy_service'] == 'nova-vncproxy'
    assert nr.features('essex')['vnc_proxy_service'] == 'nova-novncproxy'
    assert not nr.features('essex')['novncproxy_in_nova']
    assert nr.features('folsom')['novncproxy_in_nova']


# ---------------------------------------------------------------- config

def test_config_format():
    diablo = nr.features('diablo')
    assert diablo['config_format'] == 'flagfile'
    assert not diablo['flagfile_compat']
    essex = nr.features('essex')
    assert essex['config_format'] == 'ini'
    assert essex['flagfile_compat']
    assert nr.features('folsom')['config_format'] == 'ini'
    assert not nr.features('folsom')['flagfile_compat']
    assert nr.features('essex')['diablo_flags'] is None


def test_diablo_flags_and_vnc_map():
    diablo = nr.features('diablo')
    flags = diablo['diablo_flags']
    assert flags['vncproxy_url'] == 'http://127.0.0.1:6080'
    assert flags['vnc_enabled'] is True
    assert flags['vncproxy_port'] == 6080
    assert flags['vncproxy_wwwroot'] == '/var/lib/nova/noVNC/'
    assert flags['live_migration_uri'] == 'qemu+tcp://%s/system'
    assert 'vnc_console_proxy_url' not in flags
    assert diablo['vnc']['enabled'] == ('DEFAULT', 'vnc_enabled')
    assert diablo['vnc']['server_listen'] == ('DEFAULT', 'vncserver_host')
    assert diablo['vnc']['novncproxy_base_url'] == ('DEFAULT', 'vncproxy_url')
    assert diablo['vnc']['server_proxyclient_address'] is None
    assert diablo['vnc']['xvpvncproxy_base_url'] is None
    assert diablo['proxy_tls'] == {'ssl_only': None, 'cert': None, 'key': None}
    assert diablo['migration']['live_migration_flag'] == ('DEFAULT', 'live_migration_flag')


def test_vnc_group_move_and_rename():
    kilo = nr.features('kilo')['vnc']
    assert nr.features('kilo')['vnc_group'] == 'DEFAULT'
    assert kilo['enabled'] == ('DEFAULT', 'vnc_enabled')
    assert kilo['keymap'] == ('DEFAULT', 'vnc_keymap')
    assert kilo['server_listen'] == ('DEFAULT', 'vncserver_listen')
    assert kilo['xvpvncproxy_base_url'] == ('DEFAULT', 'xvpvncproxy_base_url')

    liberty = nr.features('liberty')['vnc']
    assert nr.features('liberty')['vnc_group'] == 'vnc'
    assert liberty['enabled'] == ('vnc', 'enabled')
    assert liberty['keymap'] == ('vnc', 'keymap')
    assert liberty['server_listen'] == ('vnc', 'vncserver_listen')
    assert liberty['server_proxyclient_address'] == ('vnc', 'vncserver_proxyclient_address')
    assert liberty['novncproxy_base_url'] == ('vnc', 'novncproxy_base_url')
    assert liberty['novncproxy_host'] == ('DEFAULT', 'novncproxy_host')
    assert liberty['xvpvncproxy_port'] == ('DEFAULT', 'xvpvncproxy_port')

    mitaka = nr.features('mitaka')['vnc']
    assert mitaka['novncproxy_host'] == ('vnc', 'novncproxy_host')
    assert mitaka['novncproxy_port'] == ('vnc', 'novncproxy_port')
    assert mitaka['xvpvncproxy_host'] == ('vnc', 'xvpvncproxy_host')

    pike = nr.features('pike')['vnc']
    queens = nr.features('queens')['vnc']
    assert pike['server_listen'] == ('vnc', 'vncserver_listen')
    assert queens['server_listen'] == ('vnc', 'server_listen')
    assert queens['server_proxyclient_address'] == ('vnc', 'server_proxyclient_address')

    assert nr.features('train')['vnc']['xvpvncproxy_base_url'] == ('vnc', 'xvpvncproxy_base_url')
    ussuri = nr.features('ussuri')['vnc']
    assert ussuri['xvpvncproxy_base_url'] is None
    assert ussuri['xvpvncproxy_host'] is None
    assert ussuri['keymap'] == ('vnc', 'keymap')
    assert nr.features('victoria')['vnc']['keymap'] is None
    assert nr.features('victoria')['spice']['keymap'] is None


def test_proxy_tls_options():
    for name in ('essex', 'mitaka', 'flamingo'):
        assert nr.features(name)['proxy_tls'] == {
            'ssl_only': ('DEFAULT', 'ssl_only'), 'cert': ('DEFAULT', 'cert'),
            'key': ('DEFAULT', 'key')}


def test_migration_options():
    havana = nr.features('havana')['migration']
    assert havana['live_migration_uri'] == ('DEFAULT', 'live_migration_uri')
    assert havana['live_migration_tunnelled'] is None
    icehouse = nr.features('icehouse')['migration']
    assert icehouse['live_migration_uri'] == ('libvirt', 'live_migration_uri')
    assert icehouse['block_migration_flag'] == ('libvirt', 'block_migration_flag')

    mitaka = nr.features('mitaka')['migration']
    assert mitaka['live_migration_flag'] == ('libvirt', 'live_migration_flag')
    assert mitaka['live_migration_tunnelled'] == ('libvirt', 'live_migration_tunnelled')
    assert mitaka['live_migration_inbound_addr'] == ('libvirt', 'live_migration_inbound_addr')
    assert mitaka['live_migration_scheme'] is None
    assert mitaka['live_migration_permit_post_copy'] is None

    newton = nr.features('newton')['migration']
    assert newton['live_migration_flag'] is None
    assert newton['block_migration_flag'] is None
    assert newton['live_migration_permit_post_copy'] == ('libvirt', 'live_migration_permit_post_copy')
    assert newton['live_migration_permit_auto_converge'] == (
        'libvirt', 'live_migration_permit_auto_converge')
    assert not nr.features('newton')['live_migration_uri_deprecated']

    ocata = nr.features('ocata')
    assert ocata['migration']['live_migration_scheme'] == ('libvirt', 'live_migration_scheme')
    assert ocata['migration']['live_migration_uri'] == ('libvirt', 'live_migration_uri')
    assert ocata['live_migration_uri_deprecated']
    assert not nr.features('victoria')['live_migration_tunnelled_deprecated']
    assert nr.features('wallaby')['live_migration_tunnelled_deprecated']
    for name in nr.RELEASE_NAMES:
        assert nr.features(name)['migration']['live_migration_retry_count'] == (
            'DEFAULT', 'live_migration_retry_count')


def test_every_release_has_a_complete_answer():
    keys = None
    for name in nr.RELEASE_NAMES:
        feats = nr.features(name)
        assert feats['release'] == name
        if keys is None:
            keys = set(feats)
        assert set(feats) == keys
        for group in ('vnc', 'spice', 'serial', 'proxy_tls', 'migration'):
            for opt in feats[group].values():
                assert opt is None or (len(opt) == 2 and all(opt))
        assert feats['vnc']['enabled'] is not None
        assert feats['vnc']['novncproxy_port'] is not None


def test_features_returns_fresh_copies():
    first = nr.features('diablo')
    first['vnc']['enabled'] = ('x', 'y')
    first['diablo_flags']['vncproxy_port'] = 1
    again = nr.features('diablo')
    assert again['vnc']['enabled'] == ('DEFAULT', 'vnc_enabled')
    assert again['diablo_flags']['vncproxy_port'] == 6080
    assert nr.DIABLO_FLAGS['vncproxy_port'] == 6080


def test_features_accepts_aliases():
    assert nr.features('2023.1')['release'] == 'antelope'
    assert nr.features('2023.1')['series'] == '2023.1'
    with pytest.raises(ValueError):
        nr.features('bogus')


# -------------------------------------------------------------- flagfile

@pytest.mark.parametrize('name, value, line', [
    ('vnc_enabled', True, '--vnc_enabled'),
    ('vnc_enabled', False, '--novnc_enabled'),
    ('vncproxy_url', 'http://192.0.2.1:6080', '--vncproxy_url=http://192.0.2.1:6080'),
    ('vncproxy_port', 6080, '--vncproxy_port=6080'),
    ('live_migration_uri', 'qemu+tcp://%s/system', '--live_migration_uri=qemu+tcp://%s/system'),
])
def test_flagfile_line(name, value, line):
    assert nr.flagfile_line(name, value) == line


@pytest.mark.parametrize('name, value', [('bad-name', 1), ('', 1), (None, 1), ('ok', 'a\nb')])
def test_flagfile_line_rejects(name, value):
    with pytest.raises(ValueError):
        nr.flagfile_line(name, value)


# -------------------------------------------------------------- packages

def test_packages_per_distro():
    debian = nr.packages('zed', 'debian')
    assert debian['nova-novncproxy'] == {'package': 'nova-consoleproxy', 'service': 'nova-novncproxy'}
    assert debian['nova-spicehtml5proxy']['service'] == 'nova-spicehtml5proxy'
    assert debian['nova-serialproxy']['package'] == 'nova-consoleproxy'
    assert set(debian) == {'nova-novncproxy', 'nova-spicehtml5proxy', 'nova-serialproxy'}

    ubuntu = nr.packages('stein', 'ubuntu')
    assert ubuntu['nova-spicehtml5proxy'] == {'package': 'nova-spiceproxy', 'service': 'nova-spiceproxy'}
    assert ubuntu['nova-consoleauth']['package'] == 'nova-consoleauth'
    assert ubuntu['nova-xvpvncproxy']['package'] == 'nova-xvpvncproxy'

    redhat = nr.packages('train', 'redhat')
    assert redhat['nova-novncproxy']['service'] == 'openstack-nova-novncproxy'
    assert redhat['nova-xvpvncproxy'] == {'package': 'openstack-nova-console',
                                          'service': 'openstack-nova-xvpvncproxy'}
    assert 'nova-consoleauth' not in redhat
    assert nr.packages('icehouse', 'redhat')['nova-spicehtml5proxy']['package'] == 'openstack-nova-console'
    assert nr.packages('juno', 'redhat')['nova-spicehtml5proxy']['package'] == 'openstack-nova-spicehtml5proxy'


def test_packages_unknown_before_icehouse_and_bad_distro():
    old = nr.packages('havana', 'ubuntu')
    assert old and all(v == {'package': None, 'service': None} for v in old.values())
    with pytest.raises(ValueError) as err:
        nr.packages('zed', 'gentoo')
    assert 'debian' in str(err.value) and 'redhat' in str(err.value)
