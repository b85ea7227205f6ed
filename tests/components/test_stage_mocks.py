"""The dev, staging and prod stages under Pulumi mocks (they use azure-native, which can't run here).

Checks the resource graph, names against the naming rules, parents, protection, stage differences and
that secrets reach resources and exports as secrets. No engine, no network.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from pulumi.runtime import rpc, settings
from pulumi.runtime.sync_await import _sync_await

from components.config import parse_stage_config
from components.stage import Stage, build_stage

STACKS = Path(__file__).resolve().parents[2] / "stacks"
SECRET_VALUES = {
    "contentKeyTokenKey": "c2VjcmV0LXRva2VuLWtleS0wMTIzNDU2Nzg5YWJjZGVm",
    "newsAccessToken": "0123456789abcdef0123456789abcdef",
    "fairPlayAsk": "AAECAwQFBgcICQoLDA0ODw==",
    "fairPlayPfx": "cGZ4LWJ5dGVz",
    "fairPlayPfxPassword": "pfx-password",
}
pytestmark = pytest.mark.xdist_group("mocks")
NAME_KEYS = {
    "MediaService": "account_name",
    "Transform": "transform_name",
    "StreamingEndpoint": "streaming_endpoint_name",
    "LiveEvent": "live_event_name",
    "LiveOutput": "live_output_name",
    "Asset": "asset_name",
    "AssetFilter": "filter_name",
    "StreamingLocator": "streaming_locator_name",
    "StreamingPolicy": "streaming_policy_name",
    "ContentKeyPolicy": "content_key_policy_name",
    "ResourceGroup": "resourceGroupName",
    "StorageAccount": "accountName",
}


@dataclass
class Registration:
    type: str
    name: str
    parent: str
    protect: bool
    custom: bool
    inputs: dict[str, Any]


@dataclass
class Recorder(pulumi.runtime.Mocks):
    registrations: list[Registration] = field(default_factory=list)

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        outs = dict(args.inputs)
        entity = args.typ.rsplit(":", 1)[-1]
        if entity in NAME_KEYS:
            outs["name"] = outs.get(NAME_KEYS[entity])
        if "account_name" in outs and args.typ.endswith(":MediaService"):
            outs["properties"] = {**(outs.get("properties") or {}), "mediaServiceId": "00000000-mock"}
        if args.typ.endswith(":StreamingEndpoint"):
            outs["host_name"] = f"{outs.get('streaming_endpoint_name')}-mock.streaming.media.azure.net"
        if args.typ.endswith(":LiveEvent"):
            outs["ingest_urls"] = [
                f"rtmp://{outs.get('live_event_name')}.channel.media.azure.net:1935/live/token"
            ]
            outs["preview_urls"] = [f"https://{outs.get('live_event_name')}.preview.media.azure.net/manifest"]
        if args.typ.endswith(":StreamingLocator"):
            outs["streaming_paths"] = [f"/{outs.get('streaming_locator_name')}/manifest"]
        outs.setdefault("principalId", "11111111-0000-0000-0000-000000000000")
        return (f"/mock/{args.name}" if args.custom else None), outs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list | None]:
        return {}, None


def _stage_raw(name: str) -> dict[str, Any]:
    return yaml.safe_load((STACKS / f"Pulumi.{name}.yaml").read_text())["config"]["ams-media:environment"]


@dataclass
class Run:
    stage: Stage
    regs: list[Registration]
    exports: dict[str, Any]
    secret_exports: dict[str, bool]

    def of_type(self, suffix: str) -> list[Registration]:
        return [r for r in self.regs if r.type.endswith(suffix)]


def run_stage(name: str) -> Run:
    recorder = Recorder()
    pulumi.runtime.set_mocks(recorder, project="ams-media", stack=name, preview=False)
    monitor: Any = settings.get_monitor()
    original = monitor.RegisterResource

    def register(request: Any) -> Any:
        response = original(request)
        recorder.registrations.append(
            Registration(
                request.type,
                request.name,
                request.parent,
                request.protect,
                request.custom,
                _raw_inputs(request.object),
            )
        )
        return response

    monitor.RegisterResource = register
    cfg = parse_stage_config(_stage_raw(name), SECRET_VALUES.get)
    result: dict[str, Any] = {}

    @pulumi.runtime.test
    def program() -> pulumi.Output:
        stage = build_stage(cfg, SECRET_VALUES)
        result["stage"] = stage
        exports = stage.exports()
        result["outputs"] = exports
        return pulumi.Output.from_input(exports).apply(lambda e: result.__setitem__("exports", e))

    program()
    secret = {k: _sync_is_secret(v) for k, v in result["outputs"].items() if isinstance(v, pulumi.Output)}
    return Run(result["stage"], recorder.registrations, result["exports"], secret)


def _raw_inputs(struct: Any) -> dict[str, Any]:
    from google.protobuf import json_format

    return json_format.MessageToDict(struct)


def _sync_is_secret(output: pulumi.Output) -> bool:
    return bool(_sync_await(output.is_secret()))


SECRET_SIG = rpc._special_sig_key  # type: ignore[attr-defined]


def _contains_secret(value: Any) -> bool:
    if isinstance(value, dict):
        if value.get(SECRET_SIG) == rpc._special_secret_sig:  # type: ignore[attr-defined]
            return True
        return any(_contains_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_secret(v) for v in value)
    return False


@pytest.fixture(scope="module", params=["dev", "staging", "prod"])
def run(request: pytest.FixtureRequest) -> Run:
    return run_stage(request.param)


def test_graph_and_parents(run: Run) -> None:
    comps = {r.name: r for r in run.regs if not r.custom}
    types = {r.type.rsplit(":", 1)[-1] for r in comps.values()}
    assert {
        "MediaAccount",
        "EncodingTransforms",
        "StreamingEndpoint",
        "ContentProtection",
        "LiveChannel",
    } <= types
    by_urn_suffix = {f"{r.type}::{r.name}": r for r in comps.values()}
    for r in run.regs:
        if r.custom:
            assert r.parent, f"{r.type} {r.name} has no parent component"
            assert any(r.parent.endswith(k) for k in by_urn_suffix), (r.name, r.parent)
    cfg = run.stage.config
    assert len(run.of_type(":Transform")) == len(cfg.transforms)
    assert len(run.of_type(":StreamingEndpoint")) == 2 * len(cfg.streaming_endpoints)  # component + resource
    n_outputs = sum(len(ch.outputs) for ch in cfg.live_channels)
    assert len(run.of_type(":LiveOutput")) == n_outputs
    assert len(run.of_type(":Asset")) == n_outputs
    assert len([r for r in run.of_type(":StreamingLocator")]) == n_outputs
    # azure-native: storage, identity, two role assignments (and the resource group when created)
    native = [r.type for r in run.regs if r.type.startswith("azure-native:")]
    assert sorted(native) == sorted(
        ["azure-native:storage:StorageAccount", "azure-native:managedidentity:UserAssignedIdentity"]
        + ["azure-native:authorization:RoleAssignment"] * 2
        + (["azure-native:resources:ResourceGroup"] if cfg.resource_group.create else [])
    )


def test_names_follow_the_naming_rules(run: Run) -> None:
    inner = r"^[a-zA-Z0-9]+(-*[a-zA-Z0-9])*$"
    rules: dict[str, tuple[str, str, int]] = {
        ":MediaService": ("account_name", r"^[a-z0-9]{3,24}$", 24),
        ":LiveEvent": ("live_event_name", inner, 32),
        ":LiveOutput": ("live_output_name", inner, 256),
        "dynamic/media:StreamingEndpoint": ("streaming_endpoint_name", inner, 24),
        "storage:StorageAccount": ("accountName", r"^[a-z0-9]{3,24}$", 24),
    }
    for suffix, (key, pattern, max_len) in rules.items():
        regs = run.of_type(suffix)
        assert regs, suffix
        for r in regs:
            value = r.inputs[key]
            assert re.match(pattern, value), (suffix, value)
            assert len(value) <= max_len
    general = re.compile(r"[<>%&:\\?/*+.']")
    for suffix, key in (
        (":Asset", "asset_name"),
        (":StreamingLocator", "streaming_locator_name"),
        (":Transform", "transform_name"),
        (":ContentKeyPolicy", "content_key_policy_name"),
    ):
        for r in run.of_type(suffix):
            assert not general.search(r.inputs[key]) and len(r.inputs[key]) <= 260


def test_protection_matches_the_stage(run: Run) -> None:
    protected = {r.type.rsplit(":", 1)[-1] for r in run.regs if r.protect}
    if run.stage.config.account.protect:
        assert {"MediaService", "StorageAccount", "ResourceGroup"} <= protected
    else:
        assert not protected


def test_secrets_are_secret(run: Run) -> None:
    policies = run.of_type(":ContentKeyPolicy")
    token_policies = [r for r in policies if "TokenRestriction" in json.dumps(r.inputs)]
    assert token_policies and all(_contains_secret(r.inputs["properties"]) for r in token_policies)
    for r in policies:
        plain = json.dumps(r.inputs)
        for value in SECRET_VALUES.values():
            # the value may appear, but only inside a secret wrapper
            if value in plain:
                assert _contains_secret(r.inputs["properties"])
    assert run.secret_exports["ingestUrls"] is True
    assert run.secret_exports["accountId"] is False


def test_exports(run: Run) -> None:
    e = run.exports
    assert e["stage"] == run.stage.config.stage
    assert set(e["streamingHostNames"]) == {s.name for s in run.stage.config.streaming_endpoints}
    assert set(e["ingestUrls"]) == {c.name for c in run.stage.config.live_channels}
    assert e["storageAccountId"] and e["accountName"] == run.stage.config.account.name


def _endpoint_resources(run: Run) -> list[Registration]:
    return run.of_type("dynamic/media:StreamingEndpoint") or [
        r for r in run.of_type(":StreamingEndpoint") if r.custom
    ]


def test_stage_differences() -> None:
    dev, prod = run_stage("dev"), run_stage("prod")
    dev_eps = [r for r in dev.regs if r.custom and r.type.endswith(":StreamingEndpoint")]
    prod_eps = [r for r in prod.regs if r.custom and r.type.endswith(":StreamingEndpoint")]
    assert all(r.inputs["run_state"] == "Stopped" and r.inputs["scale_units"] == 0 for r in dev_eps)
    assert all(r.inputs["scale_units"] > 0 and r.inputs["run_state"] == "Running" for r in prod_eps)
    assert any(r.inputs["properties"].get("cdnEnabled") for r in prod_eps)
    assert all(r.inputs["run_state"] == "Stopped" for r in dev.of_type(":LiveEvent"))
    assert all(r.inputs["run_state"] == "StandBy" for r in prod.of_type(":LiveEvent"))
    assert not any(r.protect for r in dev.regs)
    prod_account = prod.of_type(":MediaService")[0]
    assert prod_account.protect and prod_account.inputs["properties"]["encryption"]["type"] == "CustomerKey"
    assert prod_account.inputs["properties"]["storageAuthentication"] == "ManagedIdentity"
