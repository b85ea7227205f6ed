"""HTTP adapters for live events and live outputs (state machine and rules: models/live.py)."""

from __future__ import annotations

from typing import Any

from .. import naming, shapes, validation
from ..app import API_DEFAULT, Ctx, Response
from ..models import live
from ..models.live import EVENT, OUTPUT
from .common import async_status, operation_location, streaming_lro_headers
from .crud import found, get_item, list_children


def _event_headers(ctx: Ctx, op: dict[str, Any], rid: str) -> dict[str, str]:
    return streaming_lro_headers(ctx, op, "liveeventoperations", rid)


# ---- live events ---------------------------------------------------------------------------------
def _event_json(ctx: Ctx) -> Any:
    return shapes.request_for_version("liveevents", ctx.json(), ctx.api_version)


def create(ctx: Ctx) -> Response:
    naming.check(EVENT, ctx.params[EVENT])
    account_rid, account = ctx.parent_of(EVENT)
    rid, existing = ctx.resolve(EVENT)
    parsed = validation.parse("LiveEvent", _event_json(ctx))
    if existing is not None:
        merged, op = live.update_event(ctx.app, rid, existing, parsed, ctx.principal)
        return 200, _event_headers(ctx, op, rid), merged
    auto_start = (ctx.q("autoStart") or "").lower() == "true"
    op = live.create_event(ctx.app, rid, account_rid, account, parsed, ctx.principal, auto_start)
    return shapes.created_status(ctx.api_version), _event_headers(ctx, op, rid), parsed


def update(ctx: Ctx) -> Response:
    rid, existing = found(ctx, EVENT)
    patch = validation.parse("LiveEvent", _event_json(ctx), partial=True)
    merged, op = live.update_event(ctx.app, rid, existing, patch, ctx.principal)
    return 202, _event_headers(ctx, op, rid), merged


def get(ctx: Ctx) -> Response:
    return get_item(ctx, EVENT)


def list_(ctx: Ctx) -> Response:
    return list_children(ctx, EVENT)


def delete(ctx: Ctx) -> Response:
    rid, body = ctx.resolve(EVENT)
    if body is None:
        return 204, {}, None
    op = live.delete_event(ctx.app, rid, body)
    return 202, _event_headers(ctx, op, rid), None


def _action(ctx: Ctx, action: str) -> Response:
    rid, body = found(ctx, EVENT)
    params: dict[str, Any] = {}
    if action == "stop":
        data = validation.parse("LiveEventActionInput", ctx.json() or {})
        params["removeOutputsOnStop"] = bool(data.get("removeOutputsOnStop"))
    op = live.act(ctx.app, rid, body, action, params)
    return 202, _event_headers(ctx, op, rid), None


def allocate(ctx: Ctx) -> Response:
    return _action(ctx, "allocate")


def start(ctx: Ctx) -> Response:
    return _action(ctx, "start")


def stop(ctx: Ctx) -> Response:
    return _action(ctx, "stop")


def reset(ctx: Ctx) -> Response:
    return _action(ctx, "reset")


# ---- live outputs --------------------------------------------------------------------------------
def create_output(ctx: Ctx) -> Response:
    naming.check(OUTPUT, ctx.params[OUTPUT])
    event_rid, event = ctx.parent_of(OUTPUT)
    rid, existing = ctx.resolve(OUTPUT)
    parsed = validation.parse("LiveOutput", ctx.json())
    if existing is not None:
        live.check_repeated_output(existing, parsed)
        return 200, {}, existing
    op = live.create_output(ctx.app, rid, ctx.account_rid(), event_rid, event, parsed, ctx.principal)
    return (
        shapes.created_status(ctx.api_version),
        streaming_lro_headers(ctx, op, "liveoutputoperations", rid),
        parsed,
    )


def get_output(ctx: Ctx) -> Response:
    return get_item(ctx, OUTPUT)


def list_outputs(ctx: Ctx) -> Response:
    return list_children(ctx, OUTPUT)


def delete_output(ctx: Ctx) -> Response:
    event_rid, event = ctx.parent_of(OUTPUT)
    rid, body = ctx.resolve(OUTPUT)
    if body is None:
        return 204, {}, None
    op = live.delete_output(ctx.app, rid, event_rid, event, body)
    return 202, streaming_lro_headers(ctx, op, "liveoutputoperations", rid), None


def event_op_status(ctx: Ctx) -> Response:
    return async_status(ctx, EVENT)


def event_op_location(ctx: Ctx) -> Response:
    return operation_location(ctx, EVENT)


def output_op_status(ctx: Ctx) -> Response:
    return async_status(ctx, OUTPUT)


def output_op_location(ctx: Ctx) -> Response:
    return operation_location(ctx, OUTPUT)


P = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Media/mediaservices/{account}"
LE = P + "/liveEvents/{liveevent}"
LO = LE + "/liveOutputs/{liveoutput}"
ROUTES = [
    ("GET", P + "/liveEvents", list_, API_DEFAULT),
    ("GET", LE, get, API_DEFAULT),
    ("PUT", LE, create, API_DEFAULT),
    ("PATCH", LE, update, API_DEFAULT),
    ("DELETE", LE, delete, API_DEFAULT),
    ("POST", LE + "/allocate", allocate, API_DEFAULT),
    ("POST", LE + "/start", start, API_DEFAULT),
    ("POST", LE + "/stop", stop, API_DEFAULT),
    ("POST", LE + "/reset", reset, API_DEFAULT),
    ("GET", P + "/liveEventOperations/{op}", event_op_status, API_DEFAULT),
    ("GET", LE + "/operationLocations/{op}", event_op_location, API_DEFAULT),
    ("GET", LE + "/liveOutputs", list_outputs, API_DEFAULT),
    ("GET", LO, get_output, API_DEFAULT),
    ("PUT", LO, create_output, API_DEFAULT),
    ("DELETE", LO, delete_output, API_DEFAULT),
    ("GET", P + "/liveOutputOperations/{op}", output_op_status, API_DEFAULT),
    ("GET", LO + "/operationLocations/{op}", output_op_location, API_DEFAULT),
]
