"""Transform (Microsoft.Media/mediaservices/transforms)."""

from __future__ import annotations

from typing import Any

import pulumi
from azure.mgmt.media import models

from .core.common import Input, Props
from .core.engine import ArmResourceProvider
from .core.resource import MediaResource, ctor_args
from .core.spec import EntitySpec
from .validate import rules

SPEC = EntitySpec(
    type_name="Transform",
    ops="transforms",
    model=models.Transform,
    path=("resource_group_name", "account_name", "transform_name"),
    collections=("transforms",),
    required=("properties.outputs",),
    owner_path="properties.description",
)


class TransformProvider(ArmResourceProvider):
    spec = SPEC

    def validate(self, inputs: dict[str, Any]) -> list[tuple[str, str]]:
        errs = []
        for i, o in enumerate((inputs.get("properties") or {}).get("outputs") or []):
            if (
                not isinstance(o, dict)
                or not isinstance(o.get("preset"), dict)
                or not o["preset"].get("@odata.type")
            ):
                errs.append(
                    (f"properties.outputs[{i}].preset", "each output needs a preset with an '@odata.type'")
                )
            elif str(o["preset"]["@odata.type"]).endswith("AudioAnalyzerPreset"):
                key = f"properties.outputs[{i}].preset.audioLanguage"
                errs += rules.failures(rules.AUDIO_LANGUAGE, key, o["preset"].get("audioLanguage"))
        return errs


class Transform(MediaResource, module="media", name="Transform"):
    """A transform (encoding/analysis recipe). Outputs: name, properties."""

    _provider_cls = TransformProvider
    _outputs = ("resource_group_name", "account_name", "transform_name", "adopt")

    name: pulumi.Output[str]
    properties: pulumi.Output[dict]

    def __init__(
        self,
        resource_name: str,
        *,
        resource_group_name: Input[str],
        account_name: Input[str],
        properties: Props,
        transform_name: Input[str] | None = None,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, ctor_args(locals()), opts)
