"""Streaming policies and streaming locators (no update operation: every property is create-only)."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

import pulumi
from azure.mgmt.media import models

from .core.common import Input, Props
from .core.engine import ArmResourceProvider, Kept
from .core.progress import say
from .core.resource import MediaResource, ctor_args
from .core.spec import KEEP_ON_DELETE, EntitySpec
from .validate import rules

POLICY = EntitySpec(
    type_name="StreamingPolicy",
    ops="streaming_policies",
    model=models.StreamingPolicy,
    path=("resource_group_name", "account_name", "streaming_policy_name"),
    collections=("streamingPolicies",),
    create_only=("properties",),
    create="create",
    update=None,
)
LOCATOR_SECRETS = ("properties.contentKeys[*].value",)
LOCATOR = EntitySpec(
    type_name="StreamingLocator",
    ops="streaming_locators",
    model=models.StreamingLocator,
    path=("resource_group_name", "account_name", "streaming_locator_name"),
    collections=("streamingLocators",),
    create_only=("properties",),
    required=("properties.assetName", "properties.streamingPolicyName"),
    secrets=LOCATOR_SECRETS,
    keep_desired=LOCATOR_SECRETS,
    owner_path="properties.alternativeMediaId",
    create="create",
    update=None,
    extra_inputs=KEEP_ON_DELETE,
)


class KeptWhileLocatorsUseIt(ArmResourceProvider):
    """A policy that a streaming locator still uses (typically the locator of a recording kept on purpose)
    is kept, not deleted: deleting it would fail or break that recording's playback."""

    locator_attr: ClassVar[str]

    def _delete(self, inputs: dict[str, Any]) -> None:
        from .core import client as clientmod

        name = str(inputs.get(self.spec.name_arg))
        try:
            locators = clientmod.client().streaming_locators.list(
                inputs["resource_group_name"], inputs["account_name"]
            )
            users = sorted(loc.name for loc in locators if getattr(loc, self.locator_attr, None) == name)
        except Exception:  # noqa: BLE001 - unreadable: the normal delete decides
            users = []
        if users:
            say(f"{self._what(inputs)} is kept in the service: used by locator(s) {', '.join(users)}")
            return
        super()._delete(inputs)


class StreamingPolicyProvider(KeptWhileLocatorsUseIt):
    spec = POLICY
    locator_attr = "streaming_policy_name"

    def validate(self, inputs: dict[str, Any]) -> list[tuple[str, str]]:
        p = inputs.get("properties") or {}
        kinds = ("noEncryption", "envelopeEncryption", "commonEncryptionCenc", "commonEncryptionCbcs")
        if not any(p.get(k) for k in kinds):
            return [("properties", "a streaming policy needs one of " + ", ".join(kinds))]
        errs: list[tuple[str, str]] = []
        for k in kinds:
            if isinstance(p.get(k), dict):
                errs += rules.failures(
                    rules.ENABLED_PROTOCOLS,
                    f"properties.{k}.enabledProtocols",
                    p[k].get("enabledProtocols", {}),
                )
        return errs


def _ts(v: Any) -> datetime.datetime | None:
    if not isinstance(v, str):
        return None
    try:
        return datetime.datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        return None


class StreamingLocatorProvider(ArmResourceProvider):
    spec = LOCATOR

    def live_secret_body(self, c: Any, inputs: dict[str, Any], live: Any) -> dict[str, Any]:
        """listContentKeys, ordered like the desired keys (matched by ID): each is compared with its own."""
        keys = self.read_secret_action(
            "listContentKeys", lambda: c.streaming_locators.list_content_keys(*self._path_values(inputs))
        )
        by_id = {str(k.id).lower(): k.serialize(keep_readonly=True) for k in keys.content_keys or []}
        wanted = (inputs.get("properties") or {}).get("contentKeys") or []
        ordered = [by_id.get(str(w.get("id", "")).lower(), {}) for w in wanted if isinstance(w, dict)]
        return {"properties": {"contentKeys": ordered}}

    def validate(self, inputs: dict[str, Any]) -> list[tuple[str, str]]:
        p = inputs.get("properties") or {}
        s, e = _ts(p.get("startTime")), _ts(p.get("endTime"))
        if s and e and e <= s:
            return [
                (
                    "properties.endTime",
                    "endTime must be later than startTime (rule: streaming_locator.time_range)",
                )
            ]
        return []

    def extra_outputs(self, c: Any, inputs: dict[str, Any], live: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"streaming_locator_id": getattr(live, "streaming_locator_id", None)}
        paths = self.action_or_keep(
            lambda: c.streaming_locators.list_paths(*self._path_values(inputs)), "listPaths"
        )
        if paths is None:
            return out | {"streaming_paths": Kept([]), "download_paths": Kept([])}
        streaming = [p for sp in paths.streaming_paths or [] for p in sp.paths or []]
        return out | {"streaming_paths": streaming, "download_paths": list(paths.download_paths or [])}


class StreamingPolicy(MediaResource, module="media", name="StreamingPolicy"):
    """A streaming policy. Any property change replaces it. Outputs: name, properties."""

    _provider_cls = StreamingPolicyProvider
    _outputs = ("resource_group_name", "account_name", "streaming_policy_name", "adopt")

    name: pulumi.Output[str]
    properties: pulumi.Output[dict]

    def __init__(
        self,
        resource_name: str,
        *,
        resource_group_name: Input[str],
        account_name: Input[str],
        properties: Props,
        streaming_policy_name: Input[str] | None = None,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, ctor_args(locals()), opts)


class StreamingLocator(MediaResource, module="media", name="StreamingLocator"):
    """A streaming locator. Any property change replaces it; content key values are secrets. Outputs: name,
    properties, streaming_locator_id, streaming_paths, download_paths."""

    _provider_cls = StreamingLocatorProvider
    _outputs = (
        "resource_group_name",
        "account_name",
        "streaming_locator_name",
        "streaming_locator_id",
        "streaming_paths",
        "download_paths",
        "adopt",
        "keep_on_delete",
    )

    name: pulumi.Output[str]
    properties: pulumi.Output[dict]
    streaming_locator_id: pulumi.Output[str]
    streaming_paths: pulumi.Output[list]
    download_paths: pulumi.Output[list]

    def __init__(
        self,
        resource_name: str,
        *,
        resource_group_name: Input[str],
        account_name: Input[str],
        properties: Props,
        streaming_locator_name: Input[str] | None = None,
        keep_on_delete: bool = False,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, ctor_args(locals()), opts)
