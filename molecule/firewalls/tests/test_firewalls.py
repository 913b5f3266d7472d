"""After serial on, an operator's re-save on proxy1, serial off: on iptables, nftables and firewalld."""

import pytest

from helpers import find_rules, tcp_probe

PROBE = 5901  # inside the VNC range the computes open to the proxy


def address(host):
    return host.interface("eth0").addresses[0]


@pytest.fixture(scope="module")
def listeners(lab):
    """A throwaway listener on PROBE on each compute, so that open means connected."""
    for name in ("compute1", "compute2"):
        lab[name].run("systemd-run --unit novaops-probe python3 -m http.server %d" % PROBE)
    yield
    for name in ("compute1", "compute2"):
        lab[name].run("systemctl stop novaops-probe")


def test_proxy_iptables_closed_serial_after_the_resave(lab):
    proxy = lab["proxy1"]
    for text in (proxy.check_output("iptables -S INPUT"), proxy.file("/etc/iptables/rules.v4").content_string):
        assert find_rules(text, owner="console_proxy", name="novnc", dport="6080"), text
        assert not find_rules(text, dport="6083"), text
        assert "# novaops.console_migration" not in text
        assert find_rules(text, comment=None, protocol="tcp", dport="8123", target="ACCEPT"), text  # the operator's rule


def test_compute1_nftables_table(lab):
    host = lab["compute1"]
    table = host.check_output("nft list table inet novaops_console_migration")
    assert "chain compute_console" in table and "hook input priority filter - 10" in table
    assert "compute_console/serial" not in table
    assert 'ip saddr %s tcp dport 5900-5999 ct state new accept comment' % address(lab["proxy1"]) in table
    assert "chain live_migration" in table
    assert "tcp dport 8123 accept" in host.check_output("nft list chain inet filter input")
    saved = host.file("/etc/nftables.d/novaops_console_migration-compute_console.nft").content_string
    assert "compute_console/displays" in saved and "compute_console/serial" not in saved
    assert 'include "/etc/nftables.d/novaops_console_migration-*.nft"' in host.file("/etc/nftables.conf").content_string


def test_compute1_rules_survive_a_reload(lab):
    host = lab["compute1"]
    before = host.check_output("nft list table inet novaops_console_migration")
    host.run_expect([0], "systemctl restart nftables")
    assert host.check_output("nft list table inet novaops_console_migration") == before


def test_compute2_firewalld_policy(lab):
    host = lab["compute2"]
    for permanent in ("--permanent ", ""):
        rules = host.check_output("firewall-cmd %s--policy=novaops-consoles --list-rich-rules" % permanent)
        assert 'source address="%s" port port="5900-5999" protocol="tcp" accept' % address(lab["proxy1"]) in rules
        assert 'port port="10000-' not in rules
        assert "8123/tcp" in host.check_output("firewall-cmd %s--list-ports" % permanent)
    migration = host.check_output("firewall-cmd --policy=novaops-migration --list-rich-rules")
    assert 'source address="%s"' % address(lab["compute1"]) in migration


@pytest.mark.parametrize("target", ["compute1", "compute2"])
def test_consoles_reachable_from_the_proxy_only(lab, listeners, target):
    assert tcp_probe(lab["proxy1"], address(lab[target]), PROBE)[0] == "ok"
    other = "compute2" if target == "compute1" else "compute1"
    assert tcp_probe(lab[other], address(lab[target]), PROBE)[0] != "ok"


@pytest.mark.parametrize("target", ["compute1", "compute2"])
def test_migration_ports_from_the_other_compute_only(lab, target):
    other = "compute2" if target == "compute1" else "compute1"
    assert tcp_probe(lab[other], address(lab[target]), 16514)[0] == "ok"
    assert tcp_probe(lab["proxy1"], address(lab[target]), 16514)[0] != "ok"
