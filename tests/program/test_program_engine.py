"""The real program (`__main__.py` + `components`) under the real engine against the emulator.

* the full `local` stack: up, second up is a no-op, destroy leaves no entity in the emulator;
* bad stack config: see test_bad_inputs.py (every case in one real preview).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.engine import PulumiProject
from tests.program.stage import LOCAL_STACK, local_stage_doc, write_stage_program

pytestmark = [pytest.mark.engine]


def _project(factory: Callable[..., PulumiProject], name: str, doc: dict[str, Any]) -> PulumiProject:
    proj = factory(name, project="ams-media", stack="local", env={"PULUMI_CONFIG_PASSPHRASE": ""})
    return write_stage_program(proj, doc)


def _accounts(arm_env: dict[str, str], resource_group: str) -> list[str]:
    from tests.providers.helpers import sdk_client

    return [a.name for a in sdk_client(arm_env).mediaservices.list(resource_group)]


@pytest.mark.xdist_group("program-local")
def test_local_stack_up_noop_destroy(
    media_project: Callable[..., PulumiProject], connection: dict[str, Any], arm_env: dict[str, str]
) -> None:
    doc = local_stage_doc(connection)
    env = doc["config"]["ams-media:environment"]
    # The local stage's recordings are disposable (deleteRecordings: true), so destroy leaves the emulator
    # without the account (the default, keeping side: test_program_broadcast.py).
    assert env["deleteRecordings"] is True
    proj = _project(media_project, "local", doc)

    up = proj.up()
    up.check()
    types = [s.type for s in up.steps if s.op == "create"]
    assert not any(t.startswith("azure-native:") for t in types)
    for kind, n in {
        "MediaService": 1,
        "Transform": len(env["transforms"]),
        "StreamingEndpoint": 2 * 2,  # components + resources
        "LiveEvent": len(env["liveChannels"]),
        "LiveOutput": sum(len(c["outputs"]) for c in env["liveChannels"]),
        "ContentKeyPolicy": len(env["contentProtection"]["contentKeyPolicies"]),
        "StreamingPolicy": len(env["contentProtection"]["streamingPolicies"]),
    }.items():
        assert sum(t.endswith(f":{kind}") for t in types) == n, kind
    assert len(env["liveChannels"]) >= 2 and all(len(c["outputs"]) >= 2 for c in env["liveChannels"])

    outputs = proj.outputs(show_secrets=True)
    assert outputs["accountName"] == env["account"]["name"]
    assert set(outputs["streamingHostNames"]) == {"default", "se-backup"}
    assert all(outputs["streamingHostNames"].values())
    assert set(outputs["ingestUrls"]) == {c["name"] for c in env["liveChannels"]}
    assert all(outputs["ingestUrls"].values())
    # Every output of a running channel records, and its locator lists its streaming paths (the live
    # output wrote the manifest first); outputs of a channel in StandBy are not in the service yet.
    for channel in env["liveChannels"]:
        if channel["runState"] != "Running":
            assert not any(r["recording"] for r in outputs["recordings"][channel["name"]].values())
            continue
        for out in channel["outputs"]:
            paths = outputs["streamingPaths"][channel["name"]][out["name"]]
            assert paths and all(f"/{out['manifestName']}.ism/manifest" in p for p in paths), paths
    state = proj.export_text()
    key = (
        proj.run("config", "get", "contentKeyTokenKey", "--stack", "local", events=False)
        .check()
        .stdout.strip()
    )
    assert key and key not in state  # the token key is only stored encrypted
    plain = proj.outputs()
    assert plain["ingestUrls"] == "[secret]"

    again = proj.preview(expect_no_changes=True)
    again.check()
    assert not again.changed, again.changes

    assert env["account"]["name"] in _accounts(arm_env, connection["resource_group"])
    proj.destroy().check()
    assert proj.resources() == [] or all(r["type"] == "pulumi:pulumi:Stack" for r in proj.resources())
    assert env["account"]["name"] not in _accounts(arm_env, connection["resource_group"])


def test_repo_stack_file_is_the_one_tested() -> None:
    assert Path(LOCAL_STACK).exists()
