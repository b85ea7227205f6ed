"""The repository's real program and `local` stack, set up in a throwaway project against a given
emulator (used by the program tests and the benchmark; nothing here hard-codes emulator values)."""

from __future__ import annotations

import shutil
from typing import Any

import yaml

from tests.engine import REPO_ROOT, PulumiProject

LOCAL_STACK = REPO_ROOT / "stacks" / "Pulumi.local.yaml"


def local_stage_doc(connection: dict[str, Any]) -> dict[str, Any]:
    """The repo's local stack file, pointed at this emulator's location, resource group and storage."""
    doc: dict[str, Any] = yaml.safe_load(LOCAL_STACK.read_text())
    env = doc["config"]["ams-media:environment"]
    env["location"] = connection["location"]
    env["resourceGroup"]["name"] = connection["resource_group"]
    env["account"]["storage"]["existingId"] = connection["storage_account_id"]
    return doc


def own_stage_doc(connection: dict[str, Any], account: str, hostname_prefix: str) -> dict[str, Any]:
    """The local stage doc with its own account name and static host name, so several deployments of it
    share one emulator."""
    doc = local_stage_doc(connection)
    env = doc["config"]["ams-media:environment"]
    env["account"]["name"] = account
    env["liveChannels"][0]["hostnamePrefix"] = hostname_prefix
    return doc


def write_stage_program(project: PulumiProject, doc: dict[str, Any]) -> PulumiProject:
    """Put the repo's `__main__.py` and the given `local` stack file into the project."""
    shutil.copy(REPO_ROOT / "__main__.py", project.dir / "__main__.py")
    project.write_project_file()
    (project.dir / f"Pulumi.{project.stack}.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    return project
