"""EncodingTransforms: transforms from built-in presets and custom H.264 ladders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi

from components._base import TYPE_PREFIX, child_opts
from components.config import TransformConfig
from components.presets import transform_properties


@dataclass(frozen=True)
class EncodingTransformsArgs:
    """``transforms``: each a `TransformConfig` (name, description, outputs). Every output sets exactly
    one preset: ``built_in_preset``, ``h264_ladder`` (rungs in descending bitrate) or
    ``audio_analyzer``; the config models reject violations when they are built."""

    resource_group_name: pulumi.Input[str]
    account_name: pulumi.Input[str]
    transforms: Sequence[TransformConfig]
    adopt: bool = False
    """Take over entities that already exist (bring an existing account under code)."""


class EncodingTransforms(pulumi.ComponentResource):
    """Outputs: ``transform_names`` (list) and ``transforms`` (name -> Transform resource)."""

    transform_names: pulumi.Output[list[str]]

    def __init__(
        self, name: str, args: EncodingTransformsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(f"{TYPE_PREFIX}:EncodingTransforms", name, None, opts)
        from dynamic_providers import Transform

        # The configs were validated by the schema (StageConfig checks name uniqueness across transforms).
        bodies = {t.name: transform_properties(t.outputs, t.description) for t in args.transforms}
        self.transforms = {
            t.name: Transform(
                f"{name}-{t.name}",
                resource_group_name=args.resource_group_name,
                account_name=args.account_name,
                transform_name=t.name,
                properties=bodies[t.name],
                adopt=args.adopt,
                opts=child_opts(self),
            )
            for t in args.transforms
        }
        self.transform_names = pulumi.Output.all(*[t.name for t in self.transforms.values()])
        self.register_outputs({"transform_names": self.transform_names})
