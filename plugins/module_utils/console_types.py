# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""The console types: one table per type, everything the collection knows of it.

Pure data and lookups, no imports, Python 3.6 compatible.
:mod:`nova_releases` (releases, services, option defaults), :mod:`platforms`
(package and unit names per family), :mod:`role_defaults` (the per-type
role variables) and :mod:`console_settings` (validation and plans) take
every per-type fact from here.

Adding a console type is one entry in :data:`TYPES` (and its variables in
the roles' ``meta/argument_specs.yml``; their defaults come from here, so
``defaults/main.yml`` may leave them out).  An entry has:

* ``family``: the nova.conf group of ``nova_releases.features()``
  (``vnc``, ``spice``, ``serial`` or a new one) whose ``enabled`` option
  turns the type on on the compute hosts (see :data:`FAMILIES`).
* ``graphical``: instance displays in ``compute_console_vnc_port_range``.
* ``label``: how messages name the proxy.
* ``services``: the proxy services, each with its release span (first,
  last; None open-ended), its package and unit per distribution family
  (``None``: no package known), optional ``until`` overrides per family
  (``(last release, (package, unit))``) and ``clean_up``: after its last
  release it is disabled on ``every`` later release or only the ``next``.
* ``proxy_options``: the family's option keys of the proxy's listen
  address and port; ``url_option``: the family's key of the client URL.
* ``port``, ``scheme``, ``path``: nova's default proxy port and URL
  (``nova_releases.features()['defaults']`` under ``url_option``, or
  ``default_key``, and the port key; ``defaults``: more of them).
* ``built_paths``: ``((first release, path), ...)``, the path of the URL the
  collection builds from that release on (``path`` before).
* ``query_from``: the first release that keeps a query string of the URL
  (nova appends ``?token=`` otherwise; none: never).
* ``url_var``: the compute_console variable of the URL (the proxy
  variables are ``console_proxy_<type>_host`` and ``_port``).
* ``default_file``: per family, the value of the shared proxy package's
  default file selecting this proxy (``platforms`` ``console_default_file``).
* ``options`` (a new family only): ``{key: ((first release, (section,
  option) or None), ...)}``, the option's location from each release on.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

# Sources of the spans: nova release notes and trees, see nova_releases.
# Package names: puppet-nova manifests/params.pp, Ubuntu manpages, RDO
# openstack-nova.spec (%files sections); diablo's nova-vncproxy from the
# diablo install guide (Debian by analogy).
TYPES = (
    {
        'name': 'novnc',
        'family': 'vnc',
        'graphical': True,
        'label': 'nova-novncproxy',
        'services': (
            # Diablo nova-vncproxy (nova/vnc/server.py); essex vncconsole.rst FAQ:
            # "nova-vncproxy was removed from the nova source tree", replaced by
            # nova-novncproxy "provided by an external project" (noVNC).
            {'name': 'nova-vncproxy', 'span': ('diablo', 'diablo'), 'clean_up': 'next',
             'names': {'debian': ('nova-vncproxy', 'nova-vncproxy'), 'ubuntu': ('nova-vncproxy', 'nova-vncproxy'),
                       # Fedora's 2011.3 openstack-nova.spec: one openstack-nova package
                       'redhat': ('openstack-nova', 'openstack-nova-vncproxy')}},
            {'name': 'nova-novncproxy', 'span': ('essex', None),
             'names': {'debian': ('nova-consoleproxy', 'nova-novncproxy'),
                       'ubuntu': ('nova-novncproxy', 'nova-novncproxy'),
                       'redhat': ('openstack-nova-novncproxy', 'openstack-nova-novncproxy')}},
        ),
        'proxy_options': ('novncproxy_host', 'novncproxy_port'),
        'url_option': 'novncproxy_base_url',
        'port': 6080, 'scheme': 'http', 'path': '/vnc_auto.html',
        # RN 18.0.0 (deprecate-keymap-options, upgrade): noVNC 1.0.0 has no
        # vnc_auto.html, use vnc_lite.html (nova's own default stays vnc_auto).
        'built_paths': (('rocky', '/vnc_lite.html'),),
        # 31.0.0 "Respect supplied arguments in novncproxy_base_url"
        # (console_auth_token.access_url keeps the base URL's query).
        'query_from': 'epoxy',
        'url_var': 'compute_console_novncproxy_base_url',
        'default_file': {'debian': 'novnc'},
    },
    {
        'name': 'xvpvnc',
        'family': 'vnc',
        'graphical': True,
        'label': 'nova-xvpvncproxy',
        'services': (
            # "ships with nova" (essex vncconsole.rst FAQ); RN 21.0.0
            # remove-nova-xvpvncproxy: deprecated since 19.0.0 (Stein), removed
            # with [vnc] xvpvncproxy_base_url/host/port.
            # Debian: in nova-consoleproxy up to train (changelog 2:21.0.0~rc1-1 removes it).
            {'name': 'nova-xvpvncproxy', 'span': ('essex', 'train'), 'clean_up': 'every',
             'names': {'debian': ('nova-consoleproxy', 'nova-xvpvncproxy'),
                       'ubuntu': ('nova-xvpvncproxy', 'nova-xvpvncproxy'),
                       'redhat': ('openstack-nova-console', 'openstack-nova-xvpvncproxy')}},
        ),
        'proxy_options': ('xvpvncproxy_host', 'xvpvncproxy_port'),
        'url_option': 'xvpvncproxy_base_url',
        'port': 6081, 'scheme': 'http', 'path': '/console',
        'url_var': 'compute_console_xvpvncproxy_base_url',
        'default_file': {'debian': 'xvpvnc'},
    },
    {
        'name': 'spice',
        'family': 'spice',
        'graphical': True,
        'label': 'the SPICE HTML5 proxy',
        'services': (
            # nova/spice/__init__.py and bin/nova-spicehtml5proxy: grizzly (2013.1).
            {'name': 'nova-spicehtml5proxy', 'span': ('grizzly', None),
             'names': {'debian': ('nova-consoleproxy', 'nova-spicehtml5proxy'),
                       'ubuntu': ('nova-spiceproxy', 'nova-spiceproxy'),
                       'redhat': ('openstack-nova-spicehtml5proxy', 'openstack-nova-spicehtml5proxy')},
             # puppet-nova's older params.pp: the SPICE proxy in openstack-nova-console.
             'until': {'redhat': (('icehouse', ('openstack-nova-console', 'openstack-nova-spicehtml5proxy')),)}},
        ),
        'proxy_options': ('html5proxy_host', 'html5proxy_port'),
        'url_option': 'html5proxy_base_url',
        'port': 6082, 'scheme': 'http', 'path': '/spice_auto.html',
        'url_var': 'compute_console_spice_base_url',
        'default_file': {'debian': 'spicehtml5'},
    },
    {
        'name': 'serial',
        'family': 'serial',
        'graphical': False,
        'label': 'the serial console proxy',
        'services': (
            # openstack-manuals admin guide: "OpenStack Juno and later supports
            # read-write access using the serial console" (nova-serialproxy).
            {'name': 'nova-serialproxy', 'span': ('juno', None),
             'names': {'debian': ('nova-consoleproxy', 'nova-serialproxy'),
                       'ubuntu': ('nova-serialproxy', 'nova-serialproxy'),
                       'redhat': ('openstack-nova-serialproxy', 'openstack-nova-serialproxy')}},
        ),
        'proxy_options': ('serialproxy_host', 'serialproxy_port'),
        'url_option': 'base_url',
        'default_key': 'serial_base_url',
        'defaults': {'serial_port_range': '10000:20000'},
        'port': 6083, 'scheme': 'ws', 'path': '/',
        'url_var': 'compute_console_serial_base_url',
    },
)

