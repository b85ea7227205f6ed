"""Streaming endpoints (2022-08-01): create/update/delete/start/stop/scale LROs, skus, status endpoints."""

from __future__ import annotations

import copy
from typing import Any

from .. import naming, shapes, validation
from ..app import API_DEFAULT, Ctx, Response
from ..errors import ArmError, conflict
from ..lro import completion
from ..models.common import decorate, deep_merge, props
from ..service import Service, now_iso
from .common import async_status, operation_location, streaming_lro_headers
from .crud import get_item, list_children

KIND = "streamingendpoint"
TRANSITIONAL = ("Starting", "Stopping", "Scaling", "Deleting")


def host_name(name: str, account: str, location: str) -> str:
    region = location.replace(" ", "").lower()
    return f"{name}-{account}-{region}.streaming.media.azure.net".lower()


def _sku(scale_units: int) -> dict[str, Any]:
    return {"name": "Standard" if scale_units == 0 else "Premium", "capacity": scale_units}


def default_endpoint(app: Service, account_id: str, account_name: str, location: str) -> dict[str, Any]:
    ts = now_iso()
    rid = f"{account_id}/streamingEndpoints/default"
    return {
        "id": rid,
        "name": "default",
        "type": "Microsoft.Media/mediaservices/streamingEndpoints",
        "location": location,
        "tags": {},
        "sku": _sku(0),
        # the service made it, not a user: every member null (recording test_ams_streaming_endpoint_list)
        "systemData": dict.fromkeys(
            (
                "createdBy",
                "createdByType",
                "createdAt",
                "lastModifiedBy",
                "lastModifiedByType",
                "lastModifiedAt",
            )
        ),
        "properties": {
            "description": "",
            "scaleUnits": 0,
            "hostName": host_name("default", account_name, location),
            "cdnEnabled": False,
            "provisioningState": "Succeeded",
            "resourceState": "Stopped",
            "freeTrialEndTime": "0001-01-01T00:00:00Z",
            "created": ts,
            "lastModified": ts,
            "maxCacheAge": None,
            "customHostNames": [],
        },
    }


def _check_cdn(ctx: Ctx, body: dict[str, Any]) -> None:
    p = props(body)
    if p.get("cdnEnabled"):
        regions = [r.lower() for r in ctx.app.setting("cdn_unavailable_regions") or []]
        if str(body.get("location", "")).replace(" ", "").lower() in regions:
            raise ArmError(
                412,
                "PreconditionFailed",
                "Streaming endpoint CdnEnabled property can't be set to true as CDN capability is "
                "unavailable in the current region.",
            )
        if p.get("accessControl") or p.get("customHostNames"):
            raise ArmError(
                400,
                "InvalidPropertyValue",
                "Streaming endpoint accessControl and customHostNames can only be set when "
                "cdnEnabled is false.",
                target="properties.cdnEnabled",
            )
        p.setdefault("cdnProvider", "StandardVerizon")
        p.setdefault("cdnProfile", f"AzureMediaStreamingPlatformCdnProfile-{p['cdnProvider']}")
    scale = p.get("scaleUnits")
    if isinstance(scale, int) and not 0 <= scale <= 50:
        raise ArmError(
            400,
            "InvalidPropertyValue",
            "scaleUnits must be between 0 and 50.",
            target="properties.scaleUnits",
        )


def _start_op(
    ctx: Ctx,
    rid: str,
    body: dict[str, Any],
    before: dict[str, Any] | None,
    action: str,
    params: dict[str, Any] | None = None,
    duration: float | None = None,
) -> dict[str, Any]:
    op = ctx.app.lro.begin(KIND, action, rid, rid, before, params)
    if duration is not None:
        ctx.store.db.execute("UPDATE operations SET duration=? WHERE op_id=?", (duration, op["op_id"]))
        op["duration"] = duration
    return op


