#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r"""
module: host_facts
author: "novaops maintainers (@novaops)"
short_description: Everything the collection's roles read from a host, in one call
version_added: 1.0.0
description:
  - Reads in one module call what the roles of the collection plan with, instead of one task each.
  - The distribution and network facts, as M(ansible.builtin.setup) with C(gather_subset=[distribution, network])
    gathers them (RV(ansible_facts)).
  - The Nova release from the installed (or candidate) nova packages, as M(novaops.console_migration.nova_release)
    reports it (RV(nova_release)).
  - Whether firewalld and nftables run (RV(firewall_units), the output of C(systemctl is-active firewalld nftables)).
  - The installed version of every package the collection's platform table lists for the host's family
    (RV(packages)), so that a converged host needs no package manager call.
  - With O(account_ids=true), the ids of the nova and QEMU accounts of the family, as
    M(novaops.console_migration.account_ids) reports them (RV(account_ids)).
  - The host's record of the platform table with the release and firewall backend that apply (RV(distro) and the
    keys after it), so that the roles read it from the registered result; a distribution the table does not know
    fails the task, naming the supported ones.
  - Never changes anything.
extends_documentation_fragment:
  - novaops.console_migration.attributes.info_module
options:
  release:
    description:
      - The operator's C(novaops_release); V(auto) detects it from the packages.
    type: str
    default: auto
  firewall_backend:
    description:
      - The operator's C(novaops_firewall_backend), one of V(auto), V(iptables), V(nftables), V(firewalld) and
        V(none); V(auto) chooses firewalld when it runs, else nftables when
        C(nftables.service) is active, else iptables.
    type: str
    default: auto
  nova_conf_path:
    description:
      - The operator's C(novaops_nova_conf_path); empty for the family's own.
    type: str
    default: ''
  account_ids:
    description:
      - Report the ids of the nova and QEMU accounts.
    type: bool
    default: false
seealso:
  - module: ansible.builtin.setup
  - module: novaops.console_migration.nova_release
"""

EXAMPLES = r"""
- name: Read the host once
  novaops.console_migration.host_facts:
    account_ids: true
  register: host
"""

RETURN = r"""
ansible_facts:
  description: The distribution and network facts of M(ansible.builtin.setup).
  returned: always
  type: dict
  sample: {os_family: Debian, distribution: Debian, default_ipv4: {address: 10.89.0.5}}
nova_release:
  description: What M(novaops.console_migration.nova_release) returns; empty with O(release=false) or for a distribution
    the platform table does not list.
  returned: always
  type: dict
  sample: {release: zed, source: installed, version: "2:26.2.2-1~deb12u1"}
firewall_units:
  description: C(systemctl is-active firewalld nftables), one state per line; empty without systemctl.
  returned: always
  type: str
  sample: "inactive\ninactive\n"
packages:
  description: Installed version of each package of the family's platform table; V(null) when not installed.
  returned: always
  type: dict
  sample: {nova-compute: "2:26.2.2-1~deb12u1", iptables-persistent: null}
account_ids:
  description: What M(novaops.console_migration.account_ids) reports in O(ignore:mode=report); empty without O(account_ids)
    or for a distribution the platform table does not list.
  returned: always
  type: dict
  sample: {users: {nova: 64060}, groups: {nova: 64060}}
distro:
  description: The platform family (V(debian), V(ubuntu), V(redhat)).
  returned: success
  type: str
  sample: debian
release:
  description: The Nova release that applies (O(release), or the detected one; V(auto) when none was found).
  returned: success
  type: str
  sample: zed
release_source:
  description: Where RV(release) comes from (V(variable), or what RV(nova_release) reports).
  returned: success
  type: str
  sample: installed
firewall_backend:
  description: The firewall backend that applies.
  returned: success
  type: str
  sample: iptables
package_manager:
  description: V(apt) or V(dnf).
  returned: success
  type: str
  sample: apt
nova_conf_path:
  description: O(nova_conf_path), or the family's nova.conf.
  returned: success
  type: str
  sample: /etc/nova/nova.conf
firewall_packages:
  description: Packages of the firewall backend (none for firewalld and V(none)).
  returned: success
  type: list
  elements: str
  sample: [iptables, iptables-persistent]
