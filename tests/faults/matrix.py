"""`make faults`: the crash and fault matrix of the local stage (issue 8). Not part of `make test`.

Every trial interrupts a real `pulumi up --refresh` / `pulumi destroy` of the `local` stack (the
command `make up` / `make down` run) or injects faults through the emulator's admin API, then runs the
plain `make up` (resp. `make down`) exactly once — no `pulumi cancel`, no deleted entities, no other
hands — and checks:

- converged: the plain re-run exits 0, and after an `up` `make drift` exits 0 too;
- orphans / duplicates / lost: the emulator's Microsoft.Media entities of the stage against the
  resources of `pulumi stack export` (an entity no resource holds; an ID held twice; a resource whose
  entity is gone; the declared outputs of a channel that is not running are not in the service by
  design, `recording: false`, and do not count);
- stray processes: processes of the interrupted run still alive 5 s after it ended (killed then).

Kill points are spread over the run by the number of entities the emulator holds (fractions of the full
stage); "fresh runner" trials empty the provider lock directory between the kill and the re-run.
Usage: python -m tests.faults.matrix [--only SUBSTRING] [--json PATH]"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tests.faults.procs import cli_pids, descendants, kill9, provider_pids

ROOT = Path(__file__).resolve().parents[2]
PULUMI = ROOT / "scripts" / "pulumi"
PY = ROOT / ".venv" / "bin" / "python"
STATE_DIR = ROOT / ".emulator"
STACK = "local"
LOCK_DIR = Path(tempfile.gettempdir()) / "faults-matrix-locks"
ENV = {**os.environ, "MEDIA_LOCK_DIR": str(LOCK_DIR)}
UP_POINTS = (0.05, 0.2, 0.4, 0.6, 0.8, 1.0)
DOWN_POINTS = (0.8, 0.5, 0.15)
FRESH_UP_POINTS = (0.2, 0.6, 1.0)
FRESH_DOWN_POINTS = (0.8, 0.15)


@dataclass
class Trial:
    group: str
    name: str
    interrupted: bool = False
    converged: bool = False
    orphans: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    stray_processes: int = 0
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


# ---------------------------------------------------------------------------------------- commands
def run(cmd: list[str], timeout: float = 900) -> tuple[int, str]:
    try:
        p = subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return 124, f"timeout after {timeout}s: {e}"
    return p.returncode, p.stdout + p.stderr


def make(target: str) -> tuple[int, str]:
    return run(["make", "--no-print-directory", target])


def last_error(out: str) -> str:
    """The last error line of a command's output; make's own "*** [target] Error N" only when there is
    no other (it names the target, not the cause)."""
    lines = [x.strip() for x in out.splitlines() if "error" in x.lower() or "MediaError" in x]
    lines = [x for x in lines if not x.startswith("make")] or lines
    return (lines[-1] if lines else out.strip().splitlines()[-1] if out.strip() else "")[:300]


def connection() -> dict[str, Any]:
    return dict(json.loads((STATE_DIR / "connection.json").read_text()))


def arm_env() -> dict[str, str]:
    from emulator.launcher import arm_env as env_for

    return env_for(connection())


def emulator_start() -> None:
    rc, out = run([str(PY), "-m", "emulator", "start", "--state-dir", str(STATE_DIR), "--background"])
    if rc != 0:
        raise RuntimeError(f"emulator start failed: {out[-500:]}")


def emulator_stop() -> None:
    run([str(PY), "-m", "emulator", "stop", "--state-dir", str(STATE_DIR)])


def admin() -> Any:
    from emulator.admin import AdminClient

    conn = connection()
    return AdminClient(conn["admin_endpoint"], conn["ca_bundle"])


# ---------------------------------------------------------------------------------------- oracle
_SDK: dict[str, Any] = {}


def sdk() -> Any:
    """A client of the running emulator (cached per endpoint; no retries, so a sample never waits)."""
    from azure.identity import ClientSecretCredential
    from azure.mgmt.media import AzureMediaServices

    env = arm_env()
    base = connection()["arm_endpoint"]
    key = base + env["ARM_CLIENT_SECRET"]
    if key in _SDK:
        return _SDK[key]
    ca = env["ARM_CA_BUNDLE"]
    cred = ClientSecretCredential(
        env["ARM_TENANT_ID"],
        env["ARM_CLIENT_ID"],
        env["ARM_CLIENT_SECRET"],
        authority=connection()["authority_host"],
        disable_instance_discovery=True,
        connection_verify=ca,
    )
    _SDK[key] = AzureMediaServices(
        cred, env["ARM_SUBSCRIPTION_ID"], base_url=base, connection_verify=ca, retry_total=0
    )
    return _SDK[key]


def entities(c: Any) -> list[str]:
    """Every Microsoft.Media entity of the emulator's resource group (lower-cased ARM IDs)."""
    rg = connection()["resource_group"]
    ids: list[str] = []
    for acct in c.mediaservices.list(rg):
        a = acct.name
        ids.append(acct.id)
        for t in c.transforms.list(rg, a):
            ids.append(t.id)
            ids += [j.id for j in c.jobs.list(rg, a, t.name)]
        for asset in c.assets.list(rg, a):
            ids.append(asset.id)
            ids += [f.id for f in c.asset_filters.list(rg, a, asset.name)]
        ids += [p.id for p in c.content_key_policies.list(rg, a)]
        ids += [p.id for p in c.streaming_policies.list(rg, a) if not p.name.startswith("Predefined_")]
        ids += [loc.id for loc in c.streaming_locators.list(rg, a)]
        ids += [f.id for f in c.account_filters.list(rg, a)]
        ids += [e.id for e in c.streaming_endpoints.list(rg, a)]
        for ev in c.live_events.list(rg, a):
            ids.append(ev.id)
            ids += [o.id for o in c.live_outputs.list(rg, a, ev.name)]
    return [i.lower() for i in ids]


