# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""The plans of the libvirt_listen module: units and files of libvirt's TCP/TLS listeners.

* :func:`detect_mode` / :func:`require_mode` - how the host runs libvirt.
* :class:`Host` - files below a root directory, read once, planned, then written.
* The file plans (configuration file, drop-ins, ``--listen`` flag) and the
  systemctl steps (:func:`plan_socket_units`, :func:`plan_legacy_sockets`).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import errno
import os

from ansible.module_utils.common.text.converters import to_native

from ansible_collections.novaops.console_migration.plugins.module_utils.files import (
    FileError,
    atomic_write,
    file_diff,
    read_text,
)
from ansible_collections.novaops.console_migration.plugins.module_utils.libvirt_conf import (
    LISTEN_LONG,
    LISTEN_SHORT,
    UPSTART_MISSING,
    UPSTART_VARIABLE,
    LibvirtConf,
    LibvirtConfError,
    ShellVars,
    ShellVarsError,
    add_listen_flag,
    has_listen_flag,
    strip_listen_flag,
    upstart_add_listen,
)
from ansible_collections.novaops.console_migration.plugins.module_utils import libvirt_layout
from ansible_collections.novaops.console_migration.plugins.module_utils import platforms
from ansible_collections.novaops.console_migration.plugins.module_utils.systemd_units import (
    BUSY_STATES,
    DISABLE_NEEDED,
    ENABLE_NEEDED,
    ENABLED_STATES,
    RUNNING_STATES,
    SYSTEMD_RUNTIME_DIR,
)

DAEMONS = ('libvirtd', 'virtproxyd')
TRANSPORTS = ('tcp', 'tls')
_LIBVIRT = platforms.SHARED['libvirt']
DEFAULT_CONFIG = dict(_LIBVIRT['config'])
DROPIN_NAME = 'novaops-listen.conf'
# The server's TLS files: libvirtd.conf key per platform table key.
TLS_DEFAULTS = tuple((conf_key, dict((k, p) for k, p, dummy in platforms.SHARED['tls']['files'])[key])
                     for conf_key, key in (('key_file', 'server_key'), ('cert_file', 'server_cert'),
                                           ('ca_file', 'ca_cert')))
# Variables that could pass --listen to a socket-activated daemon.
ARGS_FILES = _LIBVIRT['args_files']
LEGACY_CANDIDATES = _LIBVIRT['legacy_init_files']


def socket_unit(daemon, transport):
    return '%s-%s.socket' % (daemon, transport)


def base_sockets(daemon):
    return ['%s.socket' % daemon, '%s-ro.socket' % daemon, '%s-admin.socket' % daemon]


def listen_sockets():
    return [socket_unit(d, t) for d in DAEMONS for t in TRANSPORTS]


def show_units():
    units = []
    for daemon in DAEMONS:
        units.extend(['%s.service' % daemon] + base_sockets(daemon) + [socket_unit(daemon, t) for t in TRANSPORTS])
    return units + ['virtqemud.service', 'virtqemud.socket']


def dropin_path(unit):
    return '/etc/systemd/system/%s.d/%s' % (unit, DROPIN_NAME)


def dropin_text(address, port):
    host = '[%s]' % address if ':' in address else address
    return '[Socket]\nListenStream=\nListenStream=%s:%d\n' % (host, port)


def listen_text(address, port, transport):
    if address is None:
        host = '*'
    else:
        host = '[%s]' % address if ':' in address else address
    return '%s:%d (%s)' % (host, port, transport)


class ListenError(Exception):
    pass


# -- detection ------------------------------------------------------------------

def is_loaded(state):
    return state.get('load') == 'loaded'


def in_use(state):
    """Enabled (to start at boot) or running."""
    return state.get('file') in ENABLED_STATES or state.get('active') in BUSY_STATES


def detect_mode(states):
    """``modular``, ``socket`` or ``legacy`` from the unit states (empty without systemd)."""
    def st(name):
        return states.get(name, {})

    if (is_loaded(st('virtproxyd.socket')) and is_loaded(st('virtqemud.service'))
            and (in_use(st('virtqemud.service')) or in_use(st('virtqemud.socket')))
            and not in_use(st('libvirtd.service')) and not in_use(st('libvirtd.socket'))):
        return 'modular'
    if is_loaded(st('libvirtd.socket')) and any(is_loaded(st(socket_unit('libvirtd', t))) for t in TRANSPORTS):
        return 'socket'
    return 'legacy'


