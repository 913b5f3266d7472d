#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r"""
module: libvirt_listen
short_description: Make libvirtd listen on TCP or TLS for live migration, the way the host runs libvirt
version_added: 1.0.0
description:
  - Makes the libvirt daemon of a compute node accept remote connections over TLS (port 16514) or plain TCP
    (port 16509) for Nova live migration, in one task. How this is done depends on how the host runs libvirt, which
    the module detects (O(mode=auto)) and returns in RV(mode).
  - 'V(socket): systemd socket activation of the monolithic daemon (libvirt 5.7 and later, for example Debian 11 and
    12, Ubuntu 20.04 and later, RHEL 8). C(libvirtd-tcp.socket) or C(libvirtd-tls.socket) is enabled and started with
    a drop-in C(/etc/systemd/system/libvirtd-tcp.socket.d/novaops-listen.conf) (or C(libvirtd-tls.socket.d)) that
    makes it listen on O(listen_address) only. C(listen_tcp), C(listen_tls), C(listen_addr) and the ports of
    C(libvirtd.conf) are ignored by libvirtd in this mode and are not touched.'
  - 'V(modular): the modular daemons (C(virtqemud), C(virtproxyd); libvirt 7 and later on hosts that switched, for
    example Fedora and RHEL 9). The same as V(socket) with C(virtproxyd-tcp.socket) or C(virtproxyd-tls.socket) and
    C(/etc/libvirt/virtproxyd.conf).'
  - 'V(legacy): libvirtd without socket activation (SysV init, upstart, or systemd hosts with libvirt before 5.7, for
    example RHEL 7). C(listen_tls), C(listen_tcp), the port, C(listen_addr) and C(auth_tcp) are set in
    C(libvirtd.conf), and the C(--listen) (C(-l)) option is added to the daemon through O(legacy_init).'
  - 'Never both: with socket activation, libvirtd refuses to start with C(--listen). In V(socket) and V(modular) mode
    the module removes the flag from C(LIBVIRTD_ARGS) or C(libvirtd_opts) (C(VIRTPROXYD_ARGS) for V(modular)) in
    C(/etc/sysconfig/libvirtd) and C(/etc/default/libvirtd); a variable left empty is removed, so that the default of
    the unit applies again. In every mode the TCP and TLS sockets of libvirtd and virtproxyd that are not wanted are
    disabled and stopped, and the drop-ins of this module for them are removed.'
  - The state of the units is read with one C(systemctl show) call. Files are only written when their content changes,
    atomically (temporary file in the same directory, then rename), and every line the module does not manage is kept
    byte for byte. A setting that has no active line is added right after its commented default (for example
    C(listen_tcp = 1) after C(#listen_tcp = 1)), else at the end of the file.
  - 'When something changed and O(restart=true), in V(socket) and V(modular) mode the daemon service is stopped
    (C(libvirtd.service) or C(virtproxyd.service): a running daemon would keep its old listeners and not take the new
    socket), the unit files are reloaded if a drop-in changed, the unwanted sockets are disabled and stopped, the
    base sockets (C(libvirtd.socket), C(libvirtd-ro.socket), C(libvirtd-admin.socket)) and the chosen socket are
    enabled, the chosen socket is restarted, and the service is started again if it was running. A service in the
    V(failed) state (for example after C(--listen) with sockets) is reset and started too, so that the task fails
    if it still cannot start. In V(legacy) mode
    the daemon is restarted with C(service libvirtd restart) (or C(libvirt-bin)), or, for an upstart job, with
    C(initctl stop libvirt-bin) and C(initctl start libvirt-bin), because the C(restart) command of upstart does not read a
    changed job file. Running guests survive the restart; their QEMU processes are separate.'
author: "novaops maintainers (@novaops)"
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - novaops.console_migration.attributes
attributes:
  check_mode:
    details:
      - Only C(systemctl show) runs; nothing is written, enabled, started or restarted.
  diff_mode:
    details:
      - One diff per file that changes (would change), with the path as header. A removed drop-in has an empty
        C(after).
options:
  transport:
    description:
      - V(tls) listens for TLS connections (C(qemu+tls://), port O(tls_port)), V(tcp) for plain TCP connections
        (C(qemu+tcp://), port O(tcp_port)), authenticated as O(auth_tcp) says.
      - Only the chosen transport listens; the other one is switched off.
    type: str
    choices: [tls, tcp]
    default: tls
  auth_tcp:
    description:
      - Authentication of TCP connections, written as C(auth_tcp) to the daemon's configuration file when
        O(transport=tcp).
      - V(none) lets everybody who reaches the port control libvirt and gives a warning. It is only allowed with
        O(transport=tcp). Limit the port with the firewall to the other compute nodes.
    type: str
    choices: [sasl, none]
    default: sasl
  listen_address:
    description:
      - IPv4 or IPv6 address to listen on, normally the host's address on the migration network.
      - Required in V(socket) and V(modular) mode (written into the drop-in as C(ListenStream=ADDRESS:PORT), IPv6 in
        brackets). In V(legacy) mode written as C(listen_addr) to C(libvirtd.conf); if omitted there, C(listen_addr)
        is left as it is (libvirt's default listens on all addresses).
    type: str
  tcp_port:
    description:
      - Port of O(transport=tcp). In V(legacy) mode written as C(tcp_port) (a quoted string, as libvirt wants it).
    type: int
    default: 16509
  tls_port:
    description:
      - Port of O(transport=tls). In V(legacy) mode written as C(tls_port) (a quoted string).
    type: int
    default: 16514
  mode:
    description:
      - How the host runs libvirt.
      - 'V(auto) detects it from the units systemd knows: V(modular) when C(virtproxyd.socket) and
        C(virtqemud.service) exist, C(virtqemud.service) or C(virtqemud.socket) is enabled or active, and neither
        C(libvirtd.service) nor C(libvirtd.socket) is; V(socket) when C(libvirtd.socket) is loaded (exists and is not
        masked) and C(libvirtd-tcp.socket) or C(libvirtd-tls.socket) exists; V(legacy) otherwise, including hosts
        without systemd.'
      - A forced V(socket) or V(modular) fails if its units do not exist. A forced V(legacy) fails on a host where
        C(libvirtd.socket) is enabled or active and libvirt has TCP/TLS sockets (5.7 or later), because libvirtd would
        refuse C(--listen) there.
    type: str
    choices: [auto, socket, modular, legacy]
    default: auto
  tls:
    description:
      - Paths of the TLS files, written to the daemon's configuration file only when given. libvirt's defaults
        (C(/etc/pki/CA/cacert.pem), C(/etc/pki/libvirt/servercert.pem), C(/etc/pki/libvirt/private/serverkey.pem))
        need no setting.
      - With O(transport=tls) the module fails, before changing anything, if one of the files libvirtd would use
        (given here, set in the configuration file, or the default) does not exist, because libvirtd would then not
        start at all. In check mode this is only a warning.
    type: dict
    suboptions:
      key_file:
        description: Private key of the server (C(key_file)).
        type: path
      cert_file:
        description: Certificate of the server (C(cert_file)).
        type: path
      ca_file:
        description: Certificate of the CA (C(ca_file)).
        type: path
  config_path:
    description:
      - The daemon's configuration file.
      - Defaults to C(/etc/libvirt/libvirtd.conf), or C(/etc/libvirt/virtproxyd.conf) in V(modular) mode.
      - A missing file is created (its directory must exist), but only if there is something to write.
    type: path
  legacy_init:
    description:
      - Where the C(--listen) flag goes in V(legacy) mode.
      - V(auto) edits every one of these files that exists, and fails if none does.
        C(/etc/sysconfig/libvirtd) gets C(LIBVIRTD_ARGS="--listen") (other arguments are kept).
        C(/etc/default/libvirtd) gets the flag in the variable it already has (C(LIBVIRTD_ARGS) with C(--listen), or
        C(libvirtd_opts) with C(-l), keeping C(-d)), C(libvirtd_opts="-l") if it has none.
        C(/etc/default/libvirt-bin) gets C(libvirtd_opts="-d -l").
        In the upstart job C(/etc/init/libvirt-bin.conf), C(-l) is appended to the line C(exec /usr/sbin/libvirtd -d);
        if that line passes C($libvirtd_opts) instead, the flag goes to C(/etc/default/libvirt-bin), or to the job's
        C(env libvirtd_opts=...) line when that file does not exist.
      - Or the path of one such file; its kind is taken from its name (C(*.conf) in an C(init) directory is an
        upstart job).
    type: str
    default: auto
  restart:
    description:
      - Restart or activate what changed (see the description). If V(false), files are written, unit files are
        reloaded, enabled and disabled, but nothing is started, stopped or restarted.
    type: bool
    default: true
  root:
    description:
      - Directory that every path the module reads or writes is relative to (configuration files, drop-ins,
        O(legacy_init), O(tls) files, C(/run/systemd/system), C(/etc/init.d)). Meant for tests; leave it at V(/) on
        real hosts.
      - Paths in the return values and diff headers are given without it.
    type: path
    default: /
notes:
  - Only the listener is managed. The TLS certificates, SASL users (C(saslpasswd2 -a libvirt)) and the firewall
    (M(novaops.console_migration.firewall_ports)) are separate tasks.
  - Requires root privileges.
seealso:
  - module: novaops.console_migration.firewall_ports
  - module: novaops.console_migration.nova_config
  - name: libvirt remote access, systemd socket activation
    description: Why C(--listen) and the TCP/TLS sockets exclude each other.
    link: https://libvirt.org/manpages/libvirtd.html#system-socket-activation
"""

EXAMPLES = r"""
- name: Listen for TLS live migration on the migration network
  novaops.console_migration.libvirt_listen:
    transport: tls
    listen_address: "{{ nova_migration_address }}"

- name: Plain TCP with SASL, as the later install guides do it
  novaops.console_migration.libvirt_listen:
    transport: tcp
    listen_address: "{{ ansible_default_ipv4.address }}"
  register: listen_result

- name: Diablo-era setup on a lab host (unauthenticated TCP, upstart)
  novaops.console_migration.libvirt_listen:
    transport: tcp
    auth_tcp: none
    mode: legacy
    legacy_init: /etc/init/libvirt-bin.conf
"""

RETURN = r"""
mode:
  description: How libvirt runs on the host, detected or as given (V(socket), V(modular) or V(legacy)).
  returned: always
  type: str
  sample: socket
listen:
  description: Address, port and transport libvirt listens on (or would); C(*) for all addresses in V(legacy) mode.
  returned: always
  type: str
  sample: "10.0.0.5:16514 (tls)"
files_changed:
  description: Files that were (would be) written or removed, without O(root).
  returned: always
  type: list
  elements: str
  sample:
    - /etc/libvirt/libvirtd.conf
    - /etc/systemd/system/libvirtd-tcp.socket.d/novaops-listen.conf
units:
  description: Units (service names in V(legacy) mode without systemd) that were (would be) changed, by action.
  returned: always
  type: dict
  contains:
    enabled:
      description: Units enabled.
      type: list
      elements: str
    disabled:
      description: Units disabled.
      type: list
      elements: str
    started:
      description: Units started that were not running.
      type: list
      elements: str
    stopped:
      description: Units stopped (and not started again).
      type: list
      elements: str
    restarted:
      description: Units restarted, or stopped and started again.
      type: list
      elements: str
  sample:
    enabled: [libvirtd-tcp.socket]
    disabled: []
    started: [libvirtd-tcp.socket]
    stopped: []
    restarted: [libvirtd.service]
restart_pending:
  description: Whether the daemon still has to be restarted or the socket activated, because O(restart=false).
  returned: always
  type: bool
  sample: false
msg:
  description: Short human readable summary.
  returned: always
  type: str
  sample: "socket mode: libvirtd listens on 10.0.0.5:16509 (tcp); 2 files changed"
"""

import errno
import ipaddress
import os
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native, to_text

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
from ansible_collections.novaops.console_migration.plugins.module_utils.systemd_units import (
    BUSY_STATES,
    RUNNING_STATES,
    parse_show,
)

SHOW_PROPERTIES = 'Id,LoadState,ActiveState,UnitFileState'
SYSTEMD_RUNTIME_DIR = '/run/systemd/system'
C_LOCALE = dict(LANG='C', LC_ALL='C', LC_MESSAGES='C')

DAEMONS = ('libvirtd', 'virtproxyd')
TRANSPORTS = ('tcp', 'tls')
DEFAULT_CONFIG = {'libvirtd': '/etc/libvirt/libvirtd.conf', 'virtproxyd': '/etc/libvirt/virtproxyd.conf'}
DROPIN_NAME = 'novaops-listen.conf'
TLS_DEFAULTS = (
    ('key_file', '/etc/pki/libvirt/private/serverkey.pem'),
    ('cert_file', '/etc/pki/libvirt/servercert.pem'),
    ('ca_file', '/etc/pki/CA/cacert.pem'),
)
# Variables that could pass --listen to a socket-activated daemon.
ARGS_FILES = {
    'libvirtd': (('/etc/sysconfig/libvirtd', ('LIBVIRTD_ARGS',)),
                 ('/etc/default/libvirtd', ('LIBVIRTD_ARGS', 'libvirtd_opts'))),
    'virtproxyd': (('/etc/sysconfig/virtproxyd', ('VIRTPROXYD_ARGS',)),
                   ('/etc/default/virtproxyd', ('VIRTPROXYD_ARGS',))),
}
LEGACY_CANDIDATES = ('/etc/sysconfig/libvirtd', '/etc/default/libvirtd', '/etc/default/libvirt-bin',
                     '/etc/init/libvirt-bin.conf')

# UnitFileState values (man systemctl, is-enabled).
ENABLED_STATES = frozenset(['enabled', 'enabled-runtime', 'indirect', 'alias'])
ENABLE_NEEDED = frozenset(['disabled', 'linked', 'linked-runtime'])
DISABLE_NEEDED = frozenset(['enabled'])


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
            raise ListenError('mode=%s needs %s, which cannot be used: %s (is libvirt 5.7 or later installed%s?)'
                              % (mode, ' and '.join(needed), ', '.join(problems),
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
        real = self.path(path)
        text = ''
        exists = os.path.lexists(real)
        if exists:
            if not os.path.isfile(real):
                raise ListenError('%s exists but is not a regular file' % path)
            try:
                with open(real, 'rb') as handle:
                    text = handle.read().decode('utf-8', 'surrogateescape')
            except (IOError, OSError) as exc:
                raise ListenError('Cannot read %s: %s' % (path, to_native(exc)))
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
        return [dict(before=self.before[p], after=self.after[p] or '', before_header=p, after_header=p)
                for p in self.changed()]

    def write_all(self):
        for path in self.changed():
            if self.after[path] is None:
                self.remove(path)
            else:
                self.write(path, self.after[path], create_dir=path.startswith('/etc/systemd/system/'))

    def write(self, path, text, create_dir=False):
        dest = os.path.realpath(self.path(path))
        directory, name = os.path.split(dest)
        if not os.path.isdir(directory):
            if not create_dir:
                raise ListenError('Cannot create %s: directory %s does not exist' % (path, directory))
            try:
                os.makedirs(directory, 0o755)
            except OSError as exc:
                raise ListenError('Cannot create directory %s: %s' % (directory, to_native(exc)))
        creating = not os.path.exists(dest)
        fd, tmp = tempfile.mkstemp(prefix='.%s.' % name, suffix='.tmp', dir=directory)
        try:
            with os.fdopen(fd, 'wb') as handle:
                handle.write(text.encode('utf-8', 'surrogateescape'))
                handle.flush()
                os.fsync(handle.fileno())
            if creating:
                os.chmod(tmp, 0o644)
            self.module.atomic_move(tmp, dest)
        except Exception as exc:  # pylint: disable=broad-except
            raise ListenError('Failed to write %s: %s' % (path, to_native(exc)))
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

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


# -- systemctl ------------------------------------------------------------------------

class Systemctl(object):
    def __init__(self, module, path):
        self.module = module
        self.bin = path

    def run(self, args):
        return self.module.run_command([self.bin] + list(args), environ_update=C_LOCALE)

    def must(self, args):
        rc, out, err = self.run(args)
        if rc != 0:
            raise ListenError('systemctl %s failed (rc=%d): %s' % (' '.join(args), rc, (err or out).strip()))
        return out

    def show(self, names):
        out = self.must(['show', '--property=' + SHOW_PROPERTIES, '--'] + list(names))
        blocks = parse_show(out)
        if len(blocks) != len(names):
            raise ListenError('systemctl show returned %d blocks for %d units: %r' % (len(blocks), len(names), out))
        states = {}
        for name, block in zip(names, blocks):
            states[name] = {
                'load': block.get('LoadState', '') or 'not-found',
                'active': block.get('ActiveState', '') or 'inactive',
                'file': block.get('UnitFileState', ''),
            }
        return states


def empty_units():
    return dict(enabled=[], disabled=[], started=[], stopped=[], restarted=[])


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
    steps = []
    if disable:
        steps.append(['disable', '--'] + disable)
        units['disabled'] = disable
    if enable:
        steps.append(['enable', '--'] + enable)
        units['enabled'] = enable
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


# -- main -----------------------------------------------------------------------------

def validate(params):
    """Normalized listen address (or None); raises ListenError."""
    if params['auth_tcp'] == 'none' and params['transport'] != 'tcp':
        raise ListenError('auth_tcp=none is only allowed with transport=tcp (TLS connections authenticate by '
                          'certificate)')
    for key in ('tcp_port', 'tls_port'):
        if not 1 <= params[key] <= 65535:
            raise ListenError('%s must be a port number from 1 to 65535, got %d' % (key, params[key]))
    address = params['listen_address']
    if address is None:
        return None
    text = address.strip()
    if text.startswith('[') and text.endswith(']'):
        text = text[1:-1]
    try:
        return str(ipaddress.ip_address(to_text(text)))
    except ValueError:
        raise ListenError('listen_address must be an IPv4 or IPv6 address such as 10.0.0.5 or fd00::5, got %r'
                          % address)


def summary(mode, daemon, listen, changed_files, units, restart_pending, check_mode):
    text = '%s mode: %s %s %s' % (mode, daemon, 'would listen on' if check_mode else 'listens on', listen)
    parts = []
    if changed_files:
        parts.append('%d file%s %s' % (len(changed_files), '' if len(changed_files) == 1 else 's',
                                       'would change' if check_mode else 'changed'))
    for key in ('enabled', 'disabled', 'started', 'stopped', 'restarted'):
        if units[key]:
            parts.append('%s%s: %s' % ('would be ' if check_mode else '', key, ', '.join(units[key])))
    if restart_pending:
        parts.append('restart pending (restart=false)')
    if not parts:
        parts.append('nothing to change')
    return text + '; ' + '; '.join(parts)


def run_module(module, result):
    params = module.params
    address = validate(params)
    transport = params['transport']
    port = params['%s_port' % transport]
    tls_given = dict((k, v) for k, v in (params['tls'] or {}).items() if v)
    host = Host(module, params['root'])

    systemctl_bin = module.get_bin_path('systemctl')
    systemd = bool(systemctl_bin) and os.path.isdir(host.path(SYSTEMD_RUNTIME_DIR))
    systemctl = Systemctl(module, systemctl_bin) if systemd else None
    states = systemctl.show(show_units()) if systemd else {}

    mode = params['mode']
    if mode == 'auto':
        mode = detect_mode(states)
    result['mode'] = mode
    require_mode(mode, states, transport, systemd)
    daemon = 'virtproxyd' if mode == 'modular' else 'libvirtd'
    conf_path = params['config_path'] or DEFAULT_CONFIG[daemon]
    if mode != 'legacy' and address is None:
        raise ListenError('listen_address is required in mode %s (the socket needs an address to listen on)' % mode)
    result['listen'] = listen_text(address, port, transport)

    if params['auth_tcp'] == 'none' and transport == 'tcp':
        module.warn('libvirtd accepts unauthenticated TCP connections (auth_tcp = "none"): everybody who reaches '
                    '%s can control the hypervisor; limit the port to the compute nodes' % result['listen'])

    # The configuration file of the daemon.
    settings = []
    if mode == 'legacy':
        settings.append(('listen_tls', 1 if transport == 'tls' else 0))
        settings.append(('listen_tcp', 1 if transport == 'tcp' else 0))
        settings.append(('%s_port' % transport, str(port)))
        if address is not None:
            settings.append(('listen_addr', address))
    if transport == 'tcp':
        settings.append(('auth_tcp', params['auth_tcp']))
    settings.extend((key, tls_given[key]) for key, dummy in TLS_DEFAULTS if key in tls_given)
    if settings and not host.exists_path(conf_path) and not os.path.isdir(os.path.dirname(host.path(conf_path))):
        raise ListenError('%s does not exist and neither does its directory (is libvirt installed?)' % conf_path)
    edit_libvirt_conf(host, conf_path, settings)

    if transport == 'tls':
        missing = [(key, path) for key, path in tls_files(host, conf_path, tls_given)
                   if not host.exists_path(path)]
        if missing:
            text = ('TLS file%s missing: %s; libvirtd would not start with TLS listening'
                    % ('s' if len(missing) > 1 else '', ', '.join('%s %s' % kp for kp in missing)))
            if not module.check_mode:
                raise ListenError(text + ' (deploy the certificates first)')
            module.warn(text + '; check mode goes on as if an earlier task deployed them')

    # Listeners: drop-ins and the --listen flag.
    service = None
    if mode == 'legacy':
        service = plan_legacy_init(host, legacy_files(host, params['legacy_init']))
        dropin_plans(host, None, None)
    else:
        dropin_plans(host, socket_unit(daemon, transport), dropin_text(address, port))
        remove_listen_flags(host, daemon)

    changed_files = host.changed()
    dropins_changed = any(p.startswith('/etc/systemd/system/') for p in changed_files)
    restart = params['restart']
    units = empty_units()
    steps = []
    restart_pending = False
    if mode == 'legacy':
        if systemd:
            steps, units = plan_legacy_sockets(states, restart)
        needed = bool(changed_files or units['stopped'])
        if needed and restart:
            kind, name = service
            units['restarted'].append(name)
        restart_pending = needed and not restart
    else:
        needed = socket_activation_needed(states, daemon, transport, changed_files)
        steps, units = plan_socket_units(states, daemon, transport, needed and restart)
        restart_pending = needed and not restart

    result['files_changed'] = changed_files
    result['units'] = units
    result['restart_pending'] = restart_pending
    result['changed'] = bool(changed_files or any(units.values()))
    if module._diff:
        result['diff'] = host.diff()

    if not module.check_mode:
        host.write_all()
        if systemd and dropins_changed:
            systemctl.must(['daemon-reload'])
        for step in steps:
            systemctl.must(step)
        if mode == 'legacy' and units['restarted']:
            restart_legacy(module, service, systemctl)

    result['msg'] = summary(mode, daemon if mode != 'legacy' else service[1], result['listen'], changed_files, units,
                            restart_pending, module.check_mode)


def plan_legacy_sockets(states, restart):
    """Legacy mode on systemd: the TCP/TLS sockets of libvirtd and virtproxyd must not listen."""
    units = empty_units()
    steps = []
    disable = [u for u in listen_sockets() if states.get(u, {}).get('file') in DISABLE_NEEDED]
    stop = [u for u in listen_sockets() if states.get(u, {}).get('active') in BUSY_STATES] if restart else []
    if disable:
        steps.append(['disable', '--'] + disable)
        units['disabled'] = disable
    if stop:
        steps.append(['stop', '--'] + stop)
        units['stopped'] = stop
    return steps, units


def restart_legacy(module, service, systemctl):
    kind, name = service
    if kind == 'upstart':
        initctl = module.get_bin_path('initctl', required=True)
        # `restart` would keep the old job definition; stop + start reads the changed job file.
        rc, out, err = module.run_command([initctl, 'stop', name], environ_update=C_LOCALE)
        if rc != 0 and 'Unknown instance' not in (err + out):
            raise ListenError('initctl stop %s failed (rc=%d): %s' % (name, rc, (err or out).strip()))
        argv = [initctl, 'start', name]
    else:
        service_bin = module.get_bin_path('service')
        if service_bin:
            argv = [service_bin, name, 'restart']
        elif systemctl is not None:
            argv = [systemctl.bin, 'restart', '--', name + '.service']
        else:
            raise ListenError('cannot restart %s: neither service nor systemctl was found' % name)
    rc, out, err = module.run_command(argv, environ_update=C_LOCALE)
    if rc != 0:
        raise ListenError('%s failed (rc=%d): %s' % (' '.join(argv), rc, (err or out).strip()))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            transport=dict(type='str', choices=['tls', 'tcp'], default='tls'),
            auth_tcp=dict(type='str', choices=['sasl', 'none'], default='sasl'),
            listen_address=dict(type='str'),
            tcp_port=dict(type='int', default=16509),
            tls_port=dict(type='int', default=16514),
            mode=dict(type='str', choices=['auto', 'socket', 'modular', 'legacy'], default='auto'),
            tls=dict(type='dict', options=dict(
                key_file=dict(type='path'),
                cert_file=dict(type='path'),
                ca_file=dict(type='path'),
            )),
            config_path=dict(type='path'),
            legacy_init=dict(type='str', default='auto'),
            restart=dict(type='bool', default=True),
            root=dict(type='path', default='/'),
        ),
        supports_check_mode=True,
    )
    result = dict(changed=False, mode=module.params['mode'], listen='', files_changed=[], units=empty_units(),
                  restart_pending=False, msg='')
    try:
        run_module(module, result)
    except ListenError as exc:
        result['msg'] = to_native(exc)
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
