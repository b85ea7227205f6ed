"""Media Services accounts: storage and name rules, what a new account holds, private endpoint
connections (no HTTP)."""

from __future__ import annotations

import contextlib
import copy
from typing import Any

from .. import naming
from ..errors import ArmError
from ..lro import completes, succeeded
from ..service import Service, new_id, now_iso
from .common import decorate, deep_merge, props
from .endpoints import default_endpoint

KIND = "account"
LRO_SINCE = "2021-11-01"

PROTOCOLS_ALL = {"download": True, "dash": True, "hls": True, "smoothStreaming": True}
PROTOCOLS_STREAM = {"download": False, "dash": True, "hls": True, "smoothStreaming": True}
PREDEFINED_POLICIES: dict[str, dict[str, Any]] = {
    "Predefined_DownloadOnly": {
        "noEncryption": {
            "enabledProtocols": {"download": True, "dash": False, "hls": False, "smoothStreaming": False}
        }
    },
    "Predefined_ClearStreamingOnly": {"noEncryption": {"enabledProtocols": PROTOCOLS_STREAM}},
    "Predefined_DownloadAndClearStreaming": {"noEncryption": {"enabledProtocols": PROTOCOLS_ALL}},
    "Predefined_ClearKey": {
        "envelopeEncryption": {"enabledProtocols": PROTOCOLS_STREAM, "contentKeys": {"defaultKey": {}}}
    },
    "Predefined_MultiDrmCencStreaming": {
        "commonEncryptionCenc": {
            "enabledProtocols": {"download": False, "dash": True, "hls": False, "smoothStreaming": True},
            "contentKeys": {"defaultKey": {}},
            "drm": {"playReady": {}, "widevine": {}},
        }
    },
    "Predefined_MultiDrmStreaming": {
        "commonEncryptionCenc": {
            "enabledProtocols": {"download": False, "dash": True, "hls": False, "smoothStreaming": True},
            "contentKeys": {"defaultKey": {}},
            "drm": {"playReady": {}, "widevine": {}},
        },
        "commonEncryptionCbcs": {
            "enabledProtocols": {"download": False, "dash": False, "hls": True, "smoothStreaming": False},
            "contentKeys": {"defaultKey": {}},
            "drm": {"fairPlay": {"allowPersistentLicense": False}},
        },
    },
}


def _check_storage(svc: Service, body: dict[str, Any]) -> None:
    accounts = props(body).get("storageAccounts") or []
    primaries = [a for a in accounts if str(a.get("type", "")).lower() == "primary"]
    if len(primaries) != 1:
        raise ArmError(
            400,
            "InvalidPropertyValue",
            "A Media Services account requires exactly one storage account of type 'Primary'.",
            target="properties.storageAccounts",
        )
    known = {svc.config.storage_id(name).lower() for name in svc.config.storage_accounts}
    for acc in accounts:
        if str(acc.get("id", "")).lower() not in known:
            raise ArmError(
                400,
                "StorageAccountNotFound",
                f"The storage account '{acc.get('id')}' was not found: the emulator's storage accounts "
                f"are {', '.join(svc.config.storage_accounts)} in resource group "
                f"'{svc.config.resource_group}' (Microsoft.Storage/storageAccounts/<name>).",
                target="properties.storageAccounts",
            )
        acc.setdefault("status", "Ok")


def _identity(svc: Service, body: dict[str, Any]) -> None:
    ident = body.get("identity")
    if isinstance(ident, dict) and "systemassigned" in str(ident.get("type", "")).lower():
        ident.setdefault("principalId", new_id())
        ident.setdefault("tenantId", svc.config.tenant_id)


def is_lro(api_version: str) -> bool:
    """Account PUT/PATCH became long-running in 2021-11-01; before, the service answered at once."""
    return api_version >= LRO_SINCE


