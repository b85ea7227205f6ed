"""Generic synchronous CRUD for the Metadata and Encoding entities."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import naming, validation
from ..app import Ctx, Response
from ..errors import ArmError
from ..models.common import decorate, deep_merge, stamp_times

Hook = Callable[[Ctx, str, dict[str, Any], dict[str, Any] | None], None]
View = Callable[[Ctx, dict[str, Any]], dict[str, Any]]


def get_item(ctx: Ctx, kind: str, show: View | None = None) -> Response:
    """GET of one entity of `kind` at the request path: 200 with its body, else 404."""
    _, body = ctx.resolve(kind)
    if body is None:
        raise ctx.not_found(kind)
    return 200, {}, show(ctx, body) if show else body


def list_children(ctx: Ctx, kind: str, show: View | None = None) -> Response:
    """A paged list of the `kind` children of the request's parent (OData where the service has it)."""
    from ..odata import FILTERS

    parent_rid, _ = ctx.parent_of(kind)
    items = ctx.store.children(parent_rid, kind)
    if show:
        items = [show(ctx, b) for b in items]
    return ctx.app.page(ctx, items, kind if kind in FILTERS else None)


@dataclass
class Entity:
    kind: str
    model: str
    update_model: str | None = None  # None: no PATCH operation
    create_only: bool = False  # PUT answers 201 only; an existing resource cannot be replaced
    limit: int | None = None
    prepare: Hook | None = None  # fill server-side properties / validate (body, existing)
    after_delete: Callable[[Ctx, dict[str, Any]], None] | None = None
    before_delete: Callable[[Ctx, dict[str, Any]], None] | None = None
    view: View | None = None
    patchable: tuple[str, ...] | None = None  # properties a PATCH may change (None: all)
    created_status: int = 201  # content key policies answer 200 on create (Azure CLI recordings)

    def show(self, ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
        return self.view(ctx, body) if self.view else body

    # ---- handlers --------------------------------------------------------------------------
    def put(self, ctx: Ctx) -> Response:
        name = ctx.params[self.kind]
        naming.check(self.kind, name)
        parent_rid, _ = ctx.parent_of(self.kind)
        rid, existing = ctx.resolve(self.kind)
        body = validation.parse(self.model, ctx.json())
        if existing is not None and self.create_only:
            comparable = {
                k: v for k, v in existing.get("properties", {}).items() if k in body.get("properties", {})
            }
            if comparable == body.get("properties", {}):
                return 201, {}, self.show(ctx, existing)
            raise ArmError(
                409,
                "ResourceAlreadyExists",
                f"A resource named '{name}' already exists and cannot be updated.",
            )
        if (
            existing is None
            and self.limit is not None
            and (len(ctx.store.children(parent_rid, self.kind)) >= self.limit)
        ):
            raise ArmError(
                400,
                "QuotaExceeded",
                f"The maximum of {self.limit} {self.kind} resources has been reached.",
            )
        decorate(self.kind, rid, body, ctx.principal, existing)
        stamp_times(body, existing, self.model)
        if self.prepare:
            self.prepare(ctx, rid, body, existing)
        ctx.store.put(rid, self.kind, parent_rid, body)
        return (200 if existing is not None else self.created_status), {}, self.show(ctx, body)

    def patch(self, ctx: Ctx) -> Response:
        rid, existing = ctx.resolve(self.kind)
        if existing is None:
            raise ctx.not_found(self.kind)
        assert self.update_model
        patch = validation.parse(self.update_model, ctx.json(), partial=True)
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
        decorate(self.kind, rid, merged, ctx.principal, existing)
        stamp_times(merged, existing, self.model)
        if self.prepare:
            self.prepare(ctx, rid, merged, existing)
        ctx.store.replace_body(rid, merged)
        return 200, {}, self.show(ctx, merged)

    def get(self, ctx: Ctx) -> Response:
        return get_item(ctx, self.kind, self.view)

    def list_items(self, ctx: Ctx) -> Response:
        return list_children(ctx, self.kind, self.view)

    def delete(self, ctx: Ctx) -> Response:
        ctx.parent_of(self.kind)
        rid, body = ctx.resolve(self.kind)
        if body is None:
            return 204, {}, None
        if self.before_delete:
            self.before_delete(ctx, body)
        ctx.store.delete(rid)
        if self.after_delete:
            self.after_delete(ctx, body)
        return 200, {}, None

    def routes(self, collection_path: str, api: str) -> list[tuple[str, str, Any, str]]:
        item = collection_path + "/{" + self.kind + "}"
        out: list[tuple[str, str, Any, str]] = [
            ("GET", collection_path, self.list_items, api),
            ("GET", item, self.get, api),
            ("PUT", item, self.put, api),
            ("DELETE", item, self.delete, api),
        ]
        if self.update_model:
            out.append(("PATCH", item, self.patch, api))
        return out
