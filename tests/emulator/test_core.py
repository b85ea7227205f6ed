# mypy: disable-error-code="union-attr,index,misc,arg-type,attr-defined,operator,assignment,return-value"
"""Accounts, transforms, assets, streaming endpoints, live events: the core happy paths."""

from __future__ import annotations

from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.media import AzureMediaServices
from azure.mgmt.media import models as m
from azure.storage.blob import ContainerClient

from .conftest import create_account, location, unique


def test_account_lifecycle_and_default_endpoint(
    client: AzureMediaServices, conn: dict[str, Any], rg: str
) -> None:
    name = create_account(client, conn)
    acct = client.mediaservices.get(rg, name)
    assert acct.provisioning_state == "Succeeded"
    assert acct.storage_accounts[0].id.lower() == conn["storage_account_id"].lower()
    endpoints = list(client.streaming_endpoints.list(rg, name))
    assert [(e.name, e.resource_state) for e in endpoints] == [("default", "Stopped")]
    policies = {p.name for p in client.streaming_policies.list(rg, name)}
    assert "Predefined_ClearStreamingOnly" in policies and "Predefined_MultiDrmStreaming" in policies
    updated = client.mediaservices.begin_update(rg, name, m.MediaServiceUpdate(tags={"env": "test"})).result()
    assert updated.tags == {"env": "test"}
    assert name in {a.name for a in client.mediaservices.list(rg)}
    assert name in {a.name for a in client.mediaservices.list_by_subscription()}
    client.mediaservices.delete(rg, name)
    with pytest.raises(ResourceNotFoundError) as err:
        client.mediaservices.get(rg, name)
    assert err.value.error.code == "ResourceNotFound"


def test_account_storage_rules(client: AzureMediaServices, conn: dict[str, Any], rg: str) -> None:
    other = conn["storage_account_id"].rsplit("/", 1)[0] + "/otherstorage"
    for accounts in (
        [m.StorageAccount(type="Primary", id=other)],
        [m.StorageAccount(type="Secondary", id=other)],
    ):
        with pytest.raises(HttpResponseError) as err:
            client.mediaservices.begin_create_or_update(
                rg, unique("acct"), m.MediaService(location=conn["location"], storage_accounts=accounts)
            )
        assert err.value.status_code == 400


def test_routes_are_case_insensitive(client: AzureMediaServices, conn: dict[str, Any], account: str) -> None:
    url = (
        f"{conn['arm_endpoint']}/SUBSCRIPTIONS/{conn['subscription_id']}/resourcegroups/{conn['resource_group'].upper()}"
        f"/providers/microsoft.media/MEDIASERVICES/{account.upper()}?api-version=2021-11-01"
    )
    from azure.core.rest import HttpRequest

    resp = client._client.send_request(HttpRequest("GET", url))
    assert resp.status_code == 200
    assert resp.json()["name"] == account


def test_unknown_api_version(client: AzureMediaServices, conn: dict[str, Any], account: str) -> None:
    from azure.core.rest import HttpRequest

    sub, rg = conn["subscription_id"], conn["resource_group"]
    base = f"{conn['arm_endpoint']}/subscriptions/{sub}/resourceGroups/{rg}"
    resp = client._client.send_request(
        HttpRequest(
            "GET",
            f"{base}/providers/Microsoft.Media/mediaservices/{account}/assets?api-version=2018-02-01-privatepreview",
        )
    )
    assert resp.status_code == 400
    assert resp.json()["error"]["code"] == "NoRegisteredProviderFound"
    resp = client._client.send_request(
        HttpRequest("GET", f"{base}/providers/Microsoft.Media/mediaservices/{account}")
    )
    assert resp.json()["error"]["code"] == "MissingApiVersionParameter"


