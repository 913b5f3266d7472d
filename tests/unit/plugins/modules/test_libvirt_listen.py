# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import difflib
import os

import pytest

from ansible.module_utils import basic

from ansible_collections.novaops.console_migration.plugins.module_utils.steps import libvirt_listen as step
from ansible_collections.novaops.console_migration.plugins.modules import libvirt_listen
from ansible_collections.novaops.console_migration.tests.unit.plugins.modules.module_harness import (
    FailJson,
    module_args,
    patch_exits,
    run_module,
)


SYSTEMCTL = '/usr/bin/systemctl'
SERVICE = '/usr/sbin/service'
INITCTL = '/sbin/initctl'
ALL_UNITS = step.show_units()
SHOW = [SYSTEMCTL, 'show', '--property=Id,LoadState,ActiveState,UnitFileState', '--'] + ALL_UNITS
FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'module_utils', 'fixtures')

TCP_DROPIN = '/etc/systemd/system/libvirtd-tcp.socket.d/novaops-listen.conf'
TLS_DROPIN = '/etc/systemd/system/libvirtd-tls.socket.d/novaops-listen.conf'
CONF = '/etc/libvirt/libvirtd.conf'
CERTS = ('/etc/pki/CA/cacert.pem', '/etc/pki/libvirt/servercert.pem', '/etc/pki/libvirt/private/serverkey.pem')


def fixture(name):
    """Real files of the lab's Debian 12 computes (libvirt-daemon-system 9.0.0-4+deb12u2)."""
    with open(os.path.join(FIXTURES, name)) as handle:
        return handle.read()


DEBIAN12_CONF = fixture('libvirtd.conf.debian12')
DEBIAN12_DEFAULT = fixture('default-libvirtd.debian12')


def unit(active='inactive', file='disabled', load='loaded'):
    return dict(active=active, file=file, load=load)


def debian12_units(service_active='active'):
    """libvirt 9 of Debian 12: monolithic libvirtd with socket activation, no modular daemons installed."""
    return {
        'libvirtd.service': unit(service_active, 'enabled'),
        'libvirtd.socket': unit('active', 'enabled'),
        'libvirtd-ro.socket': unit('active', 'enabled'),
        'libvirtd-admin.socket': unit('active', 'enabled'),
        'libvirtd-tcp.socket': unit('inactive', 'disabled'),
        'libvirtd-tls.socket': unit('inactive', 'disabled'),
    }


def modular_units():
    """Fedora/RHEL 9 style: modular daemons in use, libvirtd installed but off."""
    units = debian12_units()
    units.update({
        'libvirtd.service': unit('inactive', 'disabled'),
        'libvirtd.socket': unit('inactive', 'disabled'),
        'libvirtd-ro.socket': unit('inactive', 'disabled'),
        'libvirtd-admin.socket': unit('inactive', 'disabled'),
        'virtproxyd.service': unit('inactive', 'disabled'),
        'virtproxyd.socket': unit('active', 'enabled'),
        'virtproxyd-ro.socket': unit('active', 'enabled'),
        'virtproxyd-admin.socket': unit('inactive', 'disabled'),
        'virtproxyd-tcp.socket': unit('inactive', 'disabled'),
        'virtproxyd-tls.socket': unit('inactive', 'disabled'),
        'virtqemud.service': unit('active', 'enabled'),
        'virtqemud.socket': unit('active', 'enabled'),
    })
    return units


