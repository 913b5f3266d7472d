# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""Parsers for what the migration readiness checks read on a host, pure, no Ansible imports.

* :func:`parse_cpuinfo` - ``/proc/cpuinfo`` (first processor): vendor, model
  name, family, model, flags; :func:`cpu_virt_flag`.
* :func:`parse_ip_addr` - ``ip -j addr show`` (or ``ip -o addr show`` of
  iproute2 before JSON output): the global addresses;
  :func:`locate_addresses` - which interface carries an address.
* :func:`parse_route_get` - ``ip -j route get ADDR`` (or its text form).
* :func:`parse_mounts` / :func:`find_mount` / :func:`is_shared_fstype` -
  ``/proc/mounts`` and the file system holding a path.
* :func:`parse_getent_hosts` / :func:`addrinfo_addresses` - name resolution
  by ``getent ahosts`` or ``socket.getaddrinfo``.
* :func:`parse_getent_ids` - the ids of accounts from ``getent passwd`` and
  ``getent group``.
* :func:`parse_libvirt_version` - ``libvirtd --version`` or
  ``virsh version --daemon``.
* :func:`parse_capabilities_cpu` - the host ``<cpu>`` of ``virsh
  capabilities``.
* :func:`parse_ss_listen` - ``ss -ltnH`` (or ``ss -ltn``) lines listening on
  given ports.
* :func:`parse_is_active` / :func:`firewall_backend` - the one choice of
  the firewall backend (auto: firewalld, nftables, iptables).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import ipaddress
import json
import re
import xml.etree.ElementTree as ET

from ansible_collections.novaops.console_migration.plugins.module_utils.account_ids import (
    key_of, parse_group, parse_passwd)
from ansible_collections.novaops.console_migration.plugins.module_utils.common import unique

LIBVIRT_PORTS = (16509, 16514)

# File systems whose content other hosts see too (network and cluster file
# systems). Instances on them need no block migration.
SHARED_FSTYPES = frozenset((
    'nfs', 'nfs4', 'cephfs', 'ceph', 'fuse.ceph', 'fuse.cephfs', 'fuse.ceph-fuse', 'glusterfs', 'fuse.glusterfs',
    'gpfs', 'ocfs2', 'gfs2', 'lustre', 'beegfs', 'fuse.beegfs', 'quobyte', 'fuse.quobyte', 'cifs', 'smb3',
    'fuse.moosefs', 'fuse.mfs', 'fuse.lizardfs', 'fuse.juicefs',
))

VENDORS = {
    'GenuineIntel': 'Intel',
    'AuthenticAMD': 'AMD',
    'HygonGenuine': 'Hygon',
    'CentaurHauls': 'VIA',
    'Shanghai': 'Zhaoxin',
}

# Route types that ``ip route get`` may return without an error but that carry no traffic.
DEAD_ROUTE_TYPES = ('unreachable', 'prohibit', 'blackhole', 'throw')

VERSION_RE = re.compile(r'(\d+)\.(\d+)(?:\.(\d+))?')


class FactsParseError(Exception):
    """Output that cannot be parsed at all."""


# -- /proc/cpuinfo ---------------------------------------------------------------

def _int_or_none(text):
    text = (text or '').strip()
    if not text:
        return None
    try:
        return int(text, 0) if text.lower().startswith('0x') else int(text)
    except ValueError:
        return None


def parse_cpuinfo(text):
    """``{vendor, model_name, family, model, flags}`` of the first processor of ``/proc/cpuinfo``.

    The first occurrence of each field counts (the first processor's).

    ``vendor`` is the raw ``vendor_id`` (``GenuineIntel``); use :func:`vendor_name`
    for libvirt's spelling. ``flags`` is a sorted list (``Features`` on ARM).
    Fields that are missing are None (flags: []).
    """
    first = {}
    for line in text.splitlines():
        if ':' not in line:
            continue
        key, value = line.split(':', 1)
        first.setdefault(key.strip().lower(), value.strip())
    flags_text = first.get('flags', first.get('features', ''))
    return {
        'vendor': first.get('vendor_id') or None,
        'model_name': first.get('model name') or first.get('cpu model') or None,
        'family': _int_or_none(first.get('cpu family')),
        'model': _int_or_none(first.get('model')),
        'flags': sorted(set(flags_text.split())),
    }


