"""Per-api-version response shapes: what a version of the spec did not define yet is not returned.

Taken from the azure-rest-api-specs history and the Azure CLI recordings (a 2020-05-01 account or live
event carries no ``systemData``, a 2021-05-01 account has it; a 2018-07-01 account no
``encryption``/``storageAuthentication``; a 2020-05-01 account no ``keyDelivery``/``publicNetworkAccess``;
a 2021-06-01 account no ``provisioningState``/``privateEndpointConnections``). Models stay version-free;
this is applied to the wire body only.
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
)


def _prune(body: dict[str, Any], api_version: str) -> None:
    rtype = str(body.get("type", "")).lower()
    for suffix, path, since in INTRODUCED:
        if api_version >= since or not (suffix == "*" or rtype.endswith("/" + suffix.lower())):
            continue
        *parents, leaf = path.split(".")
        cur: Any = body
        for part in parents:
            cur = cur.get(part) if isinstance(cur, dict) else None
        if isinstance(cur, dict):
            cur.pop(leaf, None)


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
