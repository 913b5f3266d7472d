#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r"""
module: migration_facts
author: "novaops maintainers (@novaops)"
short_description: Read what the live migration and console readiness checks need from a host, in one task
version_added: 1.0.0
description:
  - Reads, without changing anything, the facts that decide whether a compute host can live-migrate instances to and
    from its peers and whether a console proxy host reaches the computes' consoles. Feed the results of every host to
    the C(novaops.console_migration.preflight_report) filter.
  - 'Reads C(/proc/cpuinfo), C(/proc/mounts) and C(/dev/kvm) directly and runs only these commands: C(ip -j addr show)
    (C(ip -o addr show) with an iproute2 without JSON output), C(ip -j route get ADDR) for each address of O(reach)
    (this asks the kernel for the route and sends no traffic), C(getent passwd NAMES) and C(getent group NAMES) once
    each, C(libvirtd --version) (or C(virtqemud --version), or C(virsh version --daemon)), C(virsh -r -c URI
    capabilities) and C(ss -ltn). Names of O(peers) are resolved in the module with C(getaddrinfo), as
    C(getent ahosts) does (C(/etc/hosts), DNS, as C(/etc/nsswitch.conf) says).'
  - Missing tools are no error. Without C(virsh), C(libvirtd) and C(virtqemud), C(installed) of
    RV(migration_facts.libvirt) is false and the libvirt fields are null; without C(ss), its C(listening) is null; a
    failing command is reported in RV(migration_facts.errors).
extends_documentation_fragment:
  - novaops.console_migration.attributes.info_module
options:
  addresses:
    description:
      - Addresses the host is expected to carry, such as its migration address and its console C(proxyclient)
        address. RV(migration_facts.addresses) tells for each which interface has it, with its prefix and network.
    type: list
    elements: str
    default: []
  peers:
    description:
      - Name of another host -> the address it is expected to resolve to (for example the other computes' names and
        their migration addresses). Each name is resolved on this host; RV(migration_facts.resolution) has the
        addresses found and whether the expected one is among them.
      - An empty expected address only resolves the name.
    type: dict
    default: {}
  reach:
    description:
      - Addresses to report the route to (RV(migration_facts.routes)), for example the computes' console
        C(proxyclient) addresses on a console proxy host.
    type: list
    elements: str
    default: []
  instances_path:
    description:
      - Nova's C(instances_path). RV(migration_facts.instances) tells which file system holds it and whether that is
        shared storage. When it does not exist, its nearest existing parent is looked at.
    type: path
    default: /var/lib/nova/instances
  accounts:
    description:
      - Users and groups whose ids to report in RV(migration_facts.ids), keyed C(user/NAME) and C(group/NAME).
      - The default covers the nova user and group and the QEMU user and group of Debian and Ubuntu
        (C(libvirt-qemu)/C(kvm)) and of the RHEL family (C(qemu)/C(qemu)); those that do not exist are null.
    type: list
    elements: dict
    default:
      - {kind: user, name: nova}
      - {kind: group, name: nova}
      - {kind: user, name: libvirt-qemu}
      - {kind: group, name: kvm}
      - {kind: user, name: qemu}
      - {kind: group, name: qemu}
    suboptions:
      kind:
        description: V(user) (a UID) or V(group) (a GID).
        type: str
        choices: [user, group]
        required: true
      name:
        description: Name of the account.
        type: str
        required: true
  libvirt_uri:
    description:
      - The libvirt connection C(virsh capabilities) reads the host CPU from, read-only (C(virsh -r)).
      - On hosts with socket activation this starts the libvirt daemon if it is not running (it stops again when idle,
        after 120 seconds on Debian). An empty string skips the connection; C(libvirt_model) of
        RV(migration_facts.cpu) is then null.
    type: str
    default: qemu:///system
notes:
  - Needs no root privileges, but some C(/proc/mounts) entries and C(getent) sources may show less to other users.
seealso:
  - name: Nova, configure live migrations
    description: The requirements these facts are checked against.
    link: https://docs.openstack.org/nova/latest/admin/configuring-migrations.html
