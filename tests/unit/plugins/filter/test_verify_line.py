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


def test_nova_lines():
    server = {'check': 'server', 'ok': True, 'name': 'novaops-verify', 'status': 'ACTIVE', 'host': 'compute1'}
    assert verify_line(server, 'nova') == 'ok   nova server novaops-verify ACTIVE on compute1'
    failed = {'check': 'server', 'ok': False, 'name': 'novaops-verify', 'reason': 'ERROR\nNo valid host was found. '}
    assert verify_line(failed, 'nova') == 'FAIL nova server novaops-verify: No valid host was found.'
    console = {'check': 'console', 'ok': True, 'type': 'novnc', 'detail': 'RFB 003.008 through ws://p:6080/'}
    assert verify_line(console, 'nova') == 'ok   nova console novnc (RFB 003.008 through ws://p:6080/)'
    closed = {'check': 'console', 'ok': False, 'type': 'serial', 'reason': 'serial: the proxy closed the connection'}
    assert verify_line(closed, 'nova') == 'FAIL nova console serial: serial: the proxy closed the connection'
    hop = {'check': 'migration', 'ok': True, 'from': 'compute1', 'to': 'compute2'}
    assert verify_line(hop, 'nova') == 'ok   nova live migration compute1 -> compute2'
    assert verify_line(dict(hop, ok=False, reason='still on compute1'), 'nova') == \
        'FAIL nova live migration compute1 -> compute2: still on compute1'
    assert verify_line(dict(hop, ok=False, reason=''), 'nova').endswith(': failed')
    skip = {'check': 'skip', 'reason': 'proxy1 has no clouds.yaml'}
    assert verify_line(skip, 'nova') == 'skip nova checks: proxy1 has no clouds.yaml'
    with pytest.raises(AnsibleFilterError):
        verify_line({'check': 'flavor'}, 'nova')


def test_bad_kind_and_input():
    with pytest.raises(AnsibleFilterError):
        verify_line({}, 'ping')
    with pytest.raises(AnsibleFilterError):
        verify_line('x', 'url')
