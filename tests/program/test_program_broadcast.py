"""The broadcast lifecycle on the real program and `local` stack (real engine, emulator over HTTPS):

* Running -> StandBy -> Stopped -> Running for the 3-output channel, one `pulumi up` each, each followed by a
  clean drift preview; the outputs exist in the service only while the channel runs, the archive assets and
  their content survive the whole cycle and the locators' streaming paths still resolve;
* an output removed (together with a run-state change) and a whole channel removed keep their recordings by
  default; with deleteRecordings the recordings go; destroy keeps or deletes per the setting and says which
  (the account holding kept recordings refuses deletion, naming them);
* interruptions: a Running -> StandBy change and Premium -> Standard on a running endpoint warn at preview;
  with `interruptions: refuse` the preview fails and nothing is written.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from azure.mgmt.media import models
from azure.storage.blob import ContainerClient

from tests.engine import PulumiProject
from tests.program.stage import local_stage_doc, write_stage_program
from tests.providers.helpers import sdk_client

pytestmark = [pytest.mark.engine, pytest.mark.xdist_group("program-broadcast")]


def _blobs(client: Any, rg: str, acct: str, asset: str) -> dict[str, bytes]:
    sas = client.assets.list_container_sas(
        rg,
        acct,
        asset,
        models.ListContainerSasInput(
            permissions="Read", expiry_time=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
        ),
    ).asset_container_sas_urls[0]
    container = ContainerClient.from_container_url(sas)
    return {b.name: container.download_blob(b.name).readall() for b in container.list_blobs()}


def _assets(client: Any, rg: str, acct: str) -> set[str]:
    return {a.name for a in client.assets.list(rg, acct)}


def test_broadcast_lifecycle_keeps_recordings(
    media_project: Callable[..., PulumiProject],
    connection: dict[str, Any],
    arm_env: dict[str, str],
    emulator: Any,
) -> None:
    doc = local_stage_doc(connection)
    env = doc["config"]["ams-media:environment"]
    env["account"]["name"] = "amsbroadcast01"
    env["liveChannels"][0]["hostnamePrefix"] = "news-broadcast"
    del env["deleteRecordings"]  # the default: recordings are kept
    news = env["liveChannels"][0]
    assert news["name"] == "news" and news["runState"] == "Running" and len(news["outputs"]) == 3
    proj = media_project(
        "broadcast", project="ams-media", stack="local", env={"PULUMI_CONFIG_PASSPHRASE": ""}
    )
    write_stage_program(proj, doc)
    stack_file = proj.dir / "Pulumi.local.yaml"

    def deploy(mutate: Callable[[dict[str, Any]], None] | None = None) -> Any:
        if mutate:
            mutate(env)
            stack_file.write_text(yaml.safe_dump(doc, sort_keys=False))
        up = proj.up().check()
        drift = proj.preview(refresh=True, expect_no_changes=True)
        assert drift.returncode == 0, drift.output[-3000:]
        return up

    client = sdk_client(arm_env)
    rg, acct = connection["resource_group"], env["account"]["name"]
    deploy()
    assert {o.name for o in client.live_outputs.list(rg, acct, "news")} == {"main", "dvr", "short"}
    archives = {o["name"]: f"news-{o['name']}-archive" for o in news["outputs"]}
    content = {name: _blobs(client, rg, acct, asset) for name, asset in archives.items()}
    for o in news["outputs"]:
        assert f"{o['manifestName']}.ism" in content[o["name"]], content[o["name"]]
    recordings = proj.outputs()["recordings"]["news"]
    assert {k: v["asset"] for k, v in recordings.items()} == archives
    assert all(v["recording"] and v["keptOnRemoval"] for v in recordings.values())

    # Running -> StandBy: the preview says what stops; one up; no output in the service, archives intact.
    def standby(e: dict[str, Any]) -> None:
        e["liveChannels"][0]["runState"] = "StandBy"

    standby(env)
    stack_file.write_text(yaml.safe_dump(doc, sort_keys=False))
    plan = proj.preview().check()
    assert "live event 'news': will stop (Running -> StandBy)" in plan.output
    up = deploy()
    assert (
        "ending live outputs" in up.output
        and "main (recording kept in asset 'news-main-archive')" in up.output
    )
    assert client.live_events.get(rg, acct, "news").resource_state == "StandBy"
    assert list(client.live_outputs.list(rg, acct, "news")) == []
    assert not any(v["recording"] for v in proj.outputs()["recordings"]["news"].values())

    # StandBy -> Stopped, then Stopped -> Running: the outputs come back on the same archives.
    deploy(lambda e: e["liveChannels"][0].update(runState="Stopped"))
    assert client.live_events.get(rg, acct, "news").resource_state == "Stopped"
    # A start that takes a while shows its progress (status, elapsed) in the CLI output.
    before = emulator.admin.durations()
    emulator.admin.set_durations(**{"liveevent.start": 4.0})
    try:
        up = deploy(lambda e: e["liveChannels"][0].update(runState="Running"))
    finally:
        emulator.admin.set_durations_map({"liveevent.start": before["liveevent.start"]})
    assert "starting live event 'news' (Stopped -> Running)" in up.output
    assert re.search(r"start LiveEvent 'news': InProgress, \d+ s elapsed", up.output), up.output[-3000:]
    assert {o.name for o in client.live_outputs.list(rg, acct, "news")} == {"main", "dvr", "short"}
    for name, asset in archives.items():
        assert _blobs(client, rg, acct, asset) == content[name]
    paths = proj.outputs()["streamingPaths"]["news"]
    for o in news["outputs"]:
        assert paths[o["name"]] and all(f"/{o['manifestName']}.ism/manifest" in p for p in paths[o["name"]])

    # Running -> StandBy while removing `short` (kept by default) in the same up; `dvr` is marked for
    # deletion (an explicit per-output setting, applied by an up before its removal).
    short = news["outputs"][2]
    deploy(lambda e: e["liveChannels"][0]["outputs"][1].update(deleteRecordings=True))

    def standby_without_short(e: dict[str, Any]) -> None:
        e["liveChannels"][0]["runState"] = "StandBy"
        e["liveChannels"][0]["outputs"].remove(short)

    up = deploy(standby_without_short)
    assert "StreamingLocator 'news-short-locator' is kept in the service" in up.output
    assert "news-short-archive" in _assets(client, rg, acct)
    assert _blobs(client, rg, acct, "news-short-archive") == content["short"]
    assert client.streaming_locators.list_paths(rg, acct, "news-short-locator").streaming_paths
    assert set(proj.outputs()["recordings"]["news"]) == {"main", "dvr"}

    # Remove `dvr` (deleteRecordings: its archive and locator go) and the whole `sports` channel (kept).
    sports_assets = {f"sports-{o['name']}-archive" for o in env["liveChannels"][1]["outputs"]}

    def drop(e: dict[str, Any]) -> None:
        e["liveChannels"][0]["outputs"].pop(1)
        e["liveChannels"].pop(1)

    deploy(drop)
    left = _assets(client, rg, acct)
    assert "news-dvr-archive" not in left and sports_assets <= left
    assert "news-dvr-locator" not in {loc.name for loc in client.streaming_locators.list(rg, acct)}

    # Interruptions: Premium on the running default endpoint, then back to Standard with the refusing setting.
    deploy(lambda e: e["streamingEndpoints"][0].update(scaleUnits=1))
    refusing = copy.deepcopy(doc)
    renv = refusing["config"]["ams-media:environment"]
    renv["streamingEndpoints"][0]["scaleUnits"] = 0
    stack_file.write_text(yaml.safe_dump(refusing, sort_keys=False))
    warn_plan = proj.preview().check()
    assert "streaming endpoint 'default': changes Premium -> Standard while Running" in warn_plan.output
    renv["interruptions"] = "refuse"
    stack_file.write_text(yaml.safe_dump(refusing, sort_keys=False))
    before = proj.export()["deployment"]["resources"]
    refused = proj.preview()
    assert refused.returncode != 0
    assert "refused: changes Premium -> Standard while Running" in refused.output
    assert proj.export()["deployment"]["resources"] == before
    assert client.streaming_endpoints.get(rg, acct, "default").scale_units == 1
    stack_file.write_text(yaml.safe_dump(doc, sort_keys=False))

    # Destroy: `main` keeps its recording (explicit false beats the channel's true), the rest goes. The
    # account still holds the kept recordings, so it refuses to be deleted, naming them (nothing is deleted
    # as a side effect); everything else is gone.
    def before_destroy(e: dict[str, Any]) -> None:
        e["liveChannels"][0]["deleteRecordings"] = True
        e["liveChannels"][0]["outputs"][0]["deleteRecordings"] = False

    deploy(before_destroy)
    down = proj.destroy()
    assert "Asset 'news-main-archive' is kept in the service" in down.output
    assert down.returncode != 0 and f"refusing to delete account '{acct}'" in down.output
    assert "news-main-archive" in down.output
    assert [r["type"].rsplit(":", 1)[-1] for r in proj.resources() if "dynamic" in r["type"]] == [
        "MediaService"
    ]
    left = _assets(client, rg, acct)
    assert "news-main-archive" in left and "news-short-archive" in left and sports_assets <= left
    assert _blobs(client, rg, acct, "news-main-archive") == content["main"]
    assert {a for a in left if a.startswith("news-")} == {"news-main-archive", "news-short-archive"}
    # Clean up what the stage deliberately kept, as an operator would, so the shared emulator ends empty.
    client.mediaservices.delete(rg, acct)
    assert acct not in {a.name for a in client.mediaservices.list(rg)}
