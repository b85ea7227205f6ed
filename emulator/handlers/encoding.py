"""HTTP adapters for transforms and jobs (2022-07-01) on the CRUD engine (rules: models/encoding.py)."""

from __future__ import annotations

from typing import Any

from ..app import API_ENCODING, Ctx, Response
from ..models import encoding
from .crud import Entity


def _prepare_transform(ctx: Ctx, rid: str, body: dict[str, Any], existing: dict[str, Any] | None) -> None:
    encoding.prepare_transform(body)


def _prepare_job(ctx: Ctx, rid: str, body: dict[str, Any], existing: dict[str, Any] | None) -> None:
    encoding.prepare_job(ctx.app, ctx.account_rid(), rid, body, existing)


def _job_view(ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    return encoding.view(ctx.app, body)


def _refuse_deleting_canceling_job(ctx: Ctx, body: dict[str, Any]) -> None:
    encoding.refuse_deleting_canceling(ctx.app, body)


TRANSFORM = Entity("transform", "Transform", "Transform", limit=100, prepare=_prepare_transform)
JOB = Entity(
    "job",
    "Job",
    "Job",
    create_only=True,
    prepare=_prepare_job,
    before_delete=_refuse_deleting_canceling_job,
    view=_job_view,
    patchable=("description", "priority", "correlationData"),
)


def cancel_job(ctx: Ctx) -> Response:
    rid, body = ctx.resolve("job")
    if body is None:
        raise ctx.not_found("job")
    encoding.cancel(ctx.app, rid, body)
    return 200, {}, None


M = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Media/mediaServices/{account}"
T = M + "/transforms"
ROUTES = (
    TRANSFORM.routes(T, API_ENCODING)
    + JOB.routes(T + "/{transform}/jobs", API_ENCODING)
    + [
        ("POST", T + "/{transform}/jobs/{job}/cancelJob", cancel_job, API_ENCODING),
    ]
)
