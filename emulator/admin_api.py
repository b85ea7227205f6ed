"""Admin API served under /admin (loopback only, no ARM auth): faults, durations, logs, reset, roles."""

from __future__ import annotations

import json
import time
from typing import Any

from .app import App, Fault, Response
from .config import DEFAULT_DURATIONS, DEFAULT_SETTINGS


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
                fault = Fault(
                    kind=str(data.get("kind", "status")),
                    status=int(data.get("status", 0)),
                    count=int(data.get("count", 1)),
                    retry_after=data.get("retry_after"),
                    seconds=float(data.get("seconds", 0.0)),
                    match=str(data.get("match", "")),
                    methods=list(data.get("methods", [])),
                )
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
                current = store.get_setting("durations", {}) or {}
                current.update({k: float(v) for k, v in data.items()})
                store.set_setting("durations", current)
            effective = dict(DEFAULT_DURATIONS)
            effective.update(store.get_setting("durations", {}) or {})
            return 200, {}, effective
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
