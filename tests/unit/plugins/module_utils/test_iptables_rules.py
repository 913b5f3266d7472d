# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import ipaddress

import pytest

from ansible_collections.novaops.console_migration.plugins.module_utils.iptables_rules import (
    IptablesError,
    Rule,
    SaveFile,
    build_wanted,
    check_name,
    edit_file,
    format_port,
    format_source,
    marker_line,
    parse_listing,
    parse_marker,
    parse_port,
    parse_source,
    plan_insertions,
    plan_live,
    legacy_owned,
    comment_text,
    parse_comment,
)

GUIDE = '-A INPUT -m state --state NEW -m tcp -p tcp --dport 6080 -j ACCEPT'
SAVED = '-A INPUT -p tcp -m state --state NEW -m tcp --dport 6080 -j ACCEPT'


def net(text):
    return ipaddress.ip_network(text)


# -- Rule: parsing and semantic equality ---------------------------------------------

@pytest.mark.parametrize('line', [
    GUIDE,
    SAVED,
    '-A INPUT -p tcp --dport 6080 -m state --state NEW -j ACCEPT',
    '-A INPUT -p tcp -m conntrack --ctstate NEW -m tcp --dport 6080 -j ACCEPT',
    '--append INPUT --protocol tcp --match state --state NEW --destination-port 6080 --jump ACCEPT',
    '-A INPUT -p 6 -m state --state new -m tcp --dport 6080 -j ACCEPT',
    '[5:300] -A INPUT -p tcp -m state --state NEW -m tcp --dport 6080 -j ACCEPT',
    '-A INPUT -s 0.0.0.0/0 -p tcp -m state --state NEW -m tcp --dport 6080 -j ACCEPT',
    '-A INPUT -p tcp -m state --state NEW -m tcp --dport 6080:6080 -j ACCEPT',
])
def test_equivalent_forms_are_equal(line):
    rule = Rule.parse(line)
    assert rule == Rule.parse(GUIDE)
    assert rule == Rule.accept('tcp', (6080, 6080))
    assert hash(rule) == hash(Rule.accept('tcp', (6080, 6080)))
    assert rule.render() == GUIDE


@pytest.mark.parametrize('line', [
    '-A INPUT -s 10.0.0.0/8 -p tcp -m state --state NEW -m tcp --dport 6080 -j ACCEPT',
    '-A INPUT -p udp -m state --state NEW -m udp --dport 6080 -j ACCEPT',
    '-A INPUT -p tcp -m tcp --dport 6080 -j ACCEPT',
    '-A INPUT -p tcp -m state --state NEW,ESTABLISHED -m tcp --dport 6080 -j ACCEPT',
    '-A INPUT -p tcp -m state --state NEW -m tcp --dport 6081 -j ACCEPT',
    '-A INPUT -p tcp -m state --state NEW -m tcp --dport 6080:6081 -j ACCEPT',
    '-A INPUT -p tcp -m state --state NEW -m tcp --dport 6080 -j DROP',
    '-A INPUT -i eth0 -p tcp -m state --state NEW -m tcp --dport 6080 -j ACCEPT',
    '-A INPUT -d 10.0.0.1/32 -p tcp -m state --state NEW -m tcp --dport 6080 -j ACCEPT',
    '-A INPUT -p tcp -m state --state NEW -m tcp --dport 6080 -m comment --comment "hand made" -j ACCEPT',
    '-A INPUT -p tcp -m state --state NEW -m tcp ! --dport 6080 -j ACCEPT',
    '-A FORWARD -p tcp -m state --state NEW -m tcp --dport 6080 -j ACCEPT',
    '-A INPUT -p tcp -m state --state NEW -m multiport --dports 6080 -j ACCEPT',
])
def test_different_rules_are_not_equal(line):
    assert Rule.parse(line) != Rule.parse(GUIDE)