class FakeHost(object):
    """A host below ``root``: systemd (optional), service and initctl, recording every command.

    Like systemd and libvirt >= 5.7: a TCP/TLS socket cannot be (re)started while the
    daemon service runs, and libvirtd refuses to start with --listen when sockets are active.
    """

    def __init__(self, root, units=None, systemd=True, service=True, initctl=False):
        self.root = root
        self.units = dict((k, dict(v)) for k, v in (units or {}).items())
        self.systemd = systemd
        self.has_service = service
        self.has_initctl = initctl
        self.calls = []
        if systemd:
            os.makedirs(self.path('/run/systemd/system'))

    def path(self, path):
        return os.path.join(self.root, path.lstrip('/'))

    def write(self, path, text):
        real = self.path(path)
        if not os.path.isdir(os.path.dirname(real)):
            os.makedirs(os.path.dirname(real))
        with open(real, 'w') as handle:
            handle.write(text)

    def read(self, path):
        with open(self.path(path)) as handle:
            return handle.read()

    def snapshot(self):
        files = {}
        for directory, dummy, names in os.walk(self.root):
            for name in names:
                real = os.path.join(directory, name)
                with open(real, 'rb') as handle:
                    files[os.path.relpath(real, self.root)] = handle.read()
        return files

    def get(self, name):
        return self.units.get(name, unit('inactive', '', 'not-found'))

    def changing_calls(self):
        return [c for c in self.calls if c[:2] != [SYSTEMCTL, 'show']]

    def listen_flag_set(self):
        real = self.path('/etc/default/libvirtd')
        if not os.path.exists(real):
            return False
        with open(real) as handle:
            return any(line.startswith('LIBVIRTD_ARGS=') and '--listen' in line for line in handle)

    def start(self, name, restart=False):
        u = self.get(name)
        if u['load'] != 'loaded':
            return 'Failed to start %s: Unit %s not found.\n' % (name, name)
        daemon = name.split('-')[0].split('.')[0]
        if name.endswith(('-tcp.socket', '-tls.socket')):
            if self.get('%s.service' % daemon)['active'] == 'active':
                return 'Socket service %s.service already active, refusing.\n' % daemon
            if self.get('%s.socket' % daemon)['active'] != 'active':
                return 'Dependency failed for %s.\n' % name
        if name == 'libvirtd.service' and self.listen_flag_set():
            u['active'] = 'failed'
            return 'Job for libvirtd.service failed (--listen parameter not permitted with systemd activation sockets)\n'
        u['active'] = 'active'
        return ''

    def systemctl(self, args):
        verb = args[0]
        names = [a for a in args[1:] if a != '--' and not a.startswith('--')]
        if verb == 'show':
            assert args[1] == '--property=Id,LoadState,ActiveState,UnitFileState' and args[2] == '--'
            blocks = ['Id=%s\nLoadState=%s\nActiveState=%s\nUnitFileState=%s\n'
                      % (n, self.get(n)['load'], self.get(n)['active'], self.get(n)['file']) for n in names]
            return 0, '\n'.join(blocks), ''
        if verb == 'daemon-reload':
            return 0, '', ''
        errors = ''
        for name in names:
            u = self.get(name)
            if verb == 'enable':
                assert u['file'] == 'disabled', 'needless enable of %s' % name
                u['file'] = 'enabled'
            elif verb == 'disable':
                assert u['file'] == 'enabled', 'needless disable of %s' % name
                u['file'] = 'disabled'
            elif verb in ('start', 'restart'):
                errors += self.start(name, restart=verb == 'restart')
            elif verb == 'stop':
                u['active'] = 'inactive'
            elif verb == 'reset-failed':
                if u['active'] == 'failed':
                    u['active'] = 'inactive'
            else:
                raise AssertionError('unexpected systemctl verb %r' % verb)
        return (1 if errors else 0), '', errors

    def run_command(self, args, **kwargs):
        args = list(args)
        self.calls.append(args)
        assert kwargs.get('environ_update', {}).get('LC_ALL') == 'C'
        if args[0] == SYSTEMCTL:
            assert self.systemd
            return self.systemctl(args[1:])
        if args[0] in (SERVICE, INITCTL):
            return 0, '', ''
        raise AssertionError('unexpected command %r' % (args,))

    def get_bin_path(self, name, required=False, opt_dirs=None):
        path = {'systemctl': SYSTEMCTL if self.systemd else None,
                'service': SERVICE if self.has_service else None,
                'initctl': INITCTL if self.has_initctl else None}.get(name)
        if path is None and required:
            raise AssertionError('required binary %s missing' % name)
        return path


@pytest.fixture(autouse=True)
def module_exits(monkeypatch):
    patch_exits(monkeypatch)


@pytest.fixture
def warnings(monkeypatch):
    seen = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, text: seen.append(text))
    return seen


@pytest.fixture
def make_host(tmp_path, monkeypatch):
    def make(**kwargs):
        host = FakeHost(str(tmp_path), **kwargs)
        monkeypatch.setattr(step, 'ROOT', host.root)
        monkeypatch.setattr(basic.AnsibleModule, 'run_command', lambda self, args, **kw: host.run_command(args, **kw))
        monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path',
                            lambda self, name, required=False, opt_dirs=None: host.get_bin_path(name, required))
        return host
    return make


def _args(host, args, check, diff):
    return module_args(args, check, diff)


def run(host, args, check=False, diff=False):
    return run_module(libvirt_listen.main, _args(host, args, check, diff))


def run_fail(host, args, check=False):
    return run_module(libvirt_listen.main, _args(host, args, check, False), FailJson)


def systemctl(*args):
    return [SYSTEMCTL] + list(args)


def added_lines(before, after):
    """(previous line, added line) pairs and removed lines between two texts."""
    added, removed = [], []
    old, new = before.splitlines(), after.splitlines()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new).get_opcodes():
        if tag in ('replace', 'delete'):
            removed.extend(old[i1:i2])
        if tag in ('replace', 'insert'):
            added.extend((new[j - 1] if j else None, new[j]) for j in range(j1, j2))
    return added, removed


def debian12_host(make_host, service_active='active', **kwargs):
    host = make_host(units=debian12_units(service_active), **kwargs)
    host.write(CONF, DEBIAN12_CONF)
    host.write('/etc/default/libvirtd', DEBIAN12_DEFAULT)
    return host


def add_certs(host):
    for path in CERTS:
        host.write(path, 'PEM\n')


