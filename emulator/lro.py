"""Long-running operations: start, conflict detection, lazy completion, failure injection, headers."""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import ArmError

if TYPE_CHECKING:
    from .service import Service

# (kind, action) -> completion function(op, service); failures are handled generically.
Completion = Callable[[dict[str, Any], "Service"], None]
COMPLETIONS: dict[tuple[str, str], Completion] = {}


def completion(kind: str, action: str) -> Callable[[Completion], Completion]:
    def register(fn: Completion) -> Completion:
        COMPLETIONS[(kind, action)] = fn
        return fn

    return register


def completes(kind: str, fn: Completion, *actions: str) -> None:
    """``fn`` completes each of ``actions`` on ``kind``."""
    for action in actions:
        COMPLETIONS[(kind, action)] = fn


def succeeded(op: dict[str, Any], app: Service) -> None:
    """A completion that only ends the resource's provisioning: Succeeded."""
    body = app.store.get(op["resource_id"])
    if body:
        body["properties"]["provisioningState"] = "Succeeded"
        app.store.replace_body(op["resource_id"], body)


def removed(op: dict[str, Any], app: Service) -> None:
    """The completion of a delete: the resource is gone."""
    app.store.delete(op["resource_id"])


def end_state(op: dict[str, Any], ends: dict[str, str | None]) -> str | None:
    """The resource state an operation ends in (``ends``: per action, None: unchanged); a create ends
    Running when it was asked to start (autoStart), else Stopped."""
    if op["action"] == "create":
        return "Running" if op["params"].get("autoStart") else "Stopped"
    return ends[op["action"]]


class LroEngine:
    def __init__(self, app: Service) -> None:
        self.app = app

    @property
    def store(self) -> Any:
        return self.app.store

    def ensure_free(self, group_key: str, what: str, answer: tuple[str, str] | None = None) -> None:
        """Refuse a second operation on ``group_key`` while one runs: 409 with ``answer`` (code, message)
        where the service's own is recorded, else AnotherOperationInProgress naming the running one."""
        self.advance()
        busy = self.store.ops_in_progress_for_group(group_key)
        if busy and answer:
            raise ArmError(409, *answer)
        if busy:
            op = busy[0]
            raise ArmError(
                409,
                "AnotherOperationInProgress",
                f"Another long-running operation ('{op['action']}' on "
                f"'{op['resource_id'].rsplit('/', 1)[-1]}', "
                f"operation id {op['op_id']}) is in progress for {what}. Only one long-running operation at "
                "a time is supported for a live event and its live outputs (and for each streaming endpoint "
                "or track); retry after it completes.",
                details=[{"code": "AnotherOperationInProgress", "message": op["op_id"]}],
            )

    def begin(
        self,
        kind: str,
        action: str,
        resource_id: str,
        group_key: str,
        before: dict[str, Any] | None,
        params: dict[str, Any] | None = None,
        duration_key: str | None = None,
    ) -> dict[str, Any]:
        from .service import new_id

        params = dict(params or {})
        params["before"] = copy.deepcopy(before)
        fail = self._take_failure(resource_id)
        if fail:
            params["fail"] = fail
        op = {
            "op_id": new_id(),
            "kind": kind,
            "action": action,
            "resource_id": resource_id,
            "group_key": group_key.lower(),
            "start": time.time(),
            "duration": self.app.duration(duration_key or f"{kind}.{action}"),
            "status": "InProgress",
            "params": params,
        }
        self.store.add_op(op)
        return op

    def _take_failure(self, resource_id: str) -> dict[str, Any] | None:
        pending: list[dict[str, Any]] = self.store.get_setting("fail_next", []) or []
        for i, entry in enumerate(pending):
            if entry.get("match", "").lower() in resource_id.lower():
                pending.pop(i)
                self.store.set_setting("fail_next", pending)
                return entry
        return None

    def advance(self) -> None:
        now = time.time()
        for op in self.store.ops_in_progress():
            if op["start"] + op["duration"] <= now:
                self.finish(op)

    def finish(self, op: dict[str, Any]) -> None:
        end = op["start"] + op["duration"]
        fail = op["params"].get("fail")
        if fail:
            self._rollback(op)
            error = {
                "code": fail.get("code") or "InternalError",
                "message": fail.get("message") or "The operation failed (injected failure).",
            }
            self.store.update_op(op["op_id"], "Failed", end, error)
            return
        fn = COMPLETIONS.get((op["kind"], op["action"]))
        if fn is not None:
            fn(op, self.app)
        self.store.update_op(op["op_id"], "Succeeded", end, None)

    def _rollback(self, op: dict[str, Any]) -> None:
        before = op["params"].get("before")
        current = self.store.get(op["resource_id"])
        if current is None:
            return
        if before is None:
            before = current
            props = before.setdefault("properties", {})
            if "resourceState" in props:
                props["resourceState"] = "Stopped"
        before = copy.deepcopy(before)
        before.setdefault("properties", {})["provisioningState"] = "Failed"
        self.store.replace_body(op["resource_id"], before)

    def retry_after(self, op: dict[str, Any], integer: bool = False) -> str:
        """Seconds until the operation ends.

        Setting ``retry_after``: "auto" (default) = whole seconds when at least 1 s remains, else the
        remaining time in tenths (e.g. "0.3", which azure-core parses as a float, so SDK clients poll
        right when the operation ends); "integer" = whole seconds, at least 1; a number = that value.
        ``integer``: the SDK parses this header as int32 (accounts, tracks), so whole seconds, at least 1.
        """
        setting = self.app.setting("retry_after")
        remaining = max(op["start"] + op["duration"] - time.time(), 0.0)
        if setting == "integer" or integer:
            return str(max(1, math.ceil(remaining)))
        if setting != "auto":
            return str(setting)
        if remaining >= 1:
            return str(math.ceil(remaining))
        return f"{max(math.ceil(remaining * 10), 1) / 10:.1f}"

    def status_body(self, op: dict[str, Any]) -> dict[str, Any]:
        """Streaming-entity operation status as the service answered it: always an ``error`` member, whose
        code is ``None`` unless the operation failed (Azure CLI recording test_live_event_start)."""
        error = (
            op["error"]
            if op["status"] == "Failed"
            else {"code": "None", "message": None, "target": op["op_id"]}
        )
        return {"name": op["op_id"], "status": op["status"], "error": error}
