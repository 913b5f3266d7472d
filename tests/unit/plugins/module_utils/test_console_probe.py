# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""The console_probe websocket client against a fake console proxy on the other end of a socket."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re
import socket
import struct

import pytest

from ansible_collections.novaops.console_migration.plugins.module_utils import console_probe as cp

TOKEN = 'b1a6ee50-0e3b-4c2b-a52e-6b2f5c5d3e01'
NOVNC_URL = 'http://10.231.0.2:6080/vnc_auto.html?path=%3Ftoken%3D' + TOKEN
SERIAL_URL = 'ws://10.231.0.2:6083/?token=' + TOKEN
SPICE_URL = 'http://10.231.0.2:6082/spice_auto.html?token=' + TOKEN

# ServerInit of QEMU: 720x400, 32 bpp pixel format, the domain's name
PIXEL_FORMAT = struct.pack('!BBBBHHHBBB3x', 32, 24, 0, 1, 255, 255, 255, 16, 8, 0)
DESKTOP = b'QEMU (instance-00000001)'
SERVER_INIT = struct.pack('!HH', 720, 400) + PIXEL_FORMAT + struct.pack('!I', len(DESKTOP)) + DESKTOP


def frame(payload, opcode=cp.OP_BINARY):
    """A server frame (unmasked)."""
    return cp.encode_frame(payload, opcode)


def close_frame(code, reason=b''):
    return frame(struct.pack('!H', code) + reason, cp.OP_CLOSE)


class FakeProxy(object):
    """A websockify-style console proxy behind a socket.

    It answers the handshake (status, accept key and subprotocol as given),
    then sends ``on_open``; after each binary message of the client the next
    entry of ``replies``. Once everything is sent, ``recv`` times out, or
    returns b'' (the end of the connection) with ``eof``. ``chunk`` limits
    what one ``recv`` returns.
    """

    def __init__(self, on_open=b'', replies=(), status=101, reason='Switching Protocols', accept=None,
                 protocol='binary', upgrade='websocket', body=b'', eof=False, chunk=None):
        self.on_open = on_open
        self.replies = list(replies)
        self.status = status
        self.reason = reason
        self.accept = accept
        self.protocol = protocol
        self.upgrade = upgrade
        self.body = body
        self.eof = eof
        self.chunk = chunk
        self.inbox = b''
        self.request = None
        self.headers = {}
        self.messages = []
        self.reader = cp.FrameReader()
        self.timeouts = []
        self.closed = False

    def settimeout(self, value):
        self.timeouts.append(value)

    def sendall(self, data):
        assert not self.closed
        if self.request is None:
            self.request = data.decode('latin-1')
            assert self.request.endswith('\r\n\r\n')
            for line in self.request.split('\r\n')[1:]:
                if line:
                    name, value = line.split(': ', 1)
                    self.headers[name.lower()] = value
            key = self.headers['sec-websocket-key']
            lines = ['HTTP/1.1 %d %s' % (self.status, self.reason)]
            if self.status == 101:
                lines += ['Upgrade: %s' % self.upgrade, 'Connection: Upgrade',
                          'Sec-WebSocket-Accept: %s' % (self.accept or cp.accept_key(key))]
                if self.protocol:
                    lines.append('Sec-WebSocket-Protocol: %s' % self.protocol)
            self.inbox += ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1') + self.body
            if self.status == 101:
                self.inbox += self.on_open
            return
        assert bytearray(data)[1] & 0x80, 'client frames must be masked'
        self.reader.feed(data)
        fin, opcode, payload = self.reader.next_frame()
        self.messages.append((opcode, payload))
        if opcode == cp.OP_BINARY and self.replies:
            self.inbox += self.replies.pop(0)

    def recv(self, size):
        if self.inbox:
            size = min(size, self.chunk or size)
            data, self.inbox = self.inbox[:size], self.inbox[size:]
            return data
        if self.eof:
            return b''
        raise socket.timeout('timed out')

    def close(self):
        self.closed = True


class Clock(object):
    """A clock that moves ``step`` seconds each time it is read."""

    def __init__(self, step=0.5):
        self.now = 100.0
        self.step = step

    def __call__(self):
        self.now += self.step
        return self.now


def novnc_proxy(**kwargs):
    return FakeProxy(on_open=frame(b'RFB 003.008\n'),
                     replies=[frame(b'\x01\x01'), frame(b'\x00\x00\x00\x00'), frame(SERVER_INIT)], **kwargs)


