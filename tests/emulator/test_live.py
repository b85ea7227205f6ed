# mypy: disable-error-code="union-attr,index,misc,arg-type,attr-defined,operator,assignment,return-value"
"""Live events and live outputs: state machine, one LRO at a time, limits, create-only fields."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError
from azure.mgmt.media import AzureMediaServices
from azure.mgmt.media import models as m

from emulator.launcher import RunningEmulator

from .conftest import FAST, create_account, location, unique


@pytest.fixture()
def account(client: AzureMediaServices, conn: dict[str, Any]) -> str:
    """A fresh account per test: live events are limited to 5 per account."""
    return create_account(client, conn)


def new_event(
    client: AzureMediaServices, rg: str, account: str, encoding: str = "PassthroughStandard", **kw: Any
) -> str:
    name = unique("le")
    client.live_events.begin_create(
        rg,
        account,
        name,
        m.LiveEvent(
            location=location(),
            input=m.LiveEventInput(streaming_protocol="RTMP"),
            encoding=m.LiveEventEncoding(encoding_type=encoding),
        ),
        **kw,
    ).result()
    return name


def new_asset(client: AzureMediaServices, rg: str, account: str) -> str:
    name = unique("a")
    client.assets.create_or_update(rg, account, name, m.Asset())
    return name


def add_output(client: AzureMediaServices, rg: str, account: str, event: str, window: str = "PT1H") -> str:
    name = unique("lo")
    asset = new_asset(client, rg, account)
    client.live_outputs.begin_create(
        rg, account, event, name, m.LiveOutput(asset_name=asset, archive_window_length=window)
    ).result()
    return name


@pytest.fixture()
def slow(ams: RunningEmulator) -> Iterator[RunningEmulator]:
    ams.admin.set_durations(liveevent=60, liveoutput=60, streamingendpoint=60)
    try:
        yield ams
    finally:
        ams.admin.set_durations_map(FAST | {"liveevent.start": 0.2, "liveevent.stop": 0.2})
        ams.admin.complete_operations()


def test_state_machine(client: AzureMediaServices, rg: str, account: str) -> None:
    name = new_event(client, rg, account)
    ev = client.live_events.get(rg, account, name)
    assert (ev.resource_state, ev.provisioning_state) == ("Stopped", "Succeeded")
    assert ev.input.access_token and ev.preview.preview_locator
    client.live_events.begin_allocate(rg, account, name).result()
    assert client.live_events.get(rg, account, name).resource_state == "StandBy"
    client.live_events.begin_start(rg, account, name).result()
    ev = client.live_events.get(rg, account, name)
    assert ev.resource_state == "Running"
    assert ev.input.endpoints[0].url.startswith("rtmp://")
    client.live_events.begin_reset(rg, account, name).result()
    assert client.live_events.get(rg, account, name).resource_state == "Running"
    client.live_events.begin_stop(
        rg, account, name, m.LiveEventActionInput(remove_outputs_on_stop=False)
    ).result()
    ev = client.live_events.get(rg, account, name)
    assert ev.resource_state == "Stopped" and not ev.input.endpoints
    client.live_events.begin_delete(rg, account, name).result()
    assert name not in {e.name for e in client.live_events.list(rg, account)}


def test_auto_start(client: AzureMediaServices, rg: str, account: str) -> None:
    name = new_event(client, rg, account, auto_start=True)
    assert client.live_events.get(rg, account, name).resource_state == "Running"
    with pytest.raises(ResourceExistsError) as err:
        client.live_events.begin_delete(rg, account, name)
    assert err.value.error.code == "LiveEventNotStopped"
    client.live_events.begin_stop(rg, account, name, m.LiveEventActionInput()).result()
    client.live_events.begin_delete(rg, account, name).result()


def test_wrong_state_actions(client: AzureMediaServices, rg: str, account: str) -> None:
    name = new_event(client, rg, account)
    with pytest.raises(ResourceExistsError) as err:
        client.live_events.begin_reset(rg, account, name)
    assert err.value.status_code == 409 and err.value.error.code == "LiveEventInvalidState"
    with pytest.raises(ResourceExistsError):
        client.live_events.begin_stop(rg, account, name, m.LiveEventActionInput())


def test_stop_refuses_with_outputs_unless_remove(client: AzureMediaServices, rg: str, account: str) -> None:
    name = new_event(client, rg, account)
    client.live_events.begin_start(rg, account, name).result()
    out = add_output(client, rg, account, name)
    assert client.live_outputs.get(rg, account, name, out).resource_state == "Running"
    with pytest.raises(ResourceExistsError) as err:
        client.live_events.begin_stop(rg, account, name, m.LiveEventActionInput(remove_outputs_on_stop=False))
    assert err.value.error.code == "LiveEventHasLiveOutputs"
    assert client.live_events.get(rg, account, name).resource_state == "Running"
    client.live_events.begin_stop(
        rg, account, name, m.LiveEventActionInput(remove_outputs_on_stop=True)
    ).result()
    assert list(client.live_outputs.list(rg, account, name)) == []


def test_update_rules(client: AzureMediaServices, rg: str, account: str) -> None:
    name = new_event(client, rg, account)
    ev = client.live_events.get(rg, account, name)
    ev.description = "changed"
    ev.tags = {"a": "b"}
    updated = client.live_events.begin_update(rg, account, name, ev).result()
    assert updated.description == "changed" and updated.tags == {"a": "b"}
    ev.input.streaming_protocol = "FragmentedMP4"
    with pytest.raises(HttpResponseError) as err:
        client.live_events.begin_update(rg, account, name, ev)
    assert err.value.status_code == 400 and err.value.error.code == "InvalidPropertyValue"
    assert "streamingProtocol" in err.value.error.message
    ev = client.live_events.get(rg, account, name)
    ev.encoding.encoding_type = "Standard"
    with pytest.raises(HttpResponseError) as err:
        client.live_events.begin_update(rg, account, name, ev)
    assert err.value.status_code == 400


def test_no_update_in_transitional_state(
    slow: RunningEmulator, client: AzureMediaServices, rg: str, account: str
) -> None:
    slow.admin.set_durations(liveevent=0.1)
    name = new_event(client, rg, account)
    slow.admin.set_durations(liveevent=60)
    client.live_events.begin_start(rg, account, name)
    ev = client.live_events.get(rg, account, name)
    assert ev.resource_state == "Starting" and ev.provisioning_state == "InProgress"
    ev.description = "not now"
    with pytest.raises(ResourceExistsError) as err:
        client.live_events.begin_update(rg, account, name, ev)
    assert err.value.status_code == 409
    assert client.live_events.get(rg, account, name).description == ""  # unchanged (the service default)
    slow.admin.complete_operations(name)
    ev = client.live_events.get(rg, account, name)
    assert ev.resource_state == "Running"


def test_one_lro_at_a_time(slow: RunningEmulator, client: AzureMediaServices, rg: str, account: str) -> None:
    slow.admin.set_durations(liveevent=0.1, liveoutput=0.1)
    name = new_event(client, rg, account)
    out = add_output(client, rg, account, name)
    asset = new_asset(client, rg, account)
    slow.admin.set_durations(liveevent=60, liveoutput=60)
    client.live_events.begin_allocate(rg, account, name)
    before = client.live_events.get(rg, account, name)
    attempts = [
        lambda: client.live_events.begin_start(rg, account, name),
        lambda: client.live_events.begin_update(rg, account, name, before),
        lambda: client.live_outputs.begin_delete(rg, account, name, out),
        lambda: client.live_outputs.begin_create(
            rg, account, name, unique("lo"), m.LiveOutput(asset_name=asset, archive_window_length="PT1H")
        ),
        lambda: client.live_events.begin_delete(rg, account, name),
    ]
    for attempt in attempts:
        with pytest.raises(ResourceExistsError) as err:
            attempt()
        assert err.value.status_code == 409
        assert err.value.error.code == "AnotherOperationInProgress"
        assert "in progress" in err.value.error.message
        assert "Retry-After" not in err.value.response.headers  # azure-core would retry it silently
    after = client.live_events.get(rg, account, name)
    assert after.resource_state == "Allocating"
    assert [o.name for o in client.live_outputs.list(rg, account, name)] == [out]
    slow.admin.complete_operations(name)
    assert client.live_events.get(rg, account, name).resource_state == "StandBy"
    # an output LRO blocks the event, too
    client.live_outputs.begin_delete(rg, account, name, out)
    with pytest.raises(ResourceExistsError) as err:
        client.live_events.begin_start(rg, account, name)
    assert err.value.error.code == "AnotherOperationInProgress"
    slow.admin.complete_operations(name)
    assert list(client.live_outputs.list(rg, account, name)) == []


def test_live_output_limits(client: AzureMediaServices, rg: str, account: str) -> None:
    basic = new_event(client, rg, account, encoding="PassthroughBasic")
    add_output(client, rg, account, basic)
    with pytest.raises(HttpResponseError) as err:
        add_output(client, rg, account, basic)
    assert err.value.status_code == 400 and err.value.error.code == "LiveOutputLimitExceeded"
    standard = new_event(client, rg, account)
    for _ in range(3):
        add_output(client, rg, account, standard)
    with pytest.raises(HttpResponseError) as err:
        add_output(client, rg, account, standard)
    assert err.value.error.code == "LiveOutputLimitExceeded"


@pytest.mark.parametrize("window", ["PT59S", "PT25H1M", "P2D"])
def test_archive_window_bounds(client: AzureMediaServices, rg: str, account: str, window: str) -> None:
    name = new_event(client, rg, account)
    with pytest.raises(HttpResponseError) as err:
        add_output(client, rg, account, name, window)
    assert err.value.status_code == 400 and "archiveWindowLength" in err.value.error.message


@pytest.mark.parametrize("window", ["PT1M", "PT25H"])
def test_archive_window_edges_accepted(
    client: AzureMediaServices, rg: str, account: str, window: str
) -> None:
    name = new_event(client, rg, account)
    out = add_output(client, rg, account, name, window)
    assert client.live_outputs.get(rg, account, name, out).provisioning_state == "Succeeded"


def test_failed_lro_is_reported(
    ams: RunningEmulator, client: AzureMediaServices, rg: str, account: str
) -> None:
    name = new_event(client, rg, account)
    ams.admin.fail_next_lro(name, code="EncoderFailure", message="injected")
    with pytest.raises(HttpResponseError) as err:
        client.live_events.begin_start(rg, account, name).result()
    assert err.value.error.code == "EncoderFailure"
    ev = client.live_events.get(rg, account, name)
    assert ev.resource_state == "Stopped" and ev.provisioning_state == "Failed"
    log = [o for o in ams.admin.operations() if o["resource_id"].endswith(name) and o["action"] == "start"]
    assert log[-1]["outcome"] == "Failed" and log[-1]["end"] >= log[-1]["start"]
    client.live_events.begin_start(rg, account, name).result()
    assert client.live_events.get(rg, account, name).provisioning_state == "Succeeded"


def test_live_event_quota(client: AzureMediaServices, rg: str, account: str) -> None:
    for _ in range(5):
        new_event(client, rg, account)
    with pytest.raises(HttpResponseError) as err:
        new_event(client, rg, account)
    assert err.value.status_code == 400 and err.value.error.code == "QuotaExceeded"


def test_outputs_share_an_asset_under_different_manifests(
    client: AzureMediaServices, rg: str, account: str
) -> None:
    """As the service does (azure-cli recording test_live_event_stop_and_remove_outputs: two outputs on one
    asset with different manifest names); the same manifest twice in one asset is refused."""
    ev = new_event(client, rg, account)
    asset = new_asset(client, rg, account)
    for name, manifest in (("lo1", "man1"), ("lo2", "man2")):
        client.live_outputs.begin_create(
            rg, account, ev, name,
            m.LiveOutput(asset_name=asset, archive_window_length="PT5M", manifest_name=manifest),
        ).result()  # fmt: skip
    assert {o.asset_name for o in client.live_outputs.list(rg, account, ev)} == {asset}
    with pytest.raises(HttpResponseError) as err:
        client.live_outputs.begin_create(
            rg,
            account,
            ev,
            "lo3",
            m.LiveOutput(asset_name=asset, archive_window_length="PT5M", manifest_name="man1"),
        ).result()
    assert err.value.status_code == 409