def count_entities() -> int | None:
    try:
        return len(entities(sdk()))
    except Exception:  # noqa: BLE001 - emulator restarting, account not there yet
        return None


def state_ids() -> tuple[list[str], int]:
    """IDs of the stack's Microsoft.Media resources and the number of pending operations."""
    rc, out = run([str(PULUMI), "stack", "export", "--stack", STACK])
    if rc != 0:
        return [], 0
    dep = json.loads(out).get("deployment", {})
    ids = [
        str(r.get("id", "")).lower()
        for r in dep.get("resources") or []
        if r.get("type", "").startswith("pulumi-python:dynamic/media:")
        and not r["type"].endswith(":AssetContent")  # files inside an asset, not an entity
        # a declared live output of a channel that is not running is in the state, not in the service
        and not (r["type"].endswith(":LiveOutput") and (r.get("outputs") or {}).get("recording") is False)
    ]
    return ids, len(dep.get("pending_operations") or [])


def compare(t: Trial) -> None:
    emulator_start()
    with_admin_clear()
    live = entities(sdk())
    held, pending = state_ids()
    t.orphans = sorted(set(live) - set(held))
    t.lost = sorted(set(held) - set(live))
    t.duplicates = sorted({i for i in held if held.count(i) > 1} | {i for i in live if live.count(i) > 1})
    if pending:
        t.notes.append(f"{pending} pending operations left in the state")


# ---------------------------------------------------------------------------------------- stage
def reset_stage() -> None:
    """Empty stage, emulator running. A failed `make down` means an earlier trial did not converge:
    start over from scratch (counted there, not here)."""
    rc, _ = make("down")
    if rc != 0:
        emulator_stop()
        shutil.rmtree(STATE_DIR, ignore_errors=True)
        shutil.rmtree(ROOT / ".pulumi-state", ignore_errors=True)
    shutil.rmtree(LOCK_DIR, ignore_errors=True)
    emulator_start()


def deploy() -> None:
    rc, out = make("up")
    if rc != 0:
        raise RuntimeError(f"make up of a clean stage failed: {last_error(out)}")


def pulumi_cmd(op: str) -> list[str]:
    if op == "up":
        return [str(PULUMI), "up", "--yes", "--refresh", "--stack", STACK]
    return [str(PULUMI), "destroy", "--yes", "--stack", STACK]


def interrupted(op: str, at: Callable[[int], bool], act: Callable[[int], None], t: Trial) -> int:
    """Run `pulumi <op>` as `make` does and call act(cli_pid) when at(entity count) first holds."""
    log = open(Path(tempfile.gettempdir()) / "faults-matrix-run.log", "w")  # noqa: SIM115
    p = subprocess.Popen(
        pulumi_cmd(op), cwd=ROOT, env={**ENV, **arm_env()}, stdout=log, stderr=subprocess.STDOUT
    )
    family: list[int] = []
    try:
        while p.poll() is None:
            n = count_entities()
            family = sorted(set(family) | set(descendants(p.pid)))
            if n is not None and at(n) and p.poll() is None:
                act(p.pid)
                t.interrupted = True
                break
            time.sleep(0.2)
        try:
            p.wait(timeout=600)
        except subprocess.TimeoutExpired:
            t.notes.append("the CLI did not exit within 600 s after the kill")
            kill9([p.pid])
        time.sleep(5)
        stray = [pid for pid in family if Path(f"/proc/{pid}").exists() and pid != p.pid]
        t.stray_processes = len(stray)
        kill9(stray)
    finally:
        log.close()
    if not t.interrupted:
        t.notes.append("the run ended before the kill point")
    return int(p.returncode if p.returncode is not None else -9)


