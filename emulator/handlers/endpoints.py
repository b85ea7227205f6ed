"""HTTP adapters for streaming endpoints (state machine and rules: models/endpoints.py); skus."""

from __future__ import annotations

from typing import Any

from .. import naming, shapes, validation
from ..app import API_DEFAULT, Ctx, Response
from ..models import endpoints
from ..models.endpoints import KIND
from .common import async_status, operation_location, streaming_lro_headers
from .crud import found, get_item, list_children


def _headers(ctx: Ctx, op: dict[str, Any], rid: str) -> dict[str, str]:
    return streaming_lro_headers(ctx, op, "streamingendpointoperations", rid)


def create(ctx: Ctx) -> Response:
    naming.check(KIND, ctx.params[KIND])
    account_rid, account = ctx.parent_of(KIND)
    rid, existing = ctx.resolve(KIND)
    parsed = validation.parse("StreamingEndpoint", ctx.json())
    auto_start = (ctx.q("autoStart") or "").lower() == "true"
    if existing is not None:
        merged, op = endpoints.update(ctx.app, rid, existing, parsed, ctx.principal)
        return 200, _headers(ctx, op, rid) if op else {}, merged
    op = endpoints.create(ctx.app, rid, account_rid, account, parsed, ctx.principal, auto_start)
    return shapes.created_status(ctx.api_version), _headers(ctx, op, rid), parsed


def update(ctx: Ctx) -> Response:
    rid, existing = found(ctx, KIND)
    patch = validation.parse("StreamingEndpoint", ctx.json(), partial=True)
    merged, op = endpoints.update(ctx.app, rid, existing, patch, ctx.principal)
    if op is None:
        return 200, {}, merged
    return 202, _headers(ctx, op, rid), merged


def get(ctx: Ctx) -> Response:
    return get_item(ctx, KIND)


def list_(ctx: Ctx) -> Response:
    return list_children(ctx, KIND)


def delete(ctx: Ctx) -> Response:
    rid, body = ctx.resolve(KIND)
    if body is None:
        return 204, {}, None
    op = endpoints.delete(ctx.app, rid, body)
    return 202, _headers(ctx, op, rid), None


def _action(ctx: Ctx, action: str) -> Response:
    rid, body = found(ctx, KIND)
    op = endpoints.act(ctx.app, rid, body, action, ctx.json)
    if op is None:
        return 200, {}, None
    return 202, _headers(ctx, op, rid), None


def start(ctx: Ctx) -> Response:
    return _action(ctx, "start")


def stop(ctx: Ctx) -> Response:
    return _action(ctx, "stop")


def scale(ctx: Ctx) -> Response:
    return _action(ctx, "scale")


def skus(ctx: Ctx) -> Response:
    _, body = found(ctx, KIND)
    rt = "Microsoft.Media/mediaservices/streamingEndpoints"
    standard = {
        "resourceType": rt,
        "sku": {"name": "Standard"},
        "capacity": {"default": 0, "minimum": 0, "maximum": 0, "scaleType": "None"},
    }
    # recording test_ams_streaming_endpoint_get_skus: a Premium endpoint lists only Premium, 1..50
    premium = {
        "resourceType": rt,
        "sku": {"name": "Premium"},
        "capacity": {"default": 1, "minimum": 1, "maximum": 50, "scaleType": "Automatic"},
    }
    scaled = int(body["properties"].get("scaleUnits") or 0) > 0
    return 200, {}, {"value": [premium] if scaled else [standard, premium]}


def op_status(ctx: Ctx) -> Response:
    return async_status(ctx, KIND)


def op_location(ctx: Ctx) -> Response:
    return operation_location(ctx, KIND)


P = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Media/mediaservices/{account}"
SE = P + "/streamingEndpoints/{streamingendpoint}"
ROUTES = [
    ("GET", P + "/streamingEndpoints", list_, API_DEFAULT),
    ("GET", SE, get, API_DEFAULT),
    ("PUT", SE, create, API_DEFAULT),
    ("PATCH", SE, update, API_DEFAULT),
    ("DELETE", SE, delete, API_DEFAULT),
    ("GET", SE + "/skus", skus, API_DEFAULT),
    ("POST", SE + "/start", start, API_DEFAULT),
    ("POST", SE + "/stop", stop, API_DEFAULT),
    ("POST", SE + "/scale", scale, API_DEFAULT),
    ("GET", P + "/streamingEndpointOperations/{op}", op_status, API_DEFAULT),
    ("GET", SE + "/operationLocations/{op}", op_location, API_DEFAULT),
]
