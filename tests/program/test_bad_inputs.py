# ruff: noqa: E501  (tables of cases: one case per line reads best)
"""Every bad input fails at preview, naming the key and the rule, with nothing written to the service.

Two tables, each run as ONE real `pulumi preview` (one engine run per table keeps `make test` fast):

* bad stage configs: every case is its own config key ``ams-media:case-<label>`` of one stack; the program
  runs the real `load_stage_config` and `build_stage` (what ``__main__.py`` runs) for each case and reports
  each `StageConfigError` as an error diagnostic;
* bad raw resources: one program registers every bad dynamic resource side by side; the engine calls each
  provider's ``check`` and reports every failure against the resource's URN.

Each case must produce its own diagnostic naming the key path and the rule; well-formed controls in the
same run must produce none; the emulator must see no write request at all.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import yaml

from tests.engine import PulumiProject
from tests.program.stage import local_stage_doc
from tests.providers.helpers import header, repo_env

pytestmark = [pytest.mark.engine]

Env = dict[str, Any]
XML_OK = '<?xml version="1.0"?><cross-domain-policy><allow-access-from domain="*"/></cross-domain-policy>'


def _ch(e: Env, i: int = 0) -> Env:
    ch: Env = e["liveChannels"][i]
    return ch


def _out(e: Env, i: int = 0, j: int = 0) -> Env:
    out: Env = e["liveChannels"][i]["outputs"][j]
    return out


def _ep(e: Env, i: int = 0) -> Env:
    ep: Env = e["streamingEndpoints"][i]
    return ep


def _six_live_events(e: Env, quota: int | None = None) -> None:
    if quota is not None:
        e["account"]["liveEventQuota"] = quota
    e["liveChannels"].extend(
        {"name": f"x{i}", "outputs": [{"name": "o", "archiveWindow": "PT1H"}]} for i in range(4)
    )


def _ladder(e: Env) -> Env:
    ladder: Env = e["transforms"][1]["outputs"][0]["h264Ladder"]
    return ladder


def _ckp(e: Env, i: int = 0) -> Env:
    ckp: Env = e["contentProtection"]["contentKeyPolicies"][i]
    return ckp


def _sp(e: Env, i: int = 0) -> Env:
    sp: Env = e["contentProtection"]["streamingPolicies"][i]
    return sp


def _token(e: Env) -> Env:
    token: Env = _ckp(e)["options"][0]["token"]
    return token


def _fairplay(e: Env) -> None:
    _ckp(e, 1)["options"] = [{"name": "fp", "drm": "FairPlay", "restriction": "open"}]


E = "environment"
LC0, LC1, SE0, SE1 = (
    f"{E}.liveChannels[0]",
    f"{E}.liveChannels[1]",
    f"{E}.streamingEndpoints[0]",
    f"{E}.streamingEndpoints[1]",
)
CP = f"{E}.contentProtection"
LADDER = f"{E}.transforms[1].outputs[0].h264Ladder"

# (label, mutation of the local stage's environment object, key path, rule)
STAGE_CASES: list[tuple[str, Callable[[Env], Any], str, str]] = [
    # the ten the issue found passing preview or failing only at up
    ("location-mars", lambda e: e.update(location="mars"), f"{E}.location", "account.location"),
    ("ingest-ip-garbage", lambda e: _ch(e).update(ingestIpAllowList=["10.0.0.0/8", "garbage"]), f"{LC0}.ingestIpAllowList[1]", "network.ip_range"),
    ("endpoint-ip-999", lambda e: _ep(e).update(ipAllowList=["999.1.1.1/33"]), f"{SE0}.ipAllowList[0]", "network.ip_range"),
    ("cross-domain-not-xml", lambda e: _ep(e)["crossSiteAccessPolicies"].update(crossDomainPolicy="allow everyone"), f"{SE0}.crossSiteAccessPolicies.crossDomainPolicy", "streaming_endpoint.cross_domain_policy"),
    ("tag-key-600", lambda e: e["tags"].update({"k" * 600: "v"}), f"{E}.tags", "arm.tags"),
    ("same-hostname-prefix", lambda e: _ch(e, 1).update(useStaticHostname=True, hostnamePrefix="news-local"), f"{LC1}.hostnamePrefix", "unique_name"),
    ("empty-protocols", lambda e: _sp(e).update(protocols=[]), f"{CP}.streamingPolicies[0].protocols", "streaming_policy.enabled_protocols"),
    ("audio-language-xx", lambda e: e["transforms"][1]["outputs"][1]["audioAnalyzer"].update(language="xx-XX"), f"{E}.transforms[1].outputs[1].audioAnalyzer.language", "transform.audio_language"),
    ("token-key-not-base64", lambda e: _token(e).update(keySecret="notBase64Key"), f"{CP}.contentKeyPolicies[0].options[0].token.keySecret", "content_key.symmetric_token_key"),
    ("presentation-window-30s", lambda e: _out(e)["filter"].update(presentationWindow="PT30S"), f"{LC0}.outputs[0].filter.presentationWindow", "filter.presentation_window"),
    ("live-backoff-301s", lambda e: _out(e)["filter"].update(liveBackoff="PT301S"), f"{LC0}.outputs[0].filter.liveBackoff", "filter.live_backoff"),
    ("scale-units-51", lambda e: _ep(e).update(scaleUnits=51), f"{SE0}.scaleUnits", "streaming_endpoint.scale_units"),
    # structure
    ("unknown-key", lambda e: e["account"].update(nmae="x"), f"{E}.account.nmae", "schema.extra_forbidden"),
    ("unknown-top-key", lambda e: e.update(bogus=1), f"{E}.bogus", "schema.extra_forbidden"),
    ("missing-location", lambda e: e.pop("location"), f"{E}.location", "schema.missing"),
    ("missing-account-name", lambda e: e["account"].pop("name"), f"{E}.account.name", "schema.missing"),
    ("account-not-object", lambda e: e.update(account="amslocal01"), f"{E}.account", "schema.model_type"),
    ("scale-units-string", lambda e: _ep(e).update(scaleUnits="two"), f"{SE0}.scaleUnits", "schema.int_type"),
    ("scale-units-bool", lambda e: _ep(e).update(scaleUnits=True), f"{SE0}.scaleUnits", "schema.int_type"),
    ("create-not-bool", lambda e: e["resourceGroup"].update(create="yes"), f"{E}.resourceGroup.create", "schema.bool_type"),
    ("outputs-not-list", lambda e: _ch(e).update(outputs="main"), f"{LC0}.outputs", "schema.tuple_type"),
    ("stage-name", lambda e: e.update(stage="Local_1"), f"{E}.stage", "schema.string_pattern_mismatch"),
    # names
    ("account-name", lambda e: e["account"].update(name="Bad_Name"), f"{E}.account.name", "name.account"),
    ("resource-group-name", lambda e: e["resourceGroup"].update(name="rg."), f"{E}.resourceGroup.name", "name.resource_group"),
    ("endpoint-name-25", lambda e: _ep(e, 1).update(name="x" * 25), f"{SE1}.name", "name.streaming_endpoint"),
    ("live-event-name", lambda e: _ch(e).update(name="news_1"), f"{LC0}.name", "name.live_event"),
    ("live-output-name", lambda e: _out(e).update(name="-main"), f"{LC0}.outputs[0].name", "name.live_output"),
    ("asset-name-dot", lambda e: _out(e).update(assetName="a.b"), f"{LC0}.outputs[0].assetName", "name.general"),
    ("transform-name-slash", lambda e: e["transforms"][0].update(name="a/b"), f"{E}.transforms[0].name", "name.general"),
    ("storage-id", lambda e: e["account"]["storage"].update(existingId="/subscriptions/x/storage"), f"{E}.account.storage.existingId", "storage.resource_id"),
    ("hostname-prefix-pattern", lambda e: _ch(e).update(hostnamePrefix="news_local"), f"{LC0}.hostnamePrefix", "live_event.hostname_prefix"),
    ("custom-host-name", lambda e: _ep(e, 1).update(customHostNames=["not a host"]), f"{SE1}.customHostNames[0]", "network.host_name"),
    # durations
    ("archive-window-26h", lambda e: _out(e, 1).update(archiveWindow="PT26H"), f"{LC1}.outputs[0].archiveWindow", "live_output.archive_window"),
    ("archive-window-text", lambda e: _out(e).update(archiveWindow="8 hours"), f"{LC0}.outputs[0].archiveWindow", "live_output.archive_window"),
    ("rewind-over-archive", lambda e: _out(e).update(rewindWindow="PT9H"), f"{LC0}.outputs[0].rewindWindow", "live_output.rewind_window"),
    ("presentation-over-archive", lambda e: _out(e, 1, 1).update(filter={"presentationWindow": "PT1H"}), f"{LC1}.outputs[1].filter.presentationWindow", "filter.presentation_window"),
    ("key-frame-interval-30s", lambda e: _ch(e, 1).update(keyFrameInterval="PT30S"), f"{LC1}.keyFrameInterval", "encoding.key_frame_interval"),
    ("key-frame-on-passthrough", lambda e: _ch(e).update(keyFrameInterval="PT2S"), f"{LC0}.keyFrameInterval", "encoding.key_frame_interval"),
    ("ladder-key-frame-0s", lambda e: _ladder(e).update(keyFrameInterval="PT0S"), f"{LADDER}.keyFrameInterval", "encoding.key_frame_interval"),
    # enums
    ("run-state-paused", lambda e: _ch(e).update(runState="Paused"), f"{LC0}.runState", "live_event.run_state"),
    ("endpoint-standby", lambda e: _ep(e).update(runState="StandBy"), f"{SE0}.runState", "streaming_endpoint.run_state"),
    ("protocol-srt", lambda e: _ch(e).update(protocol="SRT"), f"{LC0}.protocol", "live_event.protocol"),
    ("encoding-type", lambda e: _ch(e)["encoding"].update(type="Premium4K"), f"{LC0}.encoding.type", "live_event.encoding_type"),
    ("built-in-preset", lambda e: e["transforms"][0]["outputs"][0].update(builtInPreset="H264Magic"), f"{E}.transforms[0].outputs[0].builtInPreset", "transform.built_in_preset"),
    ("on-error", lambda e: e["transforms"][1]["outputs"][1].update(onError="Retry"), f"{E}.transforms[1].outputs[1].onError", "transform.on_error"),
    ("priority", lambda e: e["transforms"][1]["outputs"][1].update(relativePriority="Urgent"), f"{E}.transforms[1].outputs[1].relativePriority", "transform.relative_priority"),
    ("complexity", lambda e: _ladder(e).update(complexity="Max"), f"{LADDER}.complexity", "h264.complexity"),
    ("storage-sku", lambda e: e["account"]["storage"].update(sku="Premium_LRS"), f"{E}.account.storage.sku", "storage.sku"),
    ("public-network-access", lambda e: e["account"].update(publicNetworkAccess="Maybe"), f"{E}.account.publicNetworkAccess", "account.public_network_access"),
    ("key-delivery-action", lambda e: e["account"]["keyDelivery"].update(defaultAction="Block"), f"{E}.account.keyDelivery.defaultAction", "account.key_delivery_default_action"),
    ("cdn-provider", lambda e: _ep(e, 1).update(cdn={"provider": "Cloudflare"}), f"{SE1}.cdn.provider", "streaming_endpoint.cdn_provider"),
    ("stream-protocol", lambda e: _sp(e).update(protocols=["dash", "rtmp"]), f"{CP}.streamingPolicies[0].protocols[1]", "streaming_policy.protocol"),
    ("token-type", lambda e: _token(e).update(tokenType="Saml"), f"{CP}.contentKeyPolicies[0].options[0].token.tokenType", "content_key.token_type"),
    ("drm", lambda e: _ckp(e)["options"][0].update(drm="Marlin"), f"{CP}.contentKeyPolicies[0].options[0].drm", "schema.literal_error"),
    # cross-field
    ("cdn-and-acl", lambda e: _ep(e).update(cdn={}), f"{SE0}.ipAllowList", "streaming_endpoint.cdn_exclusive"),
    ("two-presets", lambda e: e["transforms"][0]["outputs"][0].update(audioAnalyzer={}), f"{E}.transforms[0].outputs[0]", "transform.one_preset"),
    ("no-preset", lambda e: e["transforms"][0]["outputs"][0].pop("builtInPreset"), f"{E}.transforms[0].outputs[0]", "transform.one_preset"),
    ("rung-order", lambda e: _ladder(e)["rungs"].reverse(), f"{LADDER}.rungs[1].bitrate", "h264.ladder_order"),
    ("odd-width", lambda e: _ladder(e)["rungs"][0].update(width=1921), f"{LADDER}.rungs[0].width", "h264.even_size"),
    ("max-bitrate-low", lambda e: _ladder(e)["rungs"][0].update(maxBitrate=100000), f"{LADDER}.rungs[0].maxBitrate", "h264.max_bitrate"),
    ("duplicate-rung-label", lambda e: _ladder(e)["rungs"][1].update(label="hd1080"), f"{LADDER}.rungs[1].label", "unique_name"),
    ("passthrough-basic-3-outputs", lambda e: _ch(e)["encoding"].update(type="PassthroughBasic"), f"{LC0}.outputs", "live_event.max_outputs"),
    ("preset-on-passthrough", lambda e: _ch(e)["encoding"].update(presetName="Default720p"), f"{LC0}.encoding.presetName", "live_event.preset_name"),
    ("wrong-live-preset", lambda e: _ch(e, 1)["encoding"].update(presetName="Default1080p"), f"{LC1}.encoding.presetName", "live_event.preset_name"),
    ("prefix-without-static", lambda e: _ch(e).update(useStaticHostname=False), f"{LC0}.hostnamePrefix", "live_event.hostname_prefix"),
    ("duplicate-output", lambda e: _out(e, 0, 1).update(name="MAIN"), f"{LC0}.outputs[1].name", "unique_name"),
    ("duplicate-manifest", lambda e: _out(e, 0, 1).update(manifestName="news-main"), f"{LC0}.outputs[1].manifestName", "unique_name"),
    ("duplicate-asset", lambda e: _out(e, 1).update(assetName="news-main-archive"), f"{LC1}.outputs[0].assetName", "unique_name"),
    ("duplicate-channel", lambda e: _ch(e, 1).update(name="NEWS"), f"{LC1}.name", "unique_name"),
    ("duplicate-endpoint", lambda e: _ep(e, 1).update(name="DEFAULT"), f"{SE1}.name", "unique_name"),
    ("duplicate-transform", lambda e: e["transforms"][1].update(name="Adaptive-Streaming"), f"{E}.transforms[1].name", "unique_name"),
    ("three-endpoints", lambda e: e["streamingEndpoints"].append({"name": "se3"}), f"{E}.streamingEndpoints", "account.max_streaming_endpoints"),
    ("six-live-events", lambda e: _six_live_events(e), f"{E}.liveChannels", "account.max_live_events"),
    ("live-event-quota-zero", lambda e: e["account"].update(liveEventQuota=0), f"{E}.account.liveEventQuota", "account.live_event_quota"),
    ("live-event-quota-text", lambda e: e["account"].update(liveEventQuota="ten"), f"{E}.account.liveEventQuota", "must be an integer"),
    ("quota-below-live-events", lambda e: e["account"].update(liveEventQuota=1), f"{E}.liveChannels", "account.max_live_events"),
    ("unknown-streaming-policy", lambda e: _out(e).update(locator={"streamingPolicy": "nope"}), f"{LC0}.outputs[0].locator.streamingPolicy", "streaming_policy.reference"),
    ("unknown-key-policy-on-locator", lambda e: _out(e).update(locator={"contentKeyPolicy": "nope"}), f"{LC0}.outputs[0].locator.contentKeyPolicy", "content_key.reference"),
    ("unknown-key-policy", lambda e: _sp(e).update(contentKeyPolicy="nope"), f"{CP}.streamingPolicies[0].contentKeyPolicy", "content_key.reference"),
    ("cenc-without-playready", lambda e: _sp(e).update(contentKeyPolicy="aes-open"), f"{CP}.streamingPolicies[0].contentKeyPolicy", "streaming_policy.scheme"),
    ("cbcs-smooth", lambda e: _sp(e).update(scheme="cbcs"), f"{CP}.streamingPolicies[0].protocols", "streaming_policy.scheme"),
    ("reserved-policy-name", lambda e: _sp(e, 1).update(name="Predefined_Mine"), f"{CP}.streamingPolicies[1].name", "streaming_policy.name"),
    ("token-missing", lambda e: _ckp(e)["options"][0].pop("token"), f"{CP}.contentKeyPolicies[0].options[0].token", "content_key.option"),
    ("fairplay-without-secrets", _fairplay, f"{CP}.contentKeyPolicies[1].options[0].fairPlay", "content_key.option"),
    ("storage-both", lambda e: e["account"]["storage"].update(name="othersa01"), f"{E}.account.storage", "storage.source"),
    ("customer-key-existing-storage", lambda e: e["account"].update(encryption={"type": "CustomerKey", "keyIdentifier": "https://kv.example/keys/k"}), f"{E}.account.encryption", "account.encryption"),
    ("ip-list-with-allow", lambda e: e["account"]["keyDelivery"].update(ipAllowList=["1.2.3.4"]), f"{E}.account.keyDelivery.ipAllowList", "key_delivery.ip_allow_list"),
    ("missing-secret", lambda e: _token(e).update(keySecret="notSetAnywhere"), f"{CP}.contentKeyPolicies[0].options[0].token.keySecret", "is not set"),
    ("interruptions", lambda e: e.update(interruptions="sometimes"), f"{E}.interruptions", "must be one of"),
    ("delete-recordings", lambda e: e["liveChannels"][0]["outputs"][0].update(deleteRecordings="yes"), f"{E}.liveChannels[0].outputs[0].deleteRecordings", "must be a boolean"),
]  # fmt: skip


def _stage_cases(base_env: Env) -> dict[str, Env]:
    cases = {}
    for n, (_label, mutate, _key, _rule) in enumerate(STAGE_CASES):
        env = copy.deepcopy(base_env)
        mutate(env)
        if isinstance(env, dict) and isinstance(env.get("account"), dict):
            env["stage"] = env["stage"] if _label == "stage-name" else f"c{n:03d}"
        cases[f"case-c{n:03d}"] = env
    # controls: valid variants in the same run must pass (and so register their stage)
    for i, mutate in enumerate(CONTROLS):
        env = copy.deepcopy(base_env)
        mutate(env)
        env["stage"] = f"ok{i}"
        cases[f"case-ok{i}"] = env
    return cases


CONTROLS: list[Callable[[Env], Any]] = [
    lambda e: None,
    # the issue's drifted example: within the documented limits, so schema and provider both accept it
    lambda e: _out(e)["filter"].update(presentationWindow="PT90S", liveBackoff="PT45S"),
    lambda e: _ep(e).update(scaleUnits=11, ipAllowList=["2001:db8::/32", "10.0.0.1"]),
    # a quota raised by Azure support: six live events in one account
    lambda e: _six_live_events(e, quota=6),
]

# The cases travel in a file (the engine passes stack config to the program in one environment variable,
# which cannot hold ~90 stage objects); each is read through the real `load_stage_config`, exactly as
# ``__main__.py`` reads ``ams-media:environment``, and secrets come from the real stack config.
BATCH_PROGRAM = """
import json
import sys
from pathlib import Path

