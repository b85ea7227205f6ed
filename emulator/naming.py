"""Resource naming rules of Media Services (see docs/ams-api.md §4)."""

from __future__ import annotations

import re

from .errors import ArmError

_FORBIDDEN = set("<>%&:\\?/*+.'")
_ACCOUNT = re.compile(r"^[a-z0-9]{3,24}$")
_LIVE = re.compile(r"^[a-zA-Z0-9]+(-*[a-zA-Z0-9])*$")
_OUTPUT = re.compile(r"^([a-zA-Z0-9])+(-*[a-zA-Z0-9])*$")

LIMITS = {"liveevent": 32, "streamingendpoint": 24, "liveoutput": 256}


def general_problem(name: str) -> str | None:
    if not name:
        return "The name must not be empty."
    if len(name) > 260:
        return "The max length of a resource name is 260 characters."
    bad = sorted({c for c in name if c in _FORBIDDEN or ord(c) < 32 or ord(c) == 127})
    if bad:
        shown = ", ".join(repr(c) for c in bad)
        return (
            f"The name contains forbidden characters ({shown}). Names can't include '<', '>', '%', '&', "
            "':', '\\', '?', '/', '*', '+', '.', the single quote character, or any control characters."
        )
    return None


def problem(kind: str, name: str) -> str | None:
    """Return a human readable problem with ``name`` for entity ``kind``, or None when valid."""
    if kind == "account":
        if not _ACCOUNT.match(name):
            return (
                "Media Services account names must be 3 to 24 characters long and contain only lowercase "
                "letters and digits."
            )
        return None
    if kind in ("liveevent", "streamingendpoint"):
        limit = LIMITS[kind]
        if not 1 <= len(name) <= limit or not _LIVE.match(name):
            return (
                f"The name must match '^[a-zA-Z0-9]+(-*[a-zA-Z0-9])*$' and be 1 to {limit} characters long."
            )
        return None
    if kind == "liveoutput":
        if not 1 <= len(name) <= 256 or not _OUTPUT.match(name):
            return "The name must match '^([a-zA-Z0-9])+(-*[a-zA-Z0-9])*$' and be 1 to 256 characters long."
        return None
    return general_problem(name)


def check(kind: str, name: str) -> None:
    msg = problem(kind, name)
    if msg:
        raise ArmError(400, "InvalidResourceName", f"Resource name '{name}' is invalid. {msg}", target="name")