def run(proxy, url=NOVNC_URL, console_type='novnc', read_tcp=None, clock=None, **params):
    args = {'url': url, 'console_type': console_type, 'subprotocols': ['binary'], 'timeout': 5, 'hold': 2,
            'rfb_init': True, 'spice_link': True, 'upstream_ports': [], 'origin': None}
    args.update(params)
    connected = []

    def connect(target, timeout):
        connected.append((target['host'], target['port'], timeout))
        return proxy

    result = cp.probe(args, connect, read_tcp, random=lambda n: bytes(bytearray(range(1, n + 1))),
                      clock=clock or Clock(0.01))
    return result, connected


# -- URLs ---------------------------------------------------------------------------

def test_novnc_url_goes_to_the_resource_in_path():
    target = cp.websocket_target(NOVNC_URL, 'novnc')
    assert target['url'] == 'ws://10.231.0.2:6080/?token=' + TOKEN
    assert target['resource'] == '/?token=' + TOKEN
    assert target['shown'] == 'ws://10.231.0.2:6080/'
    assert target['origin'] == 'http://10.231.0.2:6080'
    assert target['host_header'] == '10.231.0.2:6080'
    assert (target['host'], target['port'], target['secure'], target['token']) == ('10.231.0.2', 6080, False, TOKEN)


def test_serial_url_is_the_websocket():
    target = cp.websocket_target(SERIAL_URL, 'serial')
    assert target['url'] == SERIAL_URL
    assert target['origin'] == 'http://10.231.0.2:6083'


def test_spice_page_url_sends_the_token():
    target = cp.websocket_target(SPICE_URL, 'spice')
    assert target['resource'] == '/?token=' + TOKEN
    assert target['shown'] == 'ws://10.231.0.2:6082/'


def test_tls_default_port_and_ipv6():
    target = cp.websocket_target('https://[fd00::2]/vnc_auto.html?path=%3Ftoken%3Dabc', 'novnc')
    assert target['url'] == 'wss://[fd00::2]/?token=abc'
    assert target['origin'] == 'https://[fd00::2]'
    assert (target['host'], target['port'], target['secure']) == ('fd00::2', 443, True)
    assert cp.websocket_target('wss://proxy.example:6083/?token=x', 'serial')['origin'] == 'https://proxy.example:6083'


@pytest.mark.parametrize('url, console_type, error', [
    ('ftp://proxy/x?token=a', 'novnc', 'http'),
    ('http://proxy:6080/vnc_auto.html', 'novnc', 'no token'),
    ('http://proxy:6080/vnc_auto.html?path=%3Fother%3D1', 'novnc', 'no token'),
    ('ws://:6083/?token=a', 'serial', 'no host'),
    ('http://proxy:6080/?token=a', 'rdp', 'console type'),
    ('http://proxy:99999/?token=a', 'spice', 'port'),
])
def test_bad_urls(url, console_type, error):
    with pytest.raises(cp.ConsoleProbeError, match=error):
        cp.websocket_target(url, console_type)


# -- handshake and frames ---------------------------------------------------------

def test_accept_key_of_rfc6455():
    assert cp.accept_key('dGhlIHNhbXBsZSBub25jZQ==') == 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='


def test_handshake_request_has_origin_and_subprotocol():
    target = cp.websocket_target(NOVNC_URL, 'novnc')
    text = cp.handshake_request(target, 'KEY', ['binary'], target['origin']).decode('latin-1')
    assert text.startswith('GET /?token=%s HTTP/1.1\r\nHost: 10.231.0.2:6080\r\n' % TOKEN)
    assert 'Sec-WebSocket-Protocol: binary\r\n' in text
    assert 'Origin: http://10.231.0.2:6080\r\n' in text
    assert 'Sec-WebSocket-Version: 13\r\n' in text
    assert text.endswith('\r\n\r\n')
    bare = cp.handshake_request(target, 'KEY', [], None).decode('latin-1')
    assert 'Origin' not in bare and 'Sec-WebSocket-Protocol' not in bare


