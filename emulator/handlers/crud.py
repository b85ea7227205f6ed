"""HTTP adapters of the synchronous entities (rules: models/crud.py), and GET/list of any kind."""

from __future__ import annotations

from typing import Any

from .. import naming, validation
from ..app import Ctx, Response
from ..models.crud import Entity, View
from ..routing import Handler


def found(ctx: Ctx, kind: str) -> tuple[str, dict[str, Any]]:
    """The resource of `kind` at the request path (id, body), else 404."""
    rid, body = ctx.resolve(kind)
    if body is None:
        raise ctx.not_found(kind)
    return rid, body


def get_item(ctx: Ctx, kind: str, show: View | None = None) -> Response:
    """GET of one entity of `kind` at the request path: 200 with its body, else 404."""
    _, body = found(ctx, kind)
    return 200, {}, show(ctx.app, body) if show else body


def list_children(ctx: Ctx, kind: str, show: View | None = None) -> Response:
    """A paged list of the `kind` children of the request's parent (OData where the service has it)."""
    from ..odata import FILTERS

    parent_rid, _ = ctx.parent_of(kind)
    items = ctx.store.children(parent_rid, kind)
    if show:
        items = [show(ctx.app, b) for b in items]
    return ctx.app.page(ctx, items, kind if kind in FILTERS else None)


def routes(
    entity: Entity, collection_path: str, api: str, created_status: int = 201
) -> list[tuple[str, str, Handler, str]]:
    """The entity's routes below ``collection_path`` (``created_status``: content key policies answer
    200 on create, Azure CLI recordings)."""
    kind = entity.kind

    def put(ctx: Ctx) -> Response:
        name = ctx.params[kind]
        naming.check(kind, name)
        parent_rid, _ = ctx.parent_of(kind)
        rid, existing = ctx.resolve(kind)
        body = validation.parse(entity.model, ctx.json())
        shown, created = entity.put(
            ctx.app, ctx.account_rid(), parent_rid, rid, name, existing, body, ctx.principal
        )
        return (created_status if created else 200), {}, shown

    def patch(ctx: Ctx) -> Response:
        rid, existing = found(ctx, kind)
        body = validation.parse(entity.model, ctx.json(), partial=True)
        return 200, {}, entity.update(ctx.app, ctx.account_rid(), rid, existing, body, ctx.principal)

    def delete(ctx: Ctx) -> Response:
        ctx.parent_of(kind)
        rid, body = ctx.resolve(kind)
        if body is None:
            return 204, {}, None
        entity.delete(ctx.app, ctx.account_rid(), rid, body)
        return 200, {}, None

    item = collection_path + "/{" + kind + "}"
    out: list[tuple[str, str, Handler, str]] = [
        ("GET", collection_path, lambda ctx: list_children(ctx, kind, entity.view), api),
        ("GET", item, lambda ctx: get_item(ctx, kind, entity.view), api),
        ("PUT", item, put, api),
        ("DELETE", item, delete, api),
    ]
    if entity.updatable:
        out.append(("PATCH", item, patch, api))
    return out