def test_source_forms():
    with_prefix = Rule.parse('-A INPUT -s 10.0.0.5/32 -p tcp -m state --state NEW -m tcp --dport 22 -j ACCEPT')
    plain = Rule.accept('tcp', (22, 22), net('10.0.0.5/32'))
    assert with_prefix == plain
    assert plain.render() == '-A INPUT -s 10.0.0.5 -m state --state NEW -m tcp -p tcp --dport 22 -j ACCEPT'
    masked = Rule.parse('-A INPUT -s 10.0.0.5/24 -p tcp -m tcp --dport 22 -j ACCEPT')  # iptables masks it
    assert masked.source == net('10.0.0.0/24')
    names = Rule.parse('-A INPUT -s proxy.example.com -p tcp -m tcp --dport 22 -j ACCEPT')
    assert names.extra == ('-s', 'proxy.example.com')
    assert not names.simple


def test_reject_rules():
    rule = Rule.reject('tcp', (5900, 5999))
    assert rule.render() == '-A INPUT -m state --state NEW -m tcp -p tcp --dport 5900:5999 -j REJECT --reject-with tcp-reset'
    assert rule == Rule.parse('-A INPUT -m state --state NEW -m tcp -p tcp --dport 5900:5999 -j REJECT --reject-with tcp-reset')
    udp = Rule.reject('udp', (53, 53))
    assert udp.render() == '-A INPUT -m state --state NEW -m udp -p udp --dport 53 -j REJECT --reject-with icmp-port-unreachable'
    # iptables -S always prints the default reject type
    assert udp == Rule.parse('-A INPUT -p udp -m state --state NEW -m udp --dport 53 -j REJECT')
    assert rule != Rule.parse('-A INPUT -p tcp -m tcp --dport 5900:5999 -j REJECT')
    assert rule.is_block and not Rule.parse(GUIDE).is_block
    assert Rule.parse('-A INPUT -j DROP').is_block


def test_render_and_spec():
    rule = Rule.accept('udp', (10000, 20000), net('192.168.1.0/24'))
    assert rule.render() == ('-A INPUT -s 192.168.1.0/24 -m state --state NEW -m udp -p udp '
                             '--dport 10000:20000 -j ACCEPT')
    assert rule.spec() == ['-s', '192.168.1.0/24', '-m', 'state', '--state', 'NEW', '-m', 'udp', '-p', 'udp',
                           '--dport', '10000:20000', '-j', 'ACCEPT']
    # A rule the module cannot write in the guide's form keeps its tokens.
    other = Rule.parse('-A INPUT -m comment --comment "keep me" ! -s 10.0.0.0/8 -j DROP')
    assert other.spec() == ['-m', 'comment', '--comment', 'keep me', '!', '-s', '10.0.0.0/8', '-j', 'DROP']
    assert other.render() == "-A INPUT -m comment --comment 'keep me' ! -s 10.0.0.0/8 -j DROP"
    assert other.chain == 'INPUT' and other.target == 'DROP'
    assert other == Rule.parse('-A INPUT -m comment --comment "keep me" ! -s 10.0.0.0/8 -j DROP')
    assert other != Rule.parse('-A INPUT -m comment --comment "keep me" ! -s 10.0.0.0/16 -j DROP')
    assert repr(Rule.parse(GUIDE)) == 'Rule(%r)' % GUIDE


def test_describe():
    assert Rule.accept('tcp', (6080, 6080)).describe() == 'tcp port 6080 from any source'
    assert Rule.accept('udp', (1, 9), net('10.0.0.5/32')).describe() == 'udp ports 1:9 from 10.0.0.5'
    assert Rule.reject('tcp', (1, 9)).describe() == 'reject of tcp ports 1:9'


