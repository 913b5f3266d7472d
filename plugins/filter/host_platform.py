# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r"""
name: host_platform
short_description: A host's entry of the collection's platform table
version_added: 1.0.0
author: novaops maintainers (@novaops)
description:
  - From a host's C(ansible_facts), the distribution family and the names the common role keeps in
    C(__novaops_host), taken from the platform table (module_utils/platforms.py).
  - V(distro) is V(null) for a host of no known family.
options:
  _input:
    description: The host's C(ansible_facts) (C(os_family), C(distribution)).
    type: dict
    required: true
  firewall_backend:
    description: The host's firewall backend; packages and services are returned for V(iptables) and V(nftables) only.
    type: str
    required: true
  nova_conf_path:
    description: The operator's C(novaops_nova_conf_path); empty for the family's own.
    type: str
    default: ''
"""

EXAMPLES = r"""
- name: Show the platform names of this host
  ansible.builtin.debug:
    msg: "{{ ansible_facts | novaops.console_migration.host_platform('iptables') }}"
"""

RETURN = r"""
_value:
  description: V(distro), V(supported), V(package_manager), V(nova_conf_path), V(firewall_packages),
    V(firewall_services), V(nova_account) and V(qemu_account) (V(user), V(group)).
  type: dict
"""

from ansible_collections.novaops.console_migration.plugins.module_utils import platforms


def host_platform(facts, firewall_backend, nova_conf_path=''):
    """The platform table's record of the host whose ``ansible_facts`` are ``facts``."""
    return platforms.host_record(facts or {}, firewall_backend, nova_conf_path or None)


class FilterModule(object):
    """novaops.console_migration platform filter."""

    def filters(self):
        return {'host_platform': host_platform}
