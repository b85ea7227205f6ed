"""The ARM ID each provider derives from its inputs (used as the lock key and
the fallback resource ID) is the service's ID for that entity."""

from __future__ import annotations

import pytest

from dynamic_providers.account import MediaServiceProvider
from dynamic_providers.asset import AssetProvider
from dynamic_providers.asset_content import AssetContentProvider
from dynamic_providers.content_key_policy import ContentKeyPolicyProvider
from dynamic_providers.core import client as clientmod
from dynamic_providers.filters import AccountFilterProvider, AssetFilterProvider
from dynamic_providers.job import JobProvider
from dynamic_providers.live import LiveEventProvider, LiveOutputProvider, event_id
from dynamic_providers.streaming import StreamingLocatorProvider, StreamingPolicyProvider
from dynamic_providers.streaming_endpoint import StreamingEndpointProvider
from dynamic_providers.transform import TransformProvider

SUB = "11111111-2222-4333-8444-555555555555"
ACCOUNT = f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Media/mediaservices/acct"
INPUTS = {
    "resource_group_name": "rg",
    "account_name": "acct",
    "asset_name": "a1",
    "filter_name": "f1",
    "transform_name": "t1",
    "job_name": "j1",
    "content_key_policy_name": "ckp",
    "streaming_policy_name": "sp",
    "streaming_locator_name": "sl",
    "streaming_endpoint_name": "se",
    "live_event_name": "ev",
    "live_output_name": "out",
}


@pytest.fixture(autouse=True)
def _subscription(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clientmod, "subscription_id", lambda: SUB)


@pytest.mark.parametrize(
    ("provider", "suffix"),
    [
        (MediaServiceProvider, ""),
        (AssetProvider, "/assets/a1"),
        (AssetContentProvider, "/assets/a1/content"),
        (AssetFilterProvider, "/assets/a1/assetFilters/f1"),
        (AccountFilterProvider, "/accountFilters/f1"),
        (TransformProvider, "/transforms/t1"),
        (JobProvider, "/transforms/t1/jobs/j1"),
        (ContentKeyPolicyProvider, "/contentKeyPolicies/ckp"),
        (StreamingPolicyProvider, "/streamingPolicies/sp"),
        (StreamingLocatorProvider, "/streamingLocators/sl"),
        (StreamingEndpointProvider, "/streamingEndpoints/se"),
        (LiveEventProvider, "/liveEvents/ev"),
        (LiveOutputProvider, "/liveEvents/ev/liveOutputs/out"),
    ],
)
def test_arm_id_of_every_entity(provider: type, suffix: str) -> None:
    assert provider().arm_id(INPUTS) == ACCOUNT + suffix


def test_live_event_and_its_outputs_share_one_lock_key() -> None:
    assert event_id(INPUTS) == (ACCOUNT + "/liveEvents/ev").lower()
    assert LiveEventProvider().lock_key(INPUTS) == LiveOutputProvider().lock_key(INPUTS) == event_id(INPUTS)
