# ruff: noqa: E501  (tables: one probe per line)
"""The shared rule vectors against the client-side rules and against the emulator (two independent models).

Client side: ``RULES[name](value)`` is None for every valid value and a problem for every invalid one.
Emulator side: a raw ARM request carries each value (in a fresh account where the request would create
something); valid values are accepted (2xx), invalid ones refused with 400.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from typing import Any

import isodate
import pytest
from azure.core.rest import HttpRequest

from dynamic_providers.validate import RULES, parse_duration
from tests.rule_vectors import VECTORS

pytestmark = pytest.mark.xdist_group("rule-vectors")
API = "2022-08-01"
API_ACCOUNT = "2021-11-01"
API_FILTERS = "2022-08-01"
API_ENCODING = "2022-07-01"


def test_every_rule_has_vectors() -> None:
    assert set(VECTORS) == set(RULES), set(VECTORS) ^ set(RULES)


@pytest.mark.parametrize("rule", sorted(VECTORS))
def test_client_rule_matches_vectors(rule: str) -> None:
    v = VECTORS[rule]
    wrong = [x for x in v.valid if RULES[rule](x) is not None] + [
        x for x in v.invalid if RULES[rule](x) is None
    ]
    assert not wrong, f"{rule} disagrees on {wrong!r}"


# ------------------------------------------------------------------------------------------ emulator


class Arm:
    """Raw ARM requests to the emulator (authenticated by the SDK's pipeline, bodies unvalidated)."""

    def __init__(self, arm_env: dict[str, str], connection: dict[str, Any]) -> None:
        from tests.providers.helpers import sdk_client

        self.client = sdk_client(arm_env)
        self.conn = connection
        self.base = (
            f"/subscriptions/{connection['subscription_id']}/resourceGroups/{connection['resource_group']}"
            "/providers/Microsoft.Media/mediaservices"
        )

    def put(self, path: str, body: dict[str, Any], api: str = API) -> int:
        req = HttpRequest("PUT", f"{self.base}/{path}?api-version={api}", json=body)
        status: int = self.client._send_request(req).status_code
        return status

    def account(self, name: str | None = None, **body: Any) -> tuple[int, str]:
        name = name or ("vec" + uuid.uuid4().hex[:12])
        doc = {
            "location": self.conn["location"],
            "properties": {"storageAccounts": [{"id": self.conn["storage_account_id"], "type": "Primary"}]},
            **body,
        }
        return self.put(name, doc, API_ACCOUNT), name

    def fresh(self) -> str:
        status, name = self.account()
        assert status in (200, 201), status
        return name

    def live_event(self, acct: str, name: str, **props: Any) -> int:
        body = {
            "location": self.conn["location"],
            "properties": {"input": {"streamingProtocol": "RTMP"}, **props},
        }
        return self.put(f"{acct}/liveEvents/{name}", body)

    def endpoint(self, acct: str, name: str = "se1", **props: Any) -> int:
        body = {"location": self.conn["location"], "properties": {"scaleUnits": 0, **props}}
        return self.put(f"{acct}/streamingEndpoints/{name}", body)

    def transform(self, acct: str, name: str, preset: dict[str, Any], **output: Any) -> int:
        return self.put(
            f"{acct}/transforms/{name}",
            {"properties": {"outputs": [{"preset": preset, **output}]}},
            API_ENCODING,
        )


def _ticks(duration: str) -> int:
    d = parse_duration(duration)
    assert isinstance(d, datetime.timedelta)
    return int(d.total_seconds() * 10_000_000)


def _output(arm: Arm, props: dict[str, Any], name: str = "o") -> int:
    acct = arm.fresh()
    from azure.mgmt.media import models

    arm.client.live_events.begin_create(
        arm.conn["resource_group"],
        acct,
        "ev",
        models.LiveEvent(
            location=arm.conn["location"], input=models.LiveEventInput(streaming_protocol="RTMP")
        ),
    ).result()
    arm.client.assets.create_or_update(arm.conn["resource_group"], acct, "a", models.Asset())
    return arm.put(f"{acct}/liveEvents/ev/liveOutputs/{name}", {"properties": {"assetName": "a", **props}})


BUILT_IN = {"@odata.type": "#Microsoft.Media.BuiltInStandardEncoderPreset", "presetName": "AdaptiveStreaming"}


def _h264(complexity: str) -> dict[str, Any]:
    return {
        "@odata.type": "#Microsoft.Media.StandardEncoderPreset",
        "codecs": [
            {
                "@odata.type": "#Microsoft.Media.H264Video",
                "complexity": complexity,
                "layers": [{"bitrate": 1000000}],
            }
        ],
        "formats": [
            {"@odata.type": "#Microsoft.Media.Mp4Format", "filenamePattern": "{Basename}{Extension}"}
        ],
    }


def _token_policy(key: str, token_type: str = "Jwt") -> dict[str, Any]:
    """A ClearKey option with a symmetric-key token restriction, built by the product's own helper."""
    from components.config import KeyPolicyOptionConfig, TokenRestrictionConfig
    from components.presets import key_policy_option

    token = TokenRestrictionConfig(issuer="i", audience="a", key_secret="k")
    option = key_policy_option(KeyPolicyOptionConfig(drm="ClearKey", restriction="token", token=token), key)
    option["restriction"]["restrictionTokenType"] = token_type
    return {"properties": {"options": [option]}}


def _ip(value: str) -> list[dict[str, Any]]:
    address, _, bits = value.partition("/")
    return [{"name": "r", "address": address, **({"subnetPrefixLength": int(bits)} if bits else {})}]


# rule -> how one value reaches the emulator: returns the HTTP status of the request carrying it
PROBES: dict[str, Callable[[Arm, Any], int]] = {
    "name.general": lambda arm, v: arm.transform(arm.fresh(), v, BUILT_IN),
    "name.account": lambda arm, v: arm.account(v)[0],
    "name.live_event": lambda arm, v: arm.live_event(arm.fresh(), v),
    "name.live_output": lambda arm, v: _output(arm, {"archiveWindowLength": "PT1H"}, v),
    "name.streaming_endpoint": lambda arm, v: arm.endpoint(arm.fresh(), v),
    "name.container": lambda arm, v: arm.put(f"{arm.fresh()}/assets/a", {"properties": {"container": v}}),
    "live_event.hostname_prefix": lambda arm, v: arm.live_event(arm.fresh(), "ev", useStaticHostname=True, hostnamePrefix=v),
    "live_output.archive_window": lambda arm, v: _output(arm, {"archiveWindowLength": v}),
    "live_output.rewind_window": lambda arm, v: _output(arm, {"archiveWindowLength": "PT25H", "rewindWindowLength": v}),
    "filter.presentation_window": lambda arm, v: arm.put(f"{arm.fresh()}/accountFilters/f", {"properties": {"presentationTimeRange": {"presentationWindowDuration": _ticks(v), "timescale": 10_000_000}}}, API_FILTERS),
    "filter.live_backoff": lambda arm, v: arm.put(f"{arm.fresh()}/accountFilters/f", {"properties": {"presentationTimeRange": {"liveBackoffDuration": _ticks(v), "timescale": 10_000_000}}}, API_FILTERS),
    "encoding.key_frame_interval": lambda arm, v: arm.live_event(arm.fresh(), "ev", encoding={"encodingType": "Standard", "keyFrameInterval": v}),
    "streaming_endpoint.scale_units": lambda arm, v: arm.put(f"{arm.fresh()}/streamingEndpoints/se1", {"location": arm.conn["location"], "properties": {"scaleUnits": v}}),
    "transform.built_in_preset": lambda arm, v: arm.transform(arm.fresh(), "t", {**BUILT_IN, "presetName": v}),
    "live_event.encoding_type": lambda arm, v: arm.live_event(arm.fresh(), "ev", encoding={"encodingType": v}),
    "live_event.protocol": lambda arm, v: arm.put(f"{arm.fresh()}/liveEvents/ev", {"location": arm.conn["location"], "properties": {"input": {"streamingProtocol": v}}}),
    "transform.on_error": lambda arm, v: arm.transform(arm.fresh(), "t", BUILT_IN, onError=v),
    "transform.relative_priority": lambda arm, v: arm.transform(arm.fresh(), "t", BUILT_IN, relativePriority=v),
    "h264.complexity": lambda arm, v: arm.transform(arm.fresh(), "t", _h264(v)),
    "account.key_delivery_default_action": lambda arm, v: arm.account(properties={"storageAccounts": [{"id": arm.conn["storage_account_id"], "type": "Primary"}], "keyDelivery": {"accessControl": {"defaultAction": v}}})[0],
    "account.public_network_access": lambda arm, v: arm.account(properties={"storageAccounts": [{"id": arm.conn["storage_account_id"], "type": "Primary"}], "publicNetworkAccess": v})[0],
    "account.encryption_type": lambda arm, v: arm.account(properties={"storageAccounts": [{"id": arm.conn["storage_account_id"], "type": "Primary"}], "encryption": {"type": v}})[0],
    "content_key.token_type": lambda arm, v: arm.put(f"{arm.fresh()}/contentKeyPolicies/p", _token_policy("c2VjcmV0", v)),
    "streaming_policy.enabled_protocols": lambda arm, v: arm.put(f"{arm.fresh()}/streamingPolicies/p", {"properties": {"noEncryption": {"enabledProtocols": v}}}),
    "account.location": lambda arm, v: arm.account(location=v)[0],
    "network.ip_range": lambda arm, v: arm.endpoint(arm.fresh(), accessControl={"ip": {"allow": _ip(v)}}),
    "streaming_endpoint.cross_domain_policy": lambda arm, v: arm.endpoint(arm.fresh(), crossSiteAccessPolicies={"crossDomainPolicy": v}),
    "streaming_endpoint.client_access_policy": lambda arm, v: arm.endpoint(arm.fresh(), crossSiteAccessPolicies={"clientAccessPolicy": v}),
    "content_key.symmetric_token_key": lambda arm, v: arm.put(f"{arm.fresh()}/contentKeyPolicies/p", _token_policy(v)),
    "arm.tags": lambda arm, v: arm.account(tags=v)[0],
    "transform.audio_language": lambda arm, v: arm.transform(arm.fresh(), "t", {"@odata.type": "#Microsoft.Media.AudioAnalyzerPreset", "audioLanguage": v}),
}  # fmt: skip


def test_every_emulator_rule_has_a_probe() -> None:
    modelled = {r for r, v in VECTORS.items() if v.emulator}
    assert modelled == set(PROBES), modelled ^ set(PROBES)


@pytest.mark.engine
def test_emulator_matches_vectors(arm_env: dict[str, str], connection: dict[str, Any]) -> None:
    arm = Arm(arm_env, connection)
    wrong = []
    for rule, probe in sorted(PROBES.items()):
        v = VECTORS[rule]
        for value, ok in [(x, True) for x in v.valid] + [(x, False) for x in v.invalid]:
            status = probe(arm, value)
            if ok != (200 <= status < 300):
                shown = value if len(repr(value)) < 80 else repr(value)[:80] + "…"
                wrong.append(
                    f"{rule}: {shown!r} -> HTTP {status} ({'valid' if ok else 'invalid'} by the vectors)"
                )
    assert not wrong, "\n".join(wrong)


def test_duration_vectors_are_iso() -> None:
    # the vectors themselves: durations meant valid parse as ISO 8601
    for rule in ("live_output.archive_window", "filter.live_backoff"):
        for value in VECTORS[rule].valid:
            assert isodate.parse_duration(value) is not None
