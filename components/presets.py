"""Small typed helpers that build ARM (REST, camelCase) property objects for Media entities.

They are pure functions: the components call them, and users can call them to build their own
``properties`` for the dynamic providers. Each raises ``ValueError`` for inputs the service would reject,
so mistakes surface at preview time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from components.config import (
    H264LadderConfig,
    H264Rung,
    KeyPolicyOptionConfig,
    StreamingPolicyConfig,
    TransformOutputConfig,
)
from dynamic_providers.validate import rules

ODATA = "@odata.type"


def _t(name: str) -> str:
    return f"#Microsoft.Media.{name}"


# ---------------------------------------------------------------------------------------------------
# Encoding
# ---------------------------------------------------------------------------------------------------


def validate_ladder(rungs: Sequence[H264Rung]) -> list[str]:
    """Rung problems (empty list = fine), by the H.264 ladder rules in dynamic_providers.validate."""
    found = rules.ladder_problems([(r.width, r.height, r.bitrate, r.max_bitrate) for r in rungs])
    return [f"{key}: {msg} (rule: {rule})" for key, rule, msg in found]


def h264_ladder(
    rungs: Sequence[H264Rung],
    *,
    audio_bitrate: int = 128000,
    complexity: str = "Balanced",
    key_frame_interval: str = "PT2S",
) -> dict[str, Any]:
    """A StandardEncoderPreset: AAC stereo audio plus one H.264 layer per rung, written as MP4s."""
    problems = validate_ladder(rungs)
    if problems:
        raise ValueError("invalid H.264 ladder: " + "; ".join(problems))
    layers = []
    for r in rungs:
        layer: dict[str, Any] = {
            "width": str(r.width),
            "height": str(r.height),
            "bitrate": r.bitrate,
            "label": r.label or f"{r.height}p",
            "profile": "Auto",
            "bFrames": 3,
            "adaptiveBFrame": True,
        }
        if r.max_bitrate is not None:
            layer["maxBitrate"] = r.max_bitrate
        layers.append(layer)
    return {
        ODATA: _t("StandardEncoderPreset"),
        "codecs": [
            {
                ODATA: _t("AacAudio"),
                "channels": 2,
                "samplingRate": 48000,
                "bitrate": audio_bitrate,
                "profile": "AacLc",
            },
            {
                ODATA: _t("H264Video"),
                "keyFrameInterval": key_frame_interval,
                "complexity": complexity,
                "sceneChangeDetection": False,
                "layers": layers,
            },
        ],
        "formats": [
            {ODATA: _t("Mp4Format"), "filenamePattern": "Video-{Basename}-{Label}-{Bitrate}{Extension}"}
        ],
    }


def ladder_preset(ladder: H264LadderConfig) -> dict[str, Any]:
    return h264_ladder(
        ladder.rungs,
        audio_bitrate=ladder.audio_bitrate,
        complexity=ladder.complexity,
        key_frame_interval=ladder.key_frame_interval,
    )


def built_in_preset(name: str) -> dict[str, Any]:
    problem = rules.BUILT_IN_PRESET(name)
    if problem:
        raise ValueError(f"built-in preset {problem} (rule: {rules.BUILT_IN_PRESET.name})")
    return {ODATA: _t("BuiltInStandardEncoderPreset"), "presetName": name}


def audio_analyzer_preset(language: str = "en-US") -> dict[str, Any]:
    return {ODATA: _t("AudioAnalyzerPreset"), "audioLanguage": language, "mode": "Standard"}


def transform_output(output: TransformOutputConfig) -> dict[str, Any]:
    """One TransformOutput (the config model guarantees exactly one preset)."""
    if output.built_in_preset is not None:
        preset = built_in_preset(output.built_in_preset)
    elif output.h264_ladder is not None:
        preset = ladder_preset(output.h264_ladder)
    else:
        preset = audio_analyzer_preset(output.audio_analyzer.language if output.audio_analyzer else "en-US")
    return {"preset": preset, "onError": output.on_error, "relativePriority": output.relative_priority}


def transform_properties(
    outputs: Iterable[TransformOutputConfig], description: str | None = None
) -> dict[str, Any]:
    props: dict[str, Any] = {"outputs": [transform_output(o) for o in outputs]}
    if not props["outputs"]:
        raise ValueError("a transform needs at least one output")
    if description:
        props["description"] = description
    return props


# ---------------------------------------------------------------------------------------------------
# Content protection
# ---------------------------------------------------------------------------------------------------


def _drm_configuration(drm: str, fairplay: Mapping[str, Any] | None) -> dict[str, Any]:
    if drm == "PlayReady":
        return {
            ODATA: _t("ContentKeyPolicyPlayReadyConfiguration"),
            "licenses": [
                {
                    "allowTestDevices": False,
                    "securityLevel": "SL2000",
                    "contentKeyLocation": {
                        ODATA: _t("ContentKeyPolicyPlayReadyContentEncryptionKeyFromHeader")
                    },
                    "contentType": "Unspecified",
                    "licenseType": "NonPersistent",
                    "playRight": {
                        "allowPassingVideoContentToUnknownOutput": "NotAllowed",
                        "digitalVideoOnlyContentRestriction": False,
                        "imageConstraintForAnalogComponentVideoRestriction": True,
                        "imageConstraintForAnalogComputerMonitorRestriction": False,
                    },
                }
            ],
        }
    if drm == "Widevine":
        return {
            ODATA: _t("ContentKeyPolicyWidevineConfiguration"),
            "widevineTemplate": '{"allowed_track_types":"SD_HD"}',
        }
    if drm == "ClearKey":
        return {ODATA: _t("ContentKeyPolicyClearKeyConfiguration")}
    if drm == "FairPlay":
        if not fairplay:
            raise ValueError("FairPlay needs ask, fairPlayPfx and fairPlayPfxPassword")
        return {
            ODATA: _t("ContentKeyPolicyFairPlayConfiguration"),
            "ask": fairplay["ask"],
            "fairPlayPfx": fairplay["fairPlayPfx"],
            "fairPlayPfxPassword": fairplay["fairPlayPfxPassword"],
            "rentalAndLeaseKeyType": "PersistentUnlimited",
            "rentalDuration": 0,
        }
    raise ValueError(f"unknown DRM {drm!r}")


def key_policy_option(
    option: KeyPolicyOptionConfig,
    token_key: Any = None,
    fairplay: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One ContentKeyPolicyOption. ``token_key`` (base64 symmetric key, usually a secret Output) is
    required for a token restriction; ``fairplay`` holds ask/fairPlayPfx/fairPlayPfxPassword."""
    if option.token is None:
        restriction: dict[str, Any] = {ODATA: _t("ContentKeyPolicyOpenRestriction")}
    else:
        if token_key is None:
            raise ValueError(f"option {option.name}: a token restriction needs a verification key")
        restriction = {
            ODATA: _t("ContentKeyPolicyTokenRestriction"),
            "issuer": option.token.issuer,
            "audience": option.token.audience,
            "restrictionTokenType": option.token.token_type,
            "primaryVerificationKey": {ODATA: _t("ContentKeyPolicySymmetricTokenKey"), "keyValue": token_key},
            "requiredClaims": [{"claimType": c} for c in option.token.required_claims],
        }
    return {
        "name": option.name,
        "configuration": _drm_configuration(option.drm, fairplay),
        "restriction": restriction,
    }