# -- detection ------------------------------------------------------------------------

def test_detect_debian12_is_socket():
    assert step.detect_mode(debian12_units()) == 'socket'


def test_detect_modular():
    assert step.detect_mode(modular_units()) == 'modular'


def test_detect_modular_units_present_but_libvirtd_still_used_is_socket():
    units = modular_units()
    units['libvirtd.service'] = unit('inactive', 'enabled')  # Debian 12 with the modular drivers installed
    assert step.detect_mode(units) == 'socket'
    units = modular_units()
    units['libvirtd.socket'] = unit('active', 'disabled')
    assert step.detect_mode(units) == 'socket'


def test_detect_modular_units_present_but_not_used_is_socket():
    units = modular_units()
    units['virtqemud.service'] = unit('inactive', 'disabled')
    units['virtqemud.socket'] = unit('inactive', 'disabled')
    units['libvirtd.service'] = unit('inactive', 'disabled')
    assert step.detect_mode(units) == 'socket'


def test_detect_old_libvirt_with_unix_sockets_only_is_legacy():
    units = debian12_units()
    del units['libvirtd-tcp.socket']
    del units['libvirtd-tls.socket']
    assert step.detect_mode(units) == 'legacy'


def test_detect_masked_sockets_is_legacy():
    units = debian12_units()
    units['libvirtd.socket'] = unit('inactive', 'masked', 'masked')
    assert step.detect_mode(units) == 'legacy'


def test_detect_without_systemd_is_legacy():
    assert step.detect_mode({}) == 'legacy'


# -- socket mode: Debian 12 ------------------------------------------------------------

DEBIAN12_TCP = {'transport': 'tcp', 'listen_address': '10.0.0.5'}


def test_debian12_tcp_sasl_exact_changes(make_host, warnings):
    host = debian12_host(make_host)
    result = run(host, DEBIAN12_TCP, diff=True)

    assert result['changed'] is True
    assert result['mode'] == 'socket'
    assert result['listen'] == '10.0.0.5:16509 (tcp)'
    assert result['files_changed'] == [CONF, TCP_DROPIN]
    added, removed = added_lines(DEBIAN12_CONF, host.read(CONF))
    assert removed == []
    assert added == [('#auth_tcp = "sasl"', 'auth_tcp = "sasl"')]
    assert host.read(TCP_DROPIN) == '[Socket]\nListenStream=\nListenStream=10.0.0.5:16509\n'
    assert host.read('/etc/default/libvirtd') == DEBIAN12_DEFAULT
    assert not os.path.exists(host.path(TLS_DROPIN))

    assert host.calls == [
        SHOW,
        systemctl('daemon-reload'),
        systemctl('enable', '--', 'libvirtd-tcp.socket'),
        systemctl('stop', '--', 'libvirtd.service'),
        systemctl('restart', '--', 'libvirtd-tcp.socket'),
        systemctl('start', '--', 'libvirtd.service'),
    ]
    assert result['units'] == dict(enabled=['libvirtd-tcp.socket'], disabled=[], started=['libvirtd-tcp.socket'],
                                   stopped=[], restarted=['libvirtd.service'])
    assert host.get('libvirtd-tcp.socket') == unit('active', 'enabled')
    assert host.get('libvirtd.service')['active'] == 'active'
    assert result['restart_pending'] is False
    assert warnings == []

    assert [(d['before_header'], d['after_header']) for d in result['diff']] == [(CONF, CONF),
                                                                                 (TCP_DROPIN, TCP_DROPIN)]
    assert result['diff'][0]['before'] == DEBIAN12_CONF
    assert result['diff'][0]['after'] == host.read(CONF)
    assert result['diff'][1] == dict(before='', after=host.read(TCP_DROPIN),
                                     before_header=TCP_DROPIN, after_header=TCP_DROPIN)


def test_debian12_second_run_changes_nothing(make_host):
    host = debian12_host(make_host)
    run(host, DEBIAN12_TCP)
    files = host.snapshot()
    host.calls = []
    result = run(host, DEBIAN12_TCP, diff=True)
    assert result['changed'] is False
    assert host.calls == [SHOW]
    assert host.snapshot() == files
    assert result['files_changed'] == []
    assert result['diff'] == []
    assert not any(result['units'].values())
    assert result['msg'] == 'socket mode: libvirtd listens on 10.0.0.5:16509 (tcp); nothing to change'


def test_debian12_idle_daemon_is_not_started(make_host):
    host = debian12_host(make_host, service_active='inactive')
    result = run(host, DEBIAN12_TCP)
    assert host.changing_calls() == [
        systemctl('daemon-reload'),
        systemctl('enable', '--', 'libvirtd-tcp.socket'),
        systemctl('restart', '--', 'libvirtd-tcp.socket'),
    ]
    assert result['units']['restarted'] == []
    assert host.get('libvirtd.service')['active'] == 'inactive'


