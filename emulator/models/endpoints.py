"""Streaming endpoints: create/update/delete/start/stop/scale state machine, CDN and scale rules (no HTTP)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .. import validation
from ..errors import ArmError, conflict
from ..lro import completion
from ..regions import region_key
from ..service import Service, now_iso
from .common import decorate, deep_merge, props

KIND = "streamingendpoint"
TRANSITIONAL = ("Starting", "Stopping", "Scaling", "Deleting")
# A PATCH that changes these runs as an operation (202: test_ams_streaming_endpoint_update, 2022, CDN
# provider StandardVerizon -> PremiumVerizon); any other change is applied at once (200, no operation:
# every akamai key PATCH of test_ams_streaming_endpoint_create_with_akamai[_without_ips], 2019-2022,
# api-versions 2018-07-01, 2020-05-01 and 2021-11-01, the last on the same day as that 202).
CDN_MEMBERS = ("cdnEnabled", "cdnProvider", "cdnProfile")
# The service's answer to a second operation while one runs ("Origin": the endpoint's earlier name;
# recording test_ams_streaming_endpoint_start_stop, a stop while Starting).
BUSY = ("OperationInProgress", "There is another operation already in progress on the Origin.")


def host_name(name: str, account: str, location: str) -> str:
    return f"{name}-{account}-{region_key(location)}.streaming.media.azure.net".lower()


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


def _check_cdn(svc: Service, body: dict[str, Any]) -> None:
    p = props(body)
    if p.get("cdnEnabled"):
        regions = [r.lower() for r in svc.setting("cdn_unavailable_regions") or []]
        if region_key(str(body.get("location", ""))) in regions:
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
    scale = p.setdefault("scaleUnits", 0)  # absent only before 2018-07-01 (validation.REQUIRED)
    if isinstance(scale, int) and not 0 <= scale <= 50:
        raise ArmError(
            400,
            "InvalidPropertyValue",
            "scaleUnits must be between 0 and 50.",
            target="properties.scaleUnits",
        )


def _start_op(
    svc: Service,
    rid: str,
    body: dict[str, Any],
    before: dict[str, Any] | None,
    action: str,
    params: dict[str, Any] | None = None,
    duration: float | None = None,
) -> dict[str, Any]:
    op = svc.lro.begin(KIND, action, rid, rid, before, params)
    if duration is not None:
        svc.store.db.execute("UPDATE operations SET duration=? WHERE op_id=?", (duration, op["op_id"]))
        op["duration"] = duration
    return op


def create(
    svc: Service,
    rid: str,
    account_rid: str,
    account: dict[str, Any],
    body: dict[str, Any],
    principal: str,
    auto_start: bool,
) -> dict[str, Any]:
    """Store a new streaming endpoint (the 201 body) and begin its create operation; returns it."""
    name = rid.rsplit("/", 1)[-1]
    count = len(svc.store.children(account_rid, KIND))
    limit = int(svc.setting("max_streaming_endpoints"))
    if count >= limit:
        raise ArmError(
            400,
            "QuotaExceeded",
            f"The account already has the maximum of {limit} streaming "
            "endpoints (including the default endpoint).",
        )
    p = props(body)
    decorate(KIND, rid, body, principal, None)
    scale = int(p.get("scaleUnits") or 0)
    body["sku"] = _sku(scale)
    body.setdefault("tags", {})
    _check_cdn(svc, body)
    ts = now_iso()
    p.update(
        {
            "hostName": host_name(name, account["name"], body["location"]),
            "provisioningState": "InProgress",
            # Stopped also with autoStart (recordings test_ams_streaming_endpoint_stop/_stop_async,
            # 2020 and 2022); the operation then leaves it Running
            "resourceState": "Stopped",
            "created": ts,
            "lastModified": ts,
            "freeTrialEndTime": "0001-01-01T00:00:00Z",
        }
    )
    p.setdefault("cdnEnabled", False)
    # members the service returns also when unset (recording test_ams_streaming_endpoint_get_skus)
    defaults: dict[str, Any] = {"description": "", "availabilitySetName": None, "cdnProvider": None}
    # and accessControl, null when unsent (test_ams_streaming_endpoint_start_stop, 2018-06-01-preview)
    unset: dict[str, Any] = {
        "cdnProfile": "",
        "maxCacheAge": None,
        "customHostNames": [],
        "accessControl": None,
    }
    for key, default in {**defaults, **unset}.items():
        p.setdefault(key, default)
    svc.store.put(rid, KIND, account_rid, body)
    return _start_op(svc, rid, body, None, "create", {"autoStart": auto_start})


def update(
    svc: Service, rid: str, existing: dict[str, Any], patch: dict[str, Any], principal: str
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Merge ``patch`` into the endpoint: (new body, its update operation, or None when a change that
    leaves the CDN alone was applied at once)."""
    svc.lro.ensure_free(rid, f"streaming endpoint '{existing['name']}'", BUSY)
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
    if loc is not None and region_key(loc) != region_key(existing["location"]):
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
    _check_cdn(svc, merged)
    decorate(KIND, rid, merged, principal, existing)
    p, before = merged["properties"], existing["properties"]
    cdn_changed = any(p.get(k) != before.get(k) for k in CDN_MEMBERS)
    p["provisioningState"] = "InProgress" if cdn_changed else "Succeeded"
    p["lastModified"] = now_iso()
    svc.store.replace_body(rid, merged)
    return merged, _start_op(svc, rid, merged, existing, "update") if cdn_changed else None


def delete(svc: Service, rid: str, body: dict[str, Any]) -> dict[str, Any]:
    """Begin deleting a stopped endpoint; returns the operation."""
    svc.lro.ensure_free(rid, f"streaming endpoint '{body['name']}'", BUSY)
    state = body["properties"].get("resourceState")
    if state != "Stopped":
        raise conflict(
            "StreamingEndpointNotStopped",
            f"Streaming endpoint '{body['name']}' is in state '{state}'; stop it before deleting it.",
        )
    before = copy.deepcopy(body)
    body["properties"]["resourceState"] = "Deleting"
    body["properties"]["provisioningState"] = "InProgress"
    svc.store.replace_body(rid, body)
    return _start_op(svc, rid, body, before, "delete")


def act(
    svc: Service, rid: str, body: dict[str, Any], action: str, read_input: Callable[[], Any]
) -> dict[str, Any] | None:
    """Begin start/stop/scale (``read_input``: the action's request body, read after the busy check);
    returns the operation, None when it was done at once."""
    svc.lro.ensure_free(rid, f"streaming endpoint '{body['name']}'", BUSY)
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
        data = validation.parse("StreamingEntityScaleUnit", read_input() or {})
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
            svc.store.replace_body(rid, body)
            return None
        params = {"scaleUnit": unit, "previous": state}
        body["properties"]["resourceState"] = "Scaling"
    body["properties"]["provisioningState"] = "InProgress"
    svc.store.replace_body(rid, body)
    return _start_op(svc, rid, body, before, action, params, duration)


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
