# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""What the nova_release module does, callable in-process with any AnsibleModule."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re

from ansible.module_utils.common.text.converters import to_native

from ansible_collections.novaops.console_migration.plugins.module_utils.common import run_c
from ansible_collections.novaops.console_migration.plugins.module_utils.nova_releases import release_from_version
from ansible_collections.novaops.console_migration.plugins.module_utils.platforms import nova_packages

DEFAULT_PACKAGES = nova_packages()
# Debian policy and rpm both allow these characters; a leading '-' would be
# an option, glob characters a pattern.
PACKAGE_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9+._~-]*$')

DPKG_FORMAT = '${Package}\\t${Status}\\t${Version}\\n'
# dpkg status words (man dpkg-query, --showformat ${Status}) whose files are
# installed and configured.
DPKG_INSTALLED = frozenset(['installed', 'triggers-awaited', 'triggers-pending'])
RPM_FORMAT = '%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\n'
DNF_FORMAT = '%{name} %{epoch}:%{version}-%{release}\\n'
# dnf4 ends every package with a newline, dnf5 prints the format as given;
# a literal "\n" that one of them did not expand is cut off here too.
DNF_LINE_RE = re.compile(r'(?m)^(\S+) (\d+):([^\s\\]+)')


class NovaReleaseError(Exception):
    pass


def drop_zero_epoch(version):
    return version[2:] if version.startswith('0:') else version


def first_in_order(packages, found):
    for name in packages:
        if found.get(name):
            return name, found[name]
    return None, None


def installed_dpkg(module, dpkg_query, packages):
    rc, out, err = run_c(module, [dpkg_query, '-W', '--showformat=' + DPKG_FORMAT] + packages)
    # rc 1: some packages are unknown to dpkg ("no packages found matching").
    if rc not in (0, 1):
        raise NovaReleaseError('dpkg-query failed (rc=%d): %s' % (rc, (err or out).strip()))
    found = {}
    for line in out.splitlines():
        fields = line.split('\t')
        if len(fields) != 3:
            continue
        name, status, version = (f.strip() for f in fields)
        words = status.split()
        if len(words) == 3 and words[1] == 'ok' and words[2] in DPKG_INSTALLED and version:
            found.setdefault(name.split(':')[0], version)
    return found


def installed_rpm(module, rpm, packages):
    rc, out, err = run_c(module, [rpm, '-q', '--qf', RPM_FORMAT] + packages)
    # rc is the number of packages that are not installed ("package X is not
    # installed" on stdout); real errors go to stderr.
    if rc != 0 and err.strip():
        raise NovaReleaseError('rpm -q failed (rc=%d): %s' % (rc, err.strip()))
    found = {}
    for line in out.splitlines():
        fields = line.strip().split('\t')
        if len(fields) == 2 and re.match(r'^\d+:\S+$', fields[1]):
            found.setdefault(fields[0], drop_zero_epoch(fields[1]))
    return found


def package_manager(module):
    """The host's package database and its query command: dpkg (dpkg-query) where it exists, else rpm.

    (None, None) on a host with neither.
    """
    dpkg_query = module.get_bin_path('dpkg-query')
    if dpkg_query:
        return 'dpkg', dpkg_query
    rpm = module.get_bin_path('rpm')
    return ('rpm', rpm) if rpm else (None, None)


def installed_versions(module, manager, query, packages):
    """{name: version} of the installed ``packages``, from one call of ``query`` (see package_manager)."""
    return (installed_dpkg if manager == 'dpkg' else installed_rpm)(module, query, packages)


def candidate_apt(module, packages):
    apt_cache = module.get_bin_path('apt-cache')
    if not apt_cache:
        return {}
    rc, out, err = run_c(module, [apt_cache, 'policy'] + packages)
    if rc != 0:
        module.warn('apt-cache policy failed (rc=%d), no candidate version: %s' % (rc, (err or out).strip()))
        return {}
    found = {}
    name = None
    for line in out.splitlines():
        if line and not line[0].isspace() and line.rstrip().endswith(':'):
            name = line.rstrip()[:-1].split(':')[0]
            continue
        key, sep, value = line.strip().partition(':')
        if name and sep and key == 'Candidate':
            value = value.strip()
            if value and value != '(none)':
                found.setdefault(name, value)
    return found