def test_loopback_rule():
    assert Rule.parse('-A INPUT -i lo -j ACCEPT').is_loopback_accept
    assert Rule.parse('--append INPUT --in-interface lo --jump ACCEPT').is_loopback_accept
    assert not Rule.parse('-A INPUT -i lo -p tcp -j ACCEPT').is_loopback_accept
    assert not Rule.parse('-A INPUT -i eth0 -j ACCEPT').is_loopback_accept
    assert not Rule.parse('-A INPUT -i lo -j DROP').is_loopback_accept


def test_option_without_value_is_an_error():
    with pytest.raises(IptablesError, match='option -j needs a value'):
        Rule.parse('-A INPUT -p tcp -j')


def test_unbalanced_quotes_do_not_break_parsing():
    rule = Rule.parse('-A INPUT -m comment --comment "oops -j ACCEPT')
    assert rule.chain == 'INPUT' and rule != Rule.parse('-A INPUT -j ACCEPT')


# -- helpers ---------------------------------------------------------------------------

@pytest.mark.parametrize('value, expected', [
    (6080, (6080, 6080)), ('6080', (6080, 6080)), (' 22 ', (22, 22)), ('5900:5999', (5900, 5999)),
    ('5900-5999', (5900, 5999)), ('1:65535', (1, 65535)), ('7:7', (7, 7)),
])
def test_parse_port(value, expected):
    assert parse_port(value) == expected


@pytest.mark.parametrize('value', [0, 65536, -1, '0', '70000', '5999:5900', '1:', ':5', 'ssh', '1,2', True, 1.5,
                                   None, '1:2:3', '1 : 2'])
def test_parse_port_rejects(value):
    with pytest.raises(ValueError):
        parse_port(value)


def test_format_port():
    assert format_port((6080, 6080)) == '6080'
    assert format_port((5900, 5999)) == '5900:5999'
    assert format_port('ssh') == 'ssh'


def test_parse_and_format_source():
    assert parse_source('10.0.0.5') == net('10.0.0.5/32')
    assert parse_source(' 10.0.0.0/24 ') == net('10.0.0.0/24')
    assert format_source(net('10.0.0.5/32')) == '10.0.0.5'
    assert format_source(net('10.0.0.0/24')) == '10.0.0.0/24'
    for value, message in [
        ('10.0.0.5/24', "'10.0.0.5/24' has host bits set; give the network (10.0.0.0/24) or a plain address (10.0.0.5)"),
        ('10.0.0.256', "'10.0.0.256' is not an IPv4 address (192.168.1.10) or network in CIDR form (192.168.1.0/24)"),
        ('::1', "'::1' is an IPv6 address or network; only IPv4 is supported"),
        ('fd00::1/64', "'fd00::1/64' is an IPv6 address or network; only IPv4 is supported"),
        ('0.0.0.0/0', "'0.0.0.0/0' means any source; leave sources empty instead"),
        ('', "must be an IPv4 address (192.168.1.10) or network in CIDR form (192.168.1.0/24), got ''"),
    ]:
        with pytest.raises(ValueError) as exc:
            parse_source(value)
        assert str(exc.value) == message


def test_markers_and_names():
    assert marker_line('console_proxy', 'novnc') == '# novaops.console_migration owner=console_proxy name=novnc'
    assert parse_marker('# novaops.console_migration owner=console_proxy name=novnc\n') == ('console_proxy', 'novnc')
    assert parse_marker('# novaops.console_migration owner=a name=b  \r\n') == ('a', 'b')
    assert parse_marker('# novaops.console_migration owner=A name=b') is None
    assert parse_marker('#novaops.console_migration owner=a name=b') is None
    assert parse_marker('# some comment') is None
    assert check_name('owner', 'live_migration') == 'live_migration'
    with pytest.raises(ValueError, match=r"owner must match \^\[a-z0-9_\]\+\$"):
        check_name('owner', 'live-migration')
    with pytest.raises(ValueError):
        check_name('owner', None)