def test_check_mode_writes_and_changes_nothing(make_host):
    host = debian12_host(make_host)
    files = host.snapshot()
    units = dict((k, dict(v)) for k, v in host.units.items())
    result = run(host, DEBIAN12_TCP, check=True, diff=True)
    assert result['changed'] is True
    assert host.calls == [SHOW]
    assert host.snapshot() == files
    assert host.units == units
    assert result['files_changed'] == [CONF, TCP_DROPIN]
    assert [d['after_header'] for d in result['diff']] == [CONF, TCP_DROPIN]
    assert result['diff'][1]['after'] == '[Socket]\nListenStream=\nListenStream=10.0.0.5:16509\n'
    assert result['units']['enabled'] == ['libvirtd-tcp.socket']
    assert result['units']['restarted'] == ['libvirtd.service']
    assert result['msg'].startswith('socket mode: libvirtd would listen on 10.0.0.5:16509 (tcp); 2 files would change')


def test_ipv6_address_in_brackets_and_custom_port(make_host):
    host = debian12_host(make_host)
    result = run(host, dict(DEBIAN12_TCP, listen_address='FD00:0::5', tcp_port=16609))
    assert result['listen'] == '[fd00::5]:16609 (tcp)'
    assert host.read(TCP_DROPIN) == '[Socket]\nListenStream=\nListenStream=[fd00::5]:16609\n'


def test_tls_needs_certificates(make_host, warnings):
    host = debian12_host(make_host)
    files = host.snapshot()
    result = run_fail(host, {'listen_address': '10.0.0.5'})
    assert 'TLS files missing: key_file /etc/pki/libvirt/private/serverkey.pem' in result['msg']
    assert host.snapshot() == files
    assert host.changing_calls() == []

    host.calls = []
    result = run(host, {'listen_address': '10.0.0.5'}, check=True)
    assert result['changed'] is True
    assert len(warnings) == 1 and 'check mode goes on' in warnings[0]


def test_tls_with_default_certificates_touches_no_libvirtd_conf(make_host):
    host = debian12_host(make_host)
    add_certs(host)
    result = run(host, {'listen_address': '10.0.0.5'})
    assert result['listen'] == '10.0.0.5:16514 (tls)'
    assert result['files_changed'] == [TLS_DROPIN]
    assert host.read(CONF) == DEBIAN12_CONF
    assert host.read(TLS_DROPIN) == '[Socket]\nListenStream=\nListenStream=10.0.0.5:16514\n'
    assert host.get('libvirtd-tls.socket') == unit('active', 'enabled')
    assert host.get('libvirtd-tcp.socket') == unit('inactive', 'disabled')


def test_tls_paths_are_written_and_checked(make_host):
    host = debian12_host(make_host)
    tls = {'key_file': '/etc/novaops/key.pem', 'cert_file': '/etc/novaops/cert.pem', 'ca_file': '/etc/novaops/ca.pem'}
    for path in tls.values():
        host.write(path, 'PEM\n')
    result = run(host, {'listen_address': '10.0.0.5', 'tls': tls})
    assert result['files_changed'] == [CONF, TLS_DROPIN]
    added, removed = added_lines(DEBIAN12_CONF, host.read(CONF))
    assert removed == []
    assert added == [('#key_file = "/etc/pki/libvirt/private/serverkey.pem"', 'key_file = "/etc/novaops/key.pem"'),
                     ('#cert_file = "/etc/pki/libvirt/servercert.pem"', 'cert_file = "/etc/novaops/cert.pem"'),
                     ('#ca_file = "/etc/pki/CA/cacert.pem"', 'ca_file = "/etc/novaops/ca.pem"')]


def test_switch_from_tcp_to_tls(make_host):
    host = debian12_host(make_host)
    add_certs(host)
    run(host, DEBIAN12_TCP)
    host.calls = []
    result = run(host, {'listen_address': '10.0.0.5', 'transport': 'tls'}, diff=True)
    assert result['files_changed'] == [TCP_DROPIN, TLS_DROPIN]
    assert not os.path.exists(host.path(TCP_DROPIN))
    assert not os.path.exists(os.path.dirname(host.path(TCP_DROPIN)))
    assert result['diff'][0] == dict(before='[Socket]\nListenStream=\nListenStream=10.0.0.5:16509\n', after='',
                                     before_header=TCP_DROPIN, after_header=TCP_DROPIN)
    assert host.changing_calls() == [
        systemctl('daemon-reload'),
        systemctl('disable', '--', 'libvirtd-tcp.socket'),
        systemctl('enable', '--', 'libvirtd-tls.socket'),
        systemctl('stop', '--', 'libvirtd.service'),
        systemctl('stop', '--', 'libvirtd-tcp.socket'),
        systemctl('restart', '--', 'libvirtd-tls.socket'),
        systemctl('start', '--', 'libvirtd.service'),
    ]
    assert host.get('libvirtd-tcp.socket') == unit('inactive', 'disabled')
    assert host.get('libvirtd-tls.socket') == unit('active', 'enabled')
    # auth_tcp of the earlier run stays: harmless, and libvirtd.conf is only edited, never reverted.
    assert 'auth_tcp = "sasl"\n' in host.read(CONF)


