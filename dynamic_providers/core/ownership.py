"""Ownership markers: which existing entity a resource of this stack created.

A create can be accepted by the service and its result still never reach the Pulumi state (the CLI or
the provider killed, a lost LRO poll, a failed LRO). The re-run — possibly on another machine — must
take such an entity back, and must still refuse an entity somebody else created. The evidence lives
on the entity itself: every body this provider sends carries a deterministic marker derived from the
resource's project, stack, type and name (its URN without parent types), in a field the service keeps:

- a tag (``pulumi-owner``) on entities with tags (account, live event, streaming endpoint);
- otherwise a free-text field the user did not set (asset ``alternateId``, locator
  ``alternativeMediaId``, live output / transform / content key policy / job ``description``).

The marker is stripped from everything read back, so it never shows as a diff or as drift. Entities
with no free field (streaming policies, filters, or a description set by the user) are taken back when
the live entity is exactly what this resource would create."""

from __future__ import annotations

import hashlib
from typing import Any

OWNER_KEY = "__owner"
"""Input naming the resource: its URN without parent types (set by MediaResource in the program)."""
OWNER_TAG = "tags.pulumi-owner"
"""owner_path of entities with tags."""
PREFIX = "pulumi-owner:"


def marker(owner: Any) -> str | None:
    if not isinstance(owner, str) or not owner:
        return None
    return PREFIX + hashlib.sha256(owner.encode()).hexdigest()[:40]


def _parent(body: dict[str, Any], path: str, create: bool) -> tuple[dict[str, Any] | None, str]:
    *heads, leaf = path.split(".")
    cur: Any = body
    for h in heads:
        nxt = cur.get(h) if isinstance(cur, dict) else None
        if not isinstance(nxt, dict):
            if not create or not isinstance(cur, dict):
                return None, leaf
            nxt = cur[h] = {}
        cur = nxt
    return (cur if isinstance(cur, dict) else None), leaf


def stampable(body: dict[str, Any], path: str | None) -> bool:
    """True when `path` is free in this desired body (the user did not set it)."""
    if path is None:
        return False
    parent, leaf = _parent(body, path, create=False)
    return parent is None or parent.get(leaf) in (None, "")


def stamp(body: dict[str, Any], path: str | None, owner: Any) -> dict[str, Any]:
    """A copy of the wire body with the ownership marker at `path`, unless the user set that field."""
    mark = marker(owner)
    if mark is None or not stampable(body, path):
        return body
    assert path is not None
    out = _copy(body)
    parent, leaf = _parent(out, path, create=True)
    if parent is not None:
        parent[leaf] = mark
    return out


def found(body: dict[str, Any], path: str | None) -> str | None:
    """The ownership marker an entity carries at `path`, if any."""
    if path is None:
        return None
    parent, leaf = _parent(body, path, create=False)
    v = parent.get(leaf) if parent is not None else None
    return v if isinstance(v, str) and v.startswith(PREFIX) else None


def strip(body: dict[str, Any], path: str | None) -> dict[str, Any]:
    """The live body without the marker (so refresh and outputs never see it)."""
    if found(body, path) is None:
        return body
    assert path is not None
    out = _copy(body)
    parent, leaf = _parent(out, path, create=False)
    if parent is not None:
        parent.pop(leaf, None)
    return out


def _copy(body: dict[str, Any]) -> dict[str, Any]:
    return {k: (_copy(v) if isinstance(v, dict) else v) for k, v in body.items()}
