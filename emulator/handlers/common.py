"""Helpers shared by the handlers: resource decoration, LRO responses and status endpoints."""

from __future__ import annotations

import copy
from typing import Any

from .. import validation
from ..app import Ctx, Response, iso, now_iso
from ..errors import ArmError
from ..kinds import KINDS


def decorate(kind: str, rid: str, body: dict[str, Any], ctx: Ctx, existing: dict[str, Any] | None) -> None:
    k = KINDS[kind]
    body["id"] = rid
    body["name"] = rid.rsplit("/", 1)[-1]
    body["type"] = k.type
    principal = str(ctx.claims.get("appid") or ctx.claims.get("oid") or "unknown")
    ts = now_iso()
    system: dict[str, Any] = (
        copy.deepcopy(dict(existing["systemData"]))
        if existing and existing.get("systemData")
        else {"createdBy": principal, "createdByType": "Application", "createdAt": ts}
    )
    system.update({"lastModifiedBy": principal, "lastModifiedByType": "Application", "lastModifiedAt": ts})
    body["systemData"] = system


def deep_merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def props(body: dict[str, Any]) -> dict[str, Any]:
    p: dict[str, Any] = body.setdefault("properties", {})
    return p


def stamp_times(body: dict[str, Any], existing: dict[str, Any] | None, model: str) -> None:
    """created/lastModified where the model has them (filters have neither, policies and locators
    no lastModified; the service returned none of those: Azure CLI recordings)."""
    p = props(body)
    ts = now_iso()
    if validation.defines(model, "properties.created"):
        p["created"] = (existing or {}).get("properties", {}).get("created") or ts
    if validation.defines(model, "properties.lastModified"):
        p["lastModified"] = ts


def require_in_account(ctx: Ctx, collection: str, name: str, what: str, target: str) -> dict[str, Any]:
    """The account's ``collection/name`` resource, or 400 InvalidPropertyValue naming ``target``."""
    body = ctx.store.get(f"{ctx.account_rid()}/{collection}/{name}")
    if body is None:
        raise ArmError(400, "InvalidPropertyValue", f"{what} '{name}' was not found.", target=target)
    return body


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
