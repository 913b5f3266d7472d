# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# SPDX-License-Identifier: Apache-2.0
"""Every default agrees wherever it is written.

Places: roles/*/defaults/main.yml, roles/*/meta/argument_specs.yml, the
planners' DEFAULTS (console_settings, migration_settings, preflight), each
``VAR | default(X)`` fallback in roles/ and playbooks/, and the settings
tables of README.md and README.ja.md.

A role default templated from inventory or facts (``ansible_facts``,
``groups``...) is computed per host: its spec has no ``default`` and the
planners take it as not set.  A role default templated from other role
variables is rendered with their defaults.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import re

import pytest
import yaml
from jinja2 import StrictUndefined, Undefined
from jinja2.exceptions import UndefinedError
from jinja2.nativetypes import NativeEnvironment

from ansible_collections.novaops.console_migration.plugins.filter import preflight_report
from ansible_collections.novaops.console_migration.plugins.module_utils import console_settings as cs
from ansible_collections.novaops.console_migration.plugins.module_utils import console_types as ct
from ansible_collections.novaops.console_migration.plugins.module_utils import migration_settings as ms
from ansible_collections.novaops.console_migration.plugins.module_utils import preflight as pf

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROLES_DIR = os.path.join(ROOT, 'roles')
ROLES = sorted(d for d in os.listdir(ROLES_DIR) if os.path.isdir(os.path.join(ROLES_DIR, d)))
# Documented in the specs of the roles that read them, with a `| default()`
# fallback where used, not repeated in each defaults/main.yml.
SHARED_PREFIX = 'novaops_'
# Planner inputs that are no role variable: why.
PLANNER_INPUTS = {
    'live_migration_peers': 'roles/live_migration/tasks/plan.yml computes it from the other computes',
}
# Per-type variables: their defaults are console_types' (through the planners),
# defaults/main.yml may leave them out.
TYPE_VARS = set(v for t in ct.TYPES for v in (ct.host_var(t['name']), ct.port_var(t['name']), t['url_var']))
_PER_HOST = re.compile(r'\b(ansible_facts|ansible_host|groups|hostvars|inventory_hostname|playbook_dir)\b')
_UNSET = (None, '', [], {})


def _load(*path):
    with open(os.path.join(ROOT, *path), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def _rel(*path):
    return '/'.join(path)


def role_defaults(role):
    return _load('roles', role, 'defaults', 'main.yml') or {}


def spec_options(role):
    options = {}
    for entry in (_load('roles', role, 'meta', 'argument_specs.yml')['argument_specs'] or {}).values():
        options.update((entry or {}).get('options') or {})
    return options


def templated(value):
    if isinstance(value, str):
        return '{{' in value or '{%' in value
    if isinstance(value, list):
        return any(templated(v) for v in value)
    if isinstance(value, dict):
        return any(templated(v) for v in value.values())
    return False


def per_host(value):
    """A default computed from inventory or facts."""
    return templated(value) and bool(_PER_HOST.search(json.dumps(value)))


def same(a, b):
    """Equal values of equal types (true is not 1, '6080' is not 6080)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def show(value):
    return json.dumps(value)


PER_HOST = object()   # the value of a per-host default


def _render(value, context):
    """``value`` rendered with the other defaults; PER_HOST when it needs a per-host one."""
    env = NativeEnvironment(undefined=StrictUndefined)
    try:
        if isinstance(value, list):
            out = [env.from_string(v).render(**context) if templated(v) else v for v in value]
        elif isinstance(value, str) and templated(value):
            out = env.from_string(value).render(**context)
        else:
            return value
    except UndefinedError:
        return PER_HOST
    if isinstance(out, Undefined) or isinstance(out, list) and any(isinstance(v, Undefined) for v in out):
        return PER_HOST
    return out


