"""Stage configuration: the schema of the ``ams-media:environment`` stack config object (pydantic v2).

The models mirror the stack file one to one (snake_case fields, camelCase keys). Service rules are not written
here: every field that carries one is annotated with a `Rule` from ``dynamic_providers.validate`` — the same
object the providers' ``check`` calls — and the error names it. `parse_stage_config` reports every problem at
once, one ``path: problem (rule: name)`` line each, before any resource is registered. ``stage-schema.json``
(the JSON Schema editors use) is generated from these models (``python -m components.config``).

Secrets are never written into the environment object. Fields ending in ``Secret`` name another config key of
the ``ams-media`` namespace (``pulumi config set --secret <key> <value>``); the program checks those exist.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from azure.mgmt.core.tools import parse_resource_id
from pydantic import BaseModel, ConfigDict, Field, Strict, StrictBool, ValidationError, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError, core_schema

from dynamic_providers.core.contents import EntityKind
from dynamic_providers.validate import rules as R

ROOT = "environment"
SCHEMA_FILE = Path(__file__).resolve().parents[1] / "stacks" / "stage-schema.json"
DEFAULT_ENDPOINT = R.DEFAULT_ENDPOINT
MAX_OUTPUTS = R.MAX_LIVE_OUTPUTS
Problem = tuple[str, str, str]  # (key relative to the model, rule name, problem)


class StageConfigError(ValueError):
    """All problems found in a stage config; ``errors`` holds one ``path: message`` line each."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(
            f"invalid stack config ams-media:{ROOT} ({len(errors)} error(s)):\n  " + "\n  ".join(errors)
        )


class Checked:
    """Field metadata applying a service `Rule` (validation, canonical spelling, JSON Schema keywords)."""

    def __init__(self, rule: R.Rule) -> None:
        self.rule = rule

    def _validate(self, value: Any) -> Any:
        problem = self.rule(value)
        if problem:
            raise PydanticCustomError("rule", "{problem}", {"problem": problem, "rule": self.rule.name})
        return self.rule.normalize(value)

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._validate, handler(source))

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict[str, Any]:
        out = dict(handler(schema))
        out.update({k: v for k, v in self.rule.schema.items() if k != "type"})
        out["description"] = " ".join(filter(None, (out.get("description"), f"(rule: {self.rule.name})")))
        return out


def problems(found: Iterable[Problem]) -> None:
    """Raise the cross-field problems a model validator found (all of them, with their keys)."""
    found = list(found)
    if found:
        summary = "; ".join(f"{key or '.'}: {msg} (rule: {rule})" for key, rule, msg in found)
        raise PydanticCustomError("rules", "{summary}", {"summary": summary, "problems": found})


def unique(items: Iterable[tuple[str, str | None]], what: str) -> Iterator[Problem]:
    """Names compared case-insensitively, as ARM does."""
    seen: dict[str, str] = {}
    for key, name in items:
        if name is None:
            continue
        if name.lower() in seen:
            yield key, "unique_name", f"duplicate {what} {name!r} (also at {seen[name.lower()]})"
        else:
            seen[name.lower()] = key


Int = Annotated[int, Strict()]  # no "2" -> 2 or true -> 1 coercion
Name = Annotated[str, Checked(R.NAME)]
ConfigKey = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$", description="an ams-media config key")]
IpRange = Annotated[str, Checked(R.IP_RANGE)]
Text = Annotated[str, Field(max_length=4096)]


class Schema(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        extra="forbid",
        frozen=True,
    )


# ----------------------------------------------------------------------------------------------- account


class ResourceGroupConfig(Schema):
    name: Annotated[str, Checked(R.RESOURCE_GROUP_NAME)]
    create: StrictBool = False


def _storage_id_problem(value: str) -> str | None:
    parts = parse_resource_id(value)
    ok = (
        value.startswith("/subscriptions/")
        and str(parts.get("namespace", "")).lower() == "microsoft.storage"
        and str(parts.get("type", "")).lower() == "storageaccounts"
        and not parts.get("children")
        and bool(parts.get("resource_group"))
        and R.STORAGE_ACCOUNT_NAME(parts.get("name")) is None
    )
    return None if ok else "must be a storage account resource ID (/subscriptions/…/storageAccounts/<name>)"


STORAGE_ID = R.Rule("storage.resource_id", _storage_id_problem)