def require_mode(mode, states, transport, systemd):
    """Raise ListenError if ``mode`` cannot work on this host."""
    def st(name):
        return states.get(name, {})

    if mode in ('socket', 'modular'):
        daemon = 'libvirtd' if mode == 'socket' else 'virtproxyd'
        if not systemd:
            raise ListenError('mode=%s needs systemd, but %s does not exist or systemctl was not found'
                              % (mode, SYSTEMD_RUNTIME_DIR))
        needed = ['%s.socket' % daemon, socket_unit(daemon, transport)]
        problems = ['%s (LoadState=%s)' % (n, st(n).get('load', 'not-found')) for n in needed if not is_loaded(st(n))]
        if problems:
            raise ListenError('mode=%s needs %s, which cannot be used: %s (is libvirt %s or later installed%s?)'
                              % (mode, ' and '.join(needed), ', '.join(problems), libvirt_layout.since(mode),
                                 ', with its modular daemons' if mode == 'modular' else ''))
    elif mode == 'legacy' and systemd:
        has_ip_sockets = any(is_loaded(st(socket_unit('libvirtd', t))) for t in TRANSPORTS)
        if has_ip_sockets and in_use(st('libvirtd.socket')):
            raise ListenError('mode=legacy, but libvirtd.socket is %s/%s: with socket activation libvirtd refuses '
                              '--listen. Use mode=socket, or mask libvirtd.socket, libvirtd-ro.socket and '
                              'libvirtd-admin.socket first'
                              % (st('libvirtd.socket').get('active'), st('libvirtd.socket').get('file')))


# -- the host ---------------------------------------------------------------------

class Host(object):
    """Reads files below ``root`` and records the planned content of each."""

    def __init__(self, module, root):
        self.module = module
        self.root = root
        self.files = []     # paths in planning order
        self.before = {}    # path -> text ('' if missing)
        self.exists = {}    # path -> bool
        self.after = {}     # path -> text, or None to remove

    def path(self, path):
        return os.path.join(self.root, path.lstrip('/'))

    def isfile(self, path):
        return os.path.isfile(self.path(path))

    def exists_path(self, path):
        return os.path.exists(self.path(path))

    def read(self, path):
        """Planned content of ``path`` (current content on first read; '' if missing)."""
        if path in self.after:
            return self.after[path] if self.after[path] is not None else ''
        try:
            text = read_text(self.path(path), path)
        except FileError as exc:
            raise ListenError(to_native(exc))
        exists = text is not None
        text = text or ''
        self.files.append(path)
        self.before[path] = text
        self.exists[path] = exists
        self.after[path] = text if exists else None
        return text

    def plan(self, path, text):
        self.read(path)
        self.after[path] = text

    def changed(self):
        return [p for p in self.files
                if (self.after[p] is None and self.exists[p])
                or (self.after[p] is not None and (not self.exists[p] or self.after[p] != self.before[p]))]

    def diff(self):
        return [file_diff(self.before[p], self.after[p], p) for p in self.changed()]

    def write_all(self):
        for path in self.changed():
            if self.after[path] is None:
                self.remove(path)
            else:
                self.write(path, self.after[path], create_dir=path.startswith('/etc/systemd/system/'))

    def write(self, path, text, create_dir=False):
        try:
            atomic_write(self.module, os.path.realpath(self.path(path)), text, makedirs=create_dir, label=path)
        except FileError as exc:
            raise ListenError(to_native(exc))

    def remove(self, path):
        real = self.path(path)
        try:
            os.unlink(real)
        except OSError as exc:
            if exc.errno != errno.ENOENT:
                raise ListenError('Cannot remove %s: %s' % (path, to_native(exc)))
        try:
            os.rmdir(os.path.dirname(real))
        except OSError:
            pass  # not empty, or not ours to remove


# -- file plans ---------------------------------------------------------------------

def edit_libvirt_conf(host, path, settings):
    """Plan ``settings`` ((name, value) pairs) in the libvirt configuration file ``path``."""
    if not settings:
        return
    text = host.read(path)
    try:
        conf = LibvirtConf.parse(text)
        for name, value in settings:
            conf.set(name, value)
    except LibvirtConfError as exc:
        raise ListenError('Cannot edit %s: %s' % (path, exc))
    if conf.render() != text or not host.exists[path]:
        host.plan(path, conf.render())


