"""Where the wall time of one `pulumi up` or `destroy` went, along the chain of resources that finished last.

Inputs: the provider's spans (dynamic_providers/core/trace.py: check, diff, create, delete, lock waits,
LROs), the emulator's LRO log and the stack's dependency graph. Starting from the resource that finished
last, each step goes back to the dependency (for a destroy: the dependent) that finished last before it,
so the chain's segments add up to the wall time exactly:

- start-up: from the command's start to the run's first provider call (CLI, engine, program, provider
  process start); a chain whose first resource is called later waited for the engine (registration);
- registration: from a dependency's end to the dependent's first call (the program resolving outputs
  and registering, the engine's step scheduling);
- check/diff: the engine's check and diff calls;
- scheduling: from the end of check to the start of create (the engine's queue, its --parallel slots);
- lock wait: waiting for a live event's lock;
- in the service: the LROs the emulator ran (what the critical path counts);
- poll lag: from an LRO's end in the service to the provider seeing it;
- provider other: the rest of the provider calls (GETs, the request that begins an LRO);
- tail: from the last call's end to the command's exit (the engine writing the state, shutdown)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

PARTS = (
    "start-up",
    "registration",
    "check/diff",
    "scheduling",
    "lock wait",
    "in the service",
    "poll lag",
    "provider other",
    "tail",
)


def dependency_graph(
    resources: list[dict[str, Any]], *, reverse: bool
) -> tuple[dict[str, str], dict[str, set[str]]]:
    """({urn: lower-cased ARM id} of the custom resources, {urn: urns it waits for}). A dependency on a
    component is one on every custom resource under it; for a destroy the edges turn around."""
    ids = {r["urn"]: str(r["id"]).lower() for r in resources if r.get("custom") and r.get("id")}
    children: dict[str, list[str]] = defaultdict(list)
    for r in resources:
        if r.get("parent"):
            children[r["parent"]].append(r["urn"])

    def customs(urn: str) -> list[str]:
        if urn in ids:
            return [urn]
        return [c for child in children.get(urn, []) for c in customs(child)]

    deps: dict[str, set[str]] = {u: set() for u in ids}
    for r in resources:
        u = r["urn"]
        if u not in ids:
            continue
        for d in r.get("dependencies", []):
            for c in customs(d):
                if c != u:
                    (deps[c] if reverse else deps[u]).add(u if reverse else c)
    return ids, deps


def _by_id(items: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        out[str(item[key]).lower()].append(item)
    return out


def breakdown(
    resources: list[dict[str, Any]],
    spans: list[dict[str, Any]],
    ops: list[dict[str, Any]],
    t0: float,
    t1: float,
    *,
    destroy: bool,
) -> dict[str, float]:
    """Seconds per part of PARTS along the last-finishing chain (they add up to t1 - t0), plus the
    whole run's totals `all lock waits` and `longest check/diff`."""
    ids, deps = dependency_graph(resources, reverse=destroy)
    spans_of = _by_id(spans, "what")
    ops_of = _by_id(ops, "resource_id")
    main_kinds = ("delete",) if destroy else ("create", "update")

    def calls(urn: str, kinds: tuple[str, ...]) -> list[dict[str, Any]]:
        return [s for s in spans_of.get(ids[urn], []) if s["kind"] in kinds]

    first: dict[str, float] = {}
    done: dict[str, float] = {}
    for u in ids:
        mine = calls(u, ("check", "diff", *main_kinds))
        if mine:
            first[u] = min(s["start"] for s in mine)
            done[u] = max(s["end"] for s in mine)
    parts = dict.fromkeys(PARTS, 0.0)
    if not done:
        parts["start-up"] = t1 - t0
        return parts
    run_first = min(first.values())
    last = max(done, key=done.__getitem__)
    parts["tail"] = t1 - done[last]
    urn: str | None = last
    while urn is not None:
        before = [d for d in deps[urn] if d in done and done[d] <= first[urn] + 0.05]
        pred = max(before, key=done.__getitem__) if before else None
        if pred:
            parts["registration"] += max(first[urn] - done[pred], 0.0)
        else:
            # Start-up lasts until the run's first provider call; a chain that begins later (a destroy's
            # endpoint, say, whose deletes wait for the dependency levels before it) was waiting on the
            # engine, not starting up.
            parts["start-up"] += max(run_first - t0, 0.0)
            parts["registration"] += max(first[urn] - max(run_first, t0), 0.0)
        checks = calls(urn, ("check", "diff"))
        parts["check/diff"] += sum(s["end"] - s["start"] for s in checks)
        main = calls(urn, main_kinds)
        if main:
            call_start = min(s["start"] for s in main)
            call_end = max(s["end"] for s in main)
            if checks:
                parts["scheduling"] += max(call_start - max(s["end"] for s in checks), 0.0)
            threads = {(s["pid"], s["thread"]) for s in main}
            lock = sum(
                s["end"] - s["start"]
                for s in spans
                if s["kind"] == "lock-wait"
                and (s["pid"], s["thread"]) in threads
                and call_start <= s["start"] <= call_end
            )
            mine_ops = [o for o in ops_of.get(ids[urn], []) if call_start <= o["start"] <= call_end]
            service = sum(o["end"] - o["start"] for o in mine_ops)
            lag = 0.0
            for lro in calls(urn, ("lro",)):
                ended = [o["end"] for o in mine_ops if lro["start"] <= o["start"] <= lro["end"]]
                if ended:
                    lag += max(lro["end"] - max(ended), 0.0)
            parts["lock wait"] += lock
            parts["in the service"] += service
            parts["poll lag"] += lag
            parts["provider other"] += max((call_end - call_start) - lock - service - lag, 0.0)
        urn = pred
    parts["all lock waits"] = sum(s["end"] - s["start"] for s in spans if s["kind"] == "lock-wait")
    parts["longest check/diff"] = max(
        (s["end"] - s["start"] for s in spans if s["kind"] in ("check", "diff")), default=0.0
    )
    return parts
