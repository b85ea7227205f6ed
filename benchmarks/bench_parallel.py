"""Benchmark: how close `pulumi up` and `pulumi destroy` come to their critical path as live events grow.

The reference stage: 1 account, 6 transforms, 2 running streaming endpoints, N live events (Running, or
StandBy with --run-state: a StandBy channel has no live outputs in the service, so their LROs drop out) with
3 live outputs each (archive asset + locator), content protection; emulator LRO durations 10x the defaults
and the live-event quota raised to N. For N = 2, 4, 8 (or --events) it prints the wall time of `up` and
`destroy`, their critical path and the ratio, the most LROs in flight and the per-event overlap (at most
one LRO at a time per live event and its outputs: must be 1).

The critical path is computed, not assumed: the program's dependency graph (from the stack's state) with
each resource weighted by the LROs the emulator ran for it, scheduled with unlimited parallelism except
that the LROs of one live event and its outputs run one after another. Program start-up and engine
overhead are not in it. Not a test: it asserts nothing about speed, it measures. Run with `make bench`.

A second table says where each wall time went (benchmarks/breakdown.py: start-up, registration, check and
diff, the engine's scheduling, lock waits, the LROs themselves, poll lag, other provider work, tail), from
the provider's own timings (MEDIA_TRACE_FILE). The largest N runs once more with the engine's per-step
state writes off, as a reference for what they cost. Absolute figures depend on the machine's load (the
load average is printed); compare the parts within one run.
"""

from __future__ import annotations

import argparse
import compileall
import heapq
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from benchmarks.bench_stack import live_event_of, max_overlap  # noqa: E402
from benchmarks.breakdown import PARTS, breakdown, dependency_graph  # noqa: E402
from dynamic_providers.core.trace import ENV as TRACE_ENV  # noqa: E402
from dynamic_providers.validate import rules  # noqa: E402
from emulator.launcher import arm_env, start_emulator  # noqa: E402
from tests.engine import PulumiProject  # noqa: E402
from tests.faults.procs import descendants  # noqa: E402
from tests.program.stage import local_stage_doc, write_stage_program  # noqa: E402

SCALE = 10.0
OUTPUTS_PER_EVENT = 3


def quota(events: int) -> int:
    return max(rules.DEFAULT_LIVE_EVENT_QUOTA, events)


def reference_doc(connection: dict[str, Any], events: int, run_state: str = "Running") -> dict[str, Any]:
    doc = local_stage_doc(connection)
    env = doc["config"]["ams-media:environment"]
    base = env["transforms"]
    env["transforms"] = [dict(base[i % len(base)], name=f"transform-{i + 1}") for i in range(6)]
    env["account"]["liveEventQuota"] = quota(events)
    for endpoint in env["streamingEndpoints"]:
        endpoint["runState"] = "Running"
    env["liveChannels"] = [
        {
            "name": f"channel{i + 1}",
            "protocol": "RTMP",
            "encoding": {"type": "PassthroughStandard"},
            "runState": run_state,
            "outputs": [
                {"name": f"out{j + 1}", "archiveWindow": "PT1H", "manifestName": f"channel{i + 1}-out{j + 1}"}
                for j in range(OUTPUTS_PER_EVENT)
            ],
        }
        for i in range(events)
    ]
    return doc


def group_of(resource_id: str) -> str | None:
    """The live event whose one-LRO-at-a-time rule a resource falls under, if any."""
    rid = resource_id.lower()
    return live_event_of(rid) if "/liveevents/" in rid else None


def critical_path(resources: list[dict[str, Any]], ops: list[dict[str, Any]], *, reverse: bool) -> float:
    """Earliest finish of the whole graph: each custom resource waits for its dependencies (for a destroy:
    for its dependents), takes as long as its LROs, and the LROs of one live event run one at a time."""
    weight: dict[str, float] = defaultdict(float)
    for op in ops:
        weight[op["resource_id"].lower()] += op["end"] - op["start"]
    ids, deps = dependency_graph(resources, reverse=reverse)
    waiting = {u: len(d) for u, d in deps.items()}
    dependents: dict[str, list[str]] = defaultdict(list)
    for u, ds in deps.items():
        for d in ds:
            dependents[d].append(u)
    ready: dict[str, float] = defaultdict(float)
    heap = [(0.0, u) for u, n in waiting.items() if n == 0]
    heapq.heapify(heap)
    group_free: dict[str, float] = defaultdict(float)
    finish: dict[str, float] = {}
    while heap:
        at, u = heapq.heappop(heap)
        rid = ids[u]
        group = group_of(rid)
        start = max(at, group_free[group]) if group else at
        finish[u] = start + weight.get(rid, 0.0)
        if group:
            group_free[group] = finish[u]
        for v in dependents[u]:
            ready[v] = max(ready[v], finish[u])
            waiting[v] -= 1
            if waiting[v] == 0:
                heapq.heappush(heap, (ready[v], v))
    return max(finish.values(), default=0.0)


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process and its live descendants have used, reaped children included
    (from /proc; 0 where it is not there)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in (pid, *descendants(pid)):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15]) / tick  # utime stime cutime cstime
    return total


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def lro_figures(ops: list[dict[str, Any]]) -> tuple[int, int]:
    """(most LROs in flight, most in flight for one live event and its outputs)"""
    by_event: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for op in ops:
        group = group_of(op["resource_id"])
        if group:
            by_event[group].append((op["start"], op["end"]))
    per_event = max((max_overlap(v) for v in by_event.values()), default=0)
    return max_overlap([(op["start"], op["end"]) for op in ops]), per_event