def vendor_name(vendor):
    """libvirt's vendor name for a ``vendor_id`` (``AuthenticAMD`` -> ``AMD``); other text unchanged."""
    if vendor is None:
        return None
    return VENDORS.get(vendor, vendor)


def cpu_virt_flag(flags):
    """``'vmx'`` (Intel VT-x), ``'svm'`` (AMD-V) or None."""
    for flag in ('vmx', 'svm'):
        if flag in flags:
            return flag
    return None


# -- ip addr / ip route get --------------------------------------------------------

def _normalize_ip(text):
    """``text`` as a canonical address string; ValueError if it is none."""
    text = text.strip()
    if '%' in text:
        text = text.split('%', 1)[0]
    return str(ipaddress.ip_address(u'%s' % text))


def _entry(name, address, prefix):
    address = _normalize_ip(address)
    network = ipaddress.ip_network(u'%s/%d' % (address, prefix), strict=False)
    return {'name': name, 'address': address, 'prefix': prefix, 'network': str(network)}


def parse_ip_addr(text):
    """The global addresses of ``ip -j addr show``, or of ``ip -o addr show`` when ``text`` is not JSON.

    Returns ``[{name, address, prefix, network}]`` in the order ip lists them.
    Host and link scoped addresses (``lo``'s 127.0.0.1, ``fe80::``) are left out.
    """
    stripped = text.strip()
    if stripped.startswith('['):
        try:
            data = json.loads(stripped)
        except ValueError as exc:
            raise FactsParseError('ip -j addr: not JSON: %s' % exc)
        return _ip_addr_json(data)
    return _ip_addr_text(text)


def _ip_addr_json(data):
    result = []
    for link in data or []:
        if not isinstance(link, dict):
            continue
        name = link.get('ifname')
        for info in link.get('addr_info') or []:
            if info.get('family') not in ('inet', 'inet6') or info.get('scope', 'global') != 'global':
                continue
            try:
                result.append(_entry(name, info['local'], int(info['prefixlen'])))
            except (KeyError, TypeError, ValueError):
                continue
    return result


IP_O_RE = re.compile(r'^\d+:\s+(?P<name>[^\s@]+)(?:@\S+)?\s+(?P<family>inet6?)\s+(?P<addr>[^\s/]+)/(?P<prefix>\d+)'
                     r'(?P<rest>.*)$')


def _ip_addr_text(text):
    result = []
    for line in text.splitlines():
        match = IP_O_RE.match(line.strip())
        if not match:
            continue
        scope = re.search(r'\bscope\s+(\S+)', match.group('rest'))
        if scope and scope.group(1) != 'global':
            continue
        try:
            result.append(_entry(match.group('name'), match.group('addr'), int(match.group('prefix'))))
        except ValueError:
            continue
    return result


def locate_addresses(interfaces, addresses):
    """``{address: {interface, prefix, network} or None}`` for each of ``addresses``, keys as given."""
    by_address = {}
    for entry in interfaces:
        by_address.setdefault(entry['address'], entry)
    result = {}
    for address in addresses:
        try:
            entry = by_address.get(_normalize_ip(address))
        except ValueError:
            entry = None
        result[address] = (None if entry is None else
                           {'interface': entry['name'], 'prefix': entry['prefix'], 'network': entry['network']})
    return result


def route_error(text):
    """The route of an ``ip route get`` that failed: only the error text."""
    return {'dev': None, 'src': None, 'via': None, 'error': (text or '').strip() or 'no route'}


def parse_route_get(text):
    """``{dev, src, via, error}`` from ``ip -j route get ADDR`` (or its text form, without ``-j``).

    ``via`` is the gateway or None for an on-link destination. Routes of type
    unreachable, prohibit, blackhole or throw give an ``error``.
    """
    stripped = text.strip()
    if not stripped:
        return route_error('ip route get printed nothing')
    if stripped.startswith('['):
        try:
            data = json.loads(stripped)
        except ValueError as exc:
            return route_error('ip -j route get: not JSON: %s' % exc)
        if not data or not isinstance(data[0], dict):
            return route_error('ip -j route get printed no route')
        route = data[0]
        kind = route.get('type')
        dev, src, via = route.get('dev'), route.get('prefsrc'), route.get('gateway')
    else:
        words = stripped.split()
        kind = words[0] if words and words[0] in DEAD_ROUTE_TYPES + ('local', 'broadcast', 'multicast') else None
        fields = {}
        for index, word in enumerate(words[:-1]):
            if word in ('dev', 'src', 'via') and word not in fields:
                fields[word] = words[index + 1]
        dev, src, via = fields.get('dev'), fields.get('src'), fields.get('via')
    if kind in DEAD_ROUTE_TYPES:
        return route_error('route of type %s' % kind)
    if not dev:
        return route_error('no outgoing interface in %r' % stripped[:200])
    return {'dev': dev, 'src': src, 'via': via, 'error': None}


