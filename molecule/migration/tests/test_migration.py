"""Live migration on the lab: aligned ids, listening libvirtd, a running domain moves and back."""

import os
import re

import pytest

from helpers import recap, run_playbook, nova_conf, tcp_probe

COMPUTES = ["compute1", "compute2"]
OLD_NOVA_IDS = {"compute1": 990, "compute2": 991}
STATE_DIRS = "/var/lib/nova /etc/nova /var/log/nova /var/lib/libvirt /etc/libvirt /var/log/libvirt"
DOMAIN = "novaops-migration-probe"
DOMAIN_XML = f"""<domain type='qemu'>
  <name>{DOMAIN}</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><graphics type='vnc' autoport='yes' listen='127.0.0.1'/></devices>
</domain>"""


def run_site(*args):
    return run_playbook(os.path.join(os.environ["MOLECULE_SCENARIO_DIRECTORY"], "..", "default", "converge.yml"), *args)


def ids(host, user, group):
    return (host.user(user).uid, host.group(group).gid)


def address(host):
    return nova_conf(host).get("libvirt", "live_migration_inbound_addr")


def test_nova_and_qemu_ids_match_on_every_compute(lab):
    for user, group in (("nova", "nova"), ("libvirt-qemu", "kvm")):
        seen = {ids(lab[name], user, group) for name in COMPUTES}
        assert len(seen) == 1, (user, seen)
    assert lab["compute1"].user("libvirt-qemu").uid == 64055


def test_no_file_keeps_an_old_nova_id(lab):
    for name in COMPUTES:
        nova_uid = lab[name].user("nova").uid
        for old in OLD_NOVA_IDS.values():
            if old == nova_uid:
                continue
            found = lab[name].check_output(
                "find %s -xdev \\( -uid %s -o -gid %s \\) -print 2>/dev/null || true" % (STATE_DIRS, old, old))
            assert found == "", (name, old, found)
        assert lab[name].file("/var/lib/nova/instances/probe").user == "nova"


def test_multipath_names_by_wwid(lab):
    for name in COMPUTES:
        text = lab[name].file("/etc/multipath.conf").content_string
        assert re.search(r"^\s*user_friendly_names\s+\"?no\"?\s*$", text, re.M), text


def test_nova_conf_migration_settings(lab):
    for name in COMPUTES:
        conf = nova_conf(lab[name])
        assert conf.get("libvirt", "live_migration_scheme") == "tls"
        assert conf.get("libvirt", "live_migration_inbound_addr") == lab[name].interface("eth0").addresses[0]
        assert not conf.has_option("libvirt", "live_migration_uri")


def test_libvirt_tls_listens_and_keys_are_private(lab):
    for name in COMPUTES:
        host = lab[name]
        assert host.socket("tcp://%s:16514" % address(host)).is_listening
        for key in ("/etc/pki/libvirt/private/serverkey.pem", "/etc/pki/libvirt/private/clientkey.pem"):
            assert host.file(key).mode == 0o600
            assert host.file(key).user == "root"


def test_proxy_cannot_reach_libvirt(lab):
    for name in COMPUTES:
        assert tcp_probe(lab["proxy1"], address(lab[name]), 16514)[0] == "refused"


def test_computes_reach_each_others_libvirt(lab):
    assert tcp_probe(lab["compute1"], address(lab["compute2"]), 16514)[0] == "ok"
    assert tcp_probe(lab["compute2"], address(lab["compute1"]), 16514)[0] == "ok"


def start_domain(host):
    host.run("virsh destroy %s; virsh undefine %s", DOMAIN, DOMAIN)
    host.check_output("printf '%%s' %s > /tmp/%s.xml", DOMAIN_XML, DOMAIN)
    host.check_output("virsh create /tmp/%s.xml", DOMAIN)


def domain_state(host):
    return host.run("virsh domstate %s", DOMAIN).stdout.strip()