class StorageConfig(Schema):
    """Either ``existing_id`` or ``name`` (a StorageV2 account this stack creates with azure-native)."""

    existing_id: Annotated[str, Checked(STORAGE_ID)] | None = None
    name: Annotated[str, Checked(R.STORAGE_ACCOUNT_NAME)] | None = None
    sku: Annotated[str, Checked(R.STORAGE_SKU)] = "Standard_LRS"
    identity_name: Annotated[str, Field(min_length=3, max_length=128)] | None = None

    @property
    def create(self) -> bool:
        return self.existing_id is None

    @model_validator(mode="after")
    def _one_source(self) -> StorageConfig:
        rule = "storage.source"
        if self.existing_id and self.name:
            msg = "set either existingId (use an existing storage account) or name (create one), not both"
            problems([("", rule, msg)])
        if not self.existing_id and not self.name:
            problems([("", rule, "set existingId (use an existing storage account) or name (create one)")])
        if self.existing_id and {"sku", "identity_name"} & self.model_fields_set:
            problems(
                [("", rule, "sku and identityName only apply when the stack creates the storage account")]
            )
        return self


class KeyDeliveryConfig(Schema):
    default_action: Annotated[str, Checked(R.DEFAULT_ACTION)] = "Allow"
    ip_allow_list: tuple[IpRange, ...] = ()

    @model_validator(mode="after")
    def _deny_only(self) -> KeyDeliveryConfig:
        if self.ip_allow_list and self.default_action == "Allow":
            problems([("ipAllowList", "key_delivery.ip_allow_list", "only applies with defaultAction Deny")])
        return self


class EncryptionConfig(Schema):
    type: Annotated[str, Checked(R.ENCRYPTION_TYPE)] = "SystemKey"
    key_identifier: Annotated[str, Field(pattern=r"^https://")] | None = None

    @model_validator(mode="after")
    def _key(self) -> EncryptionConfig:
        if self.type == "CustomerKey" and not self.key_identifier:
            problems([("keyIdentifier", "account.encryption", "is required with type CustomerKey")])
        if self.type != "CustomerKey" and self.key_identifier:
            problems([("keyIdentifier", "account.encryption", "only applies with type CustomerKey")])
        return self


class AccountConfig(Schema):
    name: Annotated[str, Checked(R.ACCOUNT_NAME)]
    storage: StorageConfig
    protect: StrictBool = False
    allow_replace: StrictBool = Field(
        False,
        description="allow a change (location, name) that replaces the account and so everything in it; "
        "without it such a change fails at preview",
    )
    allow_deletion_with_contents: StrictBool = Field(
        False,
        description="let destroy (or a replacement) delete the account while it still holds entities the "
        "stack does not manage; without it that delete is refused, listing them",
    )
    key_delivery: KeyDeliveryConfig = KeyDeliveryConfig()
    encryption: EncryptionConfig = EncryptionConfig()
    public_network_access: Annotated[str, Checked(R.PUBLIC_NETWORK_ACCESS)] = "Enabled"
    live_event_quota: Annotated[
        Int,
        Checked(R.LIVE_EVENT_QUOTA),
        Field(
            description="live events the account's quota allows (the service's default; raised on request)"
        ),
    ] = R.DEFAULT_LIVE_EVENT_QUOTA

    @model_validator(mode="after")
    def _customer_key_identity(self) -> AccountConfig:
        if self.encryption.type == "CustomerKey" and not self.storage.create:
            msg = "CustomerKey needs the user-assigned identity that comes with storage.name"
            problems([("encryption", "account.encryption", msg)])
        return self


# -------------------------------------------------------------------------------------------- transforms


class H264Rung(Schema):
    width: Annotated[Int, Field(ge=16, le=7680)]
    height: Annotated[Int, Field(ge=16, le=4320)]
    bitrate: Annotated[Int, Field(ge=64_000, le=100_000_000)]
    max_bitrate: Annotated[Int, Field(ge=64_000, le=200_000_000)] | None = None
    label: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")] | None = None


class H264LadderConfig(Schema):
    rungs: Annotated[tuple[H264Rung, ...], Field(min_length=1)]
    audio_bitrate: Annotated[Int, Field(ge=32_000, le=512_000)] = 128_000
    complexity: Annotated[str, Checked(R.H264_COMPLEXITY)] = "Balanced"
    key_frame_interval: Annotated[str, Checked(R.KEY_FRAME_INTERVAL)] = "PT2S"

    @model_validator(mode="after")
    def _ladder(self) -> H264LadderConfig:
        found = R.ladder_problems([(r.width, r.height, r.bitrate, r.max_bitrate) for r in self.rungs])
        labels = ((f"rungs[{i}].label", r.label) for i, r in enumerate(self.rungs))
        problems([*found, *unique(labels, "rung label")])
        return self


class AudioAnalyzerConfig(Schema):
    language: Annotated[str, Checked(R.AUDIO_LANGUAGE)] = "en-US"


PRESET_KINDS = ("builtInPreset", "h264Ladder", "audioAnalyzer")


