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
  - "C(nova) results are dicts with C(check) and C(ok): C(check=server) with C(name), C(status) and C(host);
    C(check=console) with C(type) and C(detail) (what M(novaops.console_migration.console_probe) proved);
    C(check=migration) with C(from) and C(to) (the compute services' host names); C(check=skip) for checks that did
    not run, a line starting with C(skip). A failed check has a C(reason)."
options:
  _input:
    description: The result.
    type: raw
    required: true
  kind:
    description: Which check the result belongs to.
    type: str
    choices: [url, libvirt, canary, nova]
    required: true
"""

EXAMPLES = r"""
- name: Summarise URL checks
  ansible.builtin.debug:
    msg: "{{ results | map('novaops.console_migration.verify_line', 'url') | list }}"
"""

RETURN = r"""
_value:
  description:
    - The line, for example V(ok   console http://proxy1:6080/vnc_auto.html from compute1 (200\)) or
      V(ok   nova live migration compute1 -> compute2).
  type: str
"""

from ansible.errors import AnsibleFilterError


def _mark(ok):
    return 'ok  ' if ok else 'FAIL'


def _reason(result):
    text = str(result.get('reason') or 'failed').strip()
    return text.splitlines()[-1].strip() if text else 'failed'


def _nova_line(result):
    check = result.get('check')
    if check == 'skip':
        return 'skip nova checks: %s' % _reason(result)
    ok = bool(result.get('ok'))
    if check == 'server':
        subject = 'server %s' % result.get('name', '?')
        detail = '%s on %s' % (result.get('status', '?'), result.get('host', '?'))
    elif check == 'console':
        subject = 'console %s' % result.get('type', '?')
        detail = '(%s)' % result.get('detail', '')
    elif check == 'migration':
        subject = 'live migration %s -> %s' % (result.get('from', '?'), result.get('to', '?'))
        detail = ''
    else:
        raise AnsibleFilterError('verify_line: a nova result needs check server, console, migration or skip, not %r'
                                 % (check,))
    if not ok:
        return '%s nova %s: %s' % (_mark(ok), subject, _reason(result))
    return ('%s nova %s %s' % (_mark(ok), subject, detail)).rstrip()


def verify_line(result, kind):
    """Summary line of one verify.yml check result."""
    if kind == 'canary':
        text = str(result)
        ok = text.startswith('ok')
        return '%s canary migration %s' % (_mark(ok), text.split(': ', 1)[-1])
    if not isinstance(result, dict):
        raise AnsibleFilterError('verify_line: expected a registered result, got %r' % (result,))
    if kind == 'nova':
        return _nova_line(result)
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
    raise AnsibleFilterError('verify_line: kind must be url, libvirt, canary or nova, not %r' % (kind,))


class FilterModule(object):
    """verify.yml summary lines."""

    def filters(self):
        return {'verify_line': verify_line}
