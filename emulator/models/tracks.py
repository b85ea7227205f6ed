"""Asset tracks: text tracks only, their file in the asset's container, one LRO at a time (no HTTP)."""

from __future__ import annotations

from typing import Any

from ..errors import ArmError
from ..lro import completes, removed, succeeded
from ..service import Service
from .common import decorate, deep_merge

TRACK = "track"


def _check_track(svc: Service, asset: dict[str, Any], body: dict[str, Any]) -> None:
    track = body.get("properties", {}).get("track") or {}
    if not str(track.get("@odata.type", "")).endswith("TextTrack"):
        raise ArmError(
            400, "BadRequest", "Only text tracks can be created or updated.", target="properties.track"
        )
    name = track.get("fileName")
    if not name:
        raise ArmError(
            400, "InvalidRequestContent", "A text track needs a fileName.", target="properties.track.fileName"
        )
    ap = asset["properties"]
    if svc.azurite is not None and name not in svc.azurite.list_blobs(
        ap["container"], ap.get("storageAccountName")
    ):
        raise ArmError(
            400,
            "BadRequest",
            f"The track file '{name}' does not exist in the container of asset '{asset['name']}'; "
            "upload it first.",
            target="properties.track.fileName",
        )


def put(
    svc: Service,
    name: str,
    rid: str,
    asset_rid: str,
    asset: dict[str, Any],
    existing: dict[str, Any] | None,
    body: dict[str, Any],
    principal: str,
) -> dict[str, Any]:
    """Store the track and begin its create/update operation; returns the operation."""
    _check_track(svc, asset, body)
    svc.lro.ensure_free(rid, f"track '{name}'")
    decorate(TRACK, rid, body, principal, existing)
    body["properties"]["provisioningState"] = "InProgress"
    svc.store.put(rid, TRACK, asset_rid, body)
    return svc.lro.begin(TRACK, "update" if existing else "create", rid, rid, existing, duration_key="track")


def update(
    svc: Service,
    rid: str,
    asset: dict[str, Any],
    existing: dict[str, Any],
    patch: dict[str, Any],
    principal: str,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Merge ``patch`` into the track and begin its update operation: (new body, operation)."""
    svc.lro.ensure_free(rid, f"track '{existing['name']}'")
    merged = deep_merge(existing, patch)
    _check_track(svc, asset, merged)
    decorate(TRACK, rid, merged, principal, existing)
    merged["properties"]["provisioningState"] = "InProgress"
    svc.store.replace_body(rid, merged)
    return merged, svc.lro.begin(TRACK, "update", rid, rid, existing, duration_key="track")


def begin(svc: Service, rid: str, existing: dict[str, Any], action: str) -> dict[str, Any]:
    """Begin ``delete`` or ``updatedata`` on an existing track; returns the operation."""
    svc.lro.ensure_free(rid, f"track '{existing['name']}'")
    return svc.lro.begin(TRACK, action, rid, rid, existing, duration_key="track")


completes(TRACK, succeeded, "create", "update", "updatedata")
completes(TRACK, removed, "delete")
