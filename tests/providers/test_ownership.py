"""Ownership markers (core/ownership.py): where they go, that they never overwrite what the user set, and
that reads never see them."""

from __future__ import annotations

from dynamic_providers.core import ownership
from dynamic_providers.core.ownership import OWNER_TAG

URN = "urn:pulumi:local::ams-media::ams:media:LiveChannel$pulumi-python:dynamic/media:LiveEvent::news"


def test_marker_is_deterministic_per_resource() -> None:
    assert ownership.marker(URN) == ownership.marker(URN)
    assert ownership.marker(URN) != ownership.marker(URN.replace(":local::", ":prod::"))
    assert ownership.marker(None) is None


def test_tag_marker_joins_user_tags_and_is_stripped_on_read() -> None:
    body = {"location": "westeurope", "tags": {"team": "media"}}
    sent = ownership.stamp(body, OWNER_TAG, URN)
    assert sent["tags"] == {"team": "media", "pulumi-owner": ownership.marker(URN)}
    assert body["tags"] == {"team": "media"}  # the desired body is not mutated
    assert ownership.found(sent, OWNER_TAG) == ownership.marker(URN)
    assert ownership.strip(sent, OWNER_TAG) == body
    untagged = ownership.stamp({"location": "westeurope"}, OWNER_TAG, URN)
    assert ownership.strip(untagged, OWNER_TAG) == {"location": "westeurope", "tags": {}}


def test_field_marker_never_overwrites_a_value_the_user_set() -> None:
    path = "properties.description"
    mine = {"properties": {"description": "24/7 news", "assetName": "a"}}
    assert not ownership.stampable(mine, path)
    assert ownership.stamp(mine, path, URN) == mine
    assert ownership.found(mine, path) is None
    assert ownership.strip(mine, path) == mine  # a user's description is never stripped
    free = {"properties": {"assetName": "a"}}
    sent = ownership.stamp(free, path, URN)
    assert sent["properties"]["description"] == ownership.marker(URN)
    assert ownership.strip(sent, path) == free
