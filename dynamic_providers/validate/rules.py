"""Service rules of Media Services, each written once as a named `Rule`.

A rule is a small check function (value -> problem text or None) plus the JSON Schema keywords that describe
it to an editor. The stage schema (components/config.py), the components and the providers' ``check`` all call
these; `RULES` indexes them by name so a newcomer finds any rule by the name an error message prints.
Enum-valued rules come from the SDK's own enums (azure.mgmt.media.models), not from copied lists.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import enum
import ipaddress
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import isodate
from azure.mgmt.media import models

from . import names
from .regions import MEDIA_REGIONS, normalize_region

Check = Callable[[Any], "str | None"]


@dataclass(frozen=True)
class Rule:
    """One service rule: ``name`` (printed with every error), ``check`` and its JSON Schema keywords."""

    name: str
    check: Check
    schema: Mapping[str, Any] = field(default_factory=dict)
    canonical: Callable[[Any], Any] | None = None
    """Canonical spelling of an accepted value (enums accept any case, like the service)."""

    def __call__(self, value: Any) -> str | None:
        return self.check(value)

    def normalize(self, value: Any) -> Any:
        return self.canonical(value) if self.canonical is not None else value


RULES: dict[str, Rule] = {}
Failure = tuple[str, str]  # (property key, reason naming the key and the rule), as providers' check reports


def failures(rule: Rule, key: str, value: Any) -> list[Failure]:
    """The provider-check form of one rule applied to one (present) value."""
    if value is None:
        return []
    err = rule(value)
    return [(key, f"{key}: {err} (rule: {rule.name})")] if err else []


def rule(name: str, check: Check, schema: Mapping[str, Any] | None = None, **kw: Any) -> Rule:
    r = Rule(name, check, dict(schema or {}), **kw)
    if name in RULES:
        raise ValueError(f"rule {name} defined twice")
    RULES[name] = r
    return r


# ---------------------------------------------------------------------------------------------- names

_LIVE_PATTERN = r"^[a-zA-Z0-9]+(-*[a-zA-Z0-9])*$"


def _name(kind: str) -> Check:
    return lambda v: names.check_name(kind, v)


NAME = rule(
    "name.general",
    _name("general"),
    {"minLength": 1, "maxLength": 260, "pattern": r"^[^<>%&:\\?/*+.'\x00-\x1f\x7f]+$"},
)
ACCOUNT_NAME = rule("name.account", _name("account"), {"pattern": "^[a-z0-9]{3,24}$"})
STORAGE_ACCOUNT_NAME = rule(
    "name.storage_account",
    lambda v: None
    if isinstance(v, str) and re.fullmatch(r"[a-z0-9]{3,24}", v)
    else "must be 3-24 lowercase letters or digits (storage account naming rule)",
    {"pattern": "^[a-z0-9]{3,24}$"},
)
LIVE_EVENT_NAME = rule("name.live_event", _name("live_event"), {"pattern": _LIVE_PATTERN, "maxLength": 32})
LIVE_OUTPUT_NAME = rule(
    "name.live_output", _name("live_output"), {"pattern": _LIVE_PATTERN, "maxLength": 256}
)
STREAMING_ENDPOINT_NAME = rule(
    "name.streaming_endpoint", _name("streaming_endpoint"), {"pattern": _LIVE_PATTERN, "maxLength": 24}
)
RESOURCE_GROUP_NAME = rule(
    "name.resource_group", _name("resource_group"), {"pattern": r"^[-\w.()]*[-\w()]$", "maxLength": 90}
)
CONTAINER_NAME = rule("name.container", names.check_container_name)
BLOB_NAME = rule("name.blob", names.check_blob_name)
HOSTNAME_PREFIX = rule(
    "live_event.hostname_prefix",
    lambda v: None
    if isinstance(v, str) and 1 <= len(v) <= 32 and re.match(_LIVE_PATTERN, v)
    else "must be 1-32 letters, digits and inner hyphens (it becomes a DNS label of the ingest host)",
    {"pattern": _LIVE_PATTERN, "maxLength": 32},
)

# ------------------------------------------------------------------------------------------ durations


def parse_duration(value: object) -> datetime.timedelta | None:
    """An ISO 8601 duration (PT1H30M) as a timedelta; None when malformed (or years/months)."""
    if isinstance(value, datetime.timedelta):
        return value
    if not isinstance(value, str) or not value.startswith("P") or value.endswith("T"):
        return None
    try:
        d = isodate.parse_duration(value)
    except (isodate.ISO8601Error, ValueError, TypeError):
        return None
    return d if isinstance(d, datetime.timedelta) else None


def _fmt(seconds: float) -> str:
    return isodate.duration_isoformat(datetime.timedelta(seconds=seconds))


def duration_rule(name: str, lo: str, hi: str | None, what: str) -> Rule:
    """An ISO 8601 duration between ``lo`` and ``hi`` (inclusive)."""
    lo_d, hi_d = parse_duration(lo), parse_duration(hi) if hi else None
    assert lo_d is not None
    bounds = f"between {lo} and {hi}" if hi else f"at least {lo}"

    def check(value: Any) -> str | None:
        d = parse_duration(value)
        if d is None:
            return f"{value!r} is not an ISO 8601 duration such as PT1H"
        if d < lo_d or (hi_d is not None and d > hi_d):
            return f"must be {bounds}; got {value}"
        return None

    return rule(
        name,
        check,
        {
            "type": "string",
            "pattern": r"^P(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$",
            "description": f"{what}: ISO 8601 duration {bounds}",
        },
    )


ARCHIVE_WINDOW = duration_rule("live_output.archive_window", "PT1M", "PT25H", "live output archive window")
REWIND_WINDOW = duration_rule("live_output.rewind_window", "PT1M", "PT25H", "live output rewind window")
PRESENTATION_WINDOW = duration_rule(
    "filter.presentation_window", "PT1M", "PT25H", "filter presentation window"
)
LIVE_BACKOFF = duration_rule("filter.live_backoff", "PT0S", "PT300S", "filter live backoff")
KEY_FRAME_INTERVAL = duration_rule("encoding.key_frame_interval", "PT0.5S", "PT20S", "key frame interval")
FILTER_TIMESCALE = 10_000_000


def filter_window_problems(ptr: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(relative key, rule, problem) for an ARM presentationTimeRange (durations in timescale units)."""
    out: list[tuple[str, str, str]] = []
    scale = ptr.get("timescale") or FILTER_TIMESCALE
    if not isinstance(scale, int) or scale <= 0:
        return [("timescale", "filter.timescale", "must be a positive integer")]
    for key, r in (
        ("presentationWindowDuration", PRESENTATION_WINDOW),
        ("liveBackoffDuration", LIVE_BACKOFF),
    ):
        v = ptr.get(key)
        if (
            isinstance(v, int)
            and not isinstance(v, bool)
            and not (key == "presentationWindowDuration" and v == 0)
        ):
            err = r(_fmt(v / scale))
            if err:
                out.append((key, r.name, f"{err} ({v} at timescale {scale})"))
    s, e = ptr.get("startTimestamp"), ptr.get("endTimestamp")
    if isinstance(s, int) and isinstance(e, int) and e <= s:
        out.append(("endTimestamp", "filter.time_range", "endTimestamp must be greater than startTimestamp"))
    return out


