# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""What the multipath_names module does, callable in-process with any AnsibleModule."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os

from ansible.module_utils.common.text.converters import to_native

from ansible_collections.novaops.console_migration.plugins.module_utils.files import (
    FileError,
    atomic_write,
    read_text,
)

from ansible_collections.novaops.console_migration.plugins.module_utils.multipath_conf import (
    MultipathConf,
    MultipathConfError,
    minimal_config,
    yes_no,
)

MPATHCONF_PATH = '/etc/multipath.conf'


def read_file(module, path):
    """Content of ``path`` as text, or None if it does not exist."""
    try:
        return read_text(path)
    except FileError as exc:
        module.fail_json(msg=to_native(exc))


def parse(module, path, text):
    try:
        return MultipathConf.parse(text or '')
    except MultipathConfError as exc:
        module.fail_json(msg='Cannot parse %s: %s' % (path, to_native(exc)))


def edit(conf, flag, text):
    """The content after setting ``flag`` (``text`` None: no file yet)."""
    if text is None:
        return minimal_config(flag)
    conf.set_user_friendly_names(flag)
    return conf.render()


def write_file(module, dest, text):
    """Write ``text`` to ``dest`` atomically; fail without touching ``dest``."""
    try:
        atomic_write(module, dest, text)
    except FileError as exc:
        module.fail_json(msg=to_native(exc))


def warn_overrides(module, path, conf, want):
    for section, value, lineno in conf.other_settings():
        if value != want:
            module.warn('%s line %d: user_friendly_names %s in section %s takes precedence over the defaults '
                        'section for the devices it covers; it is not changed' % (path, lineno, value, section))


ARGUMENT_SPEC = dict(
    user_friendly_names=dict(type='bool', default=False),
    path=dict(type='path', default=MPATHCONF_PATH),
)

MODULE_OPTIONS = dict(
    supports_check_mode=True,
)


def run(module):
    """Do the task with ``module``; return the result instead of exiting."""
    flag = module.params['user_friendly_names']
    want = yes_no(flag)
    path = module.params['path']
    dest = os.path.realpath(path)

    mpathconf = None
    if os.path.normpath(path) == MPATHCONF_PATH:
        mpathconf = module.get_bin_path('mpathconf')
    method = 'mpathconf' if mpathconf else 'file'

    before_text = read_file(module, dest)
    conf = parse(module, path, before_text)
    before = conf.user_friendly_names() if before_text is not None else None
    result = dict(changed=False, path=path, method=method, before=before, after=before)

    if mpathconf:
        changed = before_text is None or before != want
        after_text = before_text
        if changed and module.check_mode:
            after_text = edit(conf, flag, before_text)
        elif changed:
            argv = [mpathconf, '--enable', '--user_friendly_names', 'y' if flag else 'n']
            rc, out, err = module.run_command(argv)
            if rc != 0:
                module.fail_json(msg='%s failed with rc %d: %s' % (' '.join(argv), rc, (err or out).strip()),
                                 rc=rc, stdout=out, stderr=err, cmd=argv, **result)
            after_text = read_file(module, dest)
            result['after'] = parse(module, path, after_text).user_friendly_names() if after_text is not None else None
            if result['after'] != want:
                module.fail_json(msg='%s ran, but user_friendly_names in the defaults section of %s is %s, not %s'
                                 % (' '.join(argv), path, result['after'], want), cmd=argv, **result)
    else:
        after_text = edit(conf, flag, before_text)
        changed = after_text != before_text
        if changed and not module.check_mode:
            write_file(module, dest, after_text)
    result['after'] = want

    # Line numbers of the file as it is on disk after the task.
    on_disk = after_text if changed and not module.check_mode else before_text
    warn_overrides(module, path, parse(module, path, on_disk), want)
    result['changed'] = changed
    if changed:
        result['msg'] = 'user_friendly_names %s to %s in %s' % (
            'would be set' if module.check_mode else 'set', want, path)
    else:
        result['msg'] = 'user_friendly_names is already %s in %s' % (want, path)
    if module._diff:
        result['diff'] = dict(before=before_text or '', after=after_text or '',
                              before_header=path, after_header=path)
    return result
