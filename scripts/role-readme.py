#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# SPDX-License-Identifier: Apache-2.0
"""Render the generated parts of each role's README.md.

Two blocks of roles/<role>/README.md are rendered, each between its marker
lines; everything outside them is left as it is:

* the variables table, from meta/argument_specs.yml
  (<!-- BEGIN ARGUMENT SPECS --> ... <!-- END ARGUMENT SPECS -->);
* the platforms, from galaxy_info in meta/main.yml
  (<!-- BEGIN PLATFORMS --> ... <!-- END PLATFORMS -->).

    scripts/role-readme.py                 rewrite the table of every role
    scripts/role-readme.py --check         exit 1 naming each role whose README is out of date
    scripts/role-readme.py ROLE [ROLE...]  only these roles
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import argparse
import os
import re
import sys

import yaml

BEGIN_MARKER = '<!-- BEGIN ARGUMENT SPECS -->'
END_MARKER = '<!-- END ARGUMENT SPECS -->'
NOTE = '<!-- Generated from meta/argument_specs.yml by scripts/role-readme.py: edit the specs, then run it. -->'
PLATFORMS_BEGIN = '<!-- BEGIN PLATFORMS -->'
PLATFORMS_END = '<!-- END PLATFORMS -->'
PLATFORMS_NOTE = '<!-- Generated from meta/main.yml by scripts/role-readme.py: edit galaxy_info, then run it. -->'
# Release numbers shown next to Galaxy's code names.
VERSIONS = {
    'Debian': {'buster': '10', 'bullseye': '11', 'bookworm': '12', 'trixie': '13'},
    'Ubuntu': {'bionic': '18.04', 'focal': '20.04', 'jammy': '22.04', 'noble': '24.04'},
}
COLUMNS = ('name', 'type', 'default', 'required', 'choices', 'description')

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Ansible doc markup: C(), I(), B(), U(), M(), L(text,url), and the semantic
# O(), V(), E(), P(), RV(), in which a backslash escapes ) and itself.
_MARKUP = re.compile(r'\b(?P<sem>RV|[OVEP])\((?P<sarg>(?:[^\\)]|\\.)*)\)'
                     r'|\b(?P<fn>[CIBUM])\((?P<arg>[^)]*)\)'
                     r'|\bL\((?P<text>[^,)]*),\s*(?P<url>[^)]*)\)'
                     r'|\b(?P<hr>HORIZONTALLINE)\b')


class ReadmeError(Exception):
    """A README that cannot be rendered or checked."""


def _code(text):
    text = text.replace('|', '\\|')
    fence = '``' if '`' in text else '`'
    pad = ' ' if text.startswith('`') or text.endswith('`') else ''
    return '%s%s%s%s%s' % (fence, pad, text, pad, fence)


def _plain(text):
    text = text.replace('\\', '\\\\').replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
    # [libvirt] stays as written; only ](...) would make a link.
    text = re.sub(r'([|*`])', r'\\\1', text).replace('](', ']\\(')
    # An underscore inside a word (user_friendly_names) is no emphasis.
    return re.sub(r'(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])', r'\\_', text)


def _option_name(arg):
    # O(ns.coll.plugin#type:option=value) and O(ns.coll.role#role:entry:option)
    # show only option=value.
    if arg.startswith('ignore:'):
        arg = arg[len('ignore:'):]
    name, equals, value = arg.partition('=')
    if '#' in name:
        parts = name.split('#', 1)[1].split(':')
        name = ':'.join(parts[2:] if parts[0] == 'role' else parts[1:])
    return name + equals + value


def markdown(text):
    """Doc markup of one description paragraph as Markdown inside a table cell."""
    out, pos = [], 0
    for match in _MARKUP.finditer(text):
        out.append(_plain(text[pos:match.start()]))
        pos = match.end()
        fn, arg = match.group('fn'), match.group('arg')
        if match.group('sem'):
            arg = re.sub(r'\\(.)', r'\1', match.group('sarg'))
            if match.group('sem') in ('O', 'RV'):
                arg = _option_name(arg)
            elif match.group('sem') == 'P':
                arg = arg.split('#', 1)[0]
            out.append(_code(arg))
        elif match.group('hr'):
            out.append('<hr>')
        elif match.group('url') is not None:
            out.append('[%s](%s)' % (_plain(match.group('text').strip()), match.group('url').strip()))
        elif fn == 'I':
            out.append('*%s*' % _plain(arg))
        elif fn == 'B':
            out.append('**%s**' % _plain(arg))
        elif fn == 'U':
            out.append('<%s>' % arg)
        else:
            out.append(_code(arg))
    out.append(_plain(text[pos:]))
    return ''.join(out)


def description(value):
    """A description (string or list of paragraphs) flattened to one line."""
    if value is None:
        return ''
    paragraphs = value if isinstance(value, list) else [value]
    return ' '.join(markdown(' '.join(str(p).split())) for p in paragraphs if str(p).strip())


def inline(value):
    """A value as inline YAML (flow style), the way it is written in a vars file."""
    text = yaml.safe_dump(value, default_flow_style=True, width=float('inf'), allow_unicode=True).strip()
    if text.endswith('\n...'):
        text = text[:-len('\n...')]
    return text


def _type(spec):
    kind = spec.get('type', 'str')
    if kind == 'list' and spec.get('elements'):
        return 'list of %s' % spec['elements']
    return kind


def _rows(options, prefix=''):
    for name, spec in (options or {}).items():
        spec = spec or {}
        default = '' if spec.get('default') is None else _code(inline(spec['default']))
        choices = ', '.join(_code(inline(c)) for c in spec.get('choices') or [])
        yield (_code(prefix + name), _type(spec), default, 'yes' if spec.get('required') else 'no', choices,
               description(spec.get('description')))
        yield from _rows(spec.get('options'), prefix + name + '.')


def table(options):
    """The Markdown table of an entry point's options."""
    lines = ['| %s |' % ' | '.join(COLUMNS), '|%s' % ('---|' * len(COLUMNS))]
    rows = list(_rows(options))
    if not rows:
        return 'This entry point takes no variables.'
    lines.extend('| %s |' % ' | '.join(cell if cell else ' ' for cell in row) for row in rows)
    return '\n'.join(lines)