# -- /proc/mounts --------------------------------------------------------------------

def _unescape_mount(text):
    """``/proc/mounts`` escapes space, tab, newline and backslash as octal (``\\040``)."""
    return re.sub(r'\\([0-7]{3})', lambda m: chr(int(m.group(1), 8)), text)


def parse_mounts(text):
    """``[{source, mount_point, fstype}]`` of ``/proc/mounts``, in order."""
    result = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        result.append({'source': _unescape_mount(fields[0]), 'mount_point': _unescape_mount(fields[1]),
                       'fstype': fields[2]})
    return result


def _under(path, mount_point):
    if mount_point == '/':
        return path.startswith('/')
    return path == mount_point or path.startswith(mount_point.rstrip('/') + '/')


def find_mount(mounts, path):
    """The mount of :func:`parse_mounts` holding the absolute, resolved ``path``, or None.

    The longest mount point wins; of several mounts on one point the last (the
    one mounted over the others).
    """
    best = None
    for mount in mounts:
        if _under(path, mount['mount_point']):
            if best is None or len(mount['mount_point'].rstrip('/')) >= len(best['mount_point'].rstrip('/')):
                best = mount
    return best


def is_shared_fstype(fstype):
    """Whether ``fstype`` is a network or cluster file system (see SHARED_FSTYPES)."""
    return bool(fstype) and fstype in SHARED_FSTYPES


# -- name resolution and accounts --------------------------------------------------------

def parse_getent_hosts(text):
    """The addresses of ``getent ahosts NAME`` (or ``getent hosts``), in order, without repeats."""
    addresses = []
    for line in text.splitlines():
        fields = line.split()
        if not fields:
            continue
        try:
            addresses.append(_normalize_ip(fields[0]))
        except ValueError:
            continue
    return unique(addresses)


def addrinfo_addresses(infos):
    """The addresses of a ``socket.getaddrinfo`` result, in order, without repeats."""
    addresses = []
    for info in infos:
        try:
            addresses.append(_normalize_ip(info[4][0]))
        except (IndexError, TypeError, ValueError):
            continue
    return unique(addresses)


def parse_getent_ids(passwd_text, group_text, accounts):
    """``{'user/nova': 64060, 'group/kvm': None, ...}`` for ``accounts`` (``[{kind, name}]``).

    ``passwd_text`` and ``group_text`` are ``getent passwd NAMES`` and
    ``getent group NAMES`` outputs; an account they do not list is None.
    """
    users = {}
    for name, uid, dummy, dummy2 in parse_passwd(passwd_text or ''):
        users.setdefault(name, uid)
    groups = {}
    for name, gid in parse_group(group_text or ''):
        groups.setdefault(name, gid)
    result = {}
    for account in accounts:
        table = users if account['kind'] == 'user' else groups
        result[key_of(account['kind'], account['name'])] = table.get(account['name'])
    return result


# -- libvirt -------------------------------------------------------------------------------

def _version_text(match):
    return '%s.%s.%s' % (match.group(1), match.group(2), match.group(3) or '0')


def parse_libvirt_version(text):
    """``'X.Y.Z'`` from ``libvirtd --version`` (``libvirtd (libvirt) 9.0.0``) or ``virsh version --daemon``.

    From ``virsh version`` output the daemon's version is taken (``Running
    against daemon``), else the library's, never the hypervisor's. None if
    there is no version.
    """
    text = text or ''
    for pattern in (r'Running against daemon:\s*(\d+)\.(\d+)(?:\.(\d+))?',
                    r'\(libvirt\)\s*(\d+)\.(\d+)(?:\.(\d+))?',
                    r'Using library:\s*libvirt\s+(\d+)\.(\d+)(?:\.(\d+))?',
                    r'\blibvirt\s+(\d+)\.(\d+)(?:\.(\d+))?'):
        match = re.search(pattern, text)
        if match:
            return _version_text(match)
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) == 1:
        match = re.match(r'^\s*(\d+)\.(\d+)(?:\.(\d+))?\s*$', lines[0])
        if match:
            return _version_text(match)
    return None


