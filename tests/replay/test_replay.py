"""The Azure CLI ams recordings replayed against the emulator as recorded (original api-versions)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from azure.mgmt.media import AzureMediaServices

from emulator.launcher import RunningEmulator, start_emulator
from tests.emulator.conftest import FAST, make_client

from .replay import RECORDINGS, replay

KNOWN = json.loads((Path(__file__).parent / "known_differences.json").read_text())


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningEmulator]:
    # Jobs move one state per step: long enough that the recorded Canceling outlasts five deletes;
    # an endpoint start/stop long enough that the show right after a --no-wait one sees Starting/Stopping.
    slow = {"job.step": 1.0, "streamingendpoint.start": 1.0, "streamingendpoint.stop": 1.0}
    emu = start_emulator(tmp_path_factory.mktemp("replay"), durations={**FAST, **slow})
    yield emu
    emu.stop()


@pytest.fixture(scope="module")
def replay_client(emulator: RunningEmulator) -> AzureMediaServices:
    return make_client(emulator.connection)


def test_every_recorded_interaction_matches_or_is_a_listed_difference(
    emulator: RunningEmulator, replay_client: AzureMediaServices, capsys: Any
) -> None:
    outcomes = [
        o
        for path in sorted(RECORDINGS.glob("*.json"))
        for o in replay(replay_client, emulator.connection, path)
    ]
    assert outcomes, "no recordings transcribed"
    matched = [o for o in outcomes if not o.differences]
    unexplained = [
        f"{o.key} {o.request}: {'; '.join(o.differences)}"
        for o in outcomes
        if o.differences and o.key not in KNOWN
    ]
    stale = [o.key for o in matched if o.key in KNOWN]
    with capsys.disabled():
        print(
            f"\nreplay: {len(matched)}/{len(outcomes)} recorded interactions match; "
            f"{len(outcomes) - len(matched)} listed differences"
        )
        for o in outcomes:
            if o.differences:
                print(f"  {o.key} {o.request}: {'; '.join(o.differences)}")
    assert not unexplained, "\n".join(unexplained)
    assert not stale, f"listed as different but now matching (remove from known_differences.json): {stale}"
