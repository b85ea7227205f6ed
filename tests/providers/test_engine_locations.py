"""Locations: the service answers ``westeurope`` as ``West Europe`` (every Azure CLI recording), so a program
may spell a region either way. After `up` the refresh preview shows nothing to do, a respelled region is no
change, and another region is a replacement of the live event and streaming endpoint (create-only) and a
refused replacement of the account (allow_replace)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dynamic_providers.validate.regions import normalize_region
from tests.engine import PulumiProject
from tests.providers.helpers import header, repo_env, sdk_client, uniq

pytestmark = [pytest.mark.engine, pytest.mark.xdist_group("providers-locations")]


def _program(conn: dict[str, Any], acct: str, account_loc: str, event_loc: str, endpoint_loc: str) -> str:
    return header(conn) + (
        f"acct = dp.MediaService('acct', resource_group_name=RG, account_name={acct!r}, "
        f"location={account_loc!r},\n"
        "    properties={'storageAccounts': [{'id': SA, 'type': 'Primary'}]})\n"
        "A = acct.name\n"
        f"le = dp.LiveEvent('le', resource_group_name=RG, account_name=A, location={event_loc!r},\n"
        "    run_state='Stopped', properties={'input': {'streamingProtocol': 'RTMP'},\n"
        "                                     'encoding': {'encodingType': 'PassthroughBasic'}})\n"
        "se = dp.StreamingEndpoint('se', resource_group_name=RG, account_name=A,\n"
        f"    location={endpoint_loc!r}, scale_units=0, run_state='Stopped')\n"
        "pulumi.export('location', acct.location)\n"
    )


def test_a_region_in_any_spelling_has_no_diff_and_another_region_is_a_change(
    media_project: Callable[..., PulumiProject], connection: dict[str, Any], arm_env: dict[str, str]
) -> None:
    acct, rg, loc = uniq("loc"), connection["resource_group"], connection["location"]
    assert loc == loc.lower() and " " not in loc  # the ARM name, e.g. westeurope
    proj = media_project("locations", env=repo_env())
    proj.write_program(_program(connection, acct, loc, loc, loc))
    proj.up().check()

    # The service spells it otherwise; the stack's outputs say what the service says.
    client = sdk_client(arm_env)
    answered = client.mediaservices.get(rg, acct).location
    assert answered != loc and normalize_region(answered) == loc, answered
    assert client.live_events.get(rg, acct, "le").location == answered
    assert proj.outputs()["location"] == answered

    clean = proj.preview(refresh=True, expect_no_changes=True)
    assert clean.returncode == 0 and not clean.changed, clean.output[-3000:]
    proj.refresh().check()
    assert proj.resource_state("le")["inputs"]["location"] == loc  # refresh keeps the program's spelling
    proj.preview(expect_no_changes=True).check()

    # The same region respelled (display name, no spaces, upper case) is no change either.
    proj.write_program(_program(connection, acct, answered, answered.replace(" ", ""), loc.upper()))
    respelled = proj.preview(refresh=True, expect_no_changes=True)
    assert respelled.returncode == 0 and not respelled.changed, respelled.output[-3000:]

    # Another region is one: create-only, so the live event and the endpoint are replaced ...
    other = next(r for r in ("northeurope", "westeurope") if r != loc)
    proj.write_program(_program(connection, acct, loc, other, other))
    moved = proj.preview(refresh=True)
    assert moved.returncode == 0, moved.output[-3000:]
    assert "replace" in moved.ops_for("le") and "replace" in moved.ops_for("se"), moved.steps
    assert "replace" not in moved.ops_for("acct") and "update" not in moved.ops_for("acct")
    proj.up().check()
    assert normalize_region(client.live_events.get(rg, acct, "le").location) == other
    proj.preview(refresh=True, expect_no_changes=True).check()

    # ... and the account's replacement is refused, naming the location and the way to allow it.
    proj.write_program(_program(connection, acct, other, other, other))
    refused = proj.preview()
    assert refused.returncode != 0
    assert f"location {loc!r} -> {other!r}" in refused.output and "allow_replace" in refused.output

    proj.write_program(_program(connection, acct, loc, other, other))
    proj.destroy().check()
