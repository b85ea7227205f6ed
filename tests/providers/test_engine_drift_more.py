"""Out-of-band changes to the entities the other engine tests do not drift: content key policy,
asset content (a blob overwritten through a SAS URL), and entities deleted behind Pulumi's back
(streaming locator, live output). Each shows in `preview --refresh`, and `up` puts it back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.engine import PulumiProject
from tests.providers.helpers import account_block, header, repo_env, sdk_client, uniq

pytestmark = [pytest.mark.engine, pytest.mark.xdist_group("providers-drift-more")]


def test_drift_on_policy_content_and_vanished_entities_is_detected_and_repaired(
    media_project: Callable[..., PulumiProject],
    connection: dict[str, Any],
    arm_env: dict[str, str],
    tmp_path: Path,
) -> None:
    from azure.mgmt.media import models
    from azure.storage.blob import ContainerClient

    acct = uniq("drift")
    media = tmp_path / "clip.mp4"
    media.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"declared content" * 64)
    proj = media_project("drift-more", env=repo_env())
    proj.write_program(
        header(connection)
        + account_block(acct)
        + f"""
asset = dp.Asset('asset', resource_group_name=RG, account_name=A)
content = dp.AssetContent('content', resource_group_name=RG, account_name=A, asset_name=asset.name,
                          files={{'clip.mp4': {str(media)!r}}})
ckp = dp.ContentKeyPolicy('ckp', resource_group_name=RG, account_name=A, properties={{
    'description': 'declared',
    'options': [{{'name': 'clear',
        'configuration': {{'@odata.type': '#Microsoft.Media.ContentKeyPolicyClearKeyConfiguration'}},
        'restriction': {{'@odata.type': '#Microsoft.Media.ContentKeyPolicyOpenRestriction'}}}}]}})
sl = dp.StreamingLocator('sl', resource_group_name=RG, account_name=A, properties={{
    'assetName': asset.name, 'streamingPolicyName': 'Predefined_ClearStreamingOnly'}},
    opts=pulumi.ResourceOptions(depends_on=[content]))
le = dp.LiveEvent('le', resource_group_name=RG, account_name=A, location=LOC, run_state='Stopped',
    properties={{'input': {{'streamingProtocol': 'RTMP'}},
                'encoding': {{'encodingType': 'PassthroughBasic'}}}})
archive = dp.Asset('archive', resource_group_name=RG, account_name=A)
lo = dp.LiveOutput('lo', resource_group_name=RG, account_name=A, live_event_name=le.name, properties={{
    'assetName': archive.name, 'archiveWindowLength': 'PT30M', 'manifestName': 'lo'}})
"""
    )
    proj.up().check()
    assert proj.preview(refresh=True, expect_no_changes=True).returncode == 0

    client = sdk_client(arm_env)
    rg = connection["resource_group"]
    policy = client.content_key_policies.get(rg, acct, "ckp")
    policy.description = "changed-out-of-band"
    client.content_key_policies.update(rg, acct, "ckp", policy)
    sas = client.assets.list_container_sas(
        rg,
        acct,
        "asset",
        models.ListContainerSasInput(
            permissions="ReadWriteDelete",
            expiry_time=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
        ),
    ).asset_container_sas_urls[0]
    ContainerClient.from_container_url(sas).upload_blob("clip.mp4", b"replaced by hand", overwrite=True)
    client.streaming_locators.delete(rg, acct, "sl")
    client.live_outputs.begin_delete(rg, acct, "le", "lo").result()

    drift = proj.preview(refresh=True, expect_no_changes=True)
    assert drift.returncode != 0
    assert drift.ops_for("ckp")[-1] == "update", drift.ops_for("ckp")
    assert drift.ops_for("content")[-1] == "update", drift.ops_for("content")
    # Vanished entities read as gone, so the plan is to create them again; a live output that is gone
    # stays declared and reads as not recording, so the plan is to bring it back (recording: true).
    assert drift.ops_for("sl")[-1] == "create", drift.ops_for("sl")
    assert drift.ops_for("lo")[-1] == "update", drift.ops_for("lo")
    assert "changed-out-of-band" in drift.output

    proj.up(refresh=True).check()
    assert client.content_key_policies.get(rg, acct, "ckp").description == "declared"
    blob = ContainerClient.from_container_url(sas).download_blob("clip.mp4").readall()
    assert blob == media.read_bytes()
    assert client.streaming_locators.get(rg, acct, "sl").asset_name == "asset"
    assert client.live_outputs.get(rg, acct, "le", "lo").asset_name == "archive"
    assert proj.preview(refresh=True, expect_no_changes=True).returncode == 0

    proj.destroy().check()