def _fallbacks():
    """``[(place, var, text)]`` for every ``VAR | default(TEXT)`` in roles/ and playbooks/."""
    found = []
    pattern = re.compile(r'(?<![\w.])(?:[\w\]\[\'"]+\.)?([a-z][a-z0-9_]*)\s*\|\s*default\(')
    for top in ('roles', 'playbooks'):
        for dirpath, dummy, files in os.walk(os.path.join(ROOT, top)):
            for name in sorted(files):
                if not name.endswith(('.yml', '.yaml')):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding='utf-8') as handle:
                    text = handle.read()
                for match in pattern.finditer(text):
                    depth, end = 1, match.end()
                    while depth and end < len(text):
                        depth += {'(': 1, ')': -1}.get(text[end], 0)
                        end += 1
                    args, depth, cut = text[match.end():end - 1], 0, None
                    for index, char in enumerate(args):
                        depth += {'(': 1, '[': 1, '{': 1, ')': -1, ']': -1, '}': -1}.get(char, 0)
                        if char == ',' and depth == 0:
                            cut = index
                            break
                    found.append((os.path.relpath(path, ROOT), match.group(1), args[:cut].strip()))
    return found


def _literal(text):
    """The value of a Jinja literal, or PER_HOST for an expression."""
    bare = re.sub(r"'[^']*'|\"[^\"]*\"", '', text)
    if set(re.findall(r'[A-Za-z_]\w*', bare)) - {'true', 'false', 'none', 'True', 'False', 'None'}:
        return PER_HOST
    return NativeEnvironment().compile_expression(text)()


def _normalize(text):
    return re.sub(r'\s+', '', text).replace('"', "'")


def collect():
    """``{var: [(place, value)]}`` over every place, and the problems of coverage."""
    places = {}
    problems = []
    literal = {}
    for role in ROLES:
        for var, value in role_defaults(role).items():
            if not templated(value):
                literal[var] = value
        for var, spec in spec_options(role).items():
            if var.startswith(SHARED_PREFIX) and 'default' in (spec or {}):
                literal.setdefault(var, spec['default'])

    role_vars = {}
    for role in ROLES:
        defaults, options = role_defaults(role), spec_options(role)
        defaults = dict((k, v) for k, v in defaults.items() if not k.startswith('__'))   # internal
        for var, value in defaults.items():
            role_vars[var] = role
            where = _rel('roles', role, 'defaults', 'main.yml')
            places.setdefault(var, []).append((where, PER_HOST if per_host(value) else _render(value, literal)))
        for var, spec in options.items():
            role_vars.setdefault(var, role)
            where = _rel('roles', role, 'meta', 'argument_specs.yml')
            places.setdefault(var, []).append((where, (spec or {}).get('default')))
        for var in sorted(set(defaults) - set(options)):
            problems.append('%s: in roles/%s/defaults/main.yml, not in roles/%s/meta/argument_specs.yml'
                            % (var, role, role))
        for var in sorted(set(options) - set(defaults)):
            if not var.startswith(SHARED_PREFIX) and var not in TYPE_VARS:
                problems.append('%s: in roles/%s/meta/argument_specs.yml, not in roles/%s/defaults/main.yml'
                                % (var, role, role))

    tables = (('plugins/module_utils/console_settings.py DEFAULTS', cs.DEFAULTS),
              ('plugins/module_utils/migration_settings.py DEFAULTS', ms.DEFAULTS),
              ('plugins/module_utils/preflight.py DEFAULTS',
               {'live_migration_align_ids': pf.DEFAULTS['align_ids']}))
    if os.path.exists(os.path.join(ROOT, 'playbooks', 'vars', 'plan_defaults.yml')):
        tables += (('playbooks/vars/plan_defaults.yml', _load('playbooks', 'vars', 'plan_defaults.yml') or {}),)
    for where, table in tables:
        for var, value in table.items():
            if var in PLANNER_INPUTS:
                continue
            if var not in role_vars:
                problems.append('%s: in %s, but no role has this variable' % (var, where))
                continue
            places[var].append((where, value))

    for where, var, text in _fallbacks():
        if var in role_vars:
            places[var].append(('%s | default(%s)' % (where, text), ('fallback', text)))

    for readme in ('README.md', 'README.ja.md'):
        with open(os.path.join(ROOT, readme), encoding='utf-8') as handle:
            for var, text in re.findall(r'^\| `([a-z0-9_]+)` \| `([^`]*)` \|', handle.read(), re.M):
                if var in role_vars:
                    places[var].append((readme, yaml.safe_load(text)))
    return places, problems, role_vars


