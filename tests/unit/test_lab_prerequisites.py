# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""Every Debian package the lab names as a fix is one scripts/setup.sh installs."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import re

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
PKG = r'[a-z0-9][a-z0-9.+-]+'


def _read(*parts):
    with open(os.path.join(ROOT, *parts)) as f:
        return f.read()


def setup_packages(text):
    """The packages scripts/setup.sh names: APT_PACKAGES and CNI_DNS_PACKAGE."""
    apt = re.search(r'^APT_PACKAGES=\(([^)]*)\)', text, re.M)
    cni = re.search(r'^CNI_DNS_PACKAGE=(%s)$' % PKG, text, re.M)
    assert apt and cni, 'scripts/setup.sh lost APT_PACKAGES or CNI_DNS_PACKAGE'
    return set(apt.group(1).split()) | set([cni.group(1)])


def suggested_packages(text):
    """Every package in an 'apt-get install ...' fix text."""
    found = set()
    for m in re.finditer(r'apt-get install ((?:%s ?)+)' % PKG, text):
        found.update(w for w in m.group(1).split() if not w.startswith('$'))
    return found


def test_parsers_see_the_packages():
    assert setup_packages('APT_PACKAGES=(podman runc)\nCNI_DNS_PACKAGE=dnsname-x\n') == \
        set(['podman', 'runc', 'dnsname-x'])
    assert suggested_packages('"fix: apt-get install netavark aardvark-dns (scripts/setup.sh)"') == \
        set(['netavark', 'aardvark-dns'])


def test_lab_fixes_name_only_packages_setup_installs():
    named = setup_packages(_read('scripts', 'setup.sh'))
    assert suggested_packages(_read('lab', 'lab.sh')) >= set(['podman', 'runc', 'netavark', 'aardvark-dns'])
    for rel in (('lab', 'lab.sh'), ('lab', 'README.md'), ('lab', 'image', 'recipe.sh')):
        suggested = suggested_packages(_read(*rel))
        missing = suggested - named
        assert not missing, '%s suggests %s, which scripts/setup.sh does not install' % (
            '/'.join(rel), ', '.join(sorted(missing)))


def test_doctor_checks_each_prerequisite():
    lab = _read('lab', 'lab.sh')
    body = lab[lab.index('cmd_doctor() {'):]
    body = body[:body.index('\n}\n')]
    for what in ('root', 'podman', 'runtime', 'dns', 'iptables', 'nofile', 'nproc',
                 'debootstrap', 'disk', 'mirror'):
        assert re.search(r'row (?:ok|MISSING) %s ' % what, body), 'doctor does not report %s' % what
