#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r"""
module: account_ids
author: "novaops maintainers (@novaops)"
short_description: Give the nova and libvirt QEMU users and groups the same UID and GID on every compute host
version_added: 1.0.0
description:
  - Live migration and shared instance storage need the C(nova) user and group and the libvirt QEMU user and group
    (C(qemu)/C(qemu) on the RHEL family, C(libvirt-qemu)/C(kvm) on Debian and Ubuntu) to have the same UID and GID
    on every compute host. This module reports the ids of such accounts and changes them to given targets.
  - All accounts are read once, with C(getent passwd) and C(getent group).
  - With O(mode=report) the module only reads and returns the ids, including every UID and GID in use on the host,
    so that the C(novaops.console_migration.id_targets) filter can choose targets that are free on every host.
  - 'With O(mode=align) an account whose id differs from its target is changed as follows: the units of O(services)
    that exist and are active are stopped (sockets first, so that socket activation does not start the services again),
    the groups are changed with C(groupmod -g), then the users with C(usermod -u), every file, directory and symbolic
    link under O(paths) whose owner or group is the old id of a changed account gets the new id, and the stopped units
    are started again (sockets first).'
  - 'The module refuses to change anything, with an error naming every problem, when: an account with a target does not
    exist; a target id belongs to another account of the same kind on the host; domains are running and
    O(force=false); processes of a changed account are still running after O(services) were stopped (the units are
    started again). Apart from missing accounts, these checks run only when a change is needed.'
  - 'Running domains are looked for in two ways: C(virsh -c qemu:///system list --name --state-running), when C(virsh)
    is installed (this may start C(libvirtd) through its socket), and C(/proc): any C(qemu-system-*) or C(qemu-kvm)
    process whose real user is one of the users of O(accounts) or whose real group is one of its groups.'
extends_documentation_fragment:
  - novaops.console_migration.attributes
attributes:
  check_mode:
    details:
      - Runs only C(getent), C(virsh list) and C(systemctl show), walks O(paths) without changing them, applies the
        same refusals, and reports what would change (RV(files_reowned) counts the files that would be re-owned).
  diff_mode:
    details:
      - 'One line C(user nova: 101) per account with a target, before and after.'
options:
  accounts:
    description:
      - The users and groups to report on and align.
      - A user and a group are separate accounts; list the user C(nova) and the group C(nova) to align both.
      - Two accounts of one kind may not have the same name or the same O(accounts[].id).
    type: list
    elements: dict
    required: true
    suboptions:
      kind:
        description:
          - V(user) (a UID) or V(group) (a GID).
        type: str
        choices: [user, group]
        required: true
      name:
        description:
          - Name of the account, for example V(nova), V(libvirt-qemu), V(kvm) or V(qemu).
        type: str
        required: true
      id:
        description:
          - The target UID or GID, from 0 to 4294967294.
          - Omit it to only report the account. An account without target may be missing from the host.
        type: int
  paths:
    description:
      - Directories in which files carrying the old id of a changed account get the new id.
      - Directories that do not exist are skipped. A listed path that is a symbolic link is resolved; symbolic links
        inside are re-owned themselves and never followed.
      - The walk stays on the file system of each listed directory; list a directory mounted below another one (for
        example V(/var/lib/nova/instances) on NFS) to walk it too.
      - C(usermod -u) itself also re-owns the files of the user in its home directory; those are not counted in
        RV(files_reowned).
    type: list
    elements: path
    default: [/var/lib/nova, /etc/nova, /var/log/nova, /var/lib/libvirt, /etc/libvirt, /var/log/libvirt,
              /var/cache/libvirt, /run/libvirt]
  services:
    description:
      - systemd units to stop before a change and start again after it, such as the services that own files of the
        accounts and the sockets that would start them.
      - Only units that exist and are active (or activating) are stopped, and exactly those are started again.
        Sockets (C(.socket)) are stopped before, and started before, the other units.
      - A name without suffix means a C(.service) unit.
      - Use V([]) to change the ids without stopping anything.
    type: list
    elements: str
    default: [nova-compute, libvirtd, libvirtd.socket, libvirtd-ro.socket, libvirtd-admin.socket, libvirtd-tcp.socket,
              libvirtd-tls.socket, virtqemud, virtqemud.socket, virtqemud-ro.socket, virtqemud-admin.socket, virtlogd,
              virtlogd.socket, virtlogd-admin.socket, virtlockd, virtlockd.socket, virtlockd-admin.socket]
  force:
    description:
      - Change the ids even when domains are running. Their QEMU processes keep the old ids until they are restarted.
    type: bool
    default: false
  mode:
    description:
      - V(report) only reads the accounts and never changes anything, never fails for missing accounts or taken ids,
        and always reports no change.
      - V(align) changes the accounts to their targets.
    type: str
    choices: [report, align]
    default: align
