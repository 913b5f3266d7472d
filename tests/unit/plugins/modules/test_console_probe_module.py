# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""The console_probe module: against the fake proxy of the module_utils tests and a loopback proxy."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import socket
import threading

import pytest

from ansible_collections.novaops.console_migration.plugins.module_utils import console_probe as cp
from ansible_collections.novaops.console_migration.plugins.modules import console_probe
from ansible_collections.novaops.console_migration.tests.unit.plugins.module_utils.test_console_probe import (
    NOVNC_URL,
    SERIAL_URL,
    TOKEN,
    FakeProxy,
    close_frame,
    frame,
    novnc_proxy,
)
from ansible_collections.novaops.console_migration.tests.unit.plugins.modules.module_harness import (
    FailJson,
    module_args,
    patch_exits,
    run_module,
)


@pytest.fixture
def fake(monkeypatch):
    """Patch the module's connection to hand out ``fake.proxy``."""
    patch_exits(monkeypatch)
    state = type('State', (), {'proxy': None, 'targets': []})()

    def connector(params):
        def connect(target, timeout):
            state.targets.append(target)
            return state.proxy
        return connect
    monkeypatch.setattr(console_probe, 'connector', connector)
    monkeypatch.setattr(console_probe, 'read_proc_net_tcp', lambda: [])
    return state


def test_novnc(fake):
    fake.proxy = novnc_proxy()
    result = run_module(console_probe.main, module_args({'url': NOVNC_URL, 'console_type': 'novnc'}, check=True))
    assert result['changed'] is False
    assert result['rfb_version'] == 'RFB 003.008'
    assert result['desktop_name'] == 'QEMU (instance-00000001)'
    assert result['msg'] == 'novnc: ' + result['detail']
    assert result['detail'].startswith('RFB 003.008 through ws://10.231.0.2:6080/')
    assert TOKEN not in repr(result)
    assert fake.targets[0]['resource'] == '/?token=' + TOKEN


def test_serial_closed(fake):
    fake.proxy = FakeProxy(on_open=close_frame(1011, b'Invalid Token'))
    result = run_module(console_probe.main, module_args({'url': SERIAL_URL, 'console_type': 'serial'}), FailJson)
    assert result['failed'] is True
    assert result['msg'].startswith('serial: the proxy closed the websocket (code 1011: Invalid Token)')
    assert result['status'] == 101
    assert TOKEN not in repr(result)


def test_serial_needs_the_upstream_connection(fake):
    fake.proxy = FakeProxy()
    args = {'url': SERIAL_URL, 'console_type': 'serial', 'hold': 0, 'upstream_ports': ['10000:20000']}
    result = run_module(console_probe.main, module_args(args), FailJson)
    assert 'no new connection to a port in 10000:20000' in result['msg']


def test_bad_url(fake):
    args = {'url': 'http://proxy:6080/vnc_auto.html', 'console_type': 'novnc'}
    result = run_module(console_probe.main, module_args(args), FailJson)
    assert result['msg'] == "novnc: console URL carries no token (expected ?token= or noVNC's path=%3Ftoken%3D)"
    assert result['status'] is None


def test_bad_timeout(fake):
    result = run_module(console_probe.main, module_args({'url': NOVNC_URL, 'console_type': 'novnc', 'timeout': 0}),
                        FailJson)
    assert 'timeout must be more than 0' in result['msg']


# -- a loopback proxy: real sockets, real /proc/net/tcp ---------------------------

class LoopbackProxy(object):
    """Accepts one websocket on 127.0.0.1, connects to a 'compute' listener, then sends ``on_open``."""

    def __init__(self, on_open):
        self.on_open = on_open
        self.server = socket.socket()
        self.server.bind(('127.0.0.1', 0))
        self.server.listen(1)
        self.port = self.server.getsockname()[1]
        self.compute = socket.socket()
        self.compute.bind(('127.0.0.1', 0))
        self.compute.listen(1)
        self.compute_port = self.compute.getsockname()[1]
        self.request = b''
        self.thread = threading.Thread(target=self.serve)
        self.thread.daemon = True
        self.thread.start()

    def serve(self):
        conn, dummy = self.server.accept()
        conn.settimeout(5)
        while b'\r\n\r\n' not in self.request:
            self.request += conn.recv(4096)
        key = [line.split(': ', 1)[1] for line in self.request.decode('latin-1').split('\r\n')
               if line.lower().startswith('sec-websocket-key:')][0]
        conn.sendall(('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
                      'Sec-WebSocket-Accept: %s\r\nSec-WebSocket-Protocol: binary\r\n\r\n'
                      % cp.accept_key(key)).encode('latin-1'))
        upstream = socket.create_connection(('127.0.0.1', self.compute_port), 5)
        accepted, dummy = self.compute.accept()
        conn.sendall(self.on_open)
        try:
            while conn.recv(4096):
                pass
        except socket.timeout:
            pass
        for sock in (conn, upstream, accepted, self.server, self.compute):
            sock.close()


@pytest.mark.skipif(not os.path.exists('/proc/net/tcp'), reason='needs /proc/net/tcp')
def test_loopback_serial_with_upstream(monkeypatch):
    patch_exits(monkeypatch)
    proxy = LoopbackProxy(frame(b'\r\nno bootable device\r\n'))
    args = {'url': 'ws://127.0.0.1:%d/?token=abc' % proxy.port, 'console_type': 'serial', 'hold': 0.3,
            'upstream_ports': [str(proxy.compute_port)]}
    try:
        result = run_module(console_probe.main, module_args(args))
    finally:
        proxy.thread.join(10)
    assert result['upstream'] == ['127.0.0.1:%d' % proxy.compute_port]
    assert result['first_bytes'] == '\r\nno bootable device\r\n'
    assert 0.2 <= result['open_seconds'] <= 2
    assert b'GET /?token=abc HTTP/1.1\r\n' in proxy.request
    assert b'Origin: http://127.0.0.1:%d\r\n' % proxy.port in proxy.request


def test_loopback_novnc_version_only(monkeypatch):
    patch_exits(monkeypatch)
    proxy = LoopbackProxy(frame(b'RFB 003.008\n'))
    args = {'url': 'http://127.0.0.1:%d/vnc_auto.html?path=%%3Ftoken%%3Dabc' % proxy.port, 'console_type': 'novnc',
            'rfb_init': False}
    try:
        result = run_module(console_probe.main, module_args(args))
    finally:
        proxy.thread.join(10)
    assert result['detail'] == 'RFB 003.008 through ws://127.0.0.1:%d/' % proxy.port
    assert not proxy.thread.is_alive()


def test_loopback_refused(monkeypatch):
    patch_exits(monkeypatch)
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    args = {'url': 'ws://127.0.0.1:%d/?token=x' % port, 'console_type': 'serial', 'timeout': 2}
    result = run_module(console_probe.main, module_args(args), FailJson)
    assert result['msg'].startswith('serial: cannot connect to 127.0.0.1:%d' % port)
