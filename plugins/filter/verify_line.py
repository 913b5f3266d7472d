# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r"""
name: verify_line
short_description: One summary line of a verify.yml check
version_added: 1.0.0
author: novaops maintainers (@novaops)
description:
  - Turns one registered result of C(playbooks/verify.yml) into a line starting with C(ok) or C(FAIL).
  - C(url) results come from M(ansible.builtin.uri) with an added C(from) key; an http(s) URL must answer
    200, a ws(s) URL (the serial proxy) any HTTP status.
  - C(libvirt) results come from C(virsh -c URI version) with an added C(from) key.
  - "C(canary) results are the strings C(ok: a -> b -> a) or C(FAILED: reason)."
options:
  _input:
    description: The result.
    type: raw
    required: true
  kind:
    description: Which check the result belongs to.
    type: str
    choices: [url, libvirt, canary]
    required: true
"""

EXAMPLES = r"""
- name: Summarise URL checks
  ansible.builtin.debug:
    msg: "{{ results | map('novaops.console_migration.verify_line', 'url') | list }}"
"""

RETURN = r"""
_value:
  description: The line, for example V(ok   console http://proxy1:6080/vnc_auto.html from compute1 (200\)).
  type: str
"""

from ansible.errors import AnsibleFilterError


def _mark(ok):
    return 'ok  ' if ok else 'FAIL'


def verify_line(result, kind):
    """Summary line of one verify.yml check result."""
    if kind == 'canary':
        text = str(result)
        ok = text.startswith('ok')
        return '%s canary migration %s' % (_mark(ok), text.split(': ', 1)[-1])
    if not isinstance(result, dict):
        raise AnsibleFilterError('verify_line: expected a registered result, got %r' % (result,))
    origin = result.get('from', '?')
    if kind == 'url':
        url = str(result.get('item', ''))
        status = result.get('status', -1)
        if url.startswith('http'):
            ok = status == 200
        else:
            ok = isinstance(status, int) and 100 <= status < 500
        detail = status if isinstance(status, int) and status > 0 else (result.get('msg') or 'no answer')
        return '%s console %s from %s (%s)' % (_mark(ok), url, origin, detail)
    if kind == 'libvirt':
        ok = result.get('rc') == 0
        line = '%s libvirt %s -> %s' % (_mark(ok), origin, result.get('item', '?'))
        if not ok:
            line += ': %s' % (result.get('stderr') or result.get('msg') or 'failed').strip().splitlines()[-1]
        return line
    raise AnsibleFilterError('verify_line: kind must be url, libvirt or canary, not %r' % (kind,))


class FilterModule(object):
    """verify.yml summary lines."""

    def filters(self):
        return {'verify_line': verify_line}
