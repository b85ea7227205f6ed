"""Asset tracks (2022-08-01): create, update, delete and updateTrackData are LROs."""

from __future__ import annotations

from typing import Any

from .. import naming, validation
from ..app import API_DEFAULT, Ctx, Response
from ..errors import ArmError
from ..lro import completion
from ..models.common import decorate, deep_merge
from ..service import Service
from .common import find_op, op_times

# ---- tracks (LRO) --------------------------------------------------------------------------------
TRACK = "track"


def _track_headers(ctx: Ctx, rid: str, op: dict[str, Any]) -> dict[str, str]:
    return {
        "Azure-AsyncOperation": ctx.url(f"{rid}/operationStatuses/{op['op_id']}", API_DEFAULT),
        "Location": ctx.url(f"{rid}/operationResults/{op['op_id']}", API_DEFAULT),
        "Retry-After": ctx.app.lro.retry_after(op, integer=True),
    }


def _check_track(ctx: Ctx, body: dict[str, Any]) -> None:
    track = body.get("properties", {}).get("track") or {}
    if not str(track.get("@odata.type", "")).endswith("TextTrack"):
        raise ArmError(
            400, "BadRequest", "Only text tracks can be created or updated.", target="properties.track"
        )
    name = track.get("fileName")
    if not name:
        raise ArmError(
            400, "InvalidRequestContent", "A text track needs a fileName.", target="properties.track.fileName"
        )
    _, asset = ctx.parent_of(TRACK)
    if ctx.app.azurite is not None and name not in ctx.app.azurite.list_blobs(
        asset["properties"]["container"]
    ):
        raise ArmError(
            400,
            "BadRequest",
            f"The track file '{name}' does not exist in the container of asset '{asset['name']}'; "
            "upload it first.",
            target="properties.track.fileName",
        )


def track_put(ctx: Ctx) -> Response:
    name = ctx.params[TRACK]
    naming.check(TRACK, name)
    asset_rid, _ = ctx.parent_of(TRACK)
    rid, existing = ctx.resolve(TRACK)
    body = validation.parse("AssetTrack", ctx.json())
    _check_track(ctx, body)
    ctx.app.lro.ensure_free(rid, f"track '{name}'")
    decorate(TRACK, rid, body, ctx.principal, existing)
    body["properties"]["provisioningState"] = "InProgress"
    ctx.store.put(rid, TRACK, asset_rid, body)
    op = ctx.app.lro.begin(
        TRACK, "update" if existing else "create", rid, rid, existing, duration_key="track"
    )
    return (200 if existing else 201), _track_headers(ctx, rid, op), body


def track_patch(ctx: Ctx) -> Response:
    rid, existing = ctx.resolve(TRACK)
    if existing is None:
        raise ctx.not_found(TRACK)
    patch = validation.parse("AssetTrack", ctx.json(), partial=True)
    ctx.app.lro.ensure_free(rid, f"track '{existing['name']}'")
    merged = deep_merge(existing, patch)
    _check_track(ctx, merged)
    decorate(TRACK, rid, merged, ctx.principal, existing)
    merged["properties"]["provisioningState"] = "InProgress"
    ctx.store.replace_body(rid, merged)
    op = ctx.app.lro.begin(TRACK, "update", rid, rid, existing, duration_key="track")
    return 202, _track_headers(ctx, rid, op), merged


def track_delete(ctx: Ctx) -> Response:
    ctx.parent_of(TRACK)
    rid, existing = ctx.resolve(TRACK)
    if existing is None:
        return 204, {}, None
    ctx.app.lro.ensure_free(rid, f"track '{existing['name']}'")
    op = ctx.app.lro.begin(TRACK, "delete", rid, rid, existing, duration_key="track")
    return 202, _track_headers(ctx, rid, op), None


def track_update_data(ctx: Ctx) -> Response:
    rid, existing = ctx.resolve(TRACK)
    if existing is None:
        raise ctx.not_found(TRACK)
    ctx.app.lro.ensure_free(rid, f"track '{existing['name']}'")
    op = ctx.app.lro.begin(TRACK, "updatedata", rid, rid, existing, duration_key="track")
    return 202, _track_headers(ctx, rid, op), None


def track_get(ctx: Ctx) -> Response:
    _, body = ctx.resolve(TRACK)
    if body is None:
        raise ctx.not_found(TRACK)
    return 200, {}, body


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


def _track_done(op: dict[str, Any], app: Service) -> None:
    body = app.store.get(op["resource_id"])
    if body:
        body["properties"]["provisioningState"] = "Succeeded"
        app.store.replace_body(op["resource_id"], body)


completion(TRACK, "create")(_track_done)
completion(TRACK, "update")(_track_done)
completion(TRACK, "updatedata")(_track_done)


@completion(TRACK, "delete")
def _track_delete(op: dict[str, Any], app: Service) -> None:
    app.store.delete(op["resource_id"])


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
