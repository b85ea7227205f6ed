"""HTTP adapters for accounts (rules: models/accounts.py), operation status, private link resources."""

from __future__ import annotations

from typing import Any

from .. import naming, validation
from ..app import API_ACCOUNTS, Ctx, Response
from ..errors import ArmError
from ..models import accounts
from ..models.accounts import KIND, PEC
from ..regions import region_key
from ..service import now_iso
from .common import find_op, op_times
from .crud import found, get_item


def _status_urls(ctx: Ctx, op: dict[str, Any], location: str) -> dict[str, str]:
    # the URL names the region as ARM does (westeurope), not as the body spells it (West Europe)
    base = f"/subscriptions/{ctx.sub}/providers/Microsoft.Media/locations/{region_key(location)}"
    return {
        "Azure-AsyncOperation": ctx.url(f"{base}/mediaServicesOperationStatuses/{op['op_id']}", API_ACCOUNTS),
        "Location": ctx.url(f"{base}/mediaServicesOperationResults/{op['op_id']}", API_ACCOUNTS),
        "Retry-After": ctx.app.lro.retry_after(op, integer=True),
    }


def create_or_update(ctx: Ctx) -> Response:
    naming.check(KIND, ctx.params["account"])
    parsed = validation.parse("MediaService", ctx.json())
    rid, existing = ctx.resolve(KIND)
    op = accounts.create_or_update(ctx.app, rid, existing, parsed, ctx.principal, ctx.api_version)
    if op is None:
        # Recorded: 2018-07-01 and 2020-05-01 answered 201 also when the account existed, 2021-06-01 200.
        return (201 if existing is None or ctx.api_version < "2021-06-01" else 200), {}, parsed
    return (201 if existing is None else 200), _status_urls(ctx, op, parsed["location"]), parsed


def update(ctx: Ctx) -> Response:
    rid, existing = found(ctx, KIND)
    patch = validation.parse("MediaServiceUpdate", ctx.json(), partial=True)
    merged, op = accounts.update(ctx.app, rid, existing, patch, ctx.principal, ctx.api_version)
    if op is None:
        return 200, {}, merged
    return 202, _status_urls(ctx, op, merged["location"]), merged


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
    accounts.delete(ctx.app, rid)
    return 200, {}, None


def sync_storage_keys(ctx: Ctx) -> Response:
    _, body = found(ctx, KIND)
    validation.parse("SyncStorageKeysInput", ctx.json() or {})
    return 200, {}, None


def list_edge_policies(ctx: Ctx) -> Response:
    _, body = found(ctx, KIND)
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
    return 200, {}, accounts.name_availability(ctx.app, str(data.get("name") or ""))


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


def pec_list(ctx: Ctx) -> Response:
    rid, body = found(ctx, KIND)
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
    accounts.put_private_endpoint_connection(ctx.app, rid, account_rid, existing, body, ctx.principal)
    return 200, {}, body


def pec_delete(ctx: Ctx) -> Response:
    _, rid, existing = _pec(ctx)
    if existing is None:
        return 204, {}, None
    ctx.store.delete(rid)
    return 200, {}, None


def plr_list(ctx: Ctx) -> Response:
    rid, body = found(ctx, KIND)
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
