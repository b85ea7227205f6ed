"""Media Services account (Microsoft.Media/mediaservices).

Safe destroy: deleting the account (destroy or replacement) deletes everything in it, so it is refused while
the account still holds entities (the stack's own are deleted before the account), listing them, unless
``allow_deletion_with_contents=True`` (like azurerm's ``prevent_deletion_if_contains_resources=false``)."""

from __future__ import annotations

from typing import Any

import pulumi
from azure.mgmt.media import models

from .core.common import Input, Props, Tags
from .core.contents import account_contents, describe
from .core.engine import ArmResourceProvider
from .core.errors import MediaError
from .core.ownership import OWNER_TAG
from .core.resource import MediaResource, ctor_args
from .core.spec import EntitySpec

ALLOW_DELETION = "allow_deletion_with_contents"

SPEC = EntitySpec(
    type_name="MediaService",
    ops="mediaservices",
    model=models.MediaService,
    path=("resource_group_name", "account_name"),
    name_rule="account",
    top_level=("location", "tags", "identity"),
    create_only=("location",),
    required=("location", "properties.storageAccounts"),
    extra_inputs=(ALLOW_DELETION,),
    owner_path=OWNER_TAG,
    create="begin_create_or_update",
    update="begin_create_or_update",
    delete="delete",
    lro=True,
)


class MediaServiceProvider(ArmResourceProvider):
    """Replacing an account deletes it with every entity inside (transforms, assets, archives, live
    events), so a change that forces replacement (location, name) fails at preview unless
    ``allow_replace`` is set."""

    spec = SPEC

    def changed_keys(self, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
        return [k for k in super().changed_keys(old, new) if k != "allow_replace"]

    def _diff(self, olds: dict[str, Any], news: dict[str, Any]) -> Any:
        result = super()._diff(olds, news)
        if result.replaces and not news.get("allow_replace"):
            old = self._inputs_from_outs(olds)
            what = ", ".join(f"{k} {old.get(k)!r} -> {news.get(k)!r}" for k in result.replaces)
            raise MediaError(
                f"MediaService '{old.get('account_name')}': {what} would replace the account and delete "
                "everything in it; nothing was changed. To allow it set allow_replace=True (stage config: "
                "environment.account.allowReplace: true) (rule: account.replace)"
            )
        return result

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

    def _check(self, news: dict[str, Any]) -> Any:
        news = dict(news)
        if not news.get(ALLOW_DELETION):
            news.pop(ALLOW_DELETION, None)  # absent = refuse (the default), so older state shows no change
        return super()._check(news)

    def before_delete(self, c: Any, inputs: dict[str, Any], live: Any) -> None:
        if inputs.get(ALLOW_DELETION):
            return
        rg, name = inputs["resource_group_name"], inputs["account_name"]
        left = [e for e in account_contents(c, rg, name).entities if not e.builtin]
        if left:
            raise MediaError(
                f"refusing to delete account '{name}': it still holds {len(left)} entit"
                f"{'y' if len(left) == 1 else 'ies'} this stack does not manage: {describe(left)}. "
                "Delete or adopt them, or set allowDeletionWithContents: true on the account in the stage "
                f"config (raw resource: {ALLOW_DELETION}=True) and run up first"
            )


class MediaService(MediaResource, module="media", name="MediaService"):
    """A Media Services account. Outputs: name, location, tags, identity, properties. ``allow_replace``
    permits changes that replace the account (otherwise they fail at preview)."""

    _provider_cls = MediaServiceProvider
    _outputs = (
        "resource_group_name",
        "account_name",
        "location",
        "tags",
        "identity",
        "adopt",
        ALLOW_DELETION,
    )

    name: pulumi.Output[str]
    location: pulumi.Output[str]
    properties: pulumi.Output[dict]

    def __init__(
        self,
        resource_name: str,
        *,
        resource_group_name: Input[str],
        location: Input[str] | None = None,  # default: azure-native:location
        properties: Props,
        account_name: Input[str] | None = None,
        tags: Tags = None,
        identity: Props = None,
        allow_deletion_with_contents: bool = False,
        allow_replace: bool = False,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, ctor_args(locals()), opts)
