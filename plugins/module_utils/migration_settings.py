# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""Validate the live-migration variables and compute what the role applies.

Pure Python (standard library plus :mod:`nova_releases` and the validators
of :mod:`console_settings`), no Ansible imports, Python 3.6 compatible.
The filter plugin ``novaops.console_migration.migration_plan`` wraps
:func:`migration_plan`.

``settings`` is a dict keyed by the role's public variable names (see
:data:`DEFAULTS`) plus the internal key ``distro`` (``debian``, ``ubuntu``
or ``redhat``).  Missing keys take the value of :data:`DEFAULTS`.  Every
problem is collected and raised at once as :class:`SettingsError`, one line
per problem, each starting with the variable name and ending with the
expected form.

The SASL password (``live_migration_sasl_password``) is checked but never
quoted in a message and never copied into the plan: the role passes the
variable itself to ``saslpasswd2`` and ``/etc/libvirt/auth.conf``.

Facts the plan relies on:

* nova builds the migration URI as ``qemu+<live_migration_scheme>://<dest>/system``
  (nova/virt/libvirt/driver.py ``_live_migration_uri``; the scheme is a free
  string, default ``tcp``), so ``tls`` gives ``qemu+tls://%s/system``.
  ``live_migration_uri``, when set, wins over the scheme: from ocata on it
  is removed.  Before ocata (no scheme) the plan writes the URI itself.
* ``[libvirt] live_migration_inbound_addr`` exists from mitaka on; before
  that nova connects to the destination's host name.
* libvirt refuses SASL on a plain TCP socket unless the mechanism gives a
  security layer (SSF): of the password mechanisms only DIGEST-MD5 does
  (SCRAM needs TLS underneath), GSSAPI needs a Kerberos realm.  tcp+sasl
  therefore uses ``mech_list: digest-md5`` with the libvirt sasldb
  ``/etc/libvirt/passwd.db`` (``saslpasswd2 -a libvirt``), and the source
  libvirtd, which opens the peer-to-peer connection, reads its credentials
  from ``/etc/libvirt/auth.conf``.  DIGEST-MD5 ships in Debian's
  ``libsasl2-modules`` and RHEL's ``cyrus-sasl-md5``; ``saslpasswd2`` in
  ``sasl2-bin`` and ``cyrus-sasl``.
* Diablo to icehouse's default ``live_migration_flag`` lacks
  ``VIR_MIGRATE_LIVE`` (libvirt then pauses the guest for the whole copy):
  up to mitaka the plan writes the release's default flags with it
  (:func:`nova_releases.migration_flags`).
* QEMU's own migration stream goes from the source QEMU to a port of
  ``migration_port_min``..``migration_port_max`` (qemu.conf, libvirt
  defaults 49152..49215) on the destination, whatever the libvirt
  transport, ssh included: nova's default from newton on
  (``live_migration_tunnelled`` false) and before juno.  Juno to mitaka
  tunnel it through libvirtd (``VIR_MIGRATE_TUNNELLED`` in the default
  flags): no QEMU port is opened there.
