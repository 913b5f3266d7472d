"""Fixtures for the lab tests: testinfra hosts for the running scenario's containers."""

import json
import os
import subprocess

import pytest
import testinfra


def _inventory():
    out = subprocess.run(
        ["ansible-inventory", "-i", os.environ["MOLECULE_INVENTORY_FILE"], "--list"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


@pytest.fixture(scope="session")
def inventory():
    return _inventory()


@pytest.fixture(scope="session")
def lab(inventory):
    """Map inventory host name -> testinfra host reached with `podman exec`."""
    hostvars = inventory["_meta"]["hostvars"]
    return {
        name: testinfra.get_host("podman://" + hostvars[name]["ansible_host"])
        for name in hostvars
    }


@pytest.fixture(scope="session")
def group_hosts(inventory):
    def hosts(group):
        return sorted(inventory.get(group, {}).get("hosts", []))

    return hosts


@pytest.fixture(scope="session")
def project_dir():
    return os.environ["MOLECULE_PROJECT_DIRECTORY"]