def drift(var, entries):
    """The message for ``var`` when its places disagree, else None."""
    role_default = [value for where, value in entries if where.endswith('defaults/main.yml')]
    spec_default = [value for where, value in entries if where.endswith('argument_specs.yml')]
    expected = role_default[0] if role_default else (spec_default[0] if spec_default else None)
    raw = None
    for role in ROLES:
        if var in role_defaults(role):
            raw = role_defaults(role)[var]
    ok = True
    for where, value in entries:
        if isinstance(value, tuple) and value and value[0] == 'fallback':
            text = value[1]
            got = _literal(text)
            if re.search(r'\b%s\b' % var, text):
                good = True   # a fallback to the same variable elsewhere: its own fallback is checked
            elif got is PER_HOST:
                good = isinstance(raw, str) and _normalize(raw) == _normalize('{{ %s }}' % text)
            elif expected is PER_HOST:
                good = got in _UNSET   # outside the role: not set, the planner decides
            else:
                good = same(got, expected)
        elif expected is PER_HOST:
            good = value is PER_HOST or value in _UNSET and not (
                where.endswith('argument_specs.yml') and value is not None)
        elif where.endswith('argument_specs.yml') and value is None:
            good = expected in _UNSET
        elif expected is None:
            good = value in (None, '')
        else:
            good = same(value, expected)
        ok = ok and good
    if ok:
        return None
    return '%s differs: %s' % (var, '; '.join(
        '%s %s' % (where, 'computed per host' if value is PER_HOST else
                   value[1] if isinstance(value, tuple) else show(value)) for where, value in entries))


def test_every_default_agrees_everywhere():
    places, dummy, dummy2 = collect()
    problems = [m for m in (drift(var, places[var]) for var in sorted(places)) if m]
    assert not problems, '\n'.join(problems)


def test_role_defaults_and_specs_list_the_same_variables():
    dummy, problems, dummy2 = collect()
    assert not problems, '\n'.join(problems)


def test_every_planner_default_is_a_role_variable():
    dummy, dummy2, role_vars = collect()
    for table in (cs.DEFAULTS, ms.DEFAULTS):
        assert not [v for v in table if v not in role_vars and v not in PLANNER_INPUTS]


def test_preflight_report_documents_the_preflight_defaults():
    doc = yaml.safe_load(preflight_report.DOCUMENTATION)['options']['settings']['suboptions']
    differ = ['%s: preflight_report DOCUMENTATION %s, preflight.py DEFAULTS %s'
              % (k, show(doc[k].get('default')), show(v)) for k, v in sorted(pf.DEFAULTS.items())
              if not same(doc[k].get('default'), v) and not (v is None and 'default' not in doc[k])]
    assert not differ, '\n'.join(differ)


def test_shared_settings_agree_across_roles():
    seen = {}
    for role in ROLES:
        for name, spec in spec_options(role).items():
            if name.startswith(SHARED_PREFIX):
                doc = dict((k, (spec or {}).get(k)) for k in ('type', 'elements', 'default', 'choices'))
                seen.setdefault(name, {})[role] = doc
    for name, docs in seen.items():
        first = next(iter(docs.values()))
        assert all(same(d, first) for d in docs.values()), '%s differs between roles: %s' % (name, docs)


@pytest.mark.parametrize('entries, message', [
    ([('roles/r/defaults/main.yml', True), ('roles/r/meta/argument_specs.yml', True), ('x.py DEFAULTS', False)],
     'v differs: roles/r/defaults/main.yml true; roles/r/meta/argument_specs.yml true; x.py DEFAULTS false'),
    ([('roles/r/defaults/main.yml', 6080), ('roles/r/meta/argument_specs.yml', '6080')],
     'v differs: roles/r/defaults/main.yml 6080; roles/r/meta/argument_specs.yml "6080"'),
    ([('roles/r/defaults/main.yml', PER_HOST), ('roles/r/meta/argument_specs.yml', '0.0.0.0')],
     'v differs: roles/r/defaults/main.yml computed per host; roles/r/meta/argument_specs.yml "0.0.0.0"'),
    ([('roles/r/defaults/main.yml', 1), ('p.yml | default(2)', ('fallback', '2'))],
     'v differs: roles/r/defaults/main.yml 1; p.yml | default(2) 2'),
])
def test_a_drift_names_the_variable_and_every_place(entries, message):
    assert drift('v', entries) == message


def test_fallbacks_are_found():
    found = set((var, text) for dummy, var, text in _fallbacks())
    assert ('novaops_console_types', "['novnc']") in found
    assert ('novaops_release', "'auto'") in found
    assert _literal("['novnc']") == ['novnc']
    assert _literal("ansible_facts.default_ipv4.address | default('')") is PER_HOST
