"""Per-api-version response shapes: what a version of the spec did not define yet is not returned.

Taken from the azure-rest-api-specs history and the Azure CLI recordings (a 2020-05-01 account or live
event carries no ``systemData``, a 2021-05-01 account has it; a 2018-07-01 account no
``encryption``/``storageAuthentication``; a 2020-05-01 account no ``keyDelivery``/``publicNetworkAccess``;
a 2021-06-01 account no ``provisioningState``/``privateEndpointConnections``). Models stay version-free;
this is applied to the wire body only.

Members a version named differently (``RENAMED``) are renamed both ways, also in requests.
"""

from __future__ import annotations

from typing import Any

# (resource type suffix or "*", dotted path, first api-version that returned it)
INTRODUCED: tuple[tuple[str, str, str], ...] = (
    ("*", "systemData", "2021-05-01"),
    ("mediaservices", "properties.encryption", "2020-05-01"),
    ("mediaservices", "properties.storageAuthentication", "2020-05-01"),
    ("mediaservices", "properties.keyDelivery", "2021-05-01"),
    ("mediaservices", "properties.publicNetworkAccess", "2021-06-01"),
    # The spec has them from 2021-06-01, but the service answered 2021-06-01 without them (2022, 2023).
    ("mediaservices", "properties.provisioningState", "2021-11-01"),
    ("mediaservices", "properties.privateEndpointConnections", "2021-11-01"),
    ("mediaservices", "properties.minimumTlsVersion", "2023-01-01"),
    ("liveevents", "properties.hostnamePrefix", "2019-05-01-preview"),
    # The pre-GA previews (Microsoft.Media/preview/2018-03-30-preview, 2018-06-01-preview specs).
    ("liveevents", "properties.preview.alternativeMediaId", "2018-06-01-preview"),
    ("jobs", "properties.correlationData", "2018-06-01-preview"),
    ("streaminglocators", "properties.filters", "2018-07-01"),
    ("streamingendpoints", "sku", "2021-11-01"),
)

# (resource type suffix, dotted path today, its name before, first api-version with today's name):
# 2018-07-01 called a live event's static hostname `vanityUrl` (recordings test_live_event_create/_update).
RENAMED: tuple[tuple[str, str, str, str], ...] = (
    ("liveevents", "properties.useStaticHostname", "vanityUrl", "2019-05-01-preview"),
)

# Streaming entities' create (PUT) answered 202 before 2020-05-01 and 201 since (recordings
# test_live_event_create/test_live_output_create/test_ams_streaming_endpoint_create at 2018-07-01,
# test_live_event_start at 2020-05-01).
STREAMING_CREATED_SINCE = "2020-05-01"


def created_status(api_version: str) -> int:
    """The status of a streaming entity's create LRO as ``api_version`` answered it."""
    return 201 if api_version >= STREAMING_CREATED_SINCE else 202


def _parent(body: dict[str, Any], dotted: str) -> tuple[Any, str]:
    *parents, leaf = dotted.split(".")
    cur: Any = body
    for part in parents:
        cur = cur.get(part) if isinstance(cur, dict) else None
    return cur, leaf


def request_for_version(rtype: str, body: Any, api_version: str) -> Any:
    """A request ``body`` sent with ``api_version`` in today's names (``rtype``: e.g. ``liveevents``)."""
    if not isinstance(body, dict):
        return body
    for suffix, dotted, old, since in RENAMED:
        if api_version >= since or suffix != rtype.lower():
            continue
        cur, leaf = _parent(body, dotted)
        if isinstance(cur, dict) and old in cur:
            cur[leaf] = cur.pop(old)
    return body


# Up to 2021-11-01 the service left out an asset's container when it chose it itself (asset-<assetId>;
# recordings test_ams_job at 2018-07-01, test_ams_asset_get_encryption_key at 2021-11-01). Later versions
# (the providers' 2023-01-01) keep it: no recording shows otherwise, and the Asset provider outputs it.
ASSET_OWN_CONTAINER_SINCE = "2022-08-01"


def _prune(body: dict[str, Any], api_version: str) -> None:
    rtype = str(body.get("type", "")).lower()
    p = body.get("properties")
    own = isinstance(p, dict) and p.get("container") == f"asset-{p.get('assetId')}"
    if own and rtype.endswith("/assets") and api_version < ASSET_OWN_CONTAINER_SINCE:
        del body["properties"]["container"]
    for suffix, path, since in INTRODUCED:
        if api_version >= since or not (suffix == "*" or rtype.endswith("/" + suffix.lower())):
            continue
        cur, leaf = _parent(body, path)
        if isinstance(cur, dict):
            cur.pop(leaf, None)
    for suffix, dotted, old, since in RENAMED:
        if api_version >= since or not rtype.endswith("/" + suffix):
            continue
        cur, leaf = _parent(body, dotted)
        if isinstance(cur, dict) and leaf in cur:
            cur[old] = cur.pop(leaf)


def for_version(body: Any, api_version: str) -> Any:
    """``body`` (a resource or a list page) as ``api_version`` answered it."""
    if not isinstance(body, dict) or not api_version[:4].isdigit():
        return body
    value = body.get("value")
    items: list[Any] = value if isinstance(value, list) else [body]
    for item in items:
        if isinstance(item, dict) and "type" in item:
            _prune(item, api_version)
    return body
