"""The pipeline definitions parse and say what the README promises: PR preview to the job summary and a
comment, deploy per stage with prod behind an environment, nightly drift as a Reader, OIDC for Azure,
azblob state, every step through the make targets. tests/pipelines/ runs their steps against the emulator."""

from __future__ import annotations

import re
from typing import Any

import yaml

from tests.engine import REPO_ROOT

WORKFLOWS = REPO_ROOT / ".github" / "workflows"


def _workflow(name: str) -> dict[str, Any]:
    doc: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    doc["on"] = doc.pop(True, doc.get("on"))  # YAML 1.1 reads `on:` as True
    return doc


def _runs(job: dict[str, Any]) -> str:
    return "\n".join(str(s.get("run", "")) for s in job["steps"])


def test_github_workflows() -> None:
    preview, deploy, drift = (_workflow(f) for f in ("preview.yml", "deploy.yml", "drift.yml"))
    for wf in (preview, deploy, drift):
        assert wf["permissions"]["id-token"] == "write"
        for job in wf["jobs"].values():
            assert job["env"]["ARM_USE_OIDC"] == "true" and "PULUMI_BACKEND_URL" in job["env"]
            assert "ARM_CLIENT_SECRET" not in job["env"]
            assert re.findall(r"\bmake (\w+)", _runs(job))[0] == "venv"
    assert "pull_request" in preview["on"]
    assert "make preview" in _runs(preview["jobs"]["preview"])
    assert "GITHUB_STEP_SUMMARY" in _runs(preview["jobs"]["preview"])
    comment = next(s for s in preview["jobs"]["preview"]["steps"] if s.get("name") == "PR comment")
    assert "sticky-pull-request-comment" in comment["uses"] and comment["with"]["path"] == "comment.md"
    assert deploy["on"]["push"]["branches"] == ["main"]
    assert deploy["jobs"]["prod"]["environment"] == "prod" and deploy["jobs"]["prod"]["needs"] == "up"
    assert "make up" in _runs(deploy["jobs"]["prod"])
    assert "schedule" in drift["on"]
    job = drift["jobs"]["drift"]
    assert "READER" in job["env"]["ARM_CLIENT_ID"] and "make drift" in _runs(job)


def test_azure_devops_pipeline() -> None:
    doc = yaml.safe_load((REPO_ROOT / ".azure-pipelines" / "media.yml").read_text())
    text = (REPO_ROOT / ".azure-pipelines" / "media.yml").read_text()
    stages = {s["stage"]: s for s in doc["stages"]}
    assert set(stages) == {"preview", "deploy", "drift"}
    prod = next(j for j in stages["deploy"]["jobs"] if j.get("deployment") == "prod")
    assert prod["environment"] == "media-prod" and prod["dependsOn"] == "up"
    assert "media-reader" in str(stages["drift"]) and "make drift" in str(stages["drift"])
    assert "ARM_USE_OIDC=true" in text and "make preview" in text
