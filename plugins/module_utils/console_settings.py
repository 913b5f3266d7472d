# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""Validate the console roles' variables and compute what the roles apply.

Pure Python (standard library plus :mod:`nova_releases`), no Ansible
imports, Python 3.6 compatible.  The filter plugin
``novaops.console_migration.console_plan`` wraps :func:`console_plan`.

``settings`` is a dict whose keys are the roles' public variable names (see
:data:`DEFAULTS`) plus the internal keys ``role`` (``console_proxy`` or
``compute_console``), ``distro`` (``debian``, ``ubuntu`` or ``redhat``) and
``live_migration_planned`` (compute_console: the host also takes the
live_migration role; default false).
Missing keys take the value of :data:`DEFAULTS`.  Every problem found is
collected and raised at once as :class:`SettingsError`, one line per
problem, each line starting with the variable name and ending with the
expected form.

Conventions (also documented in the filter plugin):

* An empty string (or ``None``) means "not set" for URLs, TLS paths, listen
  addresses (``console_proxy_*_host`` then mean ``0.0.0.0``,
  ``compute_console_server_listen`` and ``compute_console_serial_listen``
  mean the management address; ``compute_console_server_listen`` means
  ``0.0.0.0`` before juno when ``live_migration_planned``: nova copied the
  domain XML unchanged to the destination then).
* Lists may also be given as one comma-separated string (``-e`` on the
  command line).  Booleans may be strings: true/false, yes/no, on/off, 1/0.
* ``novnc`` on diablo means diablo's own ``nova-vncproxy`` (the only
  browser proxy diablo has); its base URL is the proxy's root URL without
  ``/vnc_auto.html`` (diablo appends it, see ``nova_releases.DIABLO_FLAGS``).
* Firewall sources: an entry ``0.0.0.0/0`` or ``::/0`` means any source and
  gives a rule without sources (``[]``).  An empty
  ``console_proxy_allowed_sources`` opens no proxy port at all.  Sources are
  kept exactly as given: a CIDR stays a CIDR, a plain address stays a plain
  address (no ``/32`` is added).  A CIDR with host bits set is an error.
* ``iptables_lines`` hold the IPv4 lines in the RHEL guide's form
  ``-A INPUT [-s SRC] -m state --state NEW -m tcp -p tcp --dport PORT -j ACCEPT``;
  IPv6 sources go to ``ip6tables_lines`` in the same form.  A rule whose
  sources are all IPv6 gives no IPv4 line (the port stays closed for IPv4).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import ipaddress
import re
from urllib.parse import urlsplit

from ansible_collections.novaops.console_migration.plugins.module_utils import console_types as ct
from ansible_collections.novaops.console_migration.plugins.module_utils import host_facts
from ansible_collections.novaops.console_migration.plugins.module_utils import libvirt_layout
from ansible_collections.novaops.console_migration.plugins.module_utils import nova_releases as nr
from ansible_collections.novaops.console_migration.plugins.module_utils import platforms
from ansible_collections.novaops.console_migration.plugins.module_utils import role_defaults as rd
from ansible_collections.novaops.console_migration.plugins.module_utils.settings_checks import (
    Checker,
    as_list,
    blame,
    host_ports,
    is_unset as _is_unset,
    port_conflicts,
    port_entry,
)


class SettingsError(ValueError):
    """Invalid or contradictory settings; ``problems`` lists one line each."""

    def __init__(self, problems):
        self.problems = list(problems)
        super(SettingsError, self).__init__('\n'.join(self.problems))


ROLES = ('console_proxy', 'compute_console')
# Every per-type fact comes from console_types.
CONSOLE_TYPES = ct.NAMES
GRAPHICAL_TYPES = tuple(t['name'] for t in ct.TYPES if t['graphical'])
VNC_TYPES = tuple(t['name'] for t in ct.TYPES if t['family'] == 'vnc')
FIREWALL_BACKENDS = host_facts.FIREWALL_BACKENDS
ANY_SOURCES = ('0.0.0.0/0', '::/0')

# libvirtd's ports, what compute_console_reserved_ports is derived from when not set.
RESERVED = 'compute_console_reserved_ports'
LIBVIRT_PORT_VARS = ('live_migration_libvirt_tcp_port', 'live_migration_libvirt_tls_port')

# The console roles' defaults ('' means "not set"), from role_defaults.
DEFAULTS = rd.defaults(rd.SHARED, rd.CONSOLE_PROXY, rd.COMPUTE_CONSOLE)

COMMON_VARS = ('novaops_release', 'novaops_console_types', 'novaops_firewall_backend')
ROLE_PREFIXES = {'console_proxy': 'console_proxy_', 'compute_console': 'compute_console_'}

