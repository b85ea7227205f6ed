"""ARM platform endpoints: cloud metadata, tenants, subscriptions, locations, resource groups, provider."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from azure.core.rest import HttpRequest, HttpResponse
from azure.mgmt.media import AzureMediaServices


def send(client: AzureMediaServices, conn: dict[str, Any], method: str, path: str, api: str) -> HttpResponse:
    url = f"{conn['arm_endpoint']}{path}?api-version={api}"
    return client._client.send_request(HttpRequest(method, url))


@pytest.mark.parametrize("api", ["2015-01-01", "2022-09-01"])
def test_cloud_metadata_is_unauthenticated_and_names_the_emulator(conn: dict[str, Any], api: str) -> None:
    resp = requests.get(
        f"{conn['arm_endpoint']}/metadata/endpoints", params={"api-version": api}, verify=conn["ca_bundle"]
    )
    assert resp.status_code == 200
    body = resp.json()
    if api == "2015-01-01":  # the shape `az cloud register --endpoint-resource-manager` reads
        assert body["authentication"]["loginEndpoint"].rstrip("/") == conn["authority_host"]
        assert "https://management.core.windows.net/" in body["authentication"]["audiences"]
    else:  # a list of clouds (go-azure-sdk / metadataHost discovery)
        assert body[0]["resourceManager"].rstrip("/") == conn["arm_endpoint"]
        assert body[0]["authentication"]["loginEndpoint"] == conn["authority_host"]


def test_tenants_subscriptions_and_locations(client: AzureMediaServices, conn: dict[str, Any]) -> None:
    tenants = send(client, conn, "GET", "/tenants", "2022-12-01").json()["value"]
    assert [t["tenantId"] for t in tenants] == [conn["tenant_id"]]
    subs = send(client, conn, "GET", "/subscriptions", "2022-12-01").json()["value"]
    assert [(s["subscriptionId"], s["tenantId"], s["state"]) for s in subs] == [
        (conn["subscription_id"], conn["tenant_id"], "Enabled")
    ]
    one = send(client, conn, "GET", f"/subscriptions/{conn['subscription_id']}", "2016-06-01")
    assert one.status_code == 200 and one.json()["id"] == f"/subscriptions/{conn['subscription_id']}"
    other = send(client, conn, "GET", "/subscriptions/00000000-0000-0000-0000-000000000000", "2016-06-01")
    assert other.status_code == 404 and other.json()["error"]["code"] == "SubscriptionNotFound"
    locations = send(client, conn, "GET", f"/subscriptions/{conn['subscription_id']}/locations", "2022-12-01")
    names = {loc["name"]: loc["displayName"] for loc in locations.json()["value"]}
    assert names["eastasia"] == "East Asia" and conn["location"] in names


def test_resource_groups_get_list_and_check_existence(
    client: AzureMediaServices, reader: AzureMediaServices, conn: dict[str, Any]
) -> None:
    base = f"/subscriptions/{conn['subscription_id']}/resourcegroups"
    listed = send(client, conn, "GET", base, "2021-04-01").json()["value"]
    assert [g["name"] for g in listed] == [conn["resource_group"]]
    got = send(client, conn, "GET", f"{base}/{conn['resource_group']}", "2021-04-01")
    assert got.status_code == 200 and got.json()["properties"]["provisioningState"] == "Succeeded"
    assert send(reader, conn, "HEAD", f"{base}/{conn['resource_group']}", "2021-04-01").status_code == 204
    assert send(reader, conn, "HEAD", f"{base}/no-such-group", "2021-04-01").status_code == 404
    missing = send(client, conn, "GET", f"{base}/no-such-group", "2021-04-01")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "ResourceGroupNotFound"


def test_media_provider_lists_every_published_version(
    client: AzureMediaServices, conn: dict[str, Any]
) -> None:
    for path in (
        "/providers/Microsoft.Media",
        f"/subscriptions/{conn['subscription_id']}/providers/Microsoft.Media",
    ):
        body = send(client, conn, "GET", path, "2021-04-01").json()
        assert body["registrationState"] == "Registered"
        types = {t["resourceType"].lower(): t["apiVersions"] for t in body["resourceTypes"]}
        assert {"2018-07-01", "2023-01-01"} <= set(types["mediaservices"])
        assert {"2018-07-01", "2022-11-01"} <= set(types["mediaservices/liveevents"])
        assert "2022-07-01" in types["mediaservices/transforms"]
        # the pre-GA previews had no filters (azure-rest-api-specs readme tag package-2018-06-preview)
        assert "2018-06-01-preview" in types["mediaservices/contentkeypolicies"]
        assert "2018-06-01-preview" not in types["mediaservices/accountfilters"]


def test_unknown_routes_answer_arm_error_bodies(client: AzureMediaServices, conn: dict[str, Any]) -> None:
    rg = f"/subscriptions/{conn['subscription_id']}/resourceGroups/{conn['resource_group']}/providers"
    bad_ns = send(client, conn, "GET", f"{rg}/Microsoft.Nope/things/x", "2021-04-01")
    assert bad_ns.status_code == 400 and bad_ns.json()["error"]["code"] == "InvalidResourceNamespace"
    bad_type = send(client, conn, "GET", f"{rg}/Microsoft.Media/mediaservices/a/gadgets/x", "2021-11-01")
    assert bad_type.status_code == 400 and bad_type.json()["error"]["code"] == "InvalidResourceType"
    assert "gadgets" in bad_type.json()["error"]["message"]
    unauthenticated = requests.get(
        f"{conn['arm_endpoint']}/subscriptions?api-version=2022-12-01", verify=conn["ca_bundle"]
    )
    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["error"]["code"] == "AuthenticationFailed"