def candidate_dnf(module, dnf, packages):
    rc, out, err = run_c(module, [dnf, '-q', '--cacheonly', 'repoquery', '--latest-limit', '1',
                                  '--queryformat', DNF_FORMAT] + packages)
    if rc != 0:
        module.warn('dnf repoquery failed (rc=%d), no candidate version: %s' % (rc, (err or out).strip()))
        return {}
    found = {}
    for name, epoch, rest in DNF_LINE_RE.findall(out):
        found.setdefault(name, drop_zero_epoch('%s:%s' % (epoch, rest)))
    return found


def candidate_yum(module, yum, packages):
    rc, out, err = run_c(module, [yum, '-q', '--cacheonly', 'info'] + packages)
    if rc != 0:
        module.warn('yum info failed (rc=%d), no candidate version: %s' % (rc, (err or out).strip()))
        return {}
    found = {}
    fields = {}
    for line in out.splitlines() + ['']:
        key, sep, value = line.partition(':')
        if sep and key.strip():
            fields[key.strip().lower()] = value.strip()
            continue
        if fields.get('name') and fields.get('version') and fields.get('release'):
            version = '%s-%s' % (fields['version'], fields['release'])
            if fields.get('epoch', '0') not in ('', '0'):
                version = '%s:%s' % (fields['epoch'], version)
            found.setdefault(fields['name'], version)
        fields = {}
    return found


def candidate_rpm(module, packages):
    dnf = module.get_bin_path('dnf') or module.get_bin_path('dnf5')
    if dnf:
        return candidate_dnf(module, dnf, packages)
    yum = module.get_bin_path('yum')
    if yum:
        return candidate_yum(module, yum, packages)
    return {}


ARGUMENT_SPEC = dict(
    packages=dict(type='list', elements='str', default=DEFAULT_PACKAGES),
)

MODULE_OPTIONS = dict(
    supports_check_mode=True,
)


def run(module):
    """Do the task with ``module``; return the result instead of exiting."""
    result = dict(changed=False, installed=False, package=None, version=None, candidate_version=None,
                  release=None, source=None, package_manager=None)

    packages = []
    for name in module.params['packages']:
        if not PACKAGE_RE.match(name or ''):
            module.fail_json(msg='invalid package name %r: expected a plain package name such as nova-common' % (name,),
                             **result)
        if name not in packages:
            packages.append(name)
    if not packages:
        module.fail_json(msg='packages must not be empty', **result)

    manager, query = package_manager(module)
    if not manager:
        module.fail_json(msg='nova_release needs dpkg-query or rpm, found neither', **result)
    result['package_manager'] = manager

    try:
        installed = installed_versions(module, manager, query, packages)
    except NovaReleaseError as exc:
        module.fail_json(msg=to_native(exc), **result)

    package, version = first_in_order(packages, installed)
    if package:
        result.update(installed=True, package=package, version=version, source='installed')
    else:
        candidates = candidate_apt(module, packages) if manager == 'dpkg' else candidate_rpm(module, packages)
        package, version = first_in_order(packages, candidates)
        if package:
            result.update(package=package, candidate_version=version, source='candidate')

    if version:
        warnings = []
        try:
            result['release'] = release_from_version(version, warnings)
            for text in warnings:
                module.warn(text)
        except ValueError:
            module.warn('cannot map version %s of %s to a Nova release; release is null' % (version, package))

    release = ' (%s)' % result['release'] if result['release'] else ' (unknown release)'
    if result['source'] == 'installed':
        result['msg'] = '%s %s is installed%s' % (package, version, release)
    elif result['source'] == 'candidate':
        result['msg'] = 'none of %s is installed; %s %s would be installed%s' % (
            ', '.join(packages), package, version, release)
    else:
        result['msg'] = 'none of %s is installed or available from the repositories' % ', '.join(packages)
    return result