* With the ssh transport libvirtd (root, peer-to-peer as nova migrates)
  runs ``ssh`` to the destination: root needs a key every peer accepts, the
  peers' host keys, and sshd reachable on port 22 from the other computes.
  The role sets these up (``openssh-server`` plus Debian's
  ``openssh-client`` / RHEL's ``openssh-clients``).
* Since newton (``live_migration_tunnelled`` false) the QEMU stream is
  clear text, whatever the libvirt transport.  stein's
  ``[libvirt] live_migration_with_native_tls`` has QEMU encrypt it
  (libvirt >= 4.4.0, QEMU >= 2.11; nova refuses it with
  ``live_migration_tunnelled``), with the files of qemu.conf
  ``default_tls_x509_cert_dir`` (``/etc/pki/qemu``: ``ca-cert.pem``,
  ``server-cert.pem``, ``server-key.pem``, ``client-cert.pem``,
  ``client-key.pem``), which QEMU reads as its own user;
  ``default_tls_x509_verify = 1`` makes each side check the other's
  certificate.
* libvirt's default TLS file locations: ``/etc/pki/CA/cacert.pem``,
  ``/etc/pki/libvirt/servercert.pem``, ``/etc/pki/libvirt/private/serverkey.pem``,
  ``/etc/pki/libvirt/clientcert.pem``, ``/etc/pki/libvirt/private/clientkey.pem``.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import ipaddress
import re

from ansible_collections.novaops.console_migration.plugins.module_utils import libvirt_layout
from ansible_collections.novaops.console_migration.plugins.module_utils import nova_releases as nr
from ansible_collections.novaops.console_migration.plugins.module_utils import platforms
from ansible_collections.novaops.console_migration.plugins.module_utils import role_defaults as rd
from ansible_collections.novaops.console_migration.plugins.module_utils.console_settings import (
    EXPECTED as CONSOLE_EXPECTED,
    FIREWALL_BACKENDS,
    SettingsError,
    as_list,
    check_abs_path,
    check_ip,
    check_platform,
    check_port,
    iptables_lines,
    ip_version,
    parse_bool,
)
from ansible_collections.novaops.console_migration.plugins.module_utils.settings_checks import (
    Checker,
    host_ports,
    is_unset as _is_unset,
    port_conflicts,
    port_entry,
)

__all__ = ['DEFAULTS', 'EXPECTED', 'SettingsError', 'migration_plan']

TRANSPORTS = ('tls', 'tcp', 'ssh')
TCP_AUTHS = ('sasl', 'none')
OWNER = 'live_migration'
MAX_ID = 4294967294
QEMU_DEFAULT_PORTS = rd.QEMU_MIGRATION_PORTS
# qemu.conf's default default_tls_x509_cert_dir.
QEMU_TLS_DEFAULT_DIR = '/etc/pki/qemu'
ID_VARS = ('live_migration_nova_uid', 'live_migration_nova_gid',
           'live_migration_qemu_uid', 'live_migration_qemu_gid')

# The role's defaults (None / '' mean "not set"), from role_defaults, and
# the planner's input live_migration_peers (computed by the role).
DEFAULTS = rd.defaults(dict((k, rd.SHARED[k]) for k in ('novaops_release', 'novaops_firewall_backend')),
                       rd.LIVE_MIGRATION, {'live_migration_peers': []})

# libvirt's default TLS locations and the SASL files, from the platform table.
TLS_FILES = platforms.SHARED['tls']['files']
TLS_KEYS = tuple(item[0] for item in TLS_FILES)
SASL_MECH = 'digest-md5'

_USERNAME_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._-]*(@[A-Za-z0-9][A-Za-z0-9.-]*)?$')

# What a wrong value should have looked like, per variable.
EXPECTED = {
    'distro': 'one of: %s' % platforms.supported(),
    'novaops_firewall_backend': 'one of: %s' % ', '.join(FIREWALL_BACKENDS),
    'live_migration_transport': 'one of: %s' % ', '.join(TRANSPORTS),
    'live_migration_tcp_auth': 'one of: %s' % ', '.join(TCP_AUTHS),
    'live_migration_allow_tcp_auth_none': 'true or false',
    'live_migration_sasl_username': "a SASL user name such as 'migration' (letters, digits, '.', '_', '-', "
                                    'optionally @realm)',
    'live_migration_sasl_password': 'a non-empty string on one line; the value is never shown',
    'live_migration_address': "this compute host's IP address on the migration network, e.g. 192.168.2.11",
    'live_migration_peers': "a list of the other compute hosts' migration IP addresses, e.g. ['192.168.2.12']",
    'live_migration_libvirt_tcp_port': CONSOLE_EXPECTED['live_migration_libvirt_tcp_port'],
    'live_migration_libvirt_tls_port': CONSOLE_EXPECTED['live_migration_libvirt_tls_port'],
    'live_migration_port_min': 'an integer from 1024 to 65535, at most live_migration_port_max, e.g. 49152',
    'live_migration_port_max': 'an integer from 1024 to 65535, at least live_migration_port_min, e.g. 49215',
    'live_migration_bandwidth': 'an integer >= 0 in MiB/s, 0 for no limit set',
    'live_migration_pki_renew_days': 'an integer of days from 0 to 1824, e.g. 30',
    'live_migration_permit_post_copy': 'true, false or null (not set)',
    'live_migration_permit_auto_converge': 'true, false or null (not set)',
    'live_migration_tls_files': 'a dict with all of %s as absolute controller paths, or {} for none'
                                % ', '.join(TLS_KEYS),
    'live_migration_align_ids': 'true or false',
    'live_migration_native_tls': 'auto, true or false',
    'live_migration_tunnelled': 'true, false or null (not set)',
    'live_migration_multipath': 'true or false',
}
for _var in ID_VARS:
    EXPECTED[_var] = 'an integer from 1 to %d, or null (not set)' % MAX_ID
