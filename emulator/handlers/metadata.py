"""HTTP adapters for assets and asset/account filters (2022-08-01; rules: models/assets.py)."""

from __future__ import annotations

from .. import validation
from ..app import API_DEFAULT, Ctx, Response
from ..models import assets
from .crud import found, routes


def list_container_sas(ctx: Ctx) -> Response:
    _, asset = found(ctx, "asset")
    data = validation.parse("ListContainerSasInput", ctx.json() or {})
    perm = data.get("permissions") or "Read"
    urls = assets.container_sas_urls(ctx.app, asset, perm, data.get("expiryTime"))
    return 200, {}, {"assetContainerSasUrls": urls}


def get_encryption_key(ctx: Ctx) -> Response:
    rid, asset = found(ctx, "asset")
    return 200, {}, assets.encryption_key(ctx.app, rid, asset)


def list_streaming_locators(ctx: Ctx) -> Response:
    _, asset = found(ctx, "asset")
    return 200, {}, {"streamingLocators": assets.streaming_locators(ctx.app, ctx.account_rid(), asset)}


M = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Media/mediaServices/{account}"
AS = M + "/assets/{asset}"
ROUTES = (
    routes(assets.ASSET, M + "/assets", API_DEFAULT)
    + [
        ("POST", AS + "/listContainerSas", list_container_sas, API_DEFAULT),
        ("POST", AS + "/getEncryptionKey", get_encryption_key, API_DEFAULT),
        ("POST", AS + "/listStreamingLocators", list_streaming_locators, API_DEFAULT),
    ]
    + routes(assets.ASSET_FILTER, AS + "/assetFilters", API_DEFAULT)
    + routes(assets.ACCOUNT_FILTER, M + "/accountFilters", API_DEFAULT)
)
