#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r"""
module: console_probe
author: "novaops maintainers (@novaops)"
short_description: Open a Nova console through its proxy with the console's token and check the remote end answers
version_added: 1.0.0
description:
  - Opens the websocket a browser (noVNC, spice-html5) or a serial console client opens for a console URL that Nova
    returned (C(openstack console url show)), through the console proxy, with the token of the URL, and checks that
    the remote end answers. Run it on a host in the same network as the proxy, for example on the proxy host itself.
  - 'The websocket: noVNC URLs (C(http://proxy:6080/vnc_auto.html?path=%3Ftoken%3DTOKEN)) go to the resource in their
    C(path) parameter (C(/?token=TOKEN)), SPICE page URLs (C(http://proxy:6082/spice_auto.html?token=TOKEN)) to
    C(/?token=TOKEN), serial URLs (C(ws://proxy:6083/?token=TOKEN)) are the websocket. C(http) and C(ws) become
    C(ws), C(https) and C(wss) become C(wss).'
  - 'The handshake (RFC 6455, version 13) sends the C(Origin) a browser would send, C(http://HOST:PORT) of the URL
    (C(https) for TLS), which the Nova proxies accept because its host is the one of the URL (they compare it with
    the C(Host) header and C([console] allowed_origins)), and offers the subprotocol V(binary). It must be answered
    with C(101 Switching Protocols) and the right C(Sec-WebSocket-Accept). The Nova proxies check the token only
    after the handshake and then connect to the compute host; a bad token, a refused origin or an unreachable
    compute close the websocket right after the C(101).'
  - 'V(novnc): the first bytes after the handshake must be an RFB version (C(RFB 003.008)); the Nova proxy relays
    them from the VNC server of the instance (QEMU) on the compute host. With O(rfb_init=true) the module goes on
    as a VNC client: it sends its version, picks the security type None that the proxy offers, reads the
    SecurityResult (0), sends ClientInit (shared, other viewers stay connected) and reads ServerInit, whose desktop
    name and size it returns (QEMU names the desktop after the domain, for example V(QEMU (instance-00000001\))).'
  - 'V(serial): the websocket must stay open for O(hold) seconds after the handshake; whatever the serial console
    prints meanwhile is returned (a guest without an operating system prints nothing). A close frame or the end
    of the connection fails. With O(upstream_ports) (the serial port range of the computes) the module also
    requires that this host opened a new TCP connection to one of those ports while the websocket was open: the
    proxy connected to the instance''s serial port.'
  - 'V(spice): with O(spice_link=true) the module sends a SPICE link message for a main channel and the first
    bytes of the answer must be the SPICE magic C(REDQ) (the link reply of the SPICE server of QEMU); with
    O(spice_link=false) the websocket must stay open for O(hold) seconds as for V(serial).'
  - O(upstream_ports) works for every console type; the connections are read from C(/proc/net/tcp) and
    C(/proc/net/tcp6) of this host before the connection and after the check, so it is only meaningful on the
    proxy host, in the proxy's network namespace.
  - The token of the URL is never returned; RV(websocket_url) is the websocket without its query.
extends_documentation_fragment:
  - novaops.console_migration.attributes.info_module
options:
  url:
    description:
      - The console URL Nova returned, with its token (C(url) of C(openstack console url show -f json)).
    type: str
    required: true
  console_type:
    description:
      - Which console the URL is for. The remote end is checked as the description says.
    type: str
    choices: [novnc, serial, spice]
    required: true
  origin:
    description:
      - The C(Origin) header. Defaults to C(http://HOST:PORT) of the URL (C(https) for TLS); an empty string sends
        none (the Nova proxies accept a missing Origin as a non-browser client).
    type: str
  subprotocols:
    description:
      - Subprotocols offered in C(Sec-WebSocket-Protocol). noVNC offers V(binary); an empty list offers none.
    type: list
    elements: str
    default: [binary]
  timeout:
    description:
      - Seconds for the connection, the handshake and each answer the check waits for.
    type: float
    default: 10
  hold:
    description:
      - Seconds the websocket must stay open after the handshake, for V(serial) and for V(spice) with
        O(spice_link=false).
    type: float
    default: 2
  rfb_init:
    description:
      - For V(novnc), go on after the RFB version up to ServerInit (see the description). V(false) stops after the
        version.
    type: bool
    default: true
  spice_link:
    description:
      - For V(spice), send a SPICE link message and require C(REDQ) in the answer.
    type: bool
    default: true
  upstream_ports:
    description:
      - Ports or ranges (V(10000), V(10000:20000), V(10000-20000)) of the compute hosts' consoles. When given, this
        host must have opened a new TCP connection to one of them while the websocket was open (see the
        description).
    type: list
    elements: str
    default: []
  validate_certs:
    description:
      - For C(https) and C(wss) URLs, validate the proxy's certificate and host name.
    type: bool
    default: true
  ca_path:
    description:
      - CA bundle the proxy's certificate is validated with, instead of the system's.
    type: path
notes:
  - Needs no root privileges and no Python library beyond the standard library.
  - The token of a console URL stays valid until it expires (C([consoleauth] token_ttl), 10 minutes by default) and
    can be used again; a serial console accepts one client at a time.
seealso:
  - name: Nova, configure remote console access
    description: The console proxies, their base URLs and C([console] allowed_origins).
    link: https://docs.openstack.org/nova/latest/admin/remote-console-access.html
  - name: RFC 6455
    description: The WebSocket protocol.
    link: https://www.rfc-editor.org/rfc/rfc6455
"""

EXAMPLES = r"""
- name: Get the noVNC console URL of a server
  ansible.builtin.command:
    argv: [openstack, console, url, show, --novnc, -f, json, "{{ server_id }}"]
  environment:
    OS_CLOUD: mycloud
  register: console_url
  changed_when: false

- name: Open it through the proxy and read the VNC server's answer
  novaops.console_migration.console_probe:
    url: "{{ (console_url.stdout | from_json).url }}"
    console_type: novnc
  register: console_probe_result

- name: The serial console, which must reach a serial port of the computes
  novaops.console_migration.console_probe:
    url: "{{ serial_url }}"
    console_type: serial
    hold: 3
    upstream_ports: ["10000:20000"]
"""

RETURN = r"""
console_type:
  description: The console type checked.
  returned: always
  type: str
  sample: novnc
websocket_url:
  description: The websocket opened, without its query (the token).
  returned: when the URL could be read
  type: str
  sample: ws://10.0.0.10:6080/
origin:
  description: The C(Origin) header sent, null for none.
  returned: when the URL could be read
  type: str
  sample: http://10.0.0.10:6080
status:
  description: HTTP status of the handshake, null if the proxy sent none.
  returned: always
  type: int
  sample: 101
subprotocol:
  description: The subprotocol the proxy chose; an empty string for none.
  returned: when the websocket opened
  type: str
  sample: binary
first_bytes:
  description: Up to 64 bytes received after the handshake, as Latin-1 text.
  returned: always
  type: str
  sample: "RFB 003.008\n"
rfb_version:
  description: For V(novnc), the RFB version received.
  returned: always
  type: str
  sample: RFB 003.008
desktop_name:
  description: For V(novnc) with O(rfb_init=true), the desktop name of ServerInit.
  returned: always
  type: str
  sample: QEMU (instance-00000001)
framebuffer:
  description: For V(novnc) with O(rfb_init=true), the size of the desktop.
  returned: always
  type: dict
  contains:
    width:
      description: Width in pixels.
      type: int
    height:
      description: Height in pixels.
      type: int
  sample: {width: 720, height: 400}
spice_magic:
  description: For V(spice) with O(spice_link=true), the magic of the link reply.
  returned: always
  type: str
  sample: REDQ
spice_version:
  description: For V(spice) with O(spice_link=true), the protocol version of the link reply.
  returned: always
  type: str
  sample: "2.2"
spice_link_error:
  description: For V(spice) with O(spice_link=true), the error code of the link reply (0 is none).
  returned: always
  type: int
  sample: 0
open_seconds:
  description: For V(serial) (and V(spice) with O(spice_link=false)), how long the websocket stayed open.
  returned: always
  type: float
  sample: 2.0
upstream:
  description: With O(upstream_ports), the new connections of this host to those ports (C(ADDRESS:PORT)).
  returned: always
  type: list
  elements: str
  sample: ["10.0.0.21:10000"]
detail:
  description:
    - What was proven, in a few words; with O(upstream_ports) followed by the connections found. Empty when the check
      failed.
  returned: always
  type: str
  sample: RFB 003.008 through ws://10.0.0.10:6080/, desktop "QEMU (instance-00000001)" 720x400
msg:
  description: The detail, or why the check failed.
  returned: always
  type: str
  sample: "novnc: RFB 003.008 through ws://10.0.0.10:6080/, desktop \"QEMU (instance-00000001)\" 720x400"
"""

import socket
import ssl

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.novaops.console_migration.plugins.module_utils.console_probe import (
    ConsoleProbeError,
    empty_result,
    probe,
)

PROC_NET_TCP = ('/proc/net/tcp', '/proc/net/tcp6')


def connector(params):
    """connect(target, timeout): a TCP connection to the proxy, TLS for wss."""
    def connect(target, timeout):
        sock = socket.create_connection((target['host'], target['port']), timeout)
        if not target['secure']:
            return sock
        context = ssl.create_default_context(cafile=params['ca_path'])
        if not params['validate_certs']:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        try:
            return context.wrap_socket(sock, server_hostname=target['host'])
        except Exception:
            sock.close()
            raise
    return connect


def read_proc_net_tcp():
    texts = []
    for path in PROC_NET_TCP:
        try:
            with open(path) as handle:
                texts.append(handle.read())
        except (IOError, OSError):
            continue
    return texts


def main():
    module = AnsibleModule(
        argument_spec=dict(
            url=dict(type='str', required=True, no_log=True),
            console_type=dict(type='str', required=True, choices=['novnc', 'serial', 'spice']),
            origin=dict(type='str'),
            subprotocols=dict(type='list', elements='str', default=['binary']),
            timeout=dict(type='float', default=10),
            hold=dict(type='float', default=2),
            rfb_init=dict(type='bool', default=True),
            spice_link=dict(type='bool', default=True),
            upstream_ports=dict(type='list', elements='str', default=[]),
            validate_certs=dict(type='bool', default=True),
            ca_path=dict(type='path'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if params['timeout'] <= 0 or params['hold'] < 0:
        module.fail_json(msg='timeout must be more than 0 and hold 0 or more', **empty_result(params['console_type']))
    try:
        result = probe(params, connector(params), read_proc_net_tcp)
    except ConsoleProbeError as exc:
        result = getattr(exc, 'result', None) or empty_result(params['console_type'])
        result['msg'] = '%s: %s' % (params['console_type'], to_native(exc))
        module.fail_json(**result)
    result['msg'] = '%s: %s' % (params['console_type'], result['detail'])
    module.exit_json(changed=False, **result)


if __name__ == '__main__':
    main()
