"""Name rules for Microsoft.Media entities (cf. terraform-provider-azurerm internal/services/media/validate,
corrected to the service limits in the AMS docs and the REST spec)."""

from __future__ import annotations

import re
from collections.abc import Callable

_FORBIDDEN = set("<>%&:\\?/*+.'")
_LIVE = re.compile(r"^[a-zA-Z0-9]+(-*[a-zA-Z0-9])*$")


def general(value: str, max_len: int = 260) -> str | None:
    """AMS general rule: no < > % & : \\ ? / * + . ' or control characters; at most 260 characters."""
    if not value:
        return "must not be empty"
    if len(value) > max_len:
        return f"must be at most {max_len} characters (got {len(value)})"
    bad = sorted({c for c in value if c in _FORBIDDEN or ord(c) < 32 or ord(c) == 127})
    if bad:
        shown = ", ".join(repr(c) if ord(c) >= 32 else f"\\x{ord(c):02x}" for c in bad)
        return (
            f"must not contain {shown} "
            "(AMS names cannot include < > % & : \\ ? / * + . ' or control characters)"
        )
    return None


def account(value: str) -> str | None:
    if not re.fullmatch(r"[a-z0-9]{3,24}", value or ""):
        return "must be 3-24 lowercase letters or digits (Media Services account naming rule)"
    return None


def _pattern(max_len: int, what: str) -> Callable[[str], str | None]:
    def rule(value: str) -> str | None:
        if not value or len(value) > max_len:
            return f"must be 1-{max_len} characters for a {what} (got {len(value or '')})"
        if not _LIVE.match(value):
            return (
                f"must match ^[a-zA-Z0-9]+(-*[a-zA-Z0-9])*$ for a {what} "
                "(letters, digits and inner hyphens; starts and ends with a letter or digit)"
            )
        return None

    return rule


def resource_group(value: str) -> str | None:
    if not value or len(value) > 90:
        return "must be 1-90 characters (resource group naming rule)"
    if not re.fullmatch(r"[-\w.()]+", value) or value.endswith("."):
        return "may contain letters, digits, '_', '-', '.', '(' and ')' and must not end with '.'"
    return None


NAME_RULES: dict[str, Callable[[str], str | None]] = {
    "general": general,
    "account": account,
    "live_event": _pattern(32, "live event"),
    "live_output": _pattern(256, "live output"),
    "streaming_endpoint": _pattern(24, "streaming endpoint"),
    "resource_group": resource_group,
}


def check_name(rule: str, value: object) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    if rule == "resource_group":  # an ARM rule, not a Media Services one (periods allowed)
        return resource_group(value)
    err = general(value)
    if err:
        return err
    if rule != "general":
        return NAME_RULES[rule](value)
    return None


_NTFS_RESERVED = (
    {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)} | {f"LPT{i}" for i in range(1, 10)}
)
_NTFS_BAD = set('<>:"|?*\\')


def check_blob_name(name: object) -> str | None:
    """Files in an asset follow blob and NTFS naming: 1-1024 chars, '/'-separated segments each valid on
    NTFS."""
    if not isinstance(name, str) or not name:
        return "file name must be a non-empty string"
    if len(name) > 1024:
        return "file name must be at most 1024 characters (blob naming rule)"
    if name.startswith("/") or name.endswith("/"):
        return "file name must not start or end with '/'"
    segs = name.split("/")
    if len(segs) > 254:
        return "file name must have at most 254 path segments (blob naming rule)"
    for seg in segs:
        if not seg:
            return "file name must not contain empty path segments ('//')"
        if len(seg) > 255:
            return "each path segment must be at most 255 characters (NTFS rule)"
        bad = sorted({c for c in seg if c in _NTFS_BAD or ord(c) < 32})
        if bad:
            shown = ", ".join(repr(c) if ord(c) >= 32 else f"\\x{ord(c):02x}" for c in bad)
            return f"path segment {seg!r} contains {shown}, not allowed by NTFS naming"
        if seg.endswith(".") or seg.endswith(" "):
            return f"path segment {seg!r} must not end with '.' or a space (NTFS/blob rule)"
        if seg.split(".")[0].upper() in _NTFS_RESERVED:
            return f"path segment {seg!r} is a reserved device name on NTFS"
    return None


def check_container_name(name: object) -> str | None:
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]", name):
        return (
            "must be 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or "
            "digit (storage container naming rule)"
        )
    return None