class TransformOutputConfig(Schema):
    """Exactly one of ``built_in_preset``, ``h264_ladder`` or ``audio_analyzer`` is set."""

    built_in_preset: Annotated[str, Checked(R.BUILT_IN_PRESET)] | None = None
    h264_ladder: H264LadderConfig | None = None
    audio_analyzer: AudioAnalyzerConfig | None = None
    on_error: Annotated[str, Checked(R.ON_ERROR)] = "StopProcessingJob"
    relative_priority: Annotated[str, Checked(R.PRIORITY)] = "Normal"

    @model_validator(mode="after")
    def _one_preset(self) -> TransformOutputConfig:
        n = sum(v is not None for v in (self.built_in_preset, self.h264_ladder, self.audio_analyzer))
        if n != 1:
            problems(
                [
                    (
                        "",
                        "transform.one_preset",
                        f"exactly one preset per output ({', '.join(PRESET_KINDS)}); got {n}",
                    )
                ]
            )
        return self


class TransformConfig(Schema):
    name: Name
    outputs: Annotated[
        tuple[TransformOutputConfig, ...], Field(min_length=1, max_length=R.MAX_TRANSFORM_OUTPUTS)
    ]
    description: Text | None = None


# ---------------------------------------------------------------------------------- streaming endpoints


class CdnConfig(Schema):
    provider: Annotated[str, Checked(R.CDN_PROVIDER)] = "StandardVerizon"
    profile: Annotated[str, Field(max_length=260)] | None = None


class CrossSiteConfig(Schema):
    client_access_policy: Annotated[str, Checked(R.CLIENT_ACCESS_POLICY)] | None = None
    cross_domain_policy: Annotated[str, Checked(R.CROSS_DOMAIN_POLICY)] | None = None


class StreamingEndpointConfig(Schema):
    name: Annotated[str, Checked(R.STREAMING_ENDPOINT_NAME)]
    scale_units: Annotated[Int, Checked(R.SCALE_UNITS)] = 0
    run_state: Annotated[str, Checked(R.ENDPOINT_RUN_STATE)] = "Stopped"
    description: Text | None = None
    cdn: CdnConfig | None = None
    ip_allow_list: tuple[IpRange, ...] | None = None
    custom_host_names: tuple[Annotated[str, Checked(R.HOST_NAME)], ...] = ()
    cross_site: CrossSiteConfig | None = Field(None, alias="crossSiteAccessPolicies")
    max_cache_age: Annotated[Int, Checked(R.MAX_CACHE_AGE)] | None = None

    @property
    def sku(self) -> str:
        return "Premium" if self.scale_units > 0 else "Standard"

    @model_validator(mode="after")
    def _cdn_excludes(self) -> StreamingEndpointConfig:
        keys = {"accessControl": "ipAllowList", "customHostNames": "customHostNames"}
        conflicts = R.cdn_conflicts(
            self.cdn is not None, self.ip_allow_list is not None, bool(self.custom_host_names)
        )
        problems(
            (keys[k], R.CDN_EXCLUSIVE, f"{k} can only be set when cdn is not enabled") for k in conflicts
        )
        return self


# ----------------------------------------------------------------------------------------- live channels


class AssetFilterConfig(Schema):
    name: Annotated[Name, Field(description="default: <output>-filter")] = ""
    presentation_window: Annotated[str, Checked(R.PRESENTATION_WINDOW)] | None = None
    live_backoff: Annotated[str, Checked(R.LIVE_BACKOFF)] | None = None
    first_quality_bitrate: Annotated[Int, Field(ge=1, le=100_000_000)] | None = None


class LocatorConfig(Schema):
    name: Annotated[Name, Field(description="default: <channel>-<output>-locator")] = ""
    streaming_policy: Name = "Predefined_ClearStreamingOnly"
    content_key_policy: Name | None = None


def _seconds(duration: str | None) -> float | None:
    d = R.parse_duration(duration)
    return d.total_seconds() if d is not None else None


class LiveOutputConfig(Schema):
    name: Annotated[str, Checked(R.LIVE_OUTPUT_NAME)]
    archive_window: Annotated[str, Checked(R.ARCHIVE_WINDOW)]
    rewind_window: Annotated[str, Checked(R.REWIND_WINDOW)] | None = None
    manifest_name: Name | None = None
    description: Text | None = None
    asset_name: Annotated[Name, Field(description="default: <channel>-<output>-archive")] = ""
    locator: LocatorConfig = LocatorConfig()
    filter: AssetFilterConfig | None = None
    delete_recordings: Annotated[
        StrictBool | None,
        Field(description="delete the recording when the output goes; default: the channel's"),
    ] = None

    @model_validator(mode="after")
    def _windows(self) -> LiveOutputConfig:
        archive, found = _seconds(self.archive_window), []
        rewind = _seconds(self.rewind_window)
        if rewind is not None and archive is not None and rewind > archive:
            msg = f"must not exceed archiveWindow ({self.archive_window}); got {self.rewind_window}"
            found.append(("rewindWindow", "live_output.rewind_window", msg))
        window = self.filter.presentation_window if self.filter else None
        pw = _seconds(window)
        if pw is not None and archive is not None and pw > archive:
            msg = f"must not exceed archiveWindow ({self.archive_window}); got {window}"
            found.append(("filter.presentationWindow", "filter.presentation_window", msg))
        problems(found)
        return self


