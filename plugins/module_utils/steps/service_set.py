# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""What the service_set module does, callable in-process with any AnsibleModule: :func:`run`."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os

from ansible.module_utils.common.text.converters import to_native

from ansible_collections.novaops.console_migration.plugins.module_utils.systemd_units import (
    BUSY_STATES,
    DISABLE_NEEDED,
    ENABLE_NEEDED,
    RUNNING_STATES,
    SYSTEMD_RUNTIME_DIR,
    Systemctl,
    SystemctlError,
    check_unit_name,
    describe,
    unit_key,
)

PID1_COMM = '/proc/1/comm'
JOURNAL_LINES = 20
SYSV_ANSWERS = frozenset(['enabled', 'disabled'])


class ServiceSetError(Exception):
    pass


def unique(names):
    """``names`` without repeats of the same unit (first spelling kept)."""
    seen = set()
    out = []
    for name in names:
        key = unit_key(name)
        if key not in seen:
            seen.add(key)
            out.append(name)
    return out


def pid1_name():
    try:
        with open(PID1_COMM) as handle:
            return handle.read().strip() or 'unknown'
    except (IOError, OSError):
        return 'unknown'


def read_states(systemctl, names, sysv_names):
    """States by unit_key; units generated from SysV scripts get the answer of ``is-enabled``."""
    try:
        found = systemctl.show(names)
    except SystemctlError as exc:
        raise ServiceSetError(to_native(exc))
    states = {}
    for name, state in zip(names, found):
        state.update(sysv=False, enabled=state['file'])
        states[unit_key(name)] = state
    for name in sysv_names:
        state = states[unit_key(name)]
        if state['file'] == 'generated':
            answer = systemctl.is_enabled(name)
            if answer in SYSV_ANSWERS:
                state.update(sysv=True, enabled=answer)
    return states


def must(module, systemctl, args, result, journal_units=None):
    """``systemctl ARGS`` or fail, with the journal of ``journal_units`` that are not running."""
    try:
        return systemctl.must(args)
    except SystemctlError as exc:
        msg = to_native(exc)
        if journal_units:
            try:
                states = systemctl.show(journal_units)
            except SystemctlError:
                states = [{'active': 'unknown'}] * len(journal_units)
            msg += systemctl.journal([n for n, st in zip(journal_units, states) if st['active'] not in RUNNING_STATES],
                                     JOURNAL_LINES)
        module.fail_json(msg=msg, rc=exc.rc, stdout=exc.stdout, stderr=exc.stderr, **result)


def plan(states, started, stopped, restarted, restart):
    """What to do, as lists of unit names (as given); ``states`` is keyed by unit_key."""
    def st(name):
        return states[unit_key(name)]

    def exists(name):
        return st(name)['load'] != 'not-found'

    def native(name):
        return not st(name)['sysv']

    p = {}
    p['disable'] = [n for n in stopped if exists(n) and st(n)['enabled'] in DISABLE_NEEDED]
    # `disable --now` stops the native units it disables.
    p['stop'] = [n for n in stopped if st(n)['active'] in BUSY_STATES
                 and not (n in p['disable'] and native(n))]
    p['enable'] = [n for n in started if st(n)['enabled'] in ENABLE_NEEDED]
    to_start = [n for n in started if st(n)['active'] not in RUNNING_STATES]
    # `enable --now` starts only the native units it enables.
    p['start'] = [n for n in to_start if not (n in p['enable'] and native(n))]
    just_started = set(unit_key(n) for n in to_start)
    p['restart'] = []
    if restart:
        p['restart'] = [n for n in restarted if st(n)['load'] not in ('not-found', 'masked')
                        and unit_key(n) not in just_started]
    p['started'] = [n for n in started if n in p['enable'] or n in to_start]
    p['stopped'] = [n for n in stopped if n in p['disable'] or n in p['stop']]
    p['skipped'] = unique(
        [n for n in stopped if not exists(n) and st(n)['active'] not in BUSY_STATES]
        + [n for n in restarted if st(n)['load'] in ('not-found', 'masked')])
    return p


def expected_states(states, p):
    """States after the plan, for check mode."""
    after = dict((name, dict(state)) for name, state in states.items())
    for name in p['disable']:
        after[unit_key(name)]['enabled'] = 'disabled'
    for name in p['stopped']:
        after[unit_key(name)]['active'] = 'inactive'
    for name in p['enable']:
        after[unit_key(name)]['enabled'] = 'enabled'
    for name in p['started'] + p['restart']:
        after[unit_key(name)]['active'] = 'active'
    return after


def check_started(states, started, check_mode=False):
    """Raise ServiceSetError for units of O(started) that cannot be started.

    In check mode, units that are not found only give a warning text (returned),
    because the task that would install them did not run either.
    """
    def st(name):
        return states[unit_key(name)]

    problems = []
    missing = [n for n in started if st(n)['load'] == 'not-found']
    missing_text = ''
    if missing:
        missing_text = ('unit%s not found: %s (is the package that provides %s installed?)'
                        % ('s' if len(missing) > 1 else '', ', '.join(missing),
                           'them' if len(missing) > 1 else 'it'))
        if not check_mode:
            problems.append(missing_text)
    masked = [n for n in started if st(n)['load'] == 'masked' or st(n)['file'].startswith('masked')]
    if masked:
        problems.append('masked, cannot be started: %s (unmask them first)' % ', '.join(masked))
    broken = [n for n in started if n not in missing and n not in masked and st(n)['load'] != 'loaded']
    if broken:
        problems.append('cannot be loaded: %s (see systemctl status %s)'
                        % (', '.join('%s (LoadState=%s)' % (n, st(n)['load']) for n in broken),
                           ' '.join(broken)))
    if problems:
        raise ServiceSetError('started: ' + '; '.join(problems))
    if missing_text:
        return ('started: %s; check mode goes on as if an earlier task installed %s'
                % (missing_text, 'them' if len(missing) > 1 else 'it'))
    return None


