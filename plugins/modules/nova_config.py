#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r"""
module: nova_config
author: "novaops maintainers (@novaops)"
short_description: Manage many options of an OpenStack nova.conf in one task
version_added: 1.0.0
description:
  - Ensures that options of an oslo.config INI file such as C(/etc/nova/nova.conf) have the given values, or are absent,
    across any number of sections in a single task and a single write.
  - Everything the module does not manage is kept byte for byte, including comments, blank lines, whitespace, ordering,
    duplicate sections and CRLF line endings. New lines use the file's dominant line ending.
  - 'The file is parsed the way C(oslo_config.iniparser) parses it. C(key = value) and C(key: value) are accepted, indented
    lines continue the value of the option above them, and section names other than C(DEFAULT) are compared
    case-insensitively. A file that oslo.config cannot parse makes the module fail with the line number.'
  - An existing option is changed in place, keeping its key and the spacing around the separator. A new option is added
    after the last non-blank line of its section. A missing section is added at the end of the file.
  - If a section appears more than once (oslo.config merges such blocks), removing an option removes it from every block.
    Setting an option edits the block that holds it. If no block or more than one block holds it, the module fails
    because it cannot decide where the option belongs.
  - Values are compared as oslo.config reads them, so surrounding whitespace and one pair of matching quotes do not count.
  - The file is written atomically (temporary file in the same directory, then rename), only if its content changes.
extends_documentation_fragment:
  - ansible.builtin.files
  - novaops.console_migration.attributes
attributes:
  diff_mode:
    details:
      - The diff contains the full file content before and after.
  safe_file_operations:
    description: Uses Ansible's strict file operation functions to ensure proper permissions and avoid data corruption.
    support: full
options:
  path:
    description:
      - Path of the oslo.config INI file.
      - If O(path) is a symbolic link, the file it points to is edited.
    type: path
    default: /etc/nova/nova.conf
  options:
    description:
      - The options to manage, applied in the given order.
      - The same O(options[].option) may be listed only once per O(options[].section).
    type: list
    elements: dict
    required: true
    suboptions:
      section:
        description:
          - Section (oslo.config group) of the option, without brackets.
          - Must not be empty and must not contain V([), V(]) or line breaks.
          - Matched case-insensitively against the file, except V(DEFAULT) which is matched exactly, like oslo.config does.
        type: str
        default: DEFAULT
      option:
        description:
          - Name of the option. Must match C(^[A-Za-z0-9_.-]+$).
        type: str
        required: true
      value:
        description:
          - Value of the option. Required if O(options[].state=present), not allowed if O(options[].state=absent).
          - Booleans are written as V(true) or V(false), numbers as Python's C(str) function writes them.
          - A list is written comma-separated on one line (oslo.config C(ListOpt)), or one line per item if
            O(options[].multi=true).
          - Strings, numbers and booleans are allowed, and lists of them. Values and list items must not contain line
            breaks.
          - Leading and trailing whitespace is not significant to oslo.config and is not written. Quote the value
            (for example V('" a "')) to keep it.
        type: raw
      state:
        description:
          - Whether the option should be set (V(present)) or have no line at all in the section (V(absent)).
        type: str
        choices: [present, absent]
        default: present
      multi:
        description:
          - Write the option once per value (oslo.config C(MultiStrOpt)), in the given order, in place of the existing
            lines of the option.
          - A value that is not a list is treated as a list with one item. An empty list is rejected; use
            O(options[].state=absent) to remove the option.
          - If V(false), the option is written on exactly one line; extra lines of the same option in the section are
            removed.
        type: bool
        default: false
  create:
    description:
      - Create the file if it does not exist. The parent directory must exist.
      - If V(false) and the file does not exist, the module fails.
      - The file is not created if there is nothing to write, for example if all options have O(options[].state=absent).
    type: bool
    default: true
  backup:
    description:
      - Create a backup file including the timestamp information so you can get the original file back if you somehow
        clobbered it incorrectly. Only made when the content changes.
    type: bool
    default: false
notes:
  - The diff is returned as one C(before)/C(after) dictionary for the content. If file attributes such as O(mode) change
    too, the diff is a list of that dictionary and one for the file attributes, like M(ansible.builtin.lineinfile) does.
seealso:
  - module: community.general.ini_file
    description: Manage single options of generic INI files.
  - module: ansible.builtin.lineinfile
  - name: oslo.config configuration file format
    description: How oslo.config parses its INI files.
    link: https://docs.openstack.org/oslo.config/latest/configuration/format.html
"""

EXAMPLES = r"""
- name: Enable the noVNC console on a compute node
  novaops.console_migration.nova_config:
    path: /etc/nova/nova.conf
    options:
      - section: vnc
        option: enabled
        value: true
      - section: vnc
        option: server_listen
        value: 0.0.0.0
      - section: vnc
        option: server_proxyclient_address
        value: "{{ ansible_default_ipv4.address }}"
      - section: vnc
        option: novncproxy_base_url
        value: "https://console.example.com:6080/vnc_auto.html"
      - option: my_ip
        value: "{{ ansible_default_ipv4.address }}"
    owner: root
    group: nova
    mode: "0640"
    backup: true
  notify: Restart nova-compute

- name: Configure live migration and drop a legacy option
  novaops.console_migration.nova_config:
    options:
      - section: libvirt
        option: live_migration_uri
        state: absent
      - section: libvirt
        option: live_migration_scheme
        value: tls
      - section: libvirt
        option: live_migration_permit_auto_converge
        value: true
      - section: libvirt
        option: cpu_model_extra_flags
        value: [pcid, ssbd]

- name: Set a multi-valued option (one line per value)
  novaops.console_migration.nova_config:
    options:
      - section: pci
        option: passthrough_whitelist
        multi: true
        value:
          - '{"vendor_id": "8086", "product_id": "10fb"}'
          - '{"vendor_id": "15b3", "product_id": "1018"}'
"""

RETURN = r"""
path:
  description: Path of the managed file.
  returned: always
  type: str
  sample: /etc/nova/nova.conf
changed_options:
  description:
    - The options whose lines changed (would change in check mode), in the order of O(options).
    - Options that already had the wanted state are not listed.
  returned: always
  type: list
  elements: dict
  contains:
    section:
      description: Section of the option, as given in O(options[].section).
      type: str
      sample: vnc
    option:
      description: Name of the option.
      type: str
      sample: enabled
    before:
      description: Values of the option before the change, as oslo.config reads them; V([]) if it was absent.
      type: list
      elements: str
      sample: ["false"]
    after:
      description: Values of the option after the change; V([]) if it was removed.
      type: list
      elements: str
      sample: ["true"]
  sample:
    - section: vnc
      option: enabled
      before: ["false"]
      after: ["true"]
backup_file:
  description: Name of the backup file that was created.
  returned: when O(backup=true) and the file content changed (not in check mode)
  type: str
  sample: /etc/nova/nova.conf.2712.2026-01-20@10:12:48~
msg:
  description: Short human readable summary.
  returned: always
  type: str
  sample: 2 options changed in /etc/nova/nova.conf
"""

from ansible_collections.novaops.console_migration.plugins.module_utils import step_runner
from ansible_collections.novaops.console_migration.plugins.module_utils.steps import nova_config as step


def main():
    step_runner.main(step)


if __name__ == '__main__':
    main()
