"""site.yml on the lab cloud: Nova's own services, clients and tempest prove it.

The tests run in order: the cloud after site.yml, a migration broken on
purpose and repaired by site.yml, then tempest.
"""

import os
import re
import subprocess

from helpers import delete_rule_command, find_rules, nova_conf, recap, run_playbook

PROJECT = os.environ.get("MOLECULE_PROJECT_DIRECTORY", ".")
VERIFY = os.path.join(PROJECT, "playbooks", "verify.yml")
SITE = os.path.join(PROJECT, "site.yml")
PREFIX = os.environ["NOVAOPS_LAB_PREFIX"]


def openstack(lab, *args):
    return lab["proxy1"].check_output("OS_CLOUD=lab openstack " + " ".join(args) + " 2>/dev/null")


def test_every_nova_service_is_up(lab):
    rows = [line.split() for line in openstack(lab, "compute service list -f value -c Binary -c Host -c State").splitlines()]
    assert sorted(r[:2] for r in rows if r[2] == "up") == [
        ["nova-compute", "compute1"], ["nova-compute", "compute2"],
        ["nova-conductor", "proxy1"], ["nova-scheduler", "proxy1"]], rows


def test_nova_compute_runs_with_the_consoles_and_migration_site_wrote(lab, group_hosts):
    for name in group_hosts("nova_compute"):
        host = lab[name]
        assert host.service("nova-compute").is_running
        conf = nova_conf(host)
        assert conf.get("vnc", "server_listen") == host.interface("eth0").addresses[0]
        assert conf.get("libvirt", "live_migration_scheme") == "tls"
        assert conf.get("libvirt", "live_migration_inbound_addr")


def _nova_migration_lines(stdout):
    lines = re.findall(r"^\s*\"?((?:ok  |FAIL) +nova live migration [^\"]*)", stdout, re.M)
    return list(dict.fromkeys(lines))


def test_a_peer_closed_libvirt_port_breaks_nova_live_migration_and_site_repairs_it(lab):
    compute1 = lab["compute1"].interface("eth0").addresses[0]
    match = dict(owner="live_migration", source="%s/32" % compute1, protocol="tcp", dport="16514", target="ACCEPT")
    rules = find_rules(lab["compute2"].check_output("iptables -S INPUT"), **match)
    assert len(rules) == 1, rules
    lab["compute2"].check_output(delete_rule_command(rules[0]))
    assert not find_rules(lab["compute2"].check_output("iptables -S INPUT"), **match)

    broken = run_playbook(VERIFY)
    lines = _nova_migration_lines(broken.stdout)
    assert broken.returncode != 0
    assert any(line.startswith("FAIL") for line in lines), broken.stdout[-4000:]

    repair = run_playbook(SITE)
    assert repair.returncode == 0, repair.stdout[-4000:]
    assert recap(repair.stdout)["compute2"] > 0
    assert [rule["line"] for rule in find_rules(lab["compute2"].check_output("iptables -S INPUT"), **match)] == [
        rules[0]["line"]]

    fixed = run_playbook(VERIFY)
    assert fixed.returncode == 0, fixed.stdout[-4000:]
    lines = _nova_migration_lines(fixed.stdout)
    assert len(lines) == 2 and all(line.startswith("ok") for line in lines), lines
    (src, dst), back = [re.search(r"(\S+) -> (\S+)$", line).groups() for line in lines]
    assert src != dst and back == (dst, src), lines
    assert re.search(r"ok   nova console novnc \(RFB 003\.008 through ws://", fixed.stdout)
    assert re.search(r"ok   nova console serial \(open ", fixed.stdout)
    # the virsh-level checks run beside Nova's
    assert "ok   canary migration compute1 -> compute2 -> compute1" in fixed.stdout
    assert "ok   canary migration compute2 -> compute1 -> compute2" in fixed.stdout
    assert "from the control node (200)" in fixed.stdout
    assert re.search(r"all \d+ checks passed", fixed.stdout), fixed.stdout[-4000:]


def test_tempest_console_and_live_migration_tests_pass():
    result = subprocess.run([os.path.join(PROJECT, "scripts", "check-tempest.sh"), PREFIX],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
