"""Stage configuration: the schema of the ``ams-media:environment`` stack config object.

`parse_stage_config` turns the raw YAML/JSON object into typed, frozen dataclasses. It never stops at the
first problem: it collects every error with its full key path (``environment.liveChannels[1].outputs[0]
.archiveWindow: must be between PT1M and PT25H``) and raises one `StageConfigError` listing all of them,
so a pipeline fails before any resource is registered.

Secrets are never written into the environment object. Fields ending in ``Secret`` name another config
key of the ``ams-media`` namespace (set with ``pulumi config set --secret <key> <value>``); the program
checks those keys exist and reads them as secrets.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

ROOT = "environment"

# --- naming rules (ams-api.md §4) ---
ACCOUNT_NAME = re.compile(r"^[a-z0-9]{3,24}$")
STORAGE_NAME = re.compile(r"^[a-z0-9]{3,24}$")
LIVE_EVENT_NAME = re.compile(r"^[a-zA-Z0-9]+(-*[a-zA-Z0-9])*$")  # 1..32
STREAMING_ENDPOINT_NAME = LIVE_EVENT_NAME  # 1..24
LIVE_OUTPUT_NAME = LIVE_EVENT_NAME  # 1..256
STAGE_NAME = re.compile(r"^[a-z][a-z0-9]{1,15}$")
CONFIG_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
# general rule for Transform, Asset, filters, policies, locators: no < > % & : \ ? / * + . ' or control chars
_FORBIDDEN = re.compile(r"[<>%&:\\?/*+.'\x00-\x1f\x7f]")

BUILT_IN_PRESETS = (
    "AdaptiveStreaming",
    "AACGoodQualityAudio",
    "DDGoodQualityAudio",
    "ContentAwareEncoding",
    "ContentAwareEncodingExperimental",
    "CopyAllBitrateNonInterleaved",
    "H264MultipleBitrate1080p",
    "H264MultipleBitrate720p",
    "H264MultipleBitrateSD",
    "H264SingleBitrate1080p",
    "H264SingleBitrate720p",
    "H264SingleBitrateSD",
    "H265AdaptiveStreaming",
    "H265ContentAwareEncoding",
    "H265SingleBitrate1080p",
    "H265SingleBitrate4K",
    "H265SingleBitrate720p",
)
PREDEFINED_STREAMING_POLICIES = (
    "Predefined_DownloadOnly",
    "Predefined_ClearStreamingOnly",
    "Predefined_DownloadAndClearStreaming",
    "Predefined_ClearKey",
    "Predefined_MultiDrmCencStreaming",
    "Predefined_MultiDrmStreaming",
)
STORAGE_SKUS = ("Standard_LRS", "Standard_GRS", "Standard_RAGRS", "Standard_ZRS", "Standard_GZRS")
LIVE_ENCODING_PRESETS = {"Standard": ("Default720p",), "Premium1080p": ("Default1080p",)}
MAX_OUTPUTS = {"PassthroughBasic": 1, "PassthroughStandard": 3, "Standard": 3, "Premium1080p": 3}
MAX_STREAMING_ENDPOINTS = 2  # per account, including the "default" endpoint every account gets
DEFAULT_ENDPOINT = "default"
MAX_LIVE_EVENTS = 5
MAX_TRANSFORM_OUTPUTS = 20


class StageConfigError(ValueError):
    """All problems found in a stage config; ``errors`` holds one ``path: message`` line each."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(
            f"invalid stack config ams-media:{ROOT} ({len(errors)} error(s)):\n  " + "\n  ".join(errors)
        )


# ----------------------------------------------------------------------------------------------------
# Typed configuration
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceGroupConfig:
    name: str
    create: bool = False


@dataclass(frozen=True)
class StorageConfig:
    """Either ``existing_id`` or ``name`` (a StorageV2 account this stack creates with azure-native)."""

    existing_id: str | None = None
    name: str | None = None
    sku: str = "Standard_LRS"
    identity_name: str | None = None

    @property
    def create(self) -> bool:
        return self.existing_id is None


@dataclass(frozen=True)
class KeyDeliveryConfig:
    default_action: str = "Allow"
    ip_allow_list: tuple[str, ...] = ()


@dataclass(frozen=True)
class EncryptionConfig:
    type: str = "SystemKey"
    key_identifier: str | None = None


@dataclass(frozen=True)
class AccountConfig:
    name: str
    storage: StorageConfig
    protect: bool = False
    key_delivery: KeyDeliveryConfig = field(default_factory=KeyDeliveryConfig)
    encryption: EncryptionConfig = field(default_factory=EncryptionConfig)
    public_network_access: str = "Enabled"


@dataclass(frozen=True)
class H264Rung:
    width: int
    height: int
    bitrate: int
    max_bitrate: int | None = None
    label: str | None = None


@dataclass(frozen=True)
class H264LadderConfig:
    rungs: tuple[H264Rung, ...]
    audio_bitrate: int = 128000
    complexity: str = "Balanced"
    key_frame_interval: str = "PT2S"


@dataclass(frozen=True)
class TransformOutputConfig:
    """Exactly one of ``built_in_preset``, ``h264_ladder`` or ``audio_analyzer_language`` is set."""

    built_in_preset: str | None = None
    h264_ladder: H264LadderConfig | None = None
    audio_analyzer_language: str | None = None
    on_error: str = "StopProcessingJob"
    relative_priority: str = "Normal"


