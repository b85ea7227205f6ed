"""Live events and live outputs: the state machine, the one-LRO-at-a-time rule, limits (no HTTP)."""

from __future__ import annotations

import contextlib
import copy
import datetime
import secrets
from typing import Any

import isodate

from ..errors import ArmError, conflict
from ..lro import completes, completion, end_state, removed
from ..regions import region_key
from ..service import Service, new_id, now_iso
from ..storage import streaming_files
from ..validation import lookup
from .common import decorate, deep_merge, props, require_in_account

EVENT = "liveevent"
OUTPUT = "liveoutput"
TRANSITIONAL = ("Allocating", "Starting", "Stopping", "Deleting")
CREATE_ONLY = [
    "properties.input.streamingProtocol",
    "properties.input.accessToken",
    "properties.encoding.encodingType",
    "properties.encoding.presetName",
    "properties.preview.previewLocator",
    "properties.preview.streamingPolicyName",
    "properties.preview.alternativeMediaId",
    "properties.streamOptions",
    "properties.useStaticHostname",
]
ALLOWED_FROM = {
    "allocate": ("Stopped",),
    "start": ("Stopped", "StandBy"),
    "stop": ("Running", "StandBy"),
    "reset": ("Running",),
}
TRANSIENT = {"allocate": "Allocating", "start": "Starting", "stop": "Stopping", "reset": "Running"}
# the state an operation ends in (None: unchanged; create: lro.end_state); stop and reset drop outputs
ENDS = {"update": None, "allocate": "StandBy", "start": "Running", "stop": "Stopped", "reset": "Running"}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _endpoints(body: dict[str, Any], account: str, location: str) -> None:
    p = props(body)
    name = body["name"].lower()
    region = region_key(location)
    host = f"{p.get('hostnamePrefix') or name + '-' + account}".lower()
    token = p["input"].get("accessToken", "")
    if str(p["input"].get("streamingProtocol", "")).lower() == "rtmp":
        eps = [
            {"protocol": "RTMP", "url": f"rtmp://{host}.channel.media.azure.net:1935/live/{token}"},
            {"protocol": "RTMP", "url": f"rtmps://{host}.channel.media.azure.net:2935/live/{token}"},
        ]
    else:
        eps = [
            {"protocol": "FragmentedMP4", "url": f"http://{host}.channel.media.azure.net/{token}/ingest.isml"}
        ]
    p["input"]["endpoints"] = eps
    locator = p.setdefault("preview", {}).get("previewLocator")
    p["preview"]["endpoints"] = [
        {
            "protocol": "FragmentedMP4",
            "url": f"https://{host}.preview-{region}.channel.media.azure.net/{locator}/preview.ism/manifest",
        }
    ]


def _clear_endpoints(body: dict[str, Any]) -> None:
    p = props(body)
    p.setdefault("input", {})["endpoints"] = []
    p.setdefault("preview", {})["endpoints"] = []


def _busy(svc: Service, rid: str, name: str) -> None:
    svc.lro.ensure_free(rid, f"live event '{name}'")


# ---- live events ---------------------------------------------------------------------------------
def create_event(
    svc: Service,
    rid: str,
    account_rid: str,
    account: dict[str, Any],
    body: dict[str, Any],
    principal: str,
    auto_start: bool,
) -> dict[str, Any]:
    """Store a new live event (the 201 body) and begin its create operation; returns the operation."""
    limit = int(svc.setting("max_live_events"))
    if len(svc.store.children(account_rid, EVENT)) >= limit:
        raise ArmError(400, "QuotaExceeded", f"The account already has the maximum of {limit} live events.")
    decorate(EVENT, rid, body, principal, None)
    body.setdefault("tags", {})
    p = props(body)
    p["input"].setdefault("accessToken", secrets.token_hex(16))
    preview = p.setdefault("preview", {})
    preview.setdefault("previewLocator", new_id())
    preview.setdefault("streamingPolicyName", "Predefined_ClearStreamingOnly")
    p.setdefault("encoding", {}).setdefault("encodingType", "None")
    p.setdefault("useStaticHostname", False)
    # defaults the service returned (Azure CLI recording test_live_event_start)
    p.setdefault("streamOptions", [])
    p.setdefault("description", "")
    p.setdefault("hostnamePrefix", None)
    p.setdefault("crossSiteAccessPolicies", None)  # null when unsent (test_live_event_start_show)
    ts = now_iso()
    # the 201 body says Stopped even with autoStart; the operation then moves it to Starting/Running
    p.update(
        {"created": ts, "lastModified": ts, "provisioningState": "InProgress", "resourceState": "Stopped"}
    )
    _clear_endpoints(body)
    svc.store.put(rid, EVENT, account_rid, body, {"account": account["name"]})
    return svc.lro.begin(EVENT, "create", rid, rid, None, {"autoStart": auto_start})


