# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError
from ansible.utils.display import Display

from ansible_collections.novaops.console_migration.plugins.filter import release_from_version as plugin


@pytest.fixture
def warnings(monkeypatch):
    seen = []
    monkeypatch.setattr(Display, 'warning', lambda self, msg, *args, **kwargs: seen.append(msg))
    return seen


def test_known_version_without_warning(warnings):
    assert plugin.release_from_version('2:26.2.2-1~deb12u1') == 'zed'
    assert warnings == []


def test_newer_version_gives_the_newest_known_with_a_warning(warnings):
    # nova 34 (2026.2 Hibiscus) is after the table's newest, gazpacho (33).
    assert plugin.release_from_version('34.0.0') == 'gazpacho'
    assert len(warnings) == 1
    assert warnings[0].startswith('release_from_version: nova 34.0.0 is newer than the newest release')


def test_unmappable_version_still_fails(warnings):
    with pytest.raises(AnsibleFilterError):
        plugin.release_from_version('11.0.0')
