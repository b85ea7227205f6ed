"""Request dispatch: faults, authentication, RBAC, routing, paging and response helpers."""

from __future__ import annotations

import copy
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from . import odata
from .config import Config
from .errors import ArmError, not_found, parent_not_found
from .identity import Identity
from .kinds import KINDS, chain
from .routing import ANY_VERSION, Match, Plane, Response, Routes
from .service import Service
from .state import Store
from .storage import Azurite

API_ACCOUNTS = "2021-11-01"
API_ENCODING = "2022-07-01"
API_DEFAULT = "2022-08-01"
# Kinds whose missing-resource answer is 404 NotFound "The requested resource was not found." in the
# Azure CLI recordings (the others answer ARM's ResourceNotFound).
METADATA_NOT_FOUND = frozenset(
    {"asset", "assetfilter", "accountfilter", "transform", "job", "streaminglocator"}
)
LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass
class Ctx:
    app: App
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    raw: bytes
    client: str = ""  # the peer's address (the admin plane is loopback only)
    params: dict[str, str] = field(default_factory=dict)
    api_version: str = ""
    claims: dict[str, Any] = field(default_factory=dict)
    reset_after: bool = False  # an injected fault: carry the request out, then reset the connection

    def q(self, name: str) -> str | None:
        for k, v in self.query.items():
            if k.lower() == name.lower():
                return v[0]
        return None

    def json(self) -> Any:
        if not self.raw.strip():
            return None
        try:
            return json.loads(self.raw)
        except ValueError as exc:
            raise ArmError(
                400,
                "InvalidRequestContent",
                f"The request content was invalid and could not be deserialized: {exc}",
            ) from exc

    @property
    def store(self) -> Store:
        return self.app.store

    @property
    def sub(self) -> str:
        return self.app.config.subscription_id

    @property
    def rg(self) -> str:
        return self.app.config.resource_group

    @property
    def principal(self) -> str:
        """Who makes the request (systemData)."""
        return str(self.claims.get("appid") or self.claims.get("oid") or "unknown")

    def account_rid(self) -> str:
        return (
            f"/subscriptions/{self.sub}/resourceGroups/{self.rg}/providers/Microsoft.Media/mediaservices/"
            f"{self.params['account']}"
        )

    def resolve(self, kind: str, *, include_self: bool = True) -> tuple[str, dict[str, Any] | None]:
        """Resolve the resource id of ``kind`` from the URL params, checking that every parent exists.

        Returns (resource id, body or None when the resource itself does not exist).
        """
        kinds = chain(kind)
        rid = ""
        body: dict[str, Any] | None = None
        for i, k in enumerate(kinds):
            name = self.params[k.name]
            rid = self.account_rid() if k.name == "account" else f"{rid}/{k.collection}/{name}"
            body = self.store.get(rid)
            last = i == len(kinds) - 1
            if body is None and not last:
                raise (
                    parent_not_found(name)
                    if kind != "account"
                    else not_found(f"Microsoft.Media/mediaservices/{name}", self.rg)
                )
            if body is not None:
                rid = body["id"]
        return rid, body

    def parent_of(self, kind: str) -> tuple[str, dict[str, Any]]:
        parent = KINDS[kind].parent
        assert parent is not None
        rid, body = self.resolve(parent)
        if body is None:
            raise parent_not_found(self.params[parent])
        return rid, body

    def not_found(self, kind: str) -> ArmError:
        if kind in METADATA_NOT_FOUND:  # the service's metadata plane answers its own short 404
            return ArmError(404, "NotFound", "The requested resource was not found.")
        k = KINDS[kind]
        parts = [f"{c.collection}/{self.params[c.name]}" for c in chain(kind)]
        parts[0] = f"Microsoft.Media/mediaservices/{self.params['account']}"
        return (
            not_found("/".join(parts), self.rg)
            if kind != "account"
            else not_found(f"{k.type}/{self.params['account']}", self.rg)
        )

    def url(self, path: str, api_version: str | None = None, **extra: str) -> str:
        q = {"api-version": api_version or self.api_version}
        q.update(extra)
        return f"{self.app.config.base_url}{quote(path)}?{urlencode(q)}"


class ResetConnection(Exception):
    """Drop the connection with a TCP reset instead of answering (an injected fault)."""


