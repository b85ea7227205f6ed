# mypy: disable-error-code="union-attr,index,misc,arg-type,attr-defined,operator,assignment,return-value"
"""Paging via @odata.nextLink, $filter/$orderby/$top, and naming rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError
from azure.core.rest import HttpRequest
from azure.mgmt.media import AzureMediaServices
from azure.mgmt.media import models as m

from emulator.launcher import RunningEmulator

from .conftest import create_account, location, unique


@pytest.fixture(scope="module")
def paged_account(client: AzureMediaServices, conn: dict[str, Any]) -> str:
    name = create_account(client, conn)
    rg = conn["resource_group"]
    for i in range(7):
        client.assets.create_or_update(rg, name, f"asset{i}", m.Asset(alternate_id=f"alt{i % 2}"))
    preset = m.BuiltInStandardEncoderPreset(preset_name="AdaptiveStreaming")
    for i in range(5):
        client.transforms.create_or_update(
            rg, name, f"tr{i}", m.Transform(outputs=[m.TransformOutput(preset=preset)])
        )
    return name


@pytest.fixture()
def small_pages(ams: RunningEmulator) -> Iterator[None]:
    ams.admin.set_page_size(2)
    try:
        yield
    finally:
        ams.admin.set_page_size(1000)


def test_paging_follows_next_link(
    small_pages: None, client: AzureMediaServices, conn: dict[str, Any], paged_account: str
) -> None:
    rg = conn["resource_group"]
    pages = list(client.assets.list(rg, paged_account).by_page())
    assert [len(list(p)) for p in pages] == [2, 2, 2, 1]
    url = (
        f"{conn['arm_endpoint']}/subscriptions/{conn['subscription_id']}/resourceGroups/{rg}"
        f"/providers/Microsoft.Media/mediaServices/{paged_account}/assets?api-version=2022-08-01"
    )
    body = client._client.send_request(HttpRequest("GET", url)).json()
    assert "api-version=2022-08-01" in body["@odata.nextLink"]
    names = [t.name for t in client.transforms.list(rg, paged_account)]
    assert names == [f"tr{i}" for i in range(5)]


def test_filter_orderby_top(
    small_pages: None, client: AzureMediaServices, conn: dict[str, Any], paged_account: str
) -> None:
    rg = conn["resource_group"]
    got = [a.name for a in client.assets.list(rg, paged_account, orderby="name desc", top=3)]
    assert got == ["asset6", "asset5", "asset4"]
    got = [a.name for a in client.assets.list(rg, paged_account, filter="name gt 'asset4'", orderby="name")]
    assert got == ["asset5", "asset6"]
    got = [a.name for a in client.assets.list(rg, paged_account, filter="properties/alternateId eq 'alt1'")]
    assert got == ["asset1", "asset3", "asset5"]
    got = [t.name for t in client.transforms.list(rg, paged_account, filter="name eq 'tr3'")]
    assert got == ["tr3"]
    first = client.assets.get(rg, paged_account, "asset0").created
    later = [
        a.name
        for a in client.assets.list(rg, paged_account, filter=f"properties/created gt {first.isoformat()}")
    ]
    assert "asset0" not in later and len(later) == 6
    with pytest.raises(HttpResponseError) as err:
        list(client.assets.list(rg, paged_account, filter="properties/description eq 'x'"))
    assert err.value.status_code == 400
    with pytest.raises(HttpResponseError):
        list(client.transforms.list(rg, paged_account, filter="name gt 'a'"))


def test_job_state_filter(client: AzureMediaServices, conn: dict[str, Any], paged_account: str) -> None:
    rg = conn["resource_group"]
    client.assets.create_or_update(rg, paged_account, "jobin", m.Asset())
    client.jobs.create(
        rg,
        paged_account,
        "tr0",
        "jobf",
        m.Job(input=m.JobInputAsset(asset_name="jobin"), outputs=[m.JobOutputAsset(asset_name="jobin")]),
    )
    while client.jobs.get(rg, paged_account, "tr0", "jobf").state != "Finished":
        pass
    flt = "properties/state eq Microsoft.Media.JobState'Finished'"
    assert [j.name for j in client.jobs.list(rg, paged_account, "tr0", filter=flt)] == ["jobf"]
    flt = "properties/state ne Microsoft.Media.JobState'Finished'"
    assert list(client.jobs.list(rg, paged_account, "tr0", filter=flt)) == []


BAD_GENERAL = ["a<b", "a>b", "a%b", "a&b", "a:b", "a?b", "a*b", "a+b", "a.b", "a'b", "a\x01b", "x" * 261]


@pytest.mark.parametrize("name", BAD_GENERAL)
def test_general_naming(
    client: AzureMediaServices, conn: dict[str, Any], paged_account: str, name: str
) -> None:
    with pytest.raises(HttpResponseError) as err:
        client.assets.create_or_update(conn["resource_group"], paged_account, name, m.Asset())
    assert err.value.status_code == 400 and err.value.error.code == "InvalidResourceName"
    with pytest.raises(HttpResponseError) as err:
        client.content_key_policies.create_or_update(
            conn["resource_group"],
            paged_account,
            name,
            m.ContentKeyPolicy(
                options=[
                    m.ContentKeyPolicyOption(
                        configuration=m.ContentKeyPolicyClearKeyConfiguration(),
                        restriction=m.ContentKeyPolicyOpenRestriction(),
                    )
                ]
            ),
        )
    assert err.value.status_code == 400 and err.value.error.code == "InvalidResourceName"


def test_general_naming_accepts_260(
    client: AzureMediaServices, conn: dict[str, Any], paged_account: str
) -> None:
    name = "n" * 250 + "-_~ !()"
    made = client.account_filters.create_or_update(
        conn["resource_group"], paged_account, name, m.AccountFilter()
    )
    assert made.name == name


@pytest.mark.parametrize("name", ["ab", "UPPER1", "has-dash", "x" * 25])
def test_account_naming(client: AzureMediaServices, conn: dict[str, Any], name: str) -> None:
    with pytest.raises(HttpResponseError) as err:
        create_account(client, conn, name)
    assert err.value.status_code == 400 and err.value.error.code == "InvalidResourceName"


@pytest.mark.parametrize(
    ("kind", "name", "ok"),
    [
        ("liveevent", "a" * 32, True),
        ("liveevent", "a" * 33, False),
        ("liveevent", "-bad", False),
        ("liveevent", "bad_name", False),
        ("liveevent", "good--name", True),
        ("streamingendpoint", "a" * 24, True),
        ("streamingendpoint", "a" * 25, False),
        ("liveoutput", "o" * 256, True),
        ("liveoutput", "o" * 257, False),
        ("liveoutput", "bad-", False),
    ],
)
def test_live_naming(
    client: AzureMediaServices, conn: dict[str, Any], kind: str, name: str, ok: bool
) -> None:
    rg = conn["resource_group"]
    account = create_account(client, conn)
    if kind == "liveevent":
        call = lambda: client.live_events.begin_create(  # noqa: E731
            rg,
            account,
            name,
            m.LiveEvent(location=location(), input=m.LiveEventInput(streaming_protocol="RTMP")),
        ).result()
    elif kind == "streamingendpoint":
        call = lambda: client.streaming_endpoints.begin_create(  # noqa: E731
            rg, account, name, m.StreamingEndpoint(location=location(), scale_units=0)
        ).result()
    else:
        client.live_events.begin_create(
            rg,
            account,
            "ev",
            m.LiveEvent(location=location(), input=m.LiveEventInput(streaming_protocol="RTMP")),
        ).result()
        client.assets.create_or_update(rg, account, "out", m.Asset())
        call = lambda: client.live_outputs.begin_create(  # noqa: E731
            rg, account, "ev", name, m.LiveOutput(asset_name="out", archive_window_length="PT1H")
        ).result()
    if ok:
        call()
    else:
        with pytest.raises(HttpResponseError) as err:
            call()
        assert err.value.status_code == 400 and err.value.error.code == "InvalidResourceName"


def test_unique_suffix() -> None:
    assert unique("x") != unique("x")
