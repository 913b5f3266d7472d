# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""Small helpers around ``systemctl`` output, no Ansible imports.

* :func:`unit_key` - the name systemd uses for a unit name as given
  (``cron`` -> ``cron.service``), to compare names across lists.
* :func:`parse_show` - the blank-line separated blocks of
  ``systemctl show --property=...`` for several units.
* :func:`is_enabled_answer` - the state printed by ``systemctl is-enabled``.
* :func:`describe` - ``active/enabled`` text of one unit state.
* :class:`Systemctl` - ``systemctl`` through an AnsibleModule-like object
  (``run_command``, ``get_bin_path``), in the C locale.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re

from ansible_collections.novaops.console_migration.plugins.module_utils.common import C_LOCALE

SHOW_PROPERTIES = ('Id', 'LoadState', 'ActiveState', 'UnitFileState', 'SubState')

# systemd's unit types (man systemd.unit); a name without one of these
# suffixes is a service.
UNIT_SUFFIXES = ('.service', '.socket', '.target', '.device', '.mount', '.automount',
                 '.swap', '.timer', '.path', '.slice', '.scope')

# Characters systemd accepts in unit names (man systemd.unit, "Unit names
# ... consist of ASCII letters, digits, ':', '-', '_', '.', and '\\'", plus
# '@' for instances).  Globs are refused on purpose: start/stop would expand
# them, show would not.
UNIT_NAME_RE = re.compile(r'^[A-Za-z0-9:_.@\\-]+$')

# ActiveState values (man systemctl, "systemctl --state=help").
RUNNING_STATES = frozenset(['active', 'reloading', 'refreshing'])
BUSY_STATES = RUNNING_STATES | frozenset(['activating', 'deactivating'])

# UnitFileState values (man systemctl, is-enabled): enabled to start at boot,
# changed by `systemctl enable`, changed by `systemctl disable`.
ENABLED_STATES = frozenset(['enabled', 'enabled-runtime', 'indirect', 'alias'])
ENABLE_NEEDED = frozenset(['disabled', 'linked', 'linked-runtime'])
DISABLE_NEEDED = frozenset(['enabled'])

SYSTEMD_RUNTIME_DIR = '/run/systemd/system'


def check_unit_name(name):
    """Raise ``ValueError`` unless ``name`` is a plain unit name."""
    if not isinstance(name, str) or not name or name.startswith('-') or not UNIT_NAME_RE.match(name):
        raise ValueError('invalid unit name %r: expected a systemd unit name such as '
                         "'nova-novncproxy' or 'nova-novncproxy.service' (letters, digits, "
                         "':', '-', '_', '.', '@', '\\\\'; no glob patterns, not starting with '-')"
                         % (name,))


def unit_key(name):
    """Full unit name systemd uses for ``name`` (``.service`` added if no suffix)."""
    if name.endswith(UNIT_SUFFIXES):
        return name
    return name + '.service'


def parse_show(text):
    """Parse ``systemctl show`` output for several units.

    Returns one ``{property: value}`` dict per blank-line separated block,
    in output order (``systemctl show`` prints the units in argument order).
    """
    blocks = []
    current = None
    for line in text.splitlines():
        if not line.strip():
            current = None
            continue
        if current is None:
            current = {}
            blocks.append(current)
        key, sep, value = line.partition('=')
        if sep:
            current[key.strip()] = value.strip()
    return blocks


def unit_state(block):
    """``{load, active, sub, file}`` from one parsed ``systemctl show`` block."""
    return {
        'id': block.get('Id', ''),
        'load': block.get('LoadState', '') or 'not-found',
        'active': block.get('ActiveState', '') or 'inactive',
        'sub': block.get('SubState', ''),
        'file': block.get('UnitFileState', ''),
    }


def is_enabled_answer(stdout):
    """Last non-empty line of ``systemctl is-enabled`` output, or ``''``.

    For a unit generated from a SysV init script, systemctl redirects to
    ``systemd-sysv-install is-enabled`` and prints ``enabled`` or ``disabled``
    (the redirection notice goes to stderr).
    """
    lines = [line.strip() for line in stdout.splitlines() if line.strip()]
    return lines[-1] if lines else ''


def describe(state):
    """``active/enabled`` text of a state dict (``enabled`` falls back to ``load``)."""
    return '%s/%s' % (state.get('active') or 'inactive', state.get('enabled') or state.get('load') or '-')


class SystemctlError(Exception):
    def __init__(self, msg, rc=None, stdout='', stderr=''):
        super(SystemctlError, self).__init__(msg)
        self.rc, self.stdout, self.stderr = rc, stdout, stderr


class Systemctl(object):
    """``systemctl`` commands; ``path`` defaults to the one found on the host."""

    def __init__(self, module, path=None, required=False):
        self.module = module
        self.bin = path or module.get_bin_path('systemctl', required=required)

    def run(self, args):
        return self.module.run_command([self.bin] + list(args), environ_update=C_LOCALE)

    def must(self, args):
        """stdout of ``systemctl ARGS``; SystemctlError unless it succeeds."""
        rc, out, err = self.run(args)
        if rc != 0:
            raise SystemctlError('systemctl %s failed (rc=%d): %s' % (' '.join(args), rc, (err or out).strip()),
                                 rc, out, err)
        return out

    def show(self, names, properties=SHOW_PROPERTIES):
        """:func:`unit_state` of each of ``names``, in order, from one ``systemctl show``."""
        names = list(names)
        if not names:
            return []
        rc, out, err = self.run(['show', '--property=' + ','.join(properties), '--'] + names)
        if rc != 0:
            raise SystemctlError('systemctl show failed (rc=%d): %s' % (rc, (err or out).strip()), rc, out, err)
        blocks = parse_show(out)
        if len(blocks) != len(names):
            raise SystemctlError('systemctl show returned %d blocks for %d units (%s): %r'
                                 % (len(blocks), len(names), ', '.join(names), out))
        return [unit_state(block) for block in blocks]

    def is_enabled(self, name):
        """Answer of ``systemctl is-enabled NAME`` (one unit: SysV answers come first in a batch)."""
        dummy, out, dummy2 = self.run(['is-enabled', '--', name])
        return is_enabled_answer(out)

    def is_active(self, name):
        dummy, out, dummy2 = self.run(['is-active', name])
        return out.strip()

    def daemon_reload(self):
        self.must(['daemon-reload'])

    def journal(self, names, lines=20):
        """The last ``lines`` lines of ``journalctl -u`` of each unit, as text for an error message."""
        journalctl = self.module.get_bin_path('journalctl')
        text = ''
        for name in names:
            if not journalctl:
                text += '\n%s is not running (journalctl not found)' % name
                continue
            dummy, out, err = self.module.run_command([journalctl, '-u', name, '-n', str(lines), '--no-pager'],
                                                      environ_update=C_LOCALE)
            text += '\nlast journal lines of %s:\n%s' % (name, (out or err).rstrip())
        return text

    def act(self, verb, names, *options):
        """``systemctl VERB [OPTIONS] -- NAMES`` (start, stop, restart, enable, disable, reset-failed)."""
        return self.must([verb] + list(options) + ['--'] + list(names))
