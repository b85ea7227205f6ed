"""The real program (`__main__.py` + `components`) under the real engine against the emulator.

* the full `local` stack: up, second up is a no-op, destroy leaves no entity in the emulator;
* bad stack config: each case is a real `pulumi preview` that fails naming the key and writes nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

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
    # Every output's locator lists its streaming paths (the live output wrote the manifest first).
    for channel in env["liveChannels"]:
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

    assert _accounts(arm_env, connection["resource_group"]) == [env["account"]["name"]]
    proj.destroy().check()
    assert proj.resources() == [] or all(r["type"] == "pulumi:pulumi:Stack" for r in proj.resources())
    assert _accounts(arm_env, connection["resource_group"]) == []


def _first_token(env: dict[str, Any]) -> dict[str, Any]:
    token: dict[str, Any] = env["contentProtection"]["contentKeyPolicies"][0]["options"][0]["token"]
    return token


BAD: list[tuple[str, Callable[[dict[str, Any]], Any], str]] = [
    ("unknown-key", lambda e: e["account"].update(nmae="x"), "environment.account.nmae: unknown key"),
    ("wrong-type", lambda e: e["streamingEndpoints"][0].update(scaleUnits="two"),
     "environment.streamingEndpoints[0].scaleUnits: must be an integer"),
    ("missing-location", lambda e: e.pop("location"), "environment.location: is required"),
    ("archive-window", lambda e: e["liveChannels"][1]["outputs"][0].update(archiveWindow="PT26H"),
     "environment.liveChannels[1].outputs[0].archiveWindow: must be between PT1M and PT25H"),
    ("account-name", lambda e: e["account"].update(name="Bad_Name"), "environment.account.name"),
    ("endpoint-name", lambda e: e["streamingEndpoints"][1].update(name="x" * 25),
     "environment.streamingEndpoints[1].name"),
    ("cdn-and-acl", lambda e: e["streamingEndpoints"][0].update(cdn={}),
     "environment.streamingEndpoints[0].ipAllowList: access control can only be set when cdn is not enabled"),
    ("two-presets", lambda e: e["transforms"][0]["outputs"][0].update(audioAnalyzer={}),
     "environment.transforms[0].outputs[0]: exactly one preset per output"),
    ("rung-order", lambda e: e["transforms"][1]["outputs"][0]["h264Ladder"]["rungs"].reverse(),
     "environment.transforms[1].outputs[0].h264Ladder.rungs[1].bitrate"),
    ("too-many-outputs", lambda e: e["liveChannels"][0]["encoding"].update(type="PassthroughBasic"),
     "environment.liveChannels[0].outputs: PassthroughBasic allows at most 1"),
    ("unknown-policy", lambda e: e["liveChannels"][0]["outputs"][0].update(locator={"streamingPolicy": "x"}),
     "environment.liveChannels[0].outputs[0].locator.streamingPolicy"),
    ("storage-both", lambda e: e["account"]["storage"].update(name="othersa01"),
     "environment.account.storage"),
    ("missing-secret", lambda e: _first_token(e).update(keySecret="notSetAnywhere"),
     "token.keySecret: config key ams-media:notSetAnywhere is not set"),
]  # fmt: skip


@pytest.mark.xdist_group("program-bad-config")
def test_bad_configs_fail_preview_naming_the_key(
    media_project: Callable[..., PulumiProject], connection: dict[str, Any], arm_env: dict[str, str]
) -> None:
    """One project and stack; each case rewrites the stack's environment object and runs a real preview."""
    base = local_stage_doc(connection)
    proj = _project(media_project, "badcfg", base)
    stack_file = proj.dir / "Pulumi.local.yaml"
    accounts_before = _accounts(arm_env, connection["resource_group"])
    failures = []
    for label, mutate, expected in BAD:
        doc = copy.deepcopy(base)
        mutate(doc["config"]["ams-media:environment"])
        stack_file.write_text(yaml.safe_dump(doc, sort_keys=False))
        run = proj.preview()
        registered = [s for s in run.steps if s.type != "pulumi:pulumi:Stack"]
        if run.returncode == 0 or expected not in run.output or registered:
            failures.append(
                f"{label}: rc={run.returncode} registered={len(registered)}\n{run.output[-1500:]}"
            )
    assert not failures, "\n\n".join(failures)
    assert _accounts(arm_env, connection["resource_group"]) == accounts_before
    assert not proj.resources() or all(r["type"] == "pulumi:pulumi:Stack" for r in proj.resources())


def test_repo_stack_file_is_the_one_tested() -> None:
    assert Path(LOCAL_STACK).exists()
