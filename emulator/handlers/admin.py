"""Admin routes under /admin (loopback only, no ARM auth): faults, durations, logs, reset, roles.

The admin plane of app.App checks the peer and the JSON before these run, under the store lock.
"""

from __future__ import annotations

import json
import time
from typing import Any

from ..app import Ctx, Fault, Response
from ..config import DEFAULT_SETTINGS, effective_durations, merge_durations
from ..routing import ANY_METHOD

FAULT_KINDS = ("status", "latency", "reset")


def parse_fault(data: Any) -> Fault:
    """A fault from its JSON; ValueError says which field is wrong."""
    if not isinstance(data, dict):
        raise ValueError("a fault is a JSON object")
    kind = data.get("kind", "status")
    if kind not in FAULT_KINDS:
        raise ValueError(f"unknown fault kind {kind!r}: use one of {', '.join(FAULT_KINDS)}")
    unknown = set(data) - {"kind", "status", "count", "retry_after", "seconds", "match", "methods", "after"}
    if unknown:
        raise ValueError(f"unknown fault field(s) {', '.join(sorted(unknown))}")
    try:
        fault = Fault(
            kind=kind,
            status=int(data.get("status", 0)),
            count=int(data.get("count", 1)),
            retry_after=None if data.get("retry_after") is None else float(data["retry_after"]),
            seconds=float(data.get("seconds", 0.0)),
            match=str(data.get("match", "")),
            methods=[str(m).upper() for m in data.get("methods") or []],
            after=bool(data.get("after", False)),
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(f"invalid fault field: {exc}") from None
    if kind == "status" and not 400 <= fault.status <= 599:
        raise ValueError(f"a status fault needs 'status' between 400 and 599, got {fault.status}")
    if kind != "latency" and fault.count < 1:
        raise ValueError(f"'count' must be at least 1, got {fault.count}")
    if fault.after and kind != "reset":
        raise ValueError("'after' applies only to reset faults")
    if kind == "latency" and fault.seconds <= 0:
        raise ValueError(f"a latency fault needs 'seconds' > 0, got {fault.seconds}")
    return fault


def _data(ctx: Ctx) -> Any:
    return json.loads(ctx.raw) if ctx.raw.strip() else {}


def health(ctx: Ctx) -> Response:
    return 200, {}, {"status": "ok"}


def connection(ctx: Ctx) -> Response:
    return 200, {}, ctx.app.connection_doc


def reset(ctx: Ctx) -> Response:
    app, store = ctx.app, ctx.store
    store.reset()
    for key in ("durations", "fail_next", *DEFAULT_SETTINGS):
        store.db.execute("DELETE FROM settings WHERE key=?", (key,))
    with app.fault_lock:
        app.faults = []
    app.identity.restore_default_roles()
    return 200, {}, {"reset": True}


def list_faults(ctx: Ctx) -> Response:
    with ctx.app.fault_lock:
        return 200, {}, {"faults": [f.__dict__ for f in ctx.app.faults]}


def clear_faults(ctx: Ctx) -> Response:
    with ctx.app.fault_lock:
        ctx.app.faults = []
    return 200, {}, {"faults": []}


def add_fault(ctx: Ctx) -> Response:
    try:
        fault = parse_fault(_data(ctx))
    except ValueError as exc:
        return 400, {}, {"error": str(exc)}
    with ctx.app.fault_lock:
        ctx.app.faults.append(fault)
    return 200, {}, fault.__dict__


def fail_next_lro(ctx: Ctx) -> Response:
    data = _data(ctx)
    pending = ctx.store.get_setting("fail_next", []) or []
    pending.append(
        {
            "match": str(data.get("match", "")),
            "code": data.get("code") or "InternalError",
            "message": data.get("message") or "The operation failed (injected failure).",
        }
    )
    ctx.store.set_setting("fail_next", pending)
    return 200, {}, {"fail_next": pending}


def durations(ctx: Ctx) -> Response:
    store = ctx.store
    if ctx.method in ("PUT", "POST", "PATCH"):
        try:
            merged = merge_durations(store.get_setting("durations", {}) or {}, dict(_data(ctx)))
        except (TypeError, ValueError) as exc:
            return 400, {}, {"error": str(exc)}
        store.set_setting("durations", merged)
    return 200, {}, effective_durations(store.get_setting("durations", {}) or {})


def settings(ctx: Ctx) -> Response:
    if ctx.method in ("PUT", "POST", "PATCH"):
        for k, v in _data(ctx).items():
            ctx.store.set_setting(k, v)
    return 200, {}, {k: ctx.app.setting(k) for k in DEFAULT_SETTINGS}


def operations(ctx: Ctx) -> Response:
    ops = [
        {
            "operation_id": o["op_id"],
            "resource_id": o["resource_id"],
            "kind": o["kind"],
            "action": o["action"],
            "start": o["start"],
            "duration": o["duration"],
            "end": o["end"],
            "status": o["status"],
            "outcome": o["status"],
            "error": o["error"],
        }
        for o in ctx.store.all_ops()
    ]
    return 200, {}, {"operations": ops}


def complete_operations(ctx: Ctx) -> Response:
    store = ctx.store
    match = str(_data(ctx).get("match", "")).lower()
    now = time.time()
    for op in store.ops_in_progress():
        if match in op["resource_id"].lower():
            store.db.execute(
                "UPDATE operations SET duration=? WHERE op_id=?", (now - op["start"], op["op_id"])
            )
    ctx.app.lro.advance()
    return 200, {}, {"in_progress": len(store.ops_in_progress())}


def write_requests(ctx: Ctx) -> Response:
    with ctx.app.fault_lock:
        return 200, {}, {"write_requests": list(ctx.app.write_requests)}


def rejections(ctx: Ctx) -> Response:
    return 200, {}, {"rejections": ctx.store.rejections()}


def set_role(ctx: Ctx) -> Response:
    store, data = ctx.store, _data(ctx)
    principals = store.principals()
    oid = data.get("object_id") or principals.get(str(data.get("principal")), {}).get("object_id")
    if not oid:
        return 400, {}, {"error": "unknown principal"}
    role = data.get("role")
    if role is not None and role not in ("Owner", "Contributor", "Reader"):
        return 400, {}, {"error": "role must be Owner, Contributor, Reader or null"}
    store.set_role(oid, str(data.get("scope", "/")), role)
    return 200, {}, {"object_id": oid, "roles": store.roles_for(oid)}


def roles(ctx: Ctx) -> Response:
    store = ctx.store
    return 200, {}, {name: store.roles_for(p["object_id"]) for name, p in store.principals().items()}


def oidc_token(ctx: Ctx) -> Response:
    data = _data(ctx)
    name = str(data.get("principal") or "contributor")
    if name not in ctx.store.principals():
        return 400, {}, {"error": "unknown principal"}
    return 200, {}, {"token": ctx.app.identity.federated_token(name, int(data.get("lifetime", 600)))}


def unknown(ctx: Ctx) -> Response:
    return 404, {}, {"error": f"unknown admin endpoint {ctx.method} {ctx.path}"}


A = "/admin"
ROUTES = [
    (ANY_METHOD, A, health, ""),
    (ANY_METHOD, A + "/health", health, ""),
    (ANY_METHOD, A + "/connection", connection, ""),
    ("POST", A + "/reset", reset, ""),
    ("GET", A + "/faults", list_faults, ""),
    ("DELETE", A + "/faults", clear_faults, ""),
    ("POST", A + "/faults", add_fault, ""),
    ("POST", A + "/fail-next-lro", fail_next_lro, ""),
    (ANY_METHOD, A + "/durations", durations, ""),
    (ANY_METHOD, A + "/settings", settings, ""),
    (ANY_METHOD, A + "/operations", operations, ""),
    ("POST", A + "/complete-operations", complete_operations, ""),
    (ANY_METHOD, A + "/write-requests", write_requests, ""),
    (ANY_METHOD, A + "/rejections", rejections, ""),
    ("POST", A + "/roles", set_role, ""),
    ("PUT", A + "/roles", set_role, ""),
    ("GET", A + "/roles", roles, ""),
    (ANY_METHOD, A + "/oidc-token", oidc_token, ""),
    (ANY_METHOD, A + "/{rest:path}", unknown, ""),
]