@dataclass
class Fault:
    kind: str  # "status", "latency" or "reset" (see handlers.admin.parse_fault)
    status: int = 0
    count: int = 0
    retry_after: float | None = None
    seconds: float = 0.0
    match: str = ""
    methods: list[str] = field(default_factory=list)
    after: bool = False  # reset: after the request was carried out (the answer is lost)

    def applies(self, method: str, path: str) -> bool:
        if self.methods and method.upper() not in [m.upper() for m in self.methods]:
            return False
        return self.match.lower() in path.lower()


class App(Service):
    """The HTTP side: the routing table, the planes around its handlers, injected faults."""

    def __init__(self, config: Config, store: Store, identity: Identity, azurite: Azurite | None) -> None:
        super().__init__(config, store, identity, azurite)
        self.routes = Routes()
        self.connection_doc: dict[str, Any] = {}  # connection.json, served by the admin plane
        self.faults: list[Fault] = []
        self.fault_lock = threading.Lock()
        self.write_requests: list[str] = []

    # ---- dispatch --------------------------------------------------------------------------
    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], raw: bytes, client: str
    ) -> Response:
        split = urlsplit(raw_path)
        query = parse_qs(split.query, keep_blank_values=True)
        ctx = Ctx(self, method, split.path, query, headers, raw, client)
        match = self.routes.match(split.path)
        if match is not None and match.endpoint.plane is Plane.ADMIN:
            return self._admin(ctx, match)
        if match is not None and match.endpoint.plane is Plane.PUBLIC:
            route = match.endpoint.route(method)
            if route is not None:
                ctx.params = match.params
                with self.store.lock:
                    return route.handler(ctx)
            match = None  # another method on a public path: ARM's answer for an unknown route
        return self._arm(ctx, match)

    def _admin(self, ctx: Ctx, match: Match) -> Response:
        if ctx.client not in LOOPBACK:
            return 403, {}, {"error": "admin API is loopback only"}
        try:
            json.loads(ctx.raw) if ctx.raw.strip() else None
        except ValueError:
            return 400, {}, {"error": "invalid JSON"}
        route = match.endpoint.route(ctx.method)
        if route is None:
            return 404, {}, {"error": f"unknown admin endpoint {ctx.method} {ctx.path}"}
        ctx.params = match.params
        with self.store.lock:
            return route.handler(ctx)

    def _arm(self, ctx: Ctx, match: Match | None) -> Response:
        method, path = ctx.method, ctx.path
        if method != "GET":  # every write attempt, accepted or not (tests assert "nothing was written")
            with self.fault_lock:
                self.write_requests.append(f"{method} {path}")
                del self.write_requests[:-1000]
        try:
            resp = self._dispatch(ctx, match)
        except ArmError as err:
            resp = (err.status, dict(err.headers), err.body())
            with self.store.lock:
                self.store.log_rejection(err.status, err.code, method, path, err.message)
        if ctx.reset_after:
            raise ResetConnection
        return resp

    def _apply_faults(self, ctx: Ctx) -> None:
        delay = 0.0
        with self.fault_lock:
            for f in self.faults:
                if f.kind == "latency" and f.applies(ctx.method, ctx.path):
                    delay += f.seconds
            hit: Fault | None = None
            for f in self.faults:
                if f.kind in ("status", "reset") and f.count > 0 and f.applies(ctx.method, ctx.path):
                    f.count -= 1
                    hit = f
                    break
            self.faults = [f for f in self.faults if f.kind == "latency" or f.count > 0]
        if delay:
            time.sleep(delay)
        if hit is not None and hit.kind == "reset":
            if not hit.after:
                raise ResetConnection
            ctx.reset_after = True
        elif hit is not None:
            headers = {}
            if hit.retry_after is not None:
                headers["Retry-After"] = _num(hit.retry_after)
            code = {429: "TooManyRequests", 500: "InternalServerError", 503: "ServiceUnavailable"}.get(
                hit.status, "InjectedFault"
            )
            raise ArmError(hit.status, code, f"Injected fault: HTTP {hit.status}.", headers=headers)

    def _dispatch(self, ctx: Ctx, match: Match | None) -> Response:
        route = match.endpoint.route(ctx.method) if match is not None else None
        ctx.claims = self.identity.authenticate(ctx.headers.get("authorization"))
        self._apply_faults(ctx)
        if match is None:
            raise unknown_route(ctx.path, ctx.q("api-version") or "")
        if route is None:
            raise ArmError(
                405,
                "MethodNotAllowed",
                f"The requested resource does not support http method '{ctx.method}'.",
            )
        ctx.params = params = match.params
        version = ctx.q("api-version")
        if not version:
            raise ArmError(
                400,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            )
        supported = route.versions
        if route.api != ANY_VERSION and version not in supported:
            raise ArmError(
                400,
                "NoRegisteredProviderFound",
                f"No registered resource provider found for location '{self.config.location}' and "
                f"API version '{version}' for type '{route.action.rsplit('/', 1)[0]}'. The "
                f"supported api-versions are '{', '.join(supported)}'.",
            )
        ctx.api_version = version
        from .validation import API_VERSION

        API_VERSION.set(version)
        if "sub" in params and params["sub"].lower() != self.config.subscription_id.lower():
            raise ArmError(
                404, "SubscriptionNotFound", f"The subscription '{params['sub']}' could not be found."
            )
        if "rg" in params and params["rg"].lower() != self.config.resource_group.lower():
            raise ArmError(
                404, "ResourceGroupNotFound", f"Resource group '{params['rg']}' could not be found."
            )
        with self.store.lock:
            self.identity.authorize(ctx.claims, ctx.method, ctx.path, route.action)
            self.lro.advance()
            try:
                status, headers, body = route.handler(ctx)
            except ArmError as err:
                if ctx.method != "DELETE" or err.code != "ParentResourceNotFound":
                    raise
                status, headers, body = 204, {}, None  # deleting below a missing parent: already gone
        if route.api != ANY_VERSION:
            from .shapes import for_version

            body = for_version(copy.deepcopy(body), version)
        kind = {"GET": "reads", "DELETE": "deletes"}.get(ctx.method, "writes")
        headers.setdefault(
            f"x-ms-ratelimit-remaining-subscription-{kind}", "1199" if kind == "writes" else "11999"
        )
        return status, headers, body

    # ---- list helper -----------------------------------------------------------------------
    def page(self, ctx: Ctx, items: list[dict[str, Any]], kind: str | None = None) -> Response:
        if kind is not None:
            items = odata.apply(items, kind, ctx.q("$filter"), ctx.q("$orderby"), ctx.q("$top"))
        size = max(1, int(self.setting("page_size")))
        try:
            offset = int(ctx.q("$skiptoken") or 0)
        except ValueError as exc:
            raise ArmError(400, "BadRequest", "Invalid $skiptoken.") from exc
        chunk = items[offset : offset + size]
        body: dict[str, Any] = {"value": chunk}
        if offset + size < len(items):
            extra = {k: ctx.q(k) or "" for k in ("$filter", "$orderby", "$top") if ctx.q(k) is not None}
            extra["$skiptoken"] = str(offset + size)
            body["@odata.nextLink"] = ctx.url(unquote(ctx.path), **extra)
        return 200, {}, body


def unknown_route(path: str, api_version: str) -> ArmError:
    """ARM's answer for a path no route serves: namespace, then resource type, then the RP's own 404."""
    segs = [unquote(s) for s in path.split("/") if s]
    low = [s.lower() for s in segs]
    if "providers" in low:
        i = low.index("providers")
        namespace = segs[i + 1] if len(segs) > i + 1 else ""
        if namespace.lower() != "microsoft.media":
            return ArmError(
                400, "InvalidResourceNamespace", f"The resource namespace '{namespace}' is invalid."
            )
        from .versions import RESOURCE_TYPES

        known = {t.lower() for t in RESOURCE_TYPES}
        rest = segs[i + 2 :]
        types = rest[0::2][:-1] if len(rest) % 2 and len(rest) > 1 else rest[0::2]  # odd: ends in an action
        rtype = "/".join(types)
        if types and rtype.lower() not in known:
            return ArmError(
                400,
                "InvalidResourceType",
                f"The resource type '{rtype}' could not be found in the namespace 'Microsoft.Media' for api "
                f"version '{api_version}'.",
            )
    return ArmError(404, "NotFound", f"No HTTP resource was found that matches the request URI '{path}'.")


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
