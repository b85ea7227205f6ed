"""Media Services accounts (2021-11-01), name availability, operations, private endpoints."""

from __future__ import annotations

import contextlib
import copy
from typing import Any

from .. import naming, validation
from ..app import API_ACCOUNTS, Ctx, Response
from ..errors import ArmError
from ..lro import completion
from ..models.common import decorate, deep_merge, props
from ..models.endpoints import default_endpoint
from ..service import Service, new_id, now_iso
from .common import find_op, op_times
from .crud import get_item

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


def _status_urls(ctx: Ctx, op: dict[str, Any], location: str) -> dict[str, str]:
    base = f"/subscriptions/{ctx.sub}/providers/Microsoft.Media/locations/{location}"
    return {
        "Azure-AsyncOperation": ctx.url(f"{base}/mediaServicesOperationStatuses/{op['op_id']}", API_ACCOUNTS),
        "Location": ctx.url(f"{base}/mediaServicesOperationResults/{op['op_id']}", API_ACCOUNTS),
        "Retry-After": ctx.app.lro.retry_after(op, integer=True),
    }


def _check_storage(ctx: Ctx, body: dict[str, Any]) -> None:
    accounts = props(body).get("storageAccounts") or []
    primaries = [a for a in accounts if str(a.get("type", "")).lower() == "primary"]
    if len(primaries) != 1:
        raise ArmError(
            400,
            "InvalidPropertyValue",
            "A Media Services account requires exactly one storage account of type 'Primary'.",
            target="properties.storageAccounts",
        )
    known = ctx.app.config.storage_account_id.lower()
    for acc in accounts:
        if str(acc.get("id", "")).lower() != known:
            raise ArmError(
                400,
                "StorageAccountNotFound",
                f"The storage account '{acc.get('id')}' was not found. The emulator provides '{known}'.",
                target="properties.storageAccounts",
            )
        acc.setdefault("status", "Ok")


def _identity(body: dict[str, Any], ctx: Ctx) -> None:
    ident = body.get("identity")
    if isinstance(ident, dict) and "systemassigned" in str(ident.get("type", "")).lower():
        ident.setdefault("principalId", new_id())
        ident.setdefault("tenantId", ctx.app.config.tenant_id)