"""

EXAMPLES = r"""
- name: Read the migration facts of a compute host
  novaops.console_migration.migration_facts:
    addresses:
      - "{{ live_migration_address }}"
      - "{{ compute_console_management_address }}"
    peers: "{{ dict(groups['nova_compute'] | difference([inventory_hostname])
                    | zip(groups['nova_compute'] | difference([inventory_hostname])
                          | map('extract', hostvars, 'live_migration_address'))) }}"
  register: migration_facts_result

- name: Routes of a console proxy host to the computes' console addresses
  novaops.console_migration.migration_facts:
    reach: "{{ groups['nova_compute'] | map('extract', hostvars, 'compute_console_management_address') | list }}"
    accounts: []
    libvirt_uri: ""
  register: migration_facts_result
"""

RETURN = r"""
migration_facts:
  description: The facts of the host.
  returned: always
  type: dict
  contains:
    hostname:
      description: The host name the host reports (C(gethostname)).
      type: str
      sample: compute1
    interfaces:
      description: Every global IPv4 and IPv6 address of the host.
      type: list
      elements: dict
      sample:
        - {name: eth0, address: 10.0.0.5, prefix: 24, network: 10.0.0.0/24}
    addresses:
      description: Each address of O(addresses) -> the interface that carries it, or null when no interface does.
      type: dict
      sample:
        10.0.0.5: {interface: eth0, prefix: 24, network: 10.0.0.0/24}
        10.9.0.5: null
    cpu:
      description:
        - The first processor of C(/proc/cpuinfo) and libvirt's view of the host CPU.
        - C(vendor) is libvirt's spelling (C(Intel), C(AMD)), C(vendor_id) the raw one (C(GenuineIntel)). C(flags)
          is sorted. C(libvirt_model), C(libvirt_vendor) and C(cpu_xml) (the host C(<cpu>) element of
          C(virsh capabilities), for C(virsh cpu-baseline)) are null without libvirt.
      type: dict
      sample:
        vendor: Intel
        vendor_id: GenuineIntel
        model_name: Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz
        family: 6
        model: 85
        flags: [aes, avx, avx2, vmx]
        libvirt_model: Cascadelake-Server-noTSX
        libvirt_vendor: Intel
        cpu_xml: "<cpu>\n  <arch>x86_64</arch>\n  <model>Cascadelake-Server-noTSX</model>\n  ...\n</cpu>"
    ids:
      description: C(user/NAME) or C(group/NAME) -> the id of each account of O(accounts), null if it does not exist.
      type: dict
      sample: {user/nova: 64060, group/nova: 64060, user/libvirt-qemu: 64055, group/kvm: 104, user/qemu: null}
    virt:
      description:
        - C(kvm) is whether C(/dev/kvm) exists and is a character device, C(cpu_virt_flag) the CPU's virtualization
          flag (V(vmx), V(svm) or null), C(type) the C([libvirt] virt_type) the host can run (V(kvm) with
          C(/dev/kvm), else V(qemu), TCG emulation).
      type: dict
      sample: {kvm: true, cpu_virt_flag: vmx, type: kvm}
    libvirt:
      description:
        - C(installed) is whether C(virsh), C(libvirtd) or C(virtqemud) was found, C(version) the daemon's version
          (null if unknown), C(listening) the libvirt ports (16509, 16514) C(ss) shows listening, with the address
          (null without C(ss)), C(error) why C(virsh capabilities) failed, or null.
      type: dict
      sample:
        installed: true
        version: 9.0.0
        listening: [{port: 16514, address: 10.0.0.5}]
        error: null
    instances:
      description:
        - O(instances_path), whether it exists, and the file system that holds it (or its nearest existing parent).
          C(shared) is whether that is a network or cluster file system (NFS, CephFS, GlusterFS, GPFS, OCFS2, GFS2,
          Lustre, BeeGFS, Quobyte, CIFS and the like).
      type: dict
      sample: {path: /var/lib/nova/instances, exists: true, mount_point: /var/lib/nova/instances, fstype: nfs4,
               source: "nfs1:/export/instances", shared: true}
    resolution:
      description:
        - Each name of O(peers) -> the addresses it resolves to on this host, in the resolver's order, the error
          (null if it resolved), the expected address and whether it is among the addresses (null without one).
      type: dict
      sample:
        compute2: {addresses: [10.0.0.6], error: null, expected: 10.0.0.6, matches: true}
    routes:
      description:
        - 'Each address of O(reach) -> the interface, source address and gateway (C(via), null when on-link) of the
          route to it, or the error (for example C(RTNETLINK answers: Network is unreachable)).'
      type: dict
      sample:
        10.0.0.6: {dev: eth0, src: 10.0.0.5, via: null, error: null}
    errors:
      description: Commands that failed or whose output could not be read, one line each.
      type: list
      elements: str
      sample: []
