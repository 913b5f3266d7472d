# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""What the nova_config module does, callable in-process with any AnsibleModule."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import re

from ansible.module_utils.common.text.converters import to_native

from ansible_collections.novaops.console_migration.plugins.module_utils.files import (
    FileError,
    atomic_write,
    read_text,
)

from ansible_collections.novaops.console_migration.plugins.module_utils.nova_conf import (
    NovaConf,
    NovaConfError,
    normalize_section,
    to_values,
)

OPTION_NAME_RE = re.compile(r'^[A-Za-z0-9_.\-]+$')


def validate_options(items):
    """Check O(options) and return (section, option, values or None) tuples.

    ``values`` is None for state=absent.  Raises ValueError with a message that
    names the offending item.
    """
    requests = []
    seen = {}
    for index, item in enumerate(items):
        label = 'options[%d]' % index
        section, option, value = item['section'], item['option'], item['value']
        if not isinstance(section, str) or not section or any(c in section for c in '[]\r\n'):
            raise ValueError("%s: section must be a non-empty string without '[', ']' or line breaks, got %r"
                             % (label, section))
        if not OPTION_NAME_RE.match(option):
            raise ValueError('%s: option name %r is invalid, it must match %s'
                             % (label, option, OPTION_NAME_RE.pattern))
        label = '%s ([%s] %s)' % (label, section, option)
        key = (normalize_section(section), option)
        if key in seen:
            raise ValueError('%s: option %r of section [%s] is already managed by options[%d]'
                             % (label, option, section, seen[key]))
        seen[key] = index
        if item['state'] == 'absent':
            if value is not None:
                raise ValueError('%s: state=absent does not take a value' % label)
            requests.append((section, option, None))
            continue
        if value is None:
            raise ValueError('%s: value is required when state=present' % label)
        try:
            values = to_values(value, item['multi'])
        except (TypeError, ValueError) as exc:
            raise ValueError('%s: value %s' % (label, exc))
        requests.append((section, option, values))
    return requests


def apply_options(conf, requests):
    """Apply the requests to ``conf``; return the changed_options list."""
    changed = []
    for index, (section, option, values) in enumerate(requests):
        before = conf.get(section, option)
        try:
            if values is None:
                done = conf.remove(section, option)
            else:
                done = conf.set(section, option, values)
        except NovaConfError as exc:
            raise NovaConfError('options[%d]: %s' % (index, exc), linenos=exc.linenos)
        if done:
            changed.append(dict(section=section, option=option, before=before, after=conf.get(section, option)))
    return changed


def summary(path, changed_options, attrs_changed):
    parts = []
    if changed_options:
        count = len(changed_options)
        parts.append('%d option%s changed in %s' % (count, '' if count == 1 else 's', path))
    if attrs_changed:
        parts.append('file attributes changed on %s' % path)
    return ' and '.join(parts) if parts else 'no changes in %s' % path


ARGUMENT_SPEC = dict(
    path=dict(type='path', default='/etc/nova/nova.conf'),
    options=dict(
        type='list',
        elements='dict',
        required=True,
        options=dict(
            section=dict(type='str', default='DEFAULT'),
            option=dict(type='str', required=True),
            value=dict(type='raw'),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            multi=dict(type='bool', default=False),
        ),
    ),
    create=dict(type='bool', default=True),
    backup=dict(type='bool', default=False),
)

MODULE_OPTIONS = dict(
    add_file_common_args=True,
    supports_check_mode=True,
)


def run(module):
    """Do the task with ``module``; return the result instead of exiting."""
    path = module.params['path']
    result = dict(changed=False, path=path, changed_options=[])

    try:
        requests = validate_options(module.params['options'])
    except ValueError as exc:
        module.fail_json(msg=to_native(exc), **result)

    dest = os.path.realpath(path)
    try:
        before = read_text(dest, path)
    except FileError as exc:
        module.fail_json(msg=to_native(exc), **result)
    exists = before is not None
    if not exists:
        if not module.params['create']:
            module.fail_json(msg='%s does not exist and create=false' % path, **result)
        directory = os.path.dirname(dest)
        if not os.path.isdir(directory):
            module.fail_json(msg='Cannot create %s: directory %s does not exist' % (path, directory), **result)
        before = ''

    try:
        conf = NovaConf.parse(before)
    except NovaConfError as exc:
        module.fail_json(msg='Cannot parse %s: %s' % (path, exc), **result)
    try:
        result['changed_options'] = apply_options(conf, requests)
    except NovaConfError as exc:
        module.fail_json(msg='%s: %s' % (path, exc), **result)
    after = conf.render()

    content_changed = after != before
    if content_changed and not module.check_mode:
        if module.params['backup'] and exists:
            try:
                result['backup_file'] = module.backup_local(dest)
            except Exception as exc:  # pylint: disable=broad-except
                module.fail_json(msg='Cannot back up %s: %s' % (path, to_native(exc)), **result)
        try:
            atomic_write(module, dest, after, unsafe_writes=module.params['unsafe_writes'], label=dest)
        except FileError as exc:
            module.fail_json(msg=to_native(exc), **result)

    # File attributes; a file that check mode only pretends to create has none.
    attr_diff = {}
    attrs_changed = False
    if os.path.exists(dest):
        file_args = module.load_file_common_arguments(module.params, path=dest)
        attrs_changed = module.set_fs_attributes_if_different(file_args, False, diff=attr_diff)

    result['changed'] = content_changed or attrs_changed
    result['msg'] = summary(path, result['changed_options'], attrs_changed)
    if module._diff:
        diff = dict(before=before, after=after,
                    before_header='%s (content)' % path, after_header='%s (content)' % path)
        if attr_diff:
            attr_diff['before_header'] = attr_diff['after_header'] = '%s (file attributes)' % path
            result['diff'] = [diff, attr_diff]
        else:
            result['diff'] = diff
    return result