def create_or_update(ctx: Ctx) -> Response:
    name = ctx.params["account"]
    naming.check(KIND, name)
    parsed = validation.parse("MediaService", ctx.json())
    rid, existing = ctx.resolve(KIND)
    _check_storage(ctx, parsed)
    if existing is None:
        taken = [a for a in ctx.store.of_kind(KIND) if a["name"].lower() == name.lower()]
        if taken:
            raise ArmError(409, "NameNotAvailable", f"The account name '{name}' is already in use.")
    body = parsed
    p = props(body)
    decorate(KIND, rid, body, ctx.principal, existing)
    _identity(body, ctx)
    old_p = (existing or {}).get("properties", {})
    p["mediaServiceId"] = old_p.get("mediaServiceId") or new_id()
    p.setdefault("storageAuthentication", "System")
    p.setdefault("encryption", {"type": "SystemKey"})
    p.setdefault("keyDelivery", {"accessControl": {"defaultAction": "Allow", "ipAllowList": []}})
    p.setdefault("publicNetworkAccess", "Enabled")
    p["privateEndpointConnections"] = old_p.get("privateEndpointConnections", [])
    p["provisioningState"] = "InProgress" if _is_lro(ctx) else "Succeeded"
    parent = f"/subscriptions/{ctx.sub}/resourceGroups/{ctx.rg}"
    ctx.store.put(rid, KIND, parent, body)
    if existing is None:
        se = default_endpoint(ctx.app, rid, name, body["location"])
        ctx.store.put(se["id"], "streamingendpoint", rid, se)
        ts = now_iso()
        for pname, pprops in PREDEFINED_POLICIES.items():
            prid = f"{rid}/streamingPolicies/{pname}"
            ctx.store.put(
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
    if not _is_lro(ctx):
        # Recorded: 2018-07-01 and 2020-05-01 answered 201 also when the account existed, 2021-06-01 200.
        return (201 if existing is None or ctx.api_version < "2021-06-01" else 200), {}, body
    op = ctx.app.lro.begin(
        KIND, "update" if existing else "create", rid, rid, existing, duration_key="account"
    )
    return (201 if existing is None else 200), _status_urls(ctx, op, body["location"]), body


def _is_lro(ctx: Ctx) -> bool:
    """Account PUT/PATCH became long-running in 2021-11-01; before, the service answered at once."""
    return ctx.api_version >= LRO_SINCE


def update(ctx: Ctx) -> Response:
    rid, existing = ctx.resolve(KIND)
    if existing is None:
        raise ctx.not_found(KIND)
    patch = validation.parse("MediaServiceUpdate", ctx.json(), partial=True)
    merged = deep_merge(existing, {k: v for k, v in patch.items() if k != "tags"})
    if "tags" in patch:
        merged["tags"] = patch["tags"]
    _check_storage(ctx, merged)
    _identity(merged, ctx)
    decorate(KIND, rid, merged, ctx.principal, existing)
    merged["properties"]["provisioningState"] = "InProgress" if _is_lro(ctx) else "Succeeded"
    ctx.store.replace_body(rid, merged)
    if not _is_lro(ctx):
        return 200, {}, merged
    op = ctx.app.lro.begin(KIND, "update", rid, rid, existing, duration_key="account")
    return 202, _status_urls(ctx, op, merged["location"]), merged


@completion(KIND, "create")
def _done_create(op: dict[str, Any], app: Service) -> None:
    body = app.store.get(op["resource_id"])
    if body:
        body["properties"]["provisioningState"] = "Succeeded"
        app.store.replace_body(op["resource_id"], body)


COMPLETE_UPDATE = completion(KIND, "update")(_done_create)


def get(ctx: Ctx) -> Response:
    return get_item(ctx, KIND)


def list_rg(ctx: Ctx) -> Response:
    return ctx.app.page(ctx, ctx.store.of_kind(KIND))


def list_sub(ctx: Ctx) -> Response:
    return ctx.app.page(ctx, ctx.store.of_kind(KIND))


def delete(ctx: Ctx) -> Response:
    rid, body = ctx.resolve(KIND)
    if body is None:
        return 204, {}, None
    if ctx.app.azurite is not None:
        for asset in ctx.store.children(rid, "asset"):
            with contextlib.suppress(Exception):
                ctx.app.azurite.delete_container(asset["properties"]["container"])
    ctx.store.delete(rid)
    return 200, {}, None


def sync_storage_keys(ctx: Ctx) -> Response:
    _, body = ctx.resolve(KIND)
    if body is None:
        raise ctx.not_found(KIND)
    validation.parse("SyncStorageKeysInput", ctx.json() or {})
    return 200, {}, None


def list_edge_policies(ctx: Ctx) -> Response:
    _, body = ctx.resolve(KIND)
    if body is None:
        raise ctx.not_found(KIND)
    validation.parse("ListEdgePoliciesInput", ctx.json() or {})
    return (
        200,
        {},
        {
            "usageDataCollectionPolicy": {
                "dataCollectionFrequency": "PT1H",
                "dataReportingFrequency": "PT1H",
                "maxAllowedUnreportedUsageDuration": "PT36H",
                "eventHubDetails": {"name": "", "namespace": "", "token": "", "expirationTime": now_iso()},
            }
        },
    )


def check_name(ctx: Ctx) -> Response:
    data = validation.parse("CheckNameAvailabilityInput", ctx.json() or {})
    name = str(data.get("name") or "")
    msg = naming.problem(KIND, name)
    if msg:
        return 200, {}, {"nameAvailable": False, "reason": "Invalid", "message": msg}
    if any(a["name"].lower() == name.lower() for a in ctx.store.of_kind(KIND)):
        return (
            200,
            {},
            {
                "nameAvailable": False,
                "reason": "AlreadyExists",
                "message": f"The account name '{name}' is already in use.",
            },
        )
    return 200, {}, {"nameAvailable": True}


def _scope(ctx: Ctx) -> str:
    return f"/subscriptions/{ctx.params['sub']}/"


def op_status(ctx: Ctx) -> Response:
    op = find_op(ctx, ctx.params["op"], KIND, _scope(ctx))
    body: dict[str, Any] = {"name": op["op_id"], "id": ctx.path, "status": op["status"], **op_times(op)}
    if op["status"] == "Failed":
        body["error"] = op["error"]
    headers = (
        {"Retry-After": ctx.app.lro.retry_after(op, integer=True)} if op["status"] == "InProgress" else {}
    )
    return 200, headers, body


def op_result(ctx: Ctx) -> Response:
    op = find_op(ctx, ctx.params["op"], KIND, _scope(ctx))
    if op["status"] == "InProgress":
        return 202, _status_urls(ctx, op, ctx.params["location"]), None
    body = ctx.store.get(op["resource_id"])
    if body is None:
        raise ArmError(404, "ResourceNotFound", "The account of this operation no longer exists.")
    return 200, {}, body


def operations_list(ctx: Ctx) -> Response:
    names = [
        "Microsoft.Media/mediaservices/read",
        "Microsoft.Media/mediaservices/write",
        "Microsoft.Media/mediaservices/delete",
        "Microsoft.Media/mediaservices/liveEvents/read",
        "Microsoft.Media/mediaservices/liveEvents/write",
        "Microsoft.Media/mediaservices/assets/read",
    ]
    return (
        200,
        {},
        {
            "value": [
                {
                    "name": n,
                    "display": {
                        "provider": "Microsoft Media Services",
                        "resource": n.split("/")[-2],
                        "operation": n,
                        "description": n,
                    },
                    "origin": "user,system",
                }
                for n in names
            ]
        },
    )


PEC = "privateendpointconnection"


def pec_list(ctx: Ctx) -> Response:
    rid, body = ctx.resolve(KIND)
    if body is None:
        raise ctx.not_found(KIND)
    return 200, {}, {"value": ctx.store.children(rid, PEC)}


def _pec(ctx: Ctx) -> tuple[str, str, dict[str, Any] | None]:
    ctx.params[PEC] = ctx.params["name"]
    account_rid, _ = ctx.parent_of(PEC)
    rid, body = ctx.resolve(PEC)
    return account_rid, rid, body


def pec_get(ctx: Ctx) -> Response:
    _, _, body = _pec(ctx)
    if body is None:
        raise ArmError(400, "BadRequest", "Private endpoint connection name is not valid.")
    return 200, {}, body


def pec_put(ctx: Ctx) -> Response:
    account_rid, rid, existing = _pec(ctx)
    naming.check(PEC, ctx.params["name"])
    body = validation.parse("PrivateEndpointConnection", ctx.json())
    if not body.get("properties", {}).get("privateLinkServiceConnectionState"):
        raise ArmError(
            400,
            "InvalidRequestContent",
            "privateLinkServiceConnectionState is required.",
            target="properties.privateLinkServiceConnectionState",
        )
    decorate(PEC, rid, body, ctx.principal, existing)
    body["properties"]["provisioningState"] = "Succeeded"
    body["properties"].setdefault("privateEndpoint", {"id": f"{rid}/privateEndpoint"})
    ctx.store.put(rid, PEC, account_rid, body)
    return 200, {}, body


def pec_delete(ctx: Ctx) -> Response:
    _, rid, existing = _pec(ctx)
    if existing is None:
        return 204, {}, None
    ctx.store.delete(rid)
    return 200, {}, None


def plr_list(ctx: Ctx) -> Response:
    rid, body = ctx.resolve(KIND)
    if body is None:
        raise ctx.not_found(KIND)
    return (
        200,
        {},
        {
            "value": [
                {
                    "id": f"{rid}/privateLinkResources/keydelivery",
                    "name": "keydelivery",
                    "type": "Microsoft.Media/mediaservices/privateLinkResources",
                    "properties": {
                        "groupId": "keydelivery",
                        "requiredMembers": ["keydelivery"],
                        "requiredZoneNames": ["privatelink.media.azure.net"],
                    },
                }
            ]
        },
    )


def plr_get(ctx: Ctx) -> Response:
    _s, _h, data = plr_list(ctx)
    for item in data["value"]:
        if item["name"].lower() == ctx.params["name"].lower():
            return 200, {}, item
    raise ArmError(404, "NotFound", f"Private link resource '{ctx.params['name']}' was not found.")


SUB = "/subscriptions/{sub}"
RG = SUB + "/resourceGroups/{rg}/providers/Microsoft.Media/mediaservices"
A = RG + "/{account}"
LOC = SUB + "/providers/Microsoft.Media/locations/{location}"
ROUTES = [
    ("GET", "/providers/Microsoft.Media/operations", operations_list, API_ACCOUNTS),
    ("GET", RG, list_rg, API_ACCOUNTS),
    ("GET", SUB + "/providers/Microsoft.Media/mediaservices", list_sub, API_ACCOUNTS),
    ("GET", A, get, API_ACCOUNTS),
    ("PUT", A, create_or_update, API_ACCOUNTS),
    ("PATCH", A, update, API_ACCOUNTS),
    ("DELETE", A, delete, API_ACCOUNTS),
    ("POST", A + "/syncStorageKeys", sync_storage_keys, API_ACCOUNTS),
    ("POST", A + "/listEdgePolicies", list_edge_policies, API_ACCOUNTS),
    ("POST", LOC + "/checkNameAvailability", check_name, API_ACCOUNTS),
    ("GET", LOC + "/mediaServicesOperationStatuses/{op}", op_status, API_ACCOUNTS),
    ("GET", LOC + "/mediaServicesOperationResults/{op}", op_result, API_ACCOUNTS),
    ("GET", A + "/privateEndpointConnections", pec_list, API_ACCOUNTS),
    ("GET", A + "/privateEndpointConnections/{name}", pec_get, API_ACCOUNTS),
    ("PUT", A + "/privateEndpointConnections/{name}", pec_put, API_ACCOUNTS),
    ("DELETE", A + "/privateEndpointConnections/{name}", pec_delete, API_ACCOUNTS),
    ("GET", A + "/privateLinkResources", plr_list, API_ACCOUNTS),
    ("GET", A + "/privateLinkResources/{name}", plr_get, API_ACCOUNTS),
]
