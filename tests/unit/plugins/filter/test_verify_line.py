# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.novaops.console_migration.plugins.filter.verify_line import verify_line


def test_http_url_needs_200():
    ok = {'item': 'http://p:6080/vnc_auto.html', 'status': 200, 'from': 'compute1'}
    assert verify_line(ok, 'url') == 'ok   console http://p:6080/vnc_auto.html from compute1 (200)'
    bad = dict(ok, status=404)
    assert verify_line(bad, 'url').startswith('FAIL console')


def test_ws_url_accepts_any_http_answer_but_not_no_answer():
    assert verify_line({'item': 'ws://p:6083/', 'status': 400, 'from': 'x'}, 'url').startswith('ok')
    line = verify_line({'item': 'ws://p:6083/', 'status': -1, 'msg': 'Connection refused', 'from': 'x'}, 'url')
    assert line == 'FAIL console ws://p:6083/ from x (Connection refused)'


def test_libvirt_lines():
    assert verify_line({'rc': 0, 'item': 'compute2', 'from': 'compute1'}, 'libvirt') == 'ok   libvirt compute1 -> compute2'
    line = verify_line({'rc': 1, 'item': 'compute2', 'from': 'compute1', 'stderr': 'error: x\nerror: refused'}, 'libvirt')
    assert line == 'FAIL libvirt compute1 -> compute2: error: refused'


def test_canary_lines():
    assert verify_line('ok: compute1 -> compute2 -> compute1', 'canary') == 'ok   canary migration compute1 -> compute2 -> compute1'
    assert verify_line('FAILED: no route', 'canary') == 'FAIL canary migration no route'


def test_bad_kind_and_input():
    with pytest.raises(AnsibleFilterError):
        verify_line({}, 'ping')
    with pytest.raises(AnsibleFilterError):
        verify_line('x', 'url')
