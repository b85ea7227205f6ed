"""HTTP adapters for content key policies, streaming policies and streaming locators (2022-08-01;
rules: models/protection.py)."""

from __future__ import annotations

from ..app import API_DEFAULT, Ctx, Response
from ..models import protection
from .crud import found, routes


def ckp_with_secrets(ctx: Ctx) -> Response:
    _, body = found(ctx, "contentkeypolicy")
    return 200, {}, body["properties"]


def list_content_keys(ctx: Ctx) -> Response:
    _, body = found(ctx, "streaminglocator")
    return 200, {}, {"contentKeys": body["properties"].get("contentKeys") or []}


def list_paths(ctx: Ctx) -> Response:
    _, body = found(ctx, "streaminglocator")
    return 200, {}, protection.paths(ctx.app, ctx.account_rid(), body)


M = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Media/mediaServices/{account}"
CKP = M + "/contentKeyPolicies"
SL = M + "/streamingLocators"
ROUTES = (
    routes(protection.CONTENT_KEY_POLICY, CKP, API_DEFAULT, created_status=200)
    + [("POST", CKP + "/{contentkeypolicy}/getPolicyPropertiesWithSecrets", ckp_with_secrets, API_DEFAULT)]
    + routes(protection.STREAMING_POLICY, M + "/streamingPolicies", API_DEFAULT)
    + routes(protection.STREAMING_LOCATOR, SL, API_DEFAULT)
    + [
        ("POST", SL + "/{streaminglocator}/listContentKeys", list_content_keys, API_DEFAULT),
        ("POST", SL + "/{streaminglocator}/listPaths", list_paths, API_DEFAULT),
    ]
)
