"""ARM platform endpoints every client needs before it reaches Microsoft.Media.

Cloud metadata (`az cloud register`, Terraform/Pulumi `metadataHost`), tenants, subscriptions,
locations, resource groups and the Microsoft.Media provider registration. These routes accept any
api-version, as ARM's own front door does for its platform APIs.
"""

from __future__ import annotations

from typing import Any

from ..app import Ctx, Response
from ..regions import REGIONS
from ..routing import ANY_VERSION
from ..versions import RESOURCE_TYPES

SUB = "/subscriptions/{sub}"


def cloud_metadata(base_url: str, api_version: str | None) -> Response:
    """`GET /metadata/endpoints` (no authentication): 2015-01-01 object, or the 2019+ list of clouds."""
    arm = base_url + "/"
    audiences = ["https://management.core.windows.net/", "https://management.azure.com/"]
    if not api_version or api_version < "2018-01-01":
        return (
            200,
            {},
            {
                "galleryEndpoint": arm,
                "graphEndpoint": "https://graph.windows.net/",
                "portalEndpoint": arm,
                "authentication": {"loginEndpoint": arm, "audiences": audiences},
            },
        )
    cloud: dict[str, Any] = {
        "name": "AzureCloud",
        "portal": base_url,
        "authentication": {
            "loginEndpoint": base_url,
            "audiences": audiences,
            "tenant": "common",
            "identityProvider": "AAD",
        },
        "media": "https://rest.media.azure.net",
        "graphAudience": "https://graph.windows.net/",
        "graph": "https://graph.windows.net/",
        "resourceManager": arm,
        "microsoftGraphResourceId": "https://graph.microsoft.com/",
        "suffixes": {
            "storage": "core.windows.net",
            "keyVaultDns": "vault.azure.net",
            "acrLoginServer": "azurecr.io",
            "sqlServerHostname": "database.windows.net",
        },
    }
    return 200, {}, [cloud]


def _subscription(ctx: Ctx) -> dict[str, Any]:
    c = ctx.app.config
    return {
        "id": f"/subscriptions/{c.subscription_id}",
        "authorizationSource": "RoleBased",
        "managedByTenants": [],
        "subscriptionId": c.subscription_id,
        "tenantId": c.tenant_id,
        "displayName": "AMS emulator subscription",
        "state": "Enabled",
        "subscriptionPolicies": {
            "locationPlacementId": "Public_2014-09-01",
            "quotaId": "PayAsYouGo_2014-09-01",
            "spendingLimit": "Off",
        },
    }


def list_tenants(ctx: Ctx) -> Response:
    tid = ctx.app.config.tenant_id
    tenant = {
        "id": f"/tenants/{tid}",
        "tenantId": tid,
        "tenantCategory": "Home",
        "countryCode": "US",
        "displayName": "AMS emulator",
        "domains": ["amsemulator.onmicrosoft.com"],
        "defaultDomain": "amsemulator.onmicrosoft.com",
        "tenantType": "AAD",
    }
    return 200, {}, {"value": [tenant]}


def list_subscriptions(ctx: Ctx) -> Response:
    return 200, {}, {"value": [_subscription(ctx)], "count": {"type": "Total", "value": 1}}


def get_subscription(ctx: Ctx) -> Response:
    return 200, {}, _subscription(ctx)


def list_locations(ctx: Ctx) -> Response:
    sub = ctx.app.config.subscription_id
    value = [
        {
            "id": f"/subscriptions/{sub}/locations/{name}",
            "name": name,
            "type": "Region",
            "displayName": display,
            "regionalDisplayName": f"({group}) {display}",
            "metadata": {"regionType": "Physical", "regionCategory": "Recommended", "geographyGroup": group},
        }
        for name, (display, group) in REGIONS.items()
    ]
    return 200, {}, {"value": value}


def _resource_group(ctx: Ctx) -> dict[str, Any]:
    c = ctx.app.config
    return {
        "id": f"/subscriptions/{c.subscription_id}/resourceGroups/{c.resource_group}",
        "name": c.resource_group,
        "type": "Microsoft.Resources/resourceGroups",
        "location": c.location,
        "properties": {"provisioningState": "Succeeded"},
    }


def list_resource_groups(ctx: Ctx) -> Response:
    return 200, {}, {"value": [_resource_group(ctx)]}


def get_resource_group(ctx: Ctx) -> Response:
    return 200, {}, _resource_group(ctx)


def check_resource_group(ctx: Ctx) -> Response:
    return 204, {}, None  # a missing group is answered 404 by the dispatcher's resource-group check


def _provider(ctx: Ctx) -> dict[str, Any]:
    locations = [display for display, _ in REGIONS.values()]
    return {
        "id": f"/subscriptions/{ctx.app.config.subscription_id}/providers/Microsoft.Media",
        "namespace": "Microsoft.Media",
        "registrationState": "Registered",
        "registrationPolicy": "RegistrationRequired",
        "resourceTypes": [
            {
                "resourceType": rtype,
                "locations": [] if rtype == "operations" else locations,
                "apiVersions": sorted(versions, reverse=True),
                "defaultApiVersion": max(v for v in versions if "preview" not in v),
                "capabilities": "None",
            }
            for rtype, versions in RESOURCE_TYPES.items()
        ],
    }


def get_provider(ctx: Ctx) -> Response:
    return 200, {}, _provider(ctx)


def list_providers(ctx: Ctx) -> Response:
    return 200, {}, {"value": [_provider(ctx)]}


ROUTES = [
    ("GET", "/tenants", list_tenants, ANY_VERSION),
    ("GET", "/subscriptions", list_subscriptions, ANY_VERSION),
    ("GET", SUB, get_subscription, ANY_VERSION),
    ("GET", SUB + "/locations", list_locations, ANY_VERSION),
    ("GET", SUB + "/resourcegroups", list_resource_groups, ANY_VERSION),
    ("GET", SUB + "/resourcegroups/{rg}", get_resource_group, ANY_VERSION),
    ("HEAD", SUB + "/resourcegroups/{rg}", check_resource_group, ANY_VERSION),
    ("GET", SUB + "/providers", list_providers, ANY_VERSION),
    ("GET", SUB + "/providers/Microsoft.Media", get_provider, ANY_VERSION),
    ("GET", "/providers/Microsoft.Media", get_provider, ANY_VERSION),
]
