# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# SPDX-License-Identifier: Apache-2.0
"""Role READMEs (Galaxy needs one per role) and their generated blocks (defaults: tests/unit/test_defaults.py)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import importlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
ROLES_DIR = os.path.join(ROOT, 'roles')
ROLES = sorted(d for d in os.listdir(ROLES_DIR) if os.path.isdir(os.path.join(ROLES_DIR, d)))
SCRIPT = os.path.join(ROOT, 'scripts', 'role-readme.py')
FQCN = 'novaops.console_migration.'
GROUPS = {'nova_console_proxy', 'nova_compute'}
_FENCE = re.compile(r'^```ya?ml[ \t]*\n(.*?)^```[ \t]*$', re.M | re.S)


def _script():
    spec = importlib.util.spec_from_file_location('role_readme', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


role_readme = _script()


def _yaml(role, *path):
    with open(os.path.join(ROLES_DIR, role, *path), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def _readme(role):
    with open(os.path.join(ROLES_DIR, role, 'README.md'), encoding='utf-8') as handle:
        return handle.read()


def _options(role):
    options = {}
    for entry in (_yaml(role, 'meta', 'argument_specs.yml')['argument_specs'] or {}).values():
        options.update((entry or {}).get('options') or {})
    return options


def _plays(text):
    """The YAML blocks of a README that are plays."""
    plays = []
    for block in _FENCE.findall(text):
        data = yaml.safe_load(block)
        if isinstance(data, list) and data and all(isinstance(p, dict) and 'hosts' in p for p in data):
            plays.extend(data)
    return plays


def _roles_used(play):
    names = []
    for role in play.get('roles') or []:
        names.append(role if isinstance(role, str) else role.get('role', role.get('name')))
    for task in play.get('tasks') or []:
        for action in ('ansible.builtin.include_role', 'ansible.builtin.import_role', 'include_role', 'import_role'):
            if isinstance(task.get(action), dict):
                names.append(task[action].get('name'))
    return names


def _run(*args):
    return subprocess.run([sys.executable, SCRIPT] + list(args), capture_output=True, text=True, check=False)


@pytest.mark.parametrize('role', ROLES)
def test_role_has_readme(role):
    assert os.path.isfile(os.path.join(ROLES_DIR, role, 'README.md')), 'roles/%s/README.md is missing' % role


@pytest.mark.parametrize('role', ROLES)
def test_readme_is_up_to_date(role):
    text = _readme(role)
    assert role_readme.rendered(os.path.join(ROLES_DIR, role), text) == text, (
        'roles/%s/README.md is out of date with its meta/argument_specs.yml or meta/main.yml: run scripts/role-readme.py'
        % role)


@pytest.mark.parametrize('role', ROLES)
def test_readme_table_lists_every_option(role):
    text = _readme(role)
    block = text[text.index(role_readme.BEGIN_MARKER):text.index(role_readme.END_MARKER)]
    for name in _options(role):
        assert '| `%s` |' % name in block, name


@pytest.mark.parametrize('role', ROLES)
def test_readme_has_example_play(role):
    plays = _plays(_readme(role))
    using = [p for p in plays if FQCN + role in _roles_used(p)]
    assert using, 'roles/%s/README.md has no example play using %s%s' % (role, FQCN, role)
    for play in plays:
        groups = set(re.split(r'[:,&!]+', str(play['hosts']))) - {''}
        assert groups <= GROUPS, '%s: hosts %r, expected the groups of playbooks/site.yml' % (role, play['hosts'])


@pytest.mark.parametrize('role', ROLES)
def test_example_play_passes_syntax_check(role, tmp_path):
    collection = importlib.import_module('ansible_collections.novaops.console_migration')
    collections_root = os.path.dirname(os.path.dirname(os.path.dirname(list(collection.__path__)[0])))
    playbook = tmp_path / 'example.yml'
    playbook.write_text(yaml.safe_dump(_plays(_readme(role)), sort_keys=False), encoding='utf-8')
    (tmp_path / 'ansible.cfg').write_text('[defaults]\n', encoding='utf-8')
    env = dict(os.environ, ANSIBLE_CONFIG=str(tmp_path / 'ansible.cfg'), ANSIBLE_COLLECTIONS_PATH=collections_root,
               ANSIBLE_HOME=str(tmp_path / 'home'), ANSIBLE_NOCOLOR='1')
    result = subprocess.run(
        [sys.executable, '-m', 'ansible.cli.playbook', '--syntax-check',
         '-i', os.path.join(ROOT, 'inventories', 'lab', 'hosts.yml'), str(playbook)],
        capture_output=True, text=True, env=env, cwd=str(tmp_path), check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_mode_names_the_out_of_date_role(tmp_path):
    roles_dir = str(tmp_path / 'roles')
    shutil.copytree(ROLES_DIR, roles_dir)
    assert _run('--check', '--roles-dir', roles_dir).returncode == 0

    spec_path = os.path.join(roles_dir, 'live_migration', 'meta', 'argument_specs.yml')
    with open(spec_path, encoding='utf-8') as handle:
        specs = yaml.safe_load(handle)
    specs['argument_specs']['main']['options']['live_migration_bandwidth']['description'] = 'Changed | text.'
    with open(spec_path, 'w', encoding='utf-8') as handle:
        yaml.safe_dump(specs, handle)
    readme_path = os.path.join(roles_dir, 'live_migration', 'README.md')
    with open(readme_path, encoding='utf-8') as handle:
        before = handle.read()

    result = _run('--check', '--roles-dir', roles_dir)
    assert result.returncode == 1
    assert 'live_migration' in result.stderr
    assert not any(r in result.stderr for r in ROLES if r != 'live_migration')

    assert _run('--roles-dir', roles_dir).returncode == 0
    with open(readme_path, encoding='utf-8') as handle:
        after = handle.read()
    assert 'Changed \\| text.' in after
    begin, end = role_readme.BEGIN_MARKER, role_readme.END_MARKER
    assert after[:after.index(begin)] == before[:before.index(begin)]
    assert after[after.index(end):] == before[before.index(end):]
    assert _run('--check', '--roles-dir', roles_dir).returncode == 0

    os.remove(os.path.join(roles_dir, 'common', 'README.md'))
    result = _run('--check', '--roles-dir', roles_dir, 'common')
    assert result.returncode == 1 and 'common' in result.stderr


def test_rendering():
    assert role_readme.inline('10000:20000') == '10000:20000'
    assert role_readme.inline('') == "''"
    assert role_readme.inline(['0.0.0.0/0']) == '[0.0.0.0/0]'
    assert role_readme.inline({}) == '{}'
    assert role_readme.inline(False) == 'false'
    assert role_readme.description(['Use C(auto) or O(x_y=1).', 'A | B; into __host.']) == (
        'Use `auto` or `x_y=1`. A \\| B; into \\_\\_host.')
    assert role_readme.description('L(the guide, https://example.org/a) and U(https://example.org)') == (
        '[the guide](https://example.org/a) and <https://example.org>')
    assert role_readme.description(r'V(ok (will be aligned\)) or O(ns.coll.role#role:main:opt=1)') == (
        '`ok (will be aligned)` or `opt=1`')
    rows = role_readme.table({'a': {'type': 'list', 'elements': 'int', 'default': [1], 'required': True,
                                    'choices': [1, 2], 'description': ['One.', 'Two.']}}).splitlines()
    assert rows[2] == '| `a` | list of int | `[1]` | yes | `1`, `2` | One. Two. |'
