"""Declarative description of one Microsoft.Media entity."""

from __future__ import annotations

from dataclasses import dataclass

KEEP_ON_DELETE = ("keep_on_delete",)
"""Extra input of entities that hold recordings or their playback: when true, delete only forgets them."""


@dataclass(frozen=True)
class EntitySpec:
    type_name: str
    """Display name, e.g. "LiveEvent"."""
    ops: str
    """Attribute of AzureMediaServices holding the operations group, e.g. "live_events"."""
    model: type | None
    """SDK model (normalizes the ARM REST body: from_dict -> serialize)."""
    path: tuple[str, ...]
    """Input names forming the ARM path, in SDK positional order; the last one is the entity's own name."""
    collections: tuple[str, ...] = ()
    """ARM collection of each path element after the account, e.g. ("assets", "assetFilters")."""
    name_rule: str = "general"
    parent_rules: tuple[tuple[str, str], ...] = (("resource_group_name", "resource_group"),)
    top_level: tuple[str, ...] = ()
    """ARM fields besides `properties` (location, tags, identity)."""
    create_only: tuple[str, ...] = ()
    """Dotted input paths whose change forces replacement ("properties" = every property)."""
    keep_desired: tuple[str, ...] = ()
    """Input paths the service never returns (secrets, write-only): refresh keeps the desired value."""
    secrets: tuple[str, ...] = ()
    """Input/output paths holding secrets ([*] = every list item)."""
    required: tuple[str, ...] = ()
    """Required dotted input paths."""
    extra_inputs: tuple[str, ...] = ()
    """Non-body inputs that are diffed (run_state, scale_units, files...)."""
    replace_extra: tuple[str, ...] = ()
    """Extra inputs whose change forces replacement."""
    owner_path: str | None = None
    """Where bodies carry the ownership marker (core/ownership.py): "tags.pulumi-owner" or a free-text field
    the service keeps; None = the entity has no such field (taken back only when it matches exactly)."""
    get: str = "get"
    create: str = "create_or_update"
    update: str | None = "create_or_update"
    delete: str = "delete"
    lro: bool = False
    has_properties: bool = True

    @property
    def name_arg(self) -> str:
        return self.path[-1]

    @property
    def parents(self) -> tuple[str, ...]:
        return self.path[:-1]
