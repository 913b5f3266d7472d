"""The real /etc/nova/nova.conf on the lab computes: only the managed lines changed."""

import re

import pytest

OPTION_LINE = re.compile(r"^[a-z_]+ = \S.*\n$")
SECTION_LINE = re.compile(r"^\[[a-z_]+\]\n$")


BEFORE = "/etc/nova/nova.conf.before-site"  # kept by lab/prepare.yml


@pytest.mark.parametrize("name", ["compute1", "compute2"])
def test_other_lines_kept_byte_for_byte(lab, name):
    before = lab[name].file(BEFORE).content_string.splitlines(keepends=True)
    actual = lab[name].file("/etc/nova/nova.conf").content_string.splitlines(keepends=True)
    # The lines nova.conf had appear in order; everything else is a managed
    # option, or a new section header (with its separating blank line).
    i = 0
    added = []
    for line in actual:
        if i < len(before) and line == before[i]:
            i += 1
        else:
            added.append(line)
    assert i == len(before), "line %d missing: %r" % (i, before[i] if i < len(before) else "")
    assert added, "nothing was managed"
    for line in added:
        assert OPTION_LINE.match(line) or SECTION_LINE.match(line) or line == "\n", line


@pytest.mark.parametrize("name", ["compute1", "compute2"])
def test_file_mode_and_owner_kept(lab, name):
    before = lab[name].file(BEFORE)
    conf = lab[name].file("/etc/nova/nova.conf")
    assert (conf.user, conf.group, conf.mode) == (before.user, before.group, before.mode)


def test_groups_match_the_lab(group_hosts):
    assert group_hosts("nova_console_proxy") == ["proxy1"]
    assert group_hosts("nova_compute") == ["compute1", "compute2"]
