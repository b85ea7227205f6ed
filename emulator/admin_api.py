"""Admin API served under /admin (loopback only, no ARM auth): faults, durations, logs, reset, roles."""

from __future__ import annotations

import json
import time
from typing import Any

from .app import App, Fault, Response
from .config import DEFAULT_SETTINGS, effective_durations, merge_durations

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


def handle(app: App, method: str, path: str, raw: bytes, connection: dict[str, Any]) -> Response:
    parts = [p for p in path.split("?")[0].split("/") if p][1:]
    what = "/".join(parts).lower()
    try:
        data: Any = json.loads(raw) if raw.strip() else {}
    except ValueError:
        return 400, {}, {"error": "invalid JSON"}
    store = app.store
    with store.lock:
        if what in ("", "health"):
            return 200, {}, {"status": "ok"}
        if what == "connection":
            return 200, {}, connection
        if what == "reset" and method == "POST":
            store.reset()
            for key in ("durations", "fail_next", *DEFAULT_SETTINGS):
                store.db.execute("DELETE FROM settings WHERE key=?", (key,))
            with app.fault_lock:
                app.faults = []
            app.identity.restore_default_roles()
            return 200, {}, {"reset": True}
        if what == "faults":
            if method == "GET":
                with app.fault_lock:
                    return 200, {}, {"faults": [f.__dict__ for f in app.faults]}
            if method == "DELETE":
                with app.fault_lock:
                    app.faults = []
                return 200, {}, {"faults": []}
            if method == "POST":
                try:
                    fault = parse_fault(data)
                except ValueError as exc:
                    return 400, {}, {"error": str(exc)}
                with app.fault_lock:
                    app.faults.append(fault)
                return 200, {}, fault.__dict__
        if what == "fail-next-lro" and method == "POST":
            pending = store.get_setting("fail_next", []) or []
            pending.append(
                {
                    "match": str(data.get("match", "")),
                    "code": data.get("code") or "InternalError",
                    "message": data.get("message") or "The operation failed (injected failure).",
                }
            )
            store.set_setting("fail_next", pending)
            return 200, {}, {"fail_next": pending}
        if what == "durations":
            if method in ("PUT", "POST", "PATCH"):
                try:
                    merged = merge_durations(store.get_setting("durations", {}) or {}, dict(data))
                except (TypeError, ValueError) as exc:
                    return 400, {}, {"error": str(exc)}
                store.set_setting("durations", merged)
            return 200, {}, effective_durations(store.get_setting("durations", {}) or {})
        if what == "settings":
            if method in ("PUT", "POST", "PATCH"):
                for k, v in data.items():
                    store.set_setting(k, v)
            return 200, {}, {k: app.setting(k) for k in DEFAULT_SETTINGS}
        if what == "operations":
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
                for o in store.all_ops()
            ]
            return 200, {}, {"operations": ops}
        if what == "complete-operations" and method == "POST":
            match = str(data.get("match", "")).lower()
            now = time.time()
            for op in store.ops_in_progress():
                if match in op["resource_id"].lower():
                    store.db.execute(
                        "UPDATE operations SET duration=? WHERE op_id=?", (now - op["start"], op["op_id"])
                    )
            app.lro.advance()
            return 200, {}, {"in_progress": len(store.ops_in_progress())}
        if what == "write-requests":
            with app.fault_lock:
                return 200, {}, {"write_requests": list(app.write_requests)}
        if what == "rejections":
            return 200, {}, {"rejections": store.rejections()}
        if what == "roles" and method in ("POST", "PUT"):
            principals = store.principals()
            oid = data.get("object_id") or principals.get(str(data.get("principal")), {}).get("object_id")
            if not oid:
                return 400, {}, {"error": "unknown principal"}
            role = data.get("role")
            if role is not None and role not in ("Owner", "Contributor", "Reader"):
                return 400, {}, {"error": "role must be Owner, Contributor, Reader or null"}
            store.set_role(oid, str(data.get("scope", "/")), role)
            return 200, {}, {"object_id": oid, "roles": store.roles_for(oid)}
        if what == "oidc-token":
            name = str(data.get("principal") or "contributor")
            if name not in store.principals():
                return 400, {}, {"error": "unknown principal"}
            return 200, {}, {"token": app.identity.federated_token(name, int(data.get("lifetime", 600)))}
        if what == "roles" and method == "GET":
            return 200, {}, {name: store.roles_for(p["object_id"]) for name, p in store.principals().items()}
    return 404, {}, {"error": f"unknown admin endpoint {method} {path}"}
