"""Assets (each backed by an Azurite container) and asset/account filters: their rules, the container
SAS, the encryption key and an asset's streaming locators (no HTTP)."""

from __future__ import annotations

import base64
import contextlib
import datetime
import re
import secrets
from typing import Any

from ..errors import ArmError
from ..odata import _as_datetime
from ..service import Service, new_id
from .crud import Entity

_CONTAINER = re.compile(r"^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$")


def _prepare_asset(
    svc: Service, account_rid: str, rid: str, body: dict[str, Any], existing: dict[str, Any] | None
) -> None:
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
    attached = _attached_storage(svc.store.get(account_rid) or {})
    storage = p.get("storageAccountName") or next(iter(attached.values()), svc.config.storage_account)
    if storage.lower() not in attached:
        raise ArmError(
            400,
            "InvalidPropertyValue",
            f"Storage account '{storage}' is not attached to the Media Services account "
            f"(attached: {', '.join(attached.values())}).",
            target="properties.storageAccountName",
        )
    for other in svc.store.children(account_rid, "asset"):
        o = other["properties"]
        same_storage = str(o.get("storageAccountName", "")).lower() == storage.lower()
        if same_storage and o.get("container") == container:
            raise ArmError(
                409, "Conflict", f"Container '{container}' is already used by asset '{other['name']}'."
            )
    p["container"] = container
    p["storageAccountName"] = storage
    p["storageEncryptionFormat"] = "None"
    if svc.azurite is not None:
        svc.azurite.ensure_container(container, storage)


def _attached_storage(account: dict[str, Any]) -> dict[str, str]:
    """The names of the storage accounts attached to ``account`` (lower-cased -> as named), Primary first."""
    accounts = sorted(
        account.get("properties", {}).get("storageAccounts") or [],
        key=lambda a: str(a.get("type", "")).lower() != "primary",
    )
    names = [str(a.get("id", "")).rstrip("/").rsplit("/", 1)[-1] for a in accounts]
    return {n.lower(): n for n in names if n}


def _delete_container(svc: Service, account_rid: str, body: dict[str, Any]) -> None:
    if svc.azurite is not None:
        with contextlib.suppress(Exception):
            p = body["properties"]
            svc.azurite.delete_container(p["container"], p.get("storageAccountName"))


ASSET = Entity("asset", prepare=_prepare_asset, after_delete=_delete_container)


def container_sas_urls(
    svc: Service, asset: dict[str, Any], permissions: str, expiry_time: str | None
) -> list[str]:
    """SAS URLs of the asset's container, valid until ``expiry_time`` (default: in an hour)."""
    now = datetime.datetime.now(datetime.UTC)
    expiry = now + datetime.timedelta(hours=1)
    if expiry_time:
        parsed = _as_datetime(expiry_time)
        if parsed is None:
            raise ArmError(
                400, "InvalidPropertyValue", "expiryTime is not a valid date-time.", target="expiryTime"
            )
        expiry = parsed
    if expiry <= now:
        raise ArmError(400, "InvalidPropertyValue", "expiryTime must be in the future.", target="expiryTime")
    if svc.azurite is None:
        raise ArmError(503, "ServiceUnavailable", "The storage emulator is not running.")
    container, storage = asset["properties"]["container"], asset["properties"].get("storageAccountName")
    svc.azurite.ensure_container(container, storage)
    return svc.azurite.container_sas_urls(container, permissions, expiry, storage)


def encryption_key(svc: Service, rid: str, asset: dict[str, Any]) -> dict[str, Any]:
    """The storage encryption key of an encrypted asset (made on first request) and its file metadata."""
    if asset["properties"].get("storageEncryptionFormat", "None") == "None":
        # the service refuses unencrypted assets (Azure CLI recording test_ams_asset_get_encryption_key)
        raise ArmError(
            400,
            "BadRequest",
            f"The asset '{asset['name']}' is not encrypted (storageEncryptionFormat 'None'); it has no key.",
        )
    meta = svc.store.get_meta(rid)
    if "key" not in meta:
        meta["key"] = base64.b64encode(secrets.token_bytes(32)).decode()
        svc.store.set_meta(rid, meta)
    return {"key": meta["key"], "assetFileEncryptionMetadata": []}


def streaming_locators(svc: Service, account_rid: str, asset: dict[str, Any]) -> list[dict[str, Any]]:
    """The account's streaming locators on ``asset``, in the asset's short form."""
    out = []
    for loc in svc.store.children(account_rid, "streaminglocator"):
        p = loc["properties"]
        if str(p.get("assetName", "")).lower() == asset["name"].lower():
            item = {
                "name": loc["name"],
                "assetName": asset["name"],
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
    return out


def _default_tracks(
    svc: Service, account_rid: str, rid: str, body: dict[str, Any], existing: dict[str, Any] | None
) -> None:
    # the service's default, returned in every body (recording test_ams_asset_filter_list_and_delete)
    body.setdefault("properties", {}).setdefault("tracks", [])


ASSET_FILTER = Entity("assetfilter", limit=100, prepare=_default_tracks)
ACCOUNT_FILTER = Entity("accountfilter", limit=100, prepare=_default_tracks)
