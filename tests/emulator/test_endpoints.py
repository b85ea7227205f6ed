# mypy: disable-error-code="union-attr,index,misc,arg-type,attr-defined,operator,assignment,return-value"
"""Streaming endpoints: states, scale, PATCH rules, delete rule, CDN and access control, skus."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError
from azure.mgmt.media import AzureMediaServices
from azure.mgmt.media import models as m

from emulator.launcher import RunningEmulator

from .conftest import create_account, location, unique


@pytest.fixture()
def account(client: AzureMediaServices, conn: dict[str, Any]) -> str:
    """A fresh account per test: 2 streaming endpoints per account (incl. default)."""
    return create_account(client, conn)


def se(scale: int = 0, **kw: Any) -> m.StreamingEndpoint:
    return m.StreamingEndpoint(location=location(), scale_units=scale, **kw)


def test_lifecycle(client: AzureMediaServices, rg: str, account: str) -> None:
    name = unique("se")
    created = client.streaming_endpoints.begin_create(rg, account, name, se(description="d")).result()
    assert (created.resource_state, created.provisioning_state) == ("Stopped", "Succeeded")
    assert created.host_name.startswith(name.lower())
    client.streaming_endpoints.begin_start(rg, account, name).result()
    assert client.streaming_endpoints.get(rg, account, name).resource_state == "Running"
    with pytest.raises(ResourceExistsError) as err:
        client.streaming_endpoints.begin_delete(rg, account, name)
    assert err.value.error.code == "StreamingEndpointNotStopped"
    client.streaming_endpoints.begin_scale(
        rg, account, name, m.StreamingEntityScaleUnit(scale_unit=3)
    ).result()
    got = client.streaming_endpoints.get(rg, account, name)
    assert got.scale_units == 3 and got.resource_state == "Running" and got.sku.name == "Premium"
    client.streaming_endpoints.begin_stop(rg, account, name).result()
    assert client.streaming_endpoints.get(rg, account, name).resource_state == "Stopped"
    client.streaming_endpoints.begin_delete(rg, account, name).result()
    assert name not in {e.name for e in client.streaming_endpoints.list(rg, account)}


def test_auto_start_and_skus(client: AzureMediaServices, rg: str, account: str) -> None:
    name = unique("se")
    client.streaming_endpoints.begin_create(rg, account, name, se(), auto_start=True).result()
    assert client.streaming_endpoints.get(rg, account, name).resource_state == "Running"
    skus = client.streaming_endpoints.skus(rg, account, name)
    assert {s.sku.name for s in skus.value} == {"Standard", "Premium"}


def test_patch_cannot_change_scale_units(client: AzureMediaServices, rg: str, account: str) -> None:
    ep = client.streaming_endpoints.get(rg, account, "default")
    ep.description = "new"
    updated = client.streaming_endpoints.begin_update(rg, account, "default", ep).result()
    assert updated.description == "new"
    ep.scale_units = 5
    with pytest.raises(HttpResponseError) as err:
        client.streaming_endpoints.begin_update(rg, account, "default", ep)
    assert err.value.status_code == 400 and err.value.error.code == "InvalidPropertyValue"
    assert "Scale" in err.value.error.message
    assert client.streaming_endpoints.get(rg, account, "default").scale_units == 0


def test_endpoint_quota(client: AzureMediaServices, rg: str, account: str) -> None:
    client.streaming_endpoints.begin_create(rg, account, unique("se"), se()).result()
    with pytest.raises(HttpResponseError) as err:
        client.streaming_endpoints.begin_create(rg, account, unique("se"), se())
    assert err.value.error.code == "QuotaExceeded"


def test_cdn_and_access_control(client: AzureMediaServices, rg: str, account: str) -> None:
    ac = m.StreamingEndpointAccessControl(
        akamai=m.AkamaiAccessControl(akamai_signature_header_authentication_key_list=[])
    )
    with pytest.raises(HttpResponseError) as err:
        client.streaming_endpoints.begin_create(
            rg, account, unique("se"), se(cdn_enabled=True, access_control=ac)
        )
    assert err.value.status_code == 400
    with pytest.raises(HttpResponseError) as err:
        client.streaming_endpoints.begin_create(
            rg, account, unique("se"), se(cdn_enabled=True, custom_host_names=["a.example.com"])
        )
    assert err.value.status_code == 400
    name = unique("se")
    made = client.streaming_endpoints.begin_create(rg, account, name, se(cdn_enabled=True)).result()
    assert made.cdn_enabled and made.cdn_provider == "StandardVerizon"


@pytest.fixture()
def no_cdn_region(ams: RunningEmulator) -> Iterator[None]:
    ams.admin.set_settings(cdn_unavailable_regions=[location()])
    try:
        yield
    finally:
        ams.admin.set_settings(cdn_unavailable_regions=[])


def test_cdn_unavailable_region(
    no_cdn_region: None, client: AzureMediaServices, rg: str, account: str
) -> None:
    with pytest.raises(HttpResponseError) as err:
        client.streaming_endpoints.begin_create(rg, account, unique("se"), se(cdn_enabled=True))
    assert err.value.status_code == 412 and err.value.error.code == "PreconditionFailed"


def test_cdn_toggle_only_when_stopped(client: AzureMediaServices, rg: str, account: str) -> None:
    client.streaming_endpoints.begin_start(rg, account, "default").result()
    ep = client.streaming_endpoints.get(rg, account, "default")
    ep.cdn_enabled = True
    with pytest.raises(ResourceExistsError):
        client.streaming_endpoints.begin_update(rg, account, "default", ep)
    client.streaming_endpoints.begin_stop(rg, account, "default").result()
    assert client.streaming_endpoints.begin_update(rg, account, "default", ep).result().cdn_enabled
