# mypy: disable-error-code="union-attr,index,misc,arg-type,attr-defined,operator,assignment,return-value"
"""Remaining surface: account actions, private endpoints, operations list, scope errors, concurrency on
streaming endpoints, asset container rules, idempotent live output PUT."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.mgmt.media import AzureMediaServices
from azure.mgmt.media import models as m

from emulator.launcher import RunningEmulator

from .conftest import FAST, create_account, location, unique


def test_account_actions_and_private_endpoints(
    client: AzureMediaServices, rg: str, account: str, conn: dict[str, Any]
) -> None:
    client.mediaservices.sync_storage_keys(rg, account, m.SyncStorageKeysInput(id=conn["storage_account_id"]))
    edge = client.mediaservices.list_edge_policies(rg, account, m.ListEdgePoliciesInput(device_id="dev1"))
    assert edge.usage_data_collection_policy is not None
    assert [r.name for r in client.private_link_resources.list(rg, account).value] == ["keydelivery"]
    assert client.private_link_resources.get(rg, account, "keydelivery").group_id == "keydelivery"
    state = m.PrivateLinkServiceConnectionState(status="Approved", description="ok")
    pec = client.private_endpoint_connections.create_or_update(
        rg, account, "pec1", m.PrivateEndpointConnection(private_link_service_connection_state=state)
    )
    assert pec.private_link_service_connection_state.status == "Approved"
    assert [p.name for p in client.private_endpoint_connections.list(rg, account).value] == ["pec1"]
    client.private_endpoint_connections.delete(rg, account, "pec1")
    with pytest.raises(HttpResponseError) as err:
        client.private_endpoint_connections.get(rg, account, "pec1")
    assert err.value.status_code == 400
    assert any(o.name == "Microsoft.Media/mediaservices/read" for o in client.operations.list().value)


def test_scope_errors(conn: dict[str, Any], client: AzureMediaServices, account: str) -> None:
    with pytest.raises(ResourceNotFoundError) as err:
        client.mediaservices.get("other-rg", account)
    assert err.value.error.code == "ResourceGroupNotFound"
    other = AzureMediaServices(
        client._config.credential,
        "99999999-2222-4333-8444-555555555555",
        base_url=conn["arm_endpoint"],
        connection_verify=conn["ca_bundle"],
    )
    with pytest.raises(ResourceNotFoundError) as err:
        other.mediaservices.get(conn["resource_group"], account)
    assert err.value.error.code == "SubscriptionNotFound"
    with pytest.raises(ResourceNotFoundError) as err:
        list(client.assets.list(conn["resource_group"], unique("noacct")))
    assert err.value.error.code == "ParentResourceNotFound"


@pytest.fixture()
def slow_endpoints(ams: RunningEmulator) -> Iterator[RunningEmulator]:
    ams.admin.set_durations(streamingendpoint=60)
    try:
        yield ams
    finally:
        ams.admin.set_durations_map(FAST)
        ams.admin.complete_operations()


def test_streaming_endpoint_one_lro(
    slow_endpoints: RunningEmulator, client: AzureMediaServices, rg: str, conn: dict[str, Any]
) -> None:
    account = create_account(client, conn)
    client.streaming_endpoints.begin_start(rg, account, "default")
    got = client.streaming_endpoints.get(rg, account, "default")
    assert (got.resource_state, got.provisioning_state) == ("Starting", "InProgress")
    with pytest.raises(ResourceExistsError) as err:
        client.streaming_endpoints.begin_scale(
            rg, account, "default", m.StreamingEntityScaleUnit(scale_unit=1)
        )
    assert err.value.error.code == "OperationInProgress"
    got.description = "x"
    with pytest.raises(ResourceExistsError):
        client.streaming_endpoints.begin_update(rg, account, "default", got)
    slow_endpoints.admin.complete_operations(account)
    assert client.streaming_endpoints.get(rg, account, "default").resource_state == "Running"


def test_asset_container_rules(client: AzureMediaServices, rg: str, account: str) -> None:
    container = unique("mycontainer-")
    a = client.assets.create_or_update(rg, account, unique("a"), m.Asset(container=container))
    assert a.container == container and a.storage_account_name
    with pytest.raises(HttpResponseError) as err:
        client.assets.create_or_update(rg, account, unique("a"), m.Asset(container=container))
    assert err.value.status_code == 409
    with pytest.raises(HttpResponseError) as err:
        client.assets.create_or_update(rg, account, unique("a"), m.Asset(container="Bad_Container"))
    assert err.value.status_code == 400
    with pytest.raises(HttpResponseError) as err:
        client.assets.create_or_update(rg, account, a.name, m.Asset(container="other-container"))
    assert err.value.status_code == 400
    with pytest.raises(HttpResponseError) as err:
        client.assets.create_or_update(rg, account, unique("a"), m.Asset(storage_account_name="elsewhere"))
    assert err.value.status_code == 400


def test_asset_in_a_secondary_storage_account(
    client: AzureMediaServices, rg: str, conn: dict[str, Any]
) -> None:
    """A Secondary storage account can be attached, and an asset created in it has its container in that
    account's blob service (azure-cli recordings test_ams_storage_add_remove, test_ams_asset)."""
    from azure.storage.blob import BlobServiceClient

    from emulator import storage

    from .conftest import upload

    primary, secondary = conn["storage_accounts"][:2]
    assert primary["id"] == conn["storage_account_id"] and secondary["name"] != primary["name"]

    def container(acc: dict[str, Any], name: str) -> Any:
        key = {"account_name": acc["blob_endpoint"].rsplit("/", 1)[1], "account_key": storage.ACCOUNT_KEY}
        return BlobServiceClient(acc["blob_endpoint"], credential=key).get_container_client(name)

    def attach(*secondaries: dict[str, Any]) -> m.MediaService:
        accounts = [m.StorageAccount(type="Primary", id=primary["id"])]
        accounts += [m.StorageAccount(type="Secondary", id=s["id"]) for s in secondaries]
        return m.MediaService(location=conn["location"], storage_accounts=accounts)

    name = unique("acct")
    client.mediaservices.begin_create_or_update(rg, name, attach(secondary)).result()
    got = client.mediaservices.get(rg, name).storage_accounts
    assert [(s.type, s.id.lower()) for s in got] == [
        ("Primary", primary["id"].lower()),
        ("Secondary", secondary["id"].lower()),
    ]
    cont = unique("secondary-")
    a = client.assets.create_or_update(
        rg, name, unique("a"), m.Asset(container=cont, storage_account_name=secondary["name"])
    )
    assert a.storage_account_name == secondary["name"]
    assert container(secondary, cont).exists() and not container(primary, cont).exists()
    upload(client, rg, name, a.name, {"in-secondary.txt": b"x"})  # through the asset's SAS URL
    assert [b.name for b in container(secondary, cont).list_blobs()] == ["in-secondary.txt"]
    # the same container name in the Primary (the default) is another container
    b = client.assets.create_or_update(rg, name, unique("a"), m.Asset(container=cont))
    assert b.storage_account_name == primary["name"] and container(primary, cont).exists()
    client.assets.delete(rg, name, a.name)
    assert not container(secondary, cont).exists() and container(primary, cont).exists()
    # detached again: no asset can be created in it
    client.mediaservices.begin_create_or_update(rg, name, attach()).result()
    with pytest.raises(HttpResponseError) as err:
        client.assets.create_or_update(rg, name, unique("a"), m.Asset(storage_account_name=secondary["name"]))
    assert err.value.status_code == 400
    client.mediaservices.delete(rg, name)
    assert not container(primary, cont).exists()


