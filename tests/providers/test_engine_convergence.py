"""Convergence after a crash, on any machine: the provider killed right after the service accepted a
create, the re-run with an empty lock directory (a fresh runner) takes the entity back by its
ownership marker; another stack's entity of the same name is still refused; a Reader refresh keeps
the outputs it may not read (streaming paths) instead of emptying them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from emulator.launcher import arm_env as arm_env_for
from tests.engine import wait_for
from tests.faults.procs import kill9, provider_pids
from tests.providers.helpers import account_block, header, repo_env, sdk_client, uniq

pytestmark = [pytest.mark.engine, pytest.mark.xdist_group("providers-convergence")]


def test_provider_killed_after_create_is_taken_back_by_a_fresh_runner(
    media_project: Any, connection: dict[str, Any], arm_env: dict[str, str], emulator: Any, tmp_path: Path
) -> None:
    acct, rg = uniq("own"), connection["resource_group"]
    program = (
        header(connection)
        + account_block(acct, tags={"team": "media"})
        + "ev = dp.LiveEvent('ev', resource_group_name=RG, account_name=A, location=LOC,\n"
        + "    tags={'team': 'media'}, properties={'input': {'streamingProtocol': 'RTMP'}})\n"
        + "arch = dp.Asset('arch', resource_group_name=RG, account_name=A)\n"
        + "dp.LiveOutput('out', resource_group_name=RG, account_name=A, live_event_name=ev.name,\n"
        + "    properties={'assetName': arch.name, 'archiveWindowLength': 'PT1H', 'manifestName': 'o'})\n"
    )
    proj = media_project("own", env={**repo_env(), "MEDIA_LOCK_DIR": str(tmp_path / "runner-1")})
    proj.write_program(program)
    proj.ensure_stack()
    c = sdk_client(arm_env)

    def exists() -> bool:
        from azure.core.exceptions import ResourceNotFoundError

        try:
            return any(e.name == "ev" for e in c.live_events.list(rg, acct))
        except ResourceNotFoundError:  # the account is not there yet
            return False

    # The live event's create is accepted, its status polls are slow: kill -9 the provider then.
    emulator.admin.inject_latency(3.0, match=f"{acct}/liveeventoperations", methods=["GET"])
    cli = proj.up_in_background()
    try:
        wait_for(exists, "the live event's create")
        assert kill9(provider_pids(cli.pid)), "no provider process to kill"
        out, _ = cli.communicate(timeout=300)
    finally:
        emulator.admin.clear_faults()
        if cli.poll() is None:
            cli.kill()
    assert cli.returncode != 0, out[-2000:]
    assert not any(r["urn"].endswith("::ev") for r in proj.resources()), "the create reached the state"

    # The entity carries this resource's marker, and nothing the user sees does.
    live = c.live_events.get(rg, acct, "ev")
    assert set(live.tags) == {"team", "pulumi-owner"}
    account_marker = c.mediaservices.get(rg, acct).tags["pulumi-owner"]

    # A fresh runner (empty lock directory) takes it back: no "already exists", no duplicate.
    fresh = {"MEDIA_LOCK_DIR": str(tmp_path / "runner-2")}
    again = proj.run("up", "--yes", "--skip-preview", "--stack", proj.stack, env=fresh).check()
    assert again.ops_for("ev") == ["create"]
    assert [e.name for e in c.live_events.list(rg, acct)] == ["ev"]
    assert proj.resource_state("ev")["outputs"]["tags"] == {"team": "media"}
    proj.preview(refresh=True, expect_no_changes=True).check()

    # Another stack declaring the same entities is refused: it did not create them.
    other = media_project("other", env=repo_env(), stack="other")
    other.write_program(program)
    refused = other.up()
    assert refused.returncode != 0
    line = next(x for x in refused.output.splitlines() if "already exists" in x)
    assert f"MediaService '{acct}'" in line and "another resource's ownership marker" in line, line
    assert c.mediaservices.get(rg, acct).tags["pulumi-owner"] == account_marker
    other.destroy().check()
    proj.destroy().check()


def _outputs_in_state(proj: Any) -> dict[str, Any]:
    run = proj.run("stack", "export", "--show-secrets", "--stack", proj.stack, events=False).check()
    return {r["urn"]: r.get("outputs") for r in json.loads(run.stdout)["deployment"]["resources"]}


def test_reader_refresh_keeps_streaming_paths(
    media_project: Any, connection: dict[str, Any], tmp_path: Path
) -> None:
    acct = uniq("rdr")
    media = tmp_path / "media"
    media.mkdir()
    (media / "v.ism").write_text("<smil/>")
    (media / "v.mp4").write_bytes(b"\0" * 64)
    program = (
        header(connection)
        + account_block(acct)
        + "a = dp.Asset('a', resource_group_name=RG, account_name=A)\n"
        + "files = dp.AssetContent('files', resource_group_name=RG, account_name=A, asset_name=a.name,\n"
        + f"    files={{'v.ism': {str(media / 'v.ism')!r}, 'v.mp4': {str(media / 'v.mp4')!r}}})\n"
        + "loc = dp.StreamingLocator('loc', resource_group_name=RG, account_name=A,\n"
        + "    properties={'assetName': a.name,\n"
        + "        'streamingPolicyName': 'Predefined_DownloadAndClearStreaming'},\n"
        + "    opts=pulumi.ResourceOptions(depends_on=[files]))\n"
        + "pulumi.export('paths', loc.streaming_paths)\n"
        + "pulumi.export('downloads', loc.download_paths)\n"
        + "pulumi.export('hashes', files.hashes)\n"
    )
    proj = media_project("rdr", env=repo_env())
    proj.write_program(program)
    proj.up().check()
    before = proj.outputs()
    assert before["paths"] and before["downloads"], before
    state_before = _outputs_in_state(proj)

    reader = {**repo_env(), **arm_env_for(connection, "reader")}
    refreshed = proj.run("refresh", "--yes", "--skip-preview", "--stack", proj.stack, env=reader).check()
    diagnostics = refreshed.output.split("Diagnostics:", 1)[-1]
    warnings = [x for x in diagnostics.splitlines() if "may not call listPaths" in x]
    assert len(warnings) == 1, refreshed.output[-3000:]
    assert proj.outputs() == before
    after = _outputs_in_state(proj)
    for urn, outs in after.items():
        assert outs == state_before[urn], urn
    proj.run("preview", "--refresh", "--expect-no-changes", "--stack", proj.stack, env=reader).check()
    proj.up().check()
    assert proj.outputs() == before
    proj.destroy().check()
