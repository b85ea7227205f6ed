"""The real Pulumi engine works on this machine: CLI, language host, config, secrets, exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.engine import REPO_ROOT, PulumiProject


def test_cli_bundle_has_engine_language_host_and_launchers(pulumi_cli_dir: Path) -> None:
    for name in (
        "pulumi",
        "pulumi-language-python",
        "pulumi-language-python-exec",
        "pulumi-resource-pulumi-python",
    ):
        assert (pulumi_cli_dir / name).is_file(), name
    version = subprocess.run(
        [str(REPO_ROOT / "scripts" / "pulumi"), "version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert re.fullmatch(r"v3\.\d+\.\d+", version), version


def test_program_receives_config_and_secrets_stay_secret(
    pulumi_project: Callable[..., PulumiProject],
) -> None:
    project = pulumi_project("config")
    project.write_program(
        """
        import pulumi
        cfg = pulumi.Config()
        pulumi.export("greeting", f"hello {cfg.require('who')}")
        pulumi.export("token", cfg.require_secret("token"))
        pulumi.export("stage", pulumi.get_stack())
        """
    )
    project.set_config("who", "media team")
    project.set_config("token", "s3cr3t-token-value", secret=True)

    preview = project.preview().check()
    assert preview.changes["create"] == 1

    up = project.up().check()
    assert up.changes["create"] == 1
    assert "s3cr3t-token-value" not in up.output
    outputs = project.outputs(show_secrets=True)
    assert outputs == {"greeting": "hello media team", "token": "s3cr3t-token-value", "stage": "test"}
    assert "s3cr3t-token-value" not in project.export_text()

    again = project.preview(expect_no_changes=True).check()
    assert not again.changed


def test_dynamic_resources_from_dynamic_providers_run_under_the_engine(
    media_project: Callable[..., PulumiProject], connection: dict[str, Any]
) -> None:
    """The language host and the dynamic-provider plugin path work: the provider classes are
    loaded by module name in the `pulumi-python` provider process and talk to the emulator."""
    account = f"found{uuid.uuid4().hex[:8]}"
    project = media_project("foundation")
    project.write_program(
        f"""
        import pulumi
        from dynamic_providers import AccountFilter, MediaService

        rg = {connection["resource_group"]!r}
        account = MediaService(
            "account",
            account_name={account!r},
            resource_group_name=rg,
            location={connection["location"]!r},
            properties={{"storageAccounts": [{{"id": {connection["storage_account_id"]!r},
                                               "type": "Primary"}}]}},
        )
        flt = AccountFilter(
            "first-minute",
            resource_group_name=rg,
            account_name=account.name,
            properties={{"firstQuality": {{"bitrate": 128000}}}},
        )
        pulumi.export("accountId", account.id)
        """
    )
    preview = project.preview().check()
    assert preview.changes["create"] == 3  # stack + account + filter

    up = project.up().check()
    assert up.changes["create"] == 3
    assert up.ops_for("account") == ["create"] and up.ops_for("first-minute") == ["create"]
    account_id = project.outputs()["accountId"]
    assert account_id.lower().endswith(f"/providers/microsoft.media/mediaservices/{account}")
    # The serialized provider is a by-reference class, small, with no captured state.
    inputs = project.resource_state("first-minute")["inputs"]
    assert len(json.dumps(inputs["__provider"])) < 1024

    second = project.preview(expect_no_changes=True).check()
    assert second.changes == {"same": 3}

    down = project.destroy().check()
    assert down.changes["delete"] == 3
    assert project.resources() == []


def test_program_error_fails_the_run_with_the_message(
    pulumi_project: Callable[..., PulumiProject],
) -> None:
    project = pulumi_project("failing")
    project.write_program(
        """
        raise SystemExit("stack config is broken: environment.account.name is required")
        """
    )
    run = project.preview()
    assert run.returncode != 0
    assert "environment.account.name is required" in run.output