"""

import ipaddress
import os
import socket
import stat

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native, to_text

from ansible_collections.novaops.console_migration.plugins.module_utils.account_ids import key_of
from ansible_collections.novaops.console_migration.plugins.module_utils.common import C_LOCALE, first_line
from ansible_collections.novaops.console_migration.plugins.module_utils.host_facts import (
    FactsParseError,
    addrinfo_addresses,
    cpu_virt_flag,
    find_mount,
    is_shared_fstype,
    locate_addresses,
    parse_capabilities_cpu,
    parse_cpuinfo,
    parse_getent_ids,
    parse_ip_addr,
    parse_libvirt_version,
    parse_mounts,
    parse_route_get,
    parse_ss_listen,
    route_error,
    vendor_name,
)

# Prefix of every path read; tests point it at a fake host tree.
ROOT = '/'
DEFAULT_ACCOUNTS = [
    {'kind': 'user', 'name': 'nova'},
    {'kind': 'group', 'name': 'nova'},
    {'kind': 'user', 'name': 'libvirt-qemu'},
    {'kind': 'group', 'name': 'kvm'},
    {'kind': 'user', 'name': 'qemu'},
    {'kind': 'group', 'name': 'qemu'},
]


class Gatherer(object):
    """Reads the host's facts; every problem goes to ``errors``."""

    def __init__(self, module, root):
        self.module = module
        self.root = root
        self.errors = []
        self.bins = {}

    def path(self, path):
        return os.path.join(self.root, path.lstrip('/'))

    def unrooted(self, real):
        if self.root in ('', '/'):
            return real
        root = os.path.realpath(self.root)
        if real == root:
            return '/'
        if real.startswith(root.rstrip('/') + '/'):
            return real[len(root.rstrip('/')):]
        return real

    def bin(self, name):
        if name not in self.bins:
            self.bins[name] = self.module.get_bin_path(name)
        return self.bins[name]

    def run(self, argv):
        """``(rc, out, err)``; a command that cannot start counts as rc 127."""
        try:
            return self.module.run_command(argv, environ_update=C_LOCALE)
        except (OSError, IOError) as exc:
            return 127, '', to_native(exc)

    def read(self, path):
        try:
            with open(self.path(path), 'rb') as handle:
                return to_text(handle.read(), errors='surrogate_or_replace')
        except (IOError, OSError) as exc:
            self.errors.append('cannot read %s: %s' % (path, to_native(exc)))
            return None

    # -- network --------------------------------------------------------------

    def interfaces(self):
        """``(interfaces, json_ok)``: the global addresses, and whether ip prints JSON."""
        ip = self.bin('ip')
        if not ip:
            self.errors.append('ip not found: interfaces and routes unknown')
            return [], False
        rc, out, err = self.run([ip, '-j', 'addr', 'show'])
        json_ok = rc == 0 and out.strip().startswith('[')
        if not json_ok:
            rc, out, err = self.run([ip, '-o', 'addr', 'show'])
            if rc != 0:
                self.errors.append('ip addr show failed (rc %d): %s' % (rc, first_line(err or out)))
                return [], False
        try:
            return parse_ip_addr(out), json_ok
        except FactsParseError as exc:
            self.errors.append(to_native(exc))
            return [], json_ok

    def routes(self, reach, json_ok):
        ip = self.bin('ip')
        routes = {}
        for address in reach:
            if not ip:
                routes[address] = route_error('ip not found')
                continue
            argv = [ip] + (['-j'] if json_ok else []) + ['route', 'get', address]
            rc, out, err = self.run(argv)
            if rc != 0:
                routes[address] = route_error(first_line(err or out) or 'ip route get failed (rc %d)' % rc)
            else:
                routes[address] = parse_route_get(out)
        return routes

    # -- cpu, virtualization, libvirt ----------------------------------------------

    def cpu(self):
        text = self.read('/proc/cpuinfo')
        info = parse_cpuinfo(text or '')
        return {
            'vendor': vendor_name(info['vendor']),
            'vendor_id': info['vendor'],
            'model_name': info['model_name'],
            'family': info['family'],
            'model': info['model'],
            'flags': info['flags'],
            'libvirt_model': None,
            'libvirt_vendor': None,
            'cpu_xml': None,
        }

    def kvm(self):
        try:
            return stat.S_ISCHR(os.stat(self.path('/dev/kvm')).st_mode)
        except OSError:
            return False

    def libvirt(self, uri, cpu):
        virsh, libvirtd, virtqemud = self.bin('virsh'), self.bin('libvirtd'), self.bin('virtqemud')
        facts = {'installed': bool(virsh or libvirtd or virtqemud), 'version': None, 'listening': None,
                 'error': None}
        for daemon in (libvirtd, virtqemud):
            if daemon and facts['version'] is None:
                rc, out, err = self.run([daemon, '--version'])
                if rc == 0:
                    facts['version'] = parse_libvirt_version(out)
        if virsh and uri:
            connect = [virsh, '-r', '-c', uri]
            rc, out, err = self.run(connect + ['capabilities'])
            if rc != 0:
                facts['error'] = 'virsh capabilities failed (rc %d): %s' % (rc, first_line(err or out))
                self.errors.append(facts['error'])
            else:
                try:
                    caps = parse_capabilities_cpu(out)
                except FactsParseError as exc:
                    facts['error'] = to_native(exc)
                    self.errors.append(facts['error'])
                else:
                    cpu['libvirt_model'] = caps['model']
                    cpu['libvirt_vendor'] = caps['vendor']
                    cpu['cpu_xml'] = caps['cpu_xml']
                    if facts['version'] is None:
                        rc, out, err = self.run(connect + ['version', '--daemon'])
                        if rc == 0:
                            facts['version'] = parse_libvirt_version(out)
        ss = self.bin('ss')
        if ss:
            rc, out, err = self.run([ss, '-ltn'])
            if rc == 0:
                facts['listening'] = parse_ss_listen(out)
            else:
                self.errors.append('ss -ltn failed (rc %d): %s' % (rc, first_line(err or out)))
        return facts

    # -- accounts, storage ---------------------------------------------------------

    def ids(self, accounts):
        ids = dict((key_of(a['kind'], a['name']), None) for a in accounts)
        if not accounts:
            return ids
        getent = self.bin('getent')
        if not getent:
            self.errors.append('getent not found: account ids unknown')
            return ids
        texts = {}
        for kind, database in (('user', 'passwd'), ('group', 'group')):
            names = [a['name'] for a in accounts if a['kind'] == kind]
            texts[kind] = ''
            if names:
                # rc 2: one of the names does not exist; the others are listed.
                rc, out, err = self.run([getent, database, '--'] + names)
                if rc in (0, 2):
                    texts[kind] = out
                else:
                    self.errors.append('getent %s failed (rc %d): %s' % (database, rc, first_line(err or out)))
        ids.update(parse_getent_ids(texts['user'], texts['group'], accounts))
        return ids

    def instances(self, path):
        real = os.path.realpath(self.path(path))
        exists = os.path.exists(real)
        probe = real
        while not os.path.exists(probe) and os.path.dirname(probe) != probe:
            probe = os.path.dirname(probe)
        facts = {'path': path, 'exists': exists, 'mount_point': None, 'fstype': None, 'source': None,
                 'shared': False}
        text = self.read('/proc/mounts')
        if text is None:
            return facts
        mount = find_mount(parse_mounts(text), self.unrooted(probe))
        if mount is not None:
            facts.update(mount_point=mount['mount_point'], fstype=mount['fstype'], source=mount['source'],
                         shared=is_shared_fstype(mount['fstype']))
        return facts


