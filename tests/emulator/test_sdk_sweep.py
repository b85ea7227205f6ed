# mypy: disable-error-code="union-attr,index,misc,arg-type,attr-defined,operator,assignment,return-value"
"""The SDK operations not exercised elsewhere: status/operation-location getters and remaining lists."""

from __future__ import annotations

from typing import Any

from azure.mgmt.media import AzureMediaServices
from azure.mgmt.media import models as m

from emulator.launcher import RunningEmulator

from .conftest import create_account, unique, upload


def last_op(ams: RunningEmulator, suffix: str, action: str) -> str:
    ops = [o for o in ams.admin.operations() if o["resource_id"].endswith(suffix) and o["action"] == action]
    return str(ops[-1]["operation_id"])


def test_status_getters(ams: RunningEmulator, client: AzureMediaServices, conn: dict[str, Any]) -> None:
    rg, loc = conn["resource_group"], conn["location"]
    account = create_account(client, conn)
    op = last_op(ams, "/" + account, "create")
    status = client.media_services_operation_statuses.get(loc, op)
    assert status.status == "Succeeded" and status.name == op
    assert client.media_services_operation_results.get(loc, op).name == account

    client.live_events.begin_create(
        rg, account, "ev", m.LiveEvent(location=loc, input=m.LiveEventInput(streaming_protocol="RTMP"))
    ).result()
    op = last_op(ams, "/ev", "create")
    assert client.live_events.async_operation(rg, account, op).status == "Succeeded"
    assert client.live_events.operation_location(rg, account, "ev", op).name == "ev"

    client.assets.create_or_update(rg, account, "arch", m.Asset())
    client.live_outputs.begin_create(
        rg, account, "ev", "out", m.LiveOutput(asset_name="arch", archive_window_length="PT1H")
    ).result()
    op = last_op(ams, "/out", "create")
    assert client.live_outputs.async_operation(rg, account, op).status == "Succeeded"
    assert client.live_outputs.operation_location(rg, account, "ev", "out", op).name == "out"

    client.streaming_endpoints.begin_start(rg, account, "default").result()
    op = last_op(ams, "/default", "start")
    assert client.streaming_endpoints.async_operation(rg, account, op).status == "Succeeded"
    assert (
        client.streaming_endpoints.operation_location(rg, account, "default", op).resource_state == "Running"
    )

    upload(client, rg, account, "arch", {"a.vtt": b"WEBVTT\n"})
    track = m.AssetTrack(track=m.TextTrack(file_name="a.vtt"))
    client.tracks.begin_create_or_update(rg, account, "arch", "t1", track).result()
    op = last_op(ams, "/t1", "create")
    assert client.operation_statuses.get(rg, account, "arch", "t1", op).status == "Succeeded"
    assert client.operation_results.get(rg, account, "arch", "t1", op).name == "t1"
    assert client.tracks.get(rg, account, "arch", "t1").track.file_name == "a.vtt"


def test_remaining_lists_and_gets(client: AzureMediaServices, conn: dict[str, Any], account: str) -> None:
    rg = conn["resource_group"]
    name = unique("af")
    client.account_filters.create_or_update(rg, account, name, m.AccountFilter())
    assert name in {f.name for f in client.account_filters.list(rg, account)}
    option = m.ContentKeyPolicyOption(
        configuration=m.ContentKeyPolicyClearKeyConfiguration(),
        restriction=m.ContentKeyPolicyOpenRestriction(),
    )
    ckp = unique("ckp")
    client.content_key_policies.create_or_update(rg, account, ckp, m.ContentKeyPolicy(options=[option]))
    listed = list(client.content_key_policies.list(rg, account, filter=f"name eq '{ckp}'", top=5))
    assert [p.name for p in listed] == [ckp]
    asset = unique("a")
    client.assets.create_or_update(rg, account, asset, m.Asset())
    loc = unique("loc")
    client.streaming_locators.create(
        rg,
        account,
        loc,
        m.StreamingLocator(asset_name=asset, streaming_policy_name="Predefined_DownloadOnly"),
    )
    assert [x.name for x in client.streaming_locators.list(rg, account, filter=f"name eq '{loc}'")] == [loc]
    policy = client.streaming_policies.get(rg, account, "Predefined_DownloadOnly")
    assert policy.no_encryption.enabled_protocols.download is True
    t = unique("t")
    preset = m.BuiltInStandardEncoderPreset(preset_name="AdaptiveStreaming")
    client.transforms.create_or_update(
        rg, account, t, m.Transform(outputs=[m.TransformOutput(preset=preset)])
    )
    got = client.transforms.get(rg, account, t)
    assert got.outputs[0].on_error == "StopProcessingJob"
    updated = client.transforms.update(rg, account, t, m.Transform(description="new", outputs=got.outputs))
    assert updated.description == "new" and updated.created == got.created
