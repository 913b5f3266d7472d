# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r"""
name: release_from_version
short_description: Nova release name of a nova package version
version_added: 1.0.0
author: novaops maintainers (@novaops)
description:
  - Maps an installed or candidate nova package version (Debian, Ubuntu or RDO form, with or
    without epoch) to the OpenStack release name, for example C(2:26.2.2-1~deb12u1) to C(zed).
options:
  _input:
    description: The package version.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Name the release of the installed nova
  ansible.builtin.debug:
    msg: "{{ '2:26.2.2-1~deb12u1' | novaops.console_migration.release_from_version }}"  # zed
"""

RETURN = r"""
_value:
  description: The release name (diablo ... gazpacho; the newest known one, with a warning, for a later nova).
  type: str
"""

from ansible.errors import AnsibleFilterError
from ansible.utils.display import Display

from ansible_collections.novaops.console_migration.plugins.module_utils import nova_releases


def release_from_version(version):
    """Release name (``zed``) of an installed nova package version (``2:26.2.2-1~deb12u1``)."""
    warnings = []
    try:
        name = nova_releases.release_from_version(version, warnings)
    except ValueError as err:
        raise AnsibleFilterError('release_from_version: %s' % err)
    for text in warnings:
        Display().warning('release_from_version: %s' % text)
    return name


class FilterModule(object):
    """novaops.console_migration release filter."""

    def filters(self):
        return {'release_from_version': release_from_version}