def test_check_name_availability(client: AzureMediaServices, conn: dict[str, Any], account: str) -> None:
    loc = conn["location"]
    taken = client.locations.check_name_availability(
        loc, m.CheckNameAvailabilityInput(name=account, type="Microsoft.Media/mediaservices")
    )
    assert taken.name_available is False and taken.reason == "AlreadyExists"
    free = client.locations.check_name_availability(
        loc, m.CheckNameAvailabilityInput(name=unique("free"), type="Microsoft.Media/mediaservices")
    )
    assert free.name_available is True
    bad = client.locations.check_name_availability(
        loc, m.CheckNameAvailabilityInput(name="Bad_Name", type="Microsoft.Media/mediaservices")
    )
    assert bad.name_available is False and bad.reason == "Invalid"


def test_asset_container_sas_roundtrip(client: AzureMediaServices, rg: str, account: str) -> None:
    name = unique("asset")
    asset = client.assets.create_or_update(rg, account, name, m.Asset(description="d", alternate_id="alt"))
    assert asset.container.startswith("asset-") and asset.asset_id
    sas = client.assets.list_container_sas(
        rg,
        account,
        name,
        m.ListContainerSasInput(permissions="ReadWrite", expiry_time="2099-01-01T00:00:00Z"),
    )
    assert len(sas.asset_container_sas_urls) == 2
    container = ContainerClient.from_container_url(sas.asset_container_sas_urls[0])
    container.upload_blob("video.mp4", b"data")
    assert [b.name for b in container.list_blobs()] == ["video.mp4"]
    with pytest.raises(HttpResponseError) as refused:  # the service: no key for an unencrypted asset
        client.assets.get_encryption_key(rg, account, name)
    assert refused.value.status_code == 400
    updated = client.assets.update(rg, account, name, m.Asset(description="new"))
    assert updated.description == "new" and updated.container == asset.container
    client.assets.delete(rg, account, name)
    with pytest.raises(ResourceNotFoundError):
        client.assets.get(rg, account, name)


def test_transform_and_job_progress(client: AzureMediaServices, rg: str, account: str) -> None:
    tname = unique("t")
    preset = m.BuiltInStandardEncoderPreset(preset_name="AdaptiveStreaming")
    t = client.transforms.create_or_update(
        rg, account, tname, m.Transform(outputs=[m.TransformOutput(preset=preset)])
    )
    assert t.outputs[0].preset.preset_name == "AdaptiveStreaming"
    src, dst = unique("in"), unique("out")
    client.assets.create_or_update(rg, account, src, m.Asset())
    client.assets.create_or_update(rg, account, dst, m.Asset())
    job = client.jobs.create(
        rg,
        account,
        tname,
        "job1",
        m.Job(input=m.JobInputAsset(asset_name=src), outputs=[m.JobOutputAsset(asset_name=dst)]),
    )
    seen = [job.state]
    while seen[-1] != "Finished":
        state = client.jobs.get(rg, account, tname, "job1").state
        if state != seen[-1]:
            seen.append(state)
    order = ["Queued", "Scheduled", "Processing", "Finished"]
    assert seen == sorted(seen, key=order.index) and seen[-1] == "Finished"
    job = client.jobs.update(rg, account, tname, "job1", m.Job(description="x", priority="High"))
    assert job.priority == "High"
    job2 = client.jobs.create(
        rg,
        account,
        tname,
        "job2",
        m.Job(input=m.JobInputAsset(asset_name=src), outputs=[m.JobOutputAsset(asset_name=dst)]),
    )
    assert job2.state in ("Queued", "Scheduled", "Processing")
    client.jobs.cancel_job(rg, account, tname, "job2")
    while client.jobs.get(rg, account, tname, "job2").state != "Canceled":
        pass
    client.jobs.delete(rg, account, tname, "job2")
    client.transforms.delete(rg, account, tname)
    with pytest.raises(ResourceNotFoundError) as err:
        client.jobs.get(rg, account, tname, "job1")
    assert err.value.error.code == "ParentResourceNotFound"


