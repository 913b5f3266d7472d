"""The real /etc/nova/nova.conf on the lab computes: only the managed lines changed."""

import difflib
import re

import pytest

OPTION_LINE = re.compile(r"^[a-z_]+ = \S.*\n$")
SECTION_LINE = re.compile(r"^\[[a-z_]+\]\n$")


BEFORE = "/etc/nova/nova.conf.before-site"  # kept by lab/prepare.yml


def _options(lines, indexes):
    """{(section, key)} of the option lines at ``indexes``."""
    section, where, out = None, {}, set()
    for n, line in enumerate(lines):
        if SECTION_LINE.match(line):
            section = line.strip()[1:-1]
        where[n] = section
    for n in indexes:
        if OPTION_LINE.match(lines[n]):
            out.add((where[n], lines[n].split(" = ", 1)[0]))
    return out


@pytest.mark.parametrize("name", ["compute1", "compute2"])
def test_other_lines_kept_byte_for_byte(lab, name):
    before = lab[name].file(BEFORE).content_string.splitlines(keepends=True)
    actual = lab[name].file("/etc/nova/nova.conf").content_string.splitlines(keepends=True)
    removed, added = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, actual, autojunk=False).get_opcodes():
        if tag != "equal":
            removed.extend(range(i1, i2))
            added.extend(range(j1, j2))
    assert added, "nothing was managed"
    # what was added: managed options, new section headers, blank separators
    for n in added:
        assert OPTION_LINE.match(actual[n]) or SECTION_LINE.match(actual[n]) or actual[n] == "\n", actual[n]
    # what went away: only options that site.yml set to another value
    assert all(OPTION_LINE.match(before[n]) for n in removed), [before[n] for n in removed]
    assert _options(before, removed) <= _options(actual, added), [before[n] for n in removed]


@pytest.mark.parametrize("name", ["compute1", "compute2"])
def test_file_mode_and_owner_kept(lab, name):
    before = lab[name].file(BEFORE)
    conf = lab[name].file("/etc/nova/nova.conf")
    assert (conf.user, conf.group, conf.mode) == (before.user, before.group, before.mode)


def test_groups_match_the_lab(group_hosts):
    assert group_hosts("nova_console_proxy") == ["proxy1"]
    assert group_hosts("nova_compute") == ["compute1", "compute2"]
