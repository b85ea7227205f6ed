# mypy: disable-error-code="union-attr,index,misc,arg-type,attr-defined,operator,assignment,return-value"
"""Filters, tracks, content key policies, streaming policies and locators."""

from __future__ import annotations

from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.mgmt.media import AzureMediaServices
from azure.mgmt.media import models as m
from azure.storage.blob import ContainerClient

from .conftest import unique, upload


def asset(client: AzureMediaServices, rg: str, account: str) -> str:
    name = unique("a")
    client.assets.create_or_update(rg, account, name, m.Asset())
    return name


def test_asset_and_account_filters(client: AzureMediaServices, rg: str, account: str) -> None:
    a = asset(client, rg, account)
    tr = m.PresentationTimeRange(start_timestamp=0, end_timestamp=100000, timescale=10000000)
    f = client.asset_filters.create_or_update(rg, account, a, "f1", m.AssetFilter(presentation_time_range=tr))
    assert f.presentation_time_range.end_timestamp == 100000
    f = client.asset_filters.update(
        rg, account, a, "f1", m.AssetFilter(first_quality=m.FirstQuality(bitrate=128000))
    )
    assert f.first_quality.bitrate == 128000 and f.presentation_time_range.end_timestamp == 100000
    assert [x.name for x in client.asset_filters.list(rg, account, a)] == ["f1"]
    client.asset_filters.delete(rg, account, a, "f1")
    with pytest.raises(ResourceNotFoundError):
        client.asset_filters.get(rg, account, a, "f1")
    with pytest.raises(ResourceNotFoundError) as err:
        client.asset_filters.get(rg, account, "missing", "f1")
    assert err.value.error.code == "ParentResourceNotFound"
    name = unique("af")
    client.account_filters.create_or_update(
        rg, account, name, m.AccountFilter(first_quality=m.FirstQuality(bitrate=1))
    )
    assert client.account_filters.get(rg, account, name).first_quality.bitrate == 1
    client.account_filters.update(rg, account, name, m.AccountFilter(first_quality=m.FirstQuality(bitrate=2)))
    assert client.account_filters.get(rg, account, name).first_quality.bitrate == 2
    client.account_filters.delete(rg, account, name)


def test_tracks_are_lros(client: AzureMediaServices, rg: str, account: str) -> None:
    a = asset(client, rg, account)
    track = m.AssetTrack(track=m.TextTrack(file_name="subs.vtt", display_name="English"))
    with pytest.raises(HttpResponseError) as err:
        client.tracks.begin_create_or_update(rg, account, a, "text1", track)
    assert err.value.status_code == 400 and "upload it first" in err.value.error.message
    upload(client, rg, account, a, {"subs.vtt": b"WEBVTT\n"})
    made = client.tracks.begin_create_or_update(rg, account, a, "text1", track).result()
    assert made.provisioning_state == "Succeeded" and made.track.file_name == "subs.vtt"
    upd = client.tracks.begin_update(
        rg, account, a, "text1", m.AssetTrack(track=m.TextTrack(file_name="subs.vtt", display_name="German"))
    ).result()
    assert upd.track.display_name == "German"
    client.tracks.begin_update_track_data(rg, account, a, "text1").result()
    assert [t.name for t in client.tracks.list(rg, account, a)] == ["text1"]
    client.tracks.begin_delete(rg, account, a, "text1").result()
    assert list(client.tracks.list(rg, account, a)) == []
    with pytest.raises(HttpResponseError):
        client.tracks.begin_create_or_update(rg, account, a, "v", m.AssetTrack(track=m.VideoTrack()))


def test_content_key_policy_secrets(client: AzureMediaServices, rg: str, account: str) -> None:
    key = b"0123456789abcdef0123456789abcdef"
    restriction = m.ContentKeyPolicyTokenRestriction(
        issuer="urn:issuer",
        audience="urn:audience",
        primary_verification_key=m.ContentKeyPolicySymmetricTokenKey(key_value=key),
        restriction_token_type="Jwt",
    )
    option = m.ContentKeyPolicyOption(
        name="clear", configuration=m.ContentKeyPolicyClearKeyConfiguration(), restriction=restriction
    )
    name = unique("ckp")
    made = client.content_key_policies.create_or_update(
        rg, account, name, m.ContentKeyPolicy(description="d", options=[option])
    )
    assert made.policy_id and made.options[0].policy_option_id
    plain = client.content_key_policies.get(rg, account, name)
    assert not plain.options[0].restriction.primary_verification_key.key_value
    secret = client.content_key_policies.get_policy_properties_with_secrets(rg, account, name)
    assert secret.options[0].restriction.primary_verification_key.key_value == key
    upd = client.content_key_policies.update(
        rg, account, name, m.ContentKeyPolicy(description="new", options=[option])
    )
    assert upd.description == "new" and upd.policy_id == made.policy_id
    client.content_key_policies.delete(rg, account, name)


