"""What a stack manages, read from its state (``pulumi stack export``, no secrets decrypted), and its stage
config (``pulumi config get ams-media:environment``)."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
PULUMI = str(REPO_ROOT / "scripts" / "pulumi")
MEDIA_TYPE_PREFIX = "pulumi-python:dynamic/media:"


class ToolError(Exception):
    """A one-line, actionable failure of an explorer command."""


def pulumi(*args: str, cwd: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [os.environ.get("EXPLORER_PULUMI", PULUMI), *args],
        cwd=cwd or Path.cwd(),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
    )


@dataclass
class StackState:
    stack: str
    managed: dict[str, str] = field(default_factory=dict)
    """Lower-cased ARM ID -> URN of every Microsoft.Media entity in state."""
    accounts: list[tuple[str, str]] = field(default_factory=list)
    """(resource group, account name) of every account the stack manages."""

    def manager(self, arm_id: str) -> str | None:
        return self.managed.get(arm_id.lower())


def parse_state(stack: str, export: dict[str, Any]) -> StackState:
    state = StackState(stack)
    for res in export.get("deployment", {}).get("resources", []) or []:
        rtype = str(res.get("type", ""))
        if not rtype.startswith(MEDIA_TYPE_PREFIX) or not res.get("id"):
            continue
        state.managed[str(res["id"]).lower()] = str(res["urn"])
        if rtype.endswith(":MediaService"):
            outs = res.get("outputs") or {}
            state.accounts.append((str(outs.get("resource_group_name")), str(outs.get("name"))))
    return state


def load_state(stack: str, cwd: Path | None = None) -> StackState:
    run = pulumi("stack", "export", "--stack", stack, cwd=cwd)
    if run.returncode != 0:
        raise ToolError(f"cannot read the state of stack {stack!r}: {run.stderr.strip()[-400:]}")
    return parse_state(stack, json.loads(run.stdout or "{}"))


def load_stage_config(stack: str, cwd: Path | None = None) -> dict[str, Any] | None:
    """The raw ``ams-media:environment`` object, or None when the stack has none."""
    run = pulumi("config", "get", "ams-media:environment", "--stack", stack, cwd=cwd)
    if run.returncode != 0:
        return None
    try:
        raw = json.loads(run.stdout)
    except json.JSONDecodeError as exc:
        raise ToolError(f"ams-media:environment of stack {stack!r} is not an object") from exc
    return raw if isinstance(raw, dict) else None
