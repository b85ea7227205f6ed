# mypy: disable-error-code="union-attr,index,misc,arg-type,attr-defined,operator,assignment,return-value"
"""ARM wire contract: status codes, LRO headers, status bodies, operation locations, error bodies."""

from __future__ import annotations

from typing import Any

from azure.core.rest import HttpRequest, HttpResponse
from azure.mgmt.media import AzureMediaServices

from emulator.launcher import RunningEmulator

from .conftest import unique


class Raw:
    def __init__(self, client: AzureMediaServices, conn: dict[str, Any], account: str) -> None:
        self.client = client
        self.base = (
            f"{conn['arm_endpoint']}/subscriptions/{conn['subscription_id']}/resourceGroups/"
            f"{conn['resource_group']}/providers/Microsoft.Media/mediaservices/{account}"
        )

    def __call__(
        self, method: str, path: str, api: str = "2022-08-01", body: Any = None, **q: str
    ) -> HttpResponse:
        query = "&".join([f"api-version={api}"] + [f"{k}={v}" for k, v in q.items()])
        url = path if path.startswith("https://") else f"{self.base}{path}?{query}"
        return self.client._client.send_request(HttpRequest(method, url, json=body))


def wait(raw: Raw, url: str) -> dict[str, Any]:
    while True:
        body = raw("GET", url).json()
        if body["status"] != "InProgress":
            return dict(body)


def test_live_event_lro_wire(
    ams: RunningEmulator, client: AzureMediaServices, conn: dict[str, Any], account: str
) -> None:
    raw = Raw(client, conn, account)
    name = unique("le")
    body = {"location": conn["location"], "properties": {"input": {"streamingProtocol": "RTMP"}}}
    ams.admin.set_durations(**{"liveevent.create": 5})
    try:
        resp = raw("PUT", f"/liveEvents/{name}", body=body, autoStart="false")
    finally:
        ams.admin.set_durations(**{"liveevent.create": 0.2})
    assert resp.status_code == 201
    status_url, location = resp.headers["Azure-AsyncOperation"], resp.headers["Location"]
    assert "/liveeventoperations/" in status_url and "api-version=2022-08-01" in status_url
    assert f"/liveEvents/{name}/operationlocations/" in location
    assert float(resp.headers["Retry-After"]) >= 1
    assert resp.headers["x-ms-ratelimit-remaining-subscription-writes"]
    created = resp.json()
    assert created["properties"]["provisioningState"] == "InProgress"
    assert created["properties"]["resourceState"] == "Stopped"
    first = raw("GET", status_url)
    assert first.status_code == 200 and first.json()["status"] == "InProgress"
    loc = raw("GET", location)
    assert loc.status_code == 202
    ams.admin.complete_operations(name)
    done = wait(raw, status_url)
    assert done["status"] == "Succeeded" and done["name"] in status_url
    assert raw("GET", location).json()["name"] == name
    start = raw("POST", f"/liveEvents/{name}/start")
    assert start.status_code == 202 and start.content == b""
    assert "Azure-AsyncOperation" in start.headers and "Location" in start.headers
    wait(raw, start.headers["Azure-AsyncOperation"])
    final = raw("GET", start.headers["Location"])
    assert final.status_code == 200 and final.json()["properties"]["resourceState"] == "Running"


def test_account_lro_wire(client: AzureMediaServices, conn: dict[str, Any]) -> None:
    name = unique("wire")
    raw = Raw(client, conn, name)
    body = {
        "location": conn["location"],
        "properties": {"storageAccounts": [{"id": conn["storage_account_id"], "type": "Primary"}]},
    }
    resp = raw("PUT", "", api="2021-11-01", body=body)
    assert resp.status_code == 201
    assert "/mediaServicesOperationStatuses/" in resp.headers["Azure-AsyncOperation"]
    assert "/mediaServicesOperationResults/" in resp.headers["Location"]
    assert "Retry-After" in resp.headers
    done = wait(raw, resp.headers["Azure-AsyncOperation"])
    assert done["status"] == "Succeeded" and done["startTime"] and done["endTime"]
    result = raw("GET", resp.headers["Location"])
    assert result.status_code == 200 and result.json()["properties"]["provisioningState"] == "Succeeded"
    patch = raw("PATCH", "", api="2021-11-01", body={"tags": {"a": "b"}})
    assert patch.status_code == 202 and "Azure-AsyncOperation" in patch.headers
    assert raw("DELETE", "", api="2021-11-01").status_code == 200
    assert raw("DELETE", "", api="2021-11-01").status_code == 204