def test_parse_listing():
    policy, rules = parse_listing(
        '-P INPUT DROP\n'
        '-A INPUT -i lo -j ACCEPT\n'
        '-A INPUT -p tcp -m comment --comment "ssh in" -m tcp --dport 22 -j ACCEPT\n'
        '-A FORWARD -j DROP\n'
        '# Warning: iptables-legacy tables present, use iptables-legacy to see them\n'
        '-A INPUT -s 10.0.0.0/24 -p tcp -m state --state NEW -m tcp --dport 6080 -j ACCEPT\n')
    assert policy == 'DROP'
    assert [rule.text for rule in rules] == [
        '-A INPUT -i lo -j ACCEPT',
        '-A INPUT -p tcp -m comment --comment "ssh in" -m tcp --dport 22 -j ACCEPT',
        '-A INPUT -s 10.0.0.0/24 -p tcp -m state --state NEW -m tcp --dport 6080 -j ACCEPT',
    ]
    assert rules[2] == Rule.accept('tcp', (6080, 6080), net('10.0.0.0/24'))
    assert parse_listing('') == (None, [])
    with pytest.raises(IptablesError) as exc:
        parse_listing('-P INPUT ACCEPT\n-A INPUT -j\n')
    assert str(exc.value) == "line 2: option -j needs a value: '-A INPUT -j'"


# -- placement -------------------------------------------------------------------------

RHEL_CHAIN = [Rule.parse(line) for line in [
    '-A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT',
    '-A INPUT -p icmp -j ACCEPT',
    '-A INPUT -i lo -j ACCEPT',
    '-A INPUT -m state --state NEW -m tcp -p tcp --dport 22 -j ACCEPT',
    '-A INPUT -j REJECT --reject-with icmp-host-prohibited',
]]
A = Rule.accept('tcp', (6080, 6080))
B = Rule.accept('tcp', (6081, 6081))
VNC = Rule.accept('tcp', (5900, 5999), net('10.0.0.0/24'))
VNC2 = Rule.accept('tcp', (5900, 5999), net('10.1.0.0/24'))
VNC_REJECT = Rule.reject('tcp', (5900, 5999))
LO = Rule.parse('-A INPUT -i lo -j ACCEPT')
REJECT_ALL = Rule.parse('-A INPUT -j REJECT --reject-with icmp-host-prohibited')


def test_insertions_go_before_first_reject_after_lo_in_order():
    assert plan_insertions(RHEL_CHAIN, [A, B]) == [(4, A), (5, B)]


def test_insertions_append_without_reject():
    chain = RHEL_CHAIN[:4]
    assert plan_insertions(chain, [A, B]) == [(4, A), (5, B)]
    assert plan_insertions([], [A, B]) == [(0, A), (1, B)]


def test_reject_before_lo_does_not_count():
    chain = [Rule.parse('-A INPUT -s 1.2.3.4/32 -j DROP'), Rule.parse('-A INPUT -i lo -j ACCEPT'),
             Rule.parse('-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT')]
    assert plan_insertions(chain, [A]) == [(3, A)]


def test_without_lo_the_first_block_rule_counts():
    chain = [Rule.parse('-A INPUT -m state --state INVALID -j DROP'),
             Rule.parse('-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT'), Rule.parse('-A INPUT -j DROP')]
    assert plan_insertions(chain, [A]) == [(0, A)]


def test_new_accepts_go_right_after_each_other_before_an_existing_reject():
    chain = RHEL_CHAIN[:4] + [VNC, VNC_REJECT, Rule.parse('-A INPUT -p tcp -m tcp --dport 25 -j ACCEPT'),
                              Rule.parse('-A INPUT -j DROP')]
    assert plan_insertions(chain, [VNC2, A]) == [(5, VNC2), (6, A)]


def test_accept_never_goes_below_a_reject_of_its_port():
    # A reject of 5900:5999 above the lo rule.
    chain = [VNC_REJECT, Rule.parse('-A INPUT -i lo -j ACCEPT'),
             Rule.parse('-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT'), Rule.parse('-A INPUT -j DROP')]
    assert plan_insertions(chain, [VNC2, A]) == [(0, VNC2), (4, A)]


