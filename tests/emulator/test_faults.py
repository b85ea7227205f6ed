# mypy: disable-error-code="union-attr,index,misc,arg-type,attr-defined,operator,assignment,return-value"
"""Fault injection through the admin API: latency, 429, 500/503, failed LROs, logs."""

from __future__ import annotations

import json
import time
import urllib.error
from collections.abc import Iterator
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError, ServiceResponseError
from azure.mgmt.media import AzureMediaServices
from azure.mgmt.media import models as m

from emulator.launcher import RunningEmulator

from .conftest import location, make_client, unique


@pytest.fixture()
def admin(ams: RunningEmulator) -> Iterator[Any]:
    yield ams.admin
    ams.admin.clear_faults()


def test_latency(admin: Any, client: AzureMediaServices, conn: dict[str, Any], account: str) -> None:
    admin.inject_latency(0.5, match=f"/{account}/assets")
    started = time.monotonic()
    list(client.assets.list(conn["resource_group"], account))
    assert time.monotonic() - started >= 0.5
    assert any(f["kind"] == "latency" for f in admin.faults())


def test_throttling_is_retried_and_observable(
    admin: Any, client: AzureMediaServices, conn: dict[str, Any], account: str
) -> None:
    rg = conn["resource_group"]
    admin.throttle(count=2, retry_after=0.1, match=f"/{account}")
    assert client.mediaservices.get(rg, account).name == account
    assert admin.faults() == []
    no_retry = make_client(conn, retry_total=0)
    admin.throttle(count=1, retry_after=7, match=f"/{account}")
    with pytest.raises(HttpResponseError) as err:
        no_retry.mediaservices.get(rg, account)
    assert err.value.status_code == 429
    assert err.value.response.headers["Retry-After"] == "7"
    rejected = admin.rejections()[-1]
    assert (rejected["status"], rejected["code"], rejected["method"]) == (429, "TooManyRequests", "GET")


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors(
    admin: Any, client: AzureMediaServices, conn: dict[str, Any], account: str, status: int
) -> None:
    rg = conn["resource_group"]
    admin.fail_requests(status, count=1, match=f"/{account}")
    assert client.mediaservices.get(rg, account).name == account  # retried by the SDK
    admin.fail_requests(status, count=3, match=f"/{account}", methods=["GET"])
    no_retry = make_client(conn, retry_total=0)
    for _ in range(3):
        with pytest.raises(HttpResponseError) as err:
            no_retry.mediaservices.get(rg, account)
        assert err.value.status_code == status
    assert no_retry.mediaservices.get(rg, account).name == account


def test_fail_next_lro_and_operation_log(
    admin: Any, client: AzureMediaServices, conn: dict[str, Any], account: str
) -> None:
    rg = conn["resource_group"]
    name = unique("se")
    admin.fail_next_lro(name, code="CapacityUnavailable", message="no capacity")
    with pytest.raises(HttpResponseError) as err:
        client.streaming_endpoints.begin_create(
            rg, account, name, m.StreamingEndpoint(location=location(), scale_units=0)
        ).result()
    assert err.value.error.code == "CapacityUnavailable" and "no capacity" in err.value.error.message
    assert client.streaming_endpoints.get(rg, account, name).provisioning_state == "Failed"
    client.streaming_endpoints.begin_delete(rg, account, name).result()
    ops = [o for o in admin.operations() if o["resource_id"].endswith("/" + name)]
    assert [(o["kind"], o["action"], o["outcome"]) for o in ops] == [
        ("streamingendpoint", "create", "Failed"),
        ("streamingendpoint", "delete", "Succeeded"),
    ]
    assert all(o["end"] >= o["start"] for o in ops)


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        ({"kind": "timeout", "count": 1}, "unknown fault kind 'timeout'"),
        ({"kind": "status", "status": 200}, "between 400 and 599"),
        ({"kind": "status", "status": 429, "count": 0}, "'count' must be at least 1"),
        ({"kind": "latency"}, "needs 'seconds' > 0"),
        ({"kind": "status", "status": 503, "retry": 1}, "unknown fault field(s) retry"),
        ({"kind": "status", "status": 503, "after": True}, "only to reset faults"),
    ],
)
def test_bad_faults_are_rejected(admin: Any, fault: dict[str, Any], says: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as err:
        admin._call("POST", "faults", fault)
    assert err.value.code == 400
    assert says in json.loads(err.value.read())["error"]
    assert admin.faults() == []  # nothing half-registered


def test_connection_resets(
    admin: Any, client: AzureMediaServices, conn: dict[str, Any], account: str
) -> None:
    rg = conn["resource_group"]
    admin.reset_connections(count=1, match=f"/{account}", methods=["GET"])
    assert client.mediaservices.get(rg, account).name == account  # azure-core retries a dropped connection
    assert admin.faults() == []

    no_retry = make_client(conn, retry_total=0)
    admin.reset_connections(count=1, match=f"/{account}/assets/before")
    with pytest.raises(ServiceResponseError):
        no_retry.assets.create_or_update(rg, account, "before", m.Asset())
    assert [a.name for a in client.assets.list(rg, account) if a.name == "before"] == []  # not carried out

    # `after`: the request is carried out and only the answer is lost (a create the caller never hears of).
    admin.reset_connections(count=1, match=f"/{account}/assets/after", after=True)
    with pytest.raises(ServiceResponseError):
        no_retry.assets.create_or_update(rg, account, "after", m.Asset(description="made"))
    assert client.assets.get(rg, account, "after").description == "made"


def test_listed_durations_are_the_ones_in_effect(
    admin: Any, ams: RunningEmulator, client: AzureMediaServices, conn: dict[str, Any], account: str
) -> None:
    before = admin.durations()
    try:
        admin.set_durations(**{"streamingendpoint.create": 0.05})
        listed = admin.set_durations(streamingendpoint=0.3)  # the kind covers every action, also create
        assert {k: v for k, v in listed.items() if k.startswith("streamingendpoint")} == {
            f"streamingendpoint.{a}": 0.3 for a in ("create", "update", "delete", "start", "stop", "scale")
        }
        assert admin.durations() == listed
        name = unique("se")
        client.streaming_endpoints.begin_create(
            conn["resource_group"], account, name, m.StreamingEndpoint(location=location(), scale_units=0)
        ).result()
        (op,) = [o for o in admin.operations() if o["resource_id"].endswith("/" + name)]
        assert op["duration"] == listed["streamingendpoint.create"]
        with pytest.raises(urllib.error.HTTPError) as err:
            admin.set_durations(streamingendpoints=1)
        assert err.value.code == 400
        assert "unknown duration key 'streamingendpoints'" in err.value.read().decode()
    finally:
        admin.set_durations_map(before)
