"""Assets, asset/account filters, tracks, content key policies, streaming policies and locators."""

from __future__ import annotations

import base64
import contextlib
import copy
import datetime
import re
import secrets
from typing import Any

from .. import naming, validation
from ..app import API_DEFAULT, App, Ctx, Response, new_id, now_iso
from ..errors import ArmError
from ..lro import completion
from .common import decorate, deep_merge, find_op, op_times
from .crud import Entity

_CONTAINER = re.compile(r"^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$")


# ---- assets --------------------------------------------------------------------------------------
def _prepare_asset(ctx: Ctx, rid: str, body: dict[str, Any], existing: dict[str, Any] | None) -> None:
    p = body.setdefault("properties", {})
    old = (existing or {}).get("properties", {})
    if existing is not None:
        for key in ("container", "storageAccountName"):
            if key in p and p[key] is not None and p[key] != old.get(key):
                raise ArmError(
                    400,
                    "InvalidPropertyValue",
                    f"Property '{key}' cannot be changed.",
                    target=f"properties.{key}",
                )
        p.update(
            {
                "assetId": old["assetId"],
                "container": old["container"],
                "storageAccountName": old["storageAccountName"],
                "storageEncryptionFormat": old.get("storageEncryptionFormat", "None"),
            }
        )
        return
    p["assetId"] = new_id()
    container = p.get("container") or f"asset-{p['assetId']}"
    if not _CONTAINER.match(container):
        raise ArmError(
            400,
            "InvalidPropertyValue",
            f"Container name '{container}' is invalid: use 3-63 lowercase letters, digits and hyphens.",
            target="properties.container",
        )
    account_rid = ctx.account_rid()
    for other in ctx.store.children(account_rid, "asset"):
        if other["properties"].get("container") == container:
            raise ArmError(
                409, "Conflict", f"Container '{container}' is already used by asset '{other['name']}'."
            )
    storage = p.get("storageAccountName") or ctx.app.config.storage_account
    if storage.lower() != ctx.app.config.storage_account.lower():
        raise ArmError(
            400,
            "InvalidPropertyValue",
            f"Storage account '{storage}' is not attached to the Media Services account.",
            target="properties.storageAccountName",
        )
    p["container"] = container
    p["storageAccountName"] = storage
    p["storageEncryptionFormat"] = "None"
    if ctx.app.azurite is not None:
        ctx.app.azurite.ensure_container(container)


def _asset_deleted(ctx: Ctx, body: dict[str, Any]) -> None:
    if ctx.app.azurite is not None:
        with contextlib.suppress(Exception):
            ctx.app.azurite.delete_container(body["properties"]["container"])


ASSET = Entity("asset", "Asset", "Asset", prepare=_prepare_asset, after_delete=_asset_deleted)


def _asset(ctx: Ctx) -> tuple[str, dict[str, Any]]:
    rid, body = ctx.resolve("asset")
    if body is None:
        raise ctx.not_found("asset")
    return rid, body


def list_container_sas(ctx: Ctx) -> Response:
    _, body = _asset(ctx)
    data = validation.parse("ListContainerSasInput", ctx.json() or {})
    perm = data.get("permissions") or "Read"
    expiry_text = data.get("expiryTime")
    expiry = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
    if expiry_text:
        from ..odata import _as_datetime

        parsed = _as_datetime(expiry_text)
        if parsed is None:
            raise ArmError(
                400, "InvalidPropertyValue", "expiryTime is not a valid date-time.", target="expiryTime"
            )
        expiry = parsed
    if expiry <= datetime.datetime.now(datetime.UTC):
        raise ArmError(400, "InvalidPropertyValue", "expiryTime must be in the future.", target="expiryTime")
    if ctx.app.azurite is None:
        raise ArmError(503, "ServiceUnavailable", "The storage emulator is not running.")
    container = body["properties"]["container"]
    ctx.app.azurite.ensure_container(container)
    return 200, {}, {"assetContainerSasUrls": ctx.app.azurite.container_sas_urls(container, perm, expiry)}


def get_encryption_key(ctx: Ctx) -> Response:
    rid, body = _asset(ctx)
    meta = ctx.store.get_meta(rid)
    if "key" not in meta:
        meta["key"] = base64.b64encode(secrets.token_bytes(32)).decode()
        ctx.store.set_meta(rid, meta)
    return 200, {}, {"key": meta["key"], "assetFileEncryptionMetadata": []}