# ---------------------------------------------------------------------------------------------- limits


def int_range(name: str, lo: int, hi: int, what: str) -> Rule:
    def check(value: Any) -> str | None:
        if not isinstance(value, int) or isinstance(value, bool):
            return f"must be an integer ({what})"
        if not lo <= value <= hi:
            return f"must be between {lo} and {hi} ({what}); got {value}"
        return None

    return rule(name, check, {"type": "integer", "minimum": lo, "maximum": hi})


SCALE_UNITS = int_range(
    "streaming_endpoint.scale_units", 0, 50, "0 = Standard, 1-50 Premium streaming units per endpoint"
)
MAX_CACHE_AGE = int_range("streaming_endpoint.max_cache_age", 0, 31_536_000, "seconds")
MAX_LIVE_OUTPUTS = {
    "None": 3,
    "PassthroughBasic": 1,
    "PassthroughStandard": 3,
    "Standard": 3,
    "Premium1080p": 3,
}
LIVE_ENCODING_PRESETS = {"Standard": ("Default720p",), "Premium1080p": ("Default1080p",)}
MAX_STREAMING_ENDPOINTS = 2  # per account, including the "default" endpoint every account gets
DEFAULT_ENDPOINT = "default"
DEFAULT_LIVE_EVENT_QUOTA = 5  # live events per account unless a support request raised the quota


