#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r"""
module: multipath_names
author: "novaops maintainers (@novaops)"
short_description: Name multipath devices by WWID (user_friendly_names) for live migration
version_added: 1.0.0
description:
  - Sets C(user_friendly_names) in the C(defaults) section of C(/etc/multipath.conf), so that multipath devices are
    named by their WWID (V(false), the default) or C(mpathN) (V(true)).
  - Live migration of an instance with multipath volumes needs the same device names on the source and destination
    compute hosts; the RHEL OpenStack guide has both hosts run C(mpathconf --enable --user_friendly_names n) and
    restart C(multipathd).
  - Where C(mpathconf) exists (the RHEL family) and O(path) is C(/etc/multipath.conf), the module reads the current
    setting from the file and runs C(mpathconf --enable --user_friendly_names n) (or V(y)) only when the setting
    differs or the file is missing. C(mpathconf --enable) also creates the file and removes a blacklist of all devices.
  - Elsewhere the module edits the file itself. If a top-level C(defaults) section exists, its C(user_friendly_names)
    line gets the new value in place, or a line is added before its closing brace. Without a C(defaults) section, one
    is appended. A missing file is created with only that section. Every other line, comment and line ending is kept
    byte for byte.
  - Settings of C(user_friendly_names) in C(overrides), C(devices) and C(multipaths) sections take precedence over
    C(defaults). The module never changes them and warns when they contradict O(user_friendly_names).
  - The module does not restart C(multipathd); restart it when the module reports a change.
  - The file is written atomically (temporary file in the same directory, then rename), only if its content changes.
extends_documentation_fragment:
  - novaops.console_migration.attributes
attributes:
  check_mode:
    details:
      - With C(mpathconf), check mode does not run it and reports the change it would make.
  diff_mode:
    details:
      - The diff contains the full file content before and after. With C(mpathconf) in check mode, the after content
        is the module's own edit of the file, which may differ in layout from what C(mpathconf) writes.
options:
  user_friendly_names:
    description:
      - Value of C(user_friendly_names) in the C(defaults) section.
      - V(false) names the devices by WWID, which live migration needs.
    type: bool
    default: false
  path:
    description:
      - Path of the multipath configuration file. The parent directory must exist.
      - C(mpathconf) is only used for C(/etc/multipath.conf); any other path is edited directly.
    type: path
    default: /etc/multipath.conf
notes:
  - Files under C(/etc/multipath/conf.d) are not read; a setting there may override the one in O(path).
  - A file whose braces the module cannot match line by line (a section opened or closed on a line with other tokens,
    an unclosed section) makes the module fail with the line number instead of guessing.
seealso:
  - name: DM Multipath, consistent multipath device names in a cluster
    description: Red Hat documentation on WWID-based names for devices shared by several hosts.
    link: https://docs.redhat.com/en/documentation/red_hat_enterprise_linux/7/html/dm_multipath/
"""

EXAMPLES = r"""
- name: Name multipath devices by WWID on the compute hosts
  novaops.console_migration.multipath_names:
    user_friendly_names: false
  register: __multipath_names

- name: Restart multipathd when the setting changed
  ansible.builtin.service:
    name: multipathd
    state: restarted
  when: __multipath_names is changed
"""

RETURN = r"""
path:
  description: Path of the managed file.
  returned: always
  type: str
  sample: /etc/multipath.conf
method:
  description: How the setting is applied, V(mpathconf) or V(file) (the module edits the file itself).
  returned: always
  type: str
  sample: file
before:
  description:
    - Value of C(user_friendly_names) in the C(defaults) section before the change, V(yes) or V(no) (C(1) and C(0)
      are reported as V(yes) and V(no)), another text as written, or null if the file or the setting was missing.
  returned: always
  type: str
  sample: "yes"
after:
  description: Value of C(user_friendly_names) in the C(defaults) section after the change (in check mode, the value
    it would have).
  returned: always
  type: str
  sample: "no"
msg:
  description: Short human readable summary.
  returned: always
  type: str
  sample: user_friendly_names set to no in /etc/multipath.conf
"""

from ansible_collections.novaops.console_migration.plugins.module_utils import step_runner
from ansible_collections.novaops.console_migration.plugins.module_utils.steps import multipath_names as step


def main():
    step_runner.main(step)


if __name__ == '__main__':
    main()
