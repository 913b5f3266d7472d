# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# SPDX-License-Identifier: Apache-2.0
"""Which libvirt units a changed file restarts, per daemon layout."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible_collections.novaops.console_migration.plugins.module_utils import libvirt_layout as ll
from ansible_collections.novaops.console_migration.plugins.module_utils import migration_settings as ms


@pytest.mark.parametrize('layout, changed, units', [
    # Debian 12 (socket activated libvirtd) and libvirtd without sockets: the service, as before.
    ('socket', ['qemu_conf'], ['libvirtd']),
    ('socket', ['tls'], ['libvirtd']),
    ('socket', ['sasl'], ['libvirtd']),
    ('socket', ['qemu_conf', 'tls'], ['libvirtd']),
    ('legacy', ['qemu_conf', 'sasl'], ['libvirtd']),
    # Modular: qemu.conf is virtqemud's, the TLS and SASL server side virtproxyd's.
    ('modular', ['qemu_conf'], ['virtqemud']),
    ('modular', ['tls'], ['virtproxyd']),
    ('modular', ['sasl'], ['virtproxyd']),
    ('modular', ['qemu_conf', 'tls', 'sasl'], ['virtqemud', 'virtproxyd']),
    # Nothing changed: nothing restarts (a second run reports no change).
    ('socket', [], []),
    ('modular', [], []),
])
def test_restart_units(layout, changed, units):
    assert ll.restart_units(layout, changed) == units


@pytest.mark.parametrize('changed', [['qemu_conf'], ['tls'], ['sasl'], ['qemu_conf', 'tls', 'sasl']])
def test_modular_never_restarts_libvirtd(changed):
    assert not any(u.startswith('libvirtd') for u in ll.restart_units('modular', changed))


def test_unknown_layout_and_change_are_refused():
    with pytest.raises(ValueError):
        ll.restart_units('auto', ['tls'])
    with pytest.raises(ValueError):
        ll.restart_units('socket', ['nova_conf'])


def test_the_plan_carries_the_table_for_every_layout():
    result = ms.migration_plan({'distro': 'debian', 'novaops_release': 'zed', 'live_migration_address': '192.168.2.11'})
    table = result['libvirt_restart']
    assert sorted(table) == sorted(ll.CHANGES)
    for layout in ll.LAYOUTS:
        for change in ll.CHANGES:
            assert table[change][layout] == ll.restart_units(layout, [change])
    # The table is a copy: changing it does not change the next plan.
    table['tls']['socket'].append('x')
    assert ll.restart_table()['tls']['socket'] == ['libvirtd']


def test_socket_activation_from_libvirt_5_6_modular_from_5_7():
    # libvirtd-tcp/tls.socket: libvirt 5.6.0; NEWS v5.7.0 "Experimental split of libvirtd".
    assert ll.since('socket') == '5.6' and ll.since('modular') == '5.7'
    assert ll.layout_for('5.5.0') == 'legacy'
    assert ll.layout_for('5.6.0') == 'socket'
    assert ll.layout_for('4.5.0') == 'legacy'       # RHEL 7
    assert ll.layout_for('0.9.2') == 'legacy'       # Ubuntu 11.10 (diablo)
    assert ll.layout_for('11.3.0') == 'socket'      # Debian 13 (epoxy)
    assert ll.layout_for('11.3.0', modular=True) == 'modular'
    assert ll.layout_for('5.6.0', modular=True) == 'socket'
    assert ll.layout_for('9.0.0', systemd=False) == 'legacy'
    with pytest.raises(ValueError):
        ll.parse_version('nine')