# The compute host side of each family: what the plan writes when one of
# its types is on, in order, each from the planner's context ('urls': the
# URLs of the family's enabled types; 'listen', 'serial_listen', 'mgmt',
# 'serial_range': the checked addresses and range).
FAMILIES = {
    'vnc': (('server_listen', 'listen'), ('server_proxyclient_address', 'mgmt'), 'urls'),
    'spice': ('urls', ('server_listen', 'listen'), ('server_proxyclient_address', 'mgmt')),
    'serial': ('urls', ('listen', 'serial_listen'), ('proxyclient_address', 'mgmt'), ('port_range', 'serial_range')),
}

BY_NAME = dict((entry['name'], entry) for entry in TYPES)
NAMES = tuple(entry['name'] for entry in TYPES)


def get(name):
    """The entry of console type ``name`` (KeyError for an unknown one)."""
    return BY_NAME[name]


def services():
    """Every proxy service entry, in table order, with its type's name as ``type``."""
    out = []
    for entry in TYPES:
        for service in entry['services']:
            out.append(dict(service, type=entry['name']))
    return out


def service(name):
    """The service entry ``name`` (with ``type``), or None."""
    for entry in services():
        if entry['name'] == name:
            return entry
    return None


def host_var(name):
    return 'console_proxy_%s_host' % name


def port_var(name):
    return 'console_proxy_%s_port' % name


def default_url(name, host='127.0.0.1'):
    """nova's default URL of the type, or the one built for ``host`` (IPv6 in brackets)."""
    entry = get(name)
    shown = '[%s]' % host if ':' in host else host
    return '%s://%s:%d%s' % (entry['scheme'], shown, entry['port'], entry['path'])


def built_url(name, host, at_least):
    """The URL built for ``host`` on a release; ``at_least(first)`` tells whether it is ``first`` or newer."""
    entry = get(name)
    path = entry['path']
    for first, later in entry.get('built_paths', ()):
        if at_least(first):
            path = later
    return default_url(name, host)[:-len(entry['path'])] + path


def url_example(name):
    return 'e.g. %s' % built_url(name, '203.0.113.10', lambda first: True)


def family_names(family):
    """Names, package and unit per service of ``family``: ``{service: (package, unit)}``."""
    return dict((s['name'], s['names'].get(family, (None, None))) for s in services())


def family_until(family):
    """The ``until`` overrides of ``family`` as platform patches: ``((last, {'console': {...}}), ...)``."""
    out = []
    for entry in services():
        for last, names in entry.get('until', {}).get(family, ()):
            out.append((last, {'console': {entry['name']: names}}))
    return tuple(out)


def missing(family):
    """The types no package of ``family`` provides."""
    return tuple(entry['name'] for entry in TYPES
                 if all(s['names'].get(family, (None, None))[0] is None for s in entry['services']))


def default_file_types(family):
    """``{type: value}`` of the family's shared proxy default file."""
    return dict((entry['name'], entry['default_file'][family]) for entry in TYPES
                if family in entry.get('default_file', {}))
