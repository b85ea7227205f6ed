"""Engine tests (real CLI, emulator over HTTPS) for the synchronous entities: account, transform, job, asset,
asset content, asset filter, account filter, content key policy, streaming policy, streaming locator."""

from __future__ import annotations

import base64
import json

import pytest

from tests.providers.helpers import account_block, header, repo_env, sdk_client, uniq

pytestmark = [pytest.mark.engine, pytest.mark.xdist_group("providers-metadata")]

TOKEN_KEY = base64.b64encode(b"super-secret-token-key-0123456789").decode()


def program(conn, acct: str, media_file: str, v: int) -> str:
    desc = "one" if v == 1 else "two"
    bits = min(v, 2)
    v3 = v >= 3
    return (
        header(conn)
        + account_block(acct, {"env": f"v{bits}"})
        + f"""
tr = dp.Transform('tr', resource_group_name=RG, account_name=A, transform_name={"tr3" if v3 else "tr"!r},
    properties={{
    'description': {desc!r},
    'outputs': [{{'preset': {{'@odata.type': '#Microsoft.Media.BuiltInStandardEncoderPreset',
                             'presetName': 'AdaptiveStreaming'}}}}]}})
asset = dp.Asset('asset', resource_group_name=RG, account_name=A, properties={{'description': {desc!r}}})
outasset = dp.Asset('outasset', resource_group_name=RG, account_name=A)
asset2 = dp.Asset('asset2', resource_group_name=RG, account_name=A,
                  properties={{'container': {("cont-a-" if bits == 1 else "cont-b-") + acct!r}}})
content = dp.AssetContent('content', resource_group_name=RG, account_name=A,
                          asset_name={"asset2" if v3 else "asset"}.name,
                          files={{'video.mp4': {media_file!r}}})
af = dp.AssetFilter('af', resource_group_name=RG, account_name=A, asset_name=asset.name,
                    filter_name={"af3" if v3 else "af"!r},
                    properties={{'firstQuality': {{'bitrate': {128000 * bits}}}}})
acf = dp.AccountFilter('acf', resource_group_name=RG, account_name=A, filter_name={"acf3" if v3 else "acf"!r},
                       properties={{'firstQuality': {{'bitrate': {64000 * bits}}}}})
ckp = dp.ContentKeyPolicy('ckp', resource_group_name=RG, account_name=A,
    content_key_policy_name={"ckp3" if v3 else "ckp"!r}, properties={{
    'description': {desc!r},
    'options': [{{'name': 'o1',
        'configuration': {{'@odata.type': '#Microsoft.Media.ContentKeyPolicyClearKeyConfiguration'}},
        'restriction': {{'@odata.type': '#Microsoft.Media.ContentKeyPolicyTokenRestriction',
            'issuer': 'https://issuer.example', 'audience': 'aud', 'restrictionTokenType': 'Jwt',
            'primaryVerificationKey': {{'@odata.type': '#Microsoft.Media.ContentKeyPolicySymmetricTokenKey',
                                       'keyValue': {TOKEN_KEY!r}}}}}}}]}})
sp = dp.StreamingPolicy('sp', resource_group_name=RG, account_name=A, properties={{
    'noEncryption': {{'enabledProtocols': {{'download': False, 'dash': True, 'hls': {bits == 1},
                                           'smoothStreaming': True}}}}}})
sl = dp.StreamingLocator('sl', resource_group_name=RG, account_name=A, properties={{
    'assetName': asset.name, 'streamingPolicyName': 'Predefined_ClearStreamingOnly',
    'endTime': '{2030 + bits}-01-01T00:00:00Z'}}, opts=pulumi.ResourceOptions(depends_on=[content]))
job = dp.Job('job', resource_group_name=RG, account_name=A, transform_name=tr.name, properties={{
    'description': {desc!r}, 'priority': 'Normal',
    'input': {{'@odata.type': '#Microsoft.Media.JobInputAsset',
               'assetName': {"asset2" if v3 else "asset"}.name}},
    'outputs': [{{'@odata.type': '#Microsoft.Media.JobOutputAsset', 'assetName': outasset.name}}]}},
    opts=pulumi.ResourceOptions(depends_on=[content]))
pulumi.export('locator_paths', sl.streaming_paths)
pulumi.export('asset_container', asset.container)
pulumi.export('hashes', content.hashes)
"""
    )


