"""StreamingEndpoint: an origin with scale units, CDN, access control and a desired run state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi

from components._base import TYPE_PREFIX, child_opts, ip_allow, without_none
from components.config import DEFAULT_ENDPOINT, StreamingEndpointConfig


@dataclass(frozen=True)
class StreamingEndpointArgs:
    """``endpoint``: name (≤24), ``scale_units`` (0 = Standard, >0 = Premium), ``cdn`` (provider/profile;
    excludes ``ip_allow_list`` and ``custom_host_names``), ``cross_site``, ``max_cache_age`` and
    ``run_state`` (Running/Stopped, reconciled by the provider)."""

    resource_group_name: pulumi.Input[str]
    account_name: pulumi.Input[str]
    location: pulumi.Input[str]
    endpoint: StreamingEndpointConfig
    tags: Mapping[str, str] = field(default_factory=dict)
    adopt: bool = False
    """Take over entities that already exist (bring an existing account under code)."""
    interruptions: str = "warn"
    """"refuse": a change that stops the running endpoint (Standard<->Premium, CDN, Stopped, replacement)
    fails at preview instead of warning."""


def endpoint_properties(e: StreamingEndpointConfig) -> dict[str, Any]:
    props: dict[str, Any] = {
        "description": e.description,
        "cdnEnabled": e.cdn is not None,
        "maxCacheAge": e.max_cache_age,
    }
    if e.cdn is not None:
        props["cdnProvider"] = e.cdn.provider
        props["cdnProfile"] = e.cdn.profile
    if e.ip_allow_list is not None:
        props["accessControl"] = {"ip": {"allow": ip_allow(e.ip_allow_list)}}
    if e.custom_host_names:
        props["customHostNames"] = list(e.custom_host_names)
    if e.cross_site is not None:
        props["crossSiteAccessPolicies"] = without_none(
            {
                "clientAccessPolicy": e.cross_site.client_access_policy,
                "crossDomainPolicy": e.cross_site.cross_domain_policy,
            }
        )
    return without_none(props)


class StreamingEndpoint(pulumi.ComponentResource):
    """Outputs: ``host_name``, ``endpoint_name``."""

    host_name: pulumi.Output[str]
    endpoint_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: StreamingEndpointArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(f"{TYPE_PREFIX}:StreamingEndpoint", name, None, opts)
        from dynamic_providers import StreamingEndpoint as StreamingEndpointResource

        e = args.endpoint
        self.endpoint = StreamingEndpointResource(
            f"{name}-endpoint",
            resource_group_name=args.resource_group_name,
            account_name=args.account_name,
            streaming_endpoint_name=e.name,
            location=args.location,
            tags=dict(args.tags),
            properties=endpoint_properties(e),
            scale_units=e.scale_units,
            run_state=e.run_state,
            interruptions=args.interruptions,
            # every account is created with a "default" endpoint: manage it instead of creating it
            adopt=args.adopt or e.name.lower() == DEFAULT_ENDPOINT,
            opts=child_opts(self),
        )
        self.host_name = self.endpoint.host_name
        self.endpoint_name = self.endpoint.name
        self.register_outputs({"host_name": self.host_name, "endpoint_name": self.endpoint_name})