def test_socket_mode_removes_legacy_listen_flag_never_both(make_host):
    host = debian12_host(make_host)
    host.write('/etc/default/libvirtd', DEBIAN12_DEFAULT.replace(
        '#LIBVIRTD_ARGS="--listen"\n', '#LIBVIRTD_ARGS="--listen"\nLIBVIRTD_ARGS="--listen"\n'))
    host.write('/etc/sysconfig/libvirtd', 'LIBVIRTD_ARGS="--timeout 120 --listen"\n')
    result = run(host, DEBIAN12_TCP)
    assert result['files_changed'] == [CONF, TCP_DROPIN, '/etc/sysconfig/libvirtd', '/etc/default/libvirtd']
    assert host.read('/etc/default/libvirtd') == DEBIAN12_DEFAULT
    assert host.read('/etc/sysconfig/libvirtd') == 'LIBVIRTD_ARGS="--timeout 120"\n'
    # The fake libvirtd refuses --listen with sockets: the restart went through.
    assert host.get('libvirtd.service')['active'] == 'active'


def test_daemon_that_failed_on_the_listen_flag_is_started_again(make_host):
    # As measured on the lab's Debian 12: LIBVIRTD_ARGS="--listen" made libvirtd.service fail, which
    # also took its sockets down.
    host = debian12_host(make_host)
    run(host, DEBIAN12_TCP)
    host.write('/etc/default/libvirtd', 'LIBVIRTD_ARGS="--listen"\n')
    for name in ('libvirtd.socket', 'libvirtd-ro.socket', 'libvirtd-admin.socket', 'libvirtd-tcp.socket'):
        host.units[name]['active'] = 'inactive'
    host.units['libvirtd.service']['active'] = 'failed'
    host.calls = []
    result = run(host, DEBIAN12_TCP)
    assert host.read('/etc/default/libvirtd') == ''
    assert host.changing_calls() == [
        systemctl('reset-failed', '--', 'libvirtd.service'),
        systemctl('start', '--', 'libvirtd.socket', 'libvirtd-ro.socket', 'libvirtd-admin.socket'),
        systemctl('restart', '--', 'libvirtd-tcp.socket'),
        systemctl('start', '--', 'libvirtd.service'),
    ]
    assert result['units']['started'] == ['libvirtd.socket', 'libvirtd-ro.socket', 'libvirtd-admin.socket',
                                          'libvirtd-tcp.socket', 'libvirtd.service']
    assert host.get('libvirtd.service')['active'] == 'active'


def test_listen_flag_alone_forces_the_restart(make_host):
    host = debian12_host(make_host)
    run(host, DEBIAN12_TCP)
    host.write('/etc/default/libvirtd', 'libvirtd_opts="-d -l"\n')
    host.calls = []
    result = run(host, DEBIAN12_TCP)
    assert result['files_changed'] == ['/etc/default/libvirtd']
    assert host.read('/etc/default/libvirtd') == 'libvirtd_opts="-d"\n'
    assert host.changing_calls() == [
        systemctl('stop', '--', 'libvirtd.service'),
        systemctl('restart', '--', 'libvirtd-tcp.socket'),
        systemctl('start', '--', 'libvirtd.service'),
    ]


def test_inactive_chosen_socket_is_activated_without_file_changes(make_host):
    host = debian12_host(make_host)
    run(host, DEBIAN12_TCP)
    host.units['libvirtd-tcp.socket']['active'] = 'inactive'
    host.calls = []
    result = run(host, DEBIAN12_TCP)
    assert result['changed'] is True
    assert result['files_changed'] == []
    assert host.changing_calls() == [
        systemctl('stop', '--', 'libvirtd.service'),
        systemctl('restart', '--', 'libvirtd-tcp.socket'),
        systemctl('start', '--', 'libvirtd.service'),
    ]


def test_restart_false_writes_and_enables_only(make_host):
    host = debian12_host(make_host)
    result = run(host, dict(DEBIAN12_TCP, restart=False))
    assert result['changed'] is True
    assert result['restart_pending'] is True
    assert host.changing_calls() == [systemctl('daemon-reload'), systemctl('enable', '--', 'libvirtd-tcp.socket')]
    assert host.get('libvirtd-tcp.socket') == unit('inactive', 'enabled')
    assert 'restart pending' in result['msg']


def test_auth_none_warns(make_host, warnings):
    host = debian12_host(make_host)
    run(host, dict(DEBIAN12_TCP, auth_tcp='none'))
    assert len(warnings) == 1
    assert warnings[0].startswith('libvirtd accepts unauthenticated TCP connections')
    assert 'auth_tcp = "none"\n' in host.read(CONF)