del _var


# --------------------------------------------------------------- validators

def check_int(value, low, high, label):
    """An int from ``low`` to ``high``, from an int or a string of digits (no bool)."""
    if isinstance(value, bool):
        raise ValueError('%r is not %s' % (value, label))
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and re.match(r'^\s*[0-9]+\s*$', value):
        number = int(value)
    else:
        raise ValueError('%r is not %s' % (value, label))
    if not low <= number <= high:
        raise ValueError('%r is out of range' % (value,))
    return number


def check_host_address(value):
    """An IP address peers can reach: not unspecified, not loopback."""
    text = check_ip(value, False)
    if ipaddress.ip_address(text).is_loopback:
        raise ValueError('%r is a loopback address, other hosts cannot reach it' % (value,))
    return text


def _choice(value, choices, what):
    if isinstance(value, str) and value.strip().lower() in choices:
        return value.strip().lower()
    raise ValueError('%r is not %s' % (value, what))


def _auto_bool(value):
    """'auto' or a bool."""
    if isinstance(value, str) and value.strip().lower() == 'auto':
        return 'auto'
    return parse_bool(value)


def _checker(settings):
    """The problem collector; an unset optional value gives None."""
    return Checker(settings, DEFAULTS, EXPECTED)


# --------------------------------------------------------------- validation