def measure(
    events: int, work: Path, parallel: str, run_state: str, *, checkpoints: bool = True
) -> dict[str, Any]:
    """One `up` and `destroy` of the reference stage with `events` live events on a fresh emulator. With
    checkpoints=False the engine writes the state only at the end (PULUMI_SKIP_CHECKPOINTS, unsafe for
    real use): a reference for how much of the wall time goes to its per-step state writes."""
    name = f"{events}" if checkpoints else f"{events}-nockpt"
    emu = start_emulator(work / f"emulator-{name}")
    try:
        admin = emu.admin
        admin.set_durations_map({k: v * SCALE for k, v in admin.durations().items()})
        # The account's live-event quota raised as a support request would: in the service (the emulator)
        # and in the stage config (account.liveEventQuota), which the program's schema checks.
        admin.set_settings(max_live_events=quota(events))
        conn = emu.connection
        env = {**arm_env(conn), "PULUMI_CONFIG_PASSPHRASE": "", "PULUMI_PARALLEL": parallel}
        if not checkpoints:
            env["PULUMI_SKIP_CHECKPOINTS"] = "true"
        project = PulumiProject(work / f"project-{name}", project="ams-media", stack="local", env=env)
        write_stage_program(project, reference_doc(conn, events, run_state))
        project.ensure_stack()
        row: dict[str, Any] = {"events": events, "label": str(events) if checkpoints else f"{events}*"}
        resources: list[dict[str, Any]] = []
        for step in ("up", "destroy"):
            trace = work / f"trace-{name}-{step}.jsonl"
            project.env[TRACE_ENV] = str(trace)
            emulator_cpu, engine_cpu = tree_cpu(emu.process.pid), children_cpu()
            t0 = time.time()
            (project.up if step == "up" else project.destroy)().check()
            t1 = time.time()
            # CPU the run used: the CLI with its program and provider processes (reaped children of this
            # process), and the emulator with Azurite; against the machine's CPUs x wall, how busy it was.
            cpu = {
                "engine": children_cpu() - engine_cpu,
                "emulator": tree_cpu(emu.process.pid) - emulator_cpu,
            }
            spans = [json.loads(line) for line in trace.read_text().splitlines()] if trace.exists() else []
            ops = [o for o in admin.operations() if o.get("end") and t0 <= o["start"] <= t1]
            if step == "up":
                resources = project.resources()
                # The engine's fixed cost for this stage: the same `up` with nothing to change (CLI, program,
                # registration, check and diff of every resource, state write), no LRO.
                n0 = time.time()
                project.up().check()
                row["noop"] = time.time() - n0
            path = critical_path(resources, ops, reverse=step == "destroy")
            in_flight, per_event = lro_figures(ops)
            row[step] = {
                "wall": t1 - t0,
                "path": path,
                "ratio": (t1 - t0) / path if path else float("nan"),
                "in_flight": in_flight,
                "per_event": per_event,
                "lros": len(ops),
                "parts": breakdown(resources, spans, ops, t0, t1, destroy=step == "destroy"),
                "cpu": cpu,
            }
        return row
    finally:
        emu.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, nargs="+", default=[2, 4, 8])
    parser.add_argument(
        "--no-reference",
        action="store_true",
        help="skip the extra run of the largest N with the engine's per-step state writes off",
    )
    parser.add_argument(
        "--run-state",
        choices=("Running", "StandBy"),
        default="Running",
        help="the live events' runState (StandBy channels have no live outputs in the service, so their "
        "outputs' LROs drop out of the measurement)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    parallel = os.environ.get("PULUMI_PARALLEL", "64")
    # The program and provider processes import this checkout's modules on every run. Some sandboxes set
    # PYTHONDONTWRITEBYTECODE, which makes each run compile them from source (about 0.15 s per process);
    # a user's machine or CI runner caches the bytecode, so the bench does too.
    os.environ["PYTHONDONTWRITEBYTECODE"] = ""
    for package in ("components", "dynamic_providers"):
        compileall.compile_dir(REPO_ROOT / package, quiet=1)
    compileall.compile_file(REPO_ROOT / "__main__.py", quiet=1)
    started = time.monotonic()
    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="ams-bench-parallel-"))
    rows = []
    try:
        for n in args.events:
            rows.append(measure(n, work, parallel, args.run_state))
        if not args.no_reference:
            rows.append(measure(max(args.events), work, parallel, args.run_state, checkpoints=False))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")
    load = os.getloadavg()
    print(
        f"\nReference stage, LRO durations x{SCALE:g}, {OUTPUTS_PER_EVENT} outputs per live event, "
        f"--parallel {parallel}, {os.cpu_count()} CPUs, load average (1/5/15 min) "
        f"{load_before[0]:.2f}/{load_before[1]:.2f}/{load_before[2]:.2f} at the start, "
        f"{load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f} at the end"
    )
    print(
        f"{'live events':>11} | {'up wall':>7} {'path':>5} {'ratio':>5} | {'destroy wall':>12} {'path':>5} "
        f"{'ratio':>5} | {'most LROs in flight':>19} | {'per-event overlap':>17} | {'no-op up':>8} | "
        f"{'up beyond path + no-op':>22}"
    )
    for row in rows:
        up, down = row["up"], row["destroy"]
        print(
            f"{row['label']:>11} | {up['wall']:7.1f} {up['path']:5.1f} {up['ratio']:5.2f} | "
            f"{down['wall']:12.1f} {down['path']:5.1f} {down['ratio']:5.2f} | "
            f"{max(up['in_flight'], down['in_flight']):>19} | "
            f"{max(up['per_event'], down['per_event']):>17} | "
            f"{row['noop']:8.1f} | {up['wall'] - up['path'] - row['noop']:22.1f}"
        )
    if not args.no_reference:
        print(
            f"{max(args.events)}* = the same run with the engine's per-step state writes off "
            "(PULUMI_SKIP_CHECKPOINTS; not for real use): with the file and azblob backends the engine\n"
            "rewrites the whole state at the start and end of every step, one write at a time, so that cost "
            "grows with the stage's size."
        )
    print(
        "no-op up = the same `up` again with nothing to change: the engine's fixed cost for this stage (CLI, "
        "program, registration,\ncheck and diff of every resource, state write); the last column is what "
        "the `up` took beyond its path and that cost."
    )
    print(
        "path = the computed critical path (the LROs the emulator ran, one at a time per live event, "
        "dependencies from the state;\nthe engine's destroy runs deletes in dependency levels, each level "
        "waiting for the one before, which the path does not count)."
    )
    print_breakdown(rows)
    print(f"\nbench runtime: {time.monotonic() - started:.0f} s")


