# ruff: noqa: E501  (a table: one rule per line)
"""Shared test vectors: valid and invalid values for every service rule in dynamic_providers/validate.

tests/test_rule_vectors.py runs each value through the client-side rule and, where the emulator models the
rule, through the emulator (a real request carrying the value), so the two independent models cannot
silently disagree. Every rule in `RULES` must have an entry here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

XML_CROSS_DOMAIN = (
    '<?xml version="1.0"?><cross-domain-policy><allow-access-from domain="*"/></cross-domain-policy>'
)
XML_CLIENT_ACCESS = "<access-policy><cross-domain-access><policy/></cross-domain-access></access-policy>"


@dataclass(frozen=True)
class Vectors:
    valid: tuple[Any, ...]
    invalid: tuple[Any, ...]
    emulator: bool = True
    """False: the rule is client-side only (stage DSL, Azure Resource Manager or storage rules the
    Media emulator does not serve)."""


VECTORS: dict[str, Vectors] = {
    "name.general": Vectors(("my-transform", "a b", "x" * 260), ("a.b", "a+b", "a'b", "a*b", "x" * 261)),
    "name.account": Vectors(("amsvec01", "abc"), ("Bad_Name", "ab", "a" * 25, "ams-vec")),
    "name.storage_account": Vectors(("stvec01",), ("St_Vec", "ab"), emulator=False),
    "name.live_event": Vectors(("ev-1", "Ev2", "x" * 32), ("ev_1", "-ev", "ev-", "x" * 33)),
    "name.live_output": Vectors(("out-1", "x" * 256), ("out_1", "-out")),
    "name.streaming_endpoint": Vectors(("se1", "se-backup", "x" * 24), ("se_1", "x" * 25, "-se")),
    "name.resource_group": Vectors(("rg-media", "rg.(x)"), ("rg.", "rg/x", "x" * 91), emulator=False),
    "name.container": Vectors(("asset-container-1", "abc"), ("Bad_Container", "ab", "a--b")),
    "name.blob": Vectors(("video/clip.mp4", "a.mp4"), ("/a", "a//b", "CON", "a.", "a<b"), emulator=False),
    "live_event.hostname_prefix": Vectors(("news-1", "x" * 32), ("news_1", "x" * 33)),
    "live_output.archive_window": Vectors(("PT1M", "PT25H", "PT8H"), ("PT59S", "PT26H", "8 hours")),
    "live_output.rewind_window": Vectors(("PT1M", "PT4H"), ("PT30S", "PT26H", "later")),
    "filter.presentation_window": Vectors(("PT60S", "PT2H"), ("PT30S", "PT59S")),
    "filter.live_backoff": Vectors(("PT0S", "PT45S", "PT300S"), ("PT301S", "PT10M")),
    "encoding.key_frame_interval": Vectors(("PT0.5S", "PT2S", "PT20S"), ("PT0.4S", "PT21S", "2s")),
    "streaming_endpoint.scale_units": Vectors((0, 10, 50), (51, -1)),
    "streaming_endpoint.max_cache_age": Vectors((0, 300), (-1, 31_536_001), emulator=False),
    "transform.built_in_preset": Vectors(("AdaptiveStreaming", "contentawareencoding"), ("H264Magic",)),
    "live_event.encoding_type": Vectors(("PassthroughStandard", "Standard"), ("Premium4K", "Pass")),
    "live_event.protocol": Vectors(("RTMP", "FragmentedMP4"), ("SRT", "HLS")),
    "transform.on_error": Vectors(("ContinueJob",), ("Retry",)),
    "transform.relative_priority": Vectors(("High",), ("Urgent",)),
    "h264.complexity": Vectors(("Speed", "Quality"), ("Max",)),
    "account.key_delivery_default_action": Vectors(("Allow", "Deny"), ("Block",)),
    "account.public_network_access": Vectors(("Enabled", "Disabled"), ("Maybe",)),
    "account.encryption_type": Vectors(("SystemKey",), ("MyKey",)),
    "account.live_event_quota": Vectors((1, 5, 20), (0, -1, True, "5"), emulator=False),
    "content_key.token_type": Vectors(("Jwt", "Swt"), ("Saml",)),
    # desired run states and client DSL choices (the service has actions, not a run-state property)
    "live_event.run_state": Vectors(("Stopped", "StandBy", "Running"), ("Paused",), emulator=False),
    "streaming_endpoint.run_state": Vectors(("Stopped", "Running"), ("StandBy",), emulator=False),
    "streaming_endpoint.cdn_provider": Vectors(("StandardVerizon",), ("Cloudflare",), emulator=False),
    "storage.sku": Vectors(("Standard_LRS",), ("Premium_LRS",), emulator=False),
    "streaming_policy.protocol": Vectors(("dash", "hls"), ("rtmp",), emulator=False),
    "streaming_policy.enabled_protocols": Vectors(
        ({"dash": True, "hls": False, "smoothStreaming": False, "download": False},),
        ({"dash": False, "hls": False, "smoothStreaming": False, "download": False},),
    ),
    "account.location": Vectors(("westeurope", "West Europe", "eastus2", "usgovvirginia"), ("mars", "europe")),
    "network.ip_range": Vectors(("10.0.0.0/8", "2001:db8::/32", "1.2.3.4", "0.0.0.0/0"), ("999.1.1.1/33", "garbage", "10.0.0.0/33")),
    "network.host_name": Vectors(("media.example.com",), ("not a host", "-a.example.com", "localhost"), emulator=False),
    "streaming_endpoint.cross_domain_policy": Vectors((XML_CROSS_DOMAIN,), ("allow all", "<foo/>")),
    "streaming_endpoint.client_access_policy": Vectors((XML_CLIENT_ACCESS,), ("<cross-domain-policy/>", "{}")),
    "content_key.symmetric_token_key": Vectors(("c2VjcmV0LWtleQ==",), ("not base64!",)),
    "arm.tags": Vectors(({"stage": "dev"}, {"k" * 512: "v" * 256}), ({"k" * 600: "v"}, {"a/b": "x"}, {"k": "v" * 257}, {f"t{i}": "v" for i in range(51)})),
    "transform.audio_language": Vectors(("en-US", "ja-JP", "de-DE"), ("xx-XX", "english")),
}  # fmt: skip