def _validate(settings):
    if not isinstance(settings, dict):
        # Never repr() the input: it may hold the SASL password.
        raise SettingsError(['settings: a %s is not a dict of the live migration variables (expected e.g. '
                             '{"distro": "redhat", "novaops_release": "zed", '
                             '"live_migration_address": "192.168.2.11"})' % type(settings).__name__])
    c = _checker(settings)
    ctx = {}

    distro, release, backend = check_platform(c)
    newer = nr.version_warning(c.values.get('novaops_release'))
    if newer:
        c.warnings.append('novaops_release: %s' % newer)

    transport = c.check('live_migration_transport', _choice, TRANSPORTS, 'a live migration transport')
    tcp_auth = c.check('live_migration_tcp_auth', _choice, TCP_AUTHS, 'a libvirt TCP authentication')
    allow_none = c.check('live_migration_allow_tcp_auth_none', parse_bool)
    username = c.check('live_migration_sasl_username', _check_username)
    sasl = transport == 'tcp' and tcp_auth == 'sasl'
    if transport == 'tcp' and tcp_auth == 'none' and allow_none is not None:
        if allow_none:
            c.warnings.append('live_migration_tcp_auth: none: any host that reaches the libvirt TCP port %s '
                              'controls libvirtd on this host without authentication; keep the port closed '
                              'to everything but the peers' % c.values.get('live_migration_libvirt_tcp_port'))
        else:
            c.fail('live_migration_tcp_auth', "'none' lets any host that reaches the libvirt TCP port control "
                   'libvirtd without authentication and is refused unless live_migration_allow_tcp_auth_none '
                   'is true', 'sasl, or tls transport, or live_migration_allow_tcp_auth_none: true to accept it')
    _check_password(c, sasl)
    if sasl:
        c.warnings.append('live_migration_tcp_auth: sasl over plain TCP uses the DIGEST-MD5 mechanism (the only '
                          'password mechanism giving libvirt the security layer it requires without TLS), which '
                          'RFC 6331 deprecates; live_migration_transport tls is the stronger choice')

    address = None
    if _is_unset(c.values.get('live_migration_address')):
        c.fail('live_migration_address', 'is required')
    else:
        address = c.check('live_migration_address', check_host_address)
    peers = _validate_peers(c, address, backend)

    tcp_port = c.check('live_migration_libvirt_tcp_port', check_port)
    tls_port = c.check('live_migration_libvirt_tls_port', check_port)
    port_min = c.check('live_migration_port_min', check_int, 1024, 65535, 'a port number')
    port_max = c.check('live_migration_port_max', check_int, 1024, 65535, 'a port number')
    if port_min is not None and port_max is not None and port_min > port_max:
        c.fail('live_migration_port_min', '%d is greater than live_migration_port_max %d' % (port_min, port_max))
    libvirt_var = {'tls': 'live_migration_libvirt_tls_port', 'tcp': 'live_migration_libvirt_tcp_port'}.get(transport)
    libvirt_port = {'tls': tls_port, 'tcp': tcp_port}.get(transport)
    listen_ports = []
    if libvirt_var and libvirt_port is not None:
        listen_ports.append(port_entry(libvirt_var, libvirt_port))
    if port_min is not None and port_max is not None and port_min <= port_max:
        listen_ports.append(port_entry('live_migration_port_min', port_min, port_max,
                                       'live_migration_port_min..live_migration_port_max'))
    port_conflicts(c, listen_ports, host_ports(c, c.values.get('host_ports')))

    bandwidth = c.check('live_migration_bandwidth', check_int, 0, 2 ** 63 - 1, 'an integer')
    permits = {}
    for key in ('live_migration_permit_post_copy', 'live_migration_permit_auto_converge'):
        permits[key] = c.optional(key, parse_bool)
        if permits[key] is not None and release is not None and nr.features(release)['migration'][key] is None:
            c.fail(key, 'is set but contradicts novaops_release %s: [libvirt] %s exists from %s on'
                   % (release, key, nr.LIVE_MIGRATION_PERMIT[0]), 'null (not set) on %s' % release)

    tunnelled_var = c.optional('live_migration_tunnelled', parse_bool)
    if tunnelled_var is not None and release is not None \
            and nr.features(release)['migration']['live_migration_tunnelled'] is None:
        c.fail('live_migration_tunnelled', 'is set but contradicts novaops_release %s: [libvirt] '
               'live_migration_tunnelled exists from %s on' % (release, nr.LIVE_MIGRATION_TUNNELLED[0]),
               'null (not set) on %s' % release)
        tunnelled_var = None
    native, native_off = _validate_native_tls(c, settings, release, distro, transport, tunnelled_var)

    tls_files = _validate_tls_files(c)
    # The private CA issues certificates for 1825 days.
    c.check('live_migration_pki_renew_days', check_int, 0, 1824, 'an integer of days')
    if tls_files and transport in ('tcp', 'ssh'):
        c.warnings.append('live_migration_tls_files: ignored, live_migration_transport is %s' % transport)
        tls_files = {}

    align = c.check('live_migration_align_ids', parse_bool)
    ids = _validate_ids(c)
    multipath = c.check('live_migration_multipath', parse_bool)

    for key in sorted(k for k in settings if isinstance(k, str)):
        if key.startswith('live_migration_') and key not in DEFAULTS:
            c.warnings.append('%s: unknown variable of the live migration role, ignored' % key)

    if c.problems:
        raise SettingsError(c.problems)
    ctx.update(distro=distro, release=release, backend=backend, transport=transport, tcp_auth=tcp_auth,
               sasl=sasl, username=username, address=address, peers=peers, tcp_port=tcp_port,
               tls_port=tls_port, port_min=port_min, port_max=port_max, bandwidth=bandwidth, permits=permits,
               tls_files=tls_files, native_tls=native, native_off=native_off,
               tunnelled=tunnelled_var, align=align, ids=ids, multipath=multipath, listen_ports=listen_ports,
               warnings=c.warnings)
    return ctx


