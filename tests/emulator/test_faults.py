# mypy: disable-error-code="union-attr,index,misc,arg-type,attr-defined,operator,assignment,return-value"
"""Fault injection through the admin API: latency, 429, 500/503, failed LROs, logs."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError
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