@pytest.mark.parametrize('length', [0, 5, 125, 126, 65535, 65536])
def test_frames_round_trip(length):
    payload = bytes(bytearray(i % 251 for i in range(length)))
    reader = cp.FrameReader()
    data = cp.encode_frame(payload, cp.OP_BINARY, b'\x0a\x0b\x0c\x0d') + cp.encode_frame(payload)
    for i in range(0, len(data), 7000):
        reader.feed(data[i:i + 7000])
    assert reader.next_frame() == (True, cp.OP_BINARY, payload)
    assert reader.next_frame() == (True, cp.OP_BINARY, payload)
    assert reader.next_frame() is None


def test_incomplete_frame_waits():
    reader = cp.FrameReader()
    data = cp.encode_frame(b'hello', cp.OP_BINARY, b'\x01\x02\x03\x04')
    reader.feed(data[:6])
    assert reader.next_frame() is None
    reader.feed(data[6:])
    assert reader.next_frame() == (True, cp.OP_BINARY, b'hello')


# -- noVNC -------------------------------------------------------------------------

def test_novnc_reads_the_rfb_version_and_server_init():
    proxy = novnc_proxy()
    result, connected = run(proxy)
    assert connected == [('10.231.0.2', 6080, 5.0)]
    assert proxy.headers['origin'] == 'http://10.231.0.2:6080'
    assert proxy.headers['sec-websocket-protocol'] == 'binary'
    assert proxy.request.startswith('GET /?token=%s HTTP/1.1' % TOKEN)
    assert result['status'] == 101
    assert result['subprotocol'] == 'binary'
    assert result['rfb_version'] == 'RFB 003.008'
    assert result['desktop_name'] == 'QEMU (instance-00000001)'
    assert result['framebuffer'] == {'width': 720, 'height': 400}
    assert result['first_bytes'].startswith('RFB 003.008\n')
    assert result['websocket_url'] == 'ws://10.231.0.2:6080/'
    assert result['detail'] == ('RFB 003.008 through ws://10.231.0.2:6080/, desktop "QEMU (instance-00000001)" '
                                '720x400')
    # version, security type None, ClientInit shared; then a close frame
    assert proxy.messages[:3] == [(cp.OP_BINARY, b'RFB 003.008\n'), (cp.OP_BINARY, b'\x01'),
                                  (cp.OP_BINARY, b'\x01')]
    assert proxy.messages[3] == (cp.OP_CLOSE, struct.pack('!H', 1000))
    assert proxy.closed
    assert TOKEN not in repr(result)


def test_novnc_bytes_split_across_reads_and_frames():
    # the version in two frames, the 101 and the first frame in one read
    proxy = FakeProxy(on_open=frame(b'RFB 003.') + frame(b'008\n'),
                      replies=[frame(b'\x01') + frame(b'\x01'), frame(b'\x00\x00') + frame(b'\x00\x00'),
                               frame(SERVER_INIT[:10]) + frame(SERVER_INIT[10:])], chunk=3)
    result, dummy = run(proxy)
    assert result['desktop_name'] == 'QEMU (instance-00000001)'


def test_novnc_version_only():
    proxy = FakeProxy(on_open=frame(b'RFB 003.008\n'))
    result, dummy = run(proxy, rfb_init=False)
    assert result['rfb_version'] == 'RFB 003.008'
    assert result['desktop_name'] is None
    assert result['detail'] == 'RFB 003.008 through ws://10.231.0.2:6080/'
    assert proxy.messages == [(cp.OP_CLOSE, struct.pack('!H', 1000))]


def test_novnc_ping_is_answered():
    proxy = FakeProxy(on_open=frame(b'hi', cp.OP_PING) + frame(b'RFB 003.008\n'))
    run(proxy, rfb_init=False)
    assert proxy.messages[0] == (cp.OP_PONG, b'hi')


def test_novnc_bad_token_closes_after_the_handshake():
    proxy = FakeProxy(on_open=close_frame(1011, b'The token has expired or is invalid'))
    with pytest.raises(cp.ConsoleProbeError) as error:
        run(proxy)
    assert str(error.value) == ('the proxy closed the websocket (code 1011: The token has expired or is invalid) '
                                'before the RFB version (a bad or expired token, a refused Origin or no way to the '
                                'compute)')
    assert error.value.result['status'] == 101
    assert error.value.result['rfb_version'] is None
    # no close frame back to a closed websocket
    assert proxy.messages == []
    assert proxy.closed


def test_novnc_connection_ends():
    with pytest.raises(cp.ConsoleProbeError, match='closed the connection before the RFB version'):
        run(FakeProxy(eof=True))


