"""Preflight on a lab with three deliberate faults."""

import json
import os

import pytest

from helpers import recap, run_playbook


def snapshot(lab):
    return {
        name: host.check_output(
            "cat /etc/passwd /etc/group /etc/hosts; iptables -S; ls -la /etc/nova /etc/libvirt; ip -o addr")
        for name, host in lab.items()
    }


@pytest.fixture(scope="module")
def preflight(lab):
    before = snapshot(lab)
    result = run_playbook(os.path.join(os.environ["MOLECULE_SCENARIO_DIRECTORY"], "converge.yml"))
    with open(os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "preflight-report.json"), encoding="utf-8") as f:
        report = json.load(f)
    return {"result": result, "report": report, "before": before}


def test_preflight_fails_once(preflight):
    result, report = preflight["result"], preflight["report"]
    assert result.returncode != 0
    assert report["ok"] is False
    assert result.stdout.count("Fail once with every problem") == 1


def test_exactly_the_three_faults_each_on_its_host(preflight):
    report = preflight["report"]
    failed = sorted(
        (host, check) for host, row in report["rows"].items() for check, cell in row.items() if cell["status"] == "fail"
    )
    assert failed == [("compute1", "resolution"), ("compute2", "ids"), ("compute2", "subnet")], report["table"]
    assert len(report["problems"]) == 3
    assert "192.0.2.77" in report["rows"]["compute1"]["resolution"]["reason"]
    assert "198.51.100.5" in report["rows"]["compute2"]["subnet"]["reason"]
    assert "10.231.4.0/24" in report["rows"]["compute2"]["subnet"]["reason"]


def test_table_lists_every_host_and_check(preflight):
    report = preflight["report"]
    for host in ("proxy1", "compute1", "compute2"):
        assert host in report["table"]
    for check in ("subnet", "cpu", "resolution", "ids", "kvm", "libvirt", "storage", "proxy_reach"):
        assert check in report["table"]


def test_no_host_changed(lab, preflight):
    result, before = preflight["result"], preflight["before"]
    assert recap(result.stdout) and not any(recap(result.stdout).values())
    assert snapshot(lab) == before