def killer(kind: str) -> Callable[[int], None]:
    def act(pid: int) -> None:
        providers = provider_pids(pid)
        targets = {"cli": cli_pids(pid), "provider": providers, "both": cli_pids(pid) + providers}[kind]
        kill9(targets)

    return act


def rerun_up(t: Trial) -> None:
    rc, out = make("up")
    if rc != 0:
        t.notes.append(f"make up: {last_error(out)}")
        return
    rc, out = make("drift")
    if rc != 0:
        t.notes.append(f"make drift: {last_error(out)}")
        return
    t.converged = True


def rerun_down(t: Trial) -> None:
    rc, out = make("down")
    if rc != 0:
        t.notes.append(f"make down: {last_error(out)}")
        return
    t.converged = True


# ---------------------------------------------------------------------------------------- trials
def kill_trial(group: str, op: str, kind: str, frac: float, total: int, fresh: bool) -> Trial:
    t = Trial(
        group, f"{op} kill -9 {kind} at {frac:.0%} of the entities" + (" + fresh runner" if fresh else "")
    )
    reset_stage()
    if op == "up":
        k = max(1, math.ceil(frac * total))
        interrupted("up", lambda n: n >= k, killer(kind), t)
    else:
        deploy()
        k = math.floor(frac * total)
        interrupted("destroy", lambda n: n <= k, killer(kind), t)
    if fresh:
        shutil.rmtree(LOCK_DIR, ignore_errors=True)
    (rerun_up if op == "up" else rerun_down)(t)
    compare(t)
    return t


def fault_trial(group: str, op: str, name: str, inject: Callable[[Any], None]) -> Trial:
    """Faults injected before a plain `make up`/`make down`; a failed run gets one plain re-run."""
    t = Trial(group, f"{op}: {name}")
    reset_stage()
    if op == "down":
        deploy()
    inject(admin())
    t.interrupted = True
    rc, out = make(op)
    if rc != 0:
        t.notes.append(f"faulted make {op} failed ({last_error(out)}); plain re-run")
        with_admin_clear()
        (rerun_up if op == "up" else rerun_down)(t)
    elif op == "up":
        rc, out = make("drift")
        t.converged = rc == 0
        if rc != 0:
            t.notes.append(f"make drift: {last_error(out)}")
    else:
        t.converged = True
    compare(t)
    return t


def with_admin_clear() -> None:
    with contextlib.suppress(Exception):  # emulator already stopped
        admin().clear_faults()


def restart_trial(group: str, op: str, frac: float, total: int) -> Trial:
    """The emulator restarts while `make up`/`make down` runs (same state dir, same port)."""
    t = Trial(group, f"{op}: emulator restart at {frac:.0%}")
    reset_stage()
    if op == "down":
        deploy()

    def restart(_pid: int) -> None:
        emulator_stop()
        time.sleep(1)
        emulator_start()

    k = math.ceil(frac * total)
    at = (lambda n: n >= k) if op == "up" else (lambda n: n <= k)
    rc = interrupted("up" if op == "up" else "destroy", at, restart, t)
    t.notes.append("the run itself " + ("succeeded" if rc == 0 else f"failed (exit {rc})"))
    rc, out = make("up" if op == "up" else "down")
    if rc != 0:
        t.notes.append(f"re-run: {last_error(out)}")
    elif op == "up":
        rc, out = make("drift")
        t.converged = rc == 0
    else:
        t.converged = True
    compare(t)
    return t


