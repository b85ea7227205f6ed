"""Media Services account (Microsoft.Media/mediaservices)."""

from __future__ import annotations

from typing import Any

import pulumi
from azure.mgmt.media import models

from .core.common import Input, Props, Tags
from .core.engine import ArmResourceProvider
from .core.resource import MediaResource, ctor_args
from .core.spec import EntitySpec

SPEC = EntitySpec(
    type_name="MediaService",
    ops="mediaservices",
    model=models.MediaService,
    path=("resource_group_name", "account_name"),
    name_rule="account",
    top_level=("location", "tags", "identity"),
    create_only=("location",),
    required=("location", "properties.storageAccounts"),
    create="begin_create_or_update",
    update="begin_create_or_update",
    delete="delete",
    lro=True,
)


class MediaServiceProvider(ArmResourceProvider):
    spec = SPEC

    def validate(self, inputs: dict[str, Any]) -> list[tuple[str, str]]:
        errs = []
        sas = (inputs.get("properties") or {}).get("storageAccounts") or []
        primaries = [s for s in sas if isinstance(s, dict) and str(s.get("type", "")).lower() == "primary"]
        if isinstance(sas, list) and sas and len(primaries) != 1:
            errs.append(
                (
                    "properties.storageAccounts",
                    f"exactly one storage account must have type 'Primary' (got {len(primaries)})",
                )
            )
        return errs


class MediaService(MediaResource, module="media", name="MediaService"):
    """A Media Services account. Outputs: name, location, tags, identity, properties."""

    _provider_cls = MediaServiceProvider
    _outputs = ("resource_group_name", "account_name", "location", "tags", "identity", "adopt")

    name: pulumi.Output[str]
    location: pulumi.Output[str]
    properties: pulumi.Output[dict]

    def __init__(
        self,
        resource_name: str,
        *,
        resource_group_name: Input[str],
        location: Input[str],
        properties: Props,
        account_name: Input[str] | None = None,
        tags: Tags = None,
        identity: Props = None,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, ctor_args(locals()), opts)
