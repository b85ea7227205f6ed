"""Shared plumbing for the components: child options, IP ranges, durations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pulumi

from dynamic_providers.validate import parse_duration

TYPE_PREFIX = "ams-media:components"
TICKS_PER_SECOND = 10_000_000


def child_opts(parent: pulumi.Resource, *, protect: bool = False, **kwargs: Any) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(parent=parent, protect=protect, **kwargs)


def ip_allow(cidrs: Iterable[str], prefix: str = "allow") -> list[dict[str, Any]]:
    """ARM IPRange list ({name, address, subnetPrefixLength}) from CIDR strings like ``10.0.0.0/8``."""
    out = []
    for i, cidr in enumerate(cidrs):
        address, _, bits = cidr.partition("/")
        item: dict[str, Any] = {"name": f"{prefix}{i}", "address": address}
        if bits:
            item["subnetPrefixLength"] = int(bits)
        out.append(item)
    return out


def ticks(duration: str) -> int:
    """ISO 8601 duration in 100 ns ticks (the asset filter timescale 10,000,000)."""
    seconds = parse_duration(duration)
    if seconds is None:
        raise ValueError(f"not an ISO 8601 duration: {duration!r}")
    return int(seconds.total_seconds() * TICKS_PER_SECOND)


def without_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}
