"""Tiny client for the emulator's admin API (used by tests)."""

from __future__ import annotations

import json
import ssl
import urllib.request
from typing import Any


class AdminClient:
    def __init__(self, admin_endpoint: str, ca_bundle: str | None = None) -> None:
        self.base = admin_endpoint.rstrip("/")
        if ca_bundle:
            self._ssl = ssl.create_default_context(cafile=ca_bundle)
        else:
            self._ssl = ssl._create_unverified_context()  # loopback only

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            f"{self.base}/{path.lstrip('/')}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, context=self._ssl, timeout=30) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else None

    # ---- state -----------------------------------------------------------------------------
    def health(self) -> bool:
        return bool(self._call("GET", "health").get("status") == "ok")

    def reset(self) -> None:
        self._call("POST", "reset", {})

    def connection(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "connection")
        return result

    def write_requests(self) -> list[str]:
        """``METHOD path`` of every non-GET ARM request received (the last 1000), accepted or refused."""
        result: list[str] = self._call("GET", "write-requests")["write_requests"]
        return result

    # ---- timing and settings ---------------------------------------------------------------
    def set_durations(self, **durations: float) -> dict[str, float]:
        """Keys like ``liveevent.start`` or a whole kind ``liveevent``; values in seconds."""
        result: dict[str, float] = self._call("PUT", "durations", durations)
        return result

    def set_durations_map(self, durations: dict[str, float]) -> dict[str, float]:
        result: dict[str, float] = self._call("PUT", "durations", durations)
        return result

    def durations(self) -> dict[str, float]:
        result: dict[str, float] = self._call("GET", "durations")
        return result

    def set_settings(self, **settings: Any) -> dict[str, Any]:
        """page_size, retry_after ("auto" or seconds), max_live_events, max_live_outputs,
        max_streaming_endpoints, cdn_unavailable_regions, token_lifetime, simulate_media_files."""
        result: dict[str, Any] = self._call("PUT", "settings", settings)
        return result

    def set_page_size(self, size: int) -> None:
        self.set_settings(page_size=size)

    # ---- faults ----------------------------------------------------------------------------
    def inject_latency(self, seconds: float, match: str = "", methods: list[str] | None = None) -> None:
        self._call(
            "POST",
            "faults",
            {"kind": "latency", "seconds": seconds, "match": match, "methods": methods or []},
        )

    def inject_status(
        self,
        status: int,
        count: int = 1,
        retry_after: float | None = None,
        match: str = "",
        methods: list[str] | None = None,
    ) -> None:
        self._call(
            "POST",
            "faults",
            {
                "kind": "status",
                "status": status,
                "count": count,
                "retry_after": retry_after,
                "match": match,
                "methods": methods or [],
            },
        )

    def throttle(
        self, count: int = 1, retry_after: float = 1, match: str = "", methods: list[str] | None = None
    ) -> None:
        self.inject_status(429, count, retry_after, match, methods)

    def fail_requests(
        self, status: int = 500, count: int = 1, match: str = "", methods: list[str] | None = None
    ) -> None:
        self.inject_status(status, count, None, match, methods)

    def reset_connections(
        self, count: int = 1, match: str = "", methods: list[str] | None = None, after: bool = False
    ) -> None:
        """The next ``count`` matching ARM requests get a TCP reset instead of an answer; with ``after``
        the request is carried out first (the answer is lost)."""
        self._call(
            "POST",
            "faults",
            {"kind": "reset", "count": count, "match": match, "methods": methods or [], "after": after},
        )

    def clear_faults(self) -> None:
        self._call("DELETE", "faults")

    def faults(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call("GET", "faults")["faults"]
        return result

    def fail_next_lro(self, match: str, code: str = "InternalError", message: str | None = None) -> None:
        """The next LRO whose resource id contains ``match`` (case-insensitive) ends Failed."""
        self._call("POST", "fail-next-lro", {"match": match, "code": code, "message": message})

    def complete_operations(self, match: str = "") -> None:
        """Finish now every in-flight LRO whose resource id contains ``match``."""
        self._call("POST", "complete-operations", {"match": match})

    # ---- logs and roles --------------------------------------------------------------------
    def operations(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call("GET", "operations")["operations"]
        return result

    def rejections(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call("GET", "rejections")["rejections"]
        return result

    def set_role(self, principal: str, scope: str, role: str | None) -> dict[str, Any]:
        """Assign (``role=None``: remove) Owner/Contributor/Reader for a principal name or object id."""
        body = {"scope": scope, "role": role}
        body["object_id" if "-" in principal else "principal"] = principal
        result: dict[str, Any] = self._call("POST", "roles", body)
        return result

    def oidc_token(self, principal: str = "contributor", lifetime: int = 600) -> str:
        """A federated (workload identity) token that the token endpoint accepts as client_assertion
        for ``principal`` (ClientAssertionCredential / ARM_OIDC_TOKEN)."""
        result: dict[str, str] = self._call(
            "POST", "oidc-token", {"principal": principal, "lifetime": lifetime}
        )
        return result["token"]

    def roles(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "roles")
        return result
