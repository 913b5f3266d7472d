# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


class ModuleDocFragment(object):
    """Attributes of the modules, with the descriptions of ansible.builtin.action_common_attributes."""

    # Modules that change the host: full check and diff mode support, POSIX hosts.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target, if not supported the action will be skipped.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode
    support: full
  platform:
    description: Target OS/families that can be operated against
    support: N/A
    platforms: posix
"""

    # Modules that only read (facts, probes): check mode changes nothing, no diff.
    INFO_MODULE = r"""
attributes:
  check_mode:
    support: full
    description: Can run in check_mode and return changed status prediction without modifying target, if not supported the action will be skipped.
    details:
      - The module changes nothing, so it runs the same way in check mode.
  diff_mode:
    support: none
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode
    details:
      - The module changes nothing.
  platform:
    description: Target OS/families that can be operated against
    support: N/A
    platforms: posix
"""