def update_event(
    svc: Service, rid: str, existing: dict[str, Any], patch: dict[str, Any], principal: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Merge ``patch`` into the live event and begin its update operation: (new body, operation)."""
    _busy(svc, rid, existing["name"])
    state = existing["properties"].get("resourceState")
    if state in TRANSITIONAL:
        raise conflict(
            "LiveEventInTransition",
            f"Live event '{existing['name']}' cannot be updated while in state '{state}'.",
        )
    changed = []
    for dotted in CREATE_ONLY:
        new = lookup(patch, dotted)
        if new is None:
            continue
        if dotted == "properties.useStaticHostname" and state == "StandBy":
            continue
        if not _same(new, lookup(existing, dotted)):
            changed.append(dotted)
    loc = patch.get("location")
    if loc is not None and region_key(loc) != region_key(existing["location"]):
        changed.append("location")
    if changed:
        raise ArmError(
            400,
            "InvalidPropertyValue",
            "The following properties can only be set when the live event is created and cannot be "
            f"changed: {', '.join(changed)}.",
            target=changed[0],
        )
    patch = copy.deepcopy(patch)
    for key in ("endpoints",):
        patch.get("properties", {}).get("input", {}).pop(key, None)
        patch.get("properties", {}).get("preview", {}).pop(key, None)
    merged = deep_merge(existing, patch)
    if "tags" in patch:
        merged["tags"] = patch["tags"]
    decorate(EVENT, rid, merged, principal, existing)
    merged["properties"]["provisioningState"] = "InProgress"
    merged["properties"]["lastModified"] = now_iso()
    svc.store.replace_body(rid, merged)
    return merged, svc.lro.begin(EVENT, "update", rid, rid, existing)


def delete_event(svc: Service, rid: str, body: dict[str, Any]) -> dict[str, Any]:
    """Begin deleting a stopped live event; returns the operation."""
    _busy(svc, rid, body["name"])
    state = body["properties"].get("resourceState")
    if state not in ("Stopped", "StandBy"):
        raise conflict(
            "LiveEventNotStopped",
            f"Live event '{body['name']}' is in state '{state}'; stop it before deleting it.",
        )
    before = copy.deepcopy(body)
    body["properties"].update({"resourceState": "Deleting", "provisioningState": "InProgress"})
    svc.store.replace_body(rid, body)
    return svc.lro.begin(EVENT, "delete", rid, rid, before)


def act(svc: Service, rid: str, body: dict[str, Any], action: str, params: dict[str, Any]) -> dict[str, Any]:
    """Begin allocate/start/stop/reset from an allowed state; returns the operation."""
    _busy(svc, rid, body["name"])
    state = body["properties"].get("resourceState")
    if state not in ALLOWED_FROM[action]:
        raise conflict(
            "LiveEventInvalidState",
            f"Cannot {action} live event '{body['name']}' in state '{state}'; allowed states: "
            f"{', '.join(ALLOWED_FROM[action])}.",
        )
    if action == "stop" and not params["removeOutputsOnStop"]:
        outputs = svc.store.children(rid, OUTPUT)
        if outputs:
            raise conflict(
                "LiveEventHasLiveOutputs",
                f"Live event '{body['name']}' has {len(outputs)} live output(s); delete them first or "
                "stop with removeOutputsOnStop=true.",
            )
    before = copy.deepcopy(body)
    body["properties"].update({"resourceState": TRANSIENT[action], "provisioningState": "InProgress"})
    svc.store.replace_body(rid, body)
    return svc.lro.begin(EVENT, action, rid, rid, before, params)


def _finish_event(op: dict[str, Any], app: Service) -> None:
    if op["action"] == "reset" or op["params"].get("removeOutputsOnStop"):
        for out in app.store.children(op["resource_id"], OUTPUT):
            app.store.delete(out["id"])
    body = app.store.get(op["resource_id"])
    if body is None:
        return
    p = body["properties"]
    state = end_state(op, ENDS)
    if state:
        p["resourceState"] = state
    if p.get("resourceState") in ("Running", "StandBy"):
        meta = app.store.get_meta(op["resource_id"])
        _endpoints(body, meta.get("account", ""), body.get("location", ""))
    else:
        _clear_endpoints(body)
    p["provisioningState"] = "Succeeded"
    p["lastModified"] = now_iso()
    app.store.replace_body(op["resource_id"], body)


completes(EVENT, _finish_event, "create", *ENDS)
completes(EVENT, removed, "delete")


# ---- live outputs --------------------------------------------------------------------------------
def _duration(value: Any, what: str) -> datetime.timedelta:
    try:
        d = isodate.parse_duration(value)
    except (isodate.ISO8601Error, TypeError, ValueError) as exc:
        raise ArmError(
            400, "InvalidPropertyValue", f"'{what}' must be an ISO 8601 duration.", target=what
        ) from exc
    if not isinstance(d, datetime.timedelta):
        raise ArmError(
            400, "InvalidPropertyValue", f"'{what}' must be an ISO 8601 time duration.", target=what
        )
    return d


def check_repeated_output(existing: dict[str, Any], body: dict[str, Any]) -> None:
    """A PUT on an existing live output must repeat it: live outputs cannot be updated."""
    p, old = props(body), existing["properties"]
    same = all(
        _same(p.get(k), old.get(k))
        for k in ("assetName", "archiveWindowLength", "rewindWindowLength", "manifestName", "description")
        if p.get(k) is not None
    )
    if not same:
        raise ArmError(
            400,
            "InvalidPropertyValue",
            f"Live output '{existing['name']}' already exists and live outputs cannot be updated.",
        )


def create_output(
    svc: Service,
    rid: str,
    account_rid: str,
    event_rid: str,
    event: dict[str, Any],
    body: dict[str, Any],
    principal: str,
) -> dict[str, Any]:
    """Store a new live output (the 201 body) and begin its create operation; returns the operation."""
    name = rid.rsplit("/", 1)[-1]
    p = props(body)
    _busy(svc, event_rid, event["name"])
    state = event["properties"].get("resourceState")
    if state in ("Deleting", "Stopping"):
        raise conflict(
            "LiveEventInvalidState",
            f"Cannot create a live output while live event '{event['name']}' is '{state}'.",
        )
    outputs = svc.store.children(event_rid, OUTPUT)
    encoding = str(event["properties"].get("encoding", {}).get("encodingType", "")).lower()
    limit = 1 if encoding == "passthroughbasic" else int(svc.setting("max_live_outputs"))
    if len(outputs) >= limit:
        raise ArmError(
            400,
            "LiveOutputLimitExceeded",
            f"Live event '{event['name']}' already has {len(outputs)} live output(s); the maximum is "
            f"{limit}" + (" for PassthroughBasic live events." if limit == 1 else "."),
        )
    archive = _duration(p["archiveWindowLength"], "properties.archiveWindowLength")
    if not datetime.timedelta(minutes=1) <= archive <= datetime.timedelta(hours=25):
        raise ArmError(
            400,
            "InvalidPropertyValue",
            "archiveWindowLength must be between 1 minute (PT1M) and 25 hours (PT25H).",
            target="properties.archiveWindowLength",
        )
    if p.get("rewindWindowLength") is not None:
        rewind = _duration(p["rewindWindowLength"], "properties.rewindWindowLength")
        if not datetime.timedelta(minutes=1) <= rewind <= archive:
            raise ArmError(
                400,
                "InvalidPropertyValue",
                "rewindWindowLength must be between 1 minute and archiveWindowLength.",
                target="properties.rewindWindowLength",
            )
    require_in_account(svc.store, account_rid, "assets", p["assetName"], "Asset", "properties.assetName")
    # The service accepts two outputs archiving into one asset under different manifest names
    # (azure-cli recording test_live_event_stop_and_remove_outputs); the same manifest would collide.
    manifest = str(p.get("manifestName") or name).lower()
    for other in outputs:
        same_asset = str(other["properties"].get("assetName", "")).lower() == str(p["assetName"]).lower()
        if same_asset and str(other["properties"].get("manifestName") or "").lower() == manifest:
            raise ArmError(
                409,
                "Conflict",
                f"Asset '{p['assetName']}' already holds manifest '{manifest}' of live output "
                f"'{other['name']}'.",
            )
    decorate(OUTPUT, rid, body, principal, None)
    ts = now_iso()
    p.setdefault("manifestName", name)
    # members the service returns also when unset (recordings test_live_output_delete/_show)
    for key, default in (("description", None), ("hls", None), ("outputSnapTime", 0)):
        p.setdefault(key, default)
    p.update(
        {"created": ts, "lastModified": ts, "provisioningState": "InProgress", "resourceState": "Creating"}
    )
    svc.store.put(rid, OUTPUT, event_rid, body)
    return svc.lro.begin(OUTPUT, "create", rid, event_rid, None)


def delete_output(
    svc: Service, rid: str, event_rid: str, event: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    """Begin deleting a live output; returns the operation."""
    _busy(svc, event_rid, event["name"])
    before = copy.deepcopy(body)
    body["properties"].update({"resourceState": "Deleting", "provisioningState": "InProgress"})
    svc.store.replace_body(rid, body)
    return svc.lro.begin(OUTPUT, "delete", rid, event_rid, before)


@completion(OUTPUT, "create")
def _c_out_create(op: dict[str, Any], app: Service) -> None:
    body = app.store.get(op["resource_id"])
    if body:
        body["properties"].update(
            {"resourceState": "Running", "provisioningState": "Succeeded", "lastModified": now_iso()}
        )
        app.store.replace_body(op["resource_id"], body)
        account_rid = op["resource_id"].split("/liveEvents/")[0]
        asset = app.store.get(f"{account_rid}/assets/{body['properties'].get('assetName', '')}")
        if asset is not None and app.azurite is not None and app.setting("simulate_media_files"):
            manifest = body["properties"].get("manifestName") or body["name"]
            with contextlib.suppress(Exception):
                app.azurite.write_blobs(
                    asset["properties"]["container"],
                    streaming_files(manifest, live=True),
                    asset["properties"].get("storageAccountName"),
                )


completes(OUTPUT, removed, "delete")
