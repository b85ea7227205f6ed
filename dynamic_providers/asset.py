"""Asset (Microsoft.Media/mediaservices/assets). container and storageAccountName are create-only."""

from __future__ import annotations

from typing import Any

import pulumi
from azure.mgmt.media import models

from .core.common import Input, Props
from .core.engine import ArmResourceProvider
from .core.resource import MediaResource, ctor_args
from .core.spec import KEEP_ON_DELETE, EntitySpec
from .validate import check_container_name

SPEC = EntitySpec(
    type_name="Asset",
    ops="assets",
    model=models.Asset,
    path=("resource_group_name", "account_name", "asset_name"),
    collections=("assets",),
    create_only=("properties.container", "properties.storageAccountName"),
    owner_path="properties.alternateId",
    extra_inputs=KEEP_ON_DELETE,
)


class AssetProvider(ArmResourceProvider):
    spec = SPEC

    def validate(self, inputs: dict[str, Any]) -> list[tuple[str, str]]:
        cont = (inputs.get("properties") or {}).get("container")
        if cont is not None:
            err = check_container_name(cont)
            if err:
                return [
                    ("properties.container", f"properties.container {cont!r} {err} (rule: name.container)")
                ]
        return []

    def extra_outputs(self, c: Any, inputs: dict[str, Any], live: Any) -> dict[str, Any]:
        return {"container": getattr(live, "container", None), "asset_id": getattr(live, "asset_id", None)}


class Asset(MediaResource, module="media", name="Asset"):
    """An asset. Outputs: name, properties, container (storage container), asset_id."""

    _provider_cls = AssetProvider
    _outputs = (
        "resource_group_name",
        "account_name",
        "asset_name",
        "container",
        "asset_id",
        "adopt",
        "keep_on_delete",
    )

    name: pulumi.Output[str]
    properties: pulumi.Output[dict]
    container: pulumi.Output[str]
    asset_id: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        resource_group_name: Input[str],
        account_name: Input[str],
        properties: Props = None,
        asset_name: Input[str] | None = None,
        keep_on_delete: bool = False,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, ctor_args(locals()), opts)
