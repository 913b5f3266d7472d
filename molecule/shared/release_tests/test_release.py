"""site.yml on the Debian suite of the scenario (NOVAOPS_LAB_SUITE), with that suite's own packages.

Shared by the scenarios bullseye and trixie: the release the packages
install, what the collection detects and plans for it, and what the real
proxy, nova and libvirt of that release do with the result.
"""

import json
import os
import re
import subprocess
import sys

import pytest

from helpers import http_get, nova_conf, run_playbook

PROJECT = os.environ["MOLECULE_PROJECT_DIRECTORY"]
sys.path.insert(0, os.path.join(PROJECT, "collections"))

from ansible_collections.novaops.console_migration.plugins.module_utils import (  # noqa: E402
    libvirt_layout,
    nova_releases,
)

# What each suite ships: nova major and release, libvirt major.minor.
SUITES = {
    "bullseye": {"version": "11", "nova": "22", "release": "victoria", "libvirt": "7.0"},
    "bookworm": {"version": "12", "nova": "26", "release": "zed", "libvirt": "9.0"},
    "trixie": {"version": "13", "nova": "31", "release": "epoxy", "libvirt": "11.3"},
}
SUITE_NAME = os.environ.get("NOVAOPS_LAB_SUITE", "bookworm")
SUITE = SUITES[SUITE_NAME]
COMPUTES = ["compute1", "compute2"]
HOSTS = ["proxy1"] + COMPUTES

# Run on the proxy with its python3-nova: every (section, option) given is an
# option of that nova, under its own name and not deprecated for removal.
OPTION_CHECK = r"""
import json, sys
from nova.conf import opts
known, renamed = {}, {}
for group, options in opts.list_opts():
    section = getattr(group, "name", group) or "DEFAULT"
    for opt in options:
        known[(section, opt.dest)] = bool(getattr(opt, "deprecated_for_removal", False))
        for old in opt.deprecated_opts:
            renamed[(old.group or section, (old.name or opt.dest).replace("-", "_"))] = opt.dest
bad = []
for section, option in json.loads(sys.argv[1]):
    key = (section, option)
    if key in known:
        if known[key]:
            bad.append("%s.%s is deprecated for removal" % key)
    elif key in renamed:
        bad.append("%s.%s is an old name of %s" % (section, option, renamed[key]))
    else:
        bad.append("%s.%s is no option of this nova" % key)
print(json.dumps(bad))
"""


def address(host):
    return host.interface("eth0").addresses[0]


def written_options(host):
    """The (section, option) pairs site.yml added or changed in nova.conf."""
    before = nova_conf(host, "/etc/nova/nova.conf.before-site")
    after = nova_conf(host)
    out = []
    for section in after.sections():
        for option, value in after.items(section):
            if not before.has_section(section) or before.get(section, option, fallback=None) != value:
                out.append((section, option))
    return out


def test_hosts_run_the_suite(lab):
    for name in HOSTS:
        release = lab[name].file("/etc/os-release").content_string
        assert re.search(r"^VERSION_CODENAME=%s$" % SUITE_NAME, release, re.M), (name, release)


def test_nova_consoleproxy_is_the_suites_release(lab):
    version = lab["proxy1"].check_output("dpkg-query -W -f '${Version}' nova-consoleproxy")
    assert re.match(r"^2:%s\." % SUITE["nova"], version), version
    assert nova_releases.release_from_version(version) == SUITE["release"]


def test_host_facts_reports_the_release():
    result = subprocess.run(
        ["ansible", "-i", os.environ["MOLECULE_INVENTORY_FILE"], "all", "-o",
         "-m", "novaops.console_migration.host_facts"],
        capture_output=True, text=True, check=False,
        env=dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0"))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    found = {}
    for line in result.stdout.splitlines():
        match = re.match(r"^(\S+) \| SUCCESS => (\{.*\})$", line)
        if match:
            found[match.group(1)] = json.loads(match.group(2))
    assert sorted(found) == sorted(HOSTS), result.stdout[-3000:]
    for name, facts in found.items():
        assert facts["distro"] == "debian", (name, facts["distro"])
        assert facts["release"] == SUITE["release"], (name, facts["nova_release"])
        assert facts["ansible_facts"]["ansible_distribution_major_version"] == SUITE["version"], name
    # installed on the proxy, the candidate of the suite's archive on the computes
    assert found["proxy1"]["release_source"] == "installed"


def test_novnc_page_answers_through_the_proxy(lab):
    proxy = lab["proxy1"]
    assert proxy.service("nova-novncproxy").is_running
    assert proxy.socket("tcp://0.0.0.0:6080").is_listening
    url = nova_conf(lab["compute1"]).get("vnc", "novncproxy_base_url")
    assert url == "http://%s:6080/vnc_lite.html" % address(proxy)
    status, body = http_get(lab["compute1"], url)
    assert status == 200, body
    assert "noVNC" in body


def test_nova_conf_has_the_releases_option_names(lab):
    for name in COMPUTES:
        host = lab[name]
        conf = nova_conf(host)
        assert conf.get("vnc", "server_listen") == address(host)
        assert conf.get("vnc", "server_proxyclient_address") == address(host)
        assert conf.get("libvirt", "live_migration_scheme") == "tls"
        assert conf.get("libvirt", "live_migration_inbound_addr") == address(host)
        for section, option in (("vnc", "vncserver_listen"), ("vnc", "vncserver_proxyclient_address"),
                                ("DEFAULT", "vncserver_listen"), ("libvirt", "live_migration_uri")):
            assert not conf.has_option(section, option), (name, section, option)


def test_the_suites_nova_knows_every_option_site_wrote(lab):
    written = written_options(lab["compute1"])
    assert ("vnc", "server_listen") in written and ("libvirt", "live_migration_scheme") in written, written
    out = lab["proxy1"].check_output("python3 -c %s %s", OPTION_CHECK, json.dumps(written))
    assert json.loads(out) == [], written


def real_layout(host):
    """The layout whose TLS socket listens (libvirt_layout.LAYOUTS), from the host's units."""
    for unit, layout in (("virtproxyd-tls.socket", "modular"), ("libvirtd-tls.socket", "socket")):
        if host.run("systemctl is-active --quiet %s", unit).rc == 0:
            return layout
    return "legacy"


def test_libvirt_tls_listens_as_the_plan_for_the_release_says(lab):
    known = libvirt_layout.packaged("debian", SUITE["release"], nova_releases.release_index)
    assert known["libvirt"].startswith(SUITE["libvirt"] + "."), known
    planned = libvirt_layout.layout_for(known["libvirt"])
    for name in COMPUTES:
        host = lab[name]
        version = host.check_output("dpkg-query -W -f '${Version}' libvirt-daemon-system")
        assert version.startswith(SUITE["libvirt"] + "."), (name, version)
        assert host.socket("tcp://%s:16514" % address(host)).is_listening, name
        assert real_layout(host) == planned, (name, real_layout(host), planned)


def test_canary_live_migrates_with_verify_yml():
    result = run_playbook(os.path.join(PROJECT, "playbooks", "verify.yml"))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "ok   canary migration compute1 -> compute2 -> compute1" in result.stdout
    assert "ok   canary migration compute2 -> compute1 -> compute2" in result.stdout
    assert re.search(r"ok   console http://\S+:6080/vnc_lite\.html from the control node \(200\)", result.stdout)
    assert re.search(r"all \d+ checks passed", result.stdout), result.stdout[-4000:]


@pytest.mark.parametrize("name", COMPUTES)
def test_no_canary_is_left(lab, name):
    assert "novaops-canary" not in lab[name].check_output("virsh list --all --name")