def remove_listen_flags(host, daemon):
    """Never both: drop -l/--listen from the argument variables of ``daemon``."""
    for path, names in ARGS_FILES[daemon]:
        if not host.isfile(path):
            continue
        text = host.read(path)
        try:
            conf = ShellVars.parse(text)
            for name in names:
                conf.replace_values(name, without_listen_flag)
        except ShellVarsError as exc:
            raise ListenError('Cannot remove the --listen flag from %s: %s' % (path, exc))
        host.plan(path, conf.render())


def without_listen_flag(value):
    """``value`` without the flag; None (remove the line) if nothing else is left."""
    if not has_listen_flag(value):
        return value
    return strip_listen_flag(value) or None


def dropin_plans(host, chosen, content):
    """Our drop-in for ``chosen`` (None: none wanted), removal of the others."""
    for unit in listen_sockets():
        path = dropin_path(unit)
        if unit == chosen:
            host.plan(path, content)
        elif host.exists_path(path):
            host.read(path)
            host.plan(path, None)


def legacy_kind(path):
    """(kind, service) of a legacy init file: kind is sysconfig, default, libvirt-bin or upstart."""
    directory, name = os.path.split(path)
    if name.endswith('.conf') and os.path.basename(directory) == 'init':
        return 'upstart', name[:-len('.conf')]
    if name == 'libvirt-bin':
        return 'libvirt-bin', name
    if os.path.basename(directory) == 'sysconfig':
        return 'sysconfig', name
    return 'default', name


def legacy_files(host, legacy_init):
    if legacy_init != 'auto':
        if not host.isfile(legacy_init):
            raise ListenError('legacy_init %s does not exist' % legacy_init)
        return [legacy_init]
    found = [p for p in LEGACY_CANDIDATES if host.isfile(p)]
    if not found:
        raise ListenError('mode=legacy: none of %s exists, so the --listen flag has no place; set legacy_init to '
                          'the file that holds the options of libvirtd' % ', '.join(LEGACY_CANDIDATES))
    return found


def add_flag_shell(host, path, kind):
    text = host.read(path)
    try:
        conf = ShellVars.parse(text)
        if kind == 'sysconfig':
            name = 'LIBVIRTD_ARGS'
        elif kind == 'libvirt-bin':
            name = 'libvirtd_opts'
        else:
            # /etc/default/libvirtd: libvirtd_opts before Debian 10, LIBVIRTD_ARGS since.
            active = [n for n in ('LIBVIRTD_ARGS', 'libvirtd_opts') if conf.has(n)]
            commented = [n for n in ('LIBVIRTD_ARGS', 'libvirtd_opts') if conf.has_commented(n)]
            name = (active or commented or ['libvirtd_opts'])[0]
        flag = LISTEN_LONG if name == 'LIBVIRTD_ARGS' else LISTEN_SHORT
        current = conf.get(name)
        if current is None:
            # The upstart job of libvirt-bin defaults to libvirtd_opts="-d" (daemonize).
            current = '-d' if kind == 'libvirt-bin' else ''
        conf.set(name, add_listen_flag(current, flag))
    except ShellVarsError as exc:
        raise ListenError('Cannot add the --listen flag to %s: %s' % (path, exc))
    host.plan(path, conf.render())


def plan_legacy_init(host, paths):
    """Add the flag to every file of ``paths``; return the services to restart as (kind, name)."""
    kinds = [(path, legacy_kind(path)) for path in paths]
    default_handled = any(kind == 'libvirt-bin' for dummy, (kind, name) in kinds)
    for path, (kind, name) in kinds:
        if kind == 'upstart':
            text = host.read(path)
            new, status = upstart_add_listen(text, default_handled=default_handled)
            if status == UPSTART_MISSING:
                raise ListenError('%s has no "exec /usr/sbin/libvirtd ..." line to add -l to' % path)
            if status == UPSTART_VARIABLE and not default_handled:
                raise ListenError('%s starts libvirtd with $libvirtd_opts but has no env libvirtd_opts=... line and '
                                  '/etc/default/libvirt-bin does not exist; set legacy_init to the file that sets '
                                  'libvirtd_opts' % path)
            host.plan(path, new)
        else:
            add_flag_shell(host, path, kind)
    upstart = [name for dummy, (kind, name) in kinds if kind == 'upstart']
    if upstart:
        return 'upstart', upstart[0]
    names = []
    for dummy, (kind, name) in kinds:
        if name not in names:
            names.append(name)
    existing = [n for n in names if host.exists_path('/etc/init.d/' + n)]
    return 'service', (existing or names)[0]


