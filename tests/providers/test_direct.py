# mypy: disable-error-code="arg-type,index,union-attr"
"""Provider classes driven directly (as the engine would, without the CLI) against the emulator: live event
run-state transitions, job cancel-before-delete, streaming endpoint stop-change-start, not-found deletes."""

from __future__ import annotations

import functools
import time

import pytest

from dynamic_providers.account import MediaServiceProvider
from dynamic_providers.asset import AssetProvider
from dynamic_providers.job import JobProvider
from dynamic_providers.live import LiveEventProvider
from dynamic_providers.streaming_endpoint import StreamingEndpointProvider
from dynamic_providers.transform import TransformProvider
from tests.providers.helpers import sdk_client, uniq

pytestmark = pytest.mark.xdist_group("providers-direct")


def _checked(provider, inputs):
    r = provider.check({}, dict(inputs, __provider="x"))
    assert not r.failures, [(f.property, f.reason) for f in r.failures]
    return r.inputs


@pytest.fixture
def account(connection, arm_env):
    c = sdk_client(arm_env)  # also configures the providers' settings for this process
    acct = uniq("direct")
    base = {"resource_group_name": connection["resource_group"], "account_name": acct}
    p = MediaServiceProvider()
    res = p.create(
        _checked(
            p,
            dict(
                base,
                location=connection["location"],
                properties={"storageAccounts": [{"id": connection["storage_account_id"], "type": "Primary"}]},
                # the tests leave assets/transforms behind; the account is theirs to drop with them
                allow_deletion_with_contents=True,
            ),
        )
    )
    yield c, base
    p.delete(res.id, res.outs)


def test_live_event_run_states(account, connection):
    c, base = account
    p = LiveEventProvider()
    ins = _checked(
        p,
        dict(
            base,
            live_event_name="ev",
            location=connection["location"],
            properties={"input": {"streamingProtocol": "RTMP"}},
        ),
    )
    res = p.create(ins)
    outs = res.outs
    assert outs["run_state"] == "Stopped"
    for want in ("StandBy", "Running", "StandBy", "Stopped", "Running"):
        new = _checked(p, dict(ins, run_state=want))
        d = p.diff(res.id, outs, new)
        assert d.changes and not d.replaces
        outs = p.update(res.id, outs, new).outs
        assert outs["run_state"] == want
        assert (
            c.live_events.get(base["resource_group_name"], base["account_name"], "ev").resource_state == want
        )
    p.delete(res.id, outs)  # running: stopped first
    p.delete(res.id, outs)  # not found counts as deleted


def test_streaming_endpoint_scale_and_cdn(account, connection):
    c, base = account
    p = StreamingEndpointProvider()
    ins = _checked(
        p,
        dict(
            base,
            streaming_endpoint_name="se",
            location=connection["location"],
            run_state="Running",
            scale_units=0,
        ),
    )
    res = p.create(ins)
    assert res.outs["resource_state"] == "Running"
    new = _checked(
        p, dict(ins, scale_units=3, properties={"cdnEnabled": True, "cdnProvider": "StandardVerizon"})
    )
    outs = p.update(res.id, res.outs, new).outs
    se = c.streaming_endpoints.get(base["resource_group_name"], base["account_name"], "se")
    assert (se.resource_state, se.scale_units, se.cdn_enabled) == ("Running", 3, True)
    assert outs["scale_units"] == 3
    p.delete(res.id, outs)


def test_job_cancelled_before_delete(account, emulator):
    c, base = account
    before = emulator.admin.durations()["job.step"]
    emulator.admin.set_durations(**{"job.step": 3})
    try:
        for name in ("in", "out"):
            AssetProvider().create(_checked(AssetProvider(), dict(base, asset_name=name)))
        preset = {
            "@odata.type": "#Microsoft.Media.BuiltInStandardEncoderPreset",
            "presetName": "AdaptiveStreaming",
        }
        TransformProvider().create(
            _checked(
                TransformProvider(),
                dict(base, transform_name="t", properties={"outputs": [{"preset": preset}]}),
            )
        )
        jp = JobProvider()
        job = jp.create(
            _checked(
                jp,
                dict(
                    base,
                    transform_name="t",
                    job_name="j",
                    properties={
                        "input": {"@odata.type": "#Microsoft.Media.JobInputAsset", "assetName": "in"},
                        "outputs": [{"@odata.type": "#Microsoft.Media.JobOutputAsset", "assetName": "out"}],
                    },
                ),
            )
        )
        assert job.outs["state"] in ("Queued", "Scheduled", "Processing")
        t0 = time.monotonic()
        jp.delete(job.id, job.outs)
        assert time.monotonic() - t0 < 30
        assert [j.name for j in c.jobs.list(base["resource_group_name"], base["account_name"], "t")] == []
    finally:
        emulator.admin.set_durations(**{"job.step": before})


def test_account_delete_while_another_pipeline_deletes_its_assets(connection, arm_env, monkeypatch):
    """The safe-destroy guard lists the account's assets, then each asset's filters. An asset another
    pipeline deletes between those two reads is gone, not held: the account delete goes through
    (before, the guard failed on the filters list's 404 and the account was left behind)."""
    c = sdk_client(arm_env)  # the provider's own client in this thread
    rg, acct = connection["resource_group"], uniq("race")
    base = {"resource_group_name": rg, "account_name": acct}
    p = MediaServiceProvider()
    storage = {"storageAccounts": [{"id": connection["storage_account_id"], "type": "Primary"}]}
    res = p.create(_checked(p, dict(base, location=connection["location"], properties=storage)))
    AssetProvider().create(_checked(AssetProvider(), dict(base, asset_name="theirs")))
    list_filters = c.asset_filters.list

    @functools.wraps(list_filters)  # keeps the operation's metadata (its URL), which callers read
    def list_after_the_other_pipeline_deleted_it(rg_: str, account: str, asset: str, **kw):
        c.assets.delete(rg_, account, asset)  # the other pipeline's destroy, between the two reads
        return list_filters(rg_, account, asset, **kw)

    monkeypatch.setattr(c.asset_filters, "list", list_after_the_other_pipeline_deleted_it)
    p.delete(res.id, res.outs)
    assert acct not in [a.name for a in c.mediaservices.list(rg)]