# What a wrong value should have looked like, per variable.
EXPECTED = {
    'novaops_console_types': 'a non-empty list of %s without duplicates' % ', '.join(CONSOLE_TYPES),
    'novaops_firewall_backend': 'one of: %s' % ', '.join(FIREWALL_BACKENDS),
    'console_proxy_ssl_cert': 'an absolute path such as /etc/pki/tls/certs/console.pem, or empty',
    'console_proxy_ssl_key': 'an absolute path such as /etc/pki/tls/private/console.key, or empty',
    'console_proxy_ssl_only': 'true or false',
    'console_proxy_ssl_minimum_version': 'one of %s, or empty' % ', '.join(nr.PROXY_SSL_MINIMUM_VERSIONS),
    'console_proxy_ssl_ciphers': 'an OpenSSL cipher list such as ECDHE+AESGCM:ECDHE+CHACHA20, or empty',
    'console_proxy_allowed_origins': "a list of host names or IP addresses such as ['console.example.org']",
    'console_proxy_allowed_sources': "a list of IPv4/IPv6 addresses or CIDRs such as ['203.0.113.0/24']",
    'compute_console_management_address': 'the IP address of the compute host on the management network, e.g. 192.168.1.2',
    'compute_console_server_listen': 'an IP address such as 192.168.1.2 or 0.0.0.0, or empty for the management address',
    'compute_console_serial_listen': 'an IP address such as 192.168.1.2 or 0.0.0.0, or empty for the management address',
    'compute_console_proxy_public_host': 'the host name or IP address clients reach the console proxies at, '
                                         'e.g. 203.0.113.10',
    'compute_console_serial_port_range': 'N:M with 1 <= N <= M <= 65535, e.g. 10000:20000',
    'compute_console_vnc_port_range': 'N:M with 1 <= N <= M <= 65535, e.g. 5900:5999',
    'compute_console_reserved_ports': 'a list of ports 1-65535 such as [16509, 16514]',
    'live_migration_libvirt_tcp_port': 'an integer from 1 to 65535, e.g. %d' % rd.LIBVIRT_TCP_PORT,
    'live_migration_libvirt_tls_port': 'an integer from 1 to 65535, e.g. %d' % rd.LIBVIRT_TLS_PORT,
    'compute_console_proxy_addresses': "a non-empty list of the console proxy hosts' IP addresses or CIDRs, e.g. ['192.168.1.1']",
}
for _t in ct.TYPES:
    EXPECTED[ct.host_var(_t['name'])] = 'an IPv4 or IPv6 address such as 0.0.0.0 or 192.0.2.10'
    EXPECTED[ct.port_var(_t['name'])] = 'an integer from 1 to 65535, e.g. %d' % _t['port']
    EXPECTED[_t['url_var']] = ct.url_example(_t['name'])
del _t

# Last release that still had a removed service (for the upgrade clean-up).
_LAST_RELEASE_OF = dict([('nova-consoleauth', nr.CONSOLEAUTH[1])]
                        + [(s['name'], s['span'][1]) for s in ct.services() if s['span'][1]])
_DIABLO_WWWROOT = nr.DIABLO_FLAGS['vncproxy_wwwroot']
PUBLIC_HOST = 'compute_console_proxy_public_host'
# libvirt qemu.conf: "Minimum must be greater than or equal to 5900".
DISPLAY_PORT_MIN = 5900
# Internal key: the compute host also takes the live_migration role.
MIGRATION_KEY = 'live_migration_planned'
EXPECTED[MIGRATION_KEY] = 'true or false'
# Internal key: every console proxy serves TLS (built URLs are https/wss).
PROXY_TLS_KEY = 'proxy_tls'
EXPECTED[PROXY_TLS_KEY] = 'true or false'

_HOSTNAME_RE = re.compile(r'^(?=.{1,253}\.?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?'
                          r'(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$')
_PORT_RANGE_RE = re.compile(r'^([0-9]+):([0-9]+)$')
_BOOLEANS = {'true': True, 'yes': True, 'on': True, '1': True,
             'false': False, 'no': False, 'off': False, '0': False}


# --------------------------------------------------------------- validators
# Each returns the cleaned value or raises ValueError with a message that
# quotes the value; the caller prefixes the variable name and appends the
# expected form.

def parse_bool(value):
    """``True``/``False`` from a bool or true/false, yes/no, on/off, 1/0 (any case)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _BOOLEANS:
        return _BOOLEANS[value.strip().lower()]
    raise ValueError('%r is not a boolean' % (value,))


def check_ip(value, allow_unspecified=True):
    """An IPv4 or IPv6 address as a string (``0.0.0.0``/``::`` unless disallowed)."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError('%r is not an IP address' % (value,))
    text = value.strip()
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        raise ValueError('%r is not an IP address' % (value,))
    if addr.is_unspecified and not allow_unspecified:
        raise ValueError('%r is the unspecified address, not an address of this host' % (value,))
    return text


def check_host(value):
    """A host name or an IP address (IPv6 without brackets)."""
    text = value.strip() if isinstance(value, str) else None
    if text:
        try:
            ipaddress.ip_address(text)
            return text
        except ValueError:
            if not re.match(r'^[0-9.]+$', text) and _HOSTNAME_RE.match(text):
                return text
    raise ValueError('%r is not a host name or IP address' % (value,))


