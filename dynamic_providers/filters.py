"""Asset filters and account filters."""

from __future__ import annotations

from typing import Any

import pulumi
from azure.mgmt.media import models

from .core.common import Input, Props
from .core.engine import ArmResourceProvider
from .core.resource import MediaResource, ctor_args
from .core.spec import KEEP_ON_DELETE, EntitySpec
from .validate import rules

ASSET_FILTER = EntitySpec(
    type_name="AssetFilter",
    ops="asset_filters",
    model=models.AssetFilter,
    path=("resource_group_name", "account_name", "asset_name", "filter_name"),
    collections=("assets", "assetFilters"),
    extra_inputs=KEEP_ON_DELETE,
)
ACCOUNT_FILTER = EntitySpec(
    type_name="AccountFilter",
    ops="account_filters",
    model=models.AccountFilter,
    path=("resource_group_name", "account_name", "filter_name"),
    collections=("accountFilters",),
)


def _filter_rules(inputs: dict[str, Any]) -> list[tuple[str, str]]:
    key = "properties.presentationTimeRange"
    ptr = (inputs.get("properties") or {}).get("presentationTimeRange") or {}
    return [
        (f"{key}.{k}", f"{key}.{k}: {msg} (rule: {rule})")
        for k, rule, msg in rules.filter_window_problems(ptr)
    ]


class AssetFilterProvider(ArmResourceProvider):
    spec = ASSET_FILTER

    def validate(self, inputs: dict[str, Any]) -> list[tuple[str, str]]:
        return _filter_rules(inputs)


class AccountFilterProvider(ArmResourceProvider):
    spec = ACCOUNT_FILTER

    def validate(self, inputs: dict[str, Any]) -> list[tuple[str, str]]:
        return _filter_rules(inputs)


class AssetFilter(MediaResource, module="media", name="AssetFilter"):
    """A dynamic-manifest filter on one asset. Outputs: name, properties."""

    _provider_cls = AssetFilterProvider
    _outputs = ("resource_group_name", "account_name", "asset_name", "filter_name", "adopt", "keep_on_delete")

    name: pulumi.Output[str]
    properties: pulumi.Output[dict]

    def __init__(
        self,
        resource_name: str,
        *,
        resource_group_name: Input[str],
        account_name: Input[str],
        asset_name: Input[str],
        properties: Props = None,
        filter_name: Input[str] | None = None,
        keep_on_delete: bool = False,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, ctor_args(locals()), opts)


class AccountFilter(MediaResource, module="media", name="AccountFilter"):
    """A dynamic-manifest filter for the whole account. Outputs: name, properties."""

    _provider_cls = AccountFilterProvider
    _outputs = ("resource_group_name", "account_name", "filter_name", "adopt")

    name: pulumi.Output[str]
    properties: pulumi.Output[dict]

    def __init__(
        self,
        resource_name: str,
        *,
        resource_group_name: Input[str],
        account_name: Input[str],
        properties: Props = None,
        filter_name: Input[str] | None = None,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, ctor_args(locals()), opts)
