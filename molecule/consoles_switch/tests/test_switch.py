"""After switching from noVNC + serial to SPICE + serial."""

import pytest

from helpers import find_rules, http_get, nova_conf


@pytest.fixture(scope="module")
def proxy(lab):
    return lab["proxy1"]


@pytest.mark.parametrize("service", ["nova-spicehtml5proxy", "nova-serialproxy"])
def test_new_choice_runs(proxy, service):
    assert proxy.service(service).is_running
    assert proxy.service(service).is_enabled


def test_old_proxy_stopped_and_disabled(proxy):
    unit = proxy.service("nova-novncproxy")
    assert not unit.is_running
    assert not unit.is_enabled


def test_ports(proxy):
    assert proxy.socket("tcp://0.0.0.0:6082").is_listening
    assert not proxy.socket("tcp://0.0.0.0:6080").is_listening


def test_old_port_closed_in_the_firewall(proxy):
    live = proxy.check_output("iptables -S INPUT")
    saved = proxy.file("/etc/iptables/rules.v4").content_string
    for text in (live, saved):
        assert find_rules(text, owner="console_proxy", name="spice", dport="6082", target="ACCEPT"), text
        assert find_rules(text, owner="console_proxy", name="serial", dport="6083", target="ACCEPT"), text
        assert not find_rules(text, dport="6080"), text


def test_debian_selects_spice(proxy):
    assert "\nNOVA_CONSOLE_PROXY_TYPE=spicehtml5\n" in proxy.file("/etc/default/nova-consoleproxy").content_string


def test_compute_settings_switched(lab):
    conf = nova_conf(lab["compute1"])
    assert conf.get("vnc", "enabled") == "false"
    assert conf.get("spice", "enabled") == "true"
    proxy = lab["proxy1"].interface("eth0").addresses[0]
    assert conf.get("spice", "html5proxy_base_url") == "http://%s:6082/spice_auto.html" % proxy
    assert conf.get("spice", "server_proxyclient_address") == conf.get("serial_console", "proxyclient_address")


def test_spice_page_served(lab):
    url = nova_conf(lab["compute1"]).get("spice", "html5proxy_base_url")
    status, body = http_get(lab["compute1"], url)
    assert status == 200, body
    assert "spice" in body.lower()