def resolve(peers):
    result = {}
    for name in sorted(peers):
        expected = peers[name]
        entry = {'addresses': [], 'error': None, 'expected': expected, 'matches': None}
        try:
            entry['addresses'] = addrinfo_addresses(socket.getaddrinfo(name, None, 0, socket.SOCK_STREAM))
        except (socket.gaierror, socket.herror, UnicodeError, OSError) as exc:
            entry['error'] = to_native(exc)
        if expected:
            entry['matches'] = expected in entry['addresses']
        result[name] = entry
    return result


def normalize_ip(text):
    return str(ipaddress.ip_address(to_text(text).strip()))


def check_params(params):
    """Normalized addresses, reach and peers; a list of problems."""
    problems = []

    def ip_list(key):
        values = []
        for value in params[key]:
            try:
                values.append(normalize_ip(value))
            except ValueError:
                problems.append('%s: %r is not an IPv4 or IPv6 address (expected e.g. 10.0.0.5)' % (key, value))
        return values

    addresses = ip_list('addresses')
    reach = ip_list('reach')
    peers = {}
    for name, value in (params['peers'] or {}).items():
        if not name or not str(name).strip():
            problems.append('peers: empty host name')
            continue
        if value in (None, ''):
            peers[name] = None
            continue
        try:
            peers[name] = normalize_ip(value)
        except ValueError:
            problems.append('peers: %s: %r is not an IPv4 or IPv6 address (expected e.g. {compute2: 10.0.0.6})'
                            % (name, value))
    if not os.path.isabs(params['instances_path']):
        problems.append('instances_path: %r is not absolute (expected e.g. /var/lib/nova/instances)'
                        % params['instances_path'])
    return addresses, reach, peers, problems