def tls_files(host, conf_path, given):
    """Paths of the TLS files libvirtd will use: given, set in the file, or defaults."""
    try:
        conf = LibvirtConf.parse(host.read(conf_path))
    except LibvirtConfError as exc:
        raise ListenError('Cannot parse %s: %s' % (conf_path, exc))
    result = []
    for key, default in TLS_DEFAULTS:
        value = given.get(key) or conf.get(key)
        result.append((key, value if isinstance(value, str) and value else default))
    return result


def empty_units():
    return dict(enabled=[], disabled=[], started=[], stopped=[], restarted=[])


def _unit_steps(units, *actions):
    """systemctl steps for (verb, report key, names) actions that name units; recorded in ``units``."""
    steps = []
    for verb, key, names in actions:
        if names:
            steps.append([verb, '--'] + names)
            units[key] = names
    return steps


def plan_socket_units(states, daemon, transport, activate):
    """The systemctl steps for socket activation, as (argv tail, units report) pairs."""
    def st(name):
        return states.get(name, {})

    chosen = socket_unit(daemon, transport)
    service = '%s.service' % daemon
    bases = [b for b in base_sockets(daemon) if is_loaded(st(b))]
    masked = [u for u in bases + [chosen] if st(u).get('file', '').startswith('masked')]
    if masked:
        raise ListenError('masked, cannot be started: %s (unmask them first)' % ', '.join(masked))
    others = [u for u in listen_sockets() if u != chosen and st(u).get('load') not in (None, 'not-found')]
    disable = [u for u in others if st(u).get('file') in DISABLE_NEEDED]
    stop = [u for u in others if st(u).get('active') in BUSY_STATES]
    enable = [u for u in bases + [chosen] if st(u).get('file') in ENABLE_NEEDED]
    start = [b for b in bases if st(b).get('active') not in RUNNING_STATES]
    chosen_running = st(chosen).get('active') in RUNNING_STATES
    service_busy = st(service).get('active') in BUSY_STATES
    # A daemon that failed (for example on --listen with sockets) is started again once fixed, so that
    # the task fails now if it still cannot start, not the next live migration.
    service_failed = st(service).get('active') == 'failed'

    units = empty_units()
    steps = _unit_steps(units, ('disable', 'disabled', disable), ('enable', 'enabled', enable))
    if not activate:
        return steps, units
    runtime = []
    if service_busy:
        runtime.append(['stop', '--', service])
    if service_failed:
        runtime.append(['reset-failed', '--', service])
    if stop:
        runtime.append(['stop', '--'] + stop)
        units['stopped'] = stop
    if start:
        runtime.append(['start', '--'] + start)
    runtime.append(['restart', '--', chosen])
    units['started'] = start + ([] if chosen_running else [chosen])
    units['restarted'] = [chosen] if chosen_running else []
    if service_busy or service_failed:
        runtime.append(['start', '--', service])
        units['restarted' if service_busy else 'started'].append(service)
    # Unit files first (disable/enable), then the runtime sequence.
    return steps + runtime, units


def socket_activation_needed(states, daemon, transport, files_changed):
    """Whether the daemon must be stopped and the chosen socket (re)started."""
    def st(name):
        return states.get(name, {})

    chosen = socket_unit(daemon, transport)
    others_busy = [u for u in listen_sockets() if u != chosen and st(u).get('active') in BUSY_STATES]
    bases_down = [b for b in base_sockets(daemon) if is_loaded(st(b)) and st(b).get('active') not in RUNNING_STATES]
    return bool(files_changed or st(chosen).get('active') not in RUNNING_STATES or others_busy or bases_down)


def plan_legacy_sockets(states, restart):
    """Legacy mode on systemd: the TCP/TLS sockets of libvirtd and virtproxyd must not listen."""
    units = empty_units()
    disable = [u for u in listen_sockets() if states.get(u, {}).get('file') in DISABLE_NEEDED]
    stop = [u for u in listen_sockets() if states.get(u, {}).get('active') in BUSY_STATES] if restart else []
    return _unit_steps(units, ('disable', 'disabled', disable), ('stop', 'stopped', stop)), units
