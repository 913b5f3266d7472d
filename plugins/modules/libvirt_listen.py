#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r"""
module: libvirt_listen
author: "novaops maintainers (@novaops)"
short_description: Make libvirtd listen on TCP or TLS for live migration, the way the host runs libvirt
version_added: 1.0.0
description:
  - Makes the libvirt daemon of a compute node accept remote connections over TLS (port 16514) or plain TCP
    (port 16509) for Nova live migration, in one task. How this is done depends on how the host runs libvirt, which
    the module detects (O(mode=auto)) and returns in RV(mode).
  - 'V(socket): systemd socket activation of the monolithic daemon (libvirt 5.6 and later, for example Debian 11 to
    13, Ubuntu 20.04 and later, RHEL 8). C(libvirtd-tcp.socket) or C(libvirtd-tls.socket) is enabled and started with
    a drop-in C(/etc/systemd/system/libvirtd-tcp.socket.d/novaops-listen.conf) (or C(libvirtd-tls.socket.d)) that
    makes it listen on O(listen_address) only. C(listen_tcp), C(listen_tls), C(listen_addr) and the ports of
    C(libvirtd.conf) are ignored by libvirtd in this mode and are not touched.'
  - 'V(modular): the modular daemons (C(virtqemud), C(virtproxyd); libvirt 5.7 and later on hosts that switched, for
    example Fedora and RHEL 9). The same as V(socket) with C(virtproxyd-tcp.socket) or C(virtproxyd-tls.socket) and
    C(/etc/libvirt/virtproxyd.conf).'
  - 'V(legacy): libvirtd without socket activation (SysV init, upstart, or systemd hosts with libvirt before 5.6, for
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
extends_documentation_fragment:
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
        C(libvirtd.socket) is enabled or active and libvirt has TCP/TLS sockets (5.6 or later), because libvirtd would
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
  description: Files that were (would be) written or removed.
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

from ansible_collections.novaops.console_migration.plugins.module_utils import step_runner
from ansible_collections.novaops.console_migration.plugins.module_utils.steps import libvirt_listen as step


def main():
    step_runner.main(step)


if __name__ == '__main__':
    main()
