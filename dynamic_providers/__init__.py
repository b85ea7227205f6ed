"""Pulumi dynamic providers for every Azure Media Services v3 (Microsoft.Media) entity, over
azure-mgmt-media.

Every class takes ``resource_group_name``, ``account_name``, parent names, its own name (defaulting to
the Pulumi resource name), ``properties`` in the ARM REST camelCase shape, top-level ARM fields where the
entity has them, desired-state args where relevant, ``adopt`` (take over an existing entity) and ``opts``."""

from .account import MediaService
from .asset import Asset
from .asset_content import AssetContent
from .content_key_policy import ContentKeyPolicy
from .filters import AccountFilter, AssetFilter
from .job import Job
from .live import LiveEvent, LiveOutput
from .streaming import StreamingLocator, StreamingPolicy
from .streaming_endpoint import StreamingEndpoint
from .transform import Transform

__all__ = [
    "AccountFilter",
    "Asset",
    "AssetContent",
    "AssetFilter",
    "ContentKeyPolicy",
    "Job",
    "LiveEvent",
    "LiveOutput",
    "MediaService",
    "StreamingEndpoint",
    "StreamingLocator",
    "StreamingPolicy",
    "Transform",
]
