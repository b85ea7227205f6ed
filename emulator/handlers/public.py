"""Unauthenticated routes: health, cloud metadata and the Azure-AD-shaped token service (identity.py)."""

from __future__ import annotations

import os

from ..app import Ctx, Response
from ..routing import ANY_METHOD
from .arm import cloud_metadata


def health(ctx: Ctx) -> Response:
    return 200, {}, {"status": "ok", "pid": os.getpid()}


def metadata_endpoints(ctx: Ctx) -> Response:
    return cloud_metadata(ctx.app.config.base_url, next(iter(ctx.query.get("api-version", [])), None))


def managed_identity_token(ctx: Ctx) -> Response:
    return ctx.app.identity.managed_identity_token(ctx.query, ctx.headers)


def imds_token(ctx: Ctx) -> Response:
    return ctx.app.identity.imds_token(ctx.query, ctx.headers)


def instance_discovery(ctx: Ctx) -> Response:
    return ctx.app.identity.instance_discovery()


def openid_configuration(ctx: Ctx) -> Response:
    return ctx.app.identity.openid_configuration(ctx.params["tenant"])


def token(ctx: Ctx) -> Response:
    return ctx.app.identity.token(ctx.params["tenant"], ctx.raw, ctx.headers.get("authorization"))


def jwks(ctx: Ctx) -> Response:
    return ctx.app.identity.jwks()


T = "/{tenant}"
ROUTES = [
    (ANY_METHOD, "/health", health, ""),
    (ANY_METHOD, "/healthz", health, ""),
    (ANY_METHOD, "/metadata/endpoints", metadata_endpoints, ""),
    (ANY_METHOD, "/msi/token", managed_identity_token, ""),
    (ANY_METHOD, "/metadata/identity/oauth2/token", imds_token, ""),
    (ANY_METHOD, T + "/discovery/instance", instance_discovery, ""),
    (ANY_METHOD, T + "/discovery/{version}/instance", instance_discovery, ""),
    (ANY_METHOD, T + "/v2.0/.well-known/openid-configuration", openid_configuration, ""),
    (ANY_METHOD, T + "/.well-known/openid-configuration", openid_configuration, ""),
    ("POST", T + "/oauth2/v2.0/token", token, ""),
    (ANY_METHOD, T + "/discovery/v2.0/keys", jwks, ""),
]
