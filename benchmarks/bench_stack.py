"""Benchmark: the full `local` stage through the real engine against a fresh emulator.

Prints wall-clock figures for each pipeline step (up from scratch, no-change preview,
drift check, refresh, destroy) and what the emulator saw (long-running operations, how many
ran at once per live event and across live events). Not a test: it asserts nothing about
speed, it measures. Run with `make bench`.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from emulator.launcher import arm_env, start_emulator  # noqa: E402
from tests.engine import PulumiProject  # noqa: E402
from tests.program.stage import local_stage_doc, write_stage_program  # noqa: E402


def max_overlap(intervals: list[tuple[float, float]]) -> int:
    """Largest number of intervals open at one instant."""
    edges = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals])
    best = cur = 0
    for _, delta in edges:
        cur += delta
        best = max(best, cur)
    return best


def live_event_of(resource_id: str) -> str:
    """The live event a live-event or live-output resource ID belongs to."""
    parts = resource_id.lower().split("/")
    return "/".join(parts[: parts.index("liveevents") + 2])


def lro_figures(operations: list[dict[str, Any]]) -> dict[str, Any]:
    done = [op for op in operations if op.get("end")]
    by_event: dict[str, list[tuple[float, float]]] = defaultdict(list)
    live: list[tuple[float, float]] = []
    for op in done:
        if op["kind"] in ("liveevent", "liveoutput"):
            by_event[live_event_of(op["resource_id"])].append((op["start"], op["end"]))
            live.append((op["start"], op["end"]))
    return {
        "lros": len(done),
        "live_lros": len(live),
        "max_concurrent_per_live_event": max((max_overlap(v) for v in by_event.values()), default=0),
        "max_concurrent_across_live_events": max_overlap(live),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="ams-bench-"))
    emu = start_emulator(work / "emulator")
    try:
        conn = emu.connection
        doc = local_stage_doc(conn)
        env = doc["config"]["ams-media:environment"]
        project = PulumiProject(
            work / "project",
            project="ams-media",
            stack="local",
            env={**arm_env(conn), "PULUMI_CONFIG_PASSPHRASE": ""},
        )
        write_stage_program(project, doc)
        project.ensure_stack()

        rows: list[tuple[str, float, str]] = []

        def step(label: str, fn: Any) -> Any:
            t0 = time.perf_counter()
            run = fn().check()
            rows.append((label, time.perf_counter() - t0, dict(run.changes).__repr__()))
            return run

        step("pulumi up (from scratch)", project.up)
        created = lro_figures(emu.admin.operations())
        step("pulumi preview --expect-no-changes", lambda: project.preview(expect_no_changes=True))
        step(
            "pulumi preview --refresh --expect-no-changes",
            lambda: project.preview(refresh=True, expect_no_changes=True),
        )
        step("pulumi refresh", project.refresh)
        step("pulumi destroy", project.destroy)
        total = lro_figures(emu.admin.operations())

        print(
            f"\nFull local stage ({sum(1 for _ in env.get('liveChannels', []))} live channels), "
            f"emulator durations {emu.admin.durations().get('liveoutput.create')} s per live-output LRO\n"
        )
        print(f"{'step':48} {'seconds':>8}  engine changes")
        for label, seconds, changes in rows:
            print(f"{label:48} {seconds:8.1f}  {changes}")
        print(
            f"\nLROs during up: {created['lros']} ({created['live_lros']} on live events/outputs); "
            f"max at once per live event: {created['max_concurrent_per_live_event']}, "
            f"across live events: {created['max_concurrent_across_live_events']}"
        )
        print(
            f"LROs in total (up..destroy): {total['lros']}; max at once per live event: "
            f"{total['max_concurrent_per_live_event']}"
        )
    finally:
        emu.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")


if __name__ == "__main__":
    main()
