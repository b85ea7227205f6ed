"""Unit tests for the stage config schema and validator (no engine)."""

from __future__ import annotations

import copy
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.config import (
    AudioAnalyzerConfig,
    H264Rung,
    StageConfigError,
    TransformOutputConfig,
    parse_stage_config,
)
from components.presets import h264_ladder, streaming_policy_properties, transform_output
from dynamic_providers.validate import parse_duration

STACKS = Path(__file__).resolve().parents[2] / "stacks"


def stage(name: str) -> dict[str, Any]:
    return yaml.safe_load((STACKS / f"Pulumi.{name}.yaml").read_text())["config"]["ams-media:environment"]


def errors_of(raw: Any, secret: Any = None) -> list[str]:
    with pytest.raises(StageConfigError) as info:
        parse_stage_config(raw, secret)
    return info.value.errors


@pytest.mark.parametrize("name", ["local", "dev", "staging", "prod"])
def test_every_stack_file_is_valid(name: str) -> None:
    cfg = parse_stage_config(stage(name), lambda key: "c2VjcmV0")
    assert cfg.stage == name
    assert cfg.uses_azure_native is (name != "local")


def test_local_stage_satisfies_the_acceptance_shape() -> None:
    cfg = parse_stage_config(stage("local"))
    assert len(cfg.streaming_endpoints) == 2
    assert len(cfg.live_channels) >= 2 and all(len(ch.outputs) >= 2 for ch in cfg.live_channels)
    assert cfg.content_protection.content_key_policies and cfg.content_protection.streaming_policies
    assert cfg.account.storage.existing_id and not cfg.resource_group.create


def test_stage_differences() -> None:
    dev, prod = parse_stage_config(stage("dev")), parse_stage_config(stage("prod"))
    assert all(e.run_state == "Stopped" and e.scale_units == 0 for e in dev.streaming_endpoints)
    assert all(ch.run_state == "Stopped" for ch in dev.live_channels)
    assert all(e.scale_units > 0 for e in prod.streaming_endpoints)
    assert any(e.cdn for e in prod.streaming_endpoints)
    assert all(ch.run_state == "StandBy" for ch in prod.live_channels)
    assert prod.account.protect and not dev.account.protect


def test_collects_all_errors_with_full_paths() -> None:
    raw = stage("local")
    raw["liveChannels"][1]["outputs"][0]["archiveWindow"] = "PT26H"
    raw["account"]["name"] = "Bad_Name"
    raw["bogus"] = 1
    errs = errors_of(raw)
    assert (
        "environment.liveChannels[1].outputs[0].archiveWindow: must be between PT1M and PT25H; got PT26H"
        " (rule: live_output.archive_window)" in errs
    )
    assert any(e.startswith("environment.account.name:") for e in errs)
    assert any(e.startswith("environment.bogus: unknown key") for e in errs)
    assert len(errs) == 3


BAD_CASES: list[tuple[str, Any, str]] = [
    ("unknown key", lambda r: r["account"].update(nmae="x"), "environment.account.nmae: unknown key"),
    (
        "wrong type",
        lambda r: r["streamingEndpoints"][0].update(scaleUnits="two"),
        "environment.streamingEndpoints[0].scaleUnits: must be an integer",
    ),
    (
        "bool is not int",
        lambda r: r["streamingEndpoints"][0].update(scaleUnits=True),
        "environment.streamingEndpoints[0].scaleUnits: must be an integer",
    ),
    ("missing required", lambda r: r.pop("location"), "environment.location: is required"),
    (
        "endpoint name too long",
        lambda r: r["streamingEndpoints"][0].update(name="a" * 25),
        "environment.streamingEndpoints[0].name",
    ),
    (
        "live event name pattern",
        lambda r: r["liveChannels"][0].update(name="news_1"),
        "environment.liveChannels[0].name",
    ),
    (
        "cdn with access control",
        lambda r: r["streamingEndpoints"][0].update(cdn={"provider": "StandardVerizon"}),
        "streamingEndpoints[0].ipAllowList: accessControl can only be set when cdn is not enabled",
    ),
    (
        "two presets",
        lambda r: r["transforms"][0]["outputs"][0].update(audioAnalyzer={}),
        "environment.transforms[0].outputs[0]: exactly one preset per output",
    ),
    (
        "no preset",
        lambda r: r["transforms"][0]["outputs"][0].pop("builtInPreset"),
        "environment.transforms[0].outputs[0]: exactly one preset per output",
    ),
    (
        "rung order",
        lambda r: r["transforms"][1]["outputs"][0]["h264Ladder"]["rungs"].reverse(),
        "transforms[1].outputs[0].h264Ladder.rungs[1].bitrate: rungs must be ordered by descending bitrate",
    ),
    (
        "odd width",
        lambda r: r["transforms"][1]["outputs"][0]["h264Ladder"]["rungs"][0].update(width=1921),
        "rungs[0].width: must be even",
    ),
    (
        "rewind > archive",
        lambda r: r["liveChannels"][0]["outputs"][0].update(rewindWindow="PT9H"),
        "environment.liveChannels[0].outputs[0].rewindWindow: must not exceed archiveWindow",
    ),
    (
        "bad duration",
        lambda r: r["liveChannels"][0]["outputs"][0].update(archiveWindow="8 hours"),
        "archiveWindow: '8 hours' is not an ISO 8601 duration",
    ),
    (
        "passthrough basic outputs",
        lambda r: r["liveChannels"][0]["encoding"].update(type="PassthroughBasic"),
        "environment.liveChannels[0].outputs: PassthroughBasic allows at most 1",
    ),
    (
        "preset on passthrough",
        lambda r: r["liveChannels"][0]["encoding"].update(presetName="Default720p"),
        "environment.liveChannels[0].encoding.presetName: only applies to live encoding",
    ),
    (
        "unknown streaming policy",
        lambda r: r["liveChannels"][0]["outputs"][0].update(locator={"streamingPolicy": "nope"}),
        "environment.liveChannels[0].outputs[0].locator.streamingPolicy: unknown streaming policy",
    ),
    (
        "cenc without playready",
        lambda r: r["contentProtection"]["streamingPolicies"][0].update(contentKeyPolicy="aes-open"),
        "environment.contentProtection.streamingPolicies[0].contentKeyPolicy: scheme cenc needs",
    ),
    (
        "token without token",
        lambda r: r["contentProtection"]["contentKeyPolicies"][0]["options"][0].pop("token"),
        "options[0].token: is required with restriction: token",
    ),
    (
        "storage both",
        lambda r: r["account"]["storage"].update(name="mystorage"),
        "environment.account.storage: set either existingId",
    ),
    (
        "customer key on existing storage",
        lambda r: r["account"].update(
            encryption={"type": "CustomerKey", "keyIdentifier": "https://kv/keys/k"}
        ),
        "environment.account.encryption: CustomerKey needs",
    ),
    (
        "ip list with allow",
        lambda r: r["account"]["keyDelivery"].update(ipAllowList=["1.2.3.4"]),
        "environment.account.keyDelivery.ipAllowList: only applies with defaultAction Deny",
    ),
    (
        "duplicate endpoint",
        lambda r: r["streamingEndpoints"][1].update(name="DEFAULT"),
        "environment.streamingEndpoints[1].name: duplicate streaming endpoint name",
    ),
    (
        "too many endpoints",
        lambda r: r["streamingEndpoints"].append({"name": "se3"}),
        "environment.streamingEndpoints: an account allows at most 2",
    ),
    (
        "bad run state",
        lambda r: r["liveChannels"][0].update(runState="Paused"),
        "environment.liveChannels[0].runState: must be one of Stopped, StandBy, Running",
    ),
    (
        "hostname prefix without static",
        lambda r: r["liveChannels"][0].update(useStaticHostname=False),
        "environment.liveChannels[0].hostnamePrefix: only applies with useStaticHostname: true",
    ),
    (
        "asset name with dot",
        lambda r: r["liveChannels"][0]["outputs"][0].update(assetName="a.b"),
        "environment.liveChannels[0].outputs[0].assetName",
    ),
    (
        "not an object",
        lambda r: r.update(account="amslocal01"),
        "environment.account: must be an object, got a string",
    ),
]