def _libvirt_version(settings, distro, release):
    """The libvirt version given or packaged for the platform, or None."""
    if settings.get('libvirt_version'):
        return settings['libvirt_version']
    if distro is None or release is None:
        return None
    return (libvirt_layout.packaged(distro, release, nr.release_index) or {}).get('libvirt')


def _validate_native_tls(c, settings, release, distro, transport, tunnelled):
    """(on, why off): on is True, False, or None when invalid."""
    var = 'live_migration_native_tls'
    wanted = c.check(var, _auto_bool)
    if wanted is None or release is None or transport is None:
        return None, None
    if wanted is False:
        return False, 'false'
    reasons = []
    if nr.features(release)['migration']['live_migration_with_native_tls'] is None:
        reasons.append(('novaops_release', 'novaops_release %s has no [libvirt] live_migration_with_native_tls '
                        '(added in %s)' % (release, nr.LIVE_MIGRATION_NATIVE_TLS[0])))
    if transport != 'tls':
        reasons.append(('live_migration_transport', 'live_migration_transport is %s, which gives no certificates'
                        % transport))
    if tunnelled:
        reasons.append(('live_migration_tunnelled', 'live_migration_tunnelled is true: nova refuses both'))
    version = _libvirt_version(settings, distro, release)
    try:
        old = version is not None and libvirt_layout.parse_version(version) < nr.NATIVE_TLS_LIBVIRT
    except ValueError:
        old = False
    if old:
        reasons.append(('libvirt_version', 'libvirt %s is older than %d.%d' % ((version,) + nr.NATIVE_TLS_LIBVIRT)))
    if wanted is True:
        for _key, why in reasons:
            c.fail(var, 'true is refused: %s' % why, 'auto or false')
        return (None, None) if reasons else (True, None)
    if not reasons:
        return True, None
    return False, 'auto is off, %s' % reasons[0][1]


def _validate_ids(c):
    """The four ids (None when unset); 0 and an id given to both accounts are refused."""
    ids = {}
    for var in ID_VARS:
        word = 'uid' if var.endswith('_uid') else 'gid'
        if c.values.get(var) in (0, '0') and not isinstance(c.values.get(var), bool):
            c.fail(var, "0 is root's %s: nova and QEMU need %ss of their own" % (word, word))
            ids[var] = None
            continue
        ids[var] = c.optional(var, check_int, 1, MAX_ID, 'a UID/GID number')
    for nova, qemu in (ID_VARS[0::2], ID_VARS[1::2]):
        if ids[nova] is not None and ids[nova] == ids[qemu]:
            word = nova[-3:]
            c.fail(qemu, '%d is also %s: nova and QEMU cannot share a %s' % (ids[qemu], nova, word),
                   'a %s other than %d, or null (not set)' % (word, ids[nova]))
    return ids


def _check_username(value):
    if not isinstance(value, str) or not _USERNAME_RE.match(value.strip()):
        raise ValueError('%r is not a SASL user name' % (value,))
    return value.strip()


def _check_password(c, required):
    """Check the password without ever quoting it."""
    var = 'live_migration_sasl_password'
    value = c.values.get(var)
    if value is None or value == '':
        if required:
            c.fail(var, 'is required when live_migration_transport is tcp and live_migration_tcp_auth is sasl')
        return
    if not isinstance(value, str):
        c.fail(var, 'is a %s, not a string' % type(value).__name__)
    elif not value.strip():
        c.fail(var, 'is only whitespace')
    elif re.search(r'[\r\n\x00]', value):
        c.fail(var, 'contains a line break or NUL character')


