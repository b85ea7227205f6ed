"""LiveChannel: a live event with N live outputs, each with archive asset, streaming locator and filter."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi

from components._base import TYPE_PREFIX, child_opts, ip_allow, ticks, without_none
from components.config import LiveChannelConfig, LiveOutputConfig


@dataclass(frozen=True)
class LiveChannelArgs:
    """``channel``: protocol, encoding type/preset, ingest and preview IP allow lists, static host name
    (``use_static_hostname``/``hostname_prefix``), ``run_state`` (Running/StandBy/Stopped, reconciled by
    the provider) and ``outputs``. ``access_token`` (optional, stored as a secret) fixes the ingest URL
    token. ``streaming_policy_names`` maps custom policy names to the deployed policies' name Outputs,
    so locators are created after their policy."""

    resource_group_name: pulumi.Input[str]
    account_name: pulumi.Input[str]
    location: pulumi.Input[str]
    channel: LiveChannelConfig
    access_token: pulumi.Input[str] | None = None
    streaming_policy_names: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    content_key_policy_names: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    adopt: bool = False
    """Take over entities that already exist (bring an existing account under code)."""
    delete_recordings: bool = False
    """Default for outputs and the channel that don't say: False keeps every recording (archive asset,
    locator, filter) when its output or the channel is removed or destroyed."""
    interruptions: str = "warn"
    """"refuse": stopping or replacing the running live event fails at preview instead of warning."""


def deletes_recordings(args: LiveChannelArgs, o: LiveOutputConfig) -> bool:
    """An output's explicit setting, else the channel's, else the stage default."""
    for value in (o.delete_recordings, args.channel.delete_recordings):
        if value is not None:
            return value
    return args.delete_recordings


def live_event_properties(ch: LiveChannelConfig, access_token: Any = None) -> dict[str, Any]:
    encoding = without_none(
        {
            "encodingType": ch.encoding.type,
            "presetName": ch.encoding.preset_name,
            "keyFrameInterval": ch.key_frame_interval,
        }
    )
    live_input = without_none(
        {
            "streamingProtocol": ch.protocol,
            "accessControl": {"ip": {"allow": ip_allow(ch.ingest_ip_allow_list)}},
            "accessToken": access_token,
        }
    )
    return without_none(
        {
            "description": ch.description,
            "input": live_input,
            "preview": {"accessControl": {"ip": {"allow": ip_allow(ch.preview_ip_allow_list)}}},
            "encoding": encoding,
            "useStaticHostname": ch.use_static_hostname,
            "hostnamePrefix": ch.hostname_prefix,
            "streamOptions": ["Default"],
        }
    )


def filter_properties(o: LiveOutputConfig) -> dict[str, Any]:
    f = o.filter
    assert f is not None
    props: dict[str, Any] = {}
    window = without_none(
        {
            "presentationWindowDuration": ticks(f.presentation_window) if f.presentation_window else None,
            "liveBackoffDuration": ticks(f.live_backoff) if f.live_backoff else None,
        }
    )
    if window:
        props["presentationTimeRange"] = {**window, "timescale": 10_000_000, "forceEndTimestamp": False}
    if f.first_quality_bitrate:
        props["firstQuality"] = {"bitrate": f.first_quality_bitrate}
    return props


class LiveChannel(pulumi.ComponentResource):
    """Outputs: ``ingest_urls``, ``preview_url``, ``streaming_paths`` (output name -> locator paths),
    ``live_event_name``, ``recordings`` (output name -> archive asset, container, locator, whether it is
    recording now and whether removal keeps it).

    Outputs exist in the service only while the channel is Running: each declared output records into its
    archive asset then; in StandBy or Stopped the live event is stopped with its outputs ended, and the
    outputs come back on the same assets when it runs again."""

    ingest_urls: pulumi.Output[Any]
    preview_url: pulumi.Output[Any]
    streaming_paths: pulumi.Output[Any]
    recordings: pulumi.Output[Any]

    def __init__(self, name: str, args: LiveChannelArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(f"{TYPE_PREFIX}:LiveChannel", name, None, opts)
        from dynamic_providers import Asset, AssetFilter, LiveEvent, LiveOutput, StreamingLocator

        ch = args.channel
        token = pulumi.Output.secret(args.access_token) if args.access_token is not None else None
        common: dict[str, Any] = {
            "resource_group_name": args.resource_group_name,
            "account_name": args.account_name,
        }
        self.live_event = LiveEvent(
            f"{name}-event",
            **common,
            live_event_name=ch.name,
            location=args.location,
            tags=dict(args.tags),
            properties=live_event_properties(ch, token),
            run_state=ch.run_state,
            adopt=args.adopt,
            interruptions=args.interruptions,
            opts=child_opts(self),
        )
        self.assets: dict[str, Any] = {}
        self.live_outputs: dict[str, Any] = {}
        self.locators: dict[str, Any] = {}
        self.filters: dict[str, Any] = {}
        recordings: dict[str, Any] = {}
        recording = ch.run_state == "Running"
        for o in ch.outputs:
            prefix = f"{name}-{o.name}"
            # Recordings are kept unless deleting them is configured; a kept archive carries this
            # resource's ownership marker, so declaring the output again takes it back.
            keep = not deletes_recordings(args, o)
            asset = Asset(
                f"{prefix}-asset",
                **common,
                asset_name=o.asset_name,
                properties={"description": f"Archive of live output {ch.name}/{o.name}"},
                keep_on_delete=keep,
                adopt=args.adopt,
                opts=child_opts(self),
            )
            self.assets[o.name] = asset
            self.live_outputs[o.name] = LiveOutput(
                f"{prefix}-output",
                **common,
                live_event_name=self.live_event.name,
                live_output_name=o.name,
                properties=without_none(
                    {
                        "description": o.description,
                        "assetName": asset.name,
                        "archiveWindowLength": o.archive_window,
                        "rewindWindowLength": o.rewind_window,
                        "manifestName": o.manifest_name,
                    }
                ),
                adopt=args.adopt,
                recording=recording,
                opts=child_opts(self),
            )
            loc = o.locator
            policy = args.streaming_policy_names.get(loc.streaming_policy, loc.streaming_policy)
            locator_props: dict[str, Any] = {"assetName": asset.name, "streamingPolicyName": policy}
            if loc.content_key_policy:
                locator_props["defaultContentKeyPolicyName"] = args.content_key_policy_names.get(
                    loc.content_key_policy, loc.content_key_policy
                )
            self.locators[o.name] = StreamingLocator(
                f"{prefix}-locator",
                **common,
                streaming_locator_name=loc.name,
                properties=locator_props,
                keep_on_delete=keep,
                adopt=args.adopt,
                # The live output writes the archive's manifest; a locator made after it has its
                # streaming paths at creation instead of gaining them on the next refresh.
                opts=child_opts(self, depends_on=[self.live_outputs[o.name]]),
            )
            if o.filter is not None:
                self.filters[o.name] = AssetFilter(
                    f"{prefix}-filter",
                    **common,
                    asset_name=asset.name,
                    filter_name=o.filter.name,
                    properties=filter_properties(o),
                    keep_on_delete=keep,
                    adopt=args.adopt,
                    opts=child_opts(self),
                )
            recordings[o.name] = {
                "asset": asset.name,
                "container": asset.container,
                "locator": self.locators[o.name].name,
                "recording": self.live_outputs[o.name].recording,
                "keptOnRemoval": keep,
            }
        self.live_event_name = self.live_event.name
        self.ingest_urls = self.live_event.ingest_urls
        self.preview_url = self.live_event.preview_urls.apply(lambda urls: (urls or [None])[0])
        self.streaming_paths = pulumi.Output.from_input(
            {k: loc.streaming_paths for k, loc in self.locators.items()}
        )
        self.recordings = pulumi.Output.from_input(recordings)
        self.register_outputs(
            {
                "live_event_name": self.live_event_name,
                "ingest_urls": self.ingest_urls,
                "preview_url": self.preview_url,
                "streaming_paths": self.streaming_paths,
                "recordings": self.recordings,
            }
        )
