"""Run the explorer commands the way `make drift|inventory|down` do, inside a test project."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

from tests.engine import REPO_ROOT, PulumiProject


@dataclass
class ToolRun:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def explorer(proj: PulumiProject, *args: str, env: dict[str, str] | None = None) -> ToolRun:
    proc = subprocess.run(
        [sys.executable, "-m", "explorer", *args],
        cwd=proj.dir,
        env={**proj.env, "PYTHONPATH": str(REPO_ROOT), "PULUMI_DEBUG_COMMANDS": "true", **(env or {})},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    return ToolRun(proc.returncode, proc.stdout, proc.stderr)