def test_reject_never_goes_above_an_accept_of_its_port():
    # A hand-made accept of the port after an unrelated DROP.
    chain = RHEL_CHAIN[:4] + [Rule.parse('-A INPUT -s 1.2.3.4/32 -j DROP'), VNC]
    assert plan_insertions(chain, [A, VNC_REJECT, B]) == [(4, A), (7, VNC_REJECT), (5, B)]


# -- build_wanted ----------------------------------------------------------------------

def test_build_wanted_orders_accepts_then_rejects():
    wanted = build_wanted([
        {'name': 'vnc', 'port': '5900:5999', 'protocol': 'tcp', 'sources': ['10.0.0.0/24', '10.1.0.0/24']},
        {'name': 'novnc', 'port': 6080, 'protocol': 'tcp', 'sources': []},
        {'name': 'vnc_extra', 'port': '5900-5999', 'protocol': 'tcp', 'sources': ['10.2.0.5']},
        {'name': 'dns', 'port': '53', 'protocol': 'udp', 'sources': ['10.0.0.0/8']},
    ])
    assert [(item.name, item.rule.render()) for item in wanted] == [
        ('vnc', '-A INPUT -s 10.0.0.0/24 -m state --state NEW -m tcp -p tcp --dport 5900:5999 -j ACCEPT'),
        ('vnc', '-A INPUT -s 10.1.0.0/24 -m state --state NEW -m tcp -p tcp --dport 5900:5999 -j ACCEPT'),
        ('novnc', '-A INPUT -m state --state NEW -m tcp -p tcp --dport 6080 -j ACCEPT'),
        ('vnc_extra', '-A INPUT -s 10.2.0.5 -m state --state NEW -m tcp -p tcp --dport 5900:5999 -j ACCEPT'),
        ('dns', '-A INPUT -s 10.0.0.0/8 -m state --state NEW -m udp -p udp --dport 53 -j ACCEPT'),
        ('vnc', '-A INPUT -m state --state NEW -m tcp -p tcp --dport 5900:5999 -j REJECT --reject-with tcp-reset'),
        ('dns', '-A INPUT -m state --state NEW -m udp -p udp --dport 53 -j REJECT --reject-with icmp-port-unreachable'),
    ]
    assert repr(wanted[2]) == "Wanted('novnc', %r)" % GUIDE


def test_build_wanted_without_reject_and_defaults():
    wanted = build_wanted([{'name': 'vnc', 'port': 5900, 'sources': ['10.0.0.0/24']}], reject_others=False)
    assert [item.rule.render() for item in wanted] == [
        '-A INPUT -s 10.0.0.0/24 -m state --state NEW -m tcp -p tcp --dport 5900 -j ACCEPT']
    assert build_wanted([]) == []


@pytest.mark.parametrize('items, message', [
    ([{'port': 1}], 'rules[0].name is required (a label such as novnc that matches ^[a-z0-9_]+$)'),
    ([{'name': 'a', 'port': 1, 'sources': '10.0.0.0/8'}],
     "rules[0].sources must be a list of IPv4 addresses or networks, got '10.0.0.0/8'"),
    ([{'name': 'a', 'port': 1, 'protocol': 'TCP'}], "rules[0].protocol must be tcp or udp, got 'TCP'"),
    ([{'name': 'a', 'port': 1, 'sources': [5]}],
     'rules[0].sources[0]: must be an IPv4 address (192.168.1.10) or network in CIDR form (192.168.1.0/24), got 5'),
    ([{'name': 'a', 'port': 1, 'sources': ['10.0.0.0/8']}, {'name': 'b', 'port': 1, 'sources': ['10.0.0.0/8']}],
     'rules[1] (b): tcp port 1 from 10.0.0.0/8 is already given by rules[0] (a)'),
])
def test_build_wanted_errors(items, message):
    with pytest.raises(ValueError) as exc:
        build_wanted(items)
    assert str(exc.value) == message


