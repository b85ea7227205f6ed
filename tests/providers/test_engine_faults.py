"""Transient ARM faults during a deployment: bursts of throttling (429 with Retry-After) on PUTs and on
LRO status polls, 500/503 bursts and slow responses are retried within media:retryTimeout; the run
succeeds and converges (a second preview reports nothing)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.engine import PulumiProject
from tests.providers.helpers import account_block, header, repo_env, uniq

pytestmark = [pytest.mark.engine, pytest.mark.xdist_group("providers-faults")]


def test_throttling_and_server_errors_during_up_are_absorbed(
    media_project: Callable[..., PulumiProject], connection: dict[str, Any], emulator: Any
) -> None:
    acct = uniq("fault")
    proj = media_project("faults", env=repo_env())
    proj.write_program(
        header(connection)
        + account_block(acct)
        + """
tr = dp.Transform('tr', resource_group_name=RG, account_name=A, properties={'outputs': [{'preset': {
    '@odata.type': '#Microsoft.Media.BuiltInStandardEncoderPreset', 'presetName': 'AdaptiveStreaming'}}]})
ev = dp.LiveEvent('ev', resource_group_name=RG, account_name=A, location=LOC,
    properties={'input': {'streamingProtocol': 'RTMP'}})
for i in range(2):
    a = dp.Asset(f'archive{i}', resource_group_name=RG, account_name=A)
    dp.LiveOutput(f'out{i}', resource_group_name=RG, account_name=A, live_event_name=ev.name,
        properties={'assetName': a.name, 'archiveWindowLength': 'PT1H', 'manifestName': f'out{i}'})
"""
    )
    admin = emulator.admin
    admin.throttle(count=7, retry_after=0.2, match=f"/{acct}/transforms/", methods=["PUT"])
    admin.throttle(count=7, retry_after=0.2, match=f"/{acct}/liveeventoperations/", methods=["GET"])
    admin.fail_requests(503, count=6, match=f"/{acct}/liveevents/ev/liveoutputs/", methods=["PUT"])
    admin.fail_requests(500, count=6, match=f"/{acct}/assets/", methods=["GET"])
    admin.inject_latency(0.2, match=f"/{acct}/")
    try:
        up = proj.up()
    finally:
        admin.clear_faults()
    assert up.returncode == 0, up.output[-3000:]
    assert up.changes["create"] == 8  # stack, account, transform, event, 2 archives, 2 outputs

    # The faults were really served to the providers.
    served = [r for r in admin.rejections() if acct in r["path"].lower()]
    polls = [r for r in served if r["status"] == 429 and "liveeventoperations" in r["path"].lower()]
    assert len(polls) == 7, served
    assert sum(r["status"] == 429 for r in served) == 14, served
    assert sum(r["status"] == 503 for r in served) == 6, served
    assert sum(r["status"] == 500 for r in served) == 6, served

    assert proj.preview(refresh=True, expect_no_changes=True).returncode == 0
    proj.destroy().check()