@pytest.mark.parametrize(("label", "mutate", "expected"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_configs_name_the_key(label: str, mutate: Any, expected: str) -> None:
    raw = copy.deepcopy(stage("local"))
    mutate(raw)
    errs = errors_of(raw)
    assert any(expected in e for e in errs), errs


def test_root_must_be_an_object() -> None:
    assert errors_of("stage: dev") == ["environment: must be an object, got a string"]


def test_missing_secret_is_reported_with_path() -> None:
    errs = errors_of(stage("prod"), lambda key: None if key == "fairPlayAsk" else "c2VjcmV0")
    assert errs == [
        "environment.contentProtection.contentKeyPolicies[1].options[0].fairPlay.askSecret: "
        "config key ams-media:fairPlayAsk is not set (pulumi config set --secret fairPlayAsk <value>)"
    ]


def test_duration_parser() -> None:
    assert parse_duration("PT1M") == timedelta(minutes=1)
    assert parse_duration("PT25H") == timedelta(hours=25)
    assert parse_duration("P1DT1H") == timedelta(hours=25)
    assert parse_duration("PT0.5S") == timedelta(seconds=0.5)
    for bad in ("P", "PT", "1H", "PT1X", "P1DT"):
        assert parse_duration(bad) is None


def test_h264_ladder_helper() -> None:
    hd = H264Rung(width=1280, height=720, bitrate=3_000_000, label="hd")
    sd = H264Rung(width=640, height=360, bitrate=800_000)
    preset = h264_ladder([hd, sd])
    video = preset["codecs"][1]
    assert preset["@odata.type"] == "#Microsoft.Media.StandardEncoderPreset"
    assert [(layer["width"], layer["height"], layer["label"]) for layer in video["layers"]] == [
        ("1280", "720", "hd"),
        ("640", "360", "360p"),
    ]
    with pytest.raises(ValueError, match="descending bitrate"):
        h264_ladder([sd, hd])
    with pytest.raises(ValueError, match="at least one rung"):
        h264_ladder([])


def test_transform_output_needs_exactly_one_preset() -> None:
    with pytest.raises(ValueError, match="exactly one preset"):
        transform_output(
            TransformOutputConfig(built_in_preset="AdaptiveStreaming", audio_analyzer=AudioAnalyzerConfig())
        )
    out = transform_output(TransformOutputConfig(built_in_preset="AdaptiveStreaming"))
    assert out["preset"] == {
        "@odata.type": "#Microsoft.Media.BuiltInStandardEncoderPreset",
        "presetName": "AdaptiveStreaming",
    }


def test_streaming_policy_shapes() -> None:
    cfg = parse_stage_config(stage("prod"))
    cenc, cbcs = cfg.content_protection.streaming_policies
    props = streaming_policy_properties(cenc, ["PlayReady", "Widevine"])
    assert props["commonEncryptionCenc"]["drm"] == {"playReady": {}, "widevine": {}}
    assert props["commonEncryptionCenc"]["enabledProtocols"] == {
        "download": False, "dash": True, "hls": False, "smoothStreaming": True,
    }  # fmt: skip
    assert "commonEncryptionCbcs" in streaming_policy_properties(cbcs, ["FairPlay"])