@dataclass(frozen=True)
class TransformConfig:
    name: str
    outputs: tuple[TransformOutputConfig, ...]
    description: str | None = None


@dataclass(frozen=True)
class CdnConfig:
    provider: str = "StandardVerizon"
    profile: str | None = None


@dataclass(frozen=True)
class CrossSiteConfig:
    client_access_policy: str | None = None
    cross_domain_policy: str | None = None


@dataclass(frozen=True)
class StreamingEndpointConfig:
    name: str
    scale_units: int = 0
    run_state: str = "Stopped"
    description: str | None = None
    cdn: CdnConfig | None = None
    ip_allow_list: tuple[str, ...] | None = None
    custom_host_names: tuple[str, ...] = ()
    cross_site: CrossSiteConfig | None = None
    max_cache_age: int | None = None

    @property
    def sku(self) -> str:
        return "Premium" if self.scale_units > 0 else "Standard"


@dataclass(frozen=True)
class AssetFilterConfig:
    name: str
    presentation_window: str | None = None
    live_backoff: str | None = None
    first_quality_bitrate: int | None = None


@dataclass(frozen=True)
class LiveOutputConfig:
    name: str
    archive_window: str
    asset_name: str
    locator_name: str
    streaming_policy: str = "Predefined_ClearStreamingOnly"
    content_key_policy: str | None = None
    rewind_window: str | None = None
    manifest_name: str | None = None
    description: str | None = None
    filter: AssetFilterConfig | None = None


@dataclass(frozen=True)
class LiveChannelConfig:
    name: str
    outputs: tuple[LiveOutputConfig, ...]
    protocol: str = "RTMP"
    encoding_type: str = "PassthroughStandard"
    preset_name: str | None = None
    run_state: str = "Stopped"
    description: str | None = None
    ingest_ip_allow_list: tuple[str, ...] = ("0.0.0.0/0",)
    preview_ip_allow_list: tuple[str, ...] = ("0.0.0.0/0",)
    use_static_hostname: bool = False
    hostname_prefix: str | None = None
    access_token_secret: str | None = None
    key_frame_interval: str | None = None


@dataclass(frozen=True)
class TokenRestrictionConfig:
    issuer: str
    audience: str
    key_secret: str
    token_type: str = "Jwt"
    required_claims: tuple[str, ...] = ()


@dataclass(frozen=True)
class KeyPolicyOptionConfig:
    name: str
    drm: str  # PlayReady | Widevine | FairPlay | ClearKey
    token: TokenRestrictionConfig | None = None  # None = open restriction
    fairplay_ask_secret: str | None = None
    fairplay_pfx_secret: str | None = None
    fairplay_pfx_password_secret: str | None = None


@dataclass(frozen=True)
class ContentKeyPolicyConfig:
    name: str
    options: tuple[KeyPolicyOptionConfig, ...]
    description: str | None = None


@dataclass(frozen=True)
class StreamingPolicyConfig:
    name: str
    scheme: str  # clear | envelope | cenc | cbcs
    content_key_policy: str | None = None
    protocols: tuple[str, ...] = ("dash", "hls", "smoothStreaming")


@dataclass(frozen=True)
class ContentProtectionConfig:
    content_key_policies: tuple[ContentKeyPolicyConfig, ...] = ()
    streaming_policies: tuple[StreamingPolicyConfig, ...] = ()


@dataclass(frozen=True)
class StageConfig:
    stage: str
    location: str
    resource_group: ResourceGroupConfig
    account: AccountConfig
    tags: Mapping[str, str] = field(default_factory=dict)
    transforms: tuple[TransformConfig, ...] = ()
    streaming_endpoints: tuple[StreamingEndpointConfig, ...] = ()
    live_channels: tuple[LiveChannelConfig, ...] = ()
    content_protection: ContentProtectionConfig = field(default_factory=ContentProtectionConfig)

    def secret_refs(self) -> list[tuple[str, str]]:
        """(key path, config key) for every secret the stage needs from ``ams-media:<key>``."""
        refs: list[tuple[str, str]] = []
        for i, ch in enumerate(self.live_channels):
            if ch.access_token_secret:
                refs.append((f"{ROOT}.liveChannels[{i}].accessTokenSecret", ch.access_token_secret))
        for i, pol in enumerate(self.content_protection.content_key_policies):
            for j, opt in enumerate(pol.options):
                p = f"{ROOT}.contentProtection.contentKeyPolicies[{i}].options[{j}]"
                if opt.token:
                    refs.append((f"{p}.token.keySecret", opt.token.key_secret))
                for attr, key in (
                    ("fairplay_ask_secret", "askSecret"),
                    ("fairplay_pfx_secret", "pfxSecret"),
                    ("fairplay_pfx_password_secret", "pfxPasswordSecret"),
                ):
                    value = getattr(opt, attr)
                    if value:
                        refs.append((f"{p}.fairPlay.{key}", value))
        return refs

    @property
    def uses_azure_native(self) -> bool:
        return self.resource_group.create or self.account.storage.create


# ----------------------------------------------------------------------------------------------------
# Validation helpers
# ----------------------------------------------------------------------------------------------------

