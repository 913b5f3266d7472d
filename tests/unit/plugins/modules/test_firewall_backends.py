# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0
"""firewall_ports with the nftables and firewalld backends, against fake nft and firewall-cmd."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os

import pytest

from ansible.module_utils import basic

from ansible_collections.novaops.console_migration.plugins.module_utils.common import C_LOCALE
from ansible_collections.novaops.console_migration.plugins.module_utils.steps import firewall_ports as step
from ansible_collections.novaops.console_migration.plugins.modules import firewall_ports
from ansible_collections.novaops.console_migration.tests.unit.plugins.modules.module_harness import (
    module_args,
    patch_exits,
    run_module,
)

OWNER = 'compute_console'
RULES = [{'name': 'displays', 'port': '5900:5999', 'sources': ['10.0.0.5']},
         {'name': 'serial', 'port': '10000:10100', 'sources': ['10.0.0.5', 'fd00::5']}]
TAG = 'comment "novaops.console_migration: compute_console/%s"'
DISPLAYS = ['ip saddr 10.0.0.5 tcp dport 5900-5999 ct state new accept ' + TAG % 'displays',
            'tcp dport 5900-5999 ct state new reject with tcp reset ' + TAG % 'displays']
SERIAL = ['ip saddr 10.0.0.5 tcp dport 10000-10100 ct state new accept ' + TAG % 'serial',
          'ip6 saddr fd00::5 tcp dport 10000-10100 ct state new accept ' + TAG % 'serial',
          'tcp dport 10000-10100 ct state new reject with tcp reset ' + TAG % 'serial']
DEBIAN_CONF = ('#!/usr/sbin/nft -f\n\nflush ruleset\n\ntable inet filter {\n\tchain input {\n'
               '\t\ttype filter hook input priority filter;\n\t}\n}\n')


class Fake:
    def __init__(self):
        self.chains = {}          # nft: owner -> rule lines
        self.host_chains = 'table inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n\t}\n}\n'
        self.permanent = {}       # firewalld: policy -> rich rules
        self.runtime = {}
        self.calls = []
        self.environs = []
        self.scripts = []

    def run_command(self, args, **kwargs):
        args = list(args)
        self.calls.append(args)
        self.environs.append(kwargs.get('environ_update'))
        name, rest = os.path.basename(args[0]), args[1:]
        if name == 'nft':
            if rest[:2] == ['list', 'chain']:
                owner = rest[4]
                if owner not in self.chains:
                    return 1, '', 'Error: No such file or directory'
                body = ''.join('\t\t%s\n' % line for line in self.chains[owner])
                return 0, ('table inet novaops_console_migration {\n\tchain %s {\n\t\ttype filter hook input '
                           'priority filter - 10; policy accept;\n%s\t}\n}\n' % (owner, body)), ''
            if rest == ['list', 'chains']:
                return 0, self.host_chains, ''
            if rest[-2] == '-f':
                with open(rest[-1]) as stream:
                    text = stream.read()
                self.scripts.append(text)
                if rest[0] != '-c':
                    self.load(text)
                return 0, '', ''
        if name == 'firewall-cmd':
            return self.firewall_cmd(rest)
        raise AssertionError('unexpected command %r' % args)

    def load(self, text):
        if text.startswith('delete chain'):
            del self.chains[text.split()[-1]]
            return
        owner = text.split('flush chain inet novaops_console_migration ')[1].split('\n')[0]
        body = text.split('flush chain')[1].split('chain %s {\n' % owner)[1].split('\t}')[0]
        self.chains[owner] = [line.strip() for line in body.splitlines() if line.strip()]

    def firewall_cmd(self, rest):
        store = self.permanent if rest[0] == '--permanent' else self.runtime
        rest = rest[1:] if rest[0] == '--permanent' else rest
        if rest == ['--get-policies']:
            return 0, ' '.join(['allow-host-ipv6'] + sorted(store)) + '\n', ''
        if rest == ['--reload']:
            self.runtime = dict((k, list(v)) for k, v in self.permanent.items())
            return 0, 'success\n', ''
        if rest[0].startswith('--new-policy='):
            store[rest[0].split('=', 1)[1]] = []
            return 0, 'success\n', ''
        policy = rest[0].split('=', 1)[1]
        if policy not in store:
            return 1, '', 'Error: INVALID_POLICY: %s' % policy
        option, value = (rest[1].split('=', 1) + [None])[:2]
        if option == '--list-rich-rules':
            return 0, ''.join(rule + '\n' for rule in store[policy]), ''
        if option == '--add-rich-rule':
            store[policy].append(value)
        elif option == '--remove-rich-rule':
            store[policy].remove(value)
        return 0, 'success\n', ''


@pytest.fixture
def fake(monkeypatch, tmp_path):
    host = Fake()
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', lambda self, args, **kw: host.run_command(args, **kw))
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path',
                        lambda self, arg, required=False, opt_dirs=None: '/usr/sbin/' + arg)
    monkeypatch.setattr(step, 'SYSCONFIG_PATH', str(tmp_path / 'sysconfig' / 'iptables'))
    monkeypatch.setattr(step, 'REDHAT_RELEASE', str(tmp_path / 'redhat-release'))
    monkeypatch.setattr(step, 'NFT_DIR', {'debian': str(tmp_path / 'nftables.d')})
    monkeypatch.setattr(step, 'NFT_CONFIG', {'debian': str(tmp_path / 'nftables.conf')})
    (tmp_path / 'nftables.conf').write_text(DEBIAN_CONF)
    patch_exits(monkeypatch)
    host.tmp = tmp_path
    return host


def run(rules, backend, check=False, diff=False):
    return run_module(firewall_ports.main, module_args({'owner': OWNER, 'rules': rules, 'backend': backend},
                                                       check, diff))


# -- nftables ---------------------------------------------------------------------

def test_nft_chain_file_and_include(fake):
    result = run(RULES, 'nftables')
    assert result['changed'] is True
    assert fake.chains == {OWNER: [DISPLAYS[0]] + SERIAL[:2] + [DISPLAYS[1], SERIAL[2]]}
    path = fake.tmp / 'nftables.d' / 'novaops_console_migration-compute_console.nft'
    assert result['persist_path'] == str(path)
    text = path.read_text()
    assert text == fake.scripts[-1]
    assert 'table inet novaops_console_migration {\n\tchain compute_console {\n\t\ttype filter hook input ' \
        'priority filter - 10; policy accept;\n\t}\n}\nflush chain inet novaops_console_migration compute_console\n' in text
    conf = (fake.tmp / 'nftables.conf').read_text()
    assert conf == DEBIAN_CONF + '# novaops.console_migration: its firewall rules (firewall_ports)\n' \
        'include "%s/novaops_console_migration-*.nft"\n' % (fake.tmp / 'nftables.d')


def test_nft_second_run_changes_nothing(fake):
    run(RULES, 'nftables')
    fake.calls = []
    result = run(RULES, 'nftables')
    assert result['changed'] is False
    assert not any('-f' in call for call in fake.calls)


def test_nft_turned_off_port_closes_and_other_tables_are_untouched(fake):
    run(RULES, 'nftables')
    fake.chains['console_proxy'] = ['tcp dport 6080 ct state new accept']
    result = run(RULES[:1], 'nftables')
    assert fake.chains[OWNER] == DISPLAYS
    assert fake.chains['console_proxy'] == ['tcp dport 6080 ct state new accept']
    assert result['rules_removed'] == SERIAL
    run([], 'nftables')
    assert OWNER not in fake.chains
    assert not (fake.tmp / 'nftables.d' / 'novaops_console_migration-compute_console.nft').exists()


def test_nft_check_mode_only_checks(fake):
    result = run(RULES, 'nftables', check=True, diff=True)
    assert result['changed'] is True and fake.chains == {}
    assert fake.calls[-2][:3] == ['/usr/sbin/nft', '-c', '-f'] or fake.calls[-1][:3] == ['/usr/sbin/nft', '-c', '-f']
    assert not (fake.tmp / 'nftables.d').exists()
    assert result['diff'][0]['after'] == fake.scripts[-1]


def test_nft_warns_about_a_dropping_host_chain(fake):
    fake.host_chains = fake.host_chains.replace('policy accept', 'policy drop')
    result = run(RULES, 'nftables')
    assert result['warnings'] == [
        'compute_console: input chain inet filter input drops by default, so the ports accepted in table inet '
        'novaops_console_migration stay closed until that chain accepts them too']


# -- firewalld --------------------------------------------------------------------

POLICY_RULES = [
    'rule family="ipv4" source address="10.0.0.5" port port="5900-5999" protocol="tcp" accept',
    'rule family="ipv4" source address="10.0.0.5" port port="10000-10100" protocol="tcp" accept',
    'rule family="ipv6" source address="fd00::5" port port="10000-10100" protocol="tcp" accept',
    'rule priority="1" port port="5900-5999" protocol="tcp" reject',
    'rule priority="1" port port="10000-10100" protocol="tcp" reject',
]


def test_firewalld_policy_is_created_and_loaded(fake):
    result = run(RULES, 'firewalld')
    assert fake.permanent == {'novaops-consoles': POLICY_RULES}
    assert fake.runtime == fake.permanent
    assert fake.calls[1:4] == [
        ['/usr/sbin/firewall-cmd', '--permanent', '--new-policy=novaops-consoles'],
        ['/usr/sbin/firewall-cmd', '--permanent', '--policy=novaops-consoles', '--add-ingress-zone=ANY'],
        ['/usr/sbin/firewall-cmd', '--permanent', '--policy=novaops-consoles', '--add-egress-zone=HOST']]
    assert fake.calls[-1] == ['/usr/sbin/firewall-cmd', '--reload']
    assert result['rules_added'] == POLICY_RULES


def test_firewalld_turned_off_port_closes_permanently_and_at_runtime(fake):
    run(RULES, 'firewalld')
    fake.calls = []
    result = run(RULES[:1], 'firewalld')
    wanted = [POLICY_RULES[0], POLICY_RULES[3]]
    assert fake.permanent['novaops-consoles'] == wanted and fake.runtime['novaops-consoles'] == wanted
    assert ['/usr/sbin/firewall-cmd', '--reload'] not in fake.calls
    assert sorted(result['rules_removed']) == sorted(set(POLICY_RULES) - set(wanted))
    fake.calls = []
    assert run(RULES[:1], 'firewalld')['changed'] is False
    assert all('--list-rich-rules' in call[-1] or call[-1] == '--get-policies' for call in fake.calls)


def test_firewalld_check_mode_changes_nothing(fake):
    result = run(RULES, 'firewalld', check=True)
    assert result['changed'] is True and fake.permanent == {} and fake.runtime == {}


@pytest.mark.parametrize('backend', ['nftables', 'firewalld'])
def test_backend_commands_run_in_the_c_locale(fake, backend):
    assert run(RULES, backend)['changed'] is True
    assert fake.environs == [C_LOCALE] * len(fake.calls)


def test_nft_script_goes_through_a_scratch_file(fake):
    run(RULES, 'nftables', check=True)
    script = [call[-1] for call in fake.calls if call[-2] == '-f'][0]
    assert os.path.basename(script) == 'novaops_console_migration-compute_console.nft'
    assert not os.path.exists(script)
    assert fake.scripts and fake.chains == {}
