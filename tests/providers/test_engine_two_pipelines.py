"""Two pipelines at once on one live event: two `pulumi up` processes (two stacks, so two provider
processes) add live outputs to the same live event at the same time. The service allows one
long-running operation per live event and its outputs; both runs succeed, the providers' cross-process
lock orders the operations so the service never even answers a 409, and the emulator's operation log
shows the event's operations never overlapped."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.engine import PulumiProject
from tests.providers.helpers import account_block, header, repo_env, uniq

pytestmark = [pytest.mark.engine, pytest.mark.xdist_group("providers-two-pipelines")]


def _outputs(names: list[str]) -> str:
    return "".join(
        f"""
a_{n} = dp.Asset('archive-{n}', resource_group_name=RG, account_name=A_NAME, asset_name='archive-{n}')
dp.LiveOutput('{n}', resource_group_name=RG, account_name=A_NAME, live_event_name=EVENT,
    properties={{'assetName': a_{n}.name, 'archiveWindowLength': 'PT1H', 'manifestName': '{n}'}})
"""
        for n in names
    )


def test_two_stacks_adding_outputs_to_one_live_event_concurrently(
    media_project: Callable[..., PulumiProject], connection: dict[str, Any], emulator: Any
) -> None:
    acct = uniq("pipes")
    base = header(connection) + f"A_NAME = {acct!r}\nEVENT = 'shared'\n"
    owner = media_project("pipeline-owner", env=repo_env())
    owner_program = (
        base
        + account_block(acct)
        + "ev = dp.LiveEvent('ev', resource_group_name=RG, account_name=A, live_event_name=EVENT,\n"
        + "    location=LOC, properties={'input': {'streamingProtocol': 'RTMP'}})\n"
    )
    owner.write_program(owner_program)
    owner.up().check()

    # Pipeline 1 adds an output in its own stack; pipeline 2 (another team) adds two in another
    # (three is the service's limit per live event).
    # The owner's output and asset depend on its account and event, so its destroy deletes them first.
    own_outputs = _outputs(["o1"]).replace("EVENT,", "ev.name,").replace("=A_NAME", "=A")
    owner.write_program(owner_program + own_outputs)
    other = media_project("pipeline-other", env=repo_env())
    other.write_program(base + _outputs(["x1", "x2"]))
    other.ensure_stack()

    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda p: p.up(), [owner, other]))
    for run in runs:
        assert run.returncode == 0, run.output[-3000:]
        assert "AnotherOperationInProgress" not in run.output

    event_id = f"/{acct}/liveevents/shared".lower()
    ops = sorted(
        (op["start"], op["end"], op["resource_id"])
        for op in emulator.admin.operations()
        if event_id in op["resource_id"].lower() and op["end"]
    )
    assert len([o for o in ops if "/liveoutputs/" in o[2].lower()]) == 3
    for (_, end, first), (start, _, second) in zip(ops, ops[1:], strict=False):
        assert start >= end, f"{first} and {second} overlapped"
    # The emulator refuses overlapping operations anyway; the point is that the providers never
    # even tried one: the cross-process lock ordered them, so the service answered no 409 at all.
    conflicts = [
        r for r in emulator.admin.rejections() if r["status"] == 409 and event_id in r["path"].lower()
    ]
    assert conflicts == [], conflicts

    # The other team's stack goes first: while its assets are in the account, the owner's destroy
    # refuses to delete the account (it holds entities the owner's stack does not manage).
    for project in (other, owner):
        run = project.destroy()
        assert run.returncode == 0, run.output[-3000:]