def test_same_port_with_different_sources_shares_one_reject():
    wanted = build_wanted([{'name': 'a', 'port': 1, 'sources': ['10.0.0.0/8']},
                           {'name': 'b', 'port': 1, 'sources': ['11.0.0.0/8']}])
    assert [item.name for item in wanted] == ['a', 'b', 'a']
    assert wanted[2].rule == Rule.reject('tcp', (1, 1))


# -- SaveFile --------------------------------------------------------------------------

RHEL = (
    "# Firewall configuration written by system-config-firewall\n"
    "*filter\n"
    ":INPUT ACCEPT [0:0]\n"
    ":FORWARD ACCEPT [0:0]\n"
    ":OUTPUT ACCEPT [0:0]\n"
    "-A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT\n"
    "-A INPUT -p icmp -j ACCEPT\n"
    "-A INPUT -i lo -j ACCEPT\n"
    "-A INPUT -m state --state NEW -m tcp -p tcp --dport 22 -j ACCEPT\n"
    "-A INPUT -j REJECT --reject-with icmp-host-prohibited\n"
    "-A FORWARD -j REJECT --reject-with icmp-host-prohibited\n"
    "COMMIT\n"
)


def mark(owner, name):
    return marker_line(owner, name) + '\n'


def test_savefile_round_trip_and_entries():
    text = '*nat\n-A INPUT -j ACCEPT\nCOMMIT\n' + RHEL.replace(
        '-A INPUT -p icmp', mark('x', 'icmp') + mark('y', 'ping') + '-A INPUT -p icmp') + '# tail'
    save = SaveFile.parse(text)
    assert save.render() == text
    assert save.filter_range() == (4, 16)
    entries = save.entries()
    assert [entry.index for entry in entries] == [8, 11, 12, 13, 14]  # the *nat INPUT line does not count
    assert entries[1].rule == Rule.parse('-A INPUT -p icmp -j ACCEPT')
    assert [(m.owner, m.name, m.index) for m in entries[1].markers] == [('x', 'icmp', 9), ('y', 'ping', 10)]
    assert entries[0].markers == [] and entries[2].markers == []
    assert [entry.index for entry in save.owned('y')] == [11]
    assert save.owned('z') == []


@pytest.mark.parametrize('text, message', [
    ('*filter\n:INPUT ACCEPT [0:0]\n', 'line 1: *filter table has no COMMIT'),
    ('# x\n*filter\n:INPUT ACCEPT [0:0]\n*nat\nCOMMIT\n', 'line 2: *filter table has no COMMIT before the next table'),
    ('*filter\nCOMMIT\n*filter\nCOMMIT\n', 'line 3: second *filter table (the first one starts at line 1)'),
    ('*filter\n-A INPUT -p\nCOMMIT\n', "line 2: option -p needs a value: '-A INPUT -p'"),
])
def test_savefile_errors(text, message):
    with pytest.raises(IptablesError) as exc:
        SaveFile.parse(text)
    assert str(exc.value) == message


def test_savefile_without_filter():
    save = SaveFile.parse('*nat\nCOMMIT\n')
    assert save.filter_range() is None
    assert save.entries() == []
    with pytest.raises(IptablesError, match='no \\*filter table'):
        save.insert(0, A)
    empty = SaveFile.parse('')
    empty.append(SaveFile.minimal('DROP'))
    assert empty.render() == '*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n'
    tail = SaveFile.parse('*nat\nCOMMIT')
    tail.append(SaveFile.minimal())
    assert tail.render().startswith('*nat\nCOMMIT\n*filter\n:INPUT ACCEPT [0:0]\n')


