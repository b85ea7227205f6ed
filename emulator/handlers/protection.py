"""Content key policies, streaming policies and streaming locators (2022-08-01)."""

from __future__ import annotations

import base64
import copy
import secrets
from typing import Any
from urllib.parse import urlsplit

from ..app import API_DEFAULT, Ctx, Response
from ..errors import ArmError
from ..models.common import require_in_account
from ..service import new_id
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


def _prepare_ckp(ctx: Ctx, rid: str, body: dict[str, Any], existing: dict[str, Any] | None) -> None:
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


def _ckp_view(ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = _scrub(copy.deepcopy(body))
    return out


CONTENT_KEY_POLICY = Entity(
    "contentkeypolicy",
    "ContentKeyPolicy",
    "ContentKeyPolicy",
    prepare=_prepare_ckp,
    view=_ckp_view,
    created_status=200,
)


def ckp_with_secrets(ctx: Ctx) -> Response:
    _, body = ctx.resolve("contentkeypolicy")
    if body is None:
        raise ctx.not_found("contentkeypolicy")
    return 200, {}, body["properties"]


# ---- streaming policies --------------------------------------------------------------------------
def _policy_before_delete(ctx: Ctx, body: dict[str, Any]) -> None:
    if body["name"].lower().startswith("predefined_"):
        raise ArmError(
            400, "BadRequest", f"The predefined streaming policy '{body['name']}' cannot be deleted."
        )
    for loc in ctx.store.children(ctx.account_rid(), "streaminglocator"):
        if str(loc["properties"].get("streamingPolicyName", "")).lower() == body["name"].lower():
            raise ArmError(
                409,
                "Conflict",
                f"Streaming policy '{body['name']}' is used by streaming locator '{loc['name']}'.",
            )


def _require_default_policy(ctx: Ctx, p: dict[str, Any]) -> None:
    ckp = p.get("defaultContentKeyPolicyName")
    if ckp:
        require_in_account(
            ctx.store,
            ctx.account_rid(),
            "contentKeyPolicies",
            ckp,
            "Content key policy",
            "properties.defaultContentKeyPolicyName",
        )


def _prepare_policy(ctx: Ctx, rid: str, body: dict[str, Any], existing: dict[str, Any] | None) -> None:
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
    _require_default_policy(ctx, p)


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
    "StreamingPolicy",
    None,
    create_only=True,
    limit=100 + 6,
    prepare=_prepare_policy,
    before_delete=_policy_before_delete,
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


def _prepare_locator(ctx: Ctx, rid: str, body: dict[str, Any], existing: dict[str, Any] | None) -> None:
    p = body["properties"]
    asset = require_in_account(
        ctx.store, ctx.account_rid(), "assets", p["assetName"], "Asset", "properties.assetName"
    )
    policy = require_in_account(
        ctx.store,
        ctx.account_rid(),
        "streamingPolicies",
        p["streamingPolicyName"],
        "Streaming policy",
        "properties.streamingPolicyName",
    )
    _require_default_policy(ctx, p)
    ckp = p.get("defaultContentKeyPolicyName")
    for name in p.get("filters") or []:
        if ctx.store.get(f"{asset['id']}/assetFilters/{name}") is None:
            require_in_account(
                ctx.store, ctx.account_rid(), "accountFilters", name, "Filter", "properties.filters"
            )
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
        label = (cfg.get("contentKeys", {}).get("defaultKey", {}) or {}).get("label")
        given = supplied.get(label) if label else None
        keys.append(
            {
                "id": (given or {}).get("id") or new_id(),
                "type": {
                    "EnvelopeEncryption": "EnvelopeEncryption",
                    "CommonEncryptionCenc": "CommonEncryptionCenc",
                    "CommonEncryptionCbcs": "CommonEncryptionCbcs",
                }[scheme],
                "labelReferenceInStreamingPolicy": label,
                "value": (given or {}).get("value") or base64.b64encode(secrets.token_bytes(16)).decode(),
                "policyName": ckp
                or (cfg.get("contentKeys", {}).get("defaultKey", {}) or {}).get("policyName"),
                "tracks": [],
            }
        )
    p["contentKeys"] = keys


def _locator_view(ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(body)
    for k in out.get("properties", {}).get("contentKeys") or []:
        k.pop("value", None)
    return out


STREAMING_LOCATOR = Entity(
    "streaminglocator",
    "StreamingLocator",
    None,
    create_only=True,
    prepare=_prepare_locator,
    view=_locator_view,
)


def _locator(ctx: Ctx) -> dict[str, Any]:
    _, body = ctx.resolve("streaminglocator")
    if body is None:
        raise ctx.not_found("streaminglocator")
    return body


def list_content_keys(ctx: Ctx) -> Response:
    body = _locator(ctx)
    return 200, {}, {"contentKeys": body["properties"].get("contentKeys") or []}


def list_paths(ctx: Ctx) -> Response:
    body = _locator(ctx)
    p = body["properties"]
    account_rid = ctx.account_rid()
    policy = ctx.store.get(f"{account_rid}/streamingPolicies/{p['streamingPolicyName']}") or {}
    asset = ctx.store.get(f"{account_rid}/assets/{p['assetName']}") or {}
    blobs: list[str] = []
    if ctx.app.azurite is not None and asset:
        blobs = ctx.app.azurite.list_blobs(asset["properties"]["container"])
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
    return 200, {}, {"streamingPaths": streaming_paths, "downloadPaths": download_paths}


M = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Media/mediaServices/{account}"
SL = M + "/streamingLocators/{streaminglocator}"
ROUTES = (
    CONTENT_KEY_POLICY.routes(M + "/contentKeyPolicies", API_DEFAULT)
    + [
        (
            "POST",
            M + "/contentKeyPolicies/{contentkeypolicy}/getPolicyPropertiesWithSecrets",
            ckp_with_secrets,
            API_DEFAULT,
        )
    ]
    + STREAMING_POLICY.routes(M + "/streamingPolicies", API_DEFAULT)
    + STREAMING_LOCATOR.routes(M + "/streamingLocators", API_DEFAULT)
    + [
        ("POST", SL + "/listContentKeys", list_content_keys, API_DEFAULT),
        ("POST", SL + "/listPaths", list_paths, API_DEFAULT),
    ]
)
