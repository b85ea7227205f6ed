"""HTTP adapters for asset tracks (rules and LROs: models/tracks.py)."""

from __future__ import annotations

from typing import Any

from .. import naming, validation
from ..app import API_DEFAULT, Ctx, Response
from ..models import tracks
from ..models.tracks import TRACK
from .common import find_op, op_times
from .crud import found, get_item


def _track_headers(ctx: Ctx, rid: str, op: dict[str, Any]) -> dict[str, str]:
    return {
        "Azure-AsyncOperation": ctx.url(f"{rid}/operationStatuses/{op['op_id']}", API_DEFAULT),
        "Location": ctx.url(f"{rid}/operationResults/{op['op_id']}", API_DEFAULT),
        "Retry-After": ctx.app.lro.retry_after(op, integer=True),
    }


def track_put(ctx: Ctx) -> Response:
    name = ctx.params[TRACK]
    naming.check(TRACK, name)
    asset_rid, asset = ctx.parent_of(TRACK)
    rid, existing = ctx.resolve(TRACK)
    body = validation.parse("AssetTrack", ctx.json())
    op = tracks.put(ctx.app, name, rid, asset_rid, asset, existing, body, ctx.principal)
    return (200 if existing else 201), _track_headers(ctx, rid, op), body


def track_patch(ctx: Ctx) -> Response:
    rid, existing = found(ctx, TRACK)
    patch = validation.parse("AssetTrack", ctx.json(), partial=True)
    _, asset = ctx.parent_of(TRACK)
    merged, op = tracks.update(ctx.app, rid, asset, existing, patch, ctx.principal)
    return 202, _track_headers(ctx, rid, op), merged


def track_delete(ctx: Ctx) -> Response:
    ctx.parent_of(TRACK)
    rid, existing = ctx.resolve(TRACK)
    if existing is None:
        return 204, {}, None
    op = tracks.begin(ctx.app, rid, existing, "delete")
    return 202, _track_headers(ctx, rid, op), None


def track_update_data(ctx: Ctx) -> Response:
    rid, existing = found(ctx, TRACK)
    op = tracks.begin(ctx.app, rid, existing, "updatedata")
    return 202, _track_headers(ctx, rid, op), None


def track_get(ctx: Ctx) -> Response:
    return get_item(ctx, TRACK)


def track_list(ctx: Ctx) -> Response:
    asset_rid, _ = ctx.parent_of(TRACK)
    return 200, {}, {"value": ctx.store.children(asset_rid, TRACK)}


def track_op_status(ctx: Ctx) -> Response:
    rid, _ = ctx.resolve(TRACK)
    op = find_op(ctx, ctx.params["op"], TRACK, rid)
    body: dict[str, Any] = {"name": op["op_id"], "id": op["op_id"], "status": op["status"], **op_times(op)}
    if op["status"] == "Failed":
        body["error"] = op["error"]
    headers = (
        {"Retry-After": ctx.app.lro.retry_after(op, integer=True)} if op["status"] == "InProgress" else {}
    )
    return 200, headers, body


def track_op_result(ctx: Ctx) -> Response:
    rid, body = ctx.resolve(TRACK)
    op = find_op(ctx, ctx.params["op"], TRACK, rid)
    if op["status"] == "InProgress":
        return 202, _track_headers(ctx, rid, op), None
    if body is None:
        return 204, {}, None
    return 200, {}, body


TR = (
    "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Media/mediaServices/{account}"
    "/assets/{asset}/tracks"
)
ROUTES = [
    ("GET", TR, track_list, API_DEFAULT),
    ("GET", TR + "/{track}", track_get, API_DEFAULT),
    ("PUT", TR + "/{track}", track_put, API_DEFAULT),
    ("PATCH", TR + "/{track}", track_patch, API_DEFAULT),
    ("DELETE", TR + "/{track}", track_delete, API_DEFAULT),
    ("POST", TR + "/{track}/updateTrackData", track_update_data, API_DEFAULT),
    ("GET", TR + "/{track}/operationStatuses/{op}", track_op_status, API_DEFAULT),
    ("GET", TR + "/{track}/operationResults/{op}", track_op_result, API_DEFAULT),
]
