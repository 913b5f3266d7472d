#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r"""
module: service_set
author: "novaops maintainers (@novaops)"
short_description: Start, stop and restart a set of systemd services in one task
version_added: 1.0.0
description:
  - Puts a whole set of systemd units in the wanted state in one task, instead of one M(ansible.builtin.systemd_service)
    task per unit.
  - The state of every named unit is read with one C(systemctl show) call. Then only the commands that are needed are
    run, each for all the units it applies to, in this order; C(systemctl disable --now) and C(systemctl stop) for
    O(stopped), C(systemctl enable --now) and C(systemctl start) for O(started), C(systemctl restart) for O(restarted).
    Stopping comes first because a replaced service may hold the port of its successor (for example C(nova-vncproxy) and
    C(nova-novncproxy) both listen on 6080).
  - A unit counts as enabled when its unit file state is V(enabled), V(enabled-runtime), V(static), V(indirect),
    V(generated), V(transient) or V(alias), or empty. Only V(disabled), V(linked) and V(linked-runtime) units are
    enabled, so that units which cannot be enabled (no C([Install]) section, activated through a socket or another unit
    named in C(Also=), made by a generator) never make the task report a change.
  - Units generated from a SysV init script (unit file state V(generated), for example on Debian when a package only
    ships C(/etc/init.d/NAME)) are the exception. For them the module asks C(systemctl is-enabled UNIT), which
    systemctl hands over to C(systemd-sysv-install), and enables or disables them through C(systemctl enable) or
    C(systemctl disable), which run C(update-rc.d) there. Because C(systemctl enable --now) only starts native units,
    such units are started or stopped with a separate C(systemctl start) or C(systemctl stop).
  - The module never masks or unmasks units.
  - Only systemd is supported; the module fails on hosts where C(/run/systemd/system) does not exist.
extends_documentation_fragment:
  - novaops.console_migration.attributes
attributes:
  check_mode:
    details:
      - Runs only C(systemctl show) and C(systemctl is-enabled), and reports what would change. O(daemon_reload) is not
        run.
  diff_mode:
    details:
      - 'One line C(UNIT: ACTIVE/ENABLED) per named unit before and after; V((restarted\)) is added to the units
        restarted.'
options:
  started:
    description:
      - Units to enable and start.
      - Every unit must exist. A unit that is not found, is masked or cannot be loaded makes the module fail, naming all
        such units, before anything is changed.
      - In check mode a unit that is not found only gives a warning and is reported as to be started, because the
        task that would install its package did not run either. Units generated from SysV init scripts also only
        appear after a C(systemctl daemon-reload), which check mode does not run.
      - A name without a unit type suffix means a C(.service) unit, as with systemctl.
    type: list
    elements: str
    default: []
  stopped:
    description:
      - Units to stop and disable, if they exist.
      - Units that do not exist are fine and are reported in RV(skipped_units). This is meant for cleaning up services
        that a release or console choice no longer has.
      - Masked units stay masked; they are stopped if they are running. Units enabled only in C(/run)
        (V(enabled-runtime)) are stopped but not disabled.
      - A unit may not be in both O(started) and O(stopped).
    type: list
    elements: str
    default: []
  restarted:
    description:
      - Units to restart, only if O(restart=true).
      - Units that do not exist or are masked are skipped and reported in RV(skipped_units), so one list can serve hosts
        with and without, for example, C(nova-compute).
      - Units that this same task starts (listed in O(started) and not running before) are not restarted again.
      - A unit may not be in both O(restarted) and O(stopped).
    type: list
    elements: str
    default: []
  restart:
    description:
      - Whether to restart the units of O(restarted), typically V("{{ config_result is changed }}").
    type: bool
    default: false
  daemon_reload:
    description:
      - Run C(systemctl daemon-reload) before reading the states of the units, for example after a unit file or a
        drop-in changed.
      - Does not make the task report a change.
    type: bool
    default: false
notes:
  - Units that fail to start make the module fail with the error of systemctl and the last 20 lines of
    C(journalctl -u UNIT) of each unit that is not running. After the changes the states are read again, and a unit of
    O(started) that is then V(failed) or waiting for an automatic restart also fails the task.
  - O(started) is meant for long-running services. A C(Type=oneshot) unit without C(RemainAfterExit=yes) is inactive
    again after it ran, so it would be started on every run.
seealso:
  - module: ansible.builtin.systemd_service
  - module: ansible.builtin.service
"""

EXAMPLES = r"""
- name: Run the noVNC proxy and clean up the proxies of other console types
  novaops.console_migration.service_set:
    started:
      - nova-novncproxy
    stopped:
      - nova-spicehtml5proxy
      - nova-serialproxy
      - nova-consoleauth
      - nova-xvpvncproxy

- name: Restart the nova services after a configuration change
  novaops.console_migration.service_set:
    started: "{{ nova_console_services }}"
    restarted:
      - nova-compute
      - nova-novncproxy
    restart: "{{ config_result is changed }}"
    daemon_reload: "{{ unit_result is changed }}"
"""

RETURN = r"""
started:
  description: Units of O(started) that were (would be in check mode) enabled or started.
  returned: always
  type: list
  elements: str
  sample: [nova-novncproxy]
stopped:
  description: Units of O(stopped) that were (would be) stopped or disabled.
  returned: always
  type: list
  elements: str
  sample: [nova-spicehtml5proxy]
restarted:
  description: Units of O(restarted) that were (would be) restarted.
  returned: always
  type: list
  elements: str
  sample: [nova-compute]
skipped_units:
  description:
    - Units of O(stopped) and O(restarted) that were left alone because they do not exist (or, for O(restarted),
      are masked).
    - Not called C(skipped), which Ansible reserves for skipped tasks.
  returned: always
  type: list
  elements: str
  sample: [nova-xvpvncproxy]
states:
  description:
    - State of every named unit after the task (expected state in check mode), by unit name as given.
  returned: always
  type: dict
  sample:
    nova-novncproxy: {active: active, enabled: enabled, load: loaded}
    nova-xvpvncproxy: {active: inactive, enabled: "", load: not-found}
  contains:
    active:
      description: C(ActiveState) of the unit, for example V(active), V(inactive) or V(failed).
      type: str
    enabled:
      description:
        - C(UnitFileState) of the unit, for example V(enabled), V(disabled), V(static) or V(masked); empty if the unit
          does not exist.
        - For units generated from a SysV init script, V(enabled) or V(disabled) as C(systemctl is-enabled) reports it.
      type: str
    load:
      description: C(LoadState) of the unit, for example V(loaded), V(not-found) or V(masked).
      type: str
msg:
  description: Short human readable summary.
  returned: always
  type: str
  sample: "started: nova-novncproxy; stopped: nova-spicehtml5proxy; skipped (not found or masked): nova-xvpvncproxy"
"""

from ansible_collections.novaops.console_migration.plugins.module_utils import step_runner
from ansible_collections.novaops.console_migration.plugins.module_utils.steps import service_set as step


def main():
    step_runner.main(step)


if __name__ == '__main__':
    main()