def test_metadata_entities_lifecycle(media_project, connection, arm_env, tmp_path):
    acct = uniq("meta")
    media = tmp_path / "video.mp4"
    media.write_bytes(b"\x00\x00\x00\x18ftypmp42 first version")
    proj = media_project("meta", env=repo_env())
    proj.write_program(program(connection, acct, str(media), 1))

    # create
    up = proj.up().check()
    assert len([s for s in up.steps if s.op == "create" and "dynamic" in s.type]) == 12, up.changes

    # no perpetual diff
    proj.preview(expect_no_changes=True).check()

    # in-place updates and replacements on create-only fields
    media.write_bytes(b"\x00\x00\x00\x18ftypmp42 second version")
    proj.write_program(program(connection, acct, str(media), 2))
    up2 = proj.up().check()
    for name in ("acct", "tr", "asset", "content", "af", "acf", "ckp", "job"):
        assert proj and up2.ops_for(name) == ["update"], (name, up2.ops_for(name))
    for name in ("asset2", "sp", "sl"):
        assert "replace" in up2.ops_for(name) or "create-replacement" in up2.ops_for(name), (
            name,
            up2.ops_for(name),
        )
    proj.preview(expect_no_changes=True).check()

    # out-of-band change: refresh shows the property, preview --refresh shows the drift
    c = sdk_client(arm_env)
    rg = connection["resource_group"]
    tr = c.transforms.get(rg, acct, "tr")
    tr.description = "changed-out-of-band"
    c.transforms.create_or_update(rg, acct, "tr", tr)
    drift = proj.preview(refresh=True, expect_no_changes=True)
    assert drift.returncode != 0
    assert drift.ops_for("tr")[-1] == "update", drift.ops_for("tr")
    ref = proj.refresh().check()
    assert "changed-out-of-band" in ref.output
    assert ref.changes.get("update", 0) >= 1, ref.changes
    # up restores the desired value
    proj.up().check()
    assert c.transforms.get(rg, acct, "tr").description == "two"
    proj.preview(expect_no_changes=True).check()
    # refresh of unchanged entities reports no drift (live state normalized like the desired state)
    proj.preview(refresh=True, expect_no_changes=True).check()

    # several out-of-band changes at once: each shows as drift, refresh records each value, up restores
    from azure.mgmt.media import models

    c.assets.update(rg, acct, "asset", models.Asset(description="oob-asset"))
    c.asset_filters.update(
        rg, acct, "asset", "af", models.AssetFilter(first_quality=models.FirstQuality(bitrate=999))
    )
    c.account_filters.update(
        rg, acct, "acf", models.AccountFilter(first_quality=models.FirstQuality(bitrate=777))
    )
    c.jobs.update(rg, acct, "tr", "job", models.Job(description="oob-job"))
    c.mediaservices.begin_update(rg, acct, models.MediaServiceUpdate(tags={"env": "oob-tags"})).result()
    drift2 = proj.preview(refresh=True, expect_no_changes=True)
    assert drift2.returncode != 0
    for name in ("asset", "af", "acf", "job", "acct"):
        assert drift2.ops_for(name)[-1] == "update", (name, drift2.ops_for(name))
    ref2 = proj.refresh().check()
    for value in ("oob-asset", "999", "777", "oob-job", "oob-tags"):
        assert value in ref2.output, value
    proj.up().check()
    proj.preview(refresh=True, expect_no_changes=True).check()

    # replacements through create-only fields and names (v3)
    proj.write_program(program(connection, acct, str(media), 3))
    up3 = proj.up().check()
    for name in ("tr", "content", "af", "acf", "ckp", "job"):
        assert "replace" in up3.ops_for(name) or "create-replacement" in up3.ops_for(name), (
            name,
            up3.ops_for(name),
        )
    assert {t.name for t in c.transforms.list(rg, acct)} == {"tr3"}
    proj.preview(expect_no_changes=True).check()

    # secrets: never plaintext in state or engine output
    export = proj.export_text()
    assert TOKEN_KEY not in export
    for run in (up, up2, ref, drift, up3, ref2):
        assert TOKEN_KEY not in run.output

    outs = proj.outputs()
    assert outs["hashes"]["video.mp4"]
    assert json.dumps(outs)

    # delete everything
    proj.destroy().check()
    assert [a.name for a in c.assets.list(rg, acct)] == [] if _account_exists(c, rg, acct) else True
    assert not _account_exists(c, rg, acct)


def _account_exists(c, rg, acct) -> bool:
    from azure.core.exceptions import ResourceNotFoundError

    try:
        c.mediaservices.get(rg, acct)
        return True
    except ResourceNotFoundError:
        return False
