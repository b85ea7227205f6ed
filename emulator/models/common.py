"""Rules and body helpers shared by the service models (no HTTP): ARM decoration, merges, references."""

from __future__ import annotations

import copy
from typing import Any

from .. import validation
from ..errors import ArmError
from ..kinds import KINDS
from ..regions import display_name
from ..service import now_iso
from ..state import Store


def decorate(
    kind: str, rid: str, body: dict[str, Any], principal: str, existing: dict[str, Any] | None
) -> None:
    """ARM's id, name, type and systemData (``principal`` made the change); a location as the service
    spells it: the region's display name, whichever spelling was sent (``centralus`` -> ``Central US`` in
    every Azure CLI recording, PUT answers, GET and lists alike, 2018-07-01 as 2021-06-01)."""
    k = KINDS[kind]
    body["id"] = rid
    body["name"] = rid.rsplit("/", 1)[-1]
    body["type"] = k.type
    if isinstance(body.get("location"), str):
        body["location"] = display_name(body["location"])
    ts = now_iso()
    system: dict[str, Any] = (
        copy.deepcopy(dict(existing["systemData"]))
        if existing and existing.get("systemData")
        else {"createdBy": principal, "createdByType": "Application", "createdAt": ts}
    )
    system.update({"lastModifiedBy": principal, "lastModifiedByType": "Application", "lastModifiedAt": ts})
    body["systemData"] = system


def deep_merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def props(body: dict[str, Any]) -> dict[str, Any]:
    p: dict[str, Any] = body.setdefault("properties", {})
    return p


def stamp_times(body: dict[str, Any], existing: dict[str, Any] | None, model: str) -> None:
    """created/lastModified where the model has them (filters have neither, policies and locators
    no lastModified; the service returned none of those: Azure CLI recordings)."""
    p = props(body)
    ts = now_iso()
    if validation.defines(model, "properties.created"):
        p["created"] = (existing or {}).get("properties", {}).get("created") or ts
    if validation.defines(model, "properties.lastModified"):
        p["lastModified"] = ts


def require_in_account(
    store: Store, account_rid: str, collection: str, name: str, what: str, target: str
) -> dict[str, Any]:
    """The account's ``collection/name`` resource, or 400 InvalidPropertyValue naming ``target``."""
    body = store.get(f"{account_rid}/{collection}/{name}")
    if body is None:
        raise ArmError(400, "InvalidPropertyValue", f"{what} '{name}' was not found.", target=target)
    return body