def create(ctx: Ctx) -> Response:
    name = ctx.params[KIND]
    naming.check(KIND, name)
    account_rid, account = ctx.parent_of(KIND)
    rid, existing = ctx.resolve(KIND)
    parsed = validation.parse("StreamingEndpoint", ctx.json())
    auto_start = (ctx.q("autoStart") or "").lower() == "true"
    if existing is not None:
        return _update(ctx, rid, existing, parsed, status=200)
    count = len(ctx.store.children(account_rid, KIND))
    limit = int(ctx.app.setting("max_streaming_endpoints"))
    if count >= limit:
        raise ArmError(
            400,
            "QuotaExceeded",
            f"The account already has the maximum of {limit} streaming "
            "endpoints (including the default endpoint).",
        )
    body = parsed
    p = props(body)
    decorate(KIND, rid, body, ctx.principal, None)
    scale = int(p.get("scaleUnits") or 0)
    body["sku"] = _sku(scale)
    body.setdefault("tags", {})
    _check_cdn(ctx, body)
    ts = now_iso()
    p.update(
        {
            "hostName": host_name(name, account["name"], body["location"]),
            "provisioningState": "InProgress",
            "resourceState": "Starting" if auto_start else "Stopped",
            "created": ts,
            "lastModified": ts,
            "freeTrialEndTime": "0001-01-01T00:00:00Z",
        }
    )
    p.setdefault("cdnEnabled", False)
    # members the service returns also when unset (recording test_ams_streaming_endpoint_get_skus)
    defaults: dict[str, Any] = {"description": "", "availabilitySetName": None, "cdnProvider": None}
    for key, default in {**defaults, "cdnProfile": "", "maxCacheAge": None, "customHostNames": []}.items():
        p.setdefault(key, default)
    ctx.store.put(rid, KIND, account_rid, body)
    op = _start_op(ctx, rid, body, None, "create", {"autoStart": auto_start})
    return (
        shapes.created_status(ctx.api_version),
        streaming_lro_headers(ctx, op, "streamingendpointoperations", rid),
        body,
    )


def _update(ctx: Ctx, rid: str, existing: dict[str, Any], patch: dict[str, Any], status: int) -> Response:
    ctx.app.lro.ensure_free(rid, f"streaming endpoint '{existing['name']}'")
    state = existing["properties"].get("resourceState")
    if state in TRANSITIONAL:
        raise conflict(
            "StreamingEndpointInTransition",
            f"Streaming endpoint '{existing['name']}' cannot be updated while in state '{state}'.",
        )
    problems = []
    new_scale = patch.get("properties", {}).get("scaleUnits")
    if new_scale is not None and new_scale != existing["properties"].get("scaleUnits"):
        problems.append(
            "Property 'StreamingEndpoint.Properties.ScaleUnits' is read-only and cannot be changed. "
            "Use the Scale operation to adjust this value."
        )
    loc = patch.get("location")
    if loc is not None and loc.replace(" ", "").lower() != existing["location"].replace(" ", "").lower():
        problems.append("Property 'StreamingEndpoint.Location' is read-only and cannot be changed.")
    if problems:
        raise ArmError(400, "InvalidPropertyValue", "; \n".join(problems))
    patch = copy.deepcopy(patch)
    patch.pop("location", None)
    patch.get("properties", {}).pop("scaleUnits", None)
    merged = deep_merge(existing, patch)
    new_cdn = bool(merged["properties"].get("cdnEnabled"))
    if new_cdn != bool(existing["properties"].get("cdnEnabled")) and state != "Stopped":
        raise conflict(
            "StreamingEndpointNotStopped",
            "CDN can only be enabled or disabled while the streaming endpoint is Stopped.",
        )
    _check_cdn(ctx, merged)
    decorate(KIND, rid, merged, ctx.principal, existing)
    merged["properties"]["provisioningState"] = "InProgress"
    merged["properties"]["lastModified"] = now_iso()
    ctx.store.replace_body(rid, merged)
    op = _start_op(ctx, rid, merged, existing, "update")
    code = 202 if status == 202 else 200
    return code, streaming_lro_headers(ctx, op, "streamingendpointoperations", rid), merged


def update(ctx: Ctx) -> Response:
    rid, existing = ctx.resolve(KIND)
    if existing is None:
        raise ctx.not_found(KIND)
    patch = validation.parse("StreamingEndpoint", ctx.json(), partial=True)
    return _update(ctx, rid, existing, patch, status=202)


def get(ctx: Ctx) -> Response:
    return get_item(ctx, KIND)


def list_(ctx: Ctx) -> Response:
    return list_children(ctx, KIND)


def delete(ctx: Ctx) -> Response:
    rid, body = ctx.resolve(KIND)
    if body is None:
        return 204, {}, None
    ctx.app.lro.ensure_free(rid, f"streaming endpoint '{body['name']}'")
    state = body["properties"].get("resourceState")
    if state != "Stopped":
        raise conflict(
            "StreamingEndpointNotStopped",
            f"Streaming endpoint '{body['name']}' is in state '{state}'; stop it before deleting it.",
        )
    before = copy.deepcopy(body)
    body["properties"]["resourceState"] = "Deleting"
    body["properties"]["provisioningState"] = "InProgress"
    ctx.store.replace_body(rid, body)
    op = _start_op(ctx, rid, body, before, "delete")
    return 202, streaming_lro_headers(ctx, op, "streamingendpointoperations", rid), None


