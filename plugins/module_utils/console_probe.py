# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""A websocket client for the Nova console proxies, pure, no Ansible imports.

* :func:`websocket_target` - the websocket a browser opens for a console URL
  Nova returns (noVNC's ``path`` parameter, the token) and the Origin it sends.
* :func:`handshake_request` / :func:`read_handshake` / :func:`check_handshake`
  - the RFC 6455 opening handshake.
* :func:`encode_frame` / :class:`FrameReader` - frames; client frames masked.
* :class:`WebSocket` - a byte stream over the binary messages of a connected
  socket: pings answered, a close or the end of the connection raised as
  :class:`ConsoleClosed`.
* :func:`probe_novnc`, :func:`probe_serial`, :func:`probe_spice` - what the
  remote end of each console answers.
* :func:`parse_proc_net_tcp` / :func:`parse_port_ranges` /
  :func:`new_connections` - the host's established TCP connections, to see the
  proxy connect to the compute.
* :func:`probe` - all of it, as the console_probe module runs it.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64
import hashlib
import ipaddress
import os
import re
import socket
import struct
import time

try:
    from urllib.parse import parse_qs, quote, urlsplit
except ImportError:  # pragma: no cover - Python 2
    from urllib import quote
    from urlparse import parse_qs, urlsplit

CONSOLE_TYPES = ('novnc', 'serial', 'spice')
WS_GUID = b'258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
DATA_OPCODES = (OP_CONT, OP_TEXT, OP_BINARY)

MAX_HEADER = 16384
MAX_NAME = 4096
SHOWN_BYTES = 64

RFB_VERSION_RE = re.compile(br'^RFB (\d{3})\.(\d{3})\n$')
RFB_CLIENT_VERSION = b'RFB 003.008\n'
RFB_SECURITY_NONE = 1

SPICE_MAGIC = b'REDQ'
SPICE_MAJOR, SPICE_MINOR = 2, 2
SPICE_CHANNEL_MAIN = 1
# common caps: PROTOCOL_AUTH_SELECTION, AUTH_SPICE, MINI_HEADER
SPICE_COMMON_CAPS = (1 << 0) | (1 << 1) | (1 << 3)

TCP_ESTABLISHED = '01'

# why a Nova proxy closes right after the handshake
CLOSE_HINT = 'a bad or expired token, a refused Origin or no way to the compute'

_clock = getattr(time, 'monotonic', time.time)


class ConsoleProbeError(Exception):
    """The console did not answer as it should."""


class ConsoleClosed(ConsoleProbeError):
    """The proxy closed the websocket (close frame) or the connection."""

    def __init__(self, code=None, reason=''):
        self.code = code
        self.reason = reason
        if code is None:
            text = 'the proxy closed the connection%s' % (': %s' % reason if reason else '')
        else:
            text = 'the proxy closed the websocket (code %d%s)' % (code, ': %s' % reason if reason else '')
        super(ConsoleClosed, self).__init__(text)


class ConsoleTimeout(ConsoleProbeError):
    """Nothing (or not enough) arrived in time."""


def shown_bytes(data, limit=SHOWN_BYTES):
    """Text for up to ``limit`` received bytes: printable ASCII as is, the rest escaped."""
    out = []
    for byte in bytearray(data[:limit]):
        if 32 <= byte < 127 and byte != 92:
            out.append(chr(byte))
        elif byte == 10:
            out.append('\\n')
        elif byte == 13:
            out.append('\\r')
        else:
            out.append('\\x%02x' % byte)
    return ''.join(out) + ('...' if len(data) > limit else '')


# -- URL ----------------------------------------------------------------------------

def _netloc(host, port, secure):
    text = '[%s]' % host if ':' in host else host
    if port != (443 if secure else 80):
        text += ':%d' % port
    return text


def websocket_target(url, console_type):
    """Where the websocket of a console URL Nova returns goes.

    noVNC URLs (``http://proxy:6080/vnc_auto.html?path=%3Ftoken%3DT``) carry
    the websocket's resource in ``path``; SPICE page URLs
    (``http://proxy:6082/spice_auto.html?token=T``) the token, sent as
    ``/?token=T``; serial URLs (``ws://proxy:6083/?token=T``) are the
    websocket.  Returns ``{url, shown, host, port, secure, resource,
    host_header, origin, token}``; ``shown`` is the websocket URL without its
    query (the token).  Origin is the page's origin a browser would send
    (``http(s)://host[:port]``), which the proxy checks against its own host.
    """
    if console_type not in CONSOLE_TYPES:
        raise ConsoleProbeError('console type must be one of %s, not %r' % (', '.join(CONSOLE_TYPES), console_type))
    parts = urlsplit(url or '')
    scheme = (parts.scheme or '').lower()
    if scheme not in ('http', 'https', 'ws', 'wss'):
        raise ConsoleProbeError('console URL must be http(s):// or ws(s)://, got %r' % (scheme or url))
    if not parts.hostname:
        raise ConsoleProbeError('console URL has no host')
    secure = scheme in ('https', 'wss')
    try:
        port = parts.port or (443 if secure else 80)
    except ValueError:
        raise ConsoleProbeError('console URL has an invalid port')
    host = parts.hostname
    query = parse_qs(parts.query)
    if 'path' in query and query['path'][0]:
        resource = '/' + query['path'][0].lstrip('/')
        token = parse_qs(urlsplit(resource).query).get('token', [''])[0]
    elif scheme in ('ws', 'wss'):
        resource = (parts.path or '/') + ('?' + parts.query if parts.query else '')
        token = query.get('token', [''])[0]
    else:
        token = query.get('token', [''])[0]
        resource = '/?token=%s' % quote(token, safe='')
    if not token:
        raise ConsoleProbeError('console URL carries no token (expected ?token= or noVNC\'s path=%3Ftoken%3D)')
    ws_scheme = 'wss' if secure else 'ws'
    netloc = _netloc(host, port, secure)
    return {
        'url': '%s://%s%s' % (ws_scheme, netloc, resource),
        'shown': '%s://%s%s' % (ws_scheme, netloc, resource.split('?', 1)[0]),
        'host': host,
        'port': port,
        'secure': secure,
        'resource': resource,
        'host_header': netloc,
        'origin': '%s://%s' % ('https' if secure else 'http', netloc),
        'token': token,
    }


# -- opening handshake ------------------------------------------------------------

def new_key(random=os.urandom):
    return base64.b64encode(random(16)).decode('ascii')


def accept_key(key):
    """Sec-WebSocket-Accept the server must answer to ``key``."""
    digest = hashlib.sha1(key.encode('ascii') + WS_GUID).digest()
    return base64.b64encode(digest).decode('ascii')


def handshake_request(target, key, subprotocols=('binary',), origin=None):
    """The GET request that opens the websocket (bytes)."""
    lines = [
        'GET %s HTTP/1.1' % target['resource'],
        'Host: %s' % target['host_header'],
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Key: %s' % key,
        'Sec-WebSocket-Version: 13',
    ]
    if subprotocols:
        lines.append('Sec-WebSocket-Protocol: %s' % ', '.join(subprotocols))
    if origin:
        lines.append('Origin: %s' % origin)
    return ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1')


def read_handshake(sock):
    """``(status, reason, headers, rest)`` of the HTTP answer; ``rest`` is what followed the headers."""
    data = b''
    while b'\r\n\r\n' not in data:
        if len(data) > MAX_HEADER:
            raise ConsoleProbeError('the proxy sent more than %d bytes of headers' % MAX_HEADER)
        try:
            chunk = sock.recv(4096)
        except socket.timeout:
            raise ConsoleTimeout('no answer to the websocket handshake in time')
        if not chunk:
            if not data:
                raise ConsoleClosed(None, 'no answer to the websocket handshake')
            break
        data += chunk
    head, sep, rest = data.partition(b'\r\n\r\n')
    lines = head.decode('latin-1').split('\r\n')
    match = re.match(r'^HTTP/\d\.\d (\d{3})(?: (.*))?$', lines[0])
    if not match:
        raise ConsoleProbeError('the proxy answered no HTTP: %s' % shown_bytes(data))
    headers = {}
    for line in lines[1:]:
        name, colon, value = line.partition(':')
        if colon:
            key = name.strip().lower()
            headers[key] = (headers[key] + ', ' if key in headers else '') + value.strip()
    return int(match.group(1)), (match.group(2) or '').strip(), headers, rest


def check_handshake(status, reason, headers, key, subprotocols, body=b''):
    """The subprotocol the server chose ('' for none); raises unless the websocket is open."""
    if status != 101:
        text = 'the websocket handshake got HTTP %d %s' % (status, reason)
        if body.strip():
            text += ': %s' % shown_bytes(body.strip().splitlines()[0], 200)
        raise ConsoleProbeError(text.strip())
    if headers.get('upgrade', '').lower() != 'websocket':
        raise ConsoleProbeError('HTTP 101 without "Upgrade: websocket"')
    if headers.get('sec-websocket-accept') != accept_key(key):
        raise ConsoleProbeError('wrong Sec-WebSocket-Accept %r' % headers.get('sec-websocket-accept'))
    chosen = headers.get('sec-websocket-protocol', '')
    if chosen and chosen not in (subprotocols or ()):
        raise ConsoleProbeError('the proxy chose the subprotocol %r, not one of %s' % (chosen, list(subprotocols)))
    return chosen


# -- frames -------------------------------------------------------------------------

def _mask(payload, mask):
    mask = bytearray(mask)
    return bytes(bytearray(b ^ mask[i % 4] for i, b in enumerate(bytearray(payload))))


def encode_frame(payload, opcode=OP_BINARY, mask=None):
    """One final frame; with ``mask`` (4 bytes, as a client must) masked."""
    length = len(payload)
    head = bytearray([0x80 | opcode])
    bit = 0x80 if mask is not None else 0
    if length < 126:
        head.append(bit | length)
    elif length < 65536:
        head.append(bit | 126)
        head.extend(struct.pack('!H', length))
    else:
        head.append(bit | 127)
        head.extend(struct.pack('!Q', length))
    if mask is None:
        return bytes(head) + payload
    return bytes(head) + mask + _mask(payload, mask)


class FrameReader(object):
    """Frames out of the bytes fed in: ``(fin, opcode, payload)``."""

    def __init__(self):
        self.buffer = b''

    def feed(self, data):
        self.buffer += data

    def next_frame(self):
        """The next complete frame, or None."""
        data = bytearray(self.buffer[:14])
        if len(data) < 2:
            return None
        fin, opcode = bool(data[0] & 0x80), data[0] & 0x0F
        masked, length = bool(data[1] & 0x80), data[1] & 0x7F
        offset = 2
        if length == 126:
            if len(data) < 4:
                return None
            length = struct.unpack('!H', bytes(data[2:4]))[0]
            offset = 4
        elif length == 127:
            if len(data) < 10:
                return None
            length = struct.unpack('!Q', bytes(data[2:10]))[0]
            offset = 10
        mask = None
        if masked:
            if len(self.buffer) < offset + 4:
                return None
            mask = self.buffer[offset:offset + 4]
            offset += 4
        if len(self.buffer) < offset + length:
            return None
        payload = self.buffer[offset:offset + length]
        self.buffer = self.buffer[offset + length:]
        if mask is not None:
            payload = _mask(payload, mask)
        return fin, opcode, payload


def parse_close(payload):
    """``(code, reason)`` of a close frame's payload."""
    if len(payload) >= 2:
        return struct.unpack('!H', payload[:2])[0], payload[2:].decode('utf-8', 'replace')
    return 1005, ''


class WebSocket(object):
    """The binary messages of an open websocket as one byte stream."""

    def __init__(self, sock, rest=b'', random=os.urandom, clock=_clock):
        self.sock = sock
        self.reader = FrameReader()
        self.reader.feed(rest)
        self.stream = b''
        self.random = random
        self.clock = clock
        self.received = b''
        self.closed = False

    def send(self, payload, opcode=OP_BINARY):
        self.sock.sendall(encode_frame(payload, opcode, self.random(4)))

    def _pump(self, deadline):
        """Read one chunk from the socket (within ``deadline``) and take the frames out of it."""
        frame = self.reader.next_frame()
        while frame is None:
            remaining = deadline - self.clock()
            if remaining <= 0:
                raise ConsoleTimeout('timed out')
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                raise ConsoleTimeout('timed out')
            if not chunk:
                self.closed = True
                raise ConsoleClosed(None)
            self.reader.feed(chunk)
            frame = self.reader.next_frame()
        fin, opcode, payload = frame
        if opcode in DATA_OPCODES:
            self.stream += payload
            self.received += payload
        elif opcode == OP_PING:
            self.send(payload, OP_PONG)
        elif opcode == OP_CLOSE:
            self.closed = True
            code, reason = parse_close(payload)
            raise ConsoleClosed(code, reason)

    def recv_exactly(self, count, timeout):
        """``count`` bytes of the stream."""
        deadline = self.clock() + timeout
        while len(self.stream) < count:
            try:
                self._pump(deadline)
            except ConsoleTimeout:
                raise ConsoleTimeout('%d of %d bytes arrived in %.1f s' % (len(self.stream), count, timeout))
        data, self.stream = self.stream[:count], self.stream[count:]
        return data

    def watch(self, seconds):
        """Read whatever comes for ``seconds``; raises ConsoleClosed if the proxy closes."""
        deadline = self.clock() + seconds
        while self.clock() < deadline:
            try:
                self._pump(deadline)
            except ConsoleTimeout:
                break
        data, self.stream = self.stream, b''
        return data

    def close(self):
        """Send a close frame (1000) unless closed, then close the socket; never raises."""
        try:
            if not self.closed:
                self.send(struct.pack('!H', 1000), OP_CLOSE)
        except (socket.error, OSError):
            pass
        try:
            self.sock.close()
        except (socket.error, OSError):
            pass


def open_websocket(sock, target, subprotocols=('binary',), origin=None, key=None, random=os.urandom, clock=_clock):
    """Run the opening handshake on a connected socket: ``(WebSocket, {status, subprotocol})``."""
    key = key or new_key(random)
    sock.sendall(handshake_request(target, key, subprotocols, origin))
    status, reason, headers, rest = read_handshake(sock)
    info = {'status': status, 'subprotocol': None}
    try:
        info['subprotocol'] = check_handshake(status, reason, headers, key, subprotocols, rest)
    except ConsoleProbeError as exc:
        exc.info = info
        raise
    return WebSocket(sock, rest, random=random, clock=clock), info


# -- what each console answers ---------------------------------------------------

def probe_novnc(ws, timeout, init=True):
    """RFB: the version the VNC server sends; with ``init`` the None security handshake up to ServerInit."""
    out = {'rfb_version': None, 'desktop_name': None, 'framebuffer': None}
    try:
        version = ws.recv_exactly(12, timeout)
    except ConsoleClosed as exc:
        raise ConsoleProbeError('%s before the RFB version (%s)' % (exc, CLOSE_HINT))
    match = RFB_VERSION_RE.match(version)
    if not match:
        raise ConsoleProbeError('expected an RFB version, got %s' % shown_bytes(version))
    out['rfb_version'] = version.decode('ascii').strip()
    if not init:
        return out
    ws.send(RFB_CLIENT_VERSION)
    count = bytearray(ws.recv_exactly(1, timeout))[0]
    if count == 0:
        length = struct.unpack('!I', ws.recv_exactly(4, timeout))[0]
        reason = ws.recv_exactly(min(length, MAX_NAME), timeout)
        raise ConsoleProbeError('the VNC server refused the connection: %s' % reason.decode('utf-8', 'replace'))
    types = list(bytearray(ws.recv_exactly(count, timeout)))
    if RFB_SECURITY_NONE not in types:
        raise ConsoleProbeError('the VNC server offers no security type None (1), only %s' % types)
    ws.send(bytes(bytearray([RFB_SECURITY_NONE])))
    status = struct.unpack('!I', ws.recv_exactly(4, timeout))[0]
    if status != 0:
        raise ConsoleProbeError('the VNC security handshake failed (SecurityResult %d)' % status)
    ws.send(b'\x01')  # ClientInit: shared, others stay connected
    head = ws.recv_exactly(24, timeout)
    width, height = struct.unpack('!HH', head[:4])
    length = struct.unpack('!I', head[20:24])[0]
    name = ws.recv_exactly(min(length, MAX_NAME), timeout) if length else b''
    out['desktop_name'] = name.decode('utf-8', 'replace')
    out['framebuffer'] = {'width': width, 'height': height}
    return out


def probe_serial(ws, hold):
    """The websocket stays open for ``hold`` seconds; what the console printed meanwhile."""
    start = ws.clock()
    try:
        data = ws.watch(hold)
    except ConsoleClosed as exc:
        raise ConsoleProbeError('%s %.1f s after the handshake (%s)' % (exc, ws.clock() - start, CLOSE_HINT))
    return {'open_seconds': round(ws.clock() - start, 1), 'output': shown_bytes(data)}


def spice_link_message(channel_type=SPICE_CHANNEL_MAIN, channel_id=0):
    """SpiceLinkHeader + SpiceLinkMess for a new session's main channel (little endian)."""
    caps = struct.pack('<I', SPICE_COMMON_CAPS)
    mess = struct.pack('<IBBIII', 0, channel_type, channel_id, 1, 0, 18) + caps
    return SPICE_MAGIC + struct.pack('<III', SPICE_MAJOR, SPICE_MINOR, len(mess)) + mess


def probe_spice(ws, timeout, link=True, hold=0):
    """With ``link``: the SpiceLinkReply (magic REDQ, version, link error); else the websocket stays open."""
    if not link:
        out = probe_serial(ws, hold)
        out.pop('output', None)
        return out
    ws.send(spice_link_message())
    try:
        head = ws.recv_exactly(16, timeout)
    except ConsoleClosed as exc:
        raise ConsoleProbeError('%s before the SPICE link reply (%s)' % (exc, CLOSE_HINT))
    if head[:4] != SPICE_MAGIC:
        raise ConsoleProbeError('expected the SPICE magic REDQ, got %s' % shown_bytes(head))
    major, minor, size = struct.unpack('<III', head[4:16])
    out = {'spice_magic': 'REDQ', 'spice_version': '%d.%d' % (major, minor), 'spice_link_error': None}
    if size >= 4:
        out['spice_link_error'] = struct.unpack('<I', ws.recv_exactly(4, timeout))[0]
    return out


# -- the host's TCP connections ---------------------------------------------------

def _hex_address(text):
    addr, port = text.split(':')
    raw = bytes(bytearray.fromhex(addr))
    # each 32-bit word is in host (little endian) order
    words = [raw[i:i + 4][::-1] for i in range(0, len(raw), 4)]
    packed = b''.join(words)
    ip = ipaddress.ip_address(packed)
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return str(ip), int(port, 16)


def parse_proc_net_tcp(text):
    """Established connections of ``/proc/net/tcp`` or ``tcp6``: ``[((laddr, lport), (raddr, rport))]``."""
    out = []
    for line in (text or '').splitlines()[1:]:
        fields = line.split()
        if len(fields) < 4 or fields[3] != TCP_ESTABLISHED:
            continue
        try:
            out.append((_hex_address(fields[1]), _hex_address(fields[2])))
        except ValueError:
            continue
    return out


def parse_port_ranges(items):
    """``[(low, high)]`` of ports and ranges written ``N``, ``N:M`` or ``N-M``."""
    ranges = []
    for item in items or []:
        text = str(item).strip()
        match = re.match(r'^(\d+)(?:\s*[:-]\s*(\d+))?$', text)
        if not match:
            raise ConsoleProbeError('upstream port %r is not N, N:M or N-M' % (item,))
        low = int(match.group(1))
        high = int(match.group(2) or low)
        if not 1 <= low <= high <= 65535:
            raise ConsoleProbeError('upstream port range %r is not within 1-65535, low to high' % (item,))
        ranges.append((low, high))
    return ranges


def new_connections(before, after, ranges):
    """``addr:port`` of the connections in ``after`` but not ``before`` whose remote port is in ``ranges``."""
    seen = set(before)
    out = []
    for conn in after:
        (raddr, rport) = conn[1]
        if conn in seen or not any(low <= rport <= high for low, high in ranges):
            continue
        shown = '[%s]:%d' % (raddr, rport) if ':' in raddr else '%s:%d' % (raddr, rport)
        if shown not in out:
            out.append(shown)
    return out


# -- the whole probe --------------------------------------------------------------

def empty_result(console_type):
    return {
        'console_type': console_type,
        'websocket_url': None,
        'origin': None,
        'status': None,
        'subprotocol': None,
        'first_bytes': '',
        'rfb_version': None,
        'desktop_name': None,
        'framebuffer': None,
        'spice_magic': None,
        'spice_version': None,
        'spice_link_error': None,
        'open_seconds': None,
        'upstream': [],
        'detail': '',
    }


def detail_text(result):
    """What the verify line says was proven."""
    through = 'through %s' % result['websocket_url']
    kind = result['console_type']
    if kind == 'novnc':
        text = '%s %s' % (result['rfb_version'], through)
        if result['desktop_name'] is not None:
            size = result['framebuffer'] or {}
            text += ', desktop "%s" %sx%s' % (result['desktop_name'], size.get('width'), size.get('height'))
    elif kind == 'spice' and result['spice_magic']:
        text = 'SPICE %s %s %s' % (result['spice_magic'], result['spice_version'], through)
    else:
        text = 'open %.1f s %s' % (result['open_seconds'] or 0, through)
        if result['first_bytes']:
            text += ', printed "%s"' % shown_bytes(result['first_bytes'].encode('latin-1'), 32)
    if result['upstream']:
        text += ', relayed to %s' % ', '.join(result['upstream'])
    return text


def probe(params, connect, read_tcp=None, random=os.urandom, clock=_clock):
    """Open the console of ``params['url']`` through its proxy and check its remote end answers.

    ``connect(target, timeout)`` returns a connected (TLS-wrapped for wss)
    socket; ``read_tcp()`` the texts of ``/proc/net/tcp`` and ``tcp6``.
    Returns the result dict; raises ConsoleProbeError with ``.result``.
    """
    kind = params['console_type']
    result = empty_result(kind)
    try:
        target = websocket_target(params['url'], kind)
        result['websocket_url'] = target['shown']
        origin = target['origin'] if params.get('origin') is None else params['origin']
        result['origin'] = origin or None
        ranges = parse_port_ranges(params.get('upstream_ports'))
        timeout = float(params.get('timeout') or 10)
        before = _connections(read_tcp) if ranges else []
        try:
            sock = connect(target, timeout)
        except (socket.error, OSError) as exc:
            raise ConsoleProbeError('cannot connect to %s:%d: %s' % (target['host'], target['port'], exc))
        ws = None
        try:
            sock.settimeout(timeout)
            try:
                ws, info = open_websocket(sock, target, params.get('subprotocols') or (), origin,
                                          random=random, clock=clock)
            except ConsoleProbeError as exc:
                result.update(getattr(exc, 'info', {}))
                raise
            result.update(info)
            try:
                if kind == 'novnc':
                    result.update(probe_novnc(ws, timeout, params.get('rfb_init', True)))
                elif kind == 'spice':
                    result.update(probe_spice(ws, timeout, params.get('spice_link', True), float(params.get('hold', 2))))
                else:
                    found = probe_serial(ws, float(params.get('hold', 2)))
                    result['open_seconds'] = found['open_seconds']
            finally:
                result['first_bytes'] = ws.received[:SHOWN_BYTES].decode('latin-1')
            if ranges:
                result['upstream'] = new_connections(before, _connections(read_tcp), ranges)
                if not result['upstream']:
                    raise ConsoleProbeError('the websocket is open but this host made no new connection to a port in %s'
                                            % ', '.join('%d:%d' % r for r in ranges))
        finally:
            if ws is not None:
                ws.close()
            else:
                try:
                    sock.close()
                except (socket.error, OSError):
                    pass
    except ConsoleProbeError as exc:
        exc.result = result
        raise
    except (socket.error, OSError) as exc:
        error = ConsoleProbeError('%s: %s' % (kind, exc))
        error.result = result
        raise error
    result['detail'] = detail_text(result)
    return result


def _connections(read_tcp):
    out = []
    for text in (read_tcp() if read_tcp else []):
        out.extend(parse_proc_net_tcp(text))
    return out