_MISSING = object()
_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def parse_duration(text: str) -> float | None:
    """Seconds of an ISO 8601 duration such as ``PT1H30M``; None when malformed."""
    m = _DURATION.match(text)
    if not m or text in ("P", "PT") or text.endswith("T"):
        return None
    d, h, mi, s = m.groups()
    return int(d or 0) * 86400 + int(h or 0) * 3600 + int(mi or 0) * 60 + float(s or 0)


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list"}.get(
        type(value), "an object" if isinstance(value, dict) else type(value).__name__
    )


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def err(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def obj(self, value: Any, path: str, required: Iterable[str], optional: Iterable[str]) -> dict | None:
        if not isinstance(value, dict):
            self.err(path, f"must be an object, got {_type_name(value)}")
            return None
        req = tuple(required)
        allowed = set(req) | set(optional)
        for key in value:
            if key not in allowed:
                self.err(f"{path}.{key}", f"unknown key (allowed: {', '.join(sorted(allowed))})")
        for key in req:
            if key not in value:
                self.err(f"{path}.{key}", "is required")
        return value

    def get(
        self,
        d: dict,
        key: str,
        path: str,
        kind: type | tuple[type, ...],
        default: Any = None,
    ) -> Any:
        value = d.get(key, _MISSING)
        if value is _MISSING or value is None:
            return default
        ok = isinstance(value, kind) and not (isinstance(value, bool) and kind is int)
        if not ok:
            want: dict[Any, str] = {
                str: "a string",
                int: "an integer",
                bool: "a boolean",
                list: "a list",
                dict: "an object",
            }
            self.err(f"{path}.{key}", f"must be {want.get(kind, str(kind))}, got {_type_name(value)}")
            return _MISSING
        return value

    def string(
        self,
        d: dict,
        key: str,
        path: str,
        default: str | None = None,
        *,
        choices: Iterable[str] | None = None,
        pattern: re.Pattern[str] | None = None,
        max_len: int | None = None,
        rule: str = "",
    ) -> str | None:
        value = self.get(d, key, path, str, default)
        if value is _MISSING:
            return default
        if value is None:
            return None
        if choices is not None:
            opts = tuple(choices)
            if value not in opts:
                self.err(f"{path}.{key}", f"must be one of {', '.join(opts)}; got {value!r}")
                return default
        if pattern is not None and not pattern.match(value):
            self.err(f"{path}.{key}", f"{value!r} does not match {rule or pattern.pattern}")
        if max_len is not None and len(value) > max_len:
            self.err(f"{path}.{key}", f"{value!r} is longer than {max_len} characters")
        return value

    def name(self, d: dict, key: str, path: str, default: str | None = None) -> str | None:
        """An entity name under the general Media Services rule (≤260 chars, no < > % & : \\ ? / * + . ')."""
        value = self.string(d, key, path, default, max_len=260)
        if value is not None and (_FORBIDDEN.search(value) or not value):
            self.err(
                f"{path}.{key}", f"{value!r} must not contain < > % & : \\ ? / * + . ' or control characters"
            )
        return value

    def integer(self, d: dict, key: str, path: str, default: int | None, lo: int, hi: int) -> int | None:
        value = self.get(d, key, path, int, default)
        if value is _MISSING:
            return default
        if value is not None and not lo <= value <= hi:
            self.err(f"{path}.{key}", f"must be between {lo} and {hi}; got {value}")
        return value

    def boolean(self, d: dict, key: str, path: str, default: bool) -> bool:
        value = self.get(d, key, path, bool, default)
        return default if value is _MISSING else value

    def items(self, d: dict, key: str, path: str, *, required: bool = False) -> list[tuple[str, Any]]:
        value = self.get(d, key, path, list, None)
        if value is _MISSING:
            return []
        if value is None:
            return []
        if required and not value:
            self.err(f"{path}.{key}", "must not be empty")
        return [(f"{path}.{key}[{i}]", item) for i, item in enumerate(value)]

    def strings(self, d: dict, key: str, path: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        if key not in d or d[key] is None:
            return default
        out = []
        for p, item in self.items(d, key, path):
            if isinstance(item, str):
                out.append(item)
            else:
                self.err(p, f"must be a string, got {_type_name(item)}")
        return tuple(out)

    def duration(
        self, d: dict, key: str, path: str, lo: float, hi: float, lo_s: str, hi_s: str
    ) -> tuple[str | None, float | None]:
        value = self.string(d, key, path)
        if value is None:
            return None, None
        seconds = parse_duration(value)
        if seconds is None:
            self.err(f"{path}.{key}", f"{value!r} is not an ISO 8601 duration such as PT1H")
            return value, None
        if not lo <= seconds <= hi:
            self.err(f"{path}.{key}", f"must be between {lo_s} and {hi_s}; got {value}")
        return value, seconds

    def unique(self, names: Iterable[tuple[str, str | None]], what: str, ignore_case: bool = True) -> None:
        seen: dict[str, str] = {}
        for path, name in names:
            if name is None:
                continue
            k = name.lower() if ignore_case else name
            if k in seen:
                self.err(path, f"duplicate {what} {name!r} (also at {seen[k]})")
            else:
                seen[k] = path


# ----------------------------------------------------------------------------------------------------
# Sections
# ----------------------------------------------------------------------------------------------------


def _resource_group(c: _Checker, raw: Any, path: str) -> ResourceGroupConfig:
    d = c.obj(raw, path, ["name"], ["create"]) or {}
    name = c.string(d, "name", path, max_len=90) or ""
    return ResourceGroupConfig(name=name, create=c.boolean(d, "create", path, False))


def _account(c: _Checker, raw: Any, path: str) -> AccountConfig:
    d = (
        c.obj(
            raw,
            path,
            ["name", "storage"],
            ["protect", "keyDelivery", "encryption", "publicNetworkAccess"],
        )
        or {}
    )
    name = c.string(d, "name", path, pattern=ACCOUNT_NAME, rule="3-24 lowercase letters or digits") or ""

    sp = f"{path}.storage"
    sd = c.obj(d.get("storage", {}), sp, [], ["existingId", "name", "sku", "identityName"]) or {}
    existing = c.string(sd, "existingId", sp)
    sname = c.string(sd, "name", sp, pattern=STORAGE_NAME, rule="3-24 lowercase letters or digits")
    if existing and sname:
        c.err(sp, "set either existingId (use an existing storage account) or name (create one), not both")
    elif not existing and not sname and "storage" in d:
        c.err(sp, "set existingId (use an existing storage account) or name (create one)")
    if existing is not None and not re.match(
        r"(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Storage/storageAccounts/[a-z0-9]{3,24}$",
        existing,
    ):
        c.err(
            f"{sp}.existingId",
            "must be a storage account resource ID (/subscriptions/…/storageAccounts/<name>)",
        )
    if existing and ("sku" in sd or "identityName" in sd):
        c.err(sp, "sku and identityName only apply when the stack creates the storage account (name)")
    storage = StorageConfig(
        existing_id=existing,
        name=None if existing else sname,
        sku=c.string(sd, "sku", sp, "Standard_LRS", choices=STORAGE_SKUS) or "Standard_LRS",
        identity_name=c.string(sd, "identityName", sp, max_len=128),
    )

    kp = f"{path}.keyDelivery"
    kd = c.obj(d.get("keyDelivery", {}), kp, [], ["defaultAction", "ipAllowList"]) or {}
    action = c.string(kd, "defaultAction", kp, "Allow", choices=("Allow", "Deny")) or "Allow"
    ips = c.strings(kd, "ipAllowList", kp)
    if ips and action == "Allow":
        c.err(f"{kp}.ipAllowList", "only applies with defaultAction Deny")

    ep = f"{path}.encryption"
    ed = c.obj(d.get("encryption", {}), ep, [], ["type", "keyIdentifier"]) or {}
    etype = c.string(ed, "type", ep, "SystemKey", choices=("SystemKey", "CustomerKey")) or "SystemKey"
    key_id = c.string(ed, "keyIdentifier", ep)
    if etype == "CustomerKey":
        if not key_id:
            c.err(f"{ep}.keyIdentifier", "is required with type CustomerKey")
        if existing:
            c.err(
                ep,
                "CustomerKey needs the user-assigned identity that comes with storage.name",
            )
    elif key_id:
        c.err(f"{ep}.keyIdentifier", "only applies with type CustomerKey")

    return AccountConfig(
        name=name,
        storage=storage,
        protect=c.boolean(d, "protect", path, False),
        key_delivery=KeyDeliveryConfig(action, ips),
        encryption=EncryptionConfig(etype, key_id),
        public_network_access=c.string(
            d, "publicNetworkAccess", path, "Enabled", choices=("Enabled", "Disabled")
        )
        or "Enabled",
    )


def _ladder(c: _Checker, raw: Any, path: str) -> H264LadderConfig | None:
    d = c.obj(raw, path, ["rungs"], ["audioBitrate", "complexity", "keyFrameInterval"])
    if d is None:
        return None
    rungs: list[H264Rung] = []
    for rp, item in c.items(d, "rungs", path, required=True):
        r = c.obj(item, rp, ["width", "height", "bitrate"], ["maxBitrate", "label"])
        if r is None:
            continue
        w = c.integer(r, "width", rp, None, 16, 7680)
        h = c.integer(r, "height", rp, None, 16, 4320)
        b = c.integer(r, "bitrate", rp, None, 64_000, 100_000_000)
        mb = c.integer(r, "maxBitrate", rp, None, 64_000, 200_000_000)
        for key, v in (("width", w), ("height", h)):
            if v is not None and v % 2:
                c.err(f"{rp}.{key}", f"must be even for H.264 4:2:0; got {v}")
        if mb is not None and b is not None and mb < b:
            c.err(f"{rp}.maxBitrate", f"must be at least bitrate ({b}); got {mb}")
        label = c.string(
            r, "label", rp, pattern=re.compile(r"^[A-Za-z0-9_-]{1,32}$"), rule="1-32 of A-Z a-z 0-9 _ -"
        )
        if w is not None and h is not None and b is not None:
            rungs.append(H264Rung(w, h, b, mb, label))
    for i in range(1, len(rungs)):
        prev, cur = rungs[i - 1], rungs[i]
        if cur.bitrate >= prev.bitrate:
            c.err(
                f"{path}.rungs[{i}].bitrate",
                f"rungs must be ordered by descending bitrate ({cur.bitrate} >= {prev.bitrate})",
            )
        if cur.height > prev.height:
            c.err(
                f"{path}.rungs[{i}].height", f"rungs must not grow in height ({cur.height} > {prev.height})"
            )
    c.unique(((f"{path}.rungs[{i}].label", r.label) for i, r in enumerate(rungs)), "rung label")
    kfi, _ = c.duration(d, "keyFrameInterval", path, 0.5, 20, "PT0.5S", "PT20S")
    return H264LadderConfig(
        rungs=tuple(rungs),
        audio_bitrate=c.integer(d, "audioBitrate", path, 128000, 32000, 512000) or 128000,
        complexity=c.string(d, "complexity", path, "Balanced", choices=("Speed", "Balanced", "Quality"))
        or "Balanced",
        key_frame_interval=kfi or "PT2S",
    )


def _transform(c: _Checker, raw: Any, path: str) -> TransformConfig | None:
    d = c.obj(raw, path, ["name", "outputs"], ["description"])
    if d is None:
        return None
    outputs: list[TransformOutputConfig] = []
    kinds = ("builtInPreset", "h264Ladder", "audioAnalyzer")
    items = c.items(d, "outputs", path, required=True)
    if len(items) > MAX_TRANSFORM_OUTPUTS:
        c.err(f"{path}.outputs", f"at most {MAX_TRANSFORM_OUTPUTS} outputs per transform; got {len(items)}")
    for op, item in items:
        o = c.obj(item, op, [], (*kinds, "onError", "relativePriority"))
        if o is None:
            continue
        present = [k for k in kinds if k in o]
        if len(present) != 1:
            c.err(op, f"exactly one preset per output ({', '.join(kinds)}); got {len(present)}")
        ladder = _ladder(c, o["h264Ladder"], f"{op}.h264Ladder") if "h264Ladder" in o else None
        aa = None
        if "audioAnalyzer" in o:
            ap = f"{op}.audioAnalyzer"
            ad = c.obj(o["audioAnalyzer"], ap, [], ["language"]) or {}
            aa = c.string(
                ad,
                "language",
                ap,
                "en-US",
                pattern=re.compile(r"^[a-z]{2}-[A-Z]{2}$"),
                rule="a BCP-47 tag like en-US",
            )
        outputs.append(
            TransformOutputConfig(
                built_in_preset=c.string(o, "builtInPreset", op, choices=BUILT_IN_PRESETS),
                h264_ladder=ladder,
                audio_analyzer_language=aa,
                on_error=c.string(
                    o, "onError", op, "StopProcessingJob", choices=("StopProcessingJob", "ContinueJob")
                )
                or "StopProcessingJob",
                relative_priority=c.string(
                    o, "relativePriority", op, "Normal", choices=("Low", "Normal", "High")
                )
                or "Normal",
            )
        )
    return TransformConfig(
        name=c.name(d, "name", path) or "",
        outputs=tuple(outputs),
        description=c.string(d, "description", path),
    )


def _streaming_endpoint(c: _Checker, raw: Any, path: str) -> StreamingEndpointConfig | None:
    d = c.obj(
        raw,
        path,
        ["name"],
        [
            "scaleUnits",
            "runState",
            "description",
            "cdn",
            "ipAllowList",
            "customHostNames",
            "crossSiteAccessPolicies",
            "maxCacheAge",
        ],
    )
    if d is None:
        return None
    name = (
        c.string(
            d,
            "name",
            path,
            pattern=STREAMING_ENDPOINT_NAME,
            max_len=24,
            rule="letters, digits and inner hyphens",
        )
        or ""
    )
    cdn = None
    if "cdn" in d:
        cp = f"{path}.cdn"
        cd = c.obj(d["cdn"], cp, [], ["provider", "profile"]) or {}
        cdn = CdnConfig(
            provider=c.string(
                cd,
                "provider",
                cp,
                "StandardVerizon",
                choices=("StandardVerizon", "PremiumVerizon", "StandardAkamai"),
            )
            or "StandardVerizon",
            profile=c.string(cd, "profile", cp, max_len=260),
        )
    ips = c.strings(d, "ipAllowList", path) if "ipAllowList" in d else None
    hosts = c.strings(d, "customHostNames", path)
    if cdn is not None:
        if ips is not None:
            c.err(f"{path}.ipAllowList", "access control can only be set when cdn is not enabled")
        if hosts:
            c.err(f"{path}.customHostNames", "custom host names can only be set when cdn is not enabled")
    cross = None
    if "crossSiteAccessPolicies" in d:
        xp = f"{path}.crossSiteAccessPolicies"
        xd = c.obj(d["crossSiteAccessPolicies"], xp, [], ["clientAccessPolicy", "crossDomainPolicy"]) or {}
        cross = CrossSiteConfig(c.string(xd, "clientAccessPolicy", xp), c.string(xd, "crossDomainPolicy", xp))
    return StreamingEndpointConfig(
        name=name,
        scale_units=c.integer(d, "scaleUnits", path, 0, 0, 10) or 0,
        run_state=c.string(d, "runState", path, "Stopped", choices=("Running", "Stopped")) or "Stopped",
        description=c.string(d, "description", path),
        cdn=cdn,
        ip_allow_list=ips,
        custom_host_names=hosts,
        cross_site=cross,
        max_cache_age=c.integer(d, "maxCacheAge", path, None, 0, 31_536_000),
    )


def _live_output(c: _Checker, raw: Any, path: str, channel: str) -> LiveOutputConfig | None:
    d = c.obj(
        raw,
        path,
        ["name", "archiveWindow"],
        ["rewindWindow", "manifestName", "description", "assetName", "locator", "filter"],
    )
    if d is None:
        return None
    name = (
        c.string(
            d, "name", path, pattern=LIVE_OUTPUT_NAME, max_len=256, rule="letters, digits and inner hyphens"
        )
        or ""
    )
    archive, archive_s = c.duration(d, "archiveWindow", path, 60, 25 * 3600, "PT1M", "PT25H")
    rewind, rewind_s = c.duration(d, "rewindWindow", path, 60, 25 * 3600, "PT1M", "PT25H")
    if rewind_s is not None and archive_s is not None and rewind_s > archive_s:
        c.err(f"{path}.rewindWindow", f"must not exceed archiveWindow ({archive}); got {rewind}")
    lp = f"{path}.locator"
    ld = c.obj(d.get("locator", {}), lp, [], ["name", "streamingPolicy", "contentKeyPolicy"]) or {}
    filt = None
    if "filter" in d:
        fp = f"{path}.filter"
        fd = (
            c.obj(d["filter"], fp, [], ["name", "presentationWindow", "liveBackoff", "firstQualityBitrate"])
            or {}
        )
        pw, pw_s = c.duration(fd, "presentationWindow", fp, 60, 25 * 3600, "PT1M", "PT25H")
        if pw_s is not None and archive_s is not None and pw_s > archive_s:
            c.err(f"{fp}.presentationWindow", f"must not exceed archiveWindow ({archive}); got {pw}")
        lb, _ = c.duration(fd, "liveBackoff", fp, 0, 60, "PT0S", "PT60S")
        filt = AssetFilterConfig(
            name=c.name(fd, "name", fp, f"{name}-filter") or "",
            presentation_window=pw,
            live_backoff=lb,
            first_quality_bitrate=c.integer(fd, "firstQualityBitrate", fp, None, 1, 100_000_000),
        )
    return LiveOutputConfig(
        name=name,
        archive_window=archive or "",
        rewind_window=rewind,
        manifest_name=c.name(d, "manifestName", path),
        description=c.string(d, "description", path),
        asset_name=c.name(d, "assetName", path, f"{channel}-{name}-archive") or "",
        locator_name=c.name(ld, "name", lp, f"{channel}-{name}-locator") or "",
        streaming_policy=c.name(ld, "streamingPolicy", lp, "Predefined_ClearStreamingOnly") or "",
        content_key_policy=c.name(ld, "contentKeyPolicy", lp),
        filter=filt,
    )


def _live_channel(c: _Checker, raw: Any, path: str) -> LiveChannelConfig | None:
    d = c.obj(
        raw,
        path,
        ["name", "outputs"],
        [
            "protocol", "encoding", "runState", "description", "ingestIpAllowList", "previewIpAllowList",
            "useStaticHostname", "hostnamePrefix", "accessTokenSecret", "keyFrameInterval",
        ],
    )  # fmt: skip
    if d is None:
        return None
    name = (
        c.string(
            d, "name", path, pattern=LIVE_EVENT_NAME, max_len=32, rule="letters, digits and inner hyphens"
        )
        or ""
    )
    ep = f"{path}.encoding"
    ed = c.obj(d.get("encoding", {}), ep, [], ["type", "presetName"]) or {}
    etype = (
        c.string(ed, "type", ep, "PassthroughStandard", choices=tuple(MAX_OUTPUTS)) or "PassthroughStandard"
    )
    preset = c.string(ed, "presetName", ep)
    if preset is not None:
        allowed = LIVE_ENCODING_PRESETS.get(etype)
        if allowed is None:
            c.err(f"{ep}.presetName", f"only applies to live encoding (Standard, Premium1080p), not {etype}")
        elif preset not in allowed:
            c.err(f"{ep}.presetName", f"must be one of {', '.join(allowed)} for {etype}; got {preset!r}")
    outputs = [
        o for p, item in c.items(d, "outputs", path) if (o := _live_output(c, item, p, name)) is not None
    ]
    if len(outputs) > MAX_OUTPUTS[etype]:
        c.err(
            f"{path}.outputs",
            f"{etype} allows at most {MAX_OUTPUTS[etype]} live output(s); got {len(outputs)}",
        )
    c.unique(((f"{path}.outputs[{i}].name", o.name) for i, o in enumerate(outputs)), "live output name")
    c.unique(
        ((f"{path}.outputs[{i}].manifestName", o.manifest_name) for i, o in enumerate(outputs)),
        "manifest name",
    )
    use_static = c.boolean(d, "useStaticHostname", path, False)
    prefix = c.string(
        d,
        "hostnamePrefix",
        path,
        pattern=LIVE_EVENT_NAME,
        max_len=32,
        rule="letters, digits and inner hyphens",
    )
    if prefix and not use_static:
        c.err(f"{path}.hostnamePrefix", "only applies with useStaticHostname: true")
    kfi, _ = c.duration(d, "keyFrameInterval", path, 0.5, 20, "PT0.5S", "PT20S")
    if kfi and etype.startswith("Passthrough"):
        c.err(f"{path}.keyFrameInterval", "only applies to live encoding (Standard, Premium1080p)")
    return LiveChannelConfig(
        name=name,
        outputs=tuple(outputs),
        protocol=c.string(d, "protocol", path, "RTMP", choices=("RTMP", "FragmentedMP4")) or "RTMP",
        encoding_type=etype,
        preset_name=preset,
        run_state=c.string(d, "runState", path, "Stopped", choices=("Running", "StandBy", "Stopped"))
        or "Stopped",
        description=c.string(d, "description", path),
        ingest_ip_allow_list=c.strings(d, "ingestIpAllowList", path, ("0.0.0.0/0",)),
        preview_ip_allow_list=c.strings(d, "previewIpAllowList", path, ("0.0.0.0/0",)),
        use_static_hostname=use_static,
        hostname_prefix=prefix,
        access_token_secret=c.string(
            d, "accessTokenSecret", path, pattern=CONFIG_KEY, rule="a config key name"
        ),
        key_frame_interval=kfi,
    )


DRMS = ("PlayReady", "Widevine", "FairPlay", "ClearKey")


def _key_policy(c: _Checker, raw: Any, path: str) -> ContentKeyPolicyConfig | None:
    d = c.obj(raw, path, ["name", "options"], ["description"])
    if d is None:
        return None
    options: list[KeyPolicyOptionConfig] = []
    for op, item in c.items(d, "options", path, required=True):
        o = c.obj(item, op, ["drm"], ["name", "restriction", "token", "fairPlay"])
        if o is None:
            continue
        drm = c.string(o, "drm", op, choices=DRMS) or ""
        restriction = c.string(o, "restriction", op, "open", choices=("open", "token")) or "open"
        token = None
        if restriction == "token" and "token" not in o:
            c.err(f"{op}.token", "is required with restriction: token")
        if restriction == "open" and "token" in o:
            c.err(f"{op}.token", "only applies with restriction: token")
        if "token" in o:
            tp = f"{op}.token"
            td = (
                c.obj(o["token"], tp, ["issuer", "audience", "keySecret"], ["tokenType", "requiredClaims"])
                or {}
            )
            token = TokenRestrictionConfig(
                issuer=c.string(td, "issuer", tp) or "",
                audience=c.string(td, "audience", tp) or "",
                key_secret=c.string(td, "keySecret", tp, pattern=CONFIG_KEY, rule="a config key name") or "",
                token_type=c.string(td, "tokenType", tp, "Jwt", choices=("Jwt", "Swt")) or "Jwt",
                required_claims=c.strings(td, "requiredClaims", tp),
            )
        fp_secrets: dict[str, str | None] = {}
        if drm == "FairPlay":
            fp = f"{op}.fairPlay"
            if "fairPlay" not in o:
                c.err(fp, "is required for drm FairPlay (askSecret, pfxSecret, pfxPasswordSecret)")
            fd = c.obj(o.get("fairPlay", {}), fp, ["askSecret", "pfxSecret", "pfxPasswordSecret"], []) or {}
            for key in ("askSecret", "pfxSecret", "pfxPasswordSecret"):
                fp_secrets[key] = c.string(fd, key, fp, pattern=CONFIG_KEY, rule="a config key name")
        elif "fairPlay" in o:
            c.err(f"{op}.fairPlay", "only applies to drm FairPlay")
        options.append(
            KeyPolicyOptionConfig(
                name=c.name(o, "name", op, f"{drm or 'option'}{len(options)}") or "",
                drm=drm,
                token=token,
                fairplay_ask_secret=fp_secrets.get("askSecret"),
                fairplay_pfx_secret=fp_secrets.get("pfxSecret"),
                fairplay_pfx_password_secret=fp_secrets.get("pfxPasswordSecret"),
            )
        )
    c.unique(((f"{path}.options[{i}].name", o.name) for i, o in enumerate(options)), "option name")
    return ContentKeyPolicyConfig(
        name=c.name(d, "name", path) or "",
        options=tuple(options),
        description=c.string(d, "description", path),
    )


SCHEME_DRMS = {"envelope": {"ClearKey"}, "cenc": {"PlayReady", "Widevine"}, "cbcs": {"FairPlay"}}


def _content_protection(c: _Checker, raw: Any, path: str) -> ContentProtectionConfig:
    d = c.obj(raw, path, [], ["contentKeyPolicies", "streamingPolicies"]) or {}
    policies = [p for pp, item in c.items(d, "contentKeyPolicies", path) if (p := _key_policy(c, item, pp))]
    c.unique(
        ((f"{path}.contentKeyPolicies[{i}].name", p.name) for i, p in enumerate(policies)),
        "content key policy name",
    )
    by_name = {p.name: p for p in policies}
    streaming: list[StreamingPolicyConfig] = []
    for sp, item in c.items(d, "streamingPolicies", path):
        s = c.obj(item, sp, ["name", "scheme"], ["contentKeyPolicy", "protocols"])
        if s is None:
            continue
        scheme = c.string(s, "scheme", sp, choices=("clear", "envelope", "cenc", "cbcs")) or ""
        ckp = c.name(s, "contentKeyPolicy", sp)
        if scheme == "clear" and ckp:
            c.err(f"{sp}.contentKeyPolicy", "a clear streaming policy takes no content key policy")
        if scheme in SCHEME_DRMS:
            if not ckp:
                c.err(f"{sp}.contentKeyPolicy", f"is required for scheme {scheme}")
            elif ckp not in by_name:
                c.err(
                    f"{sp}.contentKeyPolicy",
                    f"unknown content key policy {ckp!r} (declared: {', '.join(by_name) or 'none'})",
                )
            elif not SCHEME_DRMS[scheme] & {o.drm for o in by_name[ckp].options}:
                c.err(
                    f"{sp}.contentKeyPolicy",
                    f"scheme {scheme} needs a {' or '.join(sorted(SCHEME_DRMS[scheme]))} option in {ckp!r}",
                )
        protocols = c.strings(s, "protocols", sp, ("dash", "hls", "smoothStreaming"))
        for i, proto in enumerate(protocols):
            if proto not in ("dash", "hls", "smoothStreaming", "download"):
                c.err(
                    f"{sp}.protocols[{i}]",
                    f"must be one of dash, hls, smoothStreaming, download; got {proto!r}",
                )
        if scheme == "cbcs" and set(protocols) - {"hls", "dash"}:
            c.err(f"{sp}.protocols", "cbcs (FairPlay) supports only hls and dash")
        streaming.append(
            StreamingPolicyConfig(
                name=c.name(s, "name", sp) or "", scheme=scheme, content_key_policy=ckp, protocols=protocols
            )
        )
    c.unique(
        ((f"{path}.streamingPolicies[{i}].name", x.name) for i, x in enumerate(streaming)),
        "streaming policy name",
    )
    for i, sp_cfg in enumerate(streaming):
        if sp_cfg.name.lower().startswith("predefined_"):
            c.err(f"{path}.streamingPolicies[{i}].name", "names starting with Predefined_ are reserved")
    return ContentProtectionConfig(tuple(policies), tuple(streaming))


def parse_stage_config(raw: Any, has_secret: Callable[[str], bool] | None = None) -> StageConfig:
    """Validate ``raw`` (the ``ams-media:environment`` object) and return the typed config.

    ``has_secret(key)`` says whether ``ams-media:<key>`` is set; when given, every ``*Secret`` reference
    must exist. Raises `StageConfigError` with every problem found.
    """
    c = _Checker()
    d = c.obj(
        raw,
        ROOT,
        ["stage", "location", "resourceGroup", "account"],
        ["tags", "transforms", "streamingEndpoints", "liveChannels", "contentProtection"],
    )
    if d is None:
        raise StageConfigError(c.errors)
    tags: dict[str, str] = {}
    tv = c.get(d, "tags", ROOT, dict, {})
    if isinstance(tv, dict):
        for k, v in tv.items():
            if not isinstance(v, str):
                c.err(f"{ROOT}.tags.{k}", f"must be a string, got {_type_name(v)}")
            else:
                tags[k] = v
    transforms = [t for p, item in c.items(d, "transforms", ROOT) if (t := _transform(c, item, p))]
    endpoints = [
        e for p, item in c.items(d, "streamingEndpoints", ROOT) if (e := _streaming_endpoint(c, item, p))
    ]
    extra = [e for e in endpoints if e.name.lower() != DEFAULT_ENDPOINT]
    if len(extra) > MAX_STREAMING_ENDPOINTS - 1:
        c.err(
            f"{ROOT}.streamingEndpoints",
            f"an account allows at most {MAX_STREAMING_ENDPOINTS} streaming endpoints including the"
            f" '{DEFAULT_ENDPOINT}' one it is created with; configure '{DEFAULT_ENDPOINT}' plus at most"
            f" {MAX_STREAMING_ENDPOINTS - 1} more (got {len(extra)} others)",
        )
    channels = [ch for p, item in c.items(d, "liveChannels", ROOT) if (ch := _live_channel(c, item, p))]
    if len(channels) > MAX_LIVE_EVENTS:
        c.err(
            f"{ROOT}.liveChannels",
            f"an account allows at most {MAX_LIVE_EVENTS} live events; got {len(channels)}",
        )
    protection = _content_protection(c, d.get("contentProtection", {}), f"{ROOT}.contentProtection")
    cfg = StageConfig(
        stage=c.string(d, "stage", ROOT, pattern=STAGE_NAME, rule="a lowercase stage name like dev") or "",
        location=c.string(
            d, "location", ROOT, pattern=re.compile(r"^[a-z0-9]+$"), rule="an Azure region like westeurope"
        )
        or "",
        resource_group=_resource_group(c, d.get("resourceGroup", {}), f"{ROOT}.resourceGroup"),
        account=_account(c, d.get("account", {}), f"{ROOT}.account"),
        tags=tags,
        transforms=tuple(transforms),
        streaming_endpoints=tuple(endpoints),
        live_channels=tuple(channels),
        content_protection=protection,
    )
    # cross-section rules
    c.unique(((f"{ROOT}.transforms[{i}].name", t.name) for i, t in enumerate(transforms)), "transform name")
    c.unique(
        ((f"{ROOT}.streamingEndpoints[{i}].name", e.name) for i, e in enumerate(endpoints)),
        "streaming endpoint name",
    )
    c.unique(
        ((f"{ROOT}.liveChannels[{i}].name", ch.name) for i, ch in enumerate(channels)), "live channel name"
    )
    for kind, attr in (("asset name", "asset_name"), ("streaming locator name", "locator_name")):
        c.unique(
            (
                (f"{ROOT}.liveChannels[{i}].outputs[{j}].{attr.split('_')[0]}Name", getattr(o, attr))
                for i, ch in enumerate(channels)
                for j, o in enumerate(ch.outputs)
            ),
            kind,
        )
    policies = {p.name for p in protection.streaming_policies}
    keys = {p.name for p in protection.content_key_policies}
    for i, ch in enumerate(channels):
        for j, o in enumerate(ch.outputs):
            lp = f"{ROOT}.liveChannels[{i}].outputs[{j}].locator"
            if o.streaming_policy not in PREDEFINED_STREAMING_POLICIES and o.streaming_policy not in policies:
                c.err(
                    f"{lp}.streamingPolicy",
                    f"unknown streaming policy {o.streaming_policy!r}"
                    " (predefined or contentProtection.streamingPolicies)",
                )
            if o.content_key_policy and o.content_key_policy not in keys:
                c.err(f"{lp}.contentKeyPolicy", f"unknown content key policy {o.content_key_policy!r}")
    if has_secret is not None:
        for path, key in cfg.secret_refs():
            if not has_secret(key):
                c.err(
                    path, f"config key ams-media:{key} is not set (pulumi config set --secret {key} <value>)"
                )
    if c.errors:
        raise StageConfigError(c.errors)
    return cfg
