#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r"""
module: nova_release
author: "novaops maintainers (@novaops)"
short_description: Report the OpenStack Nova release a host runs or would install
version_added: 1.0.0
description:
  - Reports in one task which Nova release a host runs, from the version of the first package of O(packages) that is
    installed, so that roles can pick the option names and services of that release.
  - If none is installed, reports the release the package repositories would install (the candidate version) instead.
  - 'Installed packages are read with one C(dpkg-query) call on hosts with dpkg, otherwise with one C(rpm -q) call.
    A Debian package counts as installed when its status is C(installed) (also when on hold or with triggers
    pending).'
  - 'The candidate comes from C(apt-cache policy) on dpkg hosts, and from C(dnf repoquery) (or C(yum info) where dnf is
    missing) on rpm hosts, for all of O(packages) in one call. Only the package metadata already on the host is used:
    the module runs neither C(apt-get update) nor a dnf or yum metadata refresh (C(--cacheonly)). A candidate lookup
    that fails only adds a warning.'
  - The release name is derived from the version as the collection's release table maps it, for example
    V(2:26.2.2-1~deb12u1) to V(zed), V(1:19.1.0-1.el8) to V(stein) and V(2014.2.4-0ubuntu1) to V(juno). A version it
    cannot map gives RV(release=null) and a warning naming the version; the module does not fail. A nova major
    version newer than the newest release of the table (such as V(34.0.0)) gives that newest release and a warning.
  - Never changes anything.
extends_documentation_fragment:
  - novaops.console_migration.attributes.info_module
options:
  packages:
    description:
      - Packages to look at, in order. The first one that is installed gives the version.
      - Without an installed one, the first one that has a candidate version gives it.
      - The defaults cover Debian and Ubuntu (C(nova-common), C(python3-nova), C(nova-compute)) and RDO
        (C(openstack-nova-common), C(openstack-nova-compute); Diablo's single C(openstack-nova)).
    type: list
    elements: str
    default: [nova-common, openstack-nova-common, python3-nova, nova-compute, openstack-nova-compute, openstack-nova]
seealso:
  - module: ansible.builtin.package_facts
"""

EXAMPLES = r"""
- name: Find out which Nova release the host runs or would install
  novaops.console_migration.nova_release:
  register: nova

- name: Use the options of that release
  ansible.builtin.debug:
    msg: "{{ nova.release }} from {{ nova.source }} version {{ nova.version or nova.candidate_version }}"
  when: nova.release is not none

- name: Look only at the compute package
  novaops.console_migration.nova_release:
    packages: [nova-compute, openstack-nova-compute]
  register: compute
"""

RETURN = r"""
installed:
  description: Whether one of O(packages) is installed.
  returned: always
  type: bool
  sample: true
package:
  description:
    - The package that gave the version, the installed one or, if none is installed, the one whose candidate version
      was used. V(null) if there is neither.
  returned: always
  type: str
  sample: nova-common
version:
  description:
    - Installed version of RV(package), with the epoch if it is not 0, for example V(2:26.2.2-1~deb12u1) or
      V(1:19.1.0-1.el8). V(null) if nothing is installed.
  returned: always
  type: str
  sample: 2:26.2.2-1~deb12u1
candidate_version:
  description:
    - Version the repositories would install, looked up only when none of O(packages) is installed. V(null) otherwise,
      or if there is no candidate.
  returned: always
  type: str
  sample: 2:26.2.2-1~deb12u5
release:
  description:
    - Lowercase Nova release name of RV(version), else of RV(candidate_version).
    - V(null) if there is no version or it cannot be mapped to a release (a warning names the version then).
  returned: always
  type: str
  sample: zed
source:
  description: Where RV(release) comes from, V(installed), V(candidate) or V(null) if there is no version.
  returned: always
  type: str
  sample: installed
package_manager:
  description: Package database that was read, V(dpkg) or V(rpm).
  returned: always
  type: str
  sample: dpkg
msg:
  description: Short human readable summary.
  returned: always
  type: str
  sample: nova-common 2:26.2.2-1~deb12u1 is installed (zed)
"""

from ansible_collections.novaops.console_migration.plugins.module_utils import step_runner
from ansible_collections.novaops.console_migration.plugins.module_utils.steps import nova_release as step


def main():
    step_runner.main(step)


if __name__ == '__main__':
    main()