def check_source(value):
    """An IP address or a CIDR network (host bits unset), kept as given."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError('%r is not an IP address or CIDR' % (value,))
    text = value.strip()
    if '/' in text:
        try:
            ipaddress.ip_network(text, strict=True)
        except ValueError as err:
            if 'host bits set' in str(err):
                raise ValueError('%r is not a valid CIDR: it has host bits set' % (value,))
            raise ValueError('%r is not a valid CIDR' % (value,))
        return text
    try:
        ipaddress.ip_address(text)
    except ValueError:
        raise ValueError('%r is not an IP address or CIDR' % (value,))
    return text


def ip_version(text):
    """4 or 6 for an address or CIDR string accepted by :func:`check_source`."""
    return ipaddress.ip_network(text, strict=False).version


def check_port(value):
    """A TCP port 1-65535 from an int or a string of digits."""
    if isinstance(value, bool):
        raise ValueError('%r is not a TCP port' % (value,))
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and re.match(r'^\s*[0-9]+\s*$', value):
        number = int(value)
    else:
        raise ValueError('%r is not a TCP port' % (value,))
    if not 1 <= number <= 65535:
        raise ValueError('%r is not a TCP port (out of range)' % (value,))
    return number


def check_port_range(value):
    """``(first, last)`` from ``'N:M'`` with 1 <= N <= M <= 65535."""
    text = value.strip() if isinstance(value, str) else None
    match = _PORT_RANGE_RE.match(text) if text else None
    if match:
        first, last = int(match.group(1)), int(match.group(2))
        if 1 <= first <= last <= 65535:
            return first, last
    raise ValueError('%r is not a port range N:M' % (value,))


def check_choice(value, choices):
    """One of ``choices``."""
    if not isinstance(value, str) or value.strip() not in choices:
        raise ValueError('%r is not one of %s' % (value, ', '.join(choices)))
    return value.strip()


def check_ciphers(value):
    """An OpenSSL cipher list: one line of cipher names, ``:+!-@=`` and commas."""
    if not isinstance(value, str) or not re.match(r'^[A-Za-z0-9_.:+!@=,-]+$', value.strip()):
        raise ValueError('%r is not an OpenSSL cipher list' % (value,))
    return value.strip()


def check_abs_path(value):
    """An absolute path on the managed host."""
    if not isinstance(value, str) or not value.startswith('/') or re.search(r'[\x00\r\n]', value):
        raise ValueError('%r is not an absolute path' % (value,))
    return value


def check_url(value, schemes, query=None):
    """A URL with one of ``schemes``, a host, an optional port and path.

    Fragments, credentials and whitespace are refused, and query strings
    unless ``query`` is True (nova appends ``?token=`` to the URL); a string
    ``query`` is why one is refused.
    """
    label = {'http': 'an http(s) URL', 'ws': 'a ws(s) URL'}[schemes[0]]
    if not isinstance(value, str) or not value.strip():
        raise ValueError('%r is not %s' % (value, label))
    text = value.strip()
    if re.search(r'\s', text):
        raise ValueError('%r is not %s (it contains whitespace)' % (value, label))
    try:
        parts = urlsplit(text)
    except ValueError:
        raise ValueError('%r is not %s' % (value, label))
    if parts.scheme.lower() not in schemes or not text.lower().startswith(parts.scheme.lower() + '://'):
        raise ValueError('%r is not %s' % (value, label))
    host = parts.hostname
    if not host:
        raise ValueError('%r has no host' % (value,))
    if parts.username is not None or parts.password is not None:
        raise ValueError('%r must not contain credentials' % (value,))
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is not None and not 1 <= port <= 65535:
        raise ValueError('%r has an invalid port' % (value,))
    if '[' in parts.netloc:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise ValueError('%r has an invalid IPv6 host' % (value,))
    elif re.match(r'^[0-9.]+$', host):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            raise ValueError('%r has an invalid IPv4 host' % (value,))
    elif not _HOSTNAME_RE.match(host):
        raise ValueError('%r has an invalid host name' % (value,))
    if parts.fragment or text.endswith('#'):
        raise ValueError('%r must not have a fragment' % (value,))
    if query is not True and (parts.query or text.endswith('?')):
        raise ValueError('%r must not have a query%s' % (value, ': %s' % query if query else ''))
    return text


def resolve_release(value):
    """Release name from a name, series, early date version or package version."""
    if isinstance(value, bool) or value is None:
        raise ValueError('%r is not an OpenStack release' % (value,))
    if isinstance(value, (int, float)):
        value = repr(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError('%r is not an OpenStack release' % (value,))
    if value.strip().lower() == 'auto':
        raise ValueError(
            "could not detect the release: set novaops_release to the release of the nova "
            "packages: a name such as 'zed', a series such as '2023.1' or an installed nova "
            "version such as '26.2.2-1.el9'")
    try:
        return nr.normalize_release(value)
    except ValueError as err:
        first = err
    try:
        return nr.release_from_version(value)
    except ValueError:
        pass
    raise ValueError("%s; or an installed nova package version such as '26.2.2-1.el9'" % first)


# --------------------------------------------------------------- release data

def _names(release, distro, service):
    """``({'package':..., 'service':...}, fallback_used)`` for one console service.

    Releases before ``nova_releases.PACKAGES_FROM`` have no recorded names:
    the icehouse names (and diablo's own for nova-vncproxy) are used then.
    """
    if service == 'nova-vncproxy':
        return platforms.console_names(distro, service), True
    ref = release
    if service in _LAST_RELEASE_OF and nr.release_index(release) > nr.release_index(_LAST_RELEASE_OF[service]):
        ref = _LAST_RELEASE_OF[service]
    fallback = nr.release_index(ref) < nr.release_index(nr.PACKAGES_FROM)
    if fallback:
        ref = nr.PACKAGES_FROM
    entry = nr.packages(ref, distro).get(service) or {'package': None, 'service': None}
    return dict(entry), fallback


def _uniq(items):
    out = []
    for item in items:
        if item is not None and item not in out:
            out.append(item)
    return out


# --------------------------------------------------------------- validation

def _checker(settings):
    """The problem collector; an unset optional value gives ``''``."""
    return Checker(settings, DEFAULTS, EXPECTED, unset='')


def check_platform(c):
    """``(distro, release, backend)`` of the :class:`Checker` ``c``, each None when wrong."""
    distro = c.values.get('distro')
    if distro not in platforms.families():
        c.fail('distro', '%r is not a supported distribution family' % (distro,),
               'one of: %s' % platforms.supported())
        distro = None
    release = None
    try:
        release = resolve_release(c.values.get('novaops_release'))
    except ValueError as err:
        c.fail('novaops_release', str(err), None)
    given = c.values.get('novaops_release')
    newer = nr.version_warning(given) if isinstance(given, str) else None
    if newer:
        c.warnings.append('novaops_release: %s' % newer)
    backend = c.values.get('novaops_firewall_backend')
    if backend not in FIREWALL_BACKENDS:
        c.fail('novaops_firewall_backend', '%r is not a firewall backend' % (backend,))
        backend = None
    return distro, release, backend


def _validate(settings):
    """Check everything; return the cleaned context or raise SettingsError."""
    if not isinstance(settings, dict):
        raise SettingsError(['settings: %r is not a dict of the roles\' variables '
                             '(expected e.g. {"role": "console_proxy", "distro": "redhat", '
                             '"novaops_release": "zed"})' % (settings,)])
    c = _checker(settings)
    ctx = {}

    role = c.values.get('role')
    if role not in ROLES:
        c.fail('role', '%r is not a console role' % (role,), 'one of: %s' % ', '.join(ROLES))
        role = None
    distro, release, backend = check_platform(c)

    types = _validate_types(c, release, distro)

    for key in sorted(settings):
        if not isinstance(key, str):
            continue
        for other_role, prefix in ROLE_PREFIXES.items():
            if key.startswith(prefix) and key not in DEFAULTS:
                c.warnings.append('%s: unknown variable of the %s role, ignored' % (key, other_role))

    ctx.update(role=role, distro=distro, release=release, backend=backend, types=types)
    others = host_ports(c, c.values.get('host_ports'))
    if role == 'console_proxy':
        _validate_proxy(c, ctx)
        # Distinct proxy ports are checked above, with their own message.
        port_conflicts(c, ctx['listen_ports'], others, within=False)
    elif role == 'compute_console':
        _validate_compute(c, ctx)
        port_conflicts(c, ctx['listen_ports'], others)

    if c.problems:
        raise SettingsError(c.problems)
    ctx['warnings'] = c.warnings
    return ctx


def _validate_types(c, release, distro):
    var = 'novaops_console_types'
    raw = c.check(var, as_list)
    if raw is None:
        return None
    if not raw:
        c.fail(var, 'is empty')
        return None
    types, ok = [], True
    for item in raw:
        name = item.strip().lower() if isinstance(item, str) else item
        if name not in CONSOLE_TYPES:
            c.fail(var, '%r is not a console type' % (item,))
            ok = False
        elif name in types:
            c.fail(var, 'lists %r more than once' % (name,))
            ok = False
        else:
            types.append(name)
    if not ok:
        return None
    if release is not None:
        have = nr.cached_features(release)['console_types']
        for name in types:
            if name not in have:
                c.fail(var, '%r contradicts novaops_release %s: %s' % (name, release, _span_text(name)),
                       'console types of %s: %s' % (release, ', '.join(have)))
                ok = False
        if release == 'diablo' and 'novnc' in types:
            c.warnings.append("novaops_console_types: on diablo 'novnc' means diablo's own nova-vncproxy "
                              "(flagfile flags --vncproxy_*)")
    if distro is None:
        return types if ok else None
    plat = platforms.platform(distro)
    exclusive = [t for t in plat['exclusive_console_types'] if t in types]
    if len(exclusive) > 1:
        default_file = plat['console_default_file']
        c.fail(var, "%s together on %s: the single %s package starts one graphical proxy, chosen by %s in %s"
               % (' and '.join(repr(t) for t in exclusive), distro.capitalize(),
                  platforms.console_names(distro, _service_name(exclusive[0]))['package'],
                  default_file['type_key'], default_file['path']),
               'either %s, optionally with serial' % ' or '.join(exclusive))
        ok = False
    for name in plat['missing_console_types']:
        if name in types:
            c.fail(var, "%r on %s: no %s package of %s is known"
                   % (name, distro.capitalize(), distro.capitalize(), _service_name(name)),
                   '%s, optionally with serial' % ' or '.join(
                       t for t in GRAPHICAL_TYPES if t not in plat['missing_console_types']))
            ok = False
    return types if ok else None


def _span_text(name):
    """When the proxy of console type ``name`` exists, for messages."""
    spans = [s['span'] for s in ct.get(name)['services']]
    first, last = spans[0][0], spans[-1][1]
    if last:
        return '%s exists from %s to %s' % (ct.get(name)['label'], first, last)
    return '%s exists from %s on' % (ct.get(name)['label'], first)


def _service_name(name, release=None):
    """The proxy service of console type ``name`` on ``release`` (default: its latest)."""
    services = ct.get(name)['services']
    if release is not None:
        idx = nr.release_index(release)
        for service in services:
            first, last = service['span']
            if nr.release_index(first) <= idx and (last is None or idx <= nr.release_index(last)):
                return service['name']
    return services[-1]['name']


def _validate_proxy(c, ctx):
    types = ctx['types'] or []
    hosts, ports = {}, {}
    for name in CONSOLE_TYPES:
        host_var, port_var = ct.host_var(name), ct.port_var(name)
        host = c.optional(host_var, check_ip)
        hosts[name] = '0.0.0.0' if host == '' else host
        ports[name] = c.check(port_var, check_port)
    entries = [port_entry(ct.port_var(name), ports[name]) for name in types if ports[name]]
    blamed = set()
    for index, later in enumerate(entries):
        for earlier in entries[:index]:
            if later['first'] == earlier['first']:
                bad, other = blame(later, earlier)
                if bad['var'] not in blamed:
                    blamed.add(bad['var'])
                    c.fail(bad['var'], '%d is also %s; the enabled proxies need distinct ports'
                           % (bad['first'], other['var']), 'a port no other enabled proxy uses')

    cert = c.optional('console_proxy_ssl_cert', check_abs_path)
    key = c.optional('console_proxy_ssl_key', check_abs_path)
    ssl_only = c.check('console_proxy_ssl_only', parse_bool)
    # None: invalid (already reported); '': not set.
    if cert and key == '':
        c.fail('console_proxy_ssl_key', 'is not set but console_proxy_ssl_cert is: give both or neither')
    if key and cert == '':
        c.fail('console_proxy_ssl_cert', 'is not set but console_proxy_ssl_key is: give both or neither')
    if ssl_only and (cert == '' or key == ''):
        c.fail('console_proxy_ssl_only', 'is true but console_proxy_ssl_cert and console_proxy_ssl_key '
               'are not both set', 'false, or set the certificate and key paths')
    if ctx['release'] is not None and (cert or key or ssl_only):
        if nr.cached_features(ctx['release'])['proxy_tls']['cert'] is None:
            c.fail('console_proxy_ssl_cert', '%s has no TLS options for its console proxy' % ctx['release'],
                   'empty on %s' % ctx['release'])

    minimum = c.optional('console_proxy_ssl_minimum_version', check_choice, nr.PROXY_SSL_MINIMUM_VERSIONS)
    ciphers = c.optional('console_proxy_ssl_ciphers', check_ciphers)
    origins = c.items('console_proxy_allowed_origins', check_host)
    feats = nr.cached_features(ctx['release'])['proxy_access'] if ctx['release'] is not None else None
    for var, value, option in (('console_proxy_ssl_minimum_version', minimum, 'ssl_minimum_version'),
                               ('console_proxy_ssl_ciphers', ciphers, 'ssl_ciphers')):
        if not value:
            continue
        if cert == '' or key == '':
            c.fail(var, 'has no effect without console_proxy_ssl_cert and console_proxy_ssl_key',
                   'empty, or set the certificate and key paths')
        elif feats is not None and feats[option] is None:
            c.fail(var, '%s has no [console] %s (from %s on)' % (ctx['release'], option, nr.PROXY_SSL_OPTIONS[0]),
                   'empty on %s' % ctx['release'])
    if origins and feats is not None and feats['allowed_origins'] is None:
        c.fail('console_proxy_allowed_origins', '%s has no allowed origins option (from %s on)'
               % (ctx['release'], nr.ALLOWED_ORIGINS_IN_DEFAULT[0]), 'empty on %s' % ctx['release'])

    sources = c.items('console_proxy_allowed_sources', check_source)
    _iptables_ipv4_only(c, ctx, 'console_proxy_allowed_sources', sources)
    ctx.update(hosts=hosts, ports=ports, cert=cert, key=key, ssl_only=ssl_only, sources=sources,
               listen_ports=entries, ssl_minimum_version=minimum, ssl_ciphers=ciphers, allowed_origins=origins or [])


def _iptables_ipv4_only(c, ctx, var, sources):
    """The iptables backend manages IPv4 rules only: refuse IPv6 sources there."""
    if ctx['backend'] != 'iptables':
        return
    for source in sources or []:
        if ':' in source and source != '::/0':
            c.fail(var, '%r is IPv6, but the iptables backend manages IPv4 rules only' % (source,),
                   'IPv4 addresses or CIDRs, or novaops_firewall_backend firewalld')


def _validate_compute(c, ctx):
    types = ctx['types'] or []
    release = ctx['release']
    mgmt = c.values.get('compute_console_management_address')
    if _is_unset(mgmt):
        c.fail('compute_console_management_address', 'is required')
        mgmt = None
    else:
        mgmt = c.check('compute_console_management_address', check_ip, False)
    listen = c.optional('compute_console_server_listen', check_ip)
    serial_listen_given = c.optional('compute_console_serial_listen', check_ip)

    urls, derived = _console_urls(c, types, release)
    if release == 'diablo' and urls.get('novnc'):
        path = urlsplit(urls['novnc']).path
        if path not in ('', '/'):
            if 'novnc' in derived:
                text = ('is not set, and the default %r built from %s has a path: diablo\'s --vncproxy_url is '
                        'the proxy\'s root URL and nova appends /vnc_auto.html itself' % (urls['novnc'], PUBLIC_HOST))
            else:
                text = ("%r has a path: diablo's --vncproxy_url is the proxy's root URL and nova appends "
                        "/vnc_auto.html itself" % urls['novnc'])
            c.fail('compute_console_novncproxy_base_url', text, 'on diablo e.g. http://203.0.113.10:6080')

    serial_range = c.check('compute_console_serial_port_range', check_port_range)
    vnc_range = c.check('compute_console_vnc_port_range', check_port_range)
    if vnc_range and vnc_range[0] < DISPLAY_PORT_MIN and set(types) & set(GRAPHICAL_TYPES):
        c.fail('compute_console_vnc_port_range', '%d:%d starts below %d: libvirt refuses a remote_display_port_min '
               'below it (display numbers count from it)' % (vnc_range + (DISPLAY_PORT_MIN,)),
               'N:M with %d <= N <= M <= 65535, e.g. 5900:5999' % DISPLAY_PORT_MIN)
        vnc_range = None
    proxies = None
    if ctx['backend'] == 'none':
        if not _is_unset(c.values.get('compute_console_proxy_addresses')):
            proxies = c.items('compute_console_proxy_addresses', check_source)
    else:
        proxies = c.items('compute_console_proxy_addresses', check_source, non_empty=True)
        _iptables_ipv4_only(c, ctx, 'compute_console_proxy_addresses', proxies)

    migrating = c.check(MIGRATION_KEY, lambda value: value is not None and parse_bool(value))
    copied_xml = bool(migrating) and release is not None \
        and not nr.cached_features(release)['migration_rewrites_graphics_listen']
    if mgmt and copied_xml and set(types) & set(GRAPHICAL_TYPES):
        if listen == '':
            listen = '0.0.0.0'
        elif listen not in ('0.0.0.0', '::'):
            c.warnings.append('compute_console_server_listen: %s on %s fails live migration: nova before juno '
                              'copies the domain XML unchanged and the destination cannot listen on the '
                              "source's address; leave it unset for 0.0.0.0" % (listen, release))
    if mgmt:
        listen = listen or mgmt
        if release is not None and 'serial' in types and nr.cached_features(release)['serial']['listen'] is None \
                and serial_listen_given and serial_listen_given != mgmt:
            c.warnings.append('compute_console_serial_listen: ignored on %s: nova never reads [serial_console] '
                              'listen (defined from %s to %s, unused); the serial ports are bound to the '
                              'management address' % (release, nr.SERIAL_LISTEN[0], nr.SERIAL_LISTEN[1]))
        serial_listen = serial_listen_given or mgmt
        if ctx['backend'] == 'none' and listen in ('0.0.0.0', '::'):
            c.warnings.append('compute_console_server_listen: %s with novaops_firewall_backend none: the '
                              'instance consoles listen on every network with no firewall rule '
                              'limiting them to the proxies' % listen)
    else:
        serial_listen = None
    reserved = _reserved_ports(c)
    listen_ports = []
    if vnc_range and set(types) & set(GRAPHICAL_TYPES):
        listen_ports.append(port_entry('compute_console_vnc_port_range', vnc_range[0], vnc_range[1],
                                       reserved=reserved or []))
    if serial_range and 'serial' in types:
        listen_ports.append(port_entry('compute_console_serial_port_range', serial_range[0], serial_range[1],
                                       reserved=reserved or []))
    ctx.update(mgmt=mgmt, listen=listen, serial_listen=serial_listen, urls=urls,
               serial_range=serial_range, vnc_range=vnc_range, proxies=proxies, reserved=reserved or [],
               listen_ports=listen_ports)


def _reserved_ports(c):
    """compute_console_reserved_ports, or when not set libvirtd's ports, checked under their own names."""
    if not _is_unset(c.values.get(RESERVED)):
        return c.items(RESERVED, check_port)
    ports = []
    for var in LIBVIRT_PORT_VARS:
        try:
            ports.append(check_port(c.values.get(var, rd.LIVE_MIGRATION[var])))
        except ValueError as err:
            c.fail(var, '%s; %s is derived from it' % (err, RESERVED))
    return ports


def _query_rule(name, release):
    """check_url's ``query`` for the URL of console type ``name`` on ``release``."""
    first = ct.get(name).get('query_from')
    if first and release is not None and nr.at_least(release, first):
        return True
    if first:
        return 'before %s (nova %s) nova appends ?token= to it' % (first, nr.RELEASES[nr.release_index(first)].nova_version)
    return None


def _console_urls(c, types, release):
    """``(urls, derived)``: the URL of each console type ('' when unset) and the types built from the public host.

    An unset URL of an enabled type is built from compute_console_proxy_public_host;
    a problem of that host is reported against it.
    """
    urls, derived = {}, []
    public = None
    if release is not None:
        # The examples show the path built on this release.
        c.expected = dict(c.expected, **dict(
            (t['url_var'], 'e.g. %s' % ct.built_url(t['name'], '203.0.113.10', lambda first: nr.at_least(release, first)))
            for t in ct.TYPES))
    missing = [ct.get(name)['url_var'] for name in CONSOLE_TYPES
               if name in types and _is_unset(c.values.get(ct.get(name)['url_var']))]
    tls = c.check(PROXY_TLS_KEY, lambda value: value is not None and parse_bool(value))
    if missing and not _is_unset(c.values.get(PUBLIC_HOST)):
        try:
            public = check_host(c.values.get(PUBLIC_HOST))
        except ValueError as err:
            verb = 'is' if len(missing) == 1 else 'are'
            c.fail(PUBLIC_HOST, '%s; %s %s built from it' % (err, ' and '.join(missing), verb))
    for name in CONSOLE_TYPES:
        var, scheme = ct.get(name)['url_var'], ct.get(name)['scheme']
        url = c.optional(var, check_url, (scheme, scheme + 's'), _query_rule(name, release))
        origin = ''
        if url == '' and name in types:
            if public:
                url = ct.built_url(name, public, lambda first: release is not None and nr.at_least(release, first))
                if tls:
                    url = scheme + 's' + url[len(scheme):]
                derived.append(name)
                origin = ', built from %s %s,' % (PUBLIC_HOST, public)
            elif _is_unset(c.values.get(PUBLIC_HOST)):
                c.fail(var, 'is required when novaops_console_types contains %r' % name)
        urls[name] = url
        if url:
            host = urlsplit(url).hostname
            if host in ('localhost', '127.0.0.1', '::1'):
                c.warnings.append('%s: %r%s points at the loopback address; browsers and clients on other '
                                  'hosts cannot reach it' % (var, url, origin))
    return urls, derived


def _range_rules(name, port_range, reserved, sources):
    """Firewall rules opening ``port_range`` except the ``reserved`` ports.

    Nova's serial range (10000:20000 by default) holds libvirt's 16509 and
    16514: opening it whole to the proxies would open libvirtd to them too.
    """
    low, high = port_range
    parts, start = [], low
    for port in sorted(set(p for p in reserved if low <= p <= high)):
        if port > start:
            parts.append((start, port - 1))
        start = port + 1
    if start <= high:
        parts.append((start, high))
    return [{'name': name if index == 0 else '%s_%d' % (name, index + 1),
             'port': first if first == last else '%d:%d' % (first, last),
             'protocol': 'tcp', 'sources': sources}
            for index, (first, last) in enumerate(parts)]


# --------------------------------------------------------------- plan

def _sources(given):
    """[] for any source, else the given entries."""
    given = list(given or [])
    if any(s in ANY_SOURCES for s in given):
        return []
    return given


def iptables_lines(rules, version=4):
    """Lines in the RHEL guide's iptables form for ``rules`` (IPv4 or IPv6 sources)."""
    out = []
    for rule in rules:
        dport = rule['port']
        tail = '-m state --state NEW -m %s -p %s --dport %s -j ACCEPT' % (rule['protocol'], rule['protocol'], dport)
        if not rule['sources']:
            out.append('-A INPUT %s' % tail)
            continue
        for src in rule['sources']:
            if ip_version(src) == version:
                out.append('-A INPUT -s %s %s' % (src, tail))
    return out


def console_plan(settings):
    """Validate ``settings`` and return the plan (plain dicts, lists, strings).

    Raises :class:`SettingsError` listing every problem.
    """
    ctx = _validate(settings)
    release, distro, role, types = ctx['release'], ctx['distro'], ctx['role'], ctx['types']
    feats = nr.cached_features(release)
    plan = {
        'release': release,
        'console_types': list(types),
        'config_format': feats['config_format'],
        'packages': [],
        'services': {'enable': [], 'disable': []},
        'nova_conf': [],
        'flagfile': [],
        'debian_default': None,
        'firewall': {'owner': role, 'backend': ctx['backend'], 'rules': []},
        'iptables_lines': [],
        'ip6tables_lines': [],
        'restart_on_change': [],
        'qemu_conf': {},
        'qemu_conf_path': None,
        'libvirt_restart': None,
        'ports': list(ctx['listen_ports']),
        'warnings': list(ctx['warnings']),
    }
    if role == 'console_proxy':
        rules = _plan_proxy(ctx, feats, plan)
    else:
        rules = _plan_compute(ctx, feats, plan)
    if ctx['backend'] == 'none':
        if rules:
            plan['warnings'].append(
                'novaops_firewall_backend: none, so no firewall rule is managed; open these yourself: %s'
                % '; '.join(iptables_lines(rules, 4) + iptables_lines(rules, 6)))
    else:
        plan['firewall']['rules'] = rules
        plan['iptables_lines'] = iptables_lines(rules, 4)
        plan['ip6tables_lines'] = iptables_lines(rules, 6)
    return plan


def _release_types(feats, distro):
    missing = platforms.platform(distro)['missing_console_types']
    return [name for name in feats['console_types'] if name not in missing]


def _plan_proxy(ctx, feats, plan):
    release, distro, types = ctx['release'], ctx['distro'], ctx['types']
    fallback = []
    enable, disable, packages = [], [], []

    def names(service):
        entry, used = _names(release, distro, service)
        if used and service != 'nova-vncproxy':
            fallback.append(service)
        return entry

    proxy_services = []
    for name in types:
        entry = names(_service_name(name, release))
        proxy_services.append(entry['service'])
        packages.append(entry['package'])
    if feats['has_consoleauth']:
        auth = names('nova-consoleauth')
        enable.append(auth['service'])
        packages.append(auth['package'])
        if feats['has_enable_consoleauth_workaround']:
            plan['warnings'].append(
                'nova-consoleauth is deprecated since rocky: console tokens are kept in the cell '
                'databases and nova-consoleauth only serves them with [workarounds] enable_consoleauth = true')
    enable.extend(proxy_services)
    for name in _release_types(feats, distro):
        if name not in types:
            disable.append(names(_service_name(name, release))['service'])
    # Upgrade clean-up: services the release no longer has.  nova-consoleauth
    # and nova-xvpvncproxy on every later release; diablo's nova-vncproxy only
    # on essex, the release that replaced it (nobody upgrades diablo further
    # in one step, and its names are guide-based).
    idx = nr.release_index(release)
    gone = [('nova-consoleauth', nr.CONSOLEAUTH[1], 'every')] + [
        (s['name'], s['span'][1], s.get('clean_up', 'every')) for s in ct.services() if s['span'][1]]
    for when in ('every', 'next'):
        for service, last, clean_up in gone:
            after = idx - nr.release_index(last)
            if clean_up == when and (after > 0 if when == 'every' else after == 1):
                disable.append(_names(release, distro, service)[0]['service'])

    if fallback:
        plan['warnings'].append(
            'package and service names of %s on %s are not recorded (nova_releases has them from %s on): '
            'using the %s names: %s' % (release, distro, nr.PACKAGES_FROM, nr.PACKAGES_FROM,
                                        ', '.join(_uniq(_names(release, distro, s)[0]['package']
                                                        for s in fallback))))
    if release == 'diablo':
        plan['warnings'].append("package and service names of diablo's nova-vncproxy come from the diablo "
                                'install guide (Ubuntu nova-vncproxy; RHEL package openstack-nova, service openstack-nova-vncproxy)')
    if 'novnc' in types and not feats['novncproxy_in_nova'] and release != 'diablo':
        plan['warnings'].append('on %s nova-novncproxy is shipped by the noVNC project, not by nova: '
                                'check the package name of your distribution' % release)

    enable = _uniq(enable)
    plan['packages'] = _uniq(packages)
    plan['services'] = {'enable': enable, 'disable': [s for s in _uniq(disable) if s not in enable]}
    plan['restart_on_change'] = _uniq(proxy_services)

    if feats['config_format'] == 'flagfile':
        vnc = feats['vnc']
        plan['flagfile'] = [
            nr.flagfile_line(vnc['novncproxy_host'][1], ctx['hosts']['novnc']),
            nr.flagfile_line(vnc['novncproxy_port'][1], ctx['ports']['novnc']),
            nr.flagfile_line('vncproxy_wwwroot', _DIABLO_WWWROOT),
        ]
    else:
        conf = nr.ConfEntries(release)
        for name in types:
            group, (host_key, port_key) = ct.get(name)['family'], ct.get(name)['proxy_options']
            conf.set(group, host_key, ctx['hosts'][name])
            conf.set(group, port_key, ctx['ports'][name])
        if ctx['cert']:
            conf.set('proxy_tls', 'cert', ctx['cert'])
            conf.set('proxy_tls', 'key', ctx['key'])
        if ctx['ssl_only']:
            conf.set('proxy_tls', 'ssl_only', True)
        for option in ('ssl_minimum_version', 'ssl_ciphers', 'allowed_origins'):
            if ctx[option]:
                conf.set('proxy_access', option, ctx[option])
        plan['nova_conf'] = conf.entries()

    default_file = platforms.platform(distro)['console_default_file']
    if default_file and release != 'diablo':
        values = {}
        for name, value in default_file['types'].items():
            if name in types:
                values[default_file['type_key']] = value
        if feats['has_serial_console']:
            values[default_file['serial_key']] = 'true' if 'serial' in types else 'false'
        plan['debian_default'] = {'path': default_file['path'], 'values': values}

    sources = ctx['sources']
    if not sources:
        plan['warnings'].append('console_proxy_allowed_sources: empty, so no proxy port is opened in the firewall')
        return []
    return [{'name': name, 'port': ctx['ports'][name], 'protocol': 'tcp', 'sources': _sources(sources)}
            for name in types]


def _plan_compute(ctx, feats, plan):
    release, types = ctx['release'], ctx['types']
    plan['restart_on_change'] = [platforms.platform(ctx['distro'])['compute_service']]
    mgmt, listen, urls = ctx['mgmt'], ctx['listen'], ctx['urls']
    vnc_on = bool(set(types) & set(VNC_TYPES))
    if vnc_on and 'spice' in types:
        plan['warnings'].append(
            'novaops_console_types: VNC and SPICE are both enabled on the compute hosts; nova\'s console '
            'guide says VNC must be disabled to get the SPICE console and to run one graphical console type')

    if feats['config_format'] == 'flagfile':
        vnc = feats['vnc']
        lines = [nr.flagfile_line(vnc['enabled'][1], vnc_on)]
        if vnc_on:
            lines.append(nr.flagfile_line(vnc['server_listen'][1], listen))
            lines.append(nr.flagfile_line(vnc['novncproxy_base_url'][1], urls['novnc'].rstrip('/')))
        plan['flagfile'] = lines
    else:
        conf = nr.ConfEntries(release)
        values = {'listen': listen, 'mgmt': mgmt, 'serial_listen': ctx['serial_listen'],
                  'serial_range': '%d:%d' % ctx['serial_range'] if ctx['serial_range'] else None}
        # Each family's enabled option (a no-op where the release has none), then its options.
        for family in _uniq(t['family'] for t in ct.TYPES):
            members = [t for t in ct.TYPES if t['family'] == family]
            conf.set(family, 'enabled', any(t['name'] in types for t in members))
            if not any(t['name'] in types for t in members):
                continue
            for item in ct.FAMILIES[family]:
                if item == 'urls':
                    for entry in members:
                        if entry['name'] in types:
                            conf.set(family, entry['url_option'], urls[entry['name']])
                else:
                    conf.set(family, item[0], values[item[1]])
        plan['nova_conf'] = conf.entries()

    sources = _sources(ctx['proxies'])
    rules = []
    if set(types) & set(GRAPHICAL_TYPES):
        rules += _range_rules('displays', ctx['vnc_range'], ctx['reserved'], sources)
        # libvirt hands out display ports up to remote_display_port_max (65535):
        # keep them in the range the firewall opens.
        plan['qemu_conf'] = {'remote_display_port_min': ctx['vnc_range'][0],
                             'remote_display_port_max': ctx['vnc_range'][1]}
        plan['qemu_conf_path'] = platforms.platform(ctx['distro'])['libvirt']['qemu_conf']
        plan['libvirt_restart'] = libvirt_layout.restart_table()
    if 'serial' in types:
        rules += _range_rules('serial', ctx['serial_range'], ctx['reserved'], sources)
    if ctx['proxies'] and not sources and ctx['backend'] != 'none':
        plan['warnings'].append('compute_console_proxy_addresses: contains an any-address network, so the '
                                'console ports of the compute hosts are open to every source')
    return rules
