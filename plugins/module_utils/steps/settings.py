# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""Key/value settings in a configuration file, one line per key.

The line that sets the key for the program reading the file is replaced: the
last one in shell format (the shell keeps the last assignment), the first one
in libvirt and colon format (virConfGetValue and libsasl2 take the first).
Without such a line the last commented default, where the format has one
(``#max_port = 49215``), is replaced; else the key is appended. Other lines
are kept byte for byte. Formats:
  shell    KEY=value       (/etc/default files)
  libvirt  key = value     (qemu.conf, libvirtd.conf)
  colon    key: value      (SASL application configuration; never a comment)
  flagfile --flag=value    (Diablo's nova.conf; values is the list of lines:
                           --flag and --noflag replace each other, the last
                           line of a flag counts)
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re

from ansible.module_utils.common.text.converters import to_native

from ansible_collections.novaops.console_migration.plugins.module_utils.files import (
    FileError,
    read_text,
    write_file,
)

# format: (active line, commented default or None, which active line counts, line)
FORMATS = {
    'shell': (r'^\s*%s=', r'^#\s*%s=', -1, '%s=%s'),
    'libvirt': (r'^\s*%s\s*=', r'^#\s*%s\s*=', 0, '%s = %s'),
    'colon': (r'^\s*%s:', None, 0, '%s: %s'),
    'flagfile': (r'^--(?:no)?%s(?:=.*)?\s*$', None, -1, None),
}
FLAG_RE = re.compile(r'^--([A-Za-z0-9_]+)(=.*)?$')
KEY_RE = re.compile(r'^[A-Za-z_][A-Za-z0-9_.-]*$')

ARGUMENT_SPEC = dict(
    path=dict(type='path', required=True),
    format=dict(type='str', required=True, choices=sorted(FORMATS)),
    values=dict(type='raw', required=True),
    create=dict(type='bool', default=False),
    mode=dict(type='raw'),
)
MODULE_OPTIONS = dict(supports_check_mode=True)


def render(value):
    if isinstance(value, bool):
        return '1' if value else '0'
    return str(value)


def _matching(lines, pattern, key):
    match = re.compile(pattern % re.escape(key))
    return [i for i, line in enumerate(lines) if match.match(line)]


def flag_lines(lines):
    """{flag: line} of flagfile lines; ``--noflag`` (no value) names ``flag``, the boolean it turns off."""
    if not isinstance(lines, list):
        raise ValueError('values: the flagfile format takes a list of lines such as --flag=value')
    out = {}
    for line in lines:
        match = FLAG_RE.match(str(line))
        if not match:
            raise ValueError('values: %r is not a flag line such as --flag=value' % (line,))
        name = match.group(1)
        if match.group(2) is None and name.startswith('no') and len(name) > 2:
            name = name[2:]
        out[name] = str(line)
    return out


def set_values(text, fmt, values):
    """``text`` with one line per key of ``values`` in format ``fmt``."""
    active, commented, counts, template = FORMATS[fmt]
    if template is None:
        values = flag_lines(values)
    elif not isinstance(values, dict):
        raise ValueError('values: the %s format takes a dictionary of settings' % fmt)
    newline = '\r\n' if '\r\n' in text else '\n'
    lines = text.splitlines(True)
    for key, value in values.items():
        if not KEY_RE.match(key):
            raise ValueError('values: %r is not a setting name' % (key,))
        wanted = value if template is None else template % (key, render(value))
        found = _matching(lines, active, key)
        index = found[counts] if found else None
        if index is None and commented:
            found = _matching(lines, commented, key)
            index = found[-1] if found else None
        if index is not None:
            ending = lines[index][len(lines[index].rstrip('\r\n')):] or newline
            lines[index] = wanted + ending
        else:
            if lines and not lines[-1].endswith('\n'):
                lines[-1] += newline
            lines.append(wanted + newline)
    return ''.join(lines)


def run(module):
    params = module.params
    path = params['path']
    result = dict(changed=False, path=path)
    mode = params['mode']
    try:
        set_values('', params['format'], params['values'])
        before = read_text(path)
        if before is None and not params['create']:
            if module.check_mode:
                result.update(changed=True, msg='%s does not exist yet' % path)
                return result
            module.fail_json(msg='%s does not exist' % path, **result)
        after = set_values(before or '', params['format'], params['values'])
        kwargs = {}
        if mode is not None:
            # an int is the mode itself (YAML reads an unquoted 0644 as 420), as for Ansible's mode options
            kwargs['new_mode'] = mode if isinstance(mode, int) and not isinstance(mode, bool) else int(str(mode), 8)
        changed, diff = write_file(module, path, after, **kwargs)
    except (FileError, ValueError) as exc:
        module.fail_json(msg=to_native(exc), **result)
    result['changed'] = changed
    if module._diff and changed:
        result['diff'] = diff
    return result
