"""Drive the real Pulumi CLI/engine on a throwaway project with a local file backend.

Every engine test in this repository goes through `PulumiProject`: it writes `Pulumi.yaml`
(runtime python with the repository's `.venv`) and `__main__.py` into a temporary directory,
runs `scripts/pulumi` (the real CLI, non-interactive, no plugin downloads) and parses the
engine's event log, so tests can assert on what the engine did (creates, updates, replaces,
deletes, diffs, diagnostics) rather than on text.
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
PULUMI = REPO_ROOT / "scripts" / "pulumi"
VENV = REPO_ROOT / ".venv"

# Operations that change something (anything but "same"/"read"/refresh no-ops).
CHANGING_OPS = {"create", "update", "delete", "replace", "create-replacement", "delete-replaced"}


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 180.0) -> None:
    """Poll `condition` until it holds; fail the test naming `what` when `timeout` passes first."""
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.1)


@dataclass
class StepEvent:
    op: str
    urn: str
    type: str

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]


@dataclass
class EngineRun:
    """The outcome of one CLI command."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    @property
    def steps(self) -> list[StepEvent]:
        """Resource steps the engine reported (resourcePreEvent), in order."""
        steps = []
        for event in self.events:
            pre = event.get("resourcePreEvent")
            if not pre:
                continue
            meta = pre["metadata"]
            steps.append(
                StepEvent(
                    op=meta["op"],
                    urn=meta["urn"],
                    type=meta.get("type", ""),
                )
            )
        return steps

    @property
    def diagnostics(self) -> list[tuple[str, str, str]]:
        """(severity, urn, message) of every diagnostic the engine reported (check failures included)."""
        out = []
        for event in self.events:
            d = event.get("diagnosticEvent")
            if d:
                out.append((d.get("severity", ""), d.get("urn", ""), d.get("message", "")))
        return out

    @property
    def changes(self) -> Counter[str]:
        """Per-operation counts from the engine's summary event (e.g. {'create': 3, 'same': 1})."""
        for event in reversed(self.events):
            summary = event.get("summaryEvent")
            if summary:
                return Counter(summary.get("resourceChanges") or {})
        return Counter()

    @property
    def changed(self) -> bool:
        return any(op in CHANGING_OPS and n for op, n in self.changes.items())

    def ops_for(self, name: str) -> list[str]:
        """Operations the engine ran on resources with this logical name."""
        return [s.op for s in self.steps if s.name == name]

    def check(self) -> EngineRun:
        if self.returncode != 0:
            raise AssertionError(
                f"pulumi {' '.join(self.args)} failed ({self.returncode}):\n{self.output[-6000:]}"
            )
        return self