def test_novnc_nothing_arrives():
    with pytest.raises(cp.ConsoleTimeout, match='0 of 12 bytes'):
        run(FakeProxy())


def test_novnc_not_rfb():
    with pytest.raises(cp.ConsoleProbeError, match=r'expected an RFB version, got RFB 3.8\\x00\\x00\\x00\\x00\\n$'):
        run(FakeProxy(on_open=frame(b'RFB 3.8\x00\x00\x00\x00\n')))


def test_novnc_server_refuses():
    proxy = FakeProxy(on_open=frame(b'RFB 003.008\n'), replies=[frame(b'\x00\x00\x00\x00\x04busy')])
    with pytest.raises(cp.ConsoleProbeError, match='refused the connection: busy'):
        run(proxy)


def test_novnc_without_security_none():
    proxy = FakeProxy(on_open=frame(b'RFB 003.008\n'), replies=[frame(b'\x01\x13')])
    with pytest.raises(cp.ConsoleProbeError, match=r'no security type None \(1\), only \[19\]'):
        run(proxy)


def test_novnc_security_result_fails():
    proxy = FakeProxy(on_open=frame(b'RFB 003.008\n'), replies=[frame(b'\x01\x01'), frame(b'\x00\x00\x00\x01')])
    with pytest.raises(cp.ConsoleProbeError, match='SecurityResult 1'):
        run(proxy)


# -- handshake failures ------------------------------------------------------------

def test_http_error_is_reported_with_its_body():
    proxy = FakeProxy(status=403, reason='Forbidden', body=b'Origin header does not match this host.\r\n')
    with pytest.raises(cp.ConsoleProbeError) as error:
        run(proxy)
    assert str(error.value) == 'the websocket handshake got HTTP 403 Forbidden: Origin header does not match this host.'
    assert error.value.result['status'] == 403
    assert proxy.closed


def test_wrong_accept_key():
    with pytest.raises(cp.ConsoleProbeError, match='wrong Sec-WebSocket-Accept'):
        run(FakeProxy(accept='bm90IHRoZSBrZXk='))


def test_no_upgrade():
    with pytest.raises(cp.ConsoleProbeError, match='without "Upgrade: websocket"'):
        run(FakeProxy(upgrade='h2c'))


def test_unexpected_subprotocol():
    with pytest.raises(cp.ConsoleProbeError, match="subprotocol 'base64'"):
        run(FakeProxy(protocol='base64'))


def test_no_subprotocol_chosen_is_fine():
    proxy = FakeProxy(on_open=frame(b'RFB 003.008\n'), protocol='')
    result, dummy = run(proxy, rfb_init=False)
    assert result['subprotocol'] == ''


def test_not_http():
    proxy = FakeProxy()
    proxy.status = 101

    def sendall(data):
        proxy.request = data
        proxy.inbox = b'SSH-2.0-OpenSSH_9.2\r\n\r\n'
    proxy.sendall = sendall
    with pytest.raises(cp.ConsoleProbeError, match='answered no HTTP: SSH-2.0'):
        run(proxy)


def test_no_answer_at_all():
    proxy = FakeProxy()
    proxy.sendall = lambda data: None
    with pytest.raises(cp.ConsoleTimeout, match='no answer to the websocket handshake'):
        run(proxy)
    proxy.eof = True
    with pytest.raises(cp.ConsoleClosed, match='no answer to the websocket handshake'):
        run(proxy)


def test_connection_refused():
    def refuse(target, timeout):
        raise socket.error(111, 'Connection refused')
    args = {'url': NOVNC_URL, 'console_type': 'novnc'}
    with pytest.raises(cp.ConsoleProbeError, match=r'cannot connect to 10.231.0.2:6080: .*Connection refused'):
        cp.probe(args, refuse)


def test_origin_can_be_left_out_or_given():
    proxy = FakeProxy(on_open=frame(b'RFB 003.008\n'))
    result, dummy = run(proxy, rfb_init=False, origin='')
    assert 'origin' not in proxy.headers
    assert result['origin'] is None
    proxy = FakeProxy(on_open=frame(b'RFB 003.008\n'))
    run(proxy, rfb_init=False, origin='https://console.example')
    assert proxy.headers['origin'] == 'https://console.example'


# -- serial ------------------------------------------------------------------------

