"""ContentProtection: content key policies (PlayReady, Widevine, FairPlay, ClearKey), streaming policies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi

from components._base import TYPE_PREFIX, child_opts
from components.config import ContentKeyPolicyConfig, StreamingPolicyConfig
from components.presets import key_policy_option, streaming_policy_properties


@dataclass(frozen=True)
class ContentProtectionArgs:
    """``content_key_policies`` / ``streaming_policies``: typed policy configs. ``secrets`` maps the config
    key names the policies reference (token keys, FairPlay ASK/PFX/password) to their values; every value
    is wrapped with ``Output.secret`` before it reaches a resource."""

    resource_group_name: pulumi.Input[str]
    account_name: pulumi.Input[str]
    content_key_policies: Sequence[ContentKeyPolicyConfig] = ()
    streaming_policies: Sequence[StreamingPolicyConfig] = ()
    secrets: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    adopt: bool = False
    """Take over entities that already exist (bring an existing account under code)."""


class ContentProtection(pulumi.ComponentResource):
    """Outputs: ``content_key_policy_names`` and ``streaming_policy_names`` (config name -> deployed name
    Output, usable as dependencies by locators)."""

    content_key_policy_names: dict[str, pulumi.Output[str]]
    streaming_policy_names: dict[str, pulumi.Output[str]]

    def __init__(
        self, name: str, args: ContentProtectionArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(f"{TYPE_PREFIX}:ContentProtection", name, None, opts)
        from dynamic_providers import ContentKeyPolicy, StreamingPolicy

        def secret(key: str | None) -> Any:
            if not key or key not in args.secrets:
                raise ValueError(f"content protection: secret config key {key!r} was not provided")
            return pulumi.Output.secret(args.secrets[key])

        self.content_key_policies: dict[str, Any] = {}
        drms: dict[str, list[str]] = {}
        for pol in args.content_key_policies:
            options = []
            for opt in pol.options:
                fairplay = None
                if opt.fair_play is not None:
                    fairplay = {
                        "ask": secret(opt.fair_play.ask_secret),
                        "fairPlayPfx": secret(opt.fair_play.pfx_secret),
                        "fairPlayPfxPassword": secret(opt.fair_play.pfx_password_secret),
                    }
                token_key = secret(opt.token.key_secret) if opt.token else None
                options.append(key_policy_option(opt, token_key, fairplay))
            drms[pol.name] = [o.drm for o in pol.options]
            props: dict[str, Any] = {"options": options}
            if pol.description:
                props["description"] = pol.description
            self.content_key_policies[pol.name] = ContentKeyPolicy(
                f"{name}-ckp-{pol.name}",
                resource_group_name=args.resource_group_name,
                account_name=args.account_name,
                content_key_policy_name=pol.name,
                properties=props,
                adopt=args.adopt,
                opts=child_opts(self),
            )
        self.streaming_policies: dict[str, Any] = {}
        for sp in args.streaming_policies:
            body = streaming_policy_properties(sp, drms.get(sp.content_key_policy or "", ()))
            if sp.content_key_policy:
                # ContentProtectionConfig checked the reference; use the deployed name so the policy
                # is created after its key policy
                body["defaultContentKeyPolicyName"] = self.content_key_policies[sp.content_key_policy].name
            self.streaming_policies[sp.name] = StreamingPolicy(
                f"{name}-sp-{sp.name}",
                resource_group_name=args.resource_group_name,
                account_name=args.account_name,
                streaming_policy_name=sp.name,
                properties=body,
                adopt=args.adopt,
                opts=child_opts(self),
            )
        self.content_key_policy_names = {k: v.name for k, v in self.content_key_policies.items()}
        self.streaming_policy_names = {k: v.name for k, v in self.streaming_policies.items()}
        self.register_outputs(
            {
                "content_key_policy_names": self.content_key_policy_names,
                "streaming_policy_names": self.streaming_policy_names,
            }
        )