def list_streaming_locators(ctx: Ctx) -> Response:
    _, body = _asset(ctx)
    out = []
    for loc in ctx.store.children(ctx.account_rid(), "streaminglocator"):
        p = loc["properties"]
        if str(p.get("assetName", "")).lower() == body["name"].lower():
            out.append(
                {
                    "name": loc["name"],
                    "assetName": body["name"],
                    "created": p.get("created"),
                    "startTime": p.get("startTime"),
                    "endTime": p.get("endTime"),
                    "streamingLocatorId": p.get("streamingLocatorId"),
                    "streamingPolicyName": p.get("streamingPolicyName"),
                    "defaultContentKeyPolicyName": p.get("defaultContentKeyPolicyName"),
                }
            )
    return 200, {}, {"streamingLocators": out}


# ---- filters -------------------------------------------------------------------------------------
ASSET_FILTER = Entity("assetfilter", "AssetFilter", "AssetFilter", limit=100)
ACCOUNT_FILTER = Entity("accountfilter", "AccountFilter", "AccountFilter", limit=100)


# ---- content key policies ------------------------------------------------------------------------
SECRET_KEYS = {"keyValue", "ask", "fairPlayPfx", "fairPlayPfxPassword", "exponent", "modulus", "rawBody"}


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("" if k in SECRET_KEYS and v is not None else _scrub(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def _prepare_ckp(ctx: Ctx, rid: str, body: dict[str, Any], existing: dict[str, Any] | None) -> None:
    p = body["properties"]
    p["policyId"] = (existing or {}).get("properties", {}).get("policyId") or new_id()
    old_opts = {
        o.get("name"): o.get("policyOptionId")
        for o in (existing or {}).get("properties", {}).get("options", [])
    }
    for opt in p.get("options") or []:
        opt["policyOptionId"] = old_opts.get(opt.get("name")) or new_id()
    if not p.get("options"):
        raise ArmError(
            400,
            "InvalidRequestContent",
            "A content key policy needs at least one option.",
            target="properties.options",
        )


def _ckp_view(ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = _scrub(copy.deepcopy(body))
    return out


CONTENT_KEY_POLICY = Entity(
    "contentkeypolicy", "ContentKeyPolicy", "ContentKeyPolicy", prepare=_prepare_ckp, view=_ckp_view
)


def ckp_with_secrets(ctx: Ctx) -> Response:
    _, body = ctx.resolve("contentkeypolicy")
    if body is None:
        raise ctx.not_found("contentkeypolicy")
    return 200, {}, body["properties"]


# ---- streaming policies --------------------------------------------------------------------------
def _policy_before_delete(ctx: Ctx, body: dict[str, Any]) -> None:
    if body["name"].lower().startswith("predefined_"):
        raise ArmError(
            400, "BadRequest", f"The predefined streaming policy '{body['name']}' cannot be deleted."
        )
    for loc in ctx.store.children(ctx.account_rid(), "streaminglocator"):
        if str(loc["properties"].get("streamingPolicyName", "")).lower() == body["name"].lower():
            raise ArmError(
                409,
                "Conflict",
                f"Streaming policy '{body['name']}' is used by streaming locator '{loc['name']}'.",
            )


def _prepare_policy(ctx: Ctx, rid: str, body: dict[str, Any], existing: dict[str, Any] | None) -> None:
    if body["name"].lower().startswith("predefined_"):
        raise ArmError(400, "BadRequest", "Streaming policy names starting with 'Predefined_' are reserved.")
    p = body["properties"]
    schemes = [
        k
        for k in ("envelopeEncryption", "commonEncryptionCenc", "commonEncryptionCbcs", "noEncryption")
        if p.get(k)
    ]
    if not schemes:
        raise ArmError(
            400, "InvalidRequestContent", "A streaming policy needs at least one encryption scheme."
        )


STREAMING_POLICY = Entity(
    "streamingpolicy",
    "StreamingPolicy",
    None,
    create_only=True,
    limit=100 + 6,
    prepare=_prepare_policy,
    before_delete=_policy_before_delete,
)


# ---- streaming locators --------------------------------------------------------------------------
def _policy_schemes(policy: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    p = policy.get("properties", {})
    names = {
        "noEncryption": "NoEncryption",
        "envelopeEncryption": "EnvelopeEncryption",
        "commonEncryptionCenc": "CommonEncryptionCenc",
        "commonEncryptionCbcs": "CommonEncryptionCbcs",
    }
    return [(names[k], p[k]) for k in names if p.get(k)]


def _prepare_locator(ctx: Ctx, rid: str, body: dict[str, Any], existing: dict[str, Any] | None) -> None:
    p = body["properties"]
    account_rid = ctx.account_rid()
    if ctx.store.get(f"{account_rid}/assets/{p['assetName']}") is None:
        raise ArmError(
            400,
            "InvalidPropertyValue",
            f"Asset '{p['assetName']}' was not found.",
            target="properties.assetName",
        )
    policy = ctx.store.get(f"{account_rid}/streamingPolicies/{p['streamingPolicyName']}")
    if policy is None:
        raise ArmError(
            400,
            "InvalidPropertyValue",
            f"Streaming policy '{p['streamingPolicyName']}' was not found.",
            target="properties.streamingPolicyName",
        )
    ckp = p.get("defaultContentKeyPolicyName")
    if ckp and ctx.store.get(f"{account_rid}/contentKeyPolicies/{ckp}") is None:
        raise ArmError(
            400,
            "InvalidPropertyValue",
            f"Content key policy '{ckp}' was not found.",
            target="properties.defaultContentKeyPolicyName",
        )
    p.setdefault("streamingLocatorId", new_id())
    p.setdefault("startTime", p["created"])
    p.setdefault("endTime", "9999-12-31T23:59:59.9999999Z")
    p.setdefault("filters", [])
    supplied = {
        k.get("labelReferenceInStreamingPolicy") or k.get("id"): k for k in p.get("contentKeys") or []
    }
    keys: list[dict[str, Any]] = []
    for scheme, cfg in _policy_schemes(policy):
        if scheme == "NoEncryption":
            continue
        label = (cfg.get("contentKeys", {}).get("defaultKey", {}) or {}).get("label")
        given = supplied.get(label) if label else None
        keys.append(
            {
                "id": (given or {}).get("id") or new_id(),
                "type": {
                    "EnvelopeEncryption": "EnvelopeEncryption",
                    "CommonEncryptionCenc": "CommonEncryptionCenc",
                    "CommonEncryptionCbcs": "CommonEncryptionCbcs",
                }[scheme],
                "labelReferenceInStreamingPolicy": label,
                "value": (given or {}).get("value") or base64.b64encode(secrets.token_bytes(16)).decode(),
                "policyName": ckp
                or (cfg.get("contentKeys", {}).get("defaultKey", {}) or {}).get("policyName"),
                "tracks": [],
            }
        )
    p["contentKeys"] = keys


def _locator_view(ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(body)
    for k in out.get("properties", {}).get("contentKeys") or []:
        k.pop("value", None)
    return out


STREAMING_LOCATOR = Entity(
    "streaminglocator",
    "StreamingLocator",
    None,
    create_only=True,
    prepare=_prepare_locator,
    view=_locator_view,
)


def _locator(ctx: Ctx) -> dict[str, Any]:
    _, body = ctx.resolve("streaminglocator")
    if body is None:
        raise ctx.not_found("streaminglocator")
    return body


def list_content_keys(ctx: Ctx) -> Response:
    body = _locator(ctx)
    return 200, {}, {"contentKeys": body["properties"].get("contentKeys") or []}


def list_paths(ctx: Ctx) -> Response:
    body = _locator(ctx)
    p = body["properties"]
    account_rid = ctx.account_rid()
    policy = ctx.store.get(f"{account_rid}/streamingPolicies/{p['streamingPolicyName']}") or {}
    asset = ctx.store.get(f"{account_rid}/assets/{p['assetName']}") or {}
    blobs: list[str] = []
    if ctx.app.azurite is not None and asset:
        blobs = ctx.app.azurite.list_blobs(asset["properties"]["container"])
    manifests = [b for b in blobs if b.lower().endswith(".ism")]
    loc_id = p["streamingLocatorId"]
    streaming_paths = []
    download_paths: list[str] = []
    formats = {"Hls": "(format=m3u8-cmaf)", "Dash": "(format=mpd-time-cmaf)", "SmoothStreaming": ""}
    for scheme, cfg in _policy_schemes(policy):
        protocols = cfg.get("enabledProtocols") or {"dash": True, "hls": True, "smoothStreaming": True}
        for proto, key in (("Hls", "hls"), ("Dash", "dash"), ("SmoothStreaming", "smoothStreaming")):
            if protocols.get(key) and manifests:
                streaming_paths.append(
                    {
                        "streamingProtocol": proto,
                        "encryptionScheme": scheme,
                        "paths": [f"/{loc_id}/{m}/manifest{formats[proto]}" for m in manifests],
                    }
                )
        if protocols.get("download"):
            download_paths = [f"/{loc_id}/{b}" for b in blobs if not b.lower().endswith((".ism", ".ismc"))]
    return 200, {}, {"streamingPaths": streaming_paths, "downloadPaths": download_paths}


# ---- tracks (LRO) --------------------------------------------------------------------------------
TRACK = "track"


def _track_headers(ctx: Ctx, rid: str, op: dict[str, Any]) -> dict[str, str]:
    return {
        "Azure-AsyncOperation": ctx.url(f"{rid}/operationStatuses/{op['op_id']}", API_DEFAULT),
        "Location": ctx.url(f"{rid}/operationResults/{op['op_id']}", API_DEFAULT),
        "Retry-After": ctx.app.lro.retry_after(op, integer=True),
    }


def _check_track(body: dict[str, Any]) -> None:
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


def track_put(ctx: Ctx) -> Response:
    name = ctx.params[TRACK]
    naming.check(TRACK, name)
    asset_rid, _ = ctx.parent_of(TRACK)
    rid, existing = ctx.resolve(TRACK)
    body = validation.parse("AssetTrack", ctx.json())
    _check_track(body)
    ctx.app.lro.ensure_free(rid, f"track '{name}'")
    decorate(TRACK, rid, body, ctx, existing)
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
    _check_track(merged)
    decorate(TRACK, rid, merged, ctx, existing)
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


def _track_done(op: dict[str, Any], app: App) -> None:
    body = app.store.get(op["resource_id"])
    if body:
        body["properties"]["provisioningState"] = "Succeeded"
        app.store.replace_body(op["resource_id"], body)


completion(TRACK, "create")(_track_done)
completion(TRACK, "update")(_track_done)
completion(TRACK, "updatedata")(_track_done)


@completion(TRACK, "delete")
def _track_delete(op: dict[str, Any], app: App) -> None:
    app.store.delete(op["resource_id"])


M = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Media/mediaServices/{account}"
AS = M + "/assets/{asset}"
TR = AS + "/tracks/{track}"
SL = M + "/streamingLocators/{streaminglocator}"
ROUTES = (
    ASSET.routes(M + "/assets", API_DEFAULT)
    + [
        ("POST", AS + "/listContainerSas", list_container_sas, API_DEFAULT),
        ("POST", AS + "/getEncryptionKey", get_encryption_key, API_DEFAULT),
        ("POST", AS + "/listStreamingLocators", list_streaming_locators, API_DEFAULT),
    ]
    + ASSET_FILTER.routes(AS + "/assetFilters", API_DEFAULT)
    + ACCOUNT_FILTER.routes(M + "/accountFilters", API_DEFAULT)
    + CONTENT_KEY_POLICY.routes(M + "/contentKeyPolicies", API_DEFAULT)
    + [
        (
            "POST",
            M + "/contentKeyPolicies/{contentkeypolicy}/getPolicyPropertiesWithSecrets",
            ckp_with_secrets,
            API_DEFAULT,
        )
    ]
    + STREAMING_POLICY.routes(M + "/streamingPolicies", API_DEFAULT)
    + STREAMING_LOCATOR.routes(M + "/streamingLocators", API_DEFAULT)
    + [
        ("POST", SL + "/listContentKeys", list_content_keys, API_DEFAULT),
        ("POST", SL + "/listPaths", list_paths, API_DEFAULT),
    ]
    + [
        ("GET", AS + "/tracks", track_list, API_DEFAULT),
        ("GET", TR, track_get, API_DEFAULT),
        ("PUT", TR, track_put, API_DEFAULT),
        ("PATCH", TR, track_patch, API_DEFAULT),
        ("DELETE", TR, track_delete, API_DEFAULT),
        ("POST", TR + "/updateTrackData", track_update_data, API_DEFAULT),
        ("GET", TR + "/operationStatuses/{op}", track_op_status, API_DEFAULT),
        ("GET", TR + "/operationResults/{op}", track_op_result, API_DEFAULT),
    ]
)
_ = now_iso
