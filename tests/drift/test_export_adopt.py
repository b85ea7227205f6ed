"""Bring an existing account under code: export the local stage's account to a new stage config, deploy
it as a second stack that adopts everything: the adoption preview says what would change, the deploy
recreates nothing, and the next preview (and drift check, secrets included) shows no changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml

from tests.drift.helpers import explorer
from tests.engine import REPO_ROOT, PulumiProject
from tests.program.stage import own_stage_doc
from tests.program.test_program_engine import _project
from tests.providers.helpers import sdk_client

pytestmark = [pytest.mark.engine, pytest.mark.xdist_group("drift-export")]


def _identity(client: Any, rg: str, acct: str) -> dict[str, Any]:
    """What a recreation would change: server-made IDs and creation times of every entity."""
    out: dict[str, Any] = {}
    for ev in client.live_events.list(rg, acct):
        out[ev.id] = ev.created
        for lo in client.live_outputs.list(rg, acct, ev.name):
            out[lo.id] = lo.created
    for a in client.assets.list(rg, acct):
        out[a.id] = a.asset_id
    for sl in client.streaming_locators.list(rg, acct):
        out[sl.id] = sl.streaming_locator_id
    for p in client.content_key_policies.list(rg, acct):
        out[p.id] = p.policy_id
    for coll in (client.transforms, client.streaming_endpoints, client.streaming_policies):
        for x in coll.list(rg, acct):
            out[x.id] = x.created
    out["account"] = client.mediaservices.get(rg, acct).media_service_id
    return out


def test_exported_account_is_adopted_by_a_second_stack_with_no_changes(
    media_project: Callable[..., PulumiProject], connection: dict[str, Any], arm_env: dict[str, str]
) -> None:
    acct = "amsexport01"
    doc = own_stage_doc(connection, acct, "news-export")
    rg = connection["resource_group"]
    original = _project(media_project, "exported", doc)
    original.up().check()
    client = sdk_client(arm_env)
    before = _identity(client, rg, acct)

    adopted = media_project(
        "adopted", project="ams-media", stack="adopted", env={"PULUMI_CONFIG_PASSPHRASE": ""}
    )
    (adopted.dir / "__main__.py").write_text((REPO_ROOT / "__main__.py").read_text())
    adopted.write_project_file()
    adopted.ensure_stack()
    stack_file = adopted.dir / "Pulumi.adopted.yaml"
    export = explorer(
        adopted,
        "export",
        *("--resource-group", rg, "--account", acct, "--stage", "adopted"),
        *("--output", str(stack_file), "--stack", "adopted", "--set-secrets"),
    )
    assert export.returncode == 0, export.output[-3000:]
    written = stack_file.read_text()
    exported = yaml.safe_load(written)["config"]
    entities = exported["ams-media:environment"]["entities"]
    kinds = {e["kind"] for e in entities}
    assert kinds >= {"Transform", "StreamingEndpoint", "LiveEvent", "LiveOutput", "Asset", "AssetFilter"}
    assert kinds >= {"ContentKeyPolicy", "StreamingPolicy", "StreamingLocator"}
    drm = next(e for e in entities if e["name"] == "drm-token")
    assert set(drm["secrets"]) == {
        f"options[{i}].restriction.primaryVerificationKey.keyValue" for i in (0, 1)
    }
    token_keys = client.content_key_policies.get_policy_properties_with_secrets(
        rg, acct, "drm-token"
    ).serialize()
    token = token_keys["options"][0]["restriction"]["primaryVerificationKey"]["keyValue"]
    assert token not in written and token not in export.output  # only in the encrypted config
    assert "pulumi-owner" not in written  # the first stack's ownership markers are not configuration
    assert all(f"ams-media:{k}" in exported for e in entities for k in (e.get("secrets") or {}).values())

    # The adoption preview names what would change (here: a description edited in the file).
    transform = next(e for e in entities if e["kind"] == "Transform")
    transform["properties"]["description"] = "edited after export"
    stack_file.write_text(yaml.safe_dump({**yaml.safe_load(written), "config": exported}, sort_keys=False))
    preview = adopted.preview()
    assert preview.returncode == 0, preview.output[-3000:]
    assert (
        f"adopt: Transform '{transform['name']}' exists and will change: properties.description"
        in preview.output
    )
    assert "adopt: LiveEvent 'news' exists and matches: adopting it changes nothing" in preview.output
    assert "does not exist yet" not in preview.output
    assert preview.output.count("adopt: ") == len(entities) + 1  # every entity and the account
    stack_file.write_text(written)

    adopted.up().check()
    assert _identity(client, rg, acct) == before  # nothing recreated
    again = adopted.preview(expect_no_changes=True)
    assert again.returncode == 0 and not again.changed, again.output[-3000:]
    drift = explorer(adopted, "drift", "--stack", "adopted")
    assert drift.returncode == 0 and "result: CLEAN" in drift.stdout, drift.output[-4000:]

    adopted.destroy().check()
    original.destroy().check()
