"""Entity kinds of the Microsoft.Media resource tree."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    collection: str
    type: str
    model: str
    parent: str | None


KINDS: dict[str, Kind] = {
    k.name: k
    for k in [
        Kind("account", "mediaservices", "Microsoft.Media/mediaservices", "MediaService", None),
        Kind("transform", "transforms", "Microsoft.Media/mediaservices/transforms", "Transform", "account"),
        Kind("job", "jobs", "Microsoft.Media/mediaservices/transforms/jobs", "Job", "transform"),
        Kind("asset", "assets", "Microsoft.Media/mediaservices/assets", "Asset", "account"),
        Kind(
            "assetfilter",
            "assetFilters",
            "Microsoft.Media/mediaservices/assets/assetFilters",
            "AssetFilter",
            "asset",
        ),
        Kind("track", "tracks", "Microsoft.Media/mediaservices/assets/tracks", "AssetTrack", "asset"),
        Kind(
            "accountfilter",
            "accountFilters",
            "Microsoft.Media/mediaservices/accountFilters",
            "AccountFilter",
            "account",
        ),
        Kind(
            "contentkeypolicy",
            "contentKeyPolicies",
            "Microsoft.Media/mediaservices/contentKeyPolicies",
            "ContentKeyPolicy",
            "account",
        ),
        Kind(
            "streamingpolicy",
            "streamingPolicies",
            "Microsoft.Media/mediaservices/streamingPolicies",
            "StreamingPolicy",
            "account",
        ),
        Kind(
            "streaminglocator",
            "streamingLocators",
            "Microsoft.Media/mediaservices/streamingLocators",
            "StreamingLocator",
            "account",
        ),
        Kind(
            "streamingendpoint",
            "streamingEndpoints",
            "Microsoft.Media/mediaservices/streamingEndpoints",
            "StreamingEndpoint",
            "account",
        ),
        Kind("liveevent", "liveEvents", "Microsoft.Media/mediaservices/liveEvents", "LiveEvent", "account"),
        Kind(
            "liveoutput",
            "liveOutputs",
            "Microsoft.Media/mediaservices/liveEvents/liveOutputs",
            "LiveOutput",
            "liveevent",
        ),
        Kind(
            "privateendpointconnection",
            "privateEndpointConnections",
            "Microsoft.Media/mediaservices/privateEndpointConnections",
            "PrivateEndpointConnection",
            "account",
        ),
    ]
}


def chain(kind: str) -> list[Kind]:
    """Kinds from the account down to ``kind``."""
    out: list[Kind] = []
    cur: str | None = kind
    while cur:
        out.append(KINDS[cur])
        cur = KINDS[cur].parent
    return list(reversed(out))
