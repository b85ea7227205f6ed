"""Drift detection on a whole stage, the way a scheduled pipeline runs it (`make drift`):
`pulumi preview --refresh --expect-no-changes --diff` passes on an untouched stage, and fails,
naming each changed property, after someone changes entities behind Pulumi's back."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.engine import PulumiProject
from tests.program.stage import own_stage_doc
from tests.program.test_program_engine import _project
from tests.providers.helpers import sdk_client

pytestmark = [pytest.mark.engine]


@pytest.mark.xdist_group("program-drift")
def test_drift_check_fails_naming_each_changed_property_and_up_repairs_it(
    media_project: Callable[..., PulumiProject], connection: dict[str, Any], arm_env: dict[str, str]
) -> None:
    account = "amsdrift01"
    doc = own_stage_doc(connection, account, "news-drift")
    env = doc["config"]["ams-media:environment"]
    rg = connection["resource_group"]
    proj = _project(media_project, "drift", doc)
    proj.up().check()

    clean = proj.preview(refresh=True, expect_no_changes=True)
    assert clean.returncode == 0, clean.output[-3000:]

    # Out-of-band changes, as an operator in the portal would make them.
    from azure.mgmt.media import models

    client = sdk_client(arm_env)
    channel = env["liveChannels"][0]["name"]
    client.live_events.begin_update(
        rg, account, channel, models.LiveEvent(location=env["location"], description="changed by hand")
    ).result()
    transform = env["transforms"][0]["name"]
    client.transforms.update(rg, account, transform, models.Transform(description="edited in the portal"))

    drift = proj.preview(refresh=True, expect_no_changes=True)
    assert drift.returncode != 0
    assert "no changes were expected" in drift.output
    updates = {s.type.rsplit(":", 1)[-1]: s for s in drift.steps if s.op == "update"}
    assert set(updates) == {"LiveEvent", "Transform"}, updates
    assert updates["LiveEvent"].name.endswith(f"{channel}-event")
    assert updates["Transform"].name.endswith(transform)
    # Property by property: the diff names the drifted field with the live and the declared value.
    for live, declared in (
        ("edited in the portal", env["transforms"][0]["description"]),
        ("changed by hand", env["liveChannels"][0]["description"]),
    ):
        assert re.search(rf'~ description\s*: "{live}" => "{re.escape(declared)}"', drift.stdout), live
    # Refresh reports output changes only for the two touched entities (no secret-wrapping noise).
    refreshed = [
        line for line in drift.stdout.splitlines() if "dynamic/media:" in line and "(refresh)" in line
    ]
    assert len(refreshed) == 2, refreshed
    # Nothing else is reported as drifted: every other resource is unchanged.
    assert drift.changes["update"] == 2 and drift.changes["same"] == sum(drift.changes.values()) - 2

    # `pulumi up --refresh` puts the declared values back; the stage is clean again.
    proj.up(refresh=True).check()
    assert client.live_events.get(rg, account, channel).description != "changed by hand"
    assert proj.preview(refresh=True, expect_no_changes=True).returncode == 0

    proj.destroy().check()