def migrate(lab, scheme):
    one, two = lab["compute1"], lab["compute2"]
    start_domain(one)
    try:
        one.check_output("virsh migrate --live --verbose %s qemu+%s://compute2/system", DOMAIN, scheme)
        assert domain_state(two) == "running"
        assert domain_state(one) != "running"
        two.check_output("virsh migrate --live %s qemu+%s://compute1/system", DOMAIN, scheme)
        assert domain_state(one) == "running"
        assert domain_state(two) != "running"
    finally:
        for host in (one, two):
            host.run("virsh destroy %s", DOMAIN)


def test_running_domain_migrates_over_tls_and_back(lab):
    migrate(lab, "tls")


def test_check_mode_on_the_converged_lab_changes_nothing():
    result = run_site("--check")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    changes = recap(result.stdout)
    assert {"compute1", "compute2", "proxy1"} <= set(changes), result.stdout[-4000:]
    assert not any(changes.values()), result.stdout[-4000:]


def snapshot(lab):
    return {
        name: (
            lab[name].file("/etc/nova/nova.conf").content_string,
            ids(lab[name], "nova", "nova"),
            lab[name].check_output("iptables -S INPUT"),
        )
        for name in COMPUTES
    }


@pytest.mark.parametrize(
    "extra, message",
    [
        ('{"live_migration_nova_uid": 0}', "live_migration_nova_uid: 0 is root's uid"),
        ('{"live_migration_transport": "tcp", "live_migration_tcp_auth": "none"}', "live_migration_tcp_auth"),
        ('{"live_migration_tls_files": {"ca_cert": "/nonexistent/ca.pem", "server_cert": "/nonexistent/s.pem",'
         ' "server_key": "/nonexistent/s.key", "client_cert": "/nonexistent/c.pem",'
         ' "client_key": "/nonexistent/c.key"}}', "live_migration_tls_files"),
    ],
)
def test_refusals_change_nothing(lab, extra, message):
    before = snapshot(lab)
    result = run_site("-e", extra)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
    assert recap(result.stdout) and not any(recap(result.stdout).values())
    assert snapshot(lab) == before


def test_running_domain_blocks_an_id_change(lab):
    one = lab["compute1"]
    start_domain(one)
    try:
        before = snapshot(lab)
        free_id = 4242
        result = run_site("-e", '{"live_migration_nova_uid": %d, "live_migration_nova_gid": %d}' % (free_id, free_id))
        assert result.returncode != 0
        assert DOMAIN in result.stdout + result.stderr
        assert snapshot(lab) == before
        assert domain_state(one) == "running"
    finally:
        one.run("virsh destroy %s", DOMAIN)


def test_tcp_with_sasl_migrates_and_stays_closed_to_the_proxy(lab):
    switch = run_site("-e", '{"live_migration_transport": "tcp", "live_migration_sasl_password": "lab-only-secret"}')
    assert switch.returncode == 0, switch.stdout[-4000:] + switch.stderr[-2000:]
    assert "lab-only-secret" not in switch.stdout + switch.stderr
    for name in COMPUTES:
        host = lab[name]
        assert host.socket("tcp://%s:16509" % address(host)).is_listening
        assert not host.socket("tcp://%s:16514" % address(host)).is_listening
        assert tcp_probe(lab["proxy1"], address(host), 16509)[0] == "refused"
        assert nova_conf(host).get("libvirt", "live_migration_scheme") == "tcp"
    migrate(lab, "tcp")


def test_ssh_transport_migrates(lab):
    # virsh (root on the source) opens the ssh connection itself without
    # --p2p; the root key, ssh client config and known hosts the role sets up
    # cover it just as they cover libvirtd's peer-to-peer connection.
    switch = run_site("-e", '{"live_migration_transport": "ssh"}')
    assert switch.returncode == 0, switch.stdout[-4000:] + switch.stderr[-2000:]
    migrate(lab, "ssh")
