"""Content key policies, streaming policies and streaming locators: their rules, the secrets a policy
answers without, a locator's content keys and its streaming and download paths (no HTTP)."""

from __future__ import annotations

import base64
import copy
import secrets
from typing import Any
from urllib.parse import urlsplit

from ..errors import ArmError
from ..service import Service, new_id
from .common import require_in_account
from .crud import Entity

# ---- content key policies ------------------------------------------------------------------------
SECRET_KEYS = {"keyValue", "ask", "fairPlayPfx", "fairPlayPfxPassword", "exponent", "modulus", "rawBody"}


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        # as the service answered (Azure CLI recordings): a symmetric token key without keyValue, the other
        # secrets (FairPlay ask/pfx/password, RSA exponent/modulus, X.509 rawBody) as null
        return {k: (None if k in SECRET_KEYS else _scrub(v)) for k, v in value.items() if k != "keyValue"}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def _without_secrets(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = _scrub(body)  # new dicts and lists all the way down: the stored body is kept
    return out


def _prepare_ckp(
    svc: Service, account_rid: str, rid: str, body: dict[str, Any], existing: dict[str, Any] | None
) -> None:
    p = body["properties"]
    p["policyId"] = (existing or {}).get("properties", {}).get("policyId") or new_id()
    # policyOptionId is read-only, so options sent in a PUT/PATCH carry none and get a new one, also when
    # the name is kept (recording test_content_key_policy_update: 0d5ebd24… → ae8cd684…); options a
    # PATCH does not send keep theirs.
    for opt in p.get("options") or []:
        opt["policyOptionId"] = opt.get("policyOptionId") or new_id()
        config = opt.get("configuration") or {}
        for lic in config.get("licenses") or []:
            _check_play_right(lic.get("playRight") or {})
        if config.get("rentalAndLeaseKeyType") == "DualExpiry":
            # offline rental: the service keeps the durations of offlineRentalConfiguration and answers
            # rentalDuration 0 (recording test_content_key_policy_create_with_fairplay_offline)
            config["rentalDuration"] = 0
    if not p.get("options"):
        raise ArmError(
            400,
            "InvalidRequestContent",
            "A content key policy needs at least one option.",
            target="properties.options",
        )


def _check_play_right(right: dict[str, Any]) -> None:
    """The service's PlayReady rule (recording test_content_key_policy_create_with_playready_fail)."""
    if (
        right.get("digitalVideoOnlyContentRestriction")
        and right.get("allowPassingVideoContentToUnknownOutput", "NotAllowed") != "NotAllowed"
    ):
        raise ArmError(
            400,
            "BadRequest",
            "PlayReady does not allow passing to unknown outputs if the DigitalVideoOnlyContentRestriction "
            "is enabled.",
        )


CONTENT_KEY_POLICY = Entity("contentkeypolicy", prepare=_prepare_ckp, view=_without_secrets)


# ---- streaming policies --------------------------------------------------------------------------
def _refuse_deleting_used(svc: Service, account_rid: str, body: dict[str, Any]) -> None:
    if body["name"].lower().startswith("predefined_"):
        raise ArmError(
            400, "BadRequest", f"The predefined streaming policy '{body['name']}' cannot be deleted."
        )
    for loc in svc.store.children(account_rid, "streaminglocator"):
        if str(loc["properties"].get("streamingPolicyName", "")).lower() == body["name"].lower():
            raise ArmError(
                409,
                "Conflict",
                f"Streaming policy '{body['name']}' is used by streaming locator '{loc['name']}'.",
            )


def _require_default_policy(svc: Service, account_rid: str, p: dict[str, Any]) -> None:
    ckp = p.get("defaultContentKeyPolicyName")
    if ckp:
        require_in_account(
            svc.store,
            account_rid,
            "contentKeyPolicies",
            ckp,
            "Content key policy",
            "properties.defaultContentKeyPolicyName",
        )


def _prepare_policy(
    svc: Service, account_rid: str, rid: str, body: dict[str, Any], existing: dict[str, Any] | None
) -> None:
    if body["name"].lower().startswith("predefined_"):
        raise ArmError(400, "BadRequest", "Streaming policy names starting with 'Predefined_' are reserved.")
    p = body["properties"]
    schemes = [
        k
        for k in ("envelopeEncryption", "commonEncryptionCenc", "commonEncryptionCbcs", "noEncryption")
        if p.get(k)
    ]
    if not schemes:
        raise ArmError(
            400, "InvalidRequestContent", "A streaming policy needs at least one encryption scheme."
        )
    for scheme in schemes:
        _check_templates(p[scheme])
    cbcs_drm = (p.get("commonEncryptionCbcs") or {}).get("drm") or {}
    if "playReady" in cbcs_drm or "widevine" in cbcs_drm:  # recording ..._cbcs_disable_fairplay
        raise ArmError(
            400, "BadRequest", "PlayReady and Widevine are not supported by CommonEncryptionCbcs yet"
        )
    _require_default_policy(svc, account_rid, p)


def _check_templates(scheme: dict[str, Any]) -> None:
    """An envelope key acquisition URL template is an absolute URI (recording ..._policy_envelope; the
    DRM license templates are not checked: "test.com" was accepted, ..._locator_with_content_keys)."""
    url = scheme.get("customKeyAcquisitionUrlTemplate")
    if url is not None and not (urlsplit(url).scheme and urlsplit(url).netloc):
        raise ArmError(
            400,
            "BadRequest",
            f"Custom key acquisition URL template is not of a valid absolute URI format: {url}",
        )


STREAMING_POLICY = Entity(
    "streamingpolicy",
    updatable=False,
    create_only=True,
    limit=100 + 6,  # 100 of the account's own and the 6 predefined ones
    prepare=_prepare_policy,
    before_delete=_refuse_deleting_used,
)


# ---- streaming locators --------------------------------------------------------------------------
def _policy_schemes(policy: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    p = policy.get("properties", {})
    names = {
        "noEncryption": "NoEncryption",
        "envelopeEncryption": "EnvelopeEncryption",
        "commonEncryptionCenc": "CommonEncryptionCenc",
        "commonEncryptionCbcs": "CommonEncryptionCbcs",
    }
    return [(names[k], p[k]) for k in names if p.get(k)]


def _prepare_locator(
    svc: Service, account_rid: str, rid: str, body: dict[str, Any], existing: dict[str, Any] | None
) -> None:
    p = body["properties"]
    asset = require_in_account(
        svc.store, account_rid, "assets", p["assetName"], "Asset", "properties.assetName"
    )
    policy = require_in_account(
        svc.store,
        account_rid,
        "streamingPolicies",
        p["streamingPolicyName"],
        "Streaming policy",
        "properties.streamingPolicyName",
    )
    _require_default_policy(svc, account_rid, p)
    ckp = p.get("defaultContentKeyPolicyName")
    for name in p.get("filters") or []:
        if svc.store.get(f"{asset['id']}/assetFilters/{name}") is None:
            require_in_account(svc.store, account_rid, "accountFilters", name, "Filter", "properties.filters")
    p.setdefault("streamingLocatorId", new_id())
    p.setdefault("endTime", "9999-12-31T23:59:59.9999999Z")
    p.setdefault("filters", [])
    supplied = {
        k.get("labelReferenceInStreamingPolicy") or k.get("id"): k for k in p.get("contentKeys") or []
    }
    keys: list[dict[str, Any]] = []
    for scheme, cfg in _policy_schemes(policy):
        if scheme == "NoEncryption":
            continue
        default_key = cfg.get("contentKeys", {}).get("defaultKey", {}) or {}
        given = supplied.get(default_key.get("label")) if default_key.get("label") else None
        keys.append(
            {
                "id": (given or {}).get("id") or new_id(),
                "type": scheme,
                "labelReferenceInStreamingPolicy": default_key.get("label"),
                "value": (given or {}).get("value") or base64.b64encode(secrets.token_bytes(16)).decode(),
                "policyName": ckp or default_key.get("policyName"),
                "tracks": [],
            }
        )
    p["contentKeys"] = keys


def _without_key_values(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(body)
    for k in out.get("properties", {}).get("contentKeys") or []:
        k.pop("value", None)
    return out


STREAMING_LOCATOR = Entity(
    "streaminglocator",
    updatable=False,
    create_only=True,
    prepare=_prepare_locator,
    view=_without_key_values,
)


def paths(svc: Service, account_rid: str, locator: dict[str, Any]) -> dict[str, Any]:
    """The locator's streaming paths (one per protocol and scheme of its policy, over the asset's .ism
    manifests) and its download paths (the other files, where the policy enables download)."""
    p = locator["properties"]
    policy = svc.store.get(f"{account_rid}/streamingPolicies/{p['streamingPolicyName']}") or {}
    asset = svc.store.get(f"{account_rid}/assets/{p['assetName']}") or {}
    blobs: list[str] = []
    if svc.azurite is not None and asset:
        ap = asset["properties"]
        blobs = svc.azurite.list_blobs(ap["container"], ap.get("storageAccountName"))
    manifests = [b for b in blobs if b.lower().endswith(".ism")]
    loc_id = p["streamingLocatorId"]
    streaming_paths = []
    download_paths: list[str] = []
    formats = {"Hls": "(format=m3u8-cmaf)", "Dash": "(format=mpd-time-cmaf)", "SmoothStreaming": ""}
    for scheme, cfg in _policy_schemes(policy):
        protocols = cfg.get("enabledProtocols") or {"dash": True, "hls": True, "smoothStreaming": True}
        for proto, key in (("Hls", "hls"), ("Dash", "dash"), ("SmoothStreaming", "smoothStreaming")):
            if protocols.get(key) and manifests:
                streaming_paths.append(
                    {
                        "streamingProtocol": proto,
                        "encryptionScheme": scheme,
                        "paths": [f"/{loc_id}/{m}/manifest{formats[proto]}" for m in manifests],
                    }
                )
        if protocols.get("download"):
            download_paths = [f"/{loc_id}/{b}" for b in blobs if not b.lower().endswith((".ism", ".ismc"))]
    return {"streamingPaths": streaming_paths, "downloadPaths": download_paths}