def test_streaming_policy_and_locators(client: AzureMediaServices, rg: str, account: str) -> None:
    protocols = m.EnabledProtocols(download=False, dash=True, hls=True, smooth_streaming=True)
    pname = unique("sp")
    policy = client.streaming_policies.create(
        rg,
        account,
        pname,
        m.StreamingPolicy(
            envelope_encryption=m.EnvelopeEncryption(
                enabled_protocols=protocols,
                content_keys=m.StreamingPolicyContentKeys(default_key=m.DefaultKey(label="env")),
            )
        ),
    )
    assert policy.envelope_encryption.enabled_protocols.hls
    with pytest.raises(ResourceExistsError):
        client.streaming_policies.create(
            rg, account, pname, m.StreamingPolicy(no_encryption=m.NoEncryption(enabled_protocols=protocols))
        )
    with pytest.raises(HttpResponseError):
        client.streaming_policies.delete(rg, account, "Predefined_ClearKey")
    a = asset(client, rg, account)
    sas = client.assets.list_container_sas(
        rg, account, a, m.ListContainerSasInput(permissions="ReadWrite", expiry_time="2099-01-01T00:00:00Z")
    )
    ContainerClient.from_container_url(sas.asset_container_sas_urls[0]).upload_blob("video.ism", b"<smil/>")
    clear = unique("loc")
    loc = client.streaming_locators.create(
        rg,
        account,
        clear,
        m.StreamingLocator(asset_name=a, streaming_policy_name="Predefined_ClearStreamingOnly"),
    )
    assert loc.streaming_locator_id
    paths = client.streaming_locators.list_paths(rg, account, clear)
    assert {p.streaming_protocol for p in paths.streaming_paths} == {"Hls", "Dash", "SmoothStreaming"}
    assert all(f"/{loc.streaming_locator_id}/video.ism/manifest" in p.paths[0] for p in paths.streaming_paths)
    assert client.streaming_locators.list_content_keys(rg, account, clear).content_keys == []
    secure = unique("loc")
    client.streaming_locators.create(
        rg, account, secure, m.StreamingLocator(asset_name=a, streaming_policy_name=pname)
    )
    keys = client.streaming_locators.list_content_keys(rg, account, secure).content_keys
    assert len(keys) == 1 and keys[0].type == "EnvelopeEncryption" and keys[0].value
    assert client.streaming_locators.get(rg, account, secure).content_keys[0].value is None
    listed = client.assets.list_streaming_locators(rg, account, a).streaming_locators
    assert {x.name for x in listed} == {clear, secure}
    with pytest.raises(HttpResponseError):
        client.streaming_locators.create(
            rg, account, unique("loc"), m.StreamingLocator(asset_name="nope", streaming_policy_name=pname)
        )
    with pytest.raises(ResourceExistsError):
        client.streaming_policies.delete(rg, account, pname)
    client.streaming_locators.delete(rg, account, secure)
    client.streaming_policies.delete(rg, account, pname)


def test_job_rules(client: AzureMediaServices, rg: str, account: str, conn: dict[str, Any]) -> None:
    t = unique("t")
    preset = m.BuiltInStandardEncoderPreset(preset_name="AdaptiveStreaming")
    client.transforms.create_or_update(
        rg, account, t, m.Transform(outputs=[m.TransformOutput(preset=preset)])
    )
    a = asset(client, rg, account)
    with pytest.raises(HttpResponseError) as err:
        client.jobs.create(
            rg,
            account,
            t,
            "j",
            m.Job(input=m.JobInputAsset(asset_name="missing"), outputs=[m.JobOutputAsset(asset_name=a)]),
        )
    assert err.value.status_code == 400
    client.jobs.create(
        rg,
        account,
        t,
        "j",
        m.Job(input=m.JobInputAsset(asset_name=a), outputs=[m.JobOutputAsset(asset_name=a)]),
    )
    with pytest.raises(HttpResponseError) as err:
        client.jobs.update(rg, account, t, "j", m.Job(input=m.JobInputAsset(asset_name="other")))
    assert err.value.status_code == 400


def test_locator_references_must_exist(client: AzureMediaServices, rg: str, account: str) -> None:
    a = asset(client, rg, account)
    policy = "Predefined_ClearStreamingOnly"
    for kwargs in ({"filters": ["nofilter"]}, {"default_content_key_policy_name": "nockp"}):
        with pytest.raises(HttpResponseError) as err:
            client.streaming_locators.create(
                rg,
                account,
                unique("loc"),
                m.StreamingLocator(asset_name=a, streaming_policy_name=policy, **kwargs),
            )
        assert err.value.status_code == 400 and err.value.error.code == "InvalidPropertyValue"
    client.asset_filters.create_or_update(rg, account, a, "assetf", m.AssetFilter())
    af = unique("accf")
    client.account_filters.create_or_update(rg, account, af, m.AccountFilter())
    made = client.streaming_locators.create(
        rg,
        account,
        unique("loc"),
        m.StreamingLocator(asset_name=a, streaming_policy_name=policy, filters=["assetf", af]),
    )
    assert made.filters == ["assetf", af]