def streaming_policy_properties(policy: StreamingPolicyConfig, drms: Iterable[str] = ()) -> dict[str, Any]:
    """StreamingPolicy properties for scheme clear/envelope/cenc/cbcs; ``drms`` = DRMs of its key policy."""
    protocols = {p: p in policy.protocols for p in ("download", "dash", "hls", "smoothStreaming")}
    if policy.scheme == "clear":
        return {"noEncryption": {"enabledProtocols": protocols}}
    if policy.scheme not in rules.SCHEME_DRMS:
        raise ValueError(f"unknown streaming policy scheme {policy.scheme!r}")
    if not policy.content_key_policy:
        raise ValueError(f"streaming policy {policy.name}: scheme {policy.scheme} needs a content key policy")
    keys = {"defaultKey": {"label": f"{policy.scheme}Key"}}
    props: dict[str, Any] = {"defaultContentKeyPolicyName": policy.content_key_policy}
    if policy.scheme == "envelope":
        props["envelopeEncryption"] = {"enabledProtocols": protocols, "contentKeys": keys}
    elif policy.scheme == "cenc":
        drm_set = set(drms) or {"PlayReady", "Widevine"}
        drm: dict[str, Any] = {}
        if "PlayReady" in drm_set:
            drm["playReady"] = {}
        if "Widevine" in drm_set:
            drm["widevine"] = {}
        props["commonEncryptionCenc"] = {"enabledProtocols": protocols, "contentKeys": keys, "drm": drm}
    else:
        props["commonEncryptionCbcs"] = {
            "enabledProtocols": protocols,
            "contentKeys": keys,
            "drm": {"fairPlay": {"allowPersistentLicense": False}},
        }
    return props