def load_specs(role_dir):
    """The argument_specs of a role: meta/argument_specs.yml, or the key of meta/main.yml."""
    for name in ('argument_specs.yml', 'argument_specs.yaml', 'main.yml', 'main.yaml'):
        path = os.path.join(role_dir, 'meta', name)
        if os.path.isfile(path):
            with open(path, encoding='utf-8') as handle:
                data = yaml.safe_load(handle) or {}
            if data.get('argument_specs'):
                return data['argument_specs']
    raise ReadmeError('%s has no argument_specs (meta/argument_specs.yml)' % role_dir)


def render(specs):
    """The text between the markers for a role's argument_specs."""
    parts = [NOTE, '']
    names = sorted(specs, key=lambda n: (n != 'main', n))
    for name in names:
        entry = specs[name] or {}
        if len(names) > 1:
            title = '**Entry point `%s`**' % name
            if entry.get('short_description'):
                title += ': %s' % description(entry['short_description'])
            parts.extend([title, ''])
        parts.extend([table(entry.get('options')), ''])
    return '\n'.join(parts) + '\n'


def load_galaxy_info(role_dir):
    path = os.path.join(role_dir, 'meta', 'main.yml')
    if not os.path.isfile(path):
        raise ReadmeError('%s is missing' % path)
    with open(path, encoding='utf-8') as handle:
        return (yaml.safe_load(handle) or {}).get('galaxy_info') or {}


def render_platforms(galaxy_info):
    """The text between the platform markers for a role's galaxy_info."""
    lines = [PLATFORMS_NOTE, '', '| platform | versions |', '|---|---|']
    for platform in galaxy_info.get('platforms') or []:
        name = str(platform.get('name', ''))
        known = VERSIONS.get(name, {})
        versions = ['%s (%s)' % (v, known[v]) if v in known else str(v) for v in platform.get('versions') or ['all']]
        lines.append('| %s | %s |' % (_plain(name), _plain(', '.join(versions))))
    if galaxy_info.get('min_ansible_version'):
        lines.extend(['', 'ansible-core %s or later.' % galaxy_info['min_ansible_version']])
    return '\n'.join(lines + ['']) + '\n'


def update(text, block, begin_marker=BEGIN_MARKER, end_marker=END_MARKER):
    """README text with the part between the markers replaced by block."""
    begin, end = text.find(begin_marker), text.find(end_marker)
    if begin < 0 or end < begin or text.count(begin_marker) != 1 or text.count(end_marker) != 1:
        raise ReadmeError('needs one %s line followed by one %s line' % (begin_marker, end_marker))
    return text[:begin + len(begin_marker)] + '\n' + block + text[end:]


def rendered(role_dir, text):
    """README text with both generated blocks rendered for the role."""
    text = update(text, render(load_specs(role_dir)))
    return update(text, render_platforms(load_galaxy_info(role_dir)), PLATFORMS_BEGIN, PLATFORMS_END)


def roles(roles_dir):
    return sorted(d for d in os.listdir(roles_dir) if os.path.isdir(os.path.join(roles_dir, d)))


def process(role_dir, check):
    """Render one role; returns True when its README is (now) up to date."""
    readme = os.path.join(role_dir, 'README.md')
    if not os.path.isfile(readme):
        raise ReadmeError('README.md is missing')
    with open(readme, encoding='utf-8') as handle:
        current = handle.read()
    wanted = rendered(role_dir, current)
    if wanted == current:
        return True
    if check:
        return False
    with open(readme, 'w', encoding='utf-8') as handle:
        handle.write(wanted)
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description='Render the variables table (meta/argument_specs.yml) and the platforms '
                                                 '(meta/main.yml) into each role README.')
    parser.add_argument('--check', action='store_true', help='change nothing; exit 1 if a README is out of date')
    parser.add_argument('--roles-dir', default=os.path.join(ROOT, 'roles'), help='default: roles/ of this checkout')
    parser.add_argument('roles', nargs='*', metavar='ROLE', help='default: every role')
    args = parser.parse_args(argv)

    failed = []
    for role in args.roles or roles(args.roles_dir):
        role_dir = os.path.join(args.roles_dir, role)
        try:
            if not os.path.isdir(role_dir):
                raise ReadmeError('no such role')
            if process(role_dir, args.check):
                continue
            print('%s: roles/%s/README.md is out of date with its meta/argument_specs.yml or meta/main.yml;'
                  ' run scripts/role-readme.py' % (role, role), file=sys.stderr)
        except (ReadmeError, OSError, yaml.YAMLError) as err:
            print('%s: %s' % (role, err), file=sys.stderr)
        failed.append(role)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
