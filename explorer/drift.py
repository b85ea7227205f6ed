"""``drift``: the engine's drift preview plus what it cannot see (secret drift, unmanaged entities), with one
summary and an exit code for pipelines; ``destroy-check``: refuse a destroy that would delete entities the
stack does not manage."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dynamic_providers.core.secret_drift import DRIFT_TAG, UNCHECKED_TAG

from .inventory import Inventory, Row, take_inventory
from .stack import PULUMI, StackState, ToolError, load_stage_config, load_state

CLEAN, DRIFTED, ERROR, INCOMPLETE = 0, 1, 2, 3
CHANGING = ("create", "update", "delete", "replace", "create-replacement", "delete-replaced")


def stage_policy(raw: dict[str, Any] | None) -> tuple[list[Any], bool]:
    """(unmanaged.ignore rules, account.allowDeletionWithContents) from a validated stage config."""
    if raw is None:
        return [], False
    from components.config import StageConfigError, parse_stage_config

    try:
        cfg = parse_stage_config(raw)
    except StageConfigError as exc:
        raise ToolError(str(exc).replace("\n", " ")) from exc
    return list(cfg.unmanaged.ignore), bool(cfg.account.allow_deletion_with_contents)


@dataclass
class PreviewOutcome:
    returncode: int
    changes: dict[str, int] = field(default_factory=dict)
    secret_drift: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(n for op, n in self.changes.items() if op in CHANGING)


def run_preview(stack: str, cwd: Path | None) -> PreviewOutcome:
    """`pulumi preview --refresh --expect-no-changes --diff`, its output streamed as it runs."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "events.jsonl"
        cmd = [os.environ.get("EXPLORER_PULUMI", PULUMI), "preview", "--refresh", "--expect-no-changes"]
        cmd += ["--diff", "--stack", stack, "--event-log", str(log)]
        env = {**os.environ, "PULUMI_DEBUG_COMMANDS": "true"}
        proc = subprocess.run(cmd, cwd=cwd or Path.cwd(), env=env, timeout=3600)
        out = PreviewOutcome(proc.returncode)
        for line in log.read_text().splitlines() if log.exists() else []:
            event = json.loads(line) if line.strip() else {}
            if summary := event.get("summaryEvent"):
                out.changes = dict(summary.get("resourceChanges") or {})
            message = (event.get("diagnosticEvent") or {}).get("message", "")
            for text in str(message).splitlines():
                text = text.strip()
                if text.startswith(DRIFT_TAG):
                    out.secret_drift.append(text[len(DRIFT_TAG) :].strip())
                elif text.startswith(UNCHECKED_TAG):
                    out.unchecked.append(text[len(UNCHECKED_TAG) :].strip())
    out.secret_drift = sorted(set(out.secret_drift))
    out.unchecked = sorted(set(out.unchecked))
    return out


def _client() -> Any:
    from .__main__ import _client as make

    return make()


def _listing(rows: list[Row]) -> list[str]:
    out = []
    for r in rows:
        extra = ", ".join(x for x in (r.entity.state, r.entity.billing) if x)
        out.append(f"    {r.entity.kind} '{r.entity.path}' in {r.account}" + (f" ({extra})" if extra else ""))
    return out


def _need_stack(args: argparse.Namespace) -> str:
    if not args.stack:
        raise ToolError(f"{args.command} needs --stack")
    return str(args.stack)


def cmd_drift(args: argparse.Namespace) -> int:
    _need_stack(args)
    state = load_state(args.stack, args.cwd)
    ignore, _ = stage_policy(load_stage_config(args.stack, args.cwd))
    preview = run_preview(args.stack, args.cwd)
    inv: Inventory = take_inventory(_client(), state.accounts, state, ignore, jobs="active")
    lines = [f"drift summary for stack {args.stack}:"]
    engine_failed = preview.returncode != 0 and not preview.changed
    if engine_failed:
        lines.append(f"  the drift preview itself failed (exit {preview.returncode}); see its output above")
    elif preview.changed:
        lines.append(
            f"  managed entities: {preview.changed} change(s) needed (each shown in the preview above)"
        )
    else:
        lines.append("  managed entities: no changes")
    for item in preview.secret_drift:
        lines.append(f"  secret drift: {item}")
    for item in preview.unchecked:
        lines.append(f"  NOT CHECKED: {item}")
    if inv.unmanaged:
        lines.append(f"  unmanaged entities (not in this stack's state): {len(inv.unmanaged)}")
        lines += _listing(inv.unmanaged)
    else:
        lines.append(
            f"  unmanaged entities: none in {', '.join(a for _, a in state.accounts) or 'no account'}"
        )
    if inv.ignored:
        lines.append(f"  unmanaged but declared in unmanaged.ignore: {len(inv.ignored)}")
        lines += _listing(inv.ignored)
    if engine_failed:
        code, verdict = ERROR, "ERROR"
    elif preview.changed or inv.unmanaged or preview.secret_drift:
        code, verdict = DRIFTED, "DRIFT"
    elif preview.unchecked:
        # A Reader (the nightly identity) can never read secrets: --unchecked-ok lets that pass, still listed.
        code = CLEAN if args.unchecked_ok else INCOMPLETE
        verdict = "NO DRIFT FOUND, BUT NOT EVERYTHING WAS CHECKED"
    else:
        code, verdict = CLEAN, "CLEAN"
    lines.append(f"result: {verdict} (exit {code})")
    print("\n".join(lines), flush=True)
    return code


def destroy_blockers(state: StackState, ignore: list[Any]) -> list[Row]:
    """Entities a destroy of this stack would delete with its accounts without managing them."""
    inv = take_inventory(_client(), state.accounts, state, ignore, jobs="active")
    return inv.unmanaged + inv.ignored


def cmd_destroy_check(args: argparse.Namespace) -> int:
    _need_stack(args)
    state = load_state(args.stack, args.cwd)
    ignore, allowed = stage_policy(load_stage_config(args.stack, args.cwd))
    blockers = destroy_blockers(state, ignore)
    if not blockers:
        print(f"destroy check: the accounts of stack {args.stack} hold only what the stack manages")
        return CLEAN
    listing = "\n".join(_listing(blockers))
    if allowed:
        print(f"destroy check: deleting these unmanaged entities with the account (allowed):\n{listing}")
        return CLEAN
    print(
        f"refusing to destroy stack {args.stack}: its accounts hold {len(blockers)} entities it does not"
        f" manage; destroying would delete them:\n{listing}\n"
        "Delete or adopt them, or set account.allowDeletionWithContents: true in the stage config and run up."
    )
    return DRIFTED


def add_commands(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    p = sub.add_parser("drift", help="drift preview + secret drift + unmanaged entities (Reader is enough)")
    common(p)
    p.add_argument(
        "--unchecked-ok",
        action="store_true",
        help="exit 0 instead of 3 when nothing drifted but some secrets could not be checked (Reader)",
    )
    p.set_defaults(func=cmd_drift)
    p = sub.add_parser("destroy-check", help="refuse when the stack's accounts hold unmanaged entities")
    common(p)
    p.set_defaults(func=cmd_destroy_check)