def _validate_peers(c, address, backend):
    var = 'live_migration_peers'
    raw = c.check(var, as_list)
    if raw is None:
        return None
    peers, ok = [], True
    for item in raw:
        try:
            peer = check_host_address(item)
        except ValueError as err:
            c.fail(var, str(err))
            ok = False
            continue
        if backend == 'iptables' and ip_version(peer) == 6:
            c.fail(var, '%r is IPv6, but the iptables backend manages IPv4 rules only' % (peer,),
                   'IPv4 addresses, or novaops_firewall_backend firewalld')
            ok = False
        elif peer == address:
            c.warnings.append("%s: %s is this host's own live_migration_address, left out" % (var, peer))
        elif peer not in peers:
            peers.append(peer)
    return peers if ok else None


def _validate_tls_files(c):
    """{} for none, the dict of the five paths, or None when invalid."""
    var = 'live_migration_tls_files'
    value = c.values.get(var)
    if value is None or value == '' or value == {}:
        return {}
    if not isinstance(value, dict):
        c.fail(var, '%r is not a dict' % (value,))
        return None
    ok = True
    unknown = sorted('%s' % key for key in value if key not in TLS_KEYS)
    if unknown:
        c.fail(var, 'unknown keys: %s' % ', '.join(unknown))
        ok = False
    missing = [key for key in TLS_KEYS if _is_unset(value.get(key))]
    if missing and len(missing) < len(TLS_KEYS):
        c.fail(var, 'gives only some of the TLS files, %s missing: all five or none'
               % ', '.join(missing))
        ok = False
    elif missing:
        return {}
    out = {}
    for key in TLS_KEYS:
        if key in missing:
            continue
        try:
            out[key] = check_abs_path(value[key])
        except ValueError as err:
            c.fail(var, '%s: %s' % (key, err))
            ok = False
    return out if ok else None


# --------------------------------------------------------------- plan

def migration_uri(transport):
    """The libvirt URI template nova uses for ``transport`` (``%s`` is the destination)."""
    return 'qemu+%s://%%s/system' % transport


def _listen_plan(settings, ctx, plat, distro, release):
    """How libvirtd listens: per the libvirt version given (``libvirt_version``) or packaged, else per layout."""
    transport = ctx['transport']
    port = ctx['tls_port'] if transport == 'tls' else ctx['tcp_port']
    auth = ctx['tcp_auth'] if transport == 'tcp' else None
    known = libvirt_layout.packaged(distro, release, nr.release_index) or {}
    version = settings.get('libvirt_version') or known.get('libvirt')
    out = {'libvirt_version': version, 'source': None, 'layout': None, 'lines': {}}
    if version:
        out['source'] = known.get('distribution') if not settings.get('libvirt_version') else 'given'
        layout = libvirt_layout.layout_for(version, modular=bool(settings.get('libvirt_modular')))
        out['layout'] = layout
        out['lines'][layout] = libvirt_layout.listen_lines(layout, transport, ctx['address'], port, auth,
                                                           known.get('legacy_init'))
    else:
        for layout in libvirt_layout.LAYOUTS:
            out['lines'][layout] = libvirt_layout.listen_lines(layout, transport, ctx['address'], port, auth)
    return out


def _clear_stream_warning(ctx, migration, release):
    ports = "QEMU's migration ports %d..%d" % (ctx['port_min'], ctx['port_max'])
    if migration['live_migration_with_native_tls'] is None:
        why = ('novaops_release %s has no [libvirt] live_migration_with_native_tls (added in %s)'
               % (release, nr.LIVE_MIGRATION_NATIVE_TLS[0]))
    else:
        why = ctx['native_off']
    text = ('live_migration_native_tls: %s: the migration stream (guest memory and disks) is not encrypted, '
            "it crosses the network in clear text on %s; TLS protects only libvirt's control connection"
            % (why, ports))
    if migration['live_migration_tunnelled'] is not None:
        text += '; live_migration_tunnelled: true encrypts it through libvirtd (slower, no block migration)'
    return text


