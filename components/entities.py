"""AccountEntities: entities declared as raw ARM bodies (the stage config's ``entities``, as
``python -m explorer export`` writes them for an existing account), registered with the raw providers.

Each keeps its properties exactly as given, so adopting an account exported this way changes nothing;
secret leaves come from config keys (``secrets``: property path -> key) and are wrapped as secrets."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, get_args

import pulumi

from components._base import TYPE_PREFIX, child_opts
from components.config import RawEntityConfig, RawKind

# Creation order (what an entity's properties refer to comes first): the schema lists kinds in it.
ORDER: tuple[str, ...] = get_args(RawKind)
# kind -> (provider class name, own-name argument, parent-name argument)
CLASSES: dict[str, tuple[str, str, str | None]] = {
    "Asset": ("Asset", "asset_name", None),
    "AccountFilter": ("AccountFilter", "filter_name", None),
    "Transform": ("Transform", "transform_name", None),
    "ContentKeyPolicy": ("ContentKeyPolicy", "content_key_policy_name", None),
    "StreamingPolicy": ("StreamingPolicy", "streaming_policy_name", None),
    "StreamingEndpoint": ("StreamingEndpoint", "streaming_endpoint_name", None),
    "LiveEvent": ("LiveEvent", "live_event_name", None),
    "LiveOutput": ("LiveOutput", "live_output_name", "live_event_name"),
    "AssetFilter": ("AssetFilter", "filter_name", "asset_name"),
    "StreamingLocator": ("StreamingLocator", "streaming_locator_name", None),
}
# property that names another entity -> that entity's kind (for dependencies)
REFERENCES = {
    "assetName": "Asset",
    "streamingPolicyName": "StreamingPolicy",
    "defaultContentKeyPolicyName": "ContentKeyPolicy",
}


def set_path(obj: Any, path: str, value: Any) -> None:
    """Set ``a.b[0].c`` inside nested dicts/lists (creating dicts on the way)."""
    parts = [p for p in re.split(r"\.|(\[\d+\])", path) if p]
    cur = obj
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        key: Any = int(part[1:-1]) if part.startswith("[") else part
        if last:
            cur[key] = value
        else:
            if isinstance(key, str) and key not in cur:
                cur[key] = {}
            cur = cur[key]


@dataclass(frozen=True)
class AccountEntitiesArgs:
    resource_group_name: pulumi.Input[str]
    account_name: pulumi.Input[str]
    entities: Sequence[RawEntityConfig]
    secrets: Callable[[str], pulumi.Input[str]]
    adopt: bool = False


class AccountEntities(pulumi.ComponentResource):
    """Outputs: ``resources`` (``Kind/parent/name`` -> resource)."""

    def __init__(
        self, name: str, args: AccountEntitiesArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(f"{TYPE_PREFIX}:AccountEntities", name, None, opts)
        import dynamic_providers as dp

        self.resources: dict[str, Any] = {}
        by_name: dict[tuple[str, str], Any] = {}
        for ent in sorted(args.entities, key=lambda e: ORDER.index(e.kind)):
            cls_name, own_arg, parent_arg = CLASSES[ent.kind]
            props = copy.deepcopy(ent.properties)
            for path, key in ent.secrets.items():
                set_path(props, path, pulumi.Output.secret(args.secrets(key)))
            kwargs: dict[str, Any] = {
                "resource_group_name": args.resource_group_name,
                "account_name": args.account_name,
                own_arg: ent.name,
                "properties": props,
                "adopt": args.adopt,
            }
            deps = [
                by_name[(kind, str(props[ref]).lower())]
                for ref, kind in REFERENCES.items()
                if isinstance(props.get(ref), str) and (kind, str(props[ref]).lower()) in by_name
            ]
            if parent_arg:
                kwargs[parent_arg] = ent.parent
                parent_kind = "LiveEvent" if ent.kind == "LiveOutput" else "Asset"
                if (parent_kind, str(ent.parent).lower()) in by_name:
                    deps.append(by_name[(parent_kind, str(ent.parent).lower())])
            for key in ("location", "tags", "run_state", "scale_units"):
                if getattr(ent, key) is not None:
                    kwargs[key] = getattr(ent, key)
            label = "-".join(x for x in (ent.kind.lower(), ent.parent, ent.name) if x)
            res = getattr(dp, cls_name)(f"{name}-{label}", **kwargs, opts=child_opts(self, depends_on=deps))
            self.resources["/".join(x for x in (ent.kind, ent.parent, ent.name) if x)] = res
            by_name[(ent.kind, ent.name.lower())] = res
        self.register_outputs({})