def test_locations_are_answered_as_the_regions_display_name(
    client: AzureMediaServices, conn: dict[str, Any]
) -> None:
    """As every Azure CLI recording shows (sent ``centralus``, answered ``Central US``): PUT answers, GET
    and lists, whatever the spelling and api-version; the same region respelled is no change of location."""
    name = unique("loc")
    raw = Raw(client, conn, name)
    storage = {"storageAccounts": [{"id": conn["storage_account_id"], "type": "Primary"}]}
    sync = raw("PUT", "", api="2021-06-01", body={"location": "eastasia", "properties": storage})
    assert sync.status_code == 201 and sync.json()["location"] == "East Asia"
    lro = raw("PUT", "", api="2023-01-01", body={"location": "EastAsia", "properties": storage})
    assert lro.json()["location"] == "East Asia"
    assert "/locations/eastasia/mediaServicesOperationStatuses/" in lro.headers["Azure-AsyncOperation"]
    wait(raw, lro.headers["Azure-AsyncOperation"])
    assert raw("GET", "", api="2018-07-01").json()["location"] == "East Asia"
    assert raw("GET", "/streamingEndpoints/default").json()["location"] == "East Asia"

    event = {"location": "eastasia", "properties": {"input": {"streamingProtocol": "RTMP"}}}
    created = raw("PUT", "/liveEvents/le1", api="2018-07-01", body=event, autoStart="false")
    assert created.json()["location"] == "East Asia"
    se_body = {"location": "EAST ASIA", "properties": {"scaleUnits": 0}}
    endpoint = raw("PUT", "/streamingEndpoints/se1", body=se_body)
    assert endpoint.json()["location"] == "East Asia"
    wait(raw, created.headers["Azure-AsyncOperation"])
    wait(raw, endpoint.headers["Azure-AsyncOperation"])
    for collection in ("liveEvents", "streamingEndpoints"):
        assert {i["location"] for i in raw("GET", f"/{collection}").json()["value"]} == {"East Asia"}
    same = raw("PATCH", "/liveEvents/le1", body={"location": "eastasia", "tags": {"a": "b"}})
    assert same.status_code == 202 and same.json()["location"] == "East Asia"
    wait(raw, same.headers["Azure-AsyncOperation"])
    moved = raw("PATCH", "/liveEvents/le1", body={"location": "westus"})
    assert moved.status_code == 400 and "location" in moved.json()["error"]["message"]
    moved = raw("PATCH", "/streamingEndpoints/se1", body={"location": "West US"})
    assert moved.status_code == 400 and "Location" in moved.json()["error"]["message"]
    assert raw("DELETE", "", api="2021-11-01").status_code == 200


def test_sync_status_codes_and_errors(client: AzureMediaServices, conn: dict[str, Any], account: str) -> None:
    raw = Raw(client, conn, account)
    a = unique("a")
    assert raw("PUT", f"/assets/{a}", body={}).status_code == 201
    assert raw("PUT", f"/assets/{a}", body={"properties": {"description": "x"}}).status_code == 200
    loc = raw(
        "PUT",
        f"/streamingLocators/{unique('l')}",
        body={"properties": {"assetName": a, "streamingPolicyName": "Predefined_ClearStreamingOnly"}},
    )
    assert loc.status_code == 201
    missing = raw("GET", f"/assets/{unique('nope')}")
    err = missing.json()["error"]
    assert missing.status_code == 404 and err["code"] == "NotFound"  # as the recordings show for assets
    assert err["message"] == "The requested resource was not found."
    assert set(err) >= {"code", "message", "target", "details"}
    parent = raw("GET", f"/assets/{unique('nope')}/assetFilters/f")
    assert parent.status_code == 404 and parent.json()["error"]["code"] == "ParentResourceNotFound"
    assert raw("DELETE", f"/assets/{unique('nope')}").status_code == 204
    assert raw("DELETE", f"/assets/{unique('nope')}/assetFilters/f").status_code == 204
    assert raw("DELETE", f"/assets/{a}").status_code == 200
    bad_json = client._client.send_request(
        HttpRequest(
            "PUT",
            f"{raw.base}/assets/{unique('a')}?api-version=2022-08-01",
            content=b"{not json",
            headers={"Content-Type": "application/json"},
        )
    )
    assert bad_json.status_code == 400 and bad_json.json()["error"]["code"] == "InvalidRequestContent"


def test_each_api_group_answers_its_published_versions(
    client: AzureMediaServices, conn: dict[str, Any], account: str
) -> None:
    """Accounts 2018-03-30-preview..2023-01-01, encoding ..2022-07-01, streaming ..2022-11-01, filters
    from 2018-07-01; others (also the never published 2018-02-01-privatepreview) refused."""
    raw = Raw(client, conn, account)
    cases: tuple[tuple[str, set[str], set[str]], ...] = (
        (
            "",
            {"2018-07-01", "2020-05-01", "2021-05-01", "2021-11-01", "2023-01-01"},
            {"2022-08-01", "2022-07-01"},
        ),
        (
            "/transforms",
            {"2018-07-01", "2021-06-01", "2022-07-01"},
            {"2022-08-01", "2023-01-01", "2021-05-01"},
        ),
        ("/liveEvents", {"2019-05-01-preview", "2022-08-01", "2022-11-01"}, {"2022-07-01", "2023-01-01"}),
        ("/contentKeyPolicies", {"2018-03-30-preview", "2018-06-01-preview", "2023-01-01"}, set()),
        ("/accountFilters", {"2018-07-01", "2023-01-01"}, {"2018-03-30-preview", "2018-06-01-preview"}),
    )
    for path, good, bad in cases:
        for version in good:
            assert raw("GET", path, api=version).status_code == 200, (path, version)
        for version in bad | {"2017-01-01", "2018-02-01-privatepreview"}:
            resp = raw("GET", path, api=version)
            assert resp.status_code == 400 and resp.json()["error"]["code"] == "NoRegisteredProviderFound"


def test_retry_after_modes(
    ams: RunningEmulator, client: AzureMediaServices, conn: dict[str, Any], account: str
) -> None:
    raw = Raw(client, conn, account)
    body = {"location": conn["location"], "properties": {"input": {"streamingProtocol": "RTMP"}}}
    ams.admin.set_durations(**{"liveevent.create": 0.5})
    try:
        fractional = raw("PUT", f"/liveEvents/{unique('le')}", body=body)
        assert 0 < float(fractional.headers["Retry-After"]) < 1
        ams.admin.set_settings(retry_after="integer")
        integer = raw("PUT", f"/liveEvents/{unique('le')}", body=body)
        assert integer.headers["Retry-After"] == "1"
    finally:
        ams.admin.set_settings(retry_after="auto")
        ams.admin.set_durations(**{"liveevent.create": 0.2})