firewall_services:
  description: Units that load the backend's rules at boot.
  returned: success
  type: list
  elements: str
  sample: [netfilter-persistent]
nova_account:
  description: The family's nova account (V(user), V(group)).
  returned: success
  type: dict
  sample: {user: nova, group: nova}
qemu_account:
  description: The family's QEMU account (V(user), V(group)).
  returned: success
  type: dict
  sample: {user: libvirt-qemu, group: kvm}
supported:
  description: The families the collection supports.
  returned: success
  type: list
  elements: str
  sample: [debian, ubuntu, redhat]
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.facts import ansible_collector, default_collectors
from ansible.module_utils.facts.namespace import PrefixFactNamespace

from ansible_collections.novaops.console_migration.plugins.module_utils import host_facts, platforms
from ansible_collections.novaops.console_migration.plugins.module_utils.common import run_c
from ansible_collections.novaops.console_migration.plugins.module_utils.step_runner import run_step
from ansible_collections.novaops.console_migration.plugins.module_utils.steps import account_ids, nova_release

GATHER_SUBSET = ['!all', '!min', 'distribution', 'network']


def gather(module):
    """The setup module's distribution and network facts (prefixed ansible_)."""
    collector = ansible_collector.get_ansible_collector(
        all_collector_classes=default_collectors.collectors,
        namespace=PrefixFactNamespace(namespace_name='ansible', prefix='ansible_'),
        filter_spec='*', gather_subset=GATHER_SUBSET, gather_timeout=10,
        minimal_gather_subset=frozenset())
    return collector.collect(module=module)


def installed(module, names):
    """{name: version or None} from one dpkg-query or rpm call."""
    manager, query = nova_release.package_manager(module)
    found = nova_release.installed_versions(module, manager, query, names) if manager else {}
    return dict((name, found.get(name)) for name in names)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            release=dict(type='str', default='auto'),
            firewall_backend=dict(type='str', default='auto'),
            nova_conf_path=dict(type='str', default=''),
            account_ids=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    facts = gather(module)
    plain = dict((key[len('ansible_'):], value) for key, value in facts.items())
    family = platforms.detect(plain)
    result = dict(changed=False, ansible_facts=facts, nova_release={}, packages={}, account_ids={})
    # Without systemctl (no systemd; the roles refuse such a host later) neither unit runs.
    systemctl = module.get_bin_path('systemctl')
    result['firewall_units'] = run_c(module, [systemctl, 'is-active', 'firewalld', 'nftables'])[1] if systemctl else ''
    if family is None:
        module.fail_json(msg='%s (%s family) is not supported: %s are.' % (
            plain.get('distribution') or 'unknown', plain.get('os_family') or 'unknown', platforms.supported()), **result)
    try:
        result['packages'] = installed(module, platforms.all_packages(family))
    except nova_release.NovaReleaseError as exc:
        module.fail_json(msg=str(exc), **result)
    if params['release'] == 'auto':
        result['nova_release'] = run_step(module, 'nova_release', nova_release, {}, check_mode=True)
    if params['account_ids']:
        entry = platforms.platform(family)
        accounts = []
        for account in (entry['nova_account'], entry['qemu_account']):
            accounts.extend([dict(kind='user', name=account['user']), dict(kind='group', name=account['group'])])
        result['account_ids'] = run_step(module, 'account_ids', account_ids,
                                         dict(mode='report', accounts=accounts), check_mode=True)
    try:
        backend = host_facts.firewall_backend(params['firewall_backend'],
                                              host_facts.parse_is_active(result['firewall_units']))
    except ValueError as exc:
        module.fail_json(msg='novaops_firewall_backend: %s' % exc, **result)
    result.update(platforms.host_record(plain, backend, params['nova_conf_path'] or None))
    if params['release'] == 'auto':
        result.update(release=result['nova_release'].get('release') or 'auto',
                      release_source=result['nova_release'].get('source') or 'none')
    else:
        result.update(release=params['release'], release_source='variable')
    result['firewall_backend'] = backend
    module.exit_json(**result)


if __name__ == '__main__':
    main()
