"""Consoles end to end on the lab: proxies answer, consoles reach only the proxies."""

import json
import os
import re

import pytest

from helpers import recap, run_playbook, http_get, nova_conf, tcp_probe

DOMAIN = "novaops-console-probe"


def management_address(host):
    return nova_conf(host).get("vnc", "server_proxyclient_address")


def run_site(*args):
    return run_playbook(os.path.join(os.environ["MOLECULE_SCENARIO_DIRECTORY"], "converge.yml"), *args)


@pytest.fixture(scope="module")
def proxy(lab):
    return lab["proxy1"]


@pytest.mark.parametrize("service", ["nova-novncproxy", "nova-serialproxy"])
def test_chosen_proxies_run(proxy, service):
    unit = proxy.service(service)
    assert unit.is_running
    assert unit.is_enabled


def test_unchosen_graphical_proxy_is_stopped(proxy):
    assert not proxy.service("nova-spicehtml5proxy").is_running


@pytest.mark.parametrize("port", [6080, 6083])
def test_proxy_ports_listen(proxy, port):
    assert proxy.socket("tcp://0.0.0.0:%d" % port).is_listening


def test_debian_selects_novnc(proxy):
    default = proxy.file("/etc/default/nova-consoleproxy").content_string
    assert re.search(r"^NOVA_CONSOLE_PROXY_TYPE=novnc$", default, re.M)
    assert re.search(r"^NOVA_SERIAL_PROXY_START=true$", default, re.M)


def test_compute_console_settings(lab):
    for name in ("compute1", "compute2"):
        conf = nova_conf(lab[name])
        address = conf.get("vnc", "server_proxyclient_address")
        assert lab[name].interface("eth0").addresses[0] == address
        assert conf.get("vnc", "enabled") == "true"
        assert conf.get("vnc", "server_listen") == address
        proxy = lab["proxy1"].interface("eth0").addresses[0]
        assert conf.get("vnc", "novncproxy_base_url") == "http://%s:6080/vnc_lite.html" % proxy
        assert conf.get("serial_console", "enabled") == "true"
        assert conf.get("serial_console", "base_url") == "ws://%s:6083/" % proxy
        assert conf.get("serial_console", "proxyclient_address") == address
        assert conf.get("serial_console", "port_range") == "10000:20000"


def test_novncproxy_base_url_serves_novnc_from_a_compute(lab):
    url = nova_conf(lab["compute1"]).get("vnc", "novncproxy_base_url")
    status, body = http_get(lab["compute1"], url)
    assert status == 200, body
    assert "noVNC" in body


@pytest.fixture(scope="module")
def console_domain(lab):
    """A running TCG domain on compute1 with the VNC and serial endpoints nova.conf implies."""
    compute = lab["compute1"]
    conf = nova_conf(compute)
    listen = conf.get("vnc", "server_listen")
    serial_host = conf.get("serial_console", "proxyclient_address")
    serial_port = int(conf.get("serial_console", "port_range").split(":")[0])
    xml = f"""<domain type='qemu'>
  <name>{DOMAIN}</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <graphics type='vnc' autoport='yes' listen='{listen}'/>
    <serial type='tcp'>
      <source mode='bind' host='{serial_host}' service='{serial_port}'/>
      <protocol type='raw'/>
      <target port='0'/>
    </serial>
  </devices>
</domain>"""
    compute.run("virsh destroy %s; virsh undefine %s", DOMAIN, DOMAIN)
    compute.check_output("printf '%%s' %s > /tmp/%s.xml", xml, DOMAIN)
    compute.check_output("virsh define /tmp/%s.xml && virsh start %s", DOMAIN, DOMAIN)
    display = compute.check_output("virsh vncdisplay %s", DOMAIN)
    vnc_port = 5900 + int(display.rsplit(":", 1)[1])
    yield {"address": listen, "vnc_port": vnc_port, "serial_host": serial_host, "serial_port": serial_port}
    compute.run("virsh destroy %s; virsh undefine %s", DOMAIN, DOMAIN)


def test_proxy_reaches_the_vnc_console(lab, console_domain):
    state, data = tcp_probe(lab["proxy1"], console_domain["address"], console_domain["vnc_port"], read=12)
    assert (state, data) == ("ok", "RFB 003.008\n")


def test_proxy_reaches_the_serial_console(lab, console_domain):
    state = tcp_probe(lab["proxy1"], console_domain["serial_host"], console_domain["serial_port"])[0]
    assert state == "ok"


def test_other_compute_is_refused_vnc(lab, console_domain):
    state = tcp_probe(lab["compute2"], console_domain["address"], console_domain["vnc_port"], read=12)[0]
    assert state == "refused"


def test_other_compute_is_refused_serial(lab, console_domain):
    state = tcp_probe(lab["compute2"], console_domain["serial_host"], console_domain["serial_port"])[0]
    assert state == "refused"


def test_check_mode_on_the_converged_lab_changes_nothing():
    result = run_site("--check", "--diff")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    changes = recap(result.stdout)
    assert {"compute1", "compute2", "proxy1"} <= set(changes), result.stdout[-3000:]
    assert not any(changes.values()), result.stdout[-3000:]


# Each run carries several bad values of one role at once (a role's plan
# names every one of them; the first role that refuses stops the run), so
# four site.yml runs cover what would otherwise take eight.
@pytest.mark.parametrize(
    "bad, reason",
    [
        ({"novaops_release": "bananas", "novaops_console_types": ["novnc", "spice"]},
         "'novnc' and 'spice' together"),
        # refused by host_plan, before the readiness checks read the hosts
        ({"compute_console_management_address": "10.0.0.300"}, "'10.0.0.300' is not an IP address"),
        ({
            "novaops_console_types": ["novnc", "telnet"],
            "console_proxy_allowed_sources": ["10.0.0.1/8"],
            "console_proxy_novnc_port": 70000,
        }, "'telnet' is not a console type"),
        ({
            "compute_console_novncproxy_base_url": "htp://proxy1:6080/vnc_auto.html",
            "compute_console_serial_port_range": "20000:10000",
        }, "'20000:10000' is not a port range"),
    ],
    ids=["release-types", "address", "proxy", "compute"],
)
def test_bad_input_fails_before_any_host_changes(lab, bad, reason):
    before = {name: lab[name].file("/etc/nova/nova.conf").content_string for name in lab}
    result = run_site("-e", json.dumps(bad))
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert [v for v in bad if v + ":" not in output] == [], output[-4000:]
    assert reason in output, output[-4000:]
    assert "PLAY [Console proxies]" not in result.stdout
    assert recap(result.stdout) and not any(recap(result.stdout).values())
    after = {name: lab[name].file("/etc/nova/nova.conf").content_string for name in lab}
    assert after == before