def create_or_update(
    svc: Service,
    rid: str,
    existing: dict[str, Any] | None,
    body: dict[str, Any],
    principal: str,
    api_version: str,
) -> dict[str, Any] | None:
    """Store the account (with its default endpoint and predefined policies when new) and begin the
    create/update operation; returns it (None: ``api_version`` answers at once)."""
    name = rid.rsplit("/", 1)[-1]
    _check_storage(svc, body)
    if existing is None:
        taken = [a for a in svc.store.of_kind(KIND) if a["name"].lower() == name.lower()]
        if taken:
            raise ArmError(409, "NameNotAvailable", f"The account name '{name}' is already in use.")
    p = props(body)
    decorate(KIND, rid, body, principal, existing)
    _identity(svc, body)
    old_p = (existing or {}).get("properties", {})
    p["mediaServiceId"] = old_p.get("mediaServiceId") or new_id()
    p.setdefault("storageAuthentication", "System")
    p.setdefault("encryption", {"type": "SystemKey"})
    p.setdefault("keyDelivery", {"accessControl": {"defaultAction": "Allow", "ipAllowList": []}})
    p.setdefault("publicNetworkAccess", "Enabled")
    p["privateEndpointConnections"] = old_p.get("privateEndpointConnections", [])
    p["provisioningState"] = "InProgress" if is_lro(api_version) else "Succeeded"
    parent = f"/subscriptions/{svc.config.subscription_id}/resourceGroups/{svc.config.resource_group}"
    svc.store.put(rid, KIND, parent, body)
    if existing is None:
        se = default_endpoint(svc, rid, name, body["location"])
        svc.store.put(se["id"], "streamingendpoint", rid, se)
        ts = now_iso()
        for pname, pprops in PREDEFINED_POLICIES.items():
            prid = f"{rid}/streamingPolicies/{pname}"
            svc.store.put(
                prid,
                "streamingpolicy",
                rid,
                {
                    "id": prid,
                    "name": pname,
                    "type": "Microsoft.Media/mediaservices/streamingPolicies",
                    "properties": {"created": ts, **copy.deepcopy(pprops)},
                },
                {"predefined": True},
            )
    if not is_lro(api_version):
        return None
    return svc.lro.begin(KIND, "update" if existing else "create", rid, rid, existing, duration_key="account")


def update(
    svc: Service, rid: str, existing: dict[str, Any], patch: dict[str, Any], principal: str, api_version: str
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Merge ``patch`` into the account and begin the update operation: (new body, operation or None
    when ``api_version`` answers at once)."""
    merged = deep_merge(existing, {k: v for k, v in patch.items() if k != "tags"})
    if "tags" in patch:
        merged["tags"] = patch["tags"]
    _check_storage(svc, merged)
    _identity(svc, merged)
    decorate(KIND, rid, merged, principal, existing)
    merged["properties"]["provisioningState"] = "InProgress" if is_lro(api_version) else "Succeeded"
    svc.store.replace_body(rid, merged)
    if not is_lro(api_version):
        return merged, None
    return merged, svc.lro.begin(KIND, "update", rid, rid, existing, duration_key="account")


completes(KIND, succeeded, "create", "update")


def delete(svc: Service, rid: str) -> None:
    """Delete the account, its children and its assets' containers."""
    if svc.azurite is not None:
        for asset in svc.store.children(rid, "asset"):
            with contextlib.suppress(Exception):
                p = asset["properties"]
                svc.azurite.delete_container(p["container"], p.get("storageAccountName"))
    svc.store.delete(rid)


def name_availability(svc: Service, name: str) -> dict[str, Any]:
    msg = naming.problem(KIND, name)
    if msg:
        return {"nameAvailable": False, "reason": "Invalid", "message": msg}
    if any(a["name"].lower() == name.lower() for a in svc.store.of_kind(KIND)):
        return {
            "nameAvailable": False,
            "reason": "AlreadyExists",
            "message": f"The account name '{name}' is already in use.",
        }
    return {"nameAvailable": True}


PEC = "privateendpointconnection"


def put_private_endpoint_connection(
    svc: Service,
    rid: str,
    account_rid: str,
    existing: dict[str, Any] | None,
    body: dict[str, Any],
    principal: str,
) -> None:
    if not body.get("properties", {}).get("privateLinkServiceConnectionState"):
        raise ArmError(
            400,
            "InvalidRequestContent",
            "privateLinkServiceConnectionState is required.",
            target="properties.privateLinkServiceConnectionState",
        )
    decorate(PEC, rid, body, principal, existing)
    body["properties"]["provisioningState"] = "Succeeded"
    body["properties"].setdefault("privateEndpoint", {"id": f"{rid}/privateEndpoint"})
    svc.store.put(rid, PEC, account_rid, body)