def gather(module):
    params = module.params
    addresses, reach, peers, problems = check_params(params)
    if problems:
        module.fail_json(msg='; '.join(problems), migration_facts={})
    host = Gatherer(module, ROOT)
    interfaces, json_ok = host.interfaces()
    cpu = host.cpu()
    kvm = host.kvm()
    facts = {
        'hostname': socket.gethostname(),
        'interfaces': interfaces,
        'addresses': locate_addresses(interfaces, addresses),
        'cpu': cpu,
        'ids': host.ids(params['accounts']),
        'virt': {'kvm': kvm, 'cpu_virt_flag': cpu_virt_flag(cpu['flags']), 'type': 'kvm' if kvm else 'qemu'},
        'libvirt': host.libvirt(params['libvirt_uri'], cpu),
        'instances': host.instances(params['instances_path']),
        'resolution': resolve(peers),
        'routes': host.routes(reach, json_ok),
    }
    facts['errors'] = host.errors
    return facts


def main():
    module = AnsibleModule(
        argument_spec=dict(
            addresses=dict(type='list', elements='str', default=[]),
            peers=dict(type='dict', default={}),
            reach=dict(type='list', elements='str', default=[]),
            instances_path=dict(type='path', default='/var/lib/nova/instances'),
            accounts=dict(type='list', elements='dict', default=[dict(a) for a in DEFAULT_ACCOUNTS], options=dict(
                kind=dict(type='str', choices=['user', 'group'], required=True),
                name=dict(type='str', required=True),
            )),
            libvirt_uri=dict(type='str', default='qemu:///system'),
        ),
        supports_check_mode=True,
    )
    facts = gather(module)
    module.exit_json(changed=False, migration_facts=facts)


if __name__ == '__main__':
    main()
