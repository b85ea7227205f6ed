"""The emulator's one URL table: ARM (Microsoft.Media and the platform), identity and admin routes.

Werkzeug matches the paths. ARM matches route and resource names case-insensitively, which Werkzeug's
static segments do not, so the table holds the templates case-folded, the path is case-folded for
matching and the parameters take their original spelling from the same segment positions (every
parameter is one whole segment). Methods are dispatched here, not by Werkzeug, because a Werkzeug
rule answers HEAD for every GET (ARM's resource-group HEAD is its own operation).
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from werkzeug.exceptions import NotFound
from werkzeug.routing import Map, Rule

if TYPE_CHECKING:
    from .app import Ctx

Response = tuple[int, dict[str, str], Any]
Handler = Callable[["Ctx"], Response]
ANY_VERSION = "*"  # ARM platform routes (subscriptions, resource groups, providers) take any version
ANY_METHOD = "*"


class Plane(enum.Enum):
    ARM = "arm"  # bearer token, api-version, RBAC, faults, per-version shapes
    PUBLIC = "public"  # no authentication: health, cloud metadata, the token service
    ADMIN = "admin"  # loopback only, plain JSON errors


@dataclass
class Route:
    method: str
    template: str
    handler: Handler
    api: str = ANY_VERSION
    segments: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.segments = [s for s in self.template.split("/") if s]

    @functools.cached_property  # asked on every request; the table is fixed once the route is built
    def versions(self) -> tuple[str, ...]:
        """Every published api-version of the route's resource type (the deepest type in versions.py)."""
        from .versions import RESOURCE_TYPES

        types = {t.lower(): v for t, v in RESOURCE_TYPES.items()}
        lits = [s.lower() for s in self.segments if not s.startswith("{")]
        if "microsoft.media" in lits:
            parts = lits[lits.index("microsoft.media") + 1 :]
            for end in range(len(parts), 0, -1):
                found = types.get("/".join(parts[:end]))
                if found:
                    return tuple(sorted({*found, self.api}))
        return (self.api,)

    @functools.cached_property
    def action(self) -> str:
        lits = [s for s in self.segments if not s.startswith("{")]
        try:
            start = [s.lower() for s in lits].index("microsoft.media")
        except ValueError:
            start = 0
        parts = lits[start:]
        verb = {"GET": "read", "PUT": "write", "PATCH": "write", "DELETE": "delete"}.get(self.method)
        if verb:
            return "/".join(parts) + "/" + verb
        return "/".join(parts) + "/action"


@dataclass
class Endpoint:
    """One URL template and what each method does there."""

    plane: Plane
    template: str
    routes: dict[str, Route] = field(default_factory=dict)
    params: dict[int, str] = field(default_factory=dict)  # segment position -> parameter name

    def route(self, method: str) -> Route | None:
        return self.routes.get(method) or self.routes.get(ANY_METHOD)


@dataclass
class Match:
    endpoint: Endpoint
    params: dict[str, str]


def _rule(template: str) -> tuple[str, dict[int, str]]:
    """Werkzeug rule text (literals case-folded) and the positions of the whole-segment parameters."""
    parts: list[str] = []
    params: dict[int, str] = {}
    for i, seg in enumerate(s for s in template.split("/") if s):
        if seg.startswith("{"):
            name, _, converter = seg[1:-1].partition(":")
            parts.append(f"<{converter}:{name}>" if converter else f"<{name}>")
            if not converter:
                params[i] = name
        else:
            parts.append(seg.lower())
    return "/" + "/".join(parts), params


class Routes:
    def __init__(self) -> None:
        self.map = Map(strict_slashes=False, merge_slashes=False)
        self.endpoints: dict[str, Endpoint] = {}
        self._adapter: Any = None

    def add(self, plane: Plane, routes: Sequence[tuple[str, str, Handler, str]]) -> None:
        for method, template, handler, api in routes:
            rule, params = _rule(template)
            endpoint = self.endpoints.get(rule)
            if endpoint is None:
                endpoint = self.endpoints[rule] = Endpoint(plane, template, params=params)
                self.map.add(Rule(rule, endpoint=rule))
                self._adapter = None
            if endpoint.plane is not plane or method in endpoint.routes:
                raise ValueError(f"route {method} {template} is registered twice")
            endpoint.routes[method] = Route(method, template, handler, api)

    def match(self, path: str) -> Match | None:
        """The endpoint serving ``path`` (empty segments ignored, as ARM does) and its parameters."""
        segs = [s for s in path.split("/") if s]
        if self._adapter is None:
            self._adapter = self.map.bind("emulator")
        try:
            key = "/".join(unquote(s).lower().replace("/", "%2f") for s in segs)
            rule, _ = self._adapter.match("/" + key)
        except NotFound:
            return None
        endpoint = self.endpoints[rule]
        return Match(endpoint, {name: unquote(segs[i]) for i, name in endpoint.params.items()})
