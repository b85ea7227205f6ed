"""Runs the unchanged Azure CLI as a subprocess against the emulator and checks each command's outcome.

Every call names what must come back: the exit status, fields of the JSON output (dotted paths, list
indexes as numbers) and, for refusals, text that stderr must contain. Each command prints one
PASS/FAIL line; the tally is the suite's result.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Environment variables of the caller that would change what az does (a logged-in identity, another
# cloud, a proxy of the caller's own); the suite gives az only what it sets itself.
_DROPPED_PREFIXES = ("AZURE_", "ARM_", "MSI_", "IDENTITY_", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY")


@dataclass
class Outcome:
    label: str
    ok: bool
    seconds: float
    problems: list[str]


@dataclass
class Tally:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]


def lookup(document: Any, path: str) -> Any:
    """``a.b.0.c`` in parsed JSON; a missing step raises KeyError naming the path."""
    value = document
    for step in path.split(".") if path else []:
        if isinstance(value, list) and step.lstrip("-").isdigit():
            index = int(step)
            if not -len(value) <= index < len(value):
                raise KeyError(path)
            value = value[index]
        elif isinstance(value, dict) and step in value:
            value = value[step]
        else:
            raise KeyError(path)
    return value


class AzCli:
    """One az configuration directory (one logged-in principal) of the suite."""

    def __init__(self, exe: Path, config_dir: Path, env: Mapping[str, str], tally: Tally, who: str) -> None:
        config_dir.mkdir(parents=True, exist_ok=True)
        base = {k: v for k, v in os.environ.items() if not k.startswith(_DROPPED_PREFIXES)}
        self.exe = exe
        self.who = who
        self.tally = tally
        self.env = {
            **base,
            **env,
            "AZURE_CONFIG_DIR": str(config_dir),
            "AZURE_EXTENSION_DIR": str(config_dir / "cliextensions"),
            "AZURE_CORE_COLLECT_TELEMETRY": "no",
            "AZURE_CORE_NO_COLOR": "true",
            "AZURE_CORE_SURVEY_MESSAGE": "no",
            "AZURE_CORE_OUTPUT": "json",
        }

    def __call__(
        self,
        args: str | list[str],
        *,
        expect: Mapping[str, Any] | None = None,
        present: tuple[str, ...] = (),
        check: Callable[[Any], str | None] | None = None,
        status: int = 0,
        error: str | tuple[str, ...] = (),
        label: str | None = None,
        quiet: bool = False,
    ) -> Any:
        """Run ``az ARGS``; record PASS when every expectation holds. Returns the parsed output (or None).

        ``quiet``: a polling read that is neither printed nor counted (the next counted command checks).
        """
        argv = shlex.split(args) if isinstance(args, str) else list(args)
        shown = label or " ".join(argv)
        started = time.monotonic()
        proc = subprocess.run(
            [str(self.exe), *argv], env=self.env, capture_output=True, text=True, timeout=600, check=False
        )
        seconds = time.monotonic() - started
        problems: list[str] = []
        output: Any = None
        if proc.returncode != status:
            problems.append(f"exit {proc.returncode}, expected {status}")
        if proc.stdout.strip():
            try:
                output = json.loads(proc.stdout)
            except json.JSONDecodeError:
                output = proc.stdout.strip()
        for path, wanted in (expect or {}).items():
            try:
                got = lookup(output, path)
            except KeyError:
                problems.append(f"{path or 'output'}: missing")
                continue
            if got != wanted:
                problems.append(f"{path or 'output'}: {got!r}, expected {wanted!r}")
        for path in present:
            try:
                if lookup(output, path) in (None, "", [], {}):
                    problems.append(f"{path}: empty")
            except KeyError:
                problems.append(f"{path}: missing")
        if check is not None and not problems:
            complaint = check(output)
            if complaint:
                problems.append(complaint)
        for text in (error,) if isinstance(error, str) else error:
            if text.lower() not in proc.stderr.lower():  # ARM echoes the request's casing in action names
                problems.append(f"stderr lacks {text!r}")
        if problems:
            tail = proc.stderr.strip().splitlines()[-3:]
            problems.extend(f"  stderr: {line}" for line in tail)
        if quiet:
            return output
        outcome = Outcome(f"[{self.who}] az {shown}", not problems, seconds, problems)
        self.tally.outcomes.append(outcome)
        print(f"{'PASS' if outcome.ok else 'FAIL'} {seconds:5.1f}s  {outcome.label}", flush=True)
        for problem in problems:
            print(f"      {problem}", flush=True)
        return output

    def refused(self, args: str, action: str) -> None:
        """A write the principal's role does not allow: exit 1, ARM's AuthorizationFailed naming it."""
        self(args, status=1, error=("AuthorizationFailed", f"'{action}'"))