def test_socket_mode_needs_an_address(make_host):
    host = debian12_host(make_host)
    result = run_fail(host, {'transport': 'tcp'})
    assert result['msg'].startswith('listen_address is required in mode socket')
    assert result['mode'] == 'socket'
    assert host.changing_calls() == []


@pytest.mark.parametrize('args, text', [
    ({'listen_address': 'compute2'}, 'listen_address must be an IPv4 or IPv6 address'),
    ({'listen_address': '10.0.0.300'}, 'listen_address must be an IPv4 or IPv6 address'),
    ({'listen_address': '10.0.0.5', 'auth_tcp': 'none'}, 'auth_tcp=none is only allowed with transport=tcp'),
    ({'listen_address': '10.0.0.5', 'tls_port': 0}, 'tls_port must be a port number'),
    ({'listen_address': '10.0.0.5', 'tcp_port': 70000}, 'tcp_port must be a port number'),
])
def test_invalid_arguments(make_host, args, text):
    host = debian12_host(make_host)
    assert run_fail(host, args)['msg'].startswith(text)
    assert host.calls == []


def test_forced_socket_mode_without_units_fails(make_host):
    host = make_host(units={'libvirtd.service': unit('active', 'enabled')})
    result = run_fail(host, dict(DEBIAN12_TCP, mode='socket'))
    assert 'libvirtd.socket (LoadState=not-found)' in result['msg']
    assert host.changing_calls() == []


def test_masked_chosen_socket_fails(make_host):
    host = debian12_host(make_host)
    host.units['libvirtd-tcp.socket'] = unit('inactive', 'masked', 'masked')
    result = run_fail(host, DEBIAN12_TCP)
    assert 'libvirtd-tcp.socket (LoadState=masked)' in result['msg']


def test_forced_legacy_on_socket_host_fails(make_host):
    host = debian12_host(make_host)
    result = run_fail(host, dict(DEBIAN12_TCP, mode='legacy'))
    assert 'with socket activation libvirtd refuses --listen' in result['msg']
    assert host.changing_calls() == []


# -- modular mode ------------------------------------------------------------------------

def test_modular_mode(make_host):
    host = make_host(units=modular_units())
    host.write('/etc/libvirt/virtproxyd.conf', '#auth_tcp = "sasl"\n')
    host.write(CONF, DEBIAN12_CONF)
    host.write('/etc/sysconfig/virtproxyd', '#VIRTPROXYD_ARGS="--listen"\nVIRTPROXYD_ARGS="--listen"\n')
    result = run(host, DEBIAN12_TCP)
    assert result['mode'] == 'modular'
    dropin = '/etc/systemd/system/virtproxyd-tcp.socket.d/novaops-listen.conf'
    assert result['files_changed'] == ['/etc/libvirt/virtproxyd.conf', dropin, '/etc/sysconfig/virtproxyd']
    assert host.read('/etc/libvirt/virtproxyd.conf') == '#auth_tcp = "sasl"\nauth_tcp = "sasl"\n'
    assert host.read(CONF) == DEBIAN12_CONF
    assert host.read('/etc/sysconfig/virtproxyd') == '#VIRTPROXYD_ARGS="--listen"\n'
    assert host.read(dropin) == '[Socket]\nListenStream=\nListenStream=10.0.0.5:16509\n'
    assert host.changing_calls() == [
        systemctl('daemon-reload'),
        systemctl('enable', '--', 'virtproxyd-admin.socket', 'virtproxyd-tcp.socket'),
        systemctl('start', '--', 'virtproxyd-admin.socket'),
        systemctl('restart', '--', 'virtproxyd-tcp.socket'),
    ]
    assert result['msg'].startswith('modular mode: virtproxyd listens on 10.0.0.5:16509 (tcp)')
    host.calls = []
    assert run(host, DEBIAN12_TCP)['changed'] is False
    assert host.calls == [SHOW]


def test_modular_mode_turns_off_libvirtd_listeners_of_an_earlier_socket_mode(make_host):
    units = modular_units()
    units['libvirtd-tcp.socket'] = unit('inactive', 'enabled')
    host = make_host(units=units)
    host.write(TCP_DROPIN, '[Socket]\nListenStream=\nListenStream=10.0.0.5:16509\n')
    host.write('/etc/libvirt/virtproxyd.conf', '')
    result = run(host, DEBIAN12_TCP)
    assert TCP_DROPIN in result['files_changed']
    assert not os.path.exists(host.path(TCP_DROPIN))
    assert result['units']['disabled'] == ['libvirtd-tcp.socket']


# -- legacy mode ---------------------------------------------------------------------------

RHEL7_SYSCONFIG = fixture('sysconfig-libvirtd.rhel7')  # RHEL 7's /etc/sysconfig/libvirtd, not a lab file


def rhel7_host(make_host):
    # libvirt 4.5: libvirtd.service only, no socket units.
    host = make_host(units={'libvirtd.service': unit('active', 'enabled')})
    host.write(CONF, DEBIAN12_CONF)
    host.write('/etc/sysconfig/libvirtd', RHEL7_SYSCONFIG)
    add_certs(host)
    return host