def test_serial_stays_open():
    proxy = FakeProxy()
    result, dummy = run(proxy, url=SERIAL_URL, console_type='serial', hold=2)
    assert proxy.request.startswith('GET /?token=%s HTTP/1.1' % TOKEN)
    assert proxy.headers['origin'] == 'http://10.231.0.2:6083'
    assert result['status'] == 101
    assert result['first_bytes'] == ''
    assert result['open_seconds'] is not None
    assert result['detail'].startswith('open ') and result['detail'].endswith(' s through ws://10.231.0.2:6083/')


def test_serial_hold_is_waited_for():
    clock = Clock(0.5)
    waits = []

    class Slow(FakeProxy):
        def recv(self, size):
            waits.append(self.timeouts[-1])
            return FakeProxy.recv(self, size)
    result, dummy = run(Slow(), url=SERIAL_URL, console_type='serial', hold=3, clock=clock)
    # the handshake waits up to timeout, the serial console up to hold
    assert waits[0] == 5 and waits[1:] and all(0 < w <= 3 for w in waits[1:])
    assert result['open_seconds'] >= 0.5


def test_serial_output_is_returned():
    proxy = FakeProxy(on_open=frame(b'SeaBIOS (version 1.16.2)\r\n'))
    result, dummy = run(proxy, url=SERIAL_URL, console_type='serial')
    assert result['first_bytes'] == 'SeaBIOS (version 1.16.2)\r\n'
    assert result['detail'].endswith(', printed "SeaBIOS (version 1.16.2)\\r\\n"')


def test_serial_closed_by_the_proxy():
    proxy = FakeProxy(on_open=close_frame(1000))
    with pytest.raises(cp.ConsoleProbeError, match=r'closed the websocket \(code 1000\) [0-9.]+ s after the handshake'):
        run(proxy, url=SERIAL_URL, console_type='serial')


def test_serial_connection_ends():
    with pytest.raises(cp.ConsoleProbeError, match='closed the connection [0-9.]+ s after the handshake'):
        run(FakeProxy(eof=True), url=SERIAL_URL, console_type='serial')


# -- SPICE -------------------------------------------------------------------------

def spice_reply(error=0):
    body = struct.pack('<I', error) + b'\x00' * 162 + struct.pack('<III', 1, 0, 178) + struct.pack('<I', 11)
    return cp.SPICE_MAGIC + struct.pack('<III', 2, 2, len(body)) + body


def test_spice_link_message_layout():
    data = cp.spice_link_message()
    assert data[:4] == b'REDQ'
    major, minor, size = struct.unpack('<III', data[4:16])
    assert (major, minor, size) == (2, 2, len(data) - 16) and size == 22
    conn, channel_type, channel_id, common, chan, offset = struct.unpack('<IBBIII', data[16:34])
    assert (conn, channel_type, channel_id, common, chan, offset) == (0, 1, 0, 1, 0, 18)


def test_spice_link_reply():
    proxy = FakeProxy(replies=[frame(spice_reply())])
    result, dummy = run(proxy, url=SPICE_URL, console_type='spice')
    assert proxy.messages[0] == (cp.OP_BINARY, cp.spice_link_message())
    assert (result['spice_magic'], result['spice_version'], result['spice_link_error']) == ('REDQ', '2.2', 0)
    assert result['detail'] == 'SPICE REDQ 2.2 through ws://10.231.0.2:6082/'


def test_spice_wrong_magic():
    proxy = FakeProxy(replies=[frame(b'RFB 003.008\nxxxx')])
    with pytest.raises(cp.ConsoleProbeError, match='SPICE magic REDQ, got RFB 003.008'):
        run(proxy, url=SPICE_URL, console_type='spice')


def test_spice_closed_before_the_link_reply():
    with pytest.raises(cp.ConsoleProbeError, match='closed the connection before the SPICE link reply'):
        run(FakeProxy(eof=True), url=SPICE_URL, console_type='spice')


def test_spice_handshake_only():
    proxy = FakeProxy()
    result, dummy = run(proxy, url=SPICE_URL, console_type='spice', spice_link=False)
    assert proxy.messages == [(cp.OP_CLOSE, struct.pack('!H', 1000))]
    assert result['spice_magic'] is None
    assert result['detail'].startswith('open ')


# -- upstream connections ---------------------------------------------------------

TCP_HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n'


