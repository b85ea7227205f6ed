"""Build a whole stage from a validated `StageConfig` (what ``__main__.py`` runs)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

from components.account import MediaAccount, MediaAccountArgs
from components.config import StageConfig, StageConfigError, parse_stage_config
from components.content_protection import ContentProtection, ContentProtectionArgs
from components.entities import AccountEntities, AccountEntitiesArgs
from components.live_channel import LiveChannel, LiveChannelArgs
from components.streaming_endpoint import StreamingEndpoint, StreamingEndpointArgs
from components.transforms import EncodingTransforms, EncodingTransformsArgs

PROJECT = "ams-media"
CONFIG_KEY = "environment"


@dataclass
class Stage:
    config: StageConfig
    account: MediaAccount
    transforms: EncodingTransforms
    endpoints: dict[str, StreamingEndpoint]
    protection: ContentProtection
    channels: dict[str, LiveChannel]

    def exports(self) -> dict[str, Any]:
        """What a pipeline or operator needs; ingest URLs embed the access token, so they are secret."""
        return {
            "stage": self.config.stage,
            "resourceGroupName": self.account.resource_group_name,
            "accountId": self.account.account_id,
            "accountName": self.account.account_name,
            "mediaServiceId": self.account.media_service_id,
            "storageAccountId": self.account.storage_account_id,
            "transforms": self.transforms.transform_names,
            "streamingHostNames": {k: e.host_name for k, e in self.endpoints.items()},
            "ingestUrls": pulumi.Output.secret({k: c.ingest_urls for k, c in self.channels.items()}),
            "previewUrls": {k: c.preview_url for k, c in self.channels.items()},
            "streamingPaths": {k: c.streaming_paths for k, c in self.channels.items()},
            "recordings": {k: c.recordings for k, c in self.channels.items()},
            "streamingPolicies": self.protection.streaming_policy_names,
        }


def load_stage_config(config: pulumi.Config, key: str = CONFIG_KEY) -> StageConfig:
    """Read and validate ``ams-media:<key>``; raises `StageConfigError` naming every bad key."""
    raw_text = config.get(key)
    if raw_text is None:
        raise StageConfigError([f"{key}: is required (set ams-media:{key} in the stack file)"])
    try:
        raw = json.loads(raw_text)
    except json.JSONDecodeError:
        raw = raw_text  # a plain string: the validator reports "must be an object"
    return parse_stage_config(raw, secret=config.get)


def build_stage(
    cfg: StageConfig,
    secrets: Mapping[str, pulumi.Input[str]] | Callable[[str], pulumi.Input[str]],
    opts: pulumi.ResourceOptions | None = None,
) -> Stage:
    """Register every component of a stage. ``secrets`` maps (or resolves) secret config key names."""
    lookup = secrets if callable(secrets) else secrets.__getitem__
    secret_values = {key: lookup(key) for _, key, _ in cfg.secret_refs()}
    account = MediaAccount(
        f"{cfg.stage}-media",
        MediaAccountArgs(
            account=cfg.account,
            resource_group=cfg.resource_group,
            location=cfg.location,
            tags=cfg.tags,
            adopt=cfg.adopt,
        ),
        opts,
    )
    common = {"resource_group_name": account.resource_group_name, "account_name": account.account_name}
    # Everything below waits for the account, then registers in this order; the engine checks and records
    # registrations one at a time (issue 11), so the long operations (streaming endpoints, live events)
    # come first and quick ones (transforms) last. Content protection goes before the channels, whose
    # locators name its policies.
    endpoints = {
        e.name: StreamingEndpoint(
            f"{cfg.stage}-{e.name}",
            StreamingEndpointArgs(
                **common,
                location=cfg.location,
                endpoint=e,
                tags=cfg.tags,
                adopt=cfg.adopt,
                interruptions=cfg.interruptions,
            ),
            opts,
        )
        for e in cfg.streaming_endpoints
    }
    protection = ContentProtection(
        f"{cfg.stage}-protection",
        ContentProtectionArgs(
            **common,
            content_key_policies=cfg.content_protection.content_key_policies,
            streaming_policies=cfg.content_protection.streaming_policies,
            secrets=secret_values,
            adopt=cfg.adopt,
        ),
        opts,
    )
    channels = {
        ch.name: LiveChannel(
            f"{cfg.stage}-{ch.name}",
            LiveChannelArgs(
                **common,
                location=cfg.location,
                channel=ch,
                access_token=secret_values.get(ch.access_token_secret or ""),
                streaming_policy_names=protection.streaming_policy_names,
                content_key_policy_names=protection.content_key_policy_names,
                tags=cfg.tags,
                adopt=cfg.adopt,
                delete_recordings=cfg.delete_recordings,
                interruptions=cfg.interruptions,
            ),
            opts,
        )
        for ch in cfg.live_channels
    }
    transforms = EncodingTransforms(
        f"{cfg.stage}-transforms",
        EncodingTransformsArgs(**common, transforms=cfg.transforms, adopt=cfg.adopt),
        opts,
    )
    if cfg.entities:
        AccountEntities(
            f"{cfg.stage}-entities",
            AccountEntitiesArgs(**common, entities=cfg.entities, secrets=lookup, adopt=cfg.adopt),
            opts,
        )
    return Stage(cfg, account, transforms, endpoints, protection, channels)


def run_program() -> Stage:
    """The body of ``__main__.py``: validate, build, export."""
    config = pulumi.Config(PROJECT)
    cfg = load_stage_config(config)
    stage = build_stage(cfg, config.require_secret)
    for key, value in stage.exports().items():
        pulumi.export(key, value)
    return stage