def test_rhel7_legacy_tls(make_host):
    host = rhel7_host(make_host)
    result = run(host, {'listen_address': '10.0.0.7'}, diff=True)
    assert result['mode'] == 'legacy'
    assert result['listen'] == '10.0.0.7:16514 (tls)'
    assert result['files_changed'] == [CONF, '/etc/sysconfig/libvirtd']
    assert host.read('/etc/sysconfig/libvirtd') == RHEL7_SYSCONFIG.replace(
        '#LIBVIRTD_ARGS="--listen"\n', '#LIBVIRTD_ARGS="--listen"\nLIBVIRTD_ARGS="--listen"\n')
    added, removed = added_lines(DEBIAN12_CONF, host.read(CONF))
    assert removed == []
    assert added == [('#listen_tls = 0', 'listen_tls = 1'),
                     ('#listen_tcp = 1', 'listen_tcp = 0'),
                     ('#tls_port = "16514"', 'tls_port = "16514"'),
                     ('#listen_addr = "192.168.0.1"', 'listen_addr = "10.0.0.7"')]
    assert host.changing_calls() == [[SERVICE, 'libvirtd', 'restart']]
    assert result['units']['restarted'] == ['libvirtd']
    assert [d['before_header'] for d in result['diff']] == [CONF, '/etc/sysconfig/libvirtd']

    host.calls = []
    again = run(host, {'listen_address': '10.0.0.7'})
    assert again['changed'] is False
    assert host.calls == [SHOW]


def test_rhel7_keeps_other_arguments(make_host):
    host = rhel7_host(make_host)
    host.write('/etc/sysconfig/libvirtd', 'LIBVIRTD_ARGS="--config /etc/libvirt/libvirtd.conf"\n')
    run(host, {'listen_address': '10.0.0.7'})
    assert host.read('/etc/sysconfig/libvirtd') == 'LIBVIRTD_ARGS="--config /etc/libvirt/libvirtd.conf --listen"\n'


def test_legacy_without_init_file_fails(make_host):
    host = make_host(units={'libvirtd.service': unit('active', 'enabled')})
    host.write(CONF, '')
    result = run_fail(host, dict(DEBIAN12_TCP))
    assert result['msg'].startswith('mode=legacy: none of /etc/sysconfig/libvirtd, /etc/default/libvirtd')
    assert host.read(CONF) == ''


def test_legacy_on_systemd_disables_leftover_ip_sockets(make_host):
    # libvirt < 5.7 with socket units for the UNIX sockets only; a stray libvirtd-tcp.socket would hold the port.
    units = {'libvirtd.service': unit('active', 'enabled'), 'libvirtd.socket': unit('active', 'enabled'),
             'virtproxyd-tcp.socket': unit('active', 'enabled')}
    host = make_host(units=units)
    host.write(CONF, '')
    host.write('/etc/sysconfig/libvirtd', 'LIBVIRTD_ARGS="--listen"\n')
    result = run(host, DEBIAN12_TCP)
    assert result['mode'] == 'legacy'
    assert host.changing_calls() == [
        systemctl('disable', '--', 'virtproxyd-tcp.socket'),
        systemctl('stop', '--', 'virtproxyd-tcp.socket'),
        [SERVICE, 'libvirtd', 'restart'],
    ]


DIABLO_UPSTART = fixture('libvirt-bin.conf.upstart')  # Ubuntu's upstart job of the Diablo era
DIABLO_DEFAULT = (
    '# Defaults for libvirt-bin initscript (/etc/init.d/libvirt-bin)\n'
    '# This is a POSIX shell fragment\n'
    '\n'
    '# Start libvirtd to handle qemu/kvm:\n'
    'start_libvirtd="yes"\n'
    '\n'
    '# options passed to libvirtd, add "-l" to listen on tcp\n'
    'libvirtd_opts="-d"\n'
)
# The libvirtd.conf lines of libvirt 0.9 (Ubuntu 11.10) that matter here.
DIABLO_CONF = (
    '# Master libvirt daemon configuration file\n'
    '#\n'
    '# This is enabled by default, uncomment this to disable it\n'
    '#listen_tls = 0\n'
    '\n'
    '# This is disabled by default, uncomment this to enable it.\n'
    '#listen_tcp = 1\n'
    '\n'
    '#tls_port = "16514"\n'
    '#tcp_port = "16509"\n'
    '#listen_addr = "192.168.0.1"\n'
    '\n'
    '# Change the authentication scheme for TCP sockets.\n'
    '#auth_tcp = "sasl"\n'
)


def diablo_host(make_host):
    host = make_host(systemd=False, service=True, initctl=True)
    host.write(CONF, DIABLO_CONF)
    host.write('/etc/init/libvirt-bin.conf', DIABLO_UPSTART)
    host.write('/etc/default/libvirt-bin', DIABLO_DEFAULT)
    return host


