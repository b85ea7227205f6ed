"""The whole local stage under the drift command (`make drift`), the inventory and the safe destroy:
a swapped token key is drift named by policy and property without the key in any output, `up` restores it;
entities created by hand are drift (an asset-prefix exception tolerates the asset), Reader can run it
(and is told which secrets it could not check); the inventory with 2 entities per page lists every entity
once, managed or not; destroy is refused while an unmanaged live event exists and the account stays."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from tests.drift.helpers import explorer
from tests.engine import PulumiProject
from tests.program.stage import own_stage_doc
from tests.program.test_program_engine import _project
from tests.providers.helpers import sdk_client

pytestmark = [pytest.mark.engine, pytest.mark.xdist_group("drift-stage")]

ROGUE = "cm9ndWUta2V5LXN3YXBwZWQtaW4tYnktaGFuZC0wMTIzNDU2Nzg5"
KEY_LEAF = "properties.options[0].restriction.primaryVerificationKey.keyValue"


def _keys(client: Any, rg: str, acct: str) -> list[str]:
    props = client.content_key_policies.get_policy_properties_with_secrets(rg, acct, "drm-token").serialize()
    return [o["restriction"]["primaryVerificationKey"]["keyValue"] for o in props["options"]]


def _swap_keys(client: Any, rg: str, acct: str, key: str) -> None:
    from azure.mgmt.media import models

    props = client.content_key_policies.get_policy_properties_with_secrets(rg, acct, "drm-token").serialize()
    for option in props["options"]:
        option["restriction"]["primaryVerificationKey"]["keyValue"] = key
    body = models.ContentKeyPolicy.from_dict({"properties": props})
    client.content_key_policies.create_or_update(rg, acct, "drm-token", body)


def test_drift_inventory_and_safe_destroy_on_the_local_stage(
    media_project: Callable[..., PulumiProject],
    connection: dict[str, Any],
    arm_env: dict[str, str],
    emulator: Any,
) -> None:
    from azure.mgmt.media import models

    from emulator.launcher import arm_env as emulator_arm_env

    acct = "amsexplorer01"
    doc = own_stage_doc(connection, acct, "news-explorer")
    env = doc["config"]["ams-media:environment"]
    rg, loc = connection["resource_group"], connection["location"]
    proj = _project(media_project, "explorer", doc)
    reader = emulator_arm_env(connection, "reader")
    proj.up().check()
    client = sdk_client(arm_env)

    clean = explorer(proj, "drift", "--stack", proj.stack)
    assert clean.returncode == 0 and "result: CLEAN" in clean.stdout, clean.output[-4000:]

    # 1. The drm-token policy's verification key swapped out of band.
    declared = _keys(client, rg, acct)
    _swap_keys(client, rg, acct, ROGUE)
    drift = explorer(proj, "drift", "--stack", proj.stack)
    assert drift.returncode == 1, drift.output[-4000:]
    assert f"ContentKeyPolicy 'drm-token': {KEY_LEAF} changed outside Pulumi" in drift.stdout
    assert f"secret drift: ContentKeyPolicy 'drm-token': {KEY_LEAF}" in drift.stdout
    assert "result: DRIFT" in drift.stdout
    for secret in (ROGUE, *declared):
        assert secret not in drift.output
    proj.up(refresh=True).check()  # what `make up` runs
    assert _keys(client, rg, acct) == declared
    again = explorer(proj, "drift", "--stack", proj.stack)
    assert again.returncode == 0 and "result: CLEAN" in again.stdout, again.output[-4000:]

    # 2. Entities created by hand: a running live event, a transform, an asset.
    client.live_events.begin_create(
        rg,
        acct,
        "handmade",
        models.LiveEvent(
            location=loc,
            input=models.LiveEventInput(streaming_protocol="RTMP"),
            encoding=models.LiveEventEncoding(encoding_type="PassthroughBasic"),
        ),
        auto_start=True,
    ).result()
    preset = models.BuiltInStandardEncoderPreset(preset_name="AdaptiveStreaming")
    client.transforms.create_or_update(
        rg, acct, "handmade-tr", models.Transform(outputs=[models.TransformOutput(preset=preset)])
    )
    client.assets.create_or_update(rg, acct, "wf-ingest-0001", models.Asset())
    drift = explorer(proj, "drift", "--stack", proj.stack)
    assert drift.returncode == 1, drift.output[-4000:]
    unmanaged = drift.stdout.split("unmanaged entities (not in this stack's state): ")[1]
    assert unmanaged.startswith("3\n"), drift.stdout[-3000:]
    for line in (
        f"LiveEvent 'handmade' in {acct} (Running, running live event (billed per hour))",
        f"Transform 'handmade-tr' in {acct}",
        f"Asset 'wf-ingest-0001' in {acct}",
    ):
        assert line in unmanaged

    # The asset prefix declared as an exception; run as the Reader principal.
    env["unmanaged"] = {"ignore": [{"kind": "Asset", "namePrefix": "wf-"}]}
    stack_file = proj.dir / f"Pulumi.{proj.stack}.yaml"
    stack_file.write_text(yaml.safe_dump(doc, sort_keys=False))
    drift = explorer(proj, "drift", "--stack", proj.stack, env=reader)
    assert drift.returncode == 1, drift.output[-4000:]
    listed, ignored = drift.stdout.split("unmanaged but declared in unmanaged.ignore: ")
    assert "unmanaged entities (not in this stack's state): 2" in listed
    assert "'handmade'" in listed and "'handmade-tr'" in listed and "wf-ingest-0001" not in listed
    assert ignored.startswith("1\n") and "Asset 'wf-ingest-0001'" in ignored
    assert (
        "NOT CHECKED: ContentKeyPolicy: secret properties not compared (AuthorizationFailed" in drift.stdout
    )

    # 3. Inventory, 2 entities per page, as the Reader: every entity exactly once, managed vs unmanaged.
    emulator.admin.set_settings(page_size=2)
    try:
        inv = explorer(proj, "inventory", "--stack", proj.stack, "--json", env=reader)
        table = explorer(proj, "inventory", "--stack", proj.stack, env=reader)
    finally:
        emulator.admin.set_settings(page_size=1000)
    assert inv.returncode == 0, inv.output[-3000:]
    report = json.loads(inv.stdout)
    ids = [e["id"].lower() for e in report["entities"]]
    assert len(ids) == len(set(ids))
    managed = {  # a live output of a channel that is not running is declared but not in the service
        r["id"].lower(): r["urn"]
        for r in proj.resources()
        if r["type"].startswith("pulumi-python:dynamic/media:")
        and not r["type"].endswith(":MediaService")
        and r.get("outputs", {}).get("recording") is not False
    }
    assert {i: u for i, u in ((e["id"].lower(), e["managedBy"]) for e in report["entities"]) if u} == managed
    assert {e["name"] for e in report["unmanaged"]} == {"handmade", "handmade-tr", "wf-ingest-0001"}
    pages = report["pages"][acct]
    assert pages["Asset"] >= 3 and pages["StreamingPolicy"] >= 2, pages  # > 2 entities: several pages
    everything = {a.id.lower() for a in client.assets.list(rg, acct)}
    assert everything <= set(ids)
    costs = {(e["kind"], e["name"]) for e in report["costsMoneyNow"]}
    # news and handmade run, sports stands by (billed too), the default endpoint runs
    assert costs == {
        ("LiveEvent", "handmade"),
        ("LiveEvent", "news"),
        ("LiveEvent", "sports"),
        ("StreamingEndpoint", "default"),
    }
    assert "UNMANAGED" in table.stdout and "news-event" in table.stdout

    # 4. Safe destroy: refused up front (nothing deleted), and by the account itself under plain destroy.
    down = explorer(proj, "destroy-check", "--stack", proj.stack)
    assert down.returncode == 1 and "LiveEvent 'handmade'" in down.stdout, down.output[-3000:]
    destroyed = proj.destroy()
    assert destroyed.returncode != 0
    assert f"refusing to delete account '{acct}'" in destroyed.output
    assert "LiveEvent 'handmade' (Running" in destroyed.output
    assert client.mediaservices.get(rg, acct).name == acct
    assert client.live_events.get(rg, acct, "handmade").resource_state == "Running"

    client.live_events.begin_stop(rg, acct, "handmade", models.LiveEventActionInput()).result()
    client.live_events.begin_delete(rg, acct, "handmade").result()
    client.transforms.delete(rg, acct, "handmade-tr")
    client.assets.delete(rg, acct, "wf-ingest-0001")
    proj.destroy().check()
