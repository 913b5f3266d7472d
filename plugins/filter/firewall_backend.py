# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r"""
name: firewall_backend
short_description: The firewall backend of a host
version_added: 1.0.0
author: novaops maintainers (@novaops)
description:
  - The backend for C(novaops_firewall_backend). V(auto) gives V(firewalld) when firewalld is active, else
    V(nftables) when nftables.service is active, else V(iptables); other values are returned as they are.
  - The same choice as the C(auto) backend of M(novaops.console_migration.firewall_ports).
options:
  _input:
    description: V(auto), V(iptables), V(nftables), V(firewalld) or V(none).
    type: str
    required: true
  states:
    description: The output of C(systemctl is-active firewalld nftables) on the host.
    type: str
    default: ''
"""

EXAMPLES = r"""
- name: Choose the backend
  ansible.builtin.debug:
    msg: "{{ 'auto' | novaops.console_migration.firewall_backend('inactive\nactive\n') }}"  # nftables
"""

RETURN = r"""
_value:
  description: V(iptables), V(nftables), V(firewalld) or V(none).
  type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.novaops.console_migration.plugins.module_utils import host_facts


def firewall_backend(requested, states=''):
    try:
        return host_facts.firewall_backend(requested, host_facts.parse_is_active(states))
    except ValueError as err:
        raise AnsibleFilterError('firewall_backend: novaops_firewall_backend: %s' % err)


class FilterModule(object):
    """novaops.console_migration firewall backend filter."""

    def filters(self):
        return {'firewall_backend': firewall_backend}
