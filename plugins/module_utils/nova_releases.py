# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""What changed in Nova's console and live-migration configuration, per release.

Pure data plus a few lookup helpers, no Ansible imports:

* :data:`RELEASES` - ordered ``Release(name, nova_version, series)`` tuples,
  diablo (2011.3) to gazpacho (33, 2026.1).
* :func:`normalize_release`, :func:`release_index`, :func:`at_least`.
* :func:`release_from_version` - installed package version -> release name
  (a version newer than the table: the newest, see :func:`version_warning`).
* :func:`features` - services, option names ``(section, option)`` and
  defaults for one release.
* :func:`packages` - distro package and service names of the console services.
* :func:`flagfile_line` - one Diablo-style ``--flag=value`` line.

Every boundary below carries a comment naming its source.  "RN x.y.z" means
the upstream nova release notes of that version (releasenotes/notes/*.yaml
as rendered in the series release notes).  Facts that could not be checked
against a primary source are listed in :data:`UNVERIFIED`.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import collections
import copy
import re

from ansible_collections.novaops.console_migration.plugins.module_utils import console_types as ct
from ansible_collections.novaops.console_migration.plugins.module_utils import platforms

try:
    _STRING_TYPES = (str, unicode)  # noqa: F821 pylint: disable=undefined-variable
except NameError:  # Python 3
    _STRING_TYPES = (str,)


Release = collections.namedtuple('Release', ['name', 'nova_version', 'series'])

# nova_version: the first components of the nova version (date-based until
# kilo, the major number from liberty on).  series: the year-style name used
# from 2023.1 on.
# Sources: RN 13.0.0 prelude "12.0.0 (Liberty) to 13.0.0 (Mitaka)"; RN 20.0.0
# "19.0.0 (Stein) to 20.0.0 (Train)"; RN 21.0.0 "20.0.0 (Train) to 21.0.0
# (Ussuri)"; RN 22.0.0 "21.0.0 (Ussuri) to 22.0.0 (Victoria)", "23.0.0
# (Wallaby)"; Ubuntu manpages nova-consoleauth 2014.1.5 (trusty/icehouse),
# nova-novncproxy 25.2.1 (jammy/yoga), 26.0.0 (kinetic/zed), 27.0.0
# (lunar/2023.1), 28.0.1 (mantic/2023.2), 29.x (noble/2024.1), 31.0.0
# (plucky/2025.1), 32.0.0 (questing/2025.2); Debian nova 2:33.0.0~rc1 and the
# OpenStack 2026.1 "Gazpacho" release announcement (2026-04-01).
RELEASES = (
    Release('diablo', '2011.3', None),
    Release('essex', '2012.1', None),
    Release('folsom', '2012.2', None),
    Release('grizzly', '2013.1', None),
    Release('havana', '2013.2', None),
    Release('icehouse', '2014.1', None),
    Release('juno', '2014.2', None),
    Release('kilo', '2015.1', None),
    Release('liberty', '12', None),
    Release('mitaka', '13', None),
    Release('newton', '14', None),
    Release('ocata', '15', None),
    Release('pike', '16', None),
    Release('queens', '17', None),
    Release('rocky', '18', None),
    Release('stein', '19', None),
    Release('train', '20', None),
    Release('ussuri', '21', None),
    Release('victoria', '22', None),
    Release('wallaby', '23', None),
    Release('xena', '24', None),
    Release('yoga', '25', None),
    Release('zed', '26', None),
    Release('antelope', '27', '2023.1'),
    Release('bobcat', '28', '2023.2'),
    Release('caracal', '29', '2024.1'),
    Release('dalmatian', '30', '2024.2'),
    Release('epoxy', '31', '2025.1'),
    Release('flamingo', '32', '2025.2'),
    Release('gazpacho', '33', '2026.1'),
)

RELEASE_NAMES = tuple(r.name for r in RELEASES)

_INDEX = dict((r.name, i) for i, r in enumerate(RELEASES))
_ALIASES = {}
for _i, _r in enumerate(RELEASES):
    if _r.series:
        _ALIASES[_r.series] = _i
    if '.' in _r.nova_version:
        _ALIASES[_r.nova_version] = _i
_NUMBERED = dict((int(r.nova_version), i) for i, r in enumerate(RELEASES)
                 if '.' not in r.nova_version)
del _i, _r

DISTROS = platforms.families()

# Facts the module relies on that were not confirmed from a primary source.
UNVERIFIED = (
    'vnc options moved [DEFAULT] -> [vnc] in liberty (no release note; the '
    'stable/liberty nova.conf.sample shows "[vnc] keymap, Deprecated '
    'group/name [DEFAULT]/vnc_keymap"; kilo is inferred from kilo-era configs)',
    'live migration options moved [DEFAULT] -> [libvirt] in icehouse '
    '(code with deprecated_group=DEFAULT seen, release boundary not checked)',
    'flagfile compatibility shim dropped in folsom (essex has '
    'nova/compat/flagfile.py "deprecated and will be removed")',
    'RDO openstack-nova-spicehtml5proxy split out of openstack-nova-console '
    'in juno (only both layouts were seen)',
    "Debian's XVP proxy in the shared console proxy package, selected by its "
    'default file (only the removal in 2:21.0.0~rc1-1 was checked)',
    'nova versions of xena (24) and dalmatian (30) (sequence only)',
)


def _accepted_forms():
    series = [r.series for r in RELEASES if r.series]
    dated = [r.nova_version for r in RELEASES if '.' in r.nova_version]
    return ('accepted forms: a release name (%s; any case), a year-style '
            'series name (%s), a date-based version of the early releases '
            "(%s), or a series name and release name together such as "
            "'2023.1 antelope'" % (', '.join(RELEASE_NAMES), ', '.join(series), ', '.join(dated)))


def _lookup(token):
    if token in _INDEX:
        return _INDEX[token]
    return _ALIASES.get(token)


def normalize_release(name):
    """Return the lowercase release name for ``name``.

    ``name`` may be a release name in any case, a year-style series name
    (``2023.1``), a date-based version of the early releases (``2014.2``),
    both together (``2023.1-antelope``) or a :class:`Release`.  Anything else
    raises ``ValueError`` naming the accepted forms.
    """
    if isinstance(name, Release):
        name = name.name
    if not isinstance(name, _STRING_TYPES) or not name.strip():
        raise ValueError('unknown OpenStack release %r; %s' % (name, _accepted_forms()))
    key = name.strip().lower()
    found = _lookup(key)
    if found is None:
        tokens = [t for t in re.split(r'[\s/()_-]+', key) if t]
        hits = [_lookup(t) for t in tokens]
        if len(tokens) == 2 and None not in hits and hits[0] == hits[1]:
            found = hits[0]
    if found is None:
        raise ValueError('unknown OpenStack release %r; %s' % (name, _accepted_forms()))
    return RELEASES[found].name


def release_index(name):
    """Position of the release in :data:`RELEASES` (diablo is 0)."""
    return _INDEX[normalize_release(name)]


def at_least(release, minimum):
    """True when ``release`` is ``minimum`` or newer."""
    return release_index(release) >= release_index(minimum)


_VERSION_RE = re.compile(r'^(?:\d+:)?(\d+)(?:\.(\d+))?(?:[.~+-]|$)')


def _match_version(version):
    """(release index, major) of a nova package version; index None when unknown."""
    text = version.strip() if isinstance(version, _STRING_TYPES) else ''
    match = _VERSION_RE.match(text)
    if not match:
        return None, None
    major = int(match.group(1))
    if major >= 2000:
        found = None
        if match.group(2) is not None:
            found = _ALIASES.get('%d.%d' % (major, int(match.group(2))))
            if found is not None and RELEASES[found].series:
                found = None  # 2023.1 is a series name, never a nova version
        return found, major
    return _NUMBERED.get(major), major


def newer_than_known(version):
    """True when ``version`` is a nova version whose major is above the newest known one (34.0.0)."""
    found, major = _match_version(version)
    return found is None and major is not None and max(_NUMBERED) < major < 2000


def version_warning(version):
    """The warning for a nova version newer than the table, else None."""
    if not newer_than_known(version):
        return None
    return ('nova %s is newer than the newest release the collection knows (%s, nova %d): planned as %s; '
            'add the release to nova_releases.RELEASES (README "Adding a release")'
            % (version.strip(), RELEASES[-1].name, max(_NUMBERED), RELEASES[-1].name))


def release_from_version(version, warnings=None):
    """Map an installed nova package version to a release name.

    Handles a Debian epoch (``2:26.2.2-1~deb12u1``), RDO (``26.2.2-1.el9``),
    Ubuntu (``2014.2.4-0ubuntu1``, ``21.0.0~b1~git...-0ubuntu1``) and the
    date-based versions 2011.3 to 2015.1.  A major above the newest known
    (``34.0.0``) gives the newest known release, with :func:`version_warning`
    appended to ``warnings`` when a list is given.  Raises ``ValueError``
    otherwise.
    """
    found, dummy = _match_version(version)
    if found is None and newer_than_known(version):
        if warnings is not None:
            warnings.append(version_warning(version))
        found = len(RELEASES) - 1
    if found is None:
        raise ValueError(
            'cannot map nova package version %r to a release: expected an '
            "upstream nova version such as '2011.3', '2014.2.4' or '26.2.2', "
            "optionally with an epoch ('2:') and a packaging revision "
            "('-1~deb12u1', '-1.el9', '-0ubuntu1'); known nova versions are "
            '2011.3 to 2015.1 and %d to %d, a later major is planned as the '
            'newest (for series names such as 2023.1 use normalize_release)'
            % (version, min(_NUMBERED), max(_NUMBERED)))
    return RELEASES[found].name


# ---------------------------------------------------------------------------
# Boundaries: (first release, last release); None means open-ended.
# ---------------------------------------------------------------------------

# Diablo nova.conf is a gflags flagfile (nova/flags.py wraps gflags).  Essex
# reads INI through nova.openstack.common.cfg and converts a --flagfile with
# nova/compat/flagfile.py ("gflags style configuration files are deprecated
# and will be removed"); booleans there: --flag -> true, --noflag -> false.
FLAGFILE = ('diablo', 'diablo')
FLAGFILE_COMPAT = ('essex', 'essex')

# The console proxies' spans (and their sources) are in console_types.
VNCPROXY = ct.service('nova-vncproxy')['span']
NOVNCPROXY = ct.service('nova-novncproxy')['span']
# bin/nova-novncproxy in the nova tree uses nova.flags and
# nova.openstack.common.rpc (folsom layout).
NOVNCPROXY_IN_NOVA = ('folsom', None)
# Essex vncconsole.rst FAQ: "a new required service called nova-consoleauth
# has been added".  RN 20.0.0 prelude: "The nova-consoleauth service has been removed as it was
# deprecated since the 18.0.0 (Rocky) release".
CONSOLEAUTH = ('essex', 'stein')
# RN 18.0.0 workarounds-enable-consoleauth: tokens stored in the cell
# databases, console proxies per cell, new [workarounds] enable_consoleauth;
# RN 20.0.0 remove-nova-consoleauth removes [workarounds] enable_consoleauth.
DB_CONSOLE_TOKENS = ('rocky', None)
ENABLE_CONSOLEAUTH_WORKAROUND = ('rocky', 'stein')
XVPVNCPROXY = ct.service('nova-xvpvncproxy')['span']
# RN 21.0.0 remove-nova-console: removed with the [xvp] options.
NOVA_CONSOLE = ('diablo', 'train')
# Grizzly admin guide "SPICE console" lists the [spice] options.
SPICE = ct.service('nova-spicehtml5proxy')['span']
# 2014.1 nova/cmd/spicehtml5proxy.py registers spicehtml5proxy_host/port
# without a group; 2014.2 registers html5proxy_host/port in group spice
# (deprecated_group DEFAULT, deprecated_name spicehtml5proxy_*).
SPICE_PROXY_OPTS_IN_SPICE_GROUP = ('juno', None)
SERIAL = ct.service('nova-serialproxy')['span']
# 2014.1 nova/virt/libvirt/driver.py _live_migration: dom.migrateToURI(),
# the domain XML (VNC/SPICE listen address) unchanged; 2014.2 rewrites it
# with the destination's graphics_listen_addrs (_correct_listen_addr,
# migrateToURI2).
GRAPHICS_LISTEN_REWRITTEN = ('juno', None)
# [serial_console] listen was defined juno to mitaka (2014.2 nova/console/serial.py)
# but never read: the 2014.2 libvirt driver binds the serial ports to
# proxyclient_address; RN 14.0.0 remove-config-serial-listen: removed, "it was
# never used in the code".  No release reads it, so no plan writes it.
SERIAL_LISTEN = ('juno', 'mitaka')
SERIAL_LISTEN_READ = None
# Liberty nova.conf.sample: [vnc] keymap "Deprecated group/name -
# [DEFAULT]/vnc_keymap"; liberty nova/vnc/__init__.py registers vnc_opts in
# group 'vnc' with deprecated_group='DEFAULT'.  See UNVERIFIED.
VNC_GROUP = ('liberty', None)
# RN 13.0.0 add-novnc-proxy-config-to-vnc-group / add-xvp-config-to-vnc-group:
# noVNC and XVP proxy options "added to the 'vnc' group".
VNC_PROXY_OPTS_IN_VNC_GROUP = ('mitaka', None)
# RN 17.0.0 rename-vnc-opts: [vnc]vncserver_listen -> [vnc]server_listen,
# [vnc]vncserver_proxyclient_address -> [vnc]server_proxyclient_address.
VNC_SERVER_RENAME = ('queens', None)
# RN 18.0.0 deprecate-keymap-options; RN 22.0.0 remove-keymap-options:
# [vnc] keymap and [spice] keymap removed.
KEYMAP = (None, 'ussuri')
# Essex: nova-novncproxy from noVNC defines ssl_only/cert/key (noVNC
# nova-novncproxy man page, 2012); folsom bin/nova-novncproxy, newton
# nova/conf/novnc.py and later register them without a group (DEFAULT); zed
# docs list them as plain --ssl_only/--cert/--key.
PROXY_TLS = ('essex', None)
# 12.0.0 nova/console/websocketproxy.py: [DEFAULT] console_allowed_origins;
# 15.0.0 nova/conf/console.py: [console] allowed_origins (deprecated_group
# DEFAULT, deprecated_name console_allowed_origins).
ALLOWED_ORIGINS_IN_DEFAULT = ('liberty', 'newton')
ALLOWED_ORIGINS = ('ocata', None)
# 21.0.0 nova/conf/console.py: [console] ssl_ciphers and ssl_minimum_version
# (choices default, tlsv1_1, tlsv1_2, tlsv1_3, as websockify's SSL_OPTIONS).
PROXY_SSL_OPTIONS = ('ussuri', None)
PROXY_SSL_MINIMUM_VERSIONS = ('default', 'tlsv1_1', 'tlsv1_2', 'tlsv1_3')
# Diablo nova/virt/libvirt/connection.py defines live_migration_uri/_flag,
# block_migration_flag, live_migration_bandwidth in DEFAULT.  See UNVERIFIED
# for the move to [libvirt].
LIBVIRT_GROUP_FOR_MIGRATION = ('icehouse', None)
# RN 13.0.0 libvirt-deprecate-migration-flags-config (deprecated);
# RN 14.0.0 remove-libvirt-migration-flags-config (removed).
MIGRATION_FLAGS = ('diablo', 'mitaka')
# Defaults of live/block_migration_flag: 2011.3 nova/virt/libvirt/connection.py,
# 2012.1 to 2014.1 connection.py/driver.py: no VIR_MIGRATE_LIVE, so libvirt
# pauses the guest for the whole copy.  2014.2 driver.py adds VIR_MIGRATE_LIVE
# and VIR_MIGRATE_TUNNELLED (kept to 13.0.0; the options are gone in 14.0.0).
MIGRATION_FLAG_DEFAULTS = (
    ('diablo', {'live_migration_flag': 'VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER',
                'block_migration_flag': 'VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, '
                                        'VIR_MIGRATE_NON_SHARED_INC'}),
    ('juno', {'live_migration_flag': 'VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE, '
                                     'VIR_MIGRATE_TUNNELLED',
              'block_migration_flag': 'VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, VIR_MIGRATE_LIVE, '
                                      'VIR_MIGRATE_TUNNELLED, VIR_MIGRATE_NON_SHARED_INC'}),
)
# RN 13.0.0 libvirt-live-migration-new-tunneled-option; nova/conf/libvirt.py
# deprecated_since='23.0.0' for live_migration_tunnelled.
LIVE_MIGRATION_TUNNELLED = ('mitaka', None)
LIVE_MIGRATION_TUNNELLED_DEPRECATED = ('wallaby', None)
# RN 13.0.0 bp-split-network-plane-for-live-migration.
LIVE_MIGRATION_INBOUND_ADDR = ('mitaka', None)
# RN 15.0.0 deprecate_live_migration_uri: new live_migration_scheme,
# live_migration_uri deprecated (deprecated_since="15.0.0").
LIVE_MIGRATION_SCHEME = ('ocata', None)
LIVE_MIGRATION_URI_DEPRECATED = ('ocata', None)
# RN 14.0.0 remove-libvirt-migration-flags-config names the new
# live_migration_permit_auto_converge and live_migration_permit_post_copy.
LIVE_MIGRATION_PERMIT = ('newton', None)
# RN 19.0.0 (stein) live_migration_with_native_tls: QEMU's own TLS for the
# migration stream (libvirt >= 4.4.0, QEMU >= 2.11), not with
# live_migration_tunnelled.
LIVE_MIGRATION_NATIVE_TLS = ('stein', None)
NATIVE_TLS_LIBVIRT = (4, 4)


def migration_flag_defaults(release):
    """nova's default ``live_migration_flag`` and ``block_migration_flag`` of ``release`` (None from newton)."""
    idx = release_index(release)
    if not _in(idx, MIGRATION_FLAGS):
        return None
    return dict(_at(idx, MIGRATION_FLAG_DEFAULTS))


def migration_flags(release):
    """The flags the plan writes: the release's defaults with VIR_MIGRATE_LIVE (None from newton)."""
    flags = migration_flag_defaults(release)
    if flags is None:
        return None
    out = {}
    for key, value in flags.items():
        names = [v.strip() for v in value.split(',')]
        if 'VIR_MIGRATE_LIVE' not in names:
            names.insert(names.index('VIR_MIGRATE_PEER2PEER') + 1, 'VIR_MIGRATE_LIVE')
        out[key] = ', '.join(names)
    return out


def tunnelled_by_default(release):
    """Whether nova tunnels the migration data through libvirtd by default on ``release``.

    Juno to mitaka: VIR_MIGRATE_TUNNELLED in the default flags (13.0.0's
    live_migration_tunnelled has no default, the flags decide); 14.0.0
    nova/conf/libvirt.py: live_migration_tunnelled default=False.
    """
    flags = migration_flag_defaults(release)
    return bool(flags) and 'VIR_MIGRATE_TUNNELLED' in flags['live_migration_flag']


def _in(idx, span):
    first, last = span
    if first is not None and idx < _INDEX[first]:
        return False
    if last is not None and idx > _INDEX[last]:
        return False
    return True


# Diablo flagfile flags (name -> default).  Sources: nova/vnc/__init__.py
# (vncproxy_url, vncproxy_topic, vncserver_host, vnc_enabled, vnc_keymap),
# nova/vnc/server.py (vncproxy_wwwroot, vncproxy_port, vncproxy_host,
# vnc_token_ttl), nova/virt/libvirt/connection.py (live_migration_*,
# block_migration_flag), nova/compute/manager.py (live_migration_retry_count;
# default 30 as in the later cfg option).  The diablo "Getting Started with
# the VNC Proxy" page names --vnc_console_proxy_url, which no diablo code
# defines; compute/api.py builds the console URL from FLAGS.vncproxy_url +
# '/vnc_auto.html?token=...'.
DIABLO_FLAGS = {
    'vnc_enabled': True,
    'vncproxy_url': 'http://127.0.0.1:6080',
    'vncproxy_topic': 'vncproxy',
    'vncserver_host': '0.0.0.0',
    'vnc_keymap': 'en-us',
    'vncproxy_host': '0.0.0.0',
    'vncproxy_port': 6080,
    'vncproxy_wwwroot': '/var/lib/nova/noVNC/',
    'vnc_token_ttl': 300,
    'live_migration_uri': 'qemu+tcp://%s/system',
    'live_migration_flag': 'VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER',
    'block_migration_flag': ('VIR_MIGRATE_UNDEFINE_SOURCE, VIR_MIGRATE_PEER2PEER, '
                             'VIR_MIGRATE_NON_SHARED_INC'),
    'live_migration_bandwidth': 0,
    'live_migration_retry_count': 30,
}


def flagfile_line(name, value):
    """One gflags flagfile line: ``--name=value``, ``--name`` or ``--noname``."""
    if not isinstance(name, _STRING_TYPES) or not re.match(r'^[A-Za-z_][A-Za-z0-9_]*$', name):
        raise ValueError('invalid flag name %r' % (name,))
    if value is True:
        return '--%s' % name
    if value is False:
        return '--no%s' % name
    text = '%s' % (value,)
    if '\n' in text or '\r' in text:
        raise ValueError('flag %s: a flagfile value cannot span lines' % name)
    return '--%s=%s' % (name, text)


def _vnc(idx):
    if idx == _INDEX['diablo']:
        # Diablo equivalents; vncproxy_url is the base URL without
        # /vnc_auto.html, and there is no proxy client address or XVP.
        return {
            'enabled': ('DEFAULT', 'vnc_enabled'),
            'keymap': ('DEFAULT', 'vnc_keymap'),
            'server_listen': ('DEFAULT', 'vncserver_host'),
            'server_proxyclient_address': None,
            'novncproxy_base_url': ('DEFAULT', 'vncproxy_url'),
            'xvpvncproxy_base_url': None,
            'novncproxy_host': ('DEFAULT', 'vncproxy_host'),
            'novncproxy_port': ('DEFAULT', 'vncproxy_port'),
            'xvpvncproxy_host': None,
            'xvpvncproxy_port': None,
        }
    grouped = _in(idx, VNC_GROUP)
    group = 'vnc' if grouped else 'DEFAULT'
    proxy_group = 'vnc' if _in(idx, VNC_PROXY_OPTS_IN_VNC_GROUP) else 'DEFAULT'
    if _in(idx, VNC_SERVER_RENAME):
        listen, client = 'server_listen', 'server_proxyclient_address'
    else:
        listen, client = 'vncserver_listen', 'vncserver_proxyclient_address'
    xvp = _in(idx, XVPVNCPROXY)
    keymap = None
    if _in(idx, KEYMAP):
        keymap = ('vnc', 'keymap') if grouped else ('DEFAULT', 'vnc_keymap')
    return {
        'enabled': ('vnc', 'enabled') if grouped else ('DEFAULT', 'vnc_enabled'),
        'keymap': keymap,
        'server_listen': (group, listen),
        'server_proxyclient_address': (group, client),
        'novncproxy_base_url': (group, 'novncproxy_base_url'),
        'xvpvncproxy_base_url': (group, 'xvpvncproxy_base_url') if xvp else None,
        'novncproxy_host': (proxy_group, 'novncproxy_host'),
        'novncproxy_port': (proxy_group, 'novncproxy_port'),
        'xvpvncproxy_host': (proxy_group, 'xvpvncproxy_host') if xvp else None,
        'xvpvncproxy_port': (proxy_group, 'xvpvncproxy_port') if xvp else None,
    }


_SPICE_KEYS = ('enabled', 'agent_enabled', 'keymap', 'html5proxy_base_url',
               'server_listen', 'server_proxyclient_address',
               'html5proxy_host', 'html5proxy_port')


def _group_options(idx, span, group, keys):
    """``keys`` as options of ``group`` for a release in ``span``, else all None."""
    present = _in(idx, span)
    return dict((key, (group, key) if present else None) for key in keys)


def _spice(idx):
    opts = _group_options(idx, SPICE, 'spice', _SPICE_KEYS)
    if opts['enabled'] and not _in(idx, KEYMAP):
        opts['keymap'] = None
    if opts['enabled'] and not _in(idx, SPICE_PROXY_OPTS_IN_SPICE_GROUP):
        # grizzly bin/nova-spicehtml5proxy, havana nova/cmd/spicehtml5proxy.py
        opts['html5proxy_host'] = ('DEFAULT', 'spicehtml5proxy_host')
        opts['html5proxy_port'] = ('DEFAULT', 'spicehtml5proxy_port')
    return opts


_SERIAL_KEYS = ('enabled', 'port_range', 'base_url', 'listen',
                'proxyclient_address', 'serialproxy_host', 'serialproxy_port')


def _serial(idx):
    opts = _group_options(idx, SERIAL, 'serial_console', _SERIAL_KEYS)
    if SERIAL_LISTEN_READ is None or not _in(idx, SERIAL_LISTEN_READ):
        opts['listen'] = None
    return opts


def _proxy_tls(idx):
    return _group_options(idx, PROXY_TLS, 'DEFAULT', ('ssl_only', 'cert', 'key'))


def _proxy_access(idx):
    """The proxies' Origin check and TLS protocol options."""
    opts = _group_options(idx, PROXY_SSL_OPTIONS, 'console', ('ssl_minimum_version', 'ssl_ciphers'))
    if _in(idx, ALLOWED_ORIGINS):
        opts['allowed_origins'] = ('console', 'allowed_origins')
    elif _in(idx, ALLOWED_ORIGINS_IN_DEFAULT):
        opts['allowed_origins'] = ('DEFAULT', 'console_allowed_origins')
    else:
        opts['allowed_origins'] = None
    return opts


def _migration(idx):
    group = 'libvirt' if _in(idx, LIBVIRT_GROUP_FOR_MIGRATION) else 'DEFAULT'
    flags = _in(idx, MIGRATION_FLAGS)
    permit = _in(idx, LIVE_MIGRATION_PERMIT)
    return {
        # nova/compute/manager.py option, never moved out of DEFAULT.
        'live_migration_retry_count': ('DEFAULT', 'live_migration_retry_count'),
        'live_migration_uri': (group, 'live_migration_uri'),
        'live_migration_bandwidth': (group, 'live_migration_bandwidth'),
        'live_migration_flag': (group, 'live_migration_flag') if flags else None,
        'block_migration_flag': (group, 'block_migration_flag') if flags else None,
        'live_migration_tunnelled': (('libvirt', 'live_migration_tunnelled')
                                     if _in(idx, LIVE_MIGRATION_TUNNELLED) else None),
        'live_migration_inbound_addr': (('libvirt', 'live_migration_inbound_addr')
                                        if _in(idx, LIVE_MIGRATION_INBOUND_ADDR) else None),
        'live_migration_scheme': (('libvirt', 'live_migration_scheme')
                                  if _in(idx, LIVE_MIGRATION_SCHEME) else None),
        'live_migration_permit_post_copy': (('libvirt', 'live_migration_permit_post_copy')
                                            if permit else None),
        'live_migration_permit_auto_converge': (
            ('libvirt', 'live_migration_permit_auto_converge') if permit else None),
        'live_migration_with_native_tls': (('libvirt', 'live_migration_with_native_tls')
                                           if _in(idx, LIVE_MIGRATION_NATIVE_TLS) else None),
    }


def _services(idx):
    services = []
    for name, span in ([(s['name'], s['span']) for s in ct.services()]
                       + [('nova-consoleauth', CONSOLEAUTH), ('nova-console', NOVA_CONSOLE)]):
        if _in(idx, span):
            services.append(name)
    return services


def _types(idx):
    """The console types of the release: those with a proxy service in it."""
    return [t['name'] for t in ct.TYPES if any(_in(idx, s['span']) for s in t['services'])]


def _at(idx, history):
    """The location of ``history`` (``((first release, location), ...)``) at ``idx``."""
    loc = None
    for first, where in history:
        if idx >= _INDEX[first]:
            loc = where
    return loc


def _new_groups(idx, have):
    """Option groups of console types that declare their ``options`` (new families)."""
    groups = {}
    for entry in ct.TYPES:
        if 'options' in entry:
            on = entry['name'] in have
            group = groups.setdefault(entry['family'], {})
            for key, history in entry['options'].items():
                group[key] = _at(idx, history) if on else group.get(key)
    return groups


def _defaults(idx):
    # Defaults from the option definitions quoted in the maps' sources:
    # nova/conf/vnc.py, nova/conf/spice.py, nova/conf/serial_console.py and
    # the diablo flags above.
    if idx == _INDEX['diablo']:
        return {'novncproxy_base_url': DIABLO_FLAGS['vncproxy_url'],
                'novncproxy_port': DIABLO_FLAGS['vncproxy_port']}
    out = {}
    for name in _types(idx):
        entry = ct.get(name)
        out.update(entry.get('defaults', {}))
        out[entry.get('default_key', entry['url_option'])] = ct.default_url(name)
        out[entry['proxy_options'][1]] = entry['port']
    return out


def features(release):
    """Facts for one release, as a new dict each call.

    Option entries are ``(section, option)`` tuples, or ``None`` where the
    release has no such option.  ``vnc`` keys use the modern names; for
    diablo they point at the diablo flag with the same role.
    """
    name = normalize_release(release)
    idx = _INDEX[name]
    rel = RELEASES[idx]
    vnc = _vnc(idx)
    have = _types(idx)
    out = {
        'release': name,
        'nova_version': rel.nova_version,
        'series': rel.series,
        'config_format': 'flagfile' if _in(idx, FLAGFILE) else 'ini',
        'flagfile_compat': _in(idx, FLAGFILE_COMPAT),
        'console_services': _services(idx),
        'vnc_proxy_service': 'nova-vncproxy' if _in(idx, VNCPROXY) else 'nova-novncproxy',
        'novncproxy_in_nova': _in(idx, NOVNCPROXY_IN_NOVA),
        'has_consoleauth': _in(idx, CONSOLEAUTH),
        'has_enable_consoleauth_workaround': _in(idx, ENABLE_CONSOLEAUTH_WORKAROUND),
        'console_tokens_in_database': _in(idx, DB_CONSOLE_TOKENS),
        'has_xvpvncproxy': _in(idx, XVPVNCPROXY),
        'has_nova_console': _in(idx, NOVA_CONSOLE),
        'has_spice_html5proxy': _in(idx, SPICE),
        'has_serial_console': _in(idx, SERIAL),
        'migration_rewrites_graphics_listen': _in(idx, GRAPHICS_LISTEN_REWRITTEN),
        'console_types': have,
        'vnc_group': vnc['enabled'][0],
        'vnc': vnc,
        'spice': _spice(idx),
        'serial': _serial(idx),
        'proxy_tls': _proxy_tls(idx),
        'proxy_access': _proxy_access(idx),
        'migration': _migration(idx),
        'live_migration_uri_deprecated': _in(idx, LIVE_MIGRATION_URI_DEPRECATED),
        'live_migration_tunnelled_deprecated': _in(idx, LIVE_MIGRATION_TUNNELLED_DEPRECATED),
        'defaults': _defaults(idx),
        'diablo_flags': copy.deepcopy(DIABLO_FLAGS) if _in(idx, FLAGFILE) else None,
    }
    for group, options in _new_groups(idx, have).items():
        out[group] = dict(out.get(group) or {}, **options)
    return out


# Console package and unit names are in platforms.PLATFORMS; they are
# recorded from this release on.
PACKAGES_FROM = 'icehouse'


def packages(release, distro):
    """``{service: {'package': ..., 'service': ...}}`` for the release's console services.

    ``distro`` is one of :data:`DISTROS`.  Names are ``None`` before
    :data:`PACKAGES_FROM` and wherever no source was found.  Systemd units
    are ``<service>.service``.
    """
    if distro not in platforms.families():
        raise ValueError('unknown distro %r; expected one of: %s' % (distro, platforms.supported()))
    idx = release_index(release)
    known = idx >= _INDEX[PACKAGES_FROM]
    out = {}
    for service in _services(idx):
        names = platforms.console_names(distro, service, release, release_index)
        out[service] = {'package': names['package'] if known else None,
                        'service': names['service'] if known else None}
    return out


_FEATURE_CACHE = {}


def cached_features(release):
    """features() of ``release``, computed once per process (callers must not change it)."""
    name = normalize_release(release)
    if name not in _FEATURE_CACHE:
        _FEATURE_CACHE[name] = features(name)
    return _FEATURE_CACHE[name]


def old_locations(release, group, key):
    """Every INI location option ``group``/``key`` had before ``release``, not its current one.

    Diablo (a flagfile, not INI) is left out.
    """
    current = cached_features(release)[group][key]
    out = []
    for name in RELEASE_NAMES[1:release_index(release)]:
        loc = cached_features(name)[group][key]
        if loc is not None and loc != current and loc not in out:
            out.append(loc)
    return out


class ConfEntries(object):
    """nova.conf entries of one release: each option at its location there, its older locations removed."""

    def __init__(self, release):
        self.release = release
        self.present = []
        self.absent = []

    def _drop(self, section, option):
        entry = {'section': section, 'option': option, 'state': 'absent'}
        if entry not in self.absent:
            self.absent.append(entry)

    def set(self, group, key, value):
        """Set the option where ``release`` reads it (nothing where it has none)."""
        loc = cached_features(self.release)[group][key]
        if loc is None:
            return
        self.present.append({'section': loc[0], 'option': loc[1], 'value': value})
        for old in old_locations(self.release, group, key):
            self._drop(*old)

    def remove(self, group, key):
        """Remove the option from its current and older locations."""
        loc = cached_features(self.release)[group][key]
        if loc is not None:
            self._drop(*loc)
        for old in old_locations(self.release, group, key):
            self._drop(*old)

    def entries(self):
        taken = set((e['section'], e['option']) for e in self.present)
        return self.present + [e for e in self.absent if (e['section'], e['option']) not in taken]