class LiveEncodingConfig(Schema):
    type: Annotated[str, Checked(R.LIVE_ENCODING_TYPE)] = "PassthroughStandard"
    preset_name: str | None = None

    @model_validator(mode="after")
    def _preset(self) -> LiveEncodingConfig:
        msg = R.live_preset_problem(self.type, self.preset_name)
        problems([("presetName", "live_event.preset_name", msg)] if msg else [])
        return self


def _fill(item: Any, defaults: dict[str, str]) -> Any:
    """Set default names (derived from the parent) on a raw or typed child that has none."""
    if isinstance(item, BaseModel):
        return item.model_copy(update={k: v for k, v in defaults.items() if not getattr(item, k)})
    if isinstance(item, dict):
        item = dict(item)
        for key, value in defaults.items():
            if not item.get(to_camel(key)) and not item.get(key):
                item[to_camel(key)] = value
    return item


class LiveChannelConfig(Schema):
    name: Annotated[str, Checked(R.LIVE_EVENT_NAME)]
    outputs: Annotated[tuple[LiveOutputConfig, ...], Field(min_length=1)]
    protocol: Annotated[str, Checked(R.LIVE_PROTOCOL)] = "RTMP"
    encoding: LiveEncodingConfig = LiveEncodingConfig()
    run_state: Annotated[str, Checked(R.LIVE_RUN_STATE)] = "Stopped"
    description: Text | None = None
    ingest_ip_allow_list: tuple[IpRange, ...] = ("0.0.0.0/0",)
    preview_ip_allow_list: tuple[IpRange, ...] = ("0.0.0.0/0",)
    use_static_hostname: StrictBool = False
    hostname_prefix: Annotated[str, Checked(R.HOSTNAME_PREFIX)] | None = None
    access_token_secret: ConfigKey | None = None
    key_frame_interval: Annotated[str, Checked(R.KEY_FRAME_INTERVAL)] | None = None
    delete_recordings: Annotated[
        StrictBool | None, Field(description="delete recordings of removed outputs; default: the stage's")
    ] = None

    @model_validator(mode="before")
    @classmethod
    def _default_names(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            return data
        channel, data = data["name"], dict(data)
        outs = data.get("outputs")
        if isinstance(outs, (list, tuple)):
            filled = []
            for o in outs:
                oname = (
                    o.name
                    if isinstance(o, LiveOutputConfig)
                    else (o.get("name") if isinstance(o, dict) else None)
                )
                if isinstance(oname, str):
                    o = _fill(o, {"asset_name": f"{channel}-{oname}-archive"})
                    loc = o.locator if isinstance(o, LiveOutputConfig) else o.get("locator", {})
                    loc = _fill(loc, {"name": f"{channel}-{oname}-locator"})
                    flt = o.filter if isinstance(o, LiveOutputConfig) else o.get("filter")
                    extra = {"locator": loc}
                    if flt is not None:
                        extra["filter"] = _fill(flt, {"name": f"{oname}-filter"})
                    o = o.model_copy(update=extra) if isinstance(o, LiveOutputConfig) else {**o, **extra}
                filled.append(o)
            data["outputs"] = type(outs)(filled) if isinstance(outs, tuple) else filled
        return data

    @model_validator(mode="after")
    def _channel(self) -> LiveChannelConfig:
        found: list[Problem] = []
        etype = self.encoding.type
        msg = R.live_outputs_problem(etype, len(self.outputs))
        if msg:
            found.append(("outputs", "live_event.max_outputs", msg))
        found += unique(
            ((f"outputs[{i}].name", o.name) for i, o in enumerate(self.outputs)), "live output name"
        )
        found += unique(
            ((f"outputs[{i}].manifestName", o.manifest_name) for i, o in enumerate(self.outputs)),
            "manifest name",
        )
        if self.hostname_prefix and not self.use_static_hostname:
            found.append(
                ("hostnamePrefix", "live_event.hostname_prefix", "only applies with useStaticHostname: true")
            )
        if self.key_frame_interval and R.is_passthrough(etype):
            msg = "only applies to live encoding (Standard, Premium1080p)"
            found.append(("keyFrameInterval", "encoding.key_frame_interval", msg))
        problems(found)
        return self


# ------------------------------------------------------------------------------------ content protection

DRM = Literal["PlayReady", "Widevine", "FairPlay", "ClearKey"]


class TokenRestrictionConfig(Schema):
    issuer: Annotated[str, Field(min_length=1)]
    audience: Annotated[str, Field(min_length=1)]
    key_secret: ConfigKey
    token_type: Annotated[str, Checked(R.TOKEN_TYPE)] = "Jwt"
    required_claims: tuple[str, ...] = ()


class FairPlayConfig(Schema):
    ask_secret: ConfigKey
    pfx_secret: ConfigKey
    pfx_password_secret: ConfigKey


class KeyPolicyOptionConfig(Schema):
    drm: DRM
    name: Annotated[Name, Field(description="default: <drm><index>")] = ""
    restriction: Literal["open", "token"] = "open"
    token: TokenRestrictionConfig | None = None  # None = open restriction
    fair_play: FairPlayConfig | None = None

    @model_validator(mode="after")
    def _option(self) -> KeyPolicyOptionConfig:
        rule, found = "content_key.option", []
        if self.restriction == "token" and self.token is None:
            found.append(("token", rule, "is required with restriction: token"))
        if self.restriction == "open" and self.token is not None:
            found.append(("token", rule, "only applies with restriction: token"))
        if self.drm == "FairPlay" and self.fair_play is None:
            found.append(
                ("fairPlay", rule, "is required for drm FairPlay (askSecret, pfxSecret, pfxPasswordSecret)")
            )
        if self.drm != "FairPlay" and self.fair_play is not None:
            found.append(("fairPlay", rule, "only applies to drm FairPlay"))
        problems(found)
        return self


class ContentKeyPolicyConfig(Schema):
    name: Name
    options: Annotated[tuple[KeyPolicyOptionConfig, ...], Field(min_length=1)]
    description: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _default_names(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("options"), (list, tuple)):
            opts = []
            for i, o in enumerate(data["options"]):
                drm = (
                    o.drm
                    if isinstance(o, KeyPolicyOptionConfig)
                    else (o.get("drm") if isinstance(o, dict) else None)
                )
                opts.append(_fill(o, {"name": f"{drm}{i}"}) if isinstance(drm, str) else o)
            data = {**data, "options": type(data["options"])(opts)}
        return data

    @model_validator(mode="after")
    def _unique(self) -> ContentKeyPolicyConfig:
        problems(unique(((f"options[{i}].name", o.name) for i, o in enumerate(self.options)), "option name"))
        return self


class StreamingPolicyConfig(Schema):
    name: Name
    scheme: Literal["clear", "envelope", "cenc", "cbcs"]
    content_key_policy: Name | None = None
    protocols: Annotated[
        tuple[Annotated[str, Checked(R.STREAMING_PROTOCOL)], ...], Checked(R.ENABLED_PROTOCOLS)
    ] = (
        "dash",
        "hls",
        "smoothStreaming",
    )

    @model_validator(mode="after")
    def _policy(self) -> StreamingPolicyConfig:
        found: list[Problem] = []
        if self.scheme == "clear" and self.content_key_policy:
            found.append(
                (
                    "contentKeyPolicy",
                    "streaming_policy.scheme",
                    "a clear streaming policy takes no content key policy",
                )
            )
        if self.scheme in R.SCHEME_DRMS and not self.content_key_policy:
            found.append(
                ("contentKeyPolicy", "streaming_policy.scheme", f"is required for scheme {self.scheme}")
            )
        if self.scheme == "cbcs" and set(self.protocols) - {"hls", "dash"}:
            found.append(
                ("protocols", "streaming_policy.scheme", "cbcs (FairPlay) supports only hls and dash")
            )
        if self.name.lower().startswith("predefined_"):
            found.append(("name", "streaming_policy.name", "names starting with Predefined_ are reserved"))
        problems(found)
        return self


class ContentProtectionConfig(Schema):
    content_key_policies: tuple[ContentKeyPolicyConfig, ...] = ()
    streaming_policies: tuple[StreamingPolicyConfig, ...] = ()

    @model_validator(mode="after")
    def _references(self) -> ContentProtectionConfig:
        keys = {p.name: p for p in self.content_key_policies}
        found = [
            *unique(
                ((f"contentKeyPolicies[{i}].name", p.name) for i, p in enumerate(self.content_key_policies)),
                "content key policy name",
            ),
            *unique(
                ((f"streamingPolicies[{i}].name", p.name) for i, p in enumerate(self.streaming_policies)),
                "streaming policy name",
            ),
        ]
        for i, sp in enumerate(self.streaming_policies):
            key, ckp = f"streamingPolicies[{i}].contentKeyPolicy", sp.content_key_policy
            if sp.scheme not in R.SCHEME_DRMS or not ckp:
                continue
            if ckp not in keys:
                msg = f"unknown content key policy {ckp!r} (declared: {', '.join(keys) or 'none'})"
                found.append((key, "content_key.reference", msg))
            elif not R.SCHEME_DRMS[sp.scheme] & {o.drm for o in keys[ckp].options}:
                drms = " or ".join(sorted(R.SCHEME_DRMS[sp.scheme]))
                found.append(
                    (key, "streaming_policy.scheme", f"scheme {sp.scheme} needs a {drms} option in {ckp!r}")
                )
        problems(found)
        return self


# ------------------------------------------------------------------------------------ unmanaged entities


class IgnoreRule(Schema):
    """Entities of ``kind`` whose name starts with ``name_prefix`` are known and not managed by the stack
    (e.g. assets a media workflow creates): the drift check lists them apart and does not fail on them."""

    kind: EntityKind
    name_prefix: Annotated[str, Field(min_length=1, max_length=260)]


class UnmanagedConfig(Schema):
    ignore: tuple[IgnoreRule, ...] = ()


# in creation order: what an entity's properties refer to comes first
RawKind = Literal[
    "Asset",
    "AccountFilter",
    "Transform",
    "ContentKeyPolicy",
    "StreamingPolicy",
    "StreamingEndpoint",
    "LiveEvent",
    "LiveOutput",
    "AssetFilter",
    "StreamingLocator",
]
PARENT_KIND = {"LiveOutput": "LiveEvent", "AssetFilter": "Asset"}
TOP_LEVEL_KINDS = ("StreamingEndpoint", "LiveEvent")


class RawEntityConfig(Schema):
    """One entity as its ARM REST body (``properties`` in camelCase, exactly what the service returns
    minus read-only fields): what ``python -m explorer export`` writes for an existing account, so that
    every entity is adopted as it is. ``secrets`` maps a property path (``options[0].restriction…``) to
    the ``ams-media`` config key holding its value."""

    kind: RawKind
    name: Annotated[str, Checked(R.NAME)]
    parent: Annotated[str, Checked(R.NAME)] | None = Field(
        None, description="the live event of a LiveOutput, the asset of an AssetFilter"
    )
    location: Annotated[str, Checked(R.REGION)] | None = None
    tags: dict[str, str] | None = None
    run_state: Literal["Stopped", "StandBy", "Running"] | None = None
    scale_units: Annotated[Int, Field(ge=0, le=50)] | None = None
    properties: dict[str, Any] = Field(default_factory=dict)
    secrets: dict[str, Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$")]] = Field(
        default_factory=dict
    )

    @model_validator(mode="after")
    def _shape(self) -> RawEntityConfig:
        found: list[Problem] = []
        if (self.kind in PARENT_KIND) != (self.parent is not None):
            want = (
                f"needs parent (its {PARENT_KIND[self.kind]})"
                if self.kind in PARENT_KIND
                else "has no parent"
            )
            found.append(("parent", "entity.parent", f"a {self.kind} {want}"))
        if self.kind not in TOP_LEVEL_KINDS:
            for key in ("location", "tags", "run_state", "scale_units"):
                if key in self.model_fields_set:
                    found.append(
                        (
                            to_camel(key),
                            "entity.top_level",
                            f"only applies to {' and '.join(TOP_LEVEL_KINDS)}",
                        )
                    )
        if self.kind == "LiveEvent" and "scale_units" in self.model_fields_set:
            found.append(("scaleUnits", "entity.top_level", "only applies to StreamingEndpoint"))
        problems(found)
        return self


# -------------------------------------------------------------------------------------------------- stage


class StageConfig(Schema):
    model_config = ConfigDict(title="ams-media:environment")

    stage: Annotated[
        str, Field(pattern=r"^[a-z][a-z0-9]{1,15}$", description="a lowercase stage name like dev")
    ]
    location: Annotated[str, Checked(R.REGION)]
    resource_group: ResourceGroupConfig
    account: AccountConfig
    tags: Annotated[dict[str, str], Checked(R.TAGS)] = Field(default_factory=dict)
    transforms: tuple[TransformConfig, ...] = ()
    streaming_endpoints: tuple[StreamingEndpointConfig, ...] = ()
    live_channels: tuple[LiveChannelConfig, ...] = ()
    content_protection: ContentProtectionConfig = ContentProtectionConfig()
    unmanaged: UnmanagedConfig = UnmanagedConfig()
    entities: tuple[RawEntityConfig, ...] = Field(
        (), description="entities as raw ARM bodies (written by `python -m explorer export`)"
    )
    adopt: StrictBool = Field(
        False,
        description="take over entities that already exist instead of failing 'already exists' (bring an "
        "existing account under code; see `python -m explorer export`)",
    )
    interruptions: Annotated[
        Literal["warn", "refuse"],
        Field(description="refuse: a change that stops a running endpoint or live event fails at preview"),
    ] = "warn"
    delete_recordings: Annotated[
        StrictBool, Field(description="default false: removed outputs, channels and destroy keep recordings")
    ] = False

    @model_validator(mode="after")
    def _across_sections(self) -> StageConfig:
        found: list[Problem] = []
        found += unique(
            ((f"transforms[{i}].name", t.name) for i, t in enumerate(self.transforms)), "transform name"
        )
        eps = self.streaming_endpoints
        found += unique(
            ((f"streamingEndpoints[{i}].name", e.name) for i, e in enumerate(eps)), "streaming endpoint name"
        )
        extra = [e for e in eps if e.name.lower() != DEFAULT_ENDPOINT]
        if len(extra) > R.MAX_STREAMING_ENDPOINTS - 1:
            msg = (
                f"an account allows at most {R.MAX_STREAMING_ENDPOINTS} streaming endpoints including the"
                f" '{DEFAULT_ENDPOINT}' one it is created with; configure '{DEFAULT_ENDPOINT}' plus at most"
                f" {R.MAX_STREAMING_ENDPOINTS - 1} more (got {len(extra)} others)"
            )
            found.append(("streamingEndpoints", "account.max_streaming_endpoints", msg))
        chs = self.live_channels
        if quota_problem := R.live_events_problem(len(chs), self.account.live_event_quota):
            found.append(("liveChannels", "account.max_live_events", quota_problem))
        found += unique(((f"liveChannels[{i}].name", c.name) for i, c in enumerate(chs)), "live channel name")
        found += unique(
            (
                (f"liveChannels[{i}].hostnamePrefix", c.hostname_prefix)
                for i, c in enumerate(chs)
                if c.use_static_hostname
            ),
            "static hostname prefix",
        )
        outs = [
            (f"liveChannels[{i}].outputs[{j}]", o) for i, c in enumerate(chs) for j, o in enumerate(c.outputs)
        ]
        found += unique(((f"{k}.assetName", o.asset_name) for k, o in outs), "asset name")
        found += unique(((f"{k}.locator.name", o.locator.name) for k, o in outs), "streaming locator name")
        policies = {p.name for p in self.content_protection.streaming_policies}
        keys = {p.name for p in self.content_protection.content_key_policies}
        for k, o in outs:
            sp = o.locator.streaming_policy
            if sp not in R.PREDEFINED_STREAMING_POLICIES and sp not in policies:
                msg = f"unknown streaming policy {sp!r} (predefined or contentProtection.streamingPolicies)"
                found.append((f"{k}.locator.streamingPolicy", "streaming_policy.reference", msg))
            if o.locator.content_key_policy and o.locator.content_key_policy not in keys:
                msg = f"unknown content key policy {o.locator.content_key_policy!r}"
                found.append((f"{k}.locator.contentKeyPolicy", "content_key.reference", msg))
        problems(found)
        return self

    def secret_refs(self) -> list[tuple[str, str, str]]:
        """(key path, config key, rule) for every secret the stage needs from ``ams-media:<key>``."""
        refs: list[tuple[str, str, str]] = []
        for i, ch in enumerate(self.live_channels):
            if ch.access_token_secret:
                refs.append((f"{ROOT}.liveChannels[{i}].accessTokenSecret", ch.access_token_secret, ""))
        for i, pol in enumerate(self.content_protection.content_key_policies):
            for j, opt in enumerate(pol.options):
                p = f"{ROOT}.contentProtection.contentKeyPolicies[{i}].options[{j}]"
                if opt.token:
                    refs.append((f"{p}.token.keySecret", opt.token.key_secret, R.SYMMETRIC_TOKEN_KEY.name))
                if opt.fair_play:
                    fp = opt.fair_play
                    refs += [
                        (f"{p}.fairPlay.askSecret", fp.ask_secret, ""),
                        (f"{p}.fairPlay.pfxSecret", fp.pfx_secret, ""),
                        (f"{p}.fairPlay.pfxPasswordSecret", fp.pfx_password_secret, ""),
                    ]
        for i, ent in enumerate(self.entities):
            refs += [(f"{ROOT}.entities[{i}].secrets.{path}", key, "") for path, key in ent.secrets.items()]
        return refs

    @property
    def uses_azure_native(self) -> bool:
        return self.resource_group.create or self.account.storage.create


# ------------------------------------------------------------------------------------------ error report

_KINDS = {
    "string_type": "a string",
    "int_type": "an integer",
    "bool_type": "a boolean",
    "tuple_type": "a list",
    "list_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
}


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    kinds = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list"}
    return kinds.get(type(value), "an object" if isinstance(value, dict) else type(value).__name__)


def _path(loc: Iterable[Any]) -> str:
    out = ROOT
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part and not str(part).startswith("function-") and part not in ("json-or-python[json=...]",):
            out += f".{part}" if not str(part).startswith("[") else str(part)
    return out


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys of the model at ``loc`` (for "unknown key" messages)."""
    model: Any = StageConfig
    for part in loc:
        if isinstance(part, int):
            continue
        fields = {f.alias or n: f for n, f in model.model_fields.items()}
        f = fields.get(part)
        if f is None:
            return []
        model = next(
            (t for t in _types(f.annotation) if isinstance(t, type) and issubclass(t, BaseModel)), None
        )
        if model is None:
            return []
    return sorted(f.alias or n for n, f in model.model_fields.items())


def _types(annotation: Any) -> Iterator[Any]:
    yield annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        yield from _types(arg)
    origin = getattr(annotation, "__origin__", None)
    if origin is not None:
        yield from _types(origin)


def _message(kind: str, e: Any, ctx: dict[str, Any]) -> str:
    """Today's wording for pydantic's own error kinds (the rule-carrying kinds are handled by the caller)."""
    simple: dict[str, Callable[[], str]] = {
        "missing": lambda: "is required",
        "extra_forbidden": lambda: f"unknown key (allowed: {', '.join(_allowed_keys(tuple(e['loc'])[:-1]))})",
        "literal_error": lambda: "must be one of "
        + str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        + f"; got {e['input']!r}",
        "greater_than_equal": lambda: f"must be at least {ctx.get('ge')}; got {e['input']!r}",
        "less_than_equal": lambda: f"must be at most {ctx.get('le')}; got {e['input']!r}",
        "too_short": lambda: f"must have at least {ctx.get('min_length')} item(s)"
        if ctx.get("min_length") != 1
        else "must not be empty",
        "too_long": lambda: f"at most {ctx.get('max_length')} items; got {ctx.get('actual_length')}",
        "string_pattern_mismatch": lambda: f"{e['input']!r} does not match {ctx.get('pattern')}",
        "string_too_long": lambda: f"must be at most {ctx.get('max_length')} characters",
    }
    if kind in _KINDS:
        return f"must be {_KINDS[kind]}, got {_type_name(e['input'])}"
    return simple[kind]() if kind in simple else str(e["msg"])


def format_errors(exc: ValidationError) -> list[str]:
    """One ``path: problem`` line per error; service rules add ``(rule: name)``."""
    lines: list[str] = []
    for e in exc.errors(include_url=False):
        kind, ctx = e["type"], e.get("ctx") or {}
        key = _path(e["loc"])
        if kind == "rules":
            for rel, rule, msg in ctx["problems"]:
                sub = key if not rel else (key + rel if rel.startswith("[") else f"{key}.{rel}")
                lines.append(f"{sub}: {msg} (rule: {rule})")
        elif kind == "rule":
            lines.append(f"{key}: {ctx['problem']} (rule: {ctx['rule']})")
        else:  # the schema's own structural rules (types, required, unknown keys, bounds)
            lines.append(f"{key}: {_message(kind, e, ctx)} (rule: schema.{kind})")
    return lines


def parse_stage_config(raw: Any, secret: Callable[[str], str | None] | None = None) -> StageConfig:
    """Validate ``raw`` (the ``ams-media:environment`` object) and return the typed config.

    ``secret(key)`` returns the value of ``ams-media:<key>`` (or None when unset); when given, every
    ``*Secret`` reference must exist and obey its rule. Raises `StageConfigError` with every problem found.
    """
    if not isinstance(raw, dict):
        raise StageConfigError([f"{ROOT}: must be an object, got {_type_name(raw)}"])
    try:
        cfg = StageConfig.model_validate(raw)
    except ValidationError as exc:
        raise StageConfigError(format_errors(exc)) from None
    if secret is not None:
        errors = []
        for path, key, rule in cfg.secret_refs():
            value = secret(key)
            if value is None:
                hint = f"pulumi config set --secret {key} <value>"
                errors.append(f"{path}: config key ams-media:{key} is not set ({hint})")
            elif rule and (problem := R.RULES[rule](value)):
                errors.append(f"{path}: config key ams-media:{key} {problem} (rule: {rule})")
        if errors:
            raise StageConfigError(errors)
    return cfg


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a stack file (``config: ams-media:environment: …``), for editors."""
    env = StageConfig.model_json_schema(by_alias=True, mode="validation")
    defs = env.pop("$defs", {})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ams-media stack file (stacks/Pulumi.<stage>.yaml)",
        "description": "Generated from components/config.py (python -m components.config); do not edit.",
        "type": "object",
        "properties": {
            "config": {
                "type": "object",
                "properties": {"ams-media:environment": env},
                "required": ["ams-media:environment"],
            },
            "encryptionsalt": {"type": "string"},
            "secretsprovider": {"type": "string"},
            "encryptedkey": {"type": "string"},
        },
        "$defs": defs,
    }


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=False) + "\n"


if __name__ == "__main__":  # python -m components.config  -> rewrites stacks/stage-schema.json
    SCHEMA_FILE.write_text(schema_text())
    sys.stdout.write(f"wrote {SCHEMA_FILE}\n")
