"""HTTP adapters for transforms and jobs (2022-07-01; rules: models/encoding.py)."""

from __future__ import annotations

from ..app import API_ENCODING, Ctx, Response
from ..models import encoding
from .crud import found, routes


def cancel_job(ctx: Ctx) -> Response:
    rid, body = found(ctx, "job")
    encoding.cancel(ctx.app, rid, body)
    return 200, {}, None


M = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Media/mediaServices/{account}"
T = M + "/transforms"
ROUTES = (
    routes(encoding.TRANSFORM, T, API_ENCODING)
    + routes(encoding.JOB, T + "/{transform}/jobs", API_ENCODING)
    + [
        ("POST", T + "/{transform}/jobs/{job}/cancelJob", cancel_job, API_ENCODING),
    ]
)