def migration_plan(settings):
    """Validate ``settings`` and return the live-migration plan (plain dicts, lists, strings).

    Raises :class:`SettingsError` listing every problem.
    """
    ctx = _validate(settings)
    release, distro, transport = ctx['release'], ctx['distro'], ctx['transport']
    feats = nr.features(release)
    migration = feats['migration']
    uri = migration_uri(transport)
    warnings = list(ctx['warnings'])
    plat = platforms.platform(distro, release, nr.release_index)
    qemu_user, qemu_group = plat['qemu_account']['user'], plat['qemu_account']['group']
    flags = nr.migration_flags(release)
    tunnelled = nr.tunnelled_by_default(release) if ctx['tunnelled'] is None else ctx['tunnelled']
    native = bool(ctx['native_tls'])
    plan = {
        'config_format': feats['config_format'],
        'transport': transport,
        'tunnelled': tunnelled,
        'native_tls': native,
        'libvirt_uri': uri,
        'nova_conf': [],
        'flagfile': [],
        'libvirtd': {
            'transport': transport if transport != 'ssh' else None,
            'auth_tcp': ctx['tcp_auth'] if transport == 'tcp' else None,
            'listen_address': ctx['address'] if transport != 'ssh' else None,
            'tcp_port': ctx['tcp_port'],
            'tls_port': ctx['tls_port'],
        },
        'libvirt_restart': libvirt_layout.restart_table(),
        'qemu_conf': {'migration_port_min': ctx['port_min'], 'migration_port_max': ctx['port_max']},
        'qemu_conf_path': plat['libvirt']['qemu_conf'],
        'sasl_conf': None,
        'sasl': None,
        'tls': None,
        'qemu_tls': None,
        'firewall': {'owner': OWNER, 'backend': ctx['backend'], 'rules': []},
        'ids': {
            'align': ctx['align'],
            'nova_uid': ctx['ids']['live_migration_nova_uid'],
            'nova_gid': ctx['ids']['live_migration_nova_gid'],
            'qemu_uid': ctx['ids']['live_migration_qemu_uid'],
            'qemu_gid': ctx['ids']['live_migration_qemu_gid'],
            'qemu_user': qemu_user,
            'qemu_group': qemu_group,
        },
        'multipath': {'user_friendly_names': False, 'service': plat['multipath_service']} if ctx['multipath'] else None,
        'packages': [],
        'services': [],
        'restart_on_change': [plat['compute_service']],
        'ports': list(ctx['listen_ports']),
        'warnings': warnings,
    }

    if feats['config_format'] == 'flagfile':
        # The diablo guide's live migration flags (nova.conf flag table).
        # The flags with VIR_MIGRATE_LIVE added to diablo's defaults.
        plan['flagfile'] = [
            nr.flagfile_line(migration['live_migration_retry_count'][1],
                             nr.DIABLO_FLAGS['live_migration_retry_count']),
            nr.flagfile_line(migration['live_migration_uri'][1], uri),
            nr.flagfile_line(migration['live_migration_bandwidth'][1], ctx['bandwidth']),
        ] + [nr.flagfile_line(migration[key][1], re.sub(r',\s+', ',', flags[key]))
             for key in ('live_migration_flag', 'block_migration_flag')]
    else:
        conf = nr.ConfEntries(release)
        if migration['live_migration_scheme'] is not None:
            conf.set('migration', 'live_migration_scheme', transport)
            conf.remove('migration', 'live_migration_uri')
        else:
            conf.set('migration', 'live_migration_uri', uri)
        if migration['live_migration_inbound_addr'] is not None:
            conf.set('migration', 'live_migration_inbound_addr', ctx['address'])
        if ctx['bandwidth']:
            conf.set('migration', 'live_migration_bandwidth', ctx['bandwidth'])
        for key, value in sorted(ctx['permits'].items()):
            if value is not None:
                conf.set('migration', key, value)
        for key in sorted(flags or ()):
            conf.set('migration', key, flags[key])
        if ctx['tunnelled'] is not None:
            conf.set('migration', 'live_migration_tunnelled', ctx['tunnelled'])
        if native:
            conf.set('migration', 'live_migration_with_native_tls', True)
        else:
            conf.remove('migration', 'live_migration_with_native_tls')
        plan['nova_conf'] = conf.entries()
    plan['libvirt_listen'] = _listen_plan(settings, ctx, plat, distro, release) if transport != 'ssh' else None
    if migration['live_migration_inbound_addr'] is None:
        warnings.append('live_migration_address: %s has no [libvirt] live_migration_inbound_addr (added in %s): '
                        "nova connects to the destination compute host's name, which must resolve to its "
                        'live_migration_address; the address is used for libvirtd and the firewall only'
                        % (release, nr.LIVE_MIGRATION_INBOUND_ADDR[0]))

    extra = []
    if ctx['sasl']:
        sasl = plat['sasl']
        extra = list(plat['packages']['sasl'])
        plan['sasl_conf'] = {'path': sasl['conf'],
                             'values': {'mech_list': SASL_MECH, 'sasldb_path': sasl['db']}}
        plan['sasl'] = {'username': ctx['username'], 'sasldb_path': sasl['db'],
                        'client_auth_path': sasl['client_auth']}
    if transport == 'tls':
        # No files given: the collection's private CA issues them (src null).
        given = ctx['tls_files'] or {}
        plan['tls'] = {
            'private_ca': not given,
            'dirs': [{'path': path, 'mode': mode} for path, mode in plat['tls']['dirs']],
            'files': [{'name': name, 'src': given.get(name), 'dest': dest, 'mode': mode}
                      for name, dest, mode in plat['tls']['files']],
        }
        if native:
            # The same files for QEMU, owned by the QEMU account (it reads them itself).
            path, mode = plat['qemu_tls']['dir']
            plan['qemu_tls'] = {
                'dir': path,
                'dirs': [{'path': path, 'mode': mode, 'owner': 'root', 'group': 'root'}],
                'files': [{'name': name, 'src': given.get(name), 'dest': dest, 'mode': mode,
                           'owner': qemu_user, 'group': qemu_group}
                          for name, dest, mode in plat['qemu_tls']['files']],
            }
            plan['qemu_conf']['default_tls_x509_verify'] = 1
            if path != QEMU_TLS_DEFAULT_DIR:
                plan['qemu_conf']['default_tls_x509_cert_dir'] = '"%s"' % path
        elif not tunnelled:
            warnings.append(_clear_stream_warning(ctx, migration, release))
    if ctx['tunnelled'] and feats['live_migration_tunnelled_deprecated']:
        warnings.append('live_migration_tunnelled: deprecated in nova from wallaby (23.0.0) on; '
                        'live_migration_native_tls encrypts the stream without libvirtd')
    if transport == 'ssh':
        extra = list(plat['packages']['ssh'])
        plan['services'] = [plat['services']['ssh']]
    plan['packages'] = (list(plat['packages']['libvirt']) + extra
                        + (list(plat['packages']['multipath']) if ctx['multipath'] else []))

    peers = ctx['peers']
    rules = []
    if transport in ('tls', 'tcp'):
        rules.append({'name': 'libvirt_%s' % transport,
                      'port': ctx['tls_port'] if transport == 'tls' else ctx['tcp_port'],
                      'protocol': 'tcp', 'sources': list(peers)})
    # ssh: port 22 is left as it is. A source-restricted rule would reject
    # every other client, the controller and administrators included.
    if not tunnelled:
        rules.append({'name': 'qemu_migration', 'port': '%d:%d' % (ctx['port_min'], ctx['port_max']),
                      'protocol': 'tcp', 'sources': list(peers)})
    if not peers:
        warnings.append('live_migration_peers: empty, so no migration port is opened in the firewall '
                        '(a single compute host)')
        rules = []
    if ctx['backend'] == 'none':
        if rules:
            warnings.append('novaops_firewall_backend: none, so no firewall rule is managed; open these yourself: '
                            '%s' % '; '.join(iptables_lines(rules, 4) + iptables_lines(rules, 6)))
    else:
        plan['firewall']['rules'] = rules
    plan['iptables_lines'] = iptables_lines(plan['firewall']['rules'], 4)
    plan['ip6tables_lines'] = iptables_lines(plan['firewall']['rules'], 6)
    return plan
