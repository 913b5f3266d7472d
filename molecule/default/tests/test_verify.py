"""playbooks/preflight.yml and playbooks/verify.yml on the converged lab."""

import json
import os

from helpers import recap, run_playbook

PLAYBOOKS = os.path.join(os.environ.get("MOLECULE_PROJECT_DIRECTORY", "."), "playbooks")


def test_preflight_passes_and_changes_nothing():
    report_path = os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "preflight-report.json")
    result = run_playbook(os.path.join(PLAYBOOKS, "preflight.yml"), "-e", "preflight_report_path=" + report_path)
    assert result.returncode == 0, result.stdout[-4000:]
    assert not any(recap(result.stdout).values())
    with open(report_path, encoding="utf-8") as handle:
        report = json.load(handle)
    assert report["ok"] is True
    assert report["problems"] == []


def test_verify_passes_with_the_canary_migration():
    result = run_playbook(os.path.join(PLAYBOOKS, "verify.yml"))
    assert result.returncode == 0, result.stdout[-4000:]
    out = result.stdout
    assert "all 8 checks passed" in out
    assert "ok   canary migration compute1 -> compute2 -> compute1" in out
    assert "ok   canary migration compute2 -> compute1 -> compute2" in out
    assert "from the control node (200)" in out
