"""Engine tests (real CLI, emulator over HTTPS) for live events, live outputs and streaming endpoints:
run states, scale, CDN changes, per-live-event sequencing (LRO log), external 409s, secrets, refresh,
delete."""

from __future__ import annotations

import time

import pytest

from tests.providers.helpers import header, repo_env, sdk_client, uniq

pytestmark = [pytest.mark.engine, pytest.mark.xdist_group("providers-live")]

ACCESS_TOKEN = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def slow_lros(emulator):
    """Make live LROs long enough that overlaps are visible in the operation log."""
    before = emulator.admin.durations()
    emulator.admin.set_durations(
        **{"liveoutput.create": 1.2, "liveoutput.delete": 1.2, "liveevent.create": 0.8}
    )
    yield emulator.admin
    emulator.admin.set_durations_map(
        {k: before[k] for k in ("liveoutput.create", "liveoutput.delete", "liveevent.create")}
    )


def program(conn, acct: str, v: int) -> str:
    proto = "RTMP" if v >= 3 else "FragmentedMP4"
    v = min(v, 2)
    return (
        header(conn)
        + f"""
A = {acct!r}
acct = dp.MediaService('acct', resource_group_name=RG, account_name=A, location=LOC,
    properties={{'storageAccounts': [{{'id': SA, 'type': 'Primary'}}]}})
dep = pulumi.ResourceOptions(depends_on=[acct])
assets = {{n: dp.Asset(n, resource_group_name=RG, account_name=A, opts=dep)
          for n in ('a1', 'a2', 'a3', 'b1', 'b2')}}
ev1 = dp.LiveEvent('ev1', resource_group_name=RG, account_name=A, location=LOC, run_state='Running',
    properties={{'description': {"first" if v == 1 else "second"!r},
                'input': {{'streamingProtocol': 'RTMP', 'accessToken': {ACCESS_TOKEN!r}}}}}, opts=dep)
ev2 = dp.LiveEvent('ev2', resource_group_name=RG, account_name=A, location=LOC,
    run_state={"Stopped" if v == 1 else "Running"!r},
    properties={{'input': {{'streamingProtocol': {proto!r}}}}}, opts=dep)
for i, a in enumerate(('a1', 'a2', 'a3')):
    window = 'PT2H' if ({v == 2} and a == 'a3') else 'PT1H'
    dp.LiveOutput(f'ev1-out{{i}}', resource_group_name=RG, account_name=A, live_event_name=ev1.name,
        live_output_name=f'out{{i}}',
        properties={{'assetName': assets[a].name, 'archiveWindowLength': window}})
for i, a in enumerate(('b1', 'b2')):
    dp.LiveOutput(f'ev2-out{{i}}', resource_group_name=RG, account_name=A, live_event_name=ev2.name,
        live_output_name=f'out{{i}}',
        properties={{'assetName': assets[a].name, 'archiveWindowLength': 'PT1H'}})
se = dp.StreamingEndpoint('se', resource_group_name=RG, account_name=A, location=LOC, run_state='Running',
    scale_units={1 if v == 1 else 2},
    properties={{'description': 'se', 'cdnEnabled': {v == 2}, **({{'cdnProvider': 'StandardVerizon',
                 'cdnProfile': 'prof'}} if {v == 2} else {{}})}}, opts=dep)
pulumi.export('ingest', ev1.ingest_urls)
pulumi.export('host', se.host_name)
pulumi.export('ev2_state', ev2.resource_state)
"""
    )


def _group(ops, acct, event):
    key = f"/mediaservices/{acct}/liveevents/{event}".lower()
    return sorted(
        (o for o in ops if key in o["resource_id"].lower() and o.get("end")), key=lambda o: o["start"]
    )


def _overlapping(ops) -> bool:
    return any(b["start"] < a["end"] for a, b in zip(ops, ops[1:], strict=False))