def _quota(value: Any) -> str | None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        return (
            "must be a whole number of at least 1 (the live events the account's quota allows; the "
            f"service's default is {DEFAULT_LIVE_EVENT_QUOTA}); got {value!r}"
        )
    return None


LIVE_EVENT_QUOTA = rule("account.live_event_quota", _quota, {"type": "integer", "minimum": 1})


def live_events_problem(count: int, quota: int = DEFAULT_LIVE_EVENT_QUOTA) -> str | None:
    if count > quota:
        return (
            f"the account's quota allows at most {quota} live events (account.liveEventQuota, default "
            f"{DEFAULT_LIVE_EVENT_QUOTA}; set it when the service raised it); got {count}"
        )
    return None


MAX_TRANSFORM_OUTPUTS = 20


def live_outputs_problem(encoding_type: str, count: int) -> str | None:
    limit = MAX_LIVE_OUTPUTS.get(encoding_type, 3)
    if count > limit:
        return f"{encoding_type} allows at most {limit} live output(s); got {count}"
    return None


def live_preset_problem(encoding_type: str | None, preset: str | None) -> str | None:
    if preset is None:
        return None
    allowed = LIVE_ENCODING_PRESETS.get(encoding_type or "None")
    if allowed is None:
        return f"only applies to live encoding (Standard, Premium1080p), not {encoding_type}"
    if preset not in allowed:
        return f"must be one of {', '.join(allowed)} for {encoding_type}; got {preset!r}"
    return None


CDN_EXCLUSIVE = "streaming_endpoint.cdn_exclusive"


def cdn_conflicts(cdn_enabled: bool, access_control: bool, custom_host_names: bool) -> list[str]:
    """Which of accessControl/customHostNames a CDN-enabled endpoint may not have."""
    if not cdn_enabled:
        return []
    return [k for k, on in (("accessControl", access_control), ("customHostNames", custom_host_names)) if on]


def is_passthrough(encoding_type: str | None) -> bool:
    return (encoding_type or "None") in ("None", "PassthroughBasic", "PassthroughStandard")


# ----------------------------------------------------------------------------------------------- enums


def enum_rule(name: str, enum_cls: type[enum.Enum] | Iterable[str], what: str | None = None) -> Rule:
    """One of the SDK enum's values (the service compares them case-insensitively)."""
    values = [str(e.value) for e in enum_cls] if isinstance(enum_cls, type) else list(enum_cls)
    by_lower = {v.lower(): v for v in values}

    def check(value: Any) -> str | None:
        if isinstance(value, str) and value.lower() in by_lower:
            return None
        return f"must be one of {', '.join(values)}; got {value!r}" + (f" ({what})" if what else "")

    return rule(
        name,
        check,
        {"type": "string", "enum": values},
        canonical=lambda v: by_lower.get(v.lower(), v) if isinstance(v, str) else v,
    )