def test_insert_keeps_comments_and_markers_attached():
    text = ('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\n# refuse the rest\n' + mark('o', 'r')
            + '-A INPUT -j DROP\nCOMMIT\n')
    save = SaveFile.parse(text)
    save.insert(1, A, ('me', 'novnc'))
    save.insert(2, B)
    assert save.render() == ('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\n' + mark('me', 'novnc')
                             + A.render() + '\n' + B.render() + '\n# refuse the rest\n' + mark('o', 'r')
                             + '-A INPUT -j DROP\nCOMMIT\n')
    assert [m.owner for m in save.entries()[3].markers] == ['o']


def test_insert_at_the_end_and_into_an_empty_chain():
    save = SaveFile.parse(RHEL)
    save.insert(5, A)
    assert save.render() == RHEL.replace('-A FORWARD', A.render() + '\n-A FORWARD')
    empty = SaveFile.parse('# c\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n-A FORWARD -j DROP\nCOMMIT\n')
    empty.insert(0, A, ('me', 'x'))
    assert empty.render() == ('# c\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n' + mark('me', 'x')
                              + A.render() + '\n-A FORWARD -j DROP\nCOMMIT\n')
    bare = SaveFile.parse('*filter\nCOMMIT\n')
    bare.insert(0, A)
    assert bare.render() == '*filter\n' + A.render() + '\nCOMMIT\n'


# -- ownership by rule comment ------------------------------------------------------------

SAVED = ('-A INPUT -s 10.0.0.5/32 -p tcp -m state --state NEW -m tcp --dport 5900:5999 '
         '-m comment --comment "novaops.console_migration: compute_console/displays" -j ACCEPT')


def wanted_displays(owner='compute_console'):
    return build_wanted([{'name': 'displays', 'port': '5900:5999', 'sources': ['10.0.0.5']}], owner=owner)


def test_comment_scheme_and_render():
    assert comment_text('compute_console', 'displays') == 'novaops.console_migration: compute_console/displays'
    assert parse_comment('novaops.console_migration: compute_console/displays') == ('compute_console', 'displays')
    assert parse_comment('allow vnc') is None and parse_comment(None) is None
    accept, reject = [w.rule for w in wanted_displays()]
    assert accept.render() == ('-A INPUT -s 10.0.0.5 -m state --state NEW -m tcp -p tcp --dport 5900:5999 '
                               '-m comment --comment "novaops.console_migration: compute_console/displays" -j ACCEPT')
    assert accept.spec()[-4:] == ['--comment', 'novaops.console_migration: compute_console/displays', '-j', 'ACCEPT']
    assert reject.render().endswith('--comment "novaops.console_migration: compute_console/displays" '
                                    '-j REJECT --reject-with tcp-reset')


def test_saved_rule_keeps_its_owner():
    # What iptables-save prints for a rule of ours: still ours, equal to the wanted rule.
    rule = Rule.parse(SAVED)
    assert rule.owner == 'compute_console'
    assert rule == wanted_displays()[0].rule
    assert rule != Rule.parse(SAVED.replace(' -m comment --comment "novaops.console_migration: '
                                            'compute_console/displays"', ''))
    assert rule.bare_key == Rule.accept('tcp', (5900, 5999), parse_source('10.0.0.5')).bare_key


def test_plan_live_deletes_own_stale_rules_only():
    operator = Rule.parse('-A INPUT -p tcp -m tcp --dport 6083 -j ACCEPT')
    other = Rule.parse('-A INPUT -p tcp -m tcp --dport 6083 -m comment --comment '
                       '"novaops.console_migration: console_proxy/serial" -j ACCEPT')
    mine = Rule.parse(SAVED)
    plan = plan_live([LO, operator, other, mine], [], 'compute_console')
    assert plan.deletes == [mine] and plan.inserts == [] and plan.replaces == []
    assert plan.chain == [LO, operator, other]
    assert plan_live([LO, mine], [], 'compute_console', purge=False).deletes == []


