# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# SPDX-License-Identifier: Apache-2.0
"""The platform table (and, per console type, console_types) is the one place of per-distribution names.

Adding a family is local.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import copy
import io
import os
import re
import tokenize

import pytest

from ansible_collections.novaops.console_migration.plugins.filter.host_platform import host_platform
from ansible_collections.novaops.console_migration.plugins.module_utils import console_settings as cs
from ansible_collections.novaops.console_migration.plugins.module_utils import migration_settings as ms
from ansible_collections.novaops.console_migration.plugins.module_utils import nova_releases as nr
from ansible_collections.novaops.console_migration.plugins.module_utils import platforms

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
TABLE = os.path.join('plugins', 'module_utils', 'platforms.py')
# The proxies' names per family, in the table of each console type.
TABLES = (TABLE, os.path.join('plugins', 'module_utils', 'console_types.py'))

# Names that belong to one family (or to the table's shared section).
NAMES = (
    'nova-compute', 'openstack-nova-compute', 'openstack-nova-common', 'python3-nova',
    'libvirt-daemon-system', 'libvirt-daemon-kvm', 'libvirt-clients', 'libvirt-client',
    'nova-consoleproxy', 'nova-spiceproxy', 'openstack-nova-novncproxy', 'openstack-nova-spicehtml5proxy',
    'openstack-nova-serialproxy', 'openstack-nova-console', 'openstack-nova-vncproxy',
    '/etc/default/nova-consoleproxy', 'NOVA_CONSOLE_PROXY_TYPE', 'NOVA_SERIAL_PROXY_START',
    '/etc/pki/libvirt', '/etc/pki/CA', '/etc/nova/nova.conf', '/etc/libvirt/qemu.conf',
    '/etc/libvirt/auth.conf', '/etc/libvirt/passwd.db', '/etc/sasl2/libvirt.conf',
    '/etc/libvirt/libvirtd.conf', '/etc/libvirt/virtproxyd.conf', '/etc/sysconfig/libvirtd',
    '/etc/default/libvirtd', '/etc/default/libvirt-bin',
    'libvirt-qemu', 'multipath-tools', 'device-mapper-multipath', 'sasl2-bin', 'libsasl2-modules',
    'cyrus-sasl', 'openssh-clients', 'iptables-persistent', 'iptables-services', 'netfilter-persistent',
)
# The QEMU account of the RHEL family, where it is used as an account.
QEMU_ACCOUNT_RE = re.compile(r"""(?:\b(?:user|group|account)\b\W{0,4}|\(['"])qemu\b""")

# (file, name): why the literal stays.  Not platform names there.
ALLOWED = {
    ('playbooks/verify.yml', 'nova-compute'): "nova's API binary name (openstack compute service list)",
    # Module option defaults; the roles and playbooks pass their own values.
    ('plugins/module_utils/steps/account_ids.py', 'nova-compute'): 'default of services (units stopped while re-owning)',
    ('plugins/modules/migration_facts.py', 'libvirt-qemu'): 'default of accounts',
    ('plugins/module_utils/steps/nova_config.py', '/etc/nova/nova.conf'): 'default of path',
    # Messages that quote sources or examples.
    ('plugins/module_utils/account_ids.py', 'libvirt-qemu'): 'example in a message',
    ('plugins/module_utils/nova_releases.py', 'openstack-nova-spicehtml5proxy'): 'UNVERIFIED note',
    ('plugins/module_utils/nova_releases.py', 'openstack-nova-console'): 'UNVERIFIED note',
    ('plugins/module_utils/console_settings.py', 'openstack-nova-vncproxy'): "diablo guide quoted in a warning",
    ('plugins/module_utils/libvirt_listeners.py', '/etc/default/libvirt-bin'): 'error message',
}
# Documentation, not read by any task.
SKIP_FILES = ('README.md', 'argument_specs.yml')


def _python_code(text):
    """The strings and names of a Python file without comments, docstrings and the doc blocks."""
    out, prev, doc_block = [], None, False
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.NAME and tok.string in ('DOCUMENTATION', 'EXAMPLES', 'RETURN') and tok.start[1] == 0:
            doc_block = True
        elif tok.type == tokenize.STRING:
            if doc_block:
                doc_block = False
            elif prev not in (tokenize.INDENT, tokenize.NEWLINE, tokenize.NL, None) or tok.start[1] == 0 and prev is not None \
                    and prev != tokenize.NEWLINE:
                out.append(tok.string)
        elif tok.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.OP):
            doc_block = doc_block and tok.type == tokenize.NAME
        if tok.type not in (tokenize.COMMENT, tokenize.NL):
            prev = tok.type
    return '\n'.join(out)


def _yaml_code(text):
    return '\n'.join(re.sub(r'(^|\s)#.*$', '', line) for line in text.splitlines())


def _sources():
    for top in ('roles', 'playbooks', 'plugins', 'site.yml'):
        path = os.path.join(ROOT, top)
        walk = [(os.path.dirname(path), [], [top])] if os.path.isfile(path) else os.walk(path)
        for dirpath, dummy, files in walk:
            for name in files:
                rel = os.path.relpath(os.path.join(dirpath, name), ROOT)
                if rel in TABLES or name in SKIP_FILES:
                    continue
                if name.endswith('.py'):
                    yield rel, _python_code(open(os.path.join(ROOT, rel), encoding='utf-8').read())
                elif name.endswith(('.yml', '.yaml', '.j2')):
                    yield rel, _yaml_code(open(os.path.join(ROOT, rel), encoding='utf-8').read())


def _literal(code, name):
    return re.search(r'(?<![\w/.-])%s(?![\w-])' % re.escape(name), code) is not None


def test_platform_names_only_in_the_table():
    found = []
    for rel, code in _sources():
        for name in NAMES:
            if _literal(code, name) and (rel, name) not in ALLOWED:
                found.append('%s: %s' % (rel, name))
        if QEMU_ACCOUNT_RE.search(code) and (rel, 'qemu') not in ALLOWED:
            found.append('%s: qemu (account)' % rel)
    assert not found, 'platform names outside %s (add them to the table): %s' % (TABLE, ', '.join(found))


def test_the_scan_sees_code_and_skips_comments():
    assert _literal(_python_code("X = 'nova-compute'  # libvirt-qemu\n"), 'nova-compute')
    assert not _literal(_python_code("X = 1  # nova-compute\n"), 'nova-compute')
    assert not _literal(_python_code('def f():\n    """nova-compute."""\n'), 'nova-compute')
    assert not _literal(_python_code('DOCUMENTATION = r"""\nnova-compute\n"""\n'), 'nova-compute')
    assert _literal(_yaml_code("name: nova-compute  # x\n# libvirt-qemu"), 'nova-compute')
    assert not _literal(_yaml_code("# nova-compute"), 'nova-compute')
    assert not _literal('openstack-nova-compute', 'nova-compute')
    assert QEMU_ACCOUNT_RE.search("{user: qemu, group: qemu}") and QEMU_ACCOUNT_RE.search("('qemu', 'qemu')")
    assert not QEMU_ACCOUNT_RE.search("virt_type qemu")


def test_every_family_has_every_key():
    keys = set(platforms.platform(platforms.families()[0]))
    for family in platforms.families():
        entry = platforms.platform(family)
        assert set(entry) == keys, family
        assert set(entry['packages']) >= {'libvirt', 'multipath', 'sasl', 'ssh'} | set(platforms.FIREWALL_PACKAGES)
        assert set(entry['services']) >= {'ssh'} | set(platforms.FIREWALL_PACKAGES)
        assert entry['package_manager'] in ('apt', 'dnf')


def test_detect_and_release_overrides():
    assert platforms.detect({'os_family': 'Debian', 'distribution': 'Ubuntu'}) == 'ubuntu'
    assert platforms.detect({'os_family': 'Debian', 'distribution': 'Linuxmint'}) == 'debian'
    assert platforms.detect({'os_family': 'RedHat', 'distribution': 'Rocky'}) == 'redhat'
    assert platforms.detect({'os_family': 'Suse'}) is None
    assert host_platform({'os_family': 'Suse'}, 'iptables')['distro'] is None
    assert host_platform({'os_family': 'Debian'}, 'none', '/srv/nova.conf')['nova_conf_path'] == '/srv/nova.conf'
    old = platforms.console_names('redhat', 'nova-spicehtml5proxy', 'icehouse', nr.release_index)
    new = platforms.console_names('redhat', 'nova-spicehtml5proxy', 'juno', nr.release_index)
    assert (old['package'], new['package']) == ('openstack-nova-console', 'openstack-nova-spicehtml5proxy')
    with pytest.raises(ValueError):
        platforms.platform('gentoo')


def test_nova_release_default_packages_unchanged():
    assert platforms.nova_packages() == ['nova-common', 'openstack-nova-common', 'python3-nova', 'nova-compute',
                                         'openstack-nova-compute', 'openstack-nova']


def test_diablo_rpm_is_one_openstack_nova_package():
    # Fedora openstack-nova 2011.3 spec: "Collapse all sub-packages into openstack-nova".
    assert platforms.platform('redhat')['nova_packages'][-1] == 'openstack-nova'


@pytest.fixture
def fake_family(monkeypatch):
    """A family 'acme' added only to the table."""
    entry = copy.deepcopy(platforms.PLATFORMS['redhat'])
    entry.update({
        'match': {'os_family': 'Acme'},
        'package_manager': 'dnf',
        'compute_service': 'acme-nova-compute',
        'qemu_account': {'user': 'acme-qemu', 'group': 'acme-kvm'},
        'until': (),
        'console_default_file': {'path': '/etc/acme/consoles', 'type_key': 'ACME_TYPE',
                                 'types': {'novnc': 'vnc', 'spice': 'spice'}, 'serial_key': 'ACME_SERIAL'},
        'exclusive_console_types': ('novnc', 'spice'),
    })
    entry['packages'] = dict(entry['packages'], libvirt=('acme-libvirt',), iptables=('acme-iptables',))
    entry['services'] = dict(entry['services'], iptables=('acme-iptables',))
    entry['console'] = dict(entry['console'], **{'nova-novncproxy': ('acme-consoles', 'acme-novnc'),
                                                 'nova-serialproxy': ('acme-consoles', 'acme-serial')})
    monkeypatch.setitem(platforms.PLATFORMS, 'acme', entry)
    return 'acme'


def test_a_family_added_to_the_table_only_is_planned(fake_family):
    record = host_platform({'os_family': 'Acme'}, 'iptables')
    assert record['distro'] == fake_family
    assert (record['firewall_packages'], record['firewall_services']) == (['acme-iptables'], ['acme-iptables'])
    assert record['qemu_account'] == {'user': 'acme-qemu', 'group': 'acme-kvm'}

    proxy = cs.console_plan({'role': 'console_proxy', 'distro': fake_family, 'novaops_release': 'zed',
                             'novaops_console_types': ['novnc', 'serial']})
    assert proxy['packages'] == ['acme-consoles']
    assert proxy['services']['enable'] == ['acme-novnc', 'acme-serial']
    assert proxy['debian_default'] == {'path': '/etc/acme/consoles',
                                       'values': {'ACME_TYPE': 'vnc', 'ACME_SERIAL': 'true'}}
    with pytest.raises(cs.SettingsError, match='ACME_TYPE'):
        cs.console_plan({'role': 'console_proxy', 'distro': fake_family, 'novaops_release': 'zed',
                         'novaops_console_types': ['novnc', 'spice']})

    compute = cs.console_plan({'role': 'compute_console', 'distro': fake_family, 'novaops_release': 'zed',
                               'compute_console_management_address': '192.168.1.11',
                               'compute_console_proxy_addresses': ['192.168.1.1'],
                               'compute_console_novncproxy_base_url': 'http://192.0.2.1:6080/vnc_auto.html'})
    assert compute['restart_on_change'] == ['acme-nova-compute']

    migration = ms.migration_plan({'distro': fake_family, 'novaops_release': 'zed',
                                   'live_migration_address': '192.168.2.11'})
    assert migration['packages'][0] == 'acme-libvirt'
    assert migration['restart_on_change'] == ['acme-nova-compute']
    assert (migration['ids']['qemu_user'], migration['ids']['qemu_group']) == ('acme-qemu', 'acme-kvm')
