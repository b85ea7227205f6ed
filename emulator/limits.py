"""Value limits of the Media Services service (regions, tags, IP ranges, policies, windows, languages).

The emulator's own model, written from the service documentation independently of the client-side rules
in dynamic_providers/validate; tests/rule_vectors.py runs the same valid/invalid values against both.
Called on every request body `validation.parse` accepts; the first violation is a 400.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import xml.etree.ElementTree as ET
from typing import Any

import isodate

from .errors import ArmError
from .regions import region_key

# Regions Microsoft.Media was offered in (public, US Government, China).
_REGIONS_TEXT = """
australiacentral australiaeast australiasoutheast brazilsouth brazilsoutheast canadacentral
canadaeast centralindia centralus eastasia eastus eastus2 francecentral francesouth germanynorth
germanywestcentral japaneast japanwest jioindiawest koreacentral koreasouth northcentralus
northeurope norwayeast norwaywest southafricanorth southafricawest southcentralus southindia
southeastasia swedencentral switzerlandnorth switzerlandwest uaecentral uaenorth uksouth ukwest
westcentralus westeurope westindia westus westus2 westus3 usgovarizona usgovtexas usgovvirginia
chinaeast chinaeast2 chinanorth chinanorth2
"""
REGIONS = set(_REGIONS_TEXT.split())
# Languages of the AudioAnalyzer preset (AMS "Analyzing video and audio files").
_AUDIO_LANGUAGES_TEXT = """
ar-bh ar-eg ar-iq ar-jo ar-kw ar-lb ar-om ar-qa ar-sa ar-sy da-dk de-de en-au en-gb en-us es-es
es-mx fi-fi fr-ca fr-fr he-il hi-in it-it ja-jp ko-kr nb-no nl-nl pt-br pt-pt ru-ru sv-se th-th
tr-tr zh-cn
"""
AUDIO_LANGUAGES = set(_AUDIO_LANGUAGES_TEXT.split())
TICKS = 10_000_000


def _bad(target: str, message: str) -> ArmError:
    return ArmError(400, "InvalidPropertyValue", message, target=target)


def _get(doc: Any, *keys: str) -> Any:
    for k in keys:
        if not isinstance(doc, dict):
            return None
        doc = doc.get(k)
    return doc


def _location(body: dict[str, Any]) -> None:
    loc = body.get("location")
    if isinstance(loc, str) and region_key(loc) not in REGIONS:
        raise ArmError(
            400,
            "LocationNotAvailableForResourceType",
            f"The provided location '{loc}' is not available for resource type "
            "'Microsoft.Media/mediaservices'.",
            target="location",
        )


def _tags(body: dict[str, Any]) -> None:
    tags = body.get("tags")
    if not isinstance(tags, dict):
        return
    if len(tags) > 50:
        raise ArmError(400, "InvalidTagCount", "A resource can have at most 50 tags.", target="tags")
    for k, v in tags.items():
        if len(k) > 512 or any(c in k for c in "<>%&\\?/"):
            raise ArmError(
                400, "InvalidTagNameCharacters", f"The tag name '{k[:64]}' is invalid.", target="tags"
            )
        if isinstance(v, str) and len(v) > 256:
            raise ArmError(
                400, "InvalidTagValueLength", f"The value of tag '{k}' is too long.", target="tags"
            )


def _ip_ranges(ranges: Any, target: str) -> None:
    for r in ranges or []:
        address, bits = r.get("address"), r.get("subnetPrefixLength")
        try:
            ip = ipaddress.ip_address(address)
            if bits is not None and not 0 <= int(bits) <= ip.max_prefixlen:
                raise ValueError(bits)
        except ValueError:
            shown = f"{address}/{bits}" if bits is not None else str(address)
            raise _bad(target, f"'{shown}' is not a valid IP address or range.") from None


def _xml(text: Any, root: str, target: str) -> None:
    if text is None:
        return
    try:
        doc = ET.fromstring(text)
    except ET.ParseError:
        raise _bad(target, f"The {target} is not a valid XML document.") from None
    if doc.tag != root:
        raise _bad(target, f"The {target} must be a <{root}> document.")


def _windows(props: dict[str, Any]) -> None:
    ptr = props.get("presentationTimeRange") or {}
    scale = ptr.get("timescale") or TICKS
    window, backoff = ptr.get("presentationWindowDuration"), ptr.get("liveBackoffDuration")
    target = "properties.presentationTimeRange"
    if isinstance(window, int) and window and window < 60 * scale:
        raise _bad(target, "presentationWindowDuration must be at least 60 seconds.")
    if isinstance(backoff, int) and backoff > 300 * scale:
        raise _bad(target, "liveBackoffDuration must be at most 300 seconds.")


def _live_event(props: dict[str, Any]) -> None:
    for part in ("input", "preview"):
        _ip_ranges(_get(props, part, "accessControl", "ip", "allow"), f"properties.{part}.accessControl")
    enc = props.get("encoding") or {}
    kind = str(enc.get("encodingType") or "None").lower()
    # Basic is Standard's name before 2021 (validation.RETIRED_VALUES); the service took Basic with
    # Default720p in July 2018 (recording test_live_event_start_show).
    live_presets = {"standard": "default720p", "basic": "default720p", "premium1080p": "default1080p"}
    preset = enc.get("presetName")
    if preset is not None and live_presets.get(kind) != str(preset).lower():
        raise _bad(
            "properties.encoding.presetName", f"Preset '{preset}' is not valid for encoding type '{kind}'."
        )
    kfi = enc.get("keyFrameInterval")
    if kfi and kind not in live_presets:
        raise _bad(
            "properties.encoding.keyFrameInterval", "keyFrameInterval is only allowed for live encoding."
        )
    if kfi and not 0.5 <= isodate.parse_duration(kfi).total_seconds() <= 20:
        raise _bad(
            "properties.encoding.keyFrameInterval", "keyFrameInterval must be between 0.5 and 20 seconds."
        )
    prefix = props.get("hostnamePrefix")
    if prefix is not None and not (0 < len(prefix) <= 32 and prefix.replace("-", "").isalnum()):
        raise _bad(
            "properties.hostnamePrefix", "hostnamePrefix must be a DNS label of at most 32 characters."
        )


def _streaming_endpoint(props: dict[str, Any]) -> None:
    _ip_ranges(_get(props, "accessControl", "ip", "allow"), "properties.accessControl")
    x = props.get("crossSiteAccessPolicies") or {}
    _xml(x.get("crossDomainPolicy"), "cross-domain-policy", "crossDomainPolicy")
    _xml(x.get("clientAccessPolicy"), "access-policy", "clientAccessPolicy")


def _streaming_policy(props: dict[str, Any]) -> None:
    for scheme in ("noEncryption", "envelopeEncryption", "commonEncryptionCenc", "commonEncryptionCbcs"):
        enabled = _get(props, scheme, "enabledProtocols")
        if isinstance(enabled, dict) and not any(enabled.values()):
            raise _bad(f"properties.{scheme}.enabledProtocols", "At least one protocol must be enabled.")


def _transform(props: dict[str, Any]) -> None:
    for i, out in enumerate(props.get("outputs") or []):
        preset = out.get("preset") or {}
        lang = preset.get("audioLanguage")
        if lang is not None and str(lang).lower() not in AUDIO_LANGUAGES:
            raise _bad(
                f"properties.outputs[{i}].preset.audioLanguage", f"Language '{lang}' is not supported."
            )


def _content_key_policy(props: dict[str, Any]) -> None:
    for option in props.get("options") or []:
        restriction = option.get("restriction") or {}
        keys = [
            restriction.get("primaryVerificationKey"),
            *(restriction.get("alternateVerificationKeys") or []),
        ]
        for key in keys:
            value = (key or {}).get("keyValue")
            if isinstance(value, str):
                try:
                    ok = bool(base64.b64decode(value, validate=True))
                except (binascii.Error, ValueError):
                    ok = False
                if not ok:
                    raise _bad("restriction.primaryVerificationKey", "The token key is not a valid key.")


_BY_MODEL = {
    "LiveEvent": _live_event,
    "StreamingEndpoint": _streaming_endpoint,
    "StreamingPolicy": _streaming_policy,
    "Transform": _transform,
    "ContentKeyPolicy": _content_key_policy,
    "AssetFilter": _windows,
    "AccountFilter": _windows,
}


def check(model_name: str, body: dict[str, Any]) -> None:
    """Raise the service's 400 for the first out-of-limits value in ``body`` (wire form)."""
    _location(body)
    _tags(body)
    props = body.get("properties")
    fn = _BY_MODEL.get(model_name)
    if fn is not None and isinstance(props, dict):
        fn(props)
