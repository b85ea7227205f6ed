"""HTTP helpers shared by the handlers: LRO response headers and the operation status endpoints."""

from __future__ import annotations

from typing import Any

from ..app import Ctx, Response
from ..errors import ArmError
from ..service import iso


def streaming_lro_headers(
    ctx: Ctx, op: dict[str, Any], ops_collection: str, resource_id: str
) -> dict[str, str]:
    account = ctx.account_rid()
    acc = ctx.store.get(account)
    if acc:
        account = acc["id"]
    status = ctx.url(f"{account}/{ops_collection}/{op['op_id']}", ctx.api_version)
    location = ctx.url(f"{resource_id}/operationlocations/{op['op_id']}", ctx.api_version)
    return {"Azure-AsyncOperation": status, "Location": location, "Retry-After": ctx.app.lro.retry_after(op)}


def find_op(ctx: Ctx, op_id: str, kind: str, scope: str) -> dict[str, Any]:
    op = ctx.store.get_op(op_id)
    if op is None or op["kind"] != kind or not op["resource_id"].lower().startswith(scope.lower()):
        raise ArmError(404, "NotFound", f"The operation '{op_id}' was not found.")
    return op


def async_status(ctx: Ctx, kind: str) -> Response:
    op = find_op(ctx, ctx.params["op"], kind, ctx.account_rid())
    headers = {"Retry-After": ctx.app.lro.retry_after(op)} if op["status"] == "InProgress" else {}
    return 200, headers, ctx.app.lro.status_body(op)


def operation_location(ctx: Ctx, kind: str) -> Response:
    rid, body = ctx.resolve(kind)
    op = find_op(ctx, ctx.params["op"], kind, rid)
    if op["status"] == "InProgress":
        return 202, {"Retry-After": ctx.app.lro.retry_after(op)}, None
    if body is None:
        raise ctx.not_found(kind)
    return 200, {}, body


def op_times(op: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"startTime": iso(op["start"])}
    if op.get("end"):
        out["endTime"] = iso(op["end"])
    return out
