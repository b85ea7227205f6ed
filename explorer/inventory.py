"""The account inventory: every entity, its state, which stack resource manages it (or none), what costs
money now; and the unmanaged-entity check built on it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from components.config import IgnoreRule
from dynamic_providers.core.contents import Contents, Entity, account_contents

from .stack import StackState


@dataclass
class Row:
    account: str
    entity: Entity
    managed_by: str | None
    ignored: bool = False

    @property
    def unmanaged(self) -> bool:
        return self.managed_by is None and not self.entity.builtin

    def as_dict(self) -> dict[str, Any]:
        e = self.entity
        return {
            "account": self.account,
            **e.as_dict(),
            "managedBy": self.managed_by,
            "unmanaged": self.unmanaged,
            "ignored": self.ignored,
            "costsMoney": bool(e.billing),
        }


@dataclass
class Inventory:
    rows: list[Row] = field(default_factory=list)
    pages: dict[str, dict[str, int]] = field(default_factory=dict)
    """Per account: pages read per collection."""
    truncated: dict[str, list[str]] = field(default_factory=dict)

    @property
    def unmanaged(self) -> list[Row]:
        return [r for r in self.rows if r.unmanaged and not r.ignored]

    @property
    def ignored(self) -> list[Row]:
        return [r for r in self.rows if r.unmanaged and r.ignored]

    @property
    def billing(self) -> list[Row]:
        return [r for r in self.rows if r.entity.billing]

    def as_dict(self) -> dict[str, Any]:
        return {
            "entities": [r.as_dict() for r in self.rows],
            "unmanaged": [r.as_dict() for r in self.unmanaged],
            "costsMoneyNow": [r.as_dict() for r in self.billing],
            "pages": self.pages,
            "truncated": self.truncated,
        }


def matches(rule: IgnoreRule, e: Entity) -> bool:
    return rule.kind.lower() == e.kind.lower() and e.name.lower().startswith(rule.name_prefix.lower())


def take_inventory(
    client: Any,
    accounts: Iterable[tuple[str, str]],
    state: StackState | None = None,
    ignore: Sequence[IgnoreRule] = (),
    *,
    jobs: str = "all",
    max_assets: int | None = None,
) -> Inventory:
    inv = Inventory()
    for rg, name in accounts:
        contents: Contents = account_contents(client, rg, name, jobs=jobs, max_assets=max_assets)
        inv.pages[name] = dict(contents.pages)
        if contents.truncated:
            inv.truncated[name] = contents.truncated
        for e in contents.entities:
            manager = state.manager(e.id) if state else None
            inv.rows.append(Row(name, e, manager, ignored=any(matches(r, e) for r in ignore)))
    return inv


def _short_urn(urn: str | None) -> str:
    return urn.rsplit("::", 1)[-1] if urn else ""


def table(rows: Sequence[Row]) -> str:
    """A fixed-width table for people."""
    head = ("ACCOUNT", "KIND", "NAME", "STATE", "MANAGED BY", "COSTS NOW")
    lines = [head]
    for r in rows:
        managed = _short_urn(r.managed_by) or (
            "(built-in)" if r.entity.builtin else "(ignored: unmanaged)" if r.ignored else "UNMANAGED"
        )
        lines.append((r.account, r.entity.kind, r.entity.path, r.entity.state, managed, r.entity.billing))
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
    return "\n".join(
        "  ".join(str(v).ljust(w) for v, w in zip(line, widths, strict=True)).rstrip() for line in lines
    )