def _action(ctx: Ctx, action: str) -> Response:
    rid, body = ctx.resolve(KIND)
    if body is None:
        raise ctx.not_found(KIND)
    ctx.app.lro.ensure_free(rid, f"streaming endpoint '{body['name']}'")
    state = body["properties"].get("resourceState")
    before = copy.deepcopy(body)
    params: dict[str, Any] = {}
    duration: float | None = None
    if action == "start":
        if state == "Running":
            duration = 0.0
        elif state != "Stopped":
            raise conflict(
                "StreamingEndpointInvalidState",
                f"Streaming endpoint '{body['name']}' cannot be started in state '{state}'.",
            )
        else:
            body["properties"]["resourceState"] = "Starting"
    elif action == "stop":
        if state == "Stopped":
            duration = 0.0
        elif state != "Running":
            raise conflict(
                "StreamingEndpointInvalidState",
                f"Streaming endpoint '{body['name']}' cannot be stopped in state '{state}'.",
            )
        else:
            body["properties"]["resourceState"] = "Stopping"
    elif action == "scale":
        data = validation.parse("StreamingEntityScaleUnit", ctx.json() or {})
        unit = data.get("scaleUnit")
        if not isinstance(unit, int) or not 0 <= unit <= 50:
            raise ArmError(
                400,
                "InvalidPropertyValue",
                "scaleUnit must be an integer between 0 and 50.",
                target="scaleUnit",
            )
        if state not in ("Stopped", "Running"):
            raise conflict(
                "StreamingEndpointInvalidState",
                f"Streaming endpoint '{body['name']}' cannot be scaled in state '{state}'.",
            )
        if state == "Stopped":
            # a stopped endpoint scales at once: 200, no operation (recording ..._streaming_endpoint_scale)
            _rescale(body, unit)
            ctx.store.replace_body(rid, body)
            return 200, {}, None
        params = {"scaleUnit": unit, "previous": state}
        body["properties"]["resourceState"] = "Scaling"
    body["properties"]["provisioningState"] = "InProgress"
    ctx.store.replace_body(rid, body)
    op = _start_op(ctx, rid, body, before, action, params, duration)
    return 202, streaming_lro_headers(ctx, op, "streamingendpointoperations", rid), None


def start(ctx: Ctx) -> Response:
    return _action(ctx, "start")


def stop(ctx: Ctx) -> Response:
    return _action(ctx, "stop")


def scale(ctx: Ctx) -> Response:
    return _action(ctx, "scale")


def skus(ctx: Ctx) -> Response:
    _, body = ctx.resolve(KIND)
    if body is None:
        raise ctx.not_found(KIND)
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


def _finish(app: Service, op: dict[str, Any], state: str | None) -> None:
    body = app.store.get(op["resource_id"])
    if body is None:
        return
    p = body["properties"]
    if state:
        p["resourceState"] = state
    p["provisioningState"] = "Succeeded"
    p["lastModified"] = now_iso()
    app.store.replace_body(op["resource_id"], body)


@completion(KIND, "create")
def _c_create(op: dict[str, Any], app: Service) -> None:
    _finish(app, op, "Running" if op["params"].get("autoStart") else "Stopped")


@completion(KIND, "update")
def _c_update(op: dict[str, Any], app: Service) -> None:
    _finish(app, op, None)


@completion(KIND, "start")
def _c_start(op: dict[str, Any], app: Service) -> None:
    _finish(app, op, "Running")


@completion(KIND, "stop")
def _c_stop(op: dict[str, Any], app: Service) -> None:
    _finish(app, op, "Stopped")


def _rescale(body: dict[str, Any], unit: int) -> None:
    body["properties"]["scaleUnits"] = unit
    body["sku"] = _sku(unit)


@completion(KIND, "scale")
def _c_scale(op: dict[str, Any], app: Service) -> None:
    body = app.store.get(op["resource_id"])
    if body is None:
        return
    _rescale(body, int(op["params"]["scaleUnit"]))
    app.store.replace_body(op["resource_id"], body)
    _finish(app, op, op["params"]["previous"])


@completion(KIND, "delete")
def _c_delete(op: dict[str, Any], app: Service) -> None:
    app.store.delete(op["resource_id"])


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