def tcp_line(n, local, remote, state='01'):
    return '%4d: %s %s %s 00000000:00000000 00:00000000 00000000   110        0 1234 1 0 20 4 30 10 -1\n' % (
        n, local, remote, state)


# 10.231.0.2:40000 -> 10.231.0.3:10000 (little endian words)
LOCAL = '0200E70A:9C40'
COMPUTE_SERIAL = '0300E70A:2710'
COMPUTE_VNC = '0300E70A:170C'
LISTEN = tcp_line(0, '00000000:17BB', '00000000:0000', '0A')


def test_parse_proc_net_tcp():
    text = TCP_HEADER + LISTEN + tcp_line(1, LOCAL, COMPUTE_SERIAL)
    assert cp.parse_proc_net_tcp(text) == [(('10.231.0.2', 40000), ('10.231.0.3', 10000))]


def test_parse_proc_net_tcp6():
    # ::ffff:10.231.0.3 port 5900 and fd00::3 port 10001
    mapped = '0000000000000000FFFF00000300E70A:170C'
    fd00 = '000000FD000000000000000003000000:2711'
    text = TCP_HEADER + tcp_line(0, mapped, mapped) + tcp_line(1, fd00, fd00) + 'garbage\n'
    conns = cp.parse_proc_net_tcp(text)
    assert conns[0][1] == ('10.231.0.3', 5900)
    assert conns[1][1] == ('fd00::3', 10001)


@pytest.mark.parametrize('items, ranges', [
    (['10000:20000'], [(10000, 20000)]),
    (['5900-5999', '6000'], [(5900, 5999), (6000, 6000)]),
    ([], []),
])
def test_port_ranges(items, ranges):
    assert cp.parse_port_ranges(items) == ranges


@pytest.mark.parametrize('item', ['a', '20000:10000', '0', '70000'])
def test_bad_port_ranges(item):
    with pytest.raises(cp.ConsoleProbeError, match='upstream port'):
        cp.parse_port_ranges([item])


def test_serial_upstream_connection_is_required_and_found():
    reads = [[TCP_HEADER + LISTEN], [TCP_HEADER + LISTEN + tcp_line(1, LOCAL, COMPUTE_SERIAL), TCP_HEADER]]
    result, dummy = run(FakeProxy(), url=SERIAL_URL, console_type='serial', upstream_ports=['10000:20000'],
                        read_tcp=lambda: reads.pop(0))
    assert result['upstream'] == ['10.231.0.3:10000']
    assert result['detail'].endswith(' s through ws://10.231.0.2:6083/, relayed to 10.231.0.3:10000')
    assert not reads


def test_serial_upstream_already_there_does_not_count():
    same = [TCP_HEADER + tcp_line(1, LOCAL, COMPUTE_SERIAL)]
    with pytest.raises(cp.ConsoleProbeError, match='no new connection to a port in 10000:20000') as error:
        run(FakeProxy(), url=SERIAL_URL, console_type='serial', upstream_ports=['10000:20000'], read_tcp=lambda: same)
    assert error.value.result['status'] == 101


def test_upstream_outside_the_ranges_does_not_count():
    reads = [[TCP_HEADER], [TCP_HEADER + tcp_line(1, LOCAL, COMPUTE_VNC)]]
    with pytest.raises(cp.ConsoleProbeError, match='no new connection'):
        run(FakeProxy(), url=SERIAL_URL, console_type='serial', upstream_ports=['10000:20000'],
            read_tcp=lambda: reads.pop(0))


def test_shown_bytes():
    assert cp.shown_bytes(b'RFB\n\x00\\') == 'RFB\\n\\x00\\x5c'
    assert cp.shown_bytes(b'a' * 70) == 'a' * 64 + '...'


def test_handshake_headers_are_parsed_case_insensitively():
    class Sock(object):
        def __init__(self, data):
            self.data = data

        def recv(self, size):
            data, self.data = self.data, b''
            return data
    status, reason, headers, rest = cp.read_handshake(Sock(
        b'HTTP/1.1 101 Switching Protocols\r\nUPGRADE: WebSocket\r\nX-A: 1\r\nx-a: 2\r\n\r\n\x82\x00'))
    assert (status, reason, rest) == (101, 'Switching Protocols', b'\x82\x00')
    assert headers['upgrade'] == 'WebSocket' and headers['x-a'] == '1, 2'
    assert re.match(r'^\S+$', cp.new_key())
