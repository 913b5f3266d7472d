"""Live migration on the lab: aligned ids, listening libvirtd, a running domain moves and back."""

import os
import re
import struct

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


QEMU_PORTS = (49152, 49215)
CAPTURE = "/tmp/novaops-migration.pcap"


def test_native_tls_files_and_settings(lab):
    for name in COMPUTES:
        host = lab[name]
        assert nova_conf(host).get("libvirt", "live_migration_with_native_tls") == "true"
        assert re.search(r"^default_tls_x509_verify = 1$", host.file("/etc/libvirt/qemu.conf").content_string, re.M)
        for base, mode in (("ca-cert", 0o644), ("server-cert", 0o644), ("server-key", 0o600),
                           ("client-cert", 0o644), ("client-key", 0o600)):
            info = host.file("/etc/pki/qemu/%s.pem" % base)
            assert (info.mode, info.user, info.group) == (mode, "libvirt-qemu", "kvm"), base
        # QEMU reads its key as its own user.
        assert host.run("runuser -u libvirt-qemu -- head -c0 /etc/pki/qemu/server-key.pem").rc == 0
        assert host.run("runuser -u nova -- head -c0 /etc/pki/qemu/server-key.pem").rc != 0


def tcp_payloads(pcap):
    """[(src, dst, dport, payload)] of the TCP packets with data in a pcap file."""
    magic = struct.unpack("<I", pcap[:4])[0]
    order = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    link = struct.unpack(order + "I", pcap[20:24])[0]
    skip = {1: 14, 113: 16, 276: 20}[link]
    out, pos = [], 24
    while pos + 16 <= len(pcap):
        caplen = struct.unpack(order + "I", pcap[pos + 8:pos + 12])[0]
        frame = pcap[pos + 16:pos + 16 + caplen]
        pos += 16 + caplen
        ip = frame[skip:]
        if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 6:
            continue
        ihl = (ip[0] & 15) * 4
        total = struct.unpack(">H", ip[2:4])[0]
        tcp = ip[ihl:total]
        data = tcp[(tcp[12] >> 4) * 4:]
        if data:
            src, dst = ".".join(map(str, ip[12:16])), ".".join(map(str, ip[16:20]))
            out.append((src, dst, struct.unpack(">H", tcp[2:4])[0], data))
    return out


def captured_migration(lab, *options):
    """Migrate the canary there and back with virsh `options`; the QEMU-port packets compute2 saw."""
    one, two = lab["compute1"], lab["compute2"]
    two.run("rm -f %s" % CAPTURE)
    migrate = "virsh migrate --live %s --migrateuri tcp://%%s %s qemu+tls://%%s/system" % (" ".join(options), DOMAIN)
    two.check_output("setsid nohup tcpdump -U -n -s 0 -i any -w %s 'tcp portrange %d-%d' </dev/null "
                     ">/tmp/tcpdump.log 2>&1 & echo $! >/tmp/tcpdump.pid" % ((CAPTURE,) + QEMU_PORTS))
    two.check_output("for i in $(seq 50); do grep -q listening /tmp/tcpdump.log && exit 0; sleep 0.2; done; exit 1")
    start_domain(one)
    try:
        # As nova does with live_migration_inbound_addr: QEMU connects to that address.
        one.check_output(migrate, address(two), "compute2")
        assert domain_state(two) == "running"
        assert domain_state(one) != "running"
        two.check_output(migrate, address(one), "compute1")
        assert domain_state(one) == "running"
        assert domain_state(two) != "running"
    finally:
        for host in (one, two):
            host.run("virsh destroy %s", DOMAIN)
        two.run("kill -INT $(cat /tmp/tcpdump.pid); sleep 1")
    return tcp_payloads(two.file(CAPTURE).content)


def first_client_bytes(packets):
    """{(src, dst): first data bytes sent to a QEMU migration port}."""
    first = {}
    for src, dst, dport, data in packets:
        if QEMU_PORTS[0] <= dport <= QEMU_PORTS[1]:
            first.setdefault((src, dst), data)
    return first


def test_migration_stream_with_native_tls_is_tls_on_the_qemu_ports(lab):
    # --tls is VIR_MIGRATE_TLS, the flag nova adds with live_migration_with_native_tls.
    packets = captured_migration(lab, "--tls")
    first = first_client_bytes(packets)
    one, two = address(lab["compute1"]), address(lab["compute2"])
    assert set(first) == {(one, two), (two, one)}, first
    for flow, data in first.items():
        # A TLS handshake record (0x16, version 3.x), not QEMU's stream header.
        assert data[:2] == b"\x16\x03", (flow, data[:8])
    assert not any(b"QEVM" in data for dummy, dummy2, dummy3, data in packets)


def test_the_capture_sees_the_clear_stream_without_tls(lab):
    # The same capture without --tls: QEMU's stream starts with its magic 'QEVM'.
    first = first_client_bytes(captured_migration(lab))
    assert first and all(data[:4] == b"QEVM" for data in first.values()), first


# live_migration_pki_dir defaults to .novaops-pki beside the site playbook (playbooks/)
PKI = os.path.join(os.environ.get("MOLECULE_PROJECT_DIRECTORY", "."), "playbooks", ".novaops-pki")


def short_lived_certificate(days):
    """compute1's server certificate signed again by the lab CA: expiring in ``days``, naming only compute1."""
    import datetime
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    def load(name):
        with open(os.path.join(PKI, name), "rb") as handle:
            return handle.read()

    ca = x509.load_pem_x509_certificate(load("ca.pem"))
    ca_key = serialization.load_pem_private_key(load("ca.key"), None)
    key = serialization.load_pem_private_key(load("compute1-server.key"), None)
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "compute1")]))
            .issuer_name(ca.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("compute1")]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    with open(os.path.join(PKI, "compute1-server.pem"), "wb") as handle:
        handle.write(cert.public_bytes(serialization.Encoding.PEM))


def installed_certificate(host):
    from cryptography import x509
    return x509.load_pem_x509_certificate(host.file("/etc/pki/libvirt/servercert.pem").content)


def test_a_certificate_near_expiry_and_missing_a_name_is_issued_again(lab):
    import datetime
    import ipaddress
    from cryptography import x509

    short_lived_certificate(5)
    result = run_site()
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    cert = installed_certificate(lab["compute1"])
    left = cert.not_valid_after_utc - datetime.datetime.now(datetime.timezone.utc)
    assert left > datetime.timedelta(days=30)
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert ipaddress.ip_address(address(lab["compute1"])) in names.get_values_for_type(x509.IPAddress)
    assert "compute1" in names.get_values_for_type(x509.DNSName)
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