class PulumiProject:
    """A throwaway Pulumi project and stack using the repository's venv and CLI."""

    def __init__(
        self,
        directory: Path,
        *,
        project: str = "enginetest",
        stack: str = "test",
        env: dict[str, str] | None = None,
        pulumi_home: Path | None = None,
        cli: list[str] | None = None,
        base_env: Mapping[str, str] | None = None,
    ) -> None:
        """``cli`` replaces scripts/pulumi (e.g. the bare CLI, as a team runs it); ``base_env`` replaces
        this process's environment as the base of every command's."""
        self.dir = directory
        self.cli = cli or [str(PULUMI)]
        self.project = project
        self.stack = stack
        self.dir.mkdir(parents=True, exist_ok=True)
        self.state_dir = self.dir / ".state"
        self.state_dir.mkdir(exist_ok=True)
        self.env = {
            **(os.environ if base_env is None else base_env),
            "PULUMI_BACKEND_URL": f"file://{self.state_dir}",
            "PULUMI_HOME": str(pulumi_home or (self.dir / ".pulumi-home")),
            "PULUMI_CONFIG_PASSPHRASE": "engine-tests",
            "PULUMI_DEBUG_COMMANDS": "true",  # enables --event-log
            **(env or {}),
        }
        self._initialized = False
        self._runs = 0

    # --- program and config ---
    def write_program(self, source: str, *, config: dict[str, Any] | None = None) -> None:
        """Write `__main__.py` (dedented) and `Pulumi.yaml`."""
        (self.dir / "__main__.py").write_text(textwrap.dedent(source))
        self.write_project_file(config=config)

    def write_project_file(self, *, config: dict[str, Any] | None = None, extra: str = "") -> None:
        lines = [
            f"name: {self.project}",
            "runtime:",
            "  name: python",
            "  options:",
            "    toolchain: pip",
            f"    virtualenv: {VENV}",
        ]
        if config:
            lines.append("config:")
            for key, value in config.items():
                lines.append(f"  {key}:")
                lines.append(f"    value: {json.dumps(value)}")
        (self.dir / "Pulumi.yaml").write_text("\n".join(lines) + "\n" + extra)

    def ensure_stack(self) -> None:
        if not self._initialized:
            self.run("stack", "select", "--create", self.stack, events=False).check()
            self._initialized = True

    def set_config(self, key: str, value: Any, *, secret: bool = False) -> None:
        """Set one config value: strings through `pulumi config set` (optionally as a secret);
        structured values are written into the stack file as YAML, as users would."""
        self.ensure_stack()
        if isinstance(value, str):
            args = ["config", "set", "--stack", self.stack]
            if secret:
                args.append("--secret")
            self.run(*args, "--", key, value, events=False).check()
            return
        if secret:
            raise ValueError("structured secret config is not supported by this harness")
        stack_file = self.dir / f"Pulumi.{self.stack}.yaml"
        doc = yaml.safe_load(stack_file.read_text()) if stack_file.exists() else None
        doc = doc or {}
        doc.setdefault("config", {})[key] = value
        stack_file.write_text(yaml.safe_dump(doc, sort_keys=False))

    # --- engine commands ---
    def run(self, *args: str, events: bool = True, env: dict[str, str] | None = None) -> EngineRun:
        cmd = [*self.cli, *args]
        log: Path | None = None
        if events:
            self._runs += 1
            log = self.dir / f".events-{self._runs}.jsonl"
            cmd += ["--event-log", str(log)]
        proc = subprocess.run(
            cmd,
            cwd=self.dir,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=1800,
        )
        parsed: list[dict[str, Any]] = []
        if log and log.exists():
            for line in log.read_text().splitlines():
                if line.strip():
                    parsed.append(json.loads(line))
        return EngineRun(list(args), proc.returncode, proc.stdout, proc.stderr, parsed)

    def preview(self, *extra: str, refresh: bool = False, expect_no_changes: bool = False) -> EngineRun:
        self.ensure_stack()
        args = ["preview", "--stack", self.stack, "--diff"]
        if refresh:
            args.append("--refresh")
        if expect_no_changes:
            args.append("--expect-no-changes")
        return self.run(*args, *extra)

    def up(self, *extra: str, refresh: bool = False) -> EngineRun:
        self.ensure_stack()
        args = ["up", "--yes", "--skip-preview", "--diff", "--stack", self.stack]
        if refresh:
            args.append("--refresh")
        return self.run(*args, *extra)

    def up_in_background(self) -> subprocess.Popen[str]:
        """Start `pulumi up` without waiting (for tests that kill, lock out or restart things under it);
        its output is combined on stdout. The caller owns the process: `communicate()` it or kill it."""
        self.ensure_stack()
        return subprocess.Popen(
            [str(PULUMI), "up", "--yes", "--skip-preview", "--stack", self.stack],
            cwd=self.dir,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def refresh(self, *extra: str) -> EngineRun:
        self.ensure_stack()
        return self.run("refresh", "--yes", "--skip-preview", "--diff", "--stack", self.stack, *extra)

    def destroy(self, *extra: str) -> EngineRun:
        self.ensure_stack()
        return self.run("destroy", "--yes", "--skip-preview", "--stack", self.stack, *extra)

    # --- state ---
    def export(self) -> dict[str, Any]:
        """The stack's checkpoint as `pulumi stack export` prints it (secrets stay encrypted)."""
        run = self.run("stack", "export", "--stack", self.stack, events=False).check()
        return json.loads(run.stdout)

    def export_text(self) -> str:
        return self.run("stack", "export", "--stack", self.stack, events=False).check().stdout

    def outputs(self, *, show_secrets: bool = False) -> dict[str, Any]:
        args = ["stack", "output", "--json", "--stack", self.stack]
        if show_secrets:
            args.append("--show-secrets")
        return json.loads(self.run(*args, events=False).check().stdout)

    def resources(self) -> list[dict[str, Any]]:
        return self.export().get("deployment", {}).get("resources", [])

    def resource_state(self, name: str) -> dict[str, Any]:
        for res in self.resources():
            if res["urn"].rsplit("::", 1)[-1] == name:
                return res
        raise KeyError(name)
