"""Assets (backed by Azurite containers) and asset/account filters (2022-08-01)."""

from __future__ import annotations

import base64
import contextlib
import copy
import datetime
import re
import secrets
from typing import Any

from .. import validation
from ..app import API_DEFAULT, Ctx, Response
from ..errors import ArmError
from ..service import new_id
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


def _asset_view(ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    """Up to 2021-11-01 the service left out the container it chose itself (asset-<assetId>; recordings
    test_ams_job at 2018-07-01, test_ams_asset_get_encryption_key at 2021-11-01). Later versions
    (the providers' 2023-01-01) keep it: no recording shows otherwise, and the Asset provider outputs it."""
    p = body.get("properties", {})
    if ctx.api_version < "2022-08-01" and p.get("container") == f"asset-{p.get('assetId')}":
        body = copy.deepcopy(body)
        del body["properties"]["container"]
    return body


ASSET = Entity(
    "asset", "Asset", "Asset", prepare=_prepare_asset, after_delete=_asset_deleted, view=_asset_view
)


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
    if body["properties"].get("storageEncryptionFormat", "None") == "None":
        # the service refuses unencrypted assets (Azure CLI recording test_ams_asset_get_encryption_key)
        raise ArmError(
            400,
            "BadRequest",
            f"The asset '{body['name']}' is not encrypted (storageEncryptionFormat 'None'); it has no key.",
        )
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
            item = {
                "name": loc["name"],
                "assetName": body["name"],
                "created": p.get("created"),
                "startTime": p.get("startTime"),
                "endTime": p.get("endTime"),
                "streamingLocatorId": p.get("streamingLocatorId"),
                "streamingPolicyName": p.get("streamingPolicyName"),
                "defaultContentKeyPolicyName": p.get("defaultContentKeyPolicyName"),
            }
            # the service leaves out what the locator does not have (recording
            # test_ams_asset_list_streaming_locators: no startTime, no defaultContentKeyPolicyName)
            out.append({k: v for k, v in item.items() if v is not None})
    return 200, {}, {"streamingLocators": out}


# ---- filters -------------------------------------------------------------------------------------
def _prepare_filter(ctx: Ctx, rid: str, body: dict[str, Any], existing: dict[str, Any] | None) -> None:
    # the service's default, returned in every body (recording test_ams_asset_filter_list_and_delete)
    body.setdefault("properties", {}).setdefault("tracks", [])


ASSET_FILTER = Entity("assetfilter", "AssetFilter", "AssetFilter", limit=100, prepare=_prepare_filter)
ACCOUNT_FILTER = Entity("accountfilter", "AccountFilter", "AccountFilter", limit=100, prepare=_prepare_filter)


M = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Media/mediaServices/{account}"
AS = M + "/assets/{asset}"
ROUTES = (
    ASSET.routes(M + "/assets", API_DEFAULT)
    + [
        ("POST", AS + "/listContainerSas", list_container_sas, API_DEFAULT),
        ("POST", AS + "/getEncryptionKey", get_encryption_key, API_DEFAULT),
        ("POST", AS + "/listStreamingLocators", list_streaming_locators, API_DEFAULT),
    ]
    + ASSET_FILTER.routes(AS + "/assetFilters", API_DEFAULT)
    + ACCOUNT_FILTER.routes(M + "/accountFilters", API_DEFAULT)
)
