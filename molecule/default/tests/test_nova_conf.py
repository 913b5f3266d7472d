"""The real /etc/nova/nova.conf on the lab computes: only the managed lines changed."""

import os
import re

import pytest

OPTION_LINE = re.compile(r"^[a-z_]+ = \S.*\n$")
SECTION_LINE = re.compile(r"^\[[a-z_]+\]\n$")


@pytest.fixture(scope="module")
def sample(project_dir):
    with open(os.path.join(project_dir, "lab/files/nova.conf.sample"), encoding="utf-8") as f:
        return f.read().splitlines(keepends=True)


@pytest.mark.parametrize("name", ["compute1", "compute2"])
def test_other_lines_kept_byte_for_byte(lab, name, sample):
    actual = lab[name].file("/etc/nova/nova.conf").content_string.splitlines(keepends=True)
    # The sample's lines appear in order; everything else is a managed option,
    # or a new section header (with its separating blank line) at the end.
    i = 0
    added = []
    for line in actual:
        if i < len(sample) and line == sample[i]:
            i += 1
        else:
            added.append(line)
    assert i == len(sample), "sample line %d missing: %r" % (i, sample[i] if i < len(sample) else "")
    assert added, "nothing was managed"
    for line in added:
        assert OPTION_LINE.match(line) or SECTION_LINE.match(line) or line == "\n", line


@pytest.mark.parametrize("name", ["compute1", "compute2"])
def test_file_mode_and_owner_kept(lab, name):
    conf = lab[name].file("/etc/nova/nova.conf")
    assert conf.user == "root"
    assert conf.group == "root"
    assert conf.mode == 0o640


def test_groups_match_the_lab(group_hosts):
    assert group_hosts("nova_console_proxy") == ["proxy1"]
    assert group_hosts("nova_compute") == ["compute1", "compute2"]
