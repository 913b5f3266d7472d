# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


class ModuleDocFragment(object):
    """Attributes common to the modules, used with ansible.builtin.action_common_attributes."""

    # Modules that change the host: full check and diff mode support, POSIX hosts.
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  platform:
    platforms: posix
"""

    # Modules that only read (facts, probes): check mode changes nothing, no diff.
    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
    details:
      - The module changes nothing, so it runs the same way in check mode.
  diff_mode:
    support: none
    details:
      - The module changes nothing.
  platform:
    platforms: posix
"""