def test_live_lifecycle_and_sequencing(media_project, connection, arm_env, slow_lros):
    acct = uniq("live")
    proj = media_project("live", env=repo_env())
    proj.write_program(program(connection, acct, 1))

    up = proj.up().check()
    assert "HTTP 409" not in up.output and "OperationInProgress" not in up.output
    ops = slow_lros.operations()
    g1, g2 = _group(ops, acct, "ev1"), _group(ops, acct, "ev2")
    assert len([o for o in g1 if o["kind"].lower() == "liveoutput"]) == 3
    assert not _overlapping(g1), g1
    assert not _overlapping(g2), g2
    # different live events proceed in parallel
    cross = [(a, b) for a in g1 for b in g2 if a["start"] < b["end"] and b["start"] < a["end"]]
    assert cross, (g1, g2)
    gaps = [round(b["start"] - a["end"], 2) for a, b in zip(g1, g1[1:], strict=False)]
    print(
        f"LRO log: ev1 {[(o['kind'], o['action'], round(o['end'] - o['start'], 2)) for o in g1]}; "
        f"gaps between consecutive ev1 LROs {gaps}; "
        f"ev1/ev2 overlapping pairs: {len(cross)}"
    )

    outs = proj.outputs()
    assert outs["ingest"] == "[secret]"
    assert outs["host"].startswith("se-")
    assert outs["ev2_state"] == "Stopped"
    proj.preview(expect_no_changes=True).check()
    proj.preview(refresh=True, expect_no_changes=True).check()

    # in place: ev1 description, ev2 Stopped -> Running, SE scale 1 -> 2 and CDN on (stop, change, start);
    # replace: ev1 out2 archive window
    proj.write_program(program(connection, acct, 2))
    up2 = proj.up().check()
    assert up2.ops_for("ev1") == ["update"]
    assert up2.ops_for("ev2") == ["update"]
    assert up2.ops_for("se") == ["update"]
    assert "replace" in up2.ops_for("ev1-out2") or "create-replacement" in up2.ops_for("ev1-out2")
    c = sdk_client(arm_env)
    rg = connection["resource_group"]
    se = c.streaming_endpoints.get(rg, acct, "se")
    assert (se.resource_state, se.scale_units, se.cdn_enabled) == ("Running", 2, True)
    assert c.live_events.get(rg, acct, "ev2").resource_state == "Running"
    assert not _overlapping(_group(slow_lros.operations(), acct, "ev1"))
    proj.preview(expect_no_changes=True).check()

    # out-of-band change shows in refresh, property by property
    ev = c.live_events.get(rg, acct, "ev1")
    ev.description = "edited-elsewhere"
    c.live_events.begin_update(rg, acct, "ev1", ev).result()
    drift = proj.preview(refresh=True, expect_no_changes=True)
    assert drift.returncode != 0 and drift.ops_for("ev1")[-1] == "update"
    ref = proj.refresh().check()
    assert "edited-elsewhere" in ref.output

    # an endpoint stopped elsewhere: refresh shows run_state, up starts it again
    c.streaming_endpoints.begin_stop(rg, acct, "se").result()
    drift_se = proj.preview(refresh=True, expect_no_changes=True)
    assert drift_se.returncode != 0 and drift_se.ops_for("se")[-1] == "update"
    ref_se = proj.refresh().check()
    assert "Stopped" in ref_se.output

    # replacement through a create-only field (ev2 streamingProtocol): ev2 is stopped, its outputs go first
    proj.write_program(program(connection, acct, 3))
    up3 = proj.up().check()
    assert "replace" in up3.ops_for("ev2") or "create-replacement" in up3.ops_for("ev2"), up3.ops_for("ev2")
    assert up3.ops_for("se") == ["update"]
    assert c.live_events.get(rg, acct, "ev2").input.streaming_protocol == "RTMP"
    assert c.streaming_endpoints.get(rg, acct, "se").resource_state == "Running"
    assert not _overlapping(_group(slow_lros.operations(), acct, "ev2"))
    proj.preview(expect_no_changes=True).check()

    # secrets never in plaintext
    text = proj.export_text()
    assert ACCESS_TOKEN not in text
    for run in (up, up2, ref, drift, up3):
        assert ACCESS_TOKEN not in run.output

    # destroy: running event and endpoint are stopped first; outputs deleted one after another
    proj.destroy().check()
    assert not _overlapping(_group(slow_lros.operations(), acct, "ev1"))
    from azure.core.exceptions import ResourceNotFoundError

    with pytest.raises(ResourceNotFoundError):
        c.mediaservices.get(rg, acct)
    deletes = [o for o in slow_lros.operations() if acct in o["resource_id"] and o["action"] == "delete"]
    assert {o["kind"].lower() for o in deletes} >= {"liveevent", "liveoutput", "streamingendpoint"}


def test_external_operation_409_is_waited_out(media_project, connection, arm_env, emulator):
    acct = uniq("ext")
    rg = connection["resource_group"]
    proj = media_project("ext", env=repo_env())
    base = (
        header(connection)
        + f"""
A = {acct!r}
acct = dp.MediaService('acct', resource_group_name=RG, account_name=A, location=LOC,
    properties={{'storageAccounts': [{{'id': SA, 'type': 'Primary'}}]}})
dep = pulumi.ResourceOptions(depends_on=[acct])
ev = dp.LiveEvent('ev', resource_group_name=RG, account_name=A, location=LOC,
    properties={{'input': {{'streamingProtocol': 'RTMP'}}}}, opts=dep)
"""
    )
    proj.write_program(base)
    proj.up().check()
    proj.write_program(
        base
        + """
asset = dp.Asset('asset', resource_group_name=RG, account_name=A, opts=dep)
dp.LiveOutput('out', resource_group_name=RG, account_name=A, live_event_name=ev.name,
    properties={'assetName': asset.name, 'archiveWindowLength': 'PT1H'})
"""
    )
    before = emulator.admin.durations()["liveevent.start"]
    emulator.admin.set_durations(**{"liveevent.start": 6})
    try:
        c = sdk_client(arm_env)
        # another pipeline starts the event (a 6 s LRO) just before our run
        c.live_events.begin_start(rg, acct, "ev", polling=False)
        t0 = time.monotonic()
        up = proj.up().check()
        assert time.monotonic() - t0 >= 1
        assert "OperationInProgress" not in up.output
    finally:
        emulator.admin.set_durations(**{"liveevent.start": before})
    # the run state drifted (Running, started elsewhere): refresh reports it
    ref = proj.refresh().check()
    assert "Running" in ref.output
    proj.destroy().check()
