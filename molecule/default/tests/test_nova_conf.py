"""The real /etc/nova/nova.conf on each lab host after site.yml."""

import configparser
import os

import pytest

COMMON = {
    ("DEFAULT", "state_path"): "/var/lib/nova",
    ("oslo_concurrency", "lock_path"): "/var/lib/nova/tmp",
}
COMPUTE = {
    ("DEFAULT", "compute_driver"): "libvirt.LibvirtDriver",
    ("libvirt", "virt_type"): "qemu",
    ("vnc", "enabled"): "true",
}
HOSTS = ["proxy1", "compute1", "compute2"]


def expected_options(name):
    options = dict(COMMON)
    options[("DEFAULT", "host")] = name
    if name.startswith("compute"):
        options.update(COMPUTE)
    return options


def read_conf(host):
    conf = host.file("/etc/nova/nova.conf")
    assert conf.exists
    return conf.content_string


@pytest.mark.parametrize("name", HOSTS)
def test_managed_options_have_their_values(lab, name):
    parser = configparser.RawConfigParser(strict=False, default_section="__none__")
    parser.read_string(read_conf(lab[name]))
    for (section, option), value in expected_options(name).items():
        assert parser.get(section, option) == value, (section, option)


@pytest.mark.parametrize("name", HOSTS)
def test_other_lines_kept_byte_for_byte(lab, name, project_dir):
    with open(os.path.join(project_dir, "lab/files/nova.conf.sample"), encoding="utf-8") as f:
        sample = f.read().splitlines(keepends=True)
    actual = read_conf(lab[name]).splitlines(keepends=True)
    managed = {option for _section, option in expected_options(name)}
    added = [line for line in actual if line.split("=")[0].strip() in managed]
    kept = [line for line in actual if line not in added]
    assert kept == sample
    assert len(added) == len(expected_options(name))


@pytest.mark.parametrize("name", HOSTS)
def test_file_mode_and_owner_kept(lab, name):
    conf = lab[name].file("/etc/nova/nova.conf")
    assert conf.user == "root"
    assert conf.group == "root"
    assert conf.mode == 0o640


def test_groups_match_the_lab(group_hosts):
    assert group_hosts("nova_console_proxy") == ["proxy1"]
    assert group_hosts("nova_compute") == ["compute1", "compute2"]