notes:
  - Requires root privileges, C(getent), C(groupmod) and C(usermod), and C(systemctl) unless O(services=[]).
  - Changing the owner of a file clears its set-user-ID and set-group-ID bits and its file capabilities. The module
    sets the mode bits of the files under O(paths) again (also of those that C(usermod) re-owned in the user's home
    directory), not the capabilities. POSIX ACL entries naming the old ids are not changed.
  - Files outside O(paths) (for example in C(/tmp) or in images elsewhere) keep the old ids.
  - Only ids listed by C(getent) count as taken; with NSS sources that do not enumerate (C(sssd) without
    C(enumerate)), C(usermod) and C(groupmod) still refuse ids that are in use.
seealso:
  - name: Nova, configure live migrations
    description: Why the nova and QEMU ids must match across compute hosts.
    link: https://docs.openstack.org/nova/latest/admin/configuring-migrations.html
"""

EXAMPLES = r"""
- name: Read the ids on every compute host
  novaops.console_migration.account_ids:
    mode: report
    accounts:
      - {kind: user, name: nova}
      - {kind: group, name: nova}
      - {kind: user, name: libvirt-qemu}
      - {kind: group, name: kvm}
  register: account_report

- name: Align the ids to the targets chosen across the play
  vars:
    targets: >-
      {{ dict(ansible_play_hosts | zip(ansible_play_hosts | map('extract', hostvars, 'account_report')))
         | novaops.console_migration.id_targets({'user/nova': none, 'group/nova': none,
                                                 'user/libvirt-qemu': 64055, 'group/kvm': none}) }}
  novaops.console_migration.account_ids:
    accounts:
      - {kind: user, name: nova, id: "{{ targets['user/nova'] }}"}
      - {kind: group, name: nova, id: "{{ targets['group/nova'] }}"}
      - {kind: user, name: libvirt-qemu, id: "{{ targets['user/libvirt-qemu'] }}"}
      - {kind: group, name: kvm, id: "{{ targets['group/kvm'] }}"}

- name: Change a test account without stopping services, files under one directory only
  novaops.console_migration.account_ids:
    accounts:
      - {kind: user, name: novaops-test, id: 4343}
      - {kind: group, name: novaops-test, id: 4343}
    paths: [/var/lib/novaops-test]
    services: []
"""

RETURN = r"""
accounts:
  description: One entry per account of O(accounts), in order.
  returned: always
  type: list
  elements: dict
  sample:
    - {kind: user, name: nova, exists: true, id: 101, target: 64060, conflict: null, mismatch: true, after: 64060}
  contains:
    kind:
      description: V(user) or V(group).
      type: str
    name:
      description: The account name.
      type: str
    exists:
      description: Whether the account exists on the host.
      type: bool
    id:
      description: The UID or GID before the task, null if the account does not exist.
      type: int
    target:
      description: The target id, null for accounts that are only reported.
      type: int
    conflict:
      description: Name of another account of the same kind that holds the target on this host, else null.
      type: str
    mismatch:
      description: Whether the account exists and its id differs from the target.
      type: bool
    after:
      description: The id after the task (the id it would have, in check mode).
      type: int
used_uids:
  description: Every UID listed by C(getent passwd) on the host, sorted.
  returned: always
  type: list
  elements: int
  sample: [0, 1, 2, 100, 101, 64055, 65534]
used_gids:
  description: Every GID listed by C(getent group) on the host, sorted.
  returned: always
  type: list
  elements: int
  sample: [0, 4, 104, 64055, 65534]
users:
  description: Every user name listed by C(getent passwd), with its UID (the first entry of a repeated name).
  returned: always
  type: dict
  sample: {root: 0, nova: 101, libvirt-qemu: 64055}
groups:
  description: Every group name listed by C(getent group), with its GID.
  returned: always
  type: dict
  sample: {root: 0, kvm: 104, nova: 107}
files_reowned:
  description: Files, directories and links under O(paths) that got (would get, in check mode) a new owner or group.
  returned: always
  type: dict
  sample: {count: 3, sample: [/var/lib/nova, /var/lib/nova/instances, /var/log/nova/nova-compute.log]}
  contains:
    count:
      description: How many.
      type: int
    sample:
      description: Up to 20 of their paths.
      type: list
      elements: str
services_restarted:
  description: Units of O(services) that were (would be) stopped and started again, in stop order.
  returned: always
  type: list
  elements: str
  sample: [libvirtd.socket, libvirtd-ro.socket, nova-compute, libvirtd]
domains:
  description: Running domains found (by name, or V(pid N (command\)) for a QEMU process without C(-name)).
  returned: always
  type: list
  elements: str
  sample: [instance-00000001]
msg:
  description: Short human readable summary.
  returned: always
  type: str
  sample: "user nova: 101 -> 64060; group nova: 107 -> 64060; 42 files re-owned; services restarted: nova-compute"
"""

from ansible_collections.novaops.console_migration.plugins.module_utils import step_runner
from ansible_collections.novaops.console_migration.plugins.module_utils.steps import account_ids as step


def main():
    step_runner.main(step)


if __name__ == '__main__':
    main()