def test_live_output_put_is_idempotent(client: AzureMediaServices, rg: str, conn: dict[str, Any]) -> None:
    account = create_account(client, conn)
    client.live_events.begin_create(
        rg,
        account,
        "ev",
        m.LiveEvent(location=location(), input=m.LiveEventInput(streaming_protocol="RTMP")),
    ).result()
    client.assets.create_or_update(rg, account, "arch", m.Asset())
    out = m.LiveOutput(asset_name="arch", archive_window_length="PT30M", rewind_window_length="PT5M")
    first = client.live_outputs.begin_create(rg, account, "ev", "lo", out).result()
    again = client.live_outputs.begin_create(rg, account, "ev", "lo", out).result()
    assert first.id == again.id and again.resource_state == "Running"
    out.archive_window_length = "PT40M"
    with pytest.raises(HttpResponseError) as err:
        client.live_outputs.begin_create(rg, account, "ev", "lo", out)
    assert err.value.status_code == 400
    bad_rewind = m.LiveOutput(asset_name="arch", archive_window_length="PT30M", rewind_window_length="PT31M")
    with pytest.raises(HttpResponseError):
        client.live_outputs.begin_create(rg, account, "ev", "lo2", bad_rewind)
    with pytest.raises(HttpResponseError) as err:
        client.live_outputs.begin_create(
            rg, account, "ev", "lo3", m.LiveOutput(asset_name="missing", archive_window_length="PT30M")
        )
    assert err.value.status_code == 400


def test_parallel_requests(client: AzureMediaServices, rg: str, conn: dict[str, Any]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    account = create_account(client, conn)
    names = [unique("par") for _ in range(40)]

    def work(name: str) -> str:
        client.assets.create_or_update(rg, account, name, m.Asset(description=name))
        return str(client.assets.get(rg, account, name).description)

    with ThreadPoolExecutor(16) as pool:
        assert sorted(pool.map(work, names)) == sorted(names)
    assert {a.name for a in client.assets.list(rg, account)} == set(names)