def summary(p, check_mode):
    parts = []
    for key in ('started', 'stopped', 'restarted'):
        names = p['restart'] if key == 'restarted' else p[key]
        if names:
            parts.append('%s: %s' % (key, ', '.join(names)))
    if p['skipped']:
        parts.append('skipped (not found or masked): %s' % ', '.join(p['skipped']))
    if not (p['started'] or p['stopped'] or p['restart']):
        parts.insert(0, 'all units already in the wanted state')
    text = '; '.join(parts)
    if check_mode and (p['started'] or p['stopped'] or p['restart']):
        text = 'would change (check mode): ' + text
    return text


ARGUMENT_SPEC = dict(
    started=dict(type='list', elements='str', default=[]),
    stopped=dict(type='list', elements='str', default=[]),
    restarted=dict(type='list', elements='str', default=[]),
    restart=dict(type='bool', default=False),
    daemon_reload=dict(type='bool', default=False),
)
MODULE_OPTIONS = dict(supports_check_mode=True)


def run(module):
    """What the module does with ``module``; the result dict (fails through ``module.fail_json``)."""
    result = dict(changed=False, started=[], stopped=[], restarted=[], skipped_units=[], states={})

    started = unique(module.params['started'])
    stopped = unique(module.params['stopped'])
    restarted = unique(module.params['restarted'])
    try:
        for name in started + stopped + restarted:
            check_unit_name(name)
    except ValueError as exc:
        module.fail_json(msg=to_native(exc), **result)
    stopped_keys = dict((unit_key(n), n) for n in stopped)
    for label, names in (('started', started), ('restarted', restarted)):
        both = [n for n in names if unit_key(n) in stopped_keys]
        if both:
            module.fail_json(msg='units in both %s and stopped: %s' % (label, ', '.join(both)), **result)

    if not os.path.isdir(SYSTEMD_RUNTIME_DIR):
        module.fail_json(msg='service_set needs systemd (PID 1 is %s)' % pid1_name(), **result)

    systemctl = Systemctl(module, required=True)
    if module.params['daemon_reload'] and not module.check_mode:
        must(module, systemctl, ['daemon-reload'], result)

    names = unique(started + stopped + restarted)
    if not names:
        result['msg'] = 'no units given'
        return result

    try:
        before = read_states(systemctl, names, unique(started + stopped))
        warning = check_started(before, started, module.check_mode)
    except ServiceSetError as exc:
        module.fail_json(msg=to_native(exc), **result)

    if warning:
        module.warn(warning)
    p = plan(before, started, stopped, restarted, module.params['restart'])
    result.update(started=p['started'], stopped=p['stopped'], restarted=p['restart'], skipped_units=p['skipped'])
    result['changed'] = bool(p['started'] or p['stopped'] or p['restart'])

    if result['changed'] and not module.check_mode:
        if p['disable']:
            must(module, systemctl, ['disable', '--now', '--'] + p['disable'], result)
        if p['stop']:
            must(module, systemctl, ['stop', '--'] + p['stop'], result)
        if p['enable']:
            must(module, systemctl, ['enable', '--now', '--'] + p['enable'], result, journal_units=p['enable'])
        if p['start']:
            must(module, systemctl, ['start', '--'] + p['start'], result, journal_units=p['start'])
        if p['restart']:
            must(module, systemctl, ['restart', '--'] + p['restart'], result, journal_units=p['restart'])
        try:
            after = read_states(systemctl, names, unique(started + stopped))
        except ServiceSetError as exc:
            module.fail_json(msg=to_native(exc), **result)
    elif result['changed']:
        after = expected_states(before, p)
    else:
        after = before

    result['states'] = {}
    for name in names:
        state = after[unit_key(name)]
        result['states'][name] = dict(active=state['active'], enabled=state['enabled'], load=state['load'])
    result['msg'] = summary(p, module.check_mode)
    if module._diff:
        restarted_now = set(unit_key(n) for n in p['restart'])
        lines_before = []
        lines_after = []
        for name in names:
            key = unit_key(name)
            lines_before.append('%s: %s\n' % (name, describe(before[key])))
            note = ' (restarted)' if key in restarted_now else ''
            lines_after.append('%s: %s%s\n' % (name, describe(after[key]), note))
        result['diff'] = dict(before=''.join(lines_before), after=''.join(lines_after))

    if not module.check_mode:
        dead = [n for n in started
                if after[unit_key(n)]['active'] == 'failed' or after[unit_key(n)]['sub'] == 'auto-restart']
        if dead:
            result['msg'] = 'started, but not running: %s%s' % (', '.join(dead), systemctl.journal(dead, JOURNAL_LINES))
            module.fail_json(**result)
    return result
