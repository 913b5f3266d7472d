# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""README.ja.md names the same commands, settings and examples as README.md.

What counts as named is defined in ``readme_sync``: fenced code blocks
(verbatim, in order), named inline code spans (variables, commands,
playbooks, paths; as sets), table first columns and the heading levels.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import io
import os

import pytest

from ansible_collections.novaops.console_migration.tests.unit.readme_sync import classify, compare, parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read(name):
    with io.open(os.path.join(ROOT, name), encoding='utf-8') as handle:
        return handle.read()


@pytest.fixture(scope='module')
def readmes():
    return read('README.md'), read('README.ja.md')


def test_readme_ja_links_to_readme():
    first = [line for line in read('README.ja.md').splitlines() if line.strip()][0]
    assert first == 'English: [README.md](README.md)'


@pytest.mark.parametrize('part', ['blocks', 'named', 'tables', 'headings'])
def test_readme_ja_in_step_with_readme(readmes, part):
    problems = compare(readmes[0], readmes[1], parts=(part,))
    assert not problems, '\n'.join(problems)


def test_readme_has_something_to_compare(readmes):
    """The checker sees the README's blocks, names and tables (so the sync test is not vacuous)."""
    found = parse(readmes[0])
    assert len(found['blocks']) >= 5
    assert len(found['tables']) >= 3
    assert len(found['headings']) >= 5
    named = found['named']
    assert named.get('novaops_release') == 'variable'
    assert named.get('scripts/test.sh') == 'command'
    assert named.get('playbooks/preflight.yml') == 'playbook'
    assert named.get('/etc/multipath.conf') == 'path'
    assert any(('novaops_release',) in rows for _header, rows in found['tables'])


@pytest.mark.parametrize('span, kind', [
    ('novaops_release', 'variable'),
    ('console_proxy_*', 'variable'),
    ('compute_console_*', 'variable'),
    ('live_migration_allow_tcp_auth_none: true', 'variable'),
    ('preflight_report_path', 'variable'),
    ('plan_role', 'variable'),
    ('NOVAOPS_TEST_STEPS="unit lint"', 'variable'),
    ('PATH', 'variable'),
    ('./scripts/lab-site.sh --check --diff', 'command'),
    ('scripts/setup.sh', 'command'),
    ('lab/lab.sh', 'command'),
    ('lab/lab.sh doctor', 'command'),
    ('.venv/bin/ansible-playbook -i inventories/lab site.yml', 'command'),
    ('ansible-playbook site.yml', 'command'),
    ('ansible-galaxy collection build', 'command'),
    ('ansible-doc -t role novaops.console_migration.compute_console', 'command'),
    ('ansible-lint', 'command'),
    ('site.yml', 'playbook'),
    ('playbooks/verify.yml', 'playbook'),
    ('novaops.console_migration.preflight', 'playbook'),
    ('/etc/default/nova-consoleproxy', 'path'),
    ('inventories/lab/', 'path'),
    ('.venv', 'path'),
    ('requirements.txt', 'path'),
    ('auto', None),
    ('[vnc]', None),
    ('cpu_mode = custom', None),
    ('README.ja.md', None),
])
def test_classify(span, kind):
    assert classify(span) == kind


EN = u"""English text.

# demo

## Two commands

```sh
./scripts/lab-site.sh
./scripts/test.sh
```

Set `novaops_release` and `console_proxy_allowed_sources`; run `ansible-doc novaops.console_migration.nova_config`
or `lab/lab.sh status`; read `playbooks/verify.yml` and `/etc/nova/nova.conf`.

| variable | default |
|---|---|
| `novaops_release` | `auto` |
| `novaops_console_types` | `[novnc]` |
"""

JA = u"""日本語の文章。

# demo

## 2 つのコマンド

```sh
./scripts/lab-site.sh
./scripts/test.sh
```

`novaops_release` と `console_proxy_allowed_sources` を設定し、
`ansible-doc novaops.console_migration.nova_config` または `lab/lab.sh status` を実行し、
`playbooks/verify.yml` と `/etc/nova/nova.conf` を参照します。

| 変数 | デフォルト |
|---|---|
| `novaops_release` | `auto` |
| `novaops_console_types` | `[novnc]` |
"""


def test_checker_accepts_a_faithful_translation():
    assert compare(EN, JA) == []


def test_checker_reports_a_missing_variable():
    ja = JA.replace(u'と `console_proxy_allowed_sources` ', u'')
    assert ja != JA
    assert compare(EN, ja) == [
        'variable `console_proxy_allowed_sources` (in README.md) missing from README.ja.md']


def test_checker_reports_a_missing_command_in_either_direction():
    en = EN.replace('or `lab/lab.sh status`', 'or the lab')
    assert en != EN
    assert compare(en, JA) == [
        'command `lab/lab.sh status` (in README.ja.md) missing from README.md']


def test_checker_reports_a_missing_playbook_and_path():
    ja = JA.replace(u'`playbooks/verify.yml` と `/etc/nova/nova.conf` を', u'verify を')
    assert compare(EN, ja) == [
        'path `/etc/nova/nova.conf` (in README.md) missing from README.ja.md',
        'playbook `playbooks/verify.yml` (in README.md) missing from README.ja.md']


def test_checker_reports_a_changed_code_block():
    ja = JA.replace(u'./scripts/test.sh\n```', u'./scripts/test.sh --all\n```')
    problems = compare(EN, ja)
    assert problems == [
        'code block #1 of README.md (```sh ./scripts/lab-site.sh ...): line `./scripts/test.sh` missing from README.ja.md',
        'code block #1 of README.ja.md (```sh ./scripts/lab-site.sh ...): line `./scripts/test.sh --all` missing from README.md']


def test_checker_reports_a_missing_code_block():
    ja = JA.replace(u'```sh\n./scripts/lab-site.sh\n./scripts/test.sh\n```\n', u'')
    assert compare(EN, ja, parts=('blocks',)) == [
        'code block #1 of README.md (```sh ./scripts/lab-site.sh ...) missing from README.ja.md']


def test_checker_reports_a_code_block_out_of_order():
    extra = u'\n```\noutput sample\n```\n'
    en = EN.replace(u'\nSet ', extra + u'\nSet ')
    ja = JA.replace(u'## 2 つのコマンド\n', u'## 2 つのコマンド\n' + extra)
    problems = compare(en, ja)
    assert problems
    assert all('out of order' in problem for problem in problems), problems


def test_checker_reports_a_missing_table_row():
    ja = JA.replace(u'| `novaops_console_types` | `[novnc]` |\n', u'')
    assert compare(EN, ja, parts=('tables',)) == [
        'table #1 (variable | default in README.md): first-column entry `novaops_console_types` '
        '(row 2 of README.md) missing from README.ja.md']
    assert 'variable `novaops_console_types` (in README.md) missing from README.ja.md' in compare(EN, ja)


def test_checker_reports_a_missing_section():
    en = EN + u'\n## Lab doctor\n\nProse only.\n'
    assert compare(en, JA) == [
        'heading #3 of README.md (## Lab doctor) has no counterpart in README.ja.md']


def test_checker_ignores_the_language_links():
    assert compare(EN.replace(u'English text.', u'Japanese: `README.ja.md`'), JA) == []
