# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# SPDX-License-Identifier: Apache-2.0
"""pytest stays out of the checkout's own link (ansible_collections/novaops/console_migration -> ../../..)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

collect_ignore = ['ansible_collections']