def print_breakdown(rows: list[dict[str, Any]]) -> None:
    print(
        "\nWhere the wall time went: seconds along the chain of resources that finished last, adding up to "
        "the wall time\n(parts explained in benchmarks/breakdown.py); then the whole run's lock waits and "
        "longest check/diff call;\nthe CPU seconds the run used (the CLI with its program and provider "
        "processes; the emulator with Azurite) and the\nshare of the machine's CPUs they kept busy over the "
        "wall time"
    )
    extra = ("all lock waits", "longest check/diff", "CPU engine", "CPU emulator", "CPUs busy")
    print(
        f"{'events':>6} {'step':>7} {'wall':>5} | "
        + " ".join(f"{p:>{max(len(p), 5)}}" for p in PARTS + extra)
    )
    for row in rows:
        for step in ("up", "destroy"):
            cpu = row[step]["cpu"]
            parts = row[step]["parts"] | {
                "CPU engine": cpu["engine"],
                "CPU emulator": cpu["emulator"],
                "CPUs busy": (cpu["engine"] + cpu["emulator"]) / (row[step]["wall"] * (os.cpu_count() or 1)),
            }
            print(
                f"{row['label']:>6} {step:>7} {row[step]['wall']:5.1f} | "
                + " ".join(f"{parts.get(p, 0.0):>{max(len(p), 5)}.1f}" for p in PARTS + extra)
            )


if __name__ == "__main__":
    main()