import pulumi

from components.config import StageConfigError
from components.stage import build_stage, load_stage_config

config = pulumi.Config("ams-media")
cases = json.loads(Path("cases.json").read_text())


class CaseConfig:
    def get(self, key):
        return json.dumps(cases[key]) if key in cases else config.get(key)


failed = False
for key in cases:
    try:
        cfg = load_stage_config(CaseConfig(), key)
    except StageConfigError as exc:
        pulumi.log.error(f"[{key}] {exc}")
        failed = True
        continue
    build_stage(cfg, config.require_secret)
if failed:
    sys.exit(1)  # as __main__.py does
"""


def _write_stage_batch(proj: PulumiProject, base: dict[str, Any]) -> dict[str, Env]:
    cases = _stage_cases(base["config"]["ams-media:environment"])
    doc = copy.deepcopy(base)
    doc["config"].pop("ams-media:environment")
    doc["config"]["ams-media:notBase64Key"] = "this is not base64!"
    proj.write_program(BATCH_PROGRAM)
    (proj.dir / "cases.json").write_text(json.dumps(cases))
    (proj.dir / f"Pulumi.{proj.stack}.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    return cases


@pytest.mark.xdist_group("program-bad-inputs")
def test_bad_stage_inputs_fail_preview_naming_key_and_rule(
    media_project: Callable[..., PulumiProject], connection: dict[str, Any], emulator: Any
) -> None:
    assert len(STAGE_CASES) >= 60
    proj = media_project(
        "badstage", project="ams-media", stack="local", env={**repo_env(), "PULUMI_CONFIG_PASSPHRASE": ""}
    )
    cases = _write_stage_batch(proj, local_stage_doc(connection))
    writes_before = emulator.admin.write_requests()

    run = proj.preview()

    errors = [msg for sev, _urn, msg in run.diagnostics if sev == "error"]
    by_case = {key: [m for m in errors if m.startswith(f"[{key}]")] for key in cases}
    problems = []
    for n, (label, _mutate, key_path, rule) in enumerate(STAGE_CASES):
        msgs = by_case[f"case-c{n:03d}"]
        lines = [x.strip() for m in msgs for x in m.splitlines()]
        if not any(x.startswith(f"{key_path}:") and rule in x for x in lines):
            problems.append(f"{label}: expected '{key_path}: … {rule}' in {lines or errors[:3]}")
    for i in range(len(CONTROLS)):
        if by_case[f"case-ok{i}"]:
            problems.append(f"control ok{i} failed: {by_case[f'case-ok{i}']}")
    assert not problems, "\n".join(problems)
    assert run.returncode != 0
    # no bad case registered anything; the controls did (a create of their whole stage is planned)
    stages = {s.name.split("-", 1)[0] for s in run.steps if not s.type.startswith("pulumi:")}
    assert stages == {f"ok{i}" for i in range(len(CONTROLS))}, stages
    assert emulator.admin.write_requests() == writes_before
    assert not proj.resources() or all(r["type"] == "pulumi:pulumi:Stack" for r in proj.resources())


def _props(**kw: Any) -> str:
    return json.dumps(kw)


ACC = "account_name='amsbad01'"
TS = 10_000_000
# (label, resource constructor source, key path, rule); every resource is independent (literal parents)
RAW_CASES: list[tuple[str, str, str, str]] = [
    ("af-height", f"dp.AccountFilter('af-height', resource_group_name=RG, {ACC}, properties={{'tracks': [{{'trackSelections': [{{'property': 'Height', 'operation': 'Equal', 'value': '720'}}]}}]}})", "properties.tracks[0].trackSelections[0].property", "sdk_enum.FilterTrackPropertyType"),
    ("af-gte", f"dp.AccountFilter('af-gte', resource_group_name=RG, {ACC}, properties={{'tracks': [{{'trackSelections': [{{'property': 'Bitrate', 'operation': 'GreaterThanOrEqual', 'value': '0-1000000'}}]}}]}})", "properties.tracks[0].trackSelections[0].operation", "sdk_enum.FilterTrackPropertyCompareOperation"),
    ("se-ip-999", f"dp.StreamingEndpoint('se-ip-999', resource_group_name=RG, {ACC}, location=LOC, properties={{'accessControl': {{'ip': {{'allow': [{{'name': 'a', 'address': '999.1.1.1', 'subnetPrefixLength': 33}}]}}}}}})", "properties.accessControl.ip.allow[0]", "network.ip_range"),
    ("se-xml", f"dp.StreamingEndpoint('se-xml', resource_group_name=RG, {ACC}, location=LOC, properties={{'crossSiteAccessPolicies': {{'crossDomainPolicy': 'allow all'}}}})", "properties.crossSiteAccessPolicies.crossDomainPolicy", "streaming_endpoint.cross_domain_policy"),
    ("se-tag-600", f"dp.StreamingEndpoint('se-tag-600', resource_group_name=RG, {ACC}, location=LOC, tags={{'k' * 600: 'v'}})", "tags", "arm.tags"),
    ("se-scale-51", f"dp.StreamingEndpoint('se-scale-51', resource_group_name=RG, {ACC}, location=LOC, scale_units=51)", "scale_units", "streaming_endpoint.scale_units"),
    ("se-cdn-hosts", f"dp.StreamingEndpoint('se-cdn-hosts', resource_group_name=RG, {ACC}, location=LOC, properties={{'cdnEnabled': True, 'customHostNames': ['media.example.com']}})", "properties.customHostNames", "streaming_endpoint.cdn_exclusive"),
    ("sp-no-protocols", f"dp.StreamingPolicy('sp-no-protocols', resource_group_name=RG, {ACC}, properties={{'noEncryption': {{'enabledProtocols': {{'download': False, 'dash': False, 'hls': False, 'smoothStreaming': False}}}}}})", "properties.noEncryption.enabledProtocols", "streaming_policy.enabled_protocols"),
    ("tr-audio-xx", f"dp.Transform('tr-audio-xx', resource_group_name=RG, {ACC}, properties={{'outputs': [{{'preset': {{'@odata.type': '#Microsoft.Media.AudioAnalyzerPreset', 'audioLanguage': 'xx-XX'}}}}]}})", "properties.outputs[0].preset.audioLanguage", "transform.audio_language"),
    ("tr-preset-name", f"dp.Transform('tr-preset-name', resource_group_name=RG, {ACC}, properties={{'outputs': [{{'preset': {{'@odata.type': '#Microsoft.Media.BuiltInStandardEncoderPreset', 'presetName': 'H264Magic'}}}}]}})", "properties.outputs[0].preset.presetName", "sdk_enum.EncoderNamedPreset"),
    ("ckp-key-b64", f"dp.ContentKeyPolicy('ckp-key-b64', resource_group_name=RG, {ACC}, properties={{'options': [{{'configuration': {{'@odata.type': '#Microsoft.Media.ContentKeyPolicyClearKeyConfiguration'}}, 'restriction': {{'@odata.type': '#Microsoft.Media.ContentKeyPolicyTokenRestriction', 'issuer': 'i', 'audience': 'a', 'restrictionTokenType': 'Jwt', 'primaryVerificationKey': {{'@odata.type': '#Microsoft.Media.ContentKeyPolicySymmetricTokenKey', 'keyValue': 'not base64!'}}}}}}]}})", "properties.options[0].restriction.primaryVerificationKey.keyValue", "content_key.symmetric_token_key"),
    ("acct-mars", "dp.MediaService('acct-mars', resource_group_name=RG, account_name='amsbad02', location='mars', properties={'storageAccounts': [{'id': SA, 'type': 'Primary'}]})", "location", "account.location"),
    ("le-mars", f"dp.LiveEvent('le-mars', resource_group_name=RG, {ACC}, location='mars', properties={{'input': {{'streamingProtocol': 'RTMP'}}}})", "location", "account.location"),
    ("le-ip-garbage", f"dp.LiveEvent('le-ip-garbage', resource_group_name=RG, {ACC}, location=LOC, properties={{'input': {{'streamingProtocol': 'RTMP', 'accessControl': {{'ip': {{'allow': [{{'name': 'a', 'address': 'garbage'}}]}}}}}}}})", "properties.input.accessControl.ip.allow[0]", "network.ip_range"),
    ("le-encoding-type", f"dp.LiveEvent('le-encoding-type', resource_group_name=RG, {ACC}, location=LOC, properties={{'input': {{'streamingProtocol': 'RTMP'}}, 'encoding': {{'encodingType': 'Premium4K'}}}})", "properties.encoding.encodingType", "sdk_enum.LiveEventEncodingType"),
    ("le-protocol", f"dp.LiveEvent('le-protocol', resource_group_name=RG, {ACC}, location=LOC, properties={{'input': {{'streamingProtocol': 'SRT'}}}})", "properties.input.streamingProtocol", "sdk_enum.LiveEventInputProtocol"),
    ("le-preset-passthrough", f"dp.LiveEvent('le-preset-passthrough', resource_group_name=RG, {ACC}, location=LOC, properties={{'input': {{'streamingProtocol': 'RTMP'}}, 'encoding': {{'encodingType': 'PassthroughBasic', 'presetName': 'Default720p'}}}})", "properties.encoding.presetName", "live_event.preset_name"),
    ("le-run-state", f"dp.LiveEvent('le-run-state', resource_group_name=RG, {ACC}, location=LOC, run_state='Paused', properties={{'input': {{'streamingProtocol': 'RTMP'}}}})", "run_state", "live_event.run_state"),
    ("le-name", f"dp.LiveEvent('le-name', resource_group_name=RG, {ACC}, live_event_name='bad_name', location=LOC, properties={{'input': {{'streamingProtocol': 'RTMP'}}}})", "live_event_name", "name.live_event"),
    ("lo-archive-26h", f"dp.LiveOutput('lo-archive-26h', resource_group_name=RG, {ACC}, live_event_name='ev', properties={{'assetName': 'a', 'archiveWindowLength': 'PT26H'}})", "properties.archiveWindowLength", "live_output.archive_window"),
    ("lo-rewind", f"dp.LiveOutput('lo-rewind', resource_group_name=RG, {ACC}, live_event_name='ev', properties={{'assetName': 'a', 'archiveWindowLength': 'PT1H', 'rewindWindowLength': 'PT2H'}})", "properties.rewindWindowLength", "live_output.rewind_window"),
    ("asf-window", f"dp.AssetFilter('asf-window', resource_group_name=RG, {ACC}, asset_name='a', properties={{'presentationTimeRange': {{'presentationWindowDuration': 30 * {TS}, 'timescale': {TS}}}}})", "properties.presentationTimeRange.presentationWindowDuration", "filter.presentation_window"),
    ("asf-backoff", f"dp.AssetFilter('asf-backoff', resource_group_name=RG, {ACC}, asset_name='a', properties={{'presentationTimeRange': {{'liveBackoffDuration': 400 * {TS}, 'timescale': {TS}}}}})", "properties.presentationTimeRange.liveBackoffDuration", "filter.live_backoff"),
    ("asset-container", f"dp.Asset('asset-container', resource_group_name=RG, {ACC}, properties={{'container': 'Bad_Container'}})", "properties.container", "name.container"),
    ("acct-name", "dp.MediaService('acct-name', resource_group_name=RG, account_name='Bad_Account', location=LOC, properties={'storageAccounts': [{'id': SA, 'type': 'Primary'}]})", "account_name", "name.account"),
    ("le-name-dot", f"dp.LiveEvent('le-name-dot', resource_group_name=RG, {ACC}, live_event_name='bad.event', location=LOC, properties={{'input': {{'streamingProtocol': 'RTMP'}}}})", "live_event_name 'bad.event'", "name.live_event"),
    ("se-name-25", f"dp.StreamingEndpoint('se-name-25', resource_group_name=RG, {ACC}, location=LOC, streaming_endpoint_name='x' * 25)", "streaming_endpoint_name", "name.streaming_endpoint"),
    ("asset-name-colon", f"dp.Asset('asset-name-colon', resource_group_name=RG, {ACC}, asset_name='my:asset')", "asset_name 'my:asset'", "name.general"),
    ("tr-typo", f"dp.Transform('tr-typo', resource_group_name=RG, {ACC}, properties={{'outputs': [{{'preset': {{'@odata.type': '#Microsoft.Media.BuiltInStandardEncoderPreset', 'presetName': 'AdaptiveStreaming'}}}}], 'descripton': 'x'}})", "properties.descripton", "sdk_model.known_property"),
    ("lo-required", f"dp.LiveOutput('lo-required', resource_group_name=RG, {ACC}, live_event_name='ev', properties={{'assetName': 'a'}})", "properties.archiveWindowLength", "sdk_model.required"),
    ("sl-times", f"dp.StreamingLocator('sl-times', resource_group_name=RG, {ACC}, properties={{'assetName': 'a', 'streamingPolicyName': 'Predefined_ClearStreamingOnly', 'startTime': '2030-01-02T00:00:00Z', 'endTime': '2030-01-01T00:00:00Z'}})", "properties.endTime", "streaming_locator.time_range"),
]  # fmt: skip

RAW_CONTROLS = [
    f"dp.AccountFilter('ok-af', resource_group_name=RG, {ACC}, properties={{'tracks': [{{'trackSelections': [{{'property': 'Type', 'operation': 'Equal', 'value': 'Video'}}]}}]}})",
    f"dp.StreamingEndpoint('ok-se', resource_group_name=RG, {ACC}, location=LOC, scale_units=50, properties={{'crossSiteAccessPolicies': {{'crossDomainPolicy': {XML_OK!r}}}}})",
    f"dp.AssetFilter('ok-asf', resource_group_name=RG, {ACC}, asset_name='a', properties={{'presentationTimeRange': {{'presentationWindowDuration': 90 * {TS}, 'liveBackoffDuration': 45 * {TS}, 'timescale': {TS}}}}})",
]


@pytest.mark.xdist_group("program-bad-inputs")
def test_bad_raw_resources_fail_check_naming_key_and_rule(
    media_project: Callable[..., PulumiProject], connection: dict[str, Any], emulator: Any
) -> None:
    assert len(RAW_CASES) >= 15
    writes_before = emulator.admin.write_requests()

    # The engine stops a preview at the first resource whose check fails, so each case is its own preview
    # (the controls ride along with every case and must never be reported). A preview mostly waits on
    # process start-up, so LANES stacks (own directories) run their share of the cases side by side.
    def lane(cases: list[tuple[str, str, str, str]]) -> list[str]:
        proj = media_project("badraw", env=repo_env())
        found = []
        for label, src, key, rule in cases:
            proj.write_program(header(connection) + src + "\n" + "\n".join(RAW_CONTROLS) + "\n")
            run = proj.preview()
            msgs = [m for sev, urn, m in run.diagnostics if sev == "error" and urn.endswith(f"::{label}")]
            others = [
                m
                for _sev, urn, m in run.diagnostics
                if urn and not urn.endswith(f"::{label}") and "::pulumi:pulumi:Stack::" not in urn
            ]
            if run.returncode == 0 or not any(key in m and f"rule: {rule})" in m for m in msgs) or others:
                found.append(
                    f"{label}: rc={run.returncode} expected {key} … (rule: {rule}) in {msgs}; {others}"
                )
        return found

    lanes = 3
    with ThreadPoolExecutor(lanes) as pool:
        problems = [p for found in pool.map(lane, [RAW_CASES[i::lanes] for i in range(lanes)]) for p in found]
    assert not problems, "\n".join(problems)
    assert emulator.admin.write_requests() == writes_before


@pytest.mark.xdist_group("program-bad-inputs")
def test_account_location_change_needs_allow_replace(
    media_project: Callable[..., PulumiProject], connection: dict[str, Any], emulator: Any
) -> None:
    """Moving the account would replace it (and delete everything in it): preview refuses unless allowed."""
    from tests.program.stage import write_stage_program

    doc = local_stage_doc(connection)
    env = doc["config"]["ams-media:environment"]
    for key in ("transforms", "streamingEndpoints", "liveChannels", "contentProtection"):
        env.pop(key)
    env["account"]["name"] = "amsmove01"
    proj = media_project(
        "move", project="ams-media", stack="local", env={**repo_env(), "PULUMI_CONFIG_PASSPHRASE": ""}
    )
    write_stage_program(proj, doc)
    proj.up().check()
    other = next(r for r in ("northeurope", "westeurope") if r != connection["location"])

    env["location"] = other
    write_stage_program(proj, doc)
    writes_before = emulator.admin.write_requests()
    refused = proj.preview()
    assert refused.returncode != 0
    line = next((m for sev, _u, m in refused.diagnostics if sev == "error" and "would replace" in m), "")
    assert "location" in line and other in line and "environment.account.allowReplace" in line, (
        refused.output[-3000:]
    )
    assert "(rule: account.replace)" in line
    assert emulator.admin.write_requests() == writes_before

    env["account"]["allowReplace"] = True
    write_stage_program(proj, doc)
    allowed = proj.preview().check()
    assert "replace" in allowed.ops_for("local-media-account"), allowed.ops_for("local-media-account")
    assert emulator.admin.write_requests() == writes_before

    env["location"] = connection["location"]
    write_stage_program(proj, doc)
    proj.destroy().check()
