"""The synchronous entities (metadata, encoding, protection) and the rules they share (no HTTP): quota,
create-only, patchable properties, ARM decoration and times, and each kind's hooks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import ArmError
from ..kinds import KINDS
from ..service import Service
from .common import decorate, deep_merge, stamp_times

# (service, account id, resource id, body, stored body or None): fill server-side properties, validate
Prepare = Callable[[Service, str, str, dict[str, Any], dict[str, Any] | None], None]
Check = Callable[[Service, str, dict[str, Any]], None]  # (service, account id, stored body)
View = Callable[[Service, dict[str, Any]], dict[str, Any]]  # the stored body as the service answers it


@dataclass(frozen=True)
class Entity:
    kind: str
    updatable: bool = True  # False: the service has no PATCH operation for it
    create_only: bool = False  # an existing resource cannot be replaced (an identical PUT changes nothing)
    limit: int | None = None  # resources per parent
    prepare: Prepare | None = None
    before_delete: Check | None = None
    after_delete: Check | None = None
    view: View | None = None
    patchable: tuple[str, ...] | None = None  # properties a PATCH may change (None: all)

    @property
    def model(self) -> str:
        """The request model (validation.py) of its PUT and PATCH bodies."""
        return KINDS[self.kind].model

    def show(self, svc: Service, body: dict[str, Any]) -> dict[str, Any]:
        return self.view(svc, body) if self.view else body

    def put(
        self,
        svc: Service,
        account_rid: str,
        parent_rid: str,
        rid: str,
        name: str,
        existing: dict[str, Any] | None,
        body: dict[str, Any],
        principal: str,
    ) -> tuple[dict[str, Any], bool]:
        """Create or replace ``name``: (the body as answered, whether the answer is a creation)."""
        if existing is not None and self.create_only:
            sent = body.get("properties", {})
            if {k: v for k, v in existing.get("properties", {}).items() if k in sent} == sent:
                return self.show(svc, existing), True
            raise ArmError(
                409,
                "ResourceAlreadyExists",
                f"A resource named '{name}' already exists and cannot be updated.",
            )
        if (
            existing is None
            and self.limit is not None
            and len(svc.store.children(parent_rid, self.kind)) >= self.limit
        ):
            raise ArmError(
                400,
                "QuotaExceeded",
                f"The maximum of {self.limit} {self.kind} resources has been reached.",
            )
        self._complete(svc, account_rid, rid, body, existing, principal)
        svc.store.put(rid, self.kind, parent_rid, body)
        return self.show(svc, body), existing is None

    def update(
        self,
        svc: Service,
        account_rid: str,
        rid: str,
        existing: dict[str, Any],
        patch: dict[str, Any],
        principal: str,
    ) -> dict[str, Any]:
        """Merge ``patch`` into the stored resource; returns the body as answered."""
        if self.patchable is not None:
            # Repeating what is stored (a client sends back the whole resource) changes nothing.
            had = existing.get("properties", {})
            bad = [
                k
                for k, v in patch.get("properties", {}).items()
                if k not in self.patchable and deep_merge({"v": had.get(k)}, {"v": v}) != {"v": had.get(k)}
            ]
            if bad:
                raise ArmError(
                    400,
                    "BadRequest",
                    f"Only {', '.join(self.patchable)} can be updated; cannot change {', '.join(bad)}.",
                )
        merged = deep_merge(existing, patch)
        self._complete(svc, account_rid, rid, merged, existing, principal)
        svc.store.replace_body(rid, merged)
        return self.show(svc, merged)

    def delete(self, svc: Service, account_rid: str, rid: str, body: dict[str, Any]) -> None:
        if self.before_delete:
            self.before_delete(svc, account_rid, body)
        svc.store.delete(rid)
        if self.after_delete:
            self.after_delete(svc, account_rid, body)

    def _complete(
        self,
        svc: Service,
        account_rid: str,
        rid: str,
        body: dict[str, Any],
        existing: dict[str, Any] | None,
        principal: str,
    ) -> None:
        decorate(self.kind, rid, body, principal, existing)
        stamp_times(body, existing, self.model)
        if self.prepare:
            self.prepare(svc, account_rid, rid, body, existing)
