# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# SPDX-License-Identifier: Apache-2.0
"""galaxy.yml is the one list of collection dependencies: the project's
collections/requirements.yml and the execution environment follow it."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

pytestmark = pytest.mark.skipif(
    not os.path.exists(os.path.join(ROOT, 'galaxy.yml')),
    reason='an installed collection has no galaxy.yml')


def load(*path):
    with open(os.path.join(ROOT, *path), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def test_project_requirements_are_galaxy_dependencies():
    wanted = load('galaxy.yml')['dependencies']
    listed = load('collections', 'requirements.yml')['collections']
    assert all(isinstance(entry, dict) and set(entry) == {'name', 'version'} for entry in listed), listed
    assert len(listed) == len({entry['name'] for entry in listed}), listed
    assert {entry['name']: str(entry['version']) for entry in listed} == {
        name: str(version) for name, version in wanted.items()}


def test_checkout_resolves_next_to_its_playbooks():
    link = os.path.join(ROOT, 'collections', 'ansible_collections', 'novaops', 'console_migration')
    assert os.path.islink(link)
    assert os.path.realpath(link) == os.path.realpath(ROOT)


def test_build_leaves_collections_out():
    assert 'collections' in load('galaxy.yml')['build_ignore']


def test_execution_environment_installs_this_version():
    galaxy = load('galaxy.yml')
    tarball = '%s-%s-%s.tar.gz' % (galaxy['namespace'], galaxy['name'], galaxy['version'])
    ee = load('execution-environment.yml')
    files = [entry for entry in ee['dependencies']['galaxy']['collections'] if entry.get('type') == 'file']
    assert [os.path.basename(entry['name']) for entry in files] == [tarball]
    copied = [entry for entry in ee['additional_build_files'] if entry['src'] == tarball]
    assert [entry['dest'] for entry in copied] == [os.path.dirname(files[0]['name'])]


def test_collection_metadata_names_existing_files():
    meta = load('meta', 'execution-environment.yml')
    assert meta['version'] == 1
    assert meta['dependencies'] == {'python': 'requirements.txt', 'system': 'bindep.txt'}
    for path in meta['dependencies'].values():
        assert os.path.isfile(os.path.join(ROOT, path)), path