def bursts() -> list[tuple[str, str, Callable[[Any], None]]]:
    def throttle_puts(a: Any) -> None:
        a.throttle(count=8, retry_after=1, match="/transforms/adaptive-streaming", methods=["PUT"])
        a.throttle(count=8, retry_after=1, match="/liveevents/news", methods=["PUT"])

    def throttle_polls(a: Any) -> None:
        a.throttle(count=16, retry_after=1, match="operations/", methods=["GET"])

    def server_errors(a: Any) -> None:
        a.fail_requests(500, count=6, match="/assets/", methods=["PUT"])
        a.fail_requests(503, count=6, match="/liveevents/", methods=["GET"])

    def throttle_deletes(a: Any) -> None:
        a.throttle(count=8, retry_after=1, match="/liveevents/sports", methods=["DELETE"])
        a.throttle(count=8, retry_after=1, match="/streamingendpoints/default", methods=["POST"])

    def resets(a: Any) -> None:
        a.reset_connections(count=6, match="/microsoft.media/")  # before the request is carried out
        a.reset_connections(count=3, match="/liveevents/", methods=["PUT", "DELETE"], after=True)

    return [
        ("up", "429 x8 on two PUTs", throttle_puts),
        ("up", "429 x16 on LRO status polls", throttle_polls),
        ("up", "500 x6 on PUT, 503 x6 on GET", server_errors),
        ("up", "connection resets x6 + 3 after the request", resets),
        ("down", "429 x8 on DELETE and on POST stop", throttle_deletes),
        ("down", "429 x16 on LRO status polls", throttle_polls),
        ("down", "500 x6 on PUT, 503 x6 on GET", server_errors),
        ("down", "connection resets x6 + 3 after the request", resets),
    ]


def table(trials: list[Trial]) -> str:
    groups: dict[str, list[Trial]] = {}
    for t in trials:
        groups.setdefault(t.group, []).append(t)
    cols = "trials | converged without hands | orphans | duplicates | lost | stray processes"
    head = f"| {'scenario':<44} | {cols} |"
    lines = [head, "|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|"]
    for g, ts in [*groups.items(), ("total", trials)]:
        lines.append(
            f"| {g:<44} | {len(ts):>6} | {sum(t.converged for t in ts):>23} | "
            f"{sum(len(t.orphans) for t in ts):>7} | {sum(len(t.duplicates) for t in ts):>10} | "
            f"{sum(len(t.lost) for t in ts):>4} | {sum(t.stray_processes for t in ts):>15} |"
        )
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="", help="run only trials whose group contains this text")
    ap.add_argument("--per-group", type=int, default=0, help="at most N trials per group (0 = all)")
    ap.add_argument("--json", default=str(ROOT / ".faults-report.json"))
    args = ap.parse_args()

    reset_stage()
    deploy()
    total = count_entities() or 0
    print(f"local stage: {total} Microsoft.Media entities", flush=True)

    plan: list[tuple[str, Callable[[], Trial]]] = []
    for kind in ("cli", "provider", "both"):
        g = f"kill -9 {kind} during up"
        plan += [(g, functools.partial(kill_trial, g, "up", kind, f, total, False)) for f in UP_POINTS]
        g = f"kill -9 {kind} during destroy"
        plan += [(g, functools.partial(kill_trial, g, "down", kind, f, total, False)) for f in DOWN_POINTS]
    g = "fresh runner: kill -9 both during up"
    plan += [(g, functools.partial(kill_trial, g, "up", "both", f, total, True)) for f in FRESH_UP_POINTS]
    g = "fresh runner: kill -9 both during destroy"
    plan += [(g, functools.partial(kill_trial, g, "down", "both", f, total, True)) for f in FRESH_DOWN_POINTS]
    for op, name, inject in bursts():
        g = f"faults during {op}"
        plan.append((g, functools.partial(fault_trial, g, op, name, inject)))
    for op in ("up", "down"):
        g = f"emulator restart during {op}"
        plan.append((g, functools.partial(restart_trial, g, op, 0.5, total)))

    trials: list[Trial] = []
    taken: dict[str, int] = {}
    for group, trial in plan:
        if args.only not in group or (args.per_group and taken.get(group, 0) >= args.per_group):
            continue
        taken[group] = taken.get(group, 0) + 1
        start = time.monotonic()
        try:
            t = trial()
        except Exception as e:  # noqa: BLE001 - a harness failure is reported, not hidden
            t = Trial(group, "harness error", notes=[f"{type(e).__name__}: {e}"[:300]])
        t.seconds = round(time.monotonic() - start, 1)
        trials.append(t)
        status = "converged" if t.converged else "NOT CONVERGED"
        extra = "; ".join(t.notes)
        print(
            f"[{len(trials):>2}] {t.name}: {status}, orphans {len(t.orphans)}, duplicates "
            f"{len(t.duplicates)}, lost {len(t.lost)}, stray processes {t.stray_processes}"
            + (f" ({extra})" if extra else "")
            + f" [{t.seconds}s]",
            flush=True,
        )
    make("down")
    Path(args.json).write_text(json.dumps([asdict(t) for t in trials], indent=1))
    print()
    print(table(trials))
    ok = all(t.converged and not (t.orphans or t.duplicates or t.lost) for t in trials)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