DIABLO_ARGS = {'transport': 'tcp', 'auth_tcp': 'none'}


def test_diablo_upstart_host_as_in_the_old_guide(make_host, warnings):
    host = diablo_host(make_host)
    result = run(host, DIABLO_ARGS, diff=True)
    assert result['mode'] == 'legacy'
    assert result['listen'] == '*:16509 (tcp)'
    assert result['files_changed'] == [CONF, '/etc/default/libvirt-bin', '/etc/init/libvirt-bin.conf']
    assert host.read('/etc/init/libvirt-bin.conf') == DIABLO_UPSTART.replace(
        'exec /usr/sbin/libvirtd -d\n', 'exec /usr/sbin/libvirtd -d -l\n')
    assert host.read('/etc/default/libvirt-bin') == DIABLO_DEFAULT.replace(
        'libvirtd_opts="-d"', 'libvirtd_opts="-d -l"')
    added, removed = added_lines(DIABLO_CONF, host.read(CONF))
    assert removed == []
    assert added == [('#listen_tls = 0', 'listen_tls = 0'),
                     ('#listen_tcp = 1', 'listen_tcp = 1'),
                     ('#tcp_port = "16509"', 'tcp_port = "16509"'),
                     ('#auth_tcp = "sasl"', 'auth_tcp = "none"')]
    # upstart's `restart` keeps the old job definition: stop + start as in the guide.
    assert host.calls == [[INITCTL, 'stop', 'libvirt-bin'], [INITCTL, 'start', 'libvirt-bin']]
    assert result['units']['restarted'] == ['libvirt-bin']
    assert len(warnings) == 1 and warnings[0].startswith('libvirtd accepts unauthenticated TCP connections')
    assert [d['after_header'] for d in result['diff']] == result['files_changed']

    host.calls = []
    again = run(host, DIABLO_ARGS)
    assert again['changed'] is False
    assert host.calls == []


def test_diablo_check_mode(make_host):
    host = diablo_host(make_host)
    files = host.snapshot()
    result = run(host, DIABLO_ARGS, check=True, diff=True)
    assert result['changed'] is True
    assert host.calls == []
    assert host.snapshot() == files
    assert len(result['diff']) == 3
    assert result['units']['restarted'] == ['libvirt-bin']


def test_upstart_job_with_variable_and_no_default_file(make_host):
    host = make_host(systemd=False, initctl=True)
    host.write(CONF, DIABLO_CONF)
    job = 'env libvirtd_opts="-d"\nscript\n  exec /usr/sbin/libvirtd $libvirtd_opts\nend script\n'
    host.write('/etc/init/libvirt-bin.conf', job)
    run(host, DIABLO_ARGS)
    assert host.read('/etc/init/libvirt-bin.conf') == job.replace('"-d"', '"-d -l"')


def test_default_libvirt_bin_without_variable_gets_d_l(make_host):
    host = make_host(systemd=False)
    host.write(CONF, DIABLO_CONF)
    host.write('/etc/default/libvirt-bin', 'start_libvirtd="yes"\n')
    run(host, DIABLO_ARGS)
    assert host.read('/etc/default/libvirt-bin') == 'start_libvirtd="yes"\nlibvirtd_opts="-d -l"\n'
    assert host.calls == [[SERVICE, 'libvirt-bin', 'restart']]


def test_debian_sysv_default_libvirtd_uses_libvirtd_opts(make_host):
    host = make_host(systemd=False)
    host.write(CONF, DIABLO_CONF)
    host.write('/etc/default/libvirtd', '# options passed to libvirtd, add "-l" to listen on tcp\n#libvirtd_opts=""\n')
    run(host, DIABLO_ARGS)
    assert host.read('/etc/default/libvirtd').endswith('#libvirtd_opts=""\nlibvirtd_opts="-l"\n')


def test_legacy_init_path_given(make_host):
    host = diablo_host(make_host)
    result = run(host, dict(DIABLO_ARGS, legacy_init='/etc/default/libvirt-bin'))
    assert result['files_changed'] == [CONF, '/etc/default/libvirt-bin']
    assert host.read('/etc/init/libvirt-bin.conf') == DIABLO_UPSTART
    assert host.calls == [[SERVICE, 'libvirt-bin', 'restart']]
    missing = run_fail(host, dict(DIABLO_ARGS, legacy_init='/etc/sysconfig/libvirtd'))
    assert missing['msg'] == 'legacy_init /etc/sysconfig/libvirtd does not exist'


def test_unparsable_libvirtd_conf_fails_without_writing(make_host):
    host = rhel7_host(make_host)
    host.write(CONF, 'listen_tcp 1\n')
    result = run_fail(host, DEBIAN12_TCP)
    assert result['msg'] == "Cannot edit /etc/libvirt/libvirtd.conf: line 1: expected '=' after 'listen_tcp'"
    assert host.read('/etc/sysconfig/libvirtd') == RHEL7_SYSCONFIG
    assert host.changing_calls() == []