def _cpu_element_text(xml_text):
    """The host ``<cpu>...</cpu>`` text as written in ``xml_text``, dedented, or None."""
    host = re.search(r'<host>', xml_text)
    if not host:
        return None
    match = re.search(r'(?P<indent>[ \t]*)(?P<cpu><cpu(?:\s[^>]*)?>.*?</cpu>)', xml_text[host.end():], re.S)
    if not match:
        return None
    indent = match.group('indent')
    lines = match.group('cpu').split('\n')
    lines = [lines[0]] + [line[len(indent):] if line.startswith(indent) else line for line in lines[1:]]
    return '\n'.join(lines)


def parse_capabilities_cpu(xml_text):
    """``{model, vendor, cpu_xml}`` of the host CPU in ``virsh capabilities``; FactsParseError if not XML."""
    try:
        root = ET.fromstring(xml_text.strip())
    except ET.ParseError as exc:
        raise FactsParseError('virsh capabilities: not XML: %s' % exc)
    cpu = root.find('host/cpu')
    if cpu is None:
        return {'model': None, 'vendor': None, 'cpu_xml': None}
    text = _cpu_element_text(xml_text)
    if text is None:
        cpu.tail = None
        text = ET.tostring(cpu).decode('utf-8')
    model = cpu.findtext('model')
    vendor = cpu.findtext('vendor')
    return {'model': model.strip() if model else None, 'vendor': vendor.strip() if vendor else None,
            'cpu_xml': text}


def parse_ss_listen(text, ports=LIBVIRT_PORTS):
    """``[{port, address}]`` of ``ss -ltnH`` (or ``ss -ltn``) lines listening on one of ``ports``.

    ``address`` is as ss prints it without brackets: ``10.0.0.5``, ``::``,
    ``*`` (all addresses of both families), ``0.0.0.0``. Sorted by port and
    address, without repeats.
    """
    found = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 4 or fields[0] in ('State', 'Netid'):
            continue
        # `ss -ltn` has State Recv-Q Send-Q Local Peer; with -a or without -t a Netid column comes first.
        local = fields[3] if fields[0] == 'LISTEN' else (fields[4] if len(fields) > 4 else '')
        if ':' not in local:
            continue
        address, port = local.rsplit(':', 1)
        if not port.isdigit() or int(port) not in ports:
            continue
        if address.startswith('[') and address.endswith(']'):
            address = address[1:-1]
        address = address.split('%', 1)[0]
        entry = {'port': int(port), 'address': address}
        if entry not in found:
            found.append(entry)
    return sorted(found, key=lambda e: (e['port'], e['address']))


# -- the firewall backend -------------------------------------------------------------

FIREWALL_BACKENDS = ('auto', 'iptables', 'nftables', 'firewalld', 'none')


def parse_is_active(text, units=('firewalld', 'nftables')):
    """``{unit: state}`` from ``systemctl is-active UNIT...`` output (one state per line, in order)."""
    states = [line.strip() for line in (text or '').splitlines() if line.strip()]
    return dict((unit, states[index] if index < len(states) else 'unknown') for index, unit in enumerate(units))


def firewall_backend(requested, states):
    """The backend for ``requested`` (one of FIREWALL_BACKENDS) given the units' ``states``.

    ``auto``: firewalld when it runs, else nftables when nftables.service is
    active (its ruleset loaded at boot), else iptables.
    """
    if requested not in FIREWALL_BACKENDS:
        raise ValueError('%r is not a firewall backend (expected one of: %s)'
                         % (requested, ', '.join(FIREWALL_BACKENDS)))
    if requested != 'auto':
        return requested
    if states.get('firewalld') == 'active':
        return 'firewalld'
    if states.get('nftables') == 'active':
        return 'nftables'
    return 'iptables'
