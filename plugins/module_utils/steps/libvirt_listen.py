# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""What the libvirt_listen module does: :func:`run` with an AnsibleModule (or a module like it)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import ipaddress
import os

from ansible.module_utils.common.text.converters import to_native, to_text

from ansible_collections.novaops.console_migration.plugins.module_utils.common import run_c
from ansible_collections.novaops.console_migration.plugins.module_utils.libvirt_listeners import (
    DEFAULT_CONFIG,
    TLS_DEFAULTS,
    Host,
    ListenError,
    detect_mode,
    dropin_plans,
    dropin_text,
    edit_libvirt_conf,
    empty_units,
    legacy_files,
    listen_text,
    plan_legacy_init,
    plan_legacy_sockets,
    plan_socket_units,
    remove_listen_flags,
    require_mode,
    show_units,
    socket_activation_needed,
    socket_unit,
    tls_files,
)
from ansible_collections.novaops.console_migration.plugins.module_utils.systemd_units import (
    SYSTEMD_RUNTIME_DIR,
    Systemctl,
    SystemctlError,
)

SHOW_PROPERTIES = ('Id', 'LoadState', 'ActiveState', 'UnitFileState')
# Prefix of every path read or written; tests point it at a fake host tree.
ROOT = '/'


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
    host = Host(module, ROOT)

    systemctl_bin = module.get_bin_path('systemctl')
    systemd = bool(systemctl_bin) and os.path.isdir(host.path(SYSTEMD_RUNTIME_DIR))
    systemctl = Systemctl(module, systemctl_bin) if systemd else None
    states = dict(zip(show_units(), systemctl.show(show_units(), SHOW_PROPERTIES))) if systemd else {}

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
            systemctl.daemon_reload()
        for step in steps:
            systemctl.must(step)
        if mode == 'legacy' and units['restarted']:
            restart_legacy(module, service, systemctl)

    result['msg'] = summary(mode, daemon if mode != 'legacy' else service[1], result['listen'], changed_files, units,
                            restart_pending, module.check_mode)


def restart_legacy(module, service, systemctl):
    kind, name = service
    if kind == 'upstart':
        initctl = module.get_bin_path('initctl', required=True)
        # `restart` would keep the old job definition; stop + start reads the changed job file.
        rc, out, err = run_c(module, [initctl, 'stop', name])
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
    rc, out, err = run_c(module, argv)
    if rc != 0:
        raise ListenError('%s failed (rc=%d): %s' % (' '.join(argv), rc, (err or out).strip()))


ARGUMENT_SPEC = dict(
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
)

MODULE_OPTIONS = dict(supports_check_mode=True)


def run(module):
    """The module's work on ``module``; returns the result (fails through ``module.fail_json``)."""
    result = dict(changed=False, mode=module.params['mode'], listen='', files_changed=[], units=empty_units(),
                  restart_pending=False, msg='')
    try:
        run_module(module, result)
    except (ListenError, SystemctlError) as exc:
        result['msg'] = to_native(exc)
        module.fail_json(**result)
    return result