def test_invalid_body_is_rejected_with_arm_error(client: AzureMediaServices, rg: str, account: str) -> None:
    from azure.core.rest import HttpRequest

    url = client._client.format_url(
        f"/subscriptions/{client._config.subscription_id}/resourceGroups/{rg}/providers/Microsoft.Media"
        f"/mediaServices/{account}/transforms/{unique('t')}?api-version=2022-07-01"
    )
    bad_enum = {
        "properties": {
            "outputs": [
                {
                    "preset": {
                        "@odata.type": "#Microsoft.Media.BuiltInStandardEncoderPreset",
                        "presetName": "Nope",
                    }
                }
            ]
        }
    }
    resp = client._client.send_request(HttpRequest("PUT", url, json=bad_enum))
    assert resp.status_code == 400
    err = resp.json()["error"]
    assert err["code"] == "InvalidPropertyValue" and "presetName" in err["target"]
    unknown_type = {"properties": {"outputs": [{"preset": {"@odata.type": "#Microsoft.Media.Nope"}}]}}
    resp = client._client.send_request(HttpRequest("PUT", url, json=unknown_type))
    assert resp.status_code == 400 and "@odata.type" in resp.json()["error"]["target"]
    resp = client._client.send_request(HttpRequest("PUT", url, json={"properties": {}}))
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "InvalidRequestContent"
    with pytest.raises(HttpResponseError) as exc:
        client.live_events.begin_create(
            rg,
            account,
            unique("le"),
            m.LiveEvent(location=location(), input=m.LiveEventInput(streaming_protocol="X")),
        )
    assert exc.value.status_code == 400


def test_encode_then_stream_pipeline(client: AzureMediaServices, rg: str, account: str) -> None:
    """Job output assets get encoder-like files, so a locator on them has streaming paths."""
    t = unique("t")
    preset = m.BuiltInStandardEncoderPreset(preset_name="AdaptiveStreaming")
    client.transforms.create_or_update(
        rg, account, t, m.Transform(outputs=[m.TransformOutput(preset=preset)])
    )
    src, dst = unique("in"), unique("out")
    client.assets.create_or_update(rg, account, src, m.Asset())
    client.assets.create_or_update(rg, account, dst, m.Asset())
    client.jobs.create(
        rg,
        account,
        t,
        "enc",
        m.Job(input=m.JobInputAsset(asset_name=src), outputs=[m.JobOutputAsset(asset_name=dst)]),
    )
    while client.jobs.get(rg, account, t, "enc").state != "Finished":
        pass
    loc = unique("loc")
    client.streaming_locators.create(
        rg,
        account,
        loc,
        m.StreamingLocator(asset_name=dst, streaming_policy_name="Predefined_DownloadAndClearStreaming"),
    )
    paths = client.streaming_locators.list_paths(rg, account, loc)
    assert {p.streaming_protocol for p in paths.streaming_paths} == {"Hls", "Dash", "SmoothStreaming"}
    assert any(p.endswith(".mp4") for p in paths.download_paths)


def test_live_output_archives_into_its_asset(
    client: AzureMediaServices, rg: str, conn: dict[str, Any]
) -> None:
    from .conftest import create_account

    account = create_account(client, conn)
    client.live_events.begin_create(
        rg,
        account,
        "ev",
        m.LiveEvent(location=conn["location"], input=m.LiveEventInput(streaming_protocol="RTMP")),
    ).result()
    client.assets.create_or_update(rg, account, "archive", m.Asset())
    client.live_outputs.begin_create(
        rg,
        account,
        "ev",
        "out",
        m.LiveOutput(asset_name="archive", archive_window_length="PT1H", manifest_name="show"),
    ).result()
    client.streaming_locators.create(
        rg,
        account,
        "liveloc",
        m.StreamingLocator(asset_name="archive", streaming_policy_name="Predefined_ClearStreamingOnly"),
    )
    paths = client.streaming_locators.list_paths(rg, account, "liveloc").streaming_paths
    assert paths and all("/show.ism/manifest" in p.paths[0] for p in paths)