BUILT_IN_PRESET = enum_rule("transform.built_in_preset", models.EncoderNamedPreset)
LIVE_ENCODING_TYPE = enum_rule("live_event.encoding_type", models.LiveEventEncodingType)
LIVE_PROTOCOL = enum_rule("live_event.protocol", models.LiveEventInputProtocol)
ON_ERROR = enum_rule("transform.on_error", models.OnErrorType)
PRIORITY = enum_rule("transform.relative_priority", models.Priority)
H264_COMPLEXITY = enum_rule("h264.complexity", models.H264Complexity)
DEFAULT_ACTION = enum_rule("account.key_delivery_default_action", models.DefaultAction)
PUBLIC_NETWORK_ACCESS = enum_rule("account.public_network_access", models.PublicNetworkAccess)
ENCRYPTION_TYPE = enum_rule("account.encryption_type", models.AccountEncryptionKeyType)
TOKEN_TYPE = enum_rule("content_key.token_type", ["Jwt", "Swt"])
LIVE_RUN_STATE = enum_rule("live_event.run_state", ("Stopped", "StandBy", "Running"), "desired run state")
ENDPOINT_RUN_STATE = enum_rule("streaming_endpoint.run_state", ("Stopped", "Running"), "desired run state")
CDN_PROVIDER = enum_rule(
    "streaming_endpoint.cdn_provider", ("StandardVerizon", "PremiumVerizon", "StandardAkamai")
)
STORAGE_SKU = enum_rule(
    "storage.sku", ("Standard_LRS", "Standard_GRS", "Standard_RAGRS", "Standard_ZRS", "Standard_GZRS")
)
PREDEFINED_STREAMING_POLICIES = (
    "Predefined_DownloadOnly",
    "Predefined_ClearStreamingOnly",
    "Predefined_DownloadAndClearStreaming",
    "Predefined_ClearKey",
    "Predefined_MultiDrmCencStreaming",
    "Predefined_MultiDrmStreaming",
)
STREAMING_PROTOCOLS = ("dash", "hls", "smoothStreaming", "download")
STREAMING_PROTOCOL = enum_rule("streaming_policy.protocol", STREAMING_PROTOCOLS)


def _enabled_protocols(value: Any) -> str | None:
    """A policy's protocols: the ARM map {dash: true, ...} or the stage config's list [dash, hls]."""
    on = [p for p in STREAMING_PROTOCOLS if value.get(p) is True] if isinstance(value, Mapping) else value
    if not isinstance(on, (list, tuple)) or not on:
        return "at least one of dash, hls, smoothStreaming, download must be enabled"
    return None


ENABLED_PROTOCOLS = rule("streaming_policy.enabled_protocols", _enabled_protocols)

# --------------------------------------------------------------------------------------------- regions


def _region(value: Any) -> str | None:
    if isinstance(value, str) and normalize_region(value) in MEDIA_REGIONS:
        return None
    return f"{value!r} is not a region Media Services was offered in (e.g. westeurope, eastus2)"


REGION = rule(
    "account.location",
    _region,
    {"type": "string", "enum": sorted(MEDIA_REGIONS)},
    canonical=lambda v: normalize_region(v) if isinstance(v, str) else v,
)

# ------------------------------------------------------------------------------------------- networks


def _ip_range(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be an IPv4/IPv6 address or CIDR range such as 203.0.113.0/24"
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError as e:
        return f"{value!r} is not an IP address or CIDR range ({e})"
    return None


IP_RANGE = rule("network.ip_range", _ip_range, {"type": "string"})
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def _host_name(value: Any) -> str | None:
    labels = value.split(".") if isinstance(value, str) else []
    if len(labels) < 2 or len(value) > 253 or not all(_LABEL.match(x) for x in labels):
        return f"{value!r} is not a DNS host name such as media.example.com"
    return None


HOST_NAME = rule("network.host_name", _host_name, {"type": "string", "maxLength": 253})


def ip_range_problems(ranges: Any) -> list[tuple[str, str]]:
    """(relative key, problem) for an ARM IPRange list ({name, address, subnetPrefixLength})."""
    out: list[tuple[str, str]] = []
    for i, r in enumerate(ranges or []):
        if not isinstance(r, Mapping) or not isinstance(r.get("address"), str):
            continue
        text = r["address"] + (
            f"/{r['subnetPrefixLength']}" if r.get("subnetPrefixLength") is not None else ""
        )
        err = IP_RANGE(text)
        if err:
            out.append((f"[{i}]", err))
    return out


# -------------------------------------------------------------------------------------------- policies


def _xml_root(root: str, what: str) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, str):
            return f"must be an XML {what} document"
        try:
            doc = ET.fromstring(value)
        except ET.ParseError as e:
            return f"is not well-formed XML ({e}); expected a {what} document"
        if doc.tag != root:
            return f"root element must be <{root}> ({what}); got <{doc.tag}>"
        return None

    return check