def test_plan_live_second_run_changes_nothing():
    wanted = wanted_displays()
    first = plan_live([LO, REJECT_ALL], wanted, 'compute_console')
    assert list(first.inserts) == [(2, wanted[0].rule), (3, wanted[1].rule)]
    again = plan_live(first.chain, wanted, 'compute_console')
    assert again == ([], [], [], first.chain)


def test_plan_live_leaves_an_equal_operator_rule_alone():
    wanted = wanted_displays()
    operator = Rule.accept('tcp', (5900, 5999), parse_source('10.0.0.5'))
    plan = plan_live([LO, operator], wanted, 'compute_console')
    assert [rule for dummy, rule in plan.inserts] == [wanted[1].rule]
    assert plan.deletes == []


def test_plan_live_adopts_rules_of_the_old_markers():
    old = Rule.accept('tcp', (5900, 5999), parse_source('10.0.0.5'))
    stale = Rule.accept('tcp', (10000, 20000), parse_source('10.0.0.5'))
    legacy = {old.bare_key: 1, stale.bare_key: 1}
    wanted = wanted_displays()
    plan = plan_live([LO, old, stale, REJECT_ALL], wanted, 'compute_console', legacy)
    assert plan.replaces == [(2, wanted[0].rule)]
    assert plan.deletes == [stale]
    assert [rule for dummy, rule in plan.inserts] == [wanted[1].rule]
    assert plan.chain == [LO, wanted[0].rule, wanted[1].rule, REJECT_ALL]


def test_legacy_owned_counts_lines_only_the_owner_marks():
    text = ('*filter\n:INPUT ACCEPT [0:0]\n' + mark('me', 'a') + A.render() + '\n' + mark('me', 'b') + mark('you', 'b')
            + B.render() + '\nCOMMIT\n')
    assert legacy_owned(SaveFile.parse(text), 'me') == {A.bare_key: 1}


def test_edit_file_migrates_old_markers_to_comments():
    old = Rule.accept('tcp', (5900, 5999), parse_source('10.0.0.5'))
    stale = Rule.accept('tcp', (10000, 20000), parse_source('10.0.0.5'))
    shared = Rule.accept('tcp', (16509, 16509))
    text = ('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\n' + mark('compute_console', 'displays')
            + old.render() + '\n' + mark('compute_console', 'serial') + stale.render() + '\n'
            + mark('compute_console', 'x') + mark('live_migration', 'libvirt') + shared.render() + '\n'
            + '-A INPUT -j REJECT --reject-with icmp-host-prohibited\nCOMMIT\n')
    save = SaveFile.parse(text)
    wanted = wanted_displays()
    edit = edit_file(save, 'compute_console', wanted)
    assert save.render() == ('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\n'
                             + wanted[0].rule.render() + '\n' + mark('live_migration', 'libvirt') + shared.render()
                             + '\n' + wanted[1].rule.render()
                             + '\n-A INPUT -j REJECT --reject-with icmp-host-prohibited\nCOMMIT\n')
    assert edit.marked == 1 and edit.removed == [stale] and edit.added == [wanted[1].rule]
    again = save.render()
    assert edit_file(save, 'compute_console', wanted) == ([], [], 0) and save.render() == again


def test_edit_file_of_a_resaved_file_keeps_ownership():
    # netfilter-persistent save: the file is iptables-save's output, comments included.
    wanted = wanted_displays()
    text = ('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\n' + SAVED + '\n'
            '-A INPUT -p tcp -m state --state NEW -m tcp --dport 5900:5999 -m comment --comment '
            '"novaops.console_migration: compute_console/displays" -j REJECT --reject-with tcp-reset\n'
            '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n')
    save = SaveFile.parse(text)
    assert edit_file(save, 'compute_console', wanted) == ([], [], 0) and save.render() == text
    edit = edit_file(save, 'compute_console', [])
    assert len(edit.removed) == 2
    assert save.render() == '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\n' \
        '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n'
