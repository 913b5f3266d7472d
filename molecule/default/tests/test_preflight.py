"""playbooks/preflight.yml on the converged lab (verify.yml: test_cloud.py)."""

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