CROSS_DOMAIN_POLICY = rule(
    "streaming_endpoint.cross_domain_policy", _xml_root("cross-domain-policy", "Flash crossdomain.xml")
)
CLIENT_ACCESS_POLICY = rule(
    "streaming_endpoint.client_access_policy",
    _xml_root("access-policy", "Silverlight clientaccesspolicy.xml"),
)


def _token_key(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return "must be a base64-encoded symmetric key"
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return "must be a base64-encoded symmetric key (the value is not base64; it is not printed)"
    if not raw:
        return "must be a base64-encoded symmetric key (decodes to nothing)"
    return None


SYMMETRIC_TOKEN_KEY = rule("content_key.symmetric_token_key", _token_key)

# ------------------------------------------------------------------------------------------------ tags
_TAG_KEY_BAD = set("<>%&\\?/")


def _tags(value: Any) -> str | None:
    if not isinstance(value, Mapping):
        return "must be an object of tag name -> value"
    if len(value) > 50:
        return f"at most 50 tags per resource; got {len(value)}"
    for k, v in value.items():
        if not isinstance(k, str) or not 1 <= len(k) <= 512:
            return f"tag name {str(k)[:40]!r}… must be 1-512 characters (got {len(str(k))})"
        if _TAG_KEY_BAD & set(k):
            return f"tag name {k!r} must not contain < > % & \\ ? /"
        if not isinstance(v, str) or len(v) > 256:
            return f"tag {k!r}: value must be a string of at most 256 characters"
    return None


TAGS = rule(
    "arm.tags",
    _tags,
    {
        "type": "object",
        "maxProperties": 50,
        "additionalProperties": {"type": "string", "maxLength": 256},
        "propertyNames": {"minLength": 1, "maxLength": 512, "pattern": r"^[^<>%&\\?/]+$"},
    },
)

# --------------------------------------------------------------------------------------------- languages
# The audio analyzer's documented languages (AMS "analyzing video and audio files", BCP-47 language-region).
AUDIO_LANGUAGES = (
    "ar-BH", "ar-EG", "ar-IQ", "ar-JO", "ar-KW", "ar-LB", "ar-OM", "ar-QA", "ar-SA", "ar-SY",
    "da-DK", "de-DE", "en-AU", "en-GB", "en-US", "es-ES", "es-MX", "fi-FI", "fr-CA", "fr-FR",
    "he-IL", "hi-IN", "it-IT", "ja-JP", "ko-KR", "nb-NO", "nl-NL", "pt-BR", "pt-PT", "ru-RU",
    "sv-SE", "th-TH", "tr-TR", "zh-CN",
)  # fmt: skip
AUDIO_LANGUAGE = enum_rule("transform.audio_language", AUDIO_LANGUAGES, "audio analyzer languages")

# ------------------------------------------------------------------------------------------- encoding


def ladder_problems(rungs: list[tuple[int, int, int, int | None]]) -> list[tuple[str, str, str]]:
    """(relative key, rule, problem) for an H.264 ladder given as (width, height, bitrate, maxBitrate)."""
    out: list[tuple[str, str, str]] = []
    if not rungs:
        out.append(("rungs", "h264.rungs", "an H.264 ladder needs at least one rung"))
    for i, (w, h, b, mb) in enumerate(rungs):
        for key, v in (("width", w), ("height", h)):
            if v % 2:
                out.append((f"rungs[{i}].{key}", "h264.even_size", f"must be even for H.264 4:2:0; got {v}"))
        if mb is not None and mb < b:
            out.append(
                (f"rungs[{i}].maxBitrate", "h264.max_bitrate", f"must be at least bitrate ({b}); got {mb}")
            )
        if i:
            pw, ph, pb, _ = rungs[i - 1]
            if b >= pb:
                out.append(
                    (
                        f"rungs[{i}].bitrate",
                        "h264.ladder_order",
                        f"rungs must be ordered by descending bitrate ({b} >= {pb})",
                    )
                )
            if h > ph:
                out.append(
                    (f"rungs[{i}].height", "h264.ladder_order", f"rungs must not grow in height ({h} > {ph})")
                )
    return out


SCHEME_DRMS = {"envelope": {"ClearKey"}, "cenc": {"PlayReady", "Widevine"}, "cbcs": {"FairPlay"}}
