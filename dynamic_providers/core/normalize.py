"""Normalization helpers: float->int, SDK-model round trips, projection of live state onto desired shape,
secret paths, unknown detection."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from pulumi.output import Unknown
from pulumi.runtime import rpc

from ..validate.regions import normalize_region

Path = tuple[str, ...]

SPELLINGS: dict[str, Callable[[str], str]] = {"location": normalize_region}
"""Top-level ARM fields whose spelling the service rewrites, with the form two spellings compare in (other
strings compare ignoring case). Every response names a location by its display name ("East Asia" for
"eastasia", "Central US" for "centralus" in the Azure CLI recordings) and any spelling may be sent: they are
one region, so neither refresh nor diff may see a change; another region still is one."""


def same_spelling(path: str, a: str, b: str) -> bool:
    """Whether two strings at `path` ("location", "properties.x") say the same thing to the service."""
    key = SPELLINGS.get(path, str.lower)
    return key(a) == key(b)


def comparable(body: dict[str, Any]) -> dict[str, Any]:
    """`body` (inputs or an ARM body) with the fields of SPELLINGS in the form they compare in."""
    return {k: SPELLINGS[k](v) if k in SPELLINGS and isinstance(v, str) else v for k, v in body.items()}


def is_unknown(v: Any) -> bool:
    return isinstance(v, Unknown) or v is rpc.UNKNOWN


def has_unknown(v: Any) -> bool:
    if is_unknown(v):
        return True
    if isinstance(v, dict):
        return any(has_unknown(x) for x in v.values())
    if isinstance(v, list | tuple):
        return any(has_unknown(x) for x in v)
    return False


def floats_to_ints(v: Any) -> Any:
    """Numbers arrive as floats over the protobuf Struct; integral floats go back to ints."""
    if isinstance(v, bool):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, dict):
        return {k: floats_to_ints(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [floats_to_ints(x) for x in v]
    return v


def strip_none(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: strip_none(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [strip_none(x) for x in v]
    return v


def unwrap_secrets(v: Any) -> Any:
    if rpc.is_rpc_secret(v):
        return unwrap_secrets(rpc.unwrap_rpc_secret(v))
    if isinstance(v, dict):
        return {k: unwrap_secrets(x) for k, x in v.items()}
    if isinstance(v, list):
        return [unwrap_secrets(x) for x in v]
    return v


def model_roundtrip(model: type, body: dict[str, Any], keep_readonly: bool) -> dict[str, Any]:
    """Deserialize an ARM REST body into the SDK model and serialize it back (canonical shape)."""
    obj = to_model(model, body)
    return obj.serialize(keep_readonly=keep_readonly)


def to_model(model: type, body: dict[str, Any]) -> Any:
    """SDK model from an ARM REST body (deep-copied: msrest pops discriminators from the dict it reads)."""
    return model.from_dict(copy.deepcopy(body))  # type: ignore[attr-defined]


def unknown_keys(given: Any, canonical: Any, prefix: str = "") -> list[str]:
    """Keys present (non-null) in `given` but dropped by the model: misspelled or unsupported properties."""
    out: list[str] = []
    if isinstance(given, dict) and isinstance(canonical, dict):
        lower = {k.lower(): k for k in canonical}
        for k, v in given.items():
            if v is None:
                continue
            p = f"{prefix}.{k}" if prefix else k
            if k.lower() not in lower:
                out.append(p)
            else:
                out.extend(unknown_keys(v, canonical[lower[k.lower()]], p))
    elif isinstance(given, list) and isinstance(canonical, list) and len(given) == len(canonical):
        for i, (a, b) in enumerate(zip(given, canonical, strict=True)):
            out.extend(unknown_keys(a, b, f"{prefix}[{i}]"))
    return out


def equal(a: Any, b: Any) -> bool:
    """Deep equality; unknowns are never equal; strings compare case-sensitively except enums handled by
    callers."""
    if is_unknown(a) or is_unknown(b):
        return False
    if isinstance(a, dict) and isinstance(b, dict):
        keys = {k for k, v in a.items() if v is not None} | {k for k, v in b.items() if v is not None}
        return all(equal(a.get(k), b.get(k)) for k in keys)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    if a in (None, {}, []) and b in (None, {}, []):
        return True
    return bool(a == b)


def project(desired: Any, live: Any, keep: set[str] | None = None, prefix: str = "") -> Any:
    """Return `live` restricted to the shape of `desired`.

    Keys the user did not set (server defaults, read-only fields) are dropped; keys the service does not
    return (secrets, write-only fields; listed in `keep`) keep the desired value; strings the service takes
    as the same (`same_spelling`: enums in any case, a location as ARM name or display name) keep the
    desired spelling, so neither causes perpetual diffs."""
    keep = keep or set()
    if prefix in keep:
        return desired
    if isinstance(desired, dict):
        if not isinstance(live, dict):
            return live
        lower = {k.lower(): k for k in live}
        out = {}
        for k, v in desired.items():
            p = f"{prefix}.{k}" if prefix else k
            if p in keep or _wild(p) in keep:
                out[k] = v
                continue
            lk = lower.get(k.lower())
            if lk is None or live[lk] is None:
                if v in (None, {}, []) or isinstance(v, bool) and v is False:
                    out[k] = v
                continue
            out[k] = project(v, live[lk], keep, p)
        return out
    if isinstance(desired, list):
        if not isinstance(live, list):
            return live
        if len(desired) == len(live):
            return [project(d, x, keep, f"{prefix}[*]") for d, x in zip(desired, live, strict=True)]
        return live
    if isinstance(desired, str) and isinstance(live, str) and same_spelling(prefix, desired, live):
        return desired
    return live


def changed_paths(desired: Any, live: Any, prefix: str = "") -> list[str]:
    """Dotted paths of the leaves where `live` (projected onto `desired`) differs from `desired`."""
    if isinstance(desired, dict) and isinstance(live, dict):
        out: list[str] = []
        for k in sorted(set(desired) | set(live)):
            out += changed_paths(desired.get(k), live.get(k), f"{prefix}.{k}" if prefix else k)
        return out
    if isinstance(desired, list) and isinstance(live, list) and len(desired) == len(live):
        return [
            p
            for i, (a, b) in enumerate(zip(desired, live, strict=True))
            for p in changed_paths(a, b, f"{prefix}[{i}]")
        ]
    return [] if equal(desired, live) else [prefix or "(whole)"]


def _wild(p: str) -> str:
    import re

    return re.sub(r"\[\d+\]", "[*]", p)


def iter_paths(obj: Any, path: str) -> list[tuple[Any, str | int]]:
    """Resolve a dotted path with [*] wildcards to (container, key) pairs that exist in obj."""
    parts = path.replace("[*]", ".[*]").split(".")
    cur: list[Any] = [obj]
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        nxt: list[Any] = []
        for c in cur:
            if part == "[*]":
                if isinstance(c, list):
                    if last:
                        return [(c, j) for j in range(len(c))]
                    nxt.extend(c)
            elif isinstance(c, dict):
                key = next((k for k in c if k.lower() == part.lower()), None)
                if key is None:
                    continue
                if last:
                    nxt.append((c, key))
                else:
                    nxt.append(c[key])
        cur = nxt
    return cur  # type: ignore[return-value]


def get_path(obj: Any, path: str) -> Any:
    hits = iter_paths(obj, path)
    if not hits:
        return None
    vals = [c[k] for c, k in hits]
    return vals if "[*]" in path else vals[0]


def wrap_secret_paths(obj: Any, paths: tuple[str, ...]) -> Any:
    """Copy of obj with the values at `paths` wrapped as Pulumi secrets (rpc form)."""
    if not paths or obj is None:
        return obj
    out = copy.deepcopy(obj)
    for p in paths:
        for c, k in iter_paths(out, p):
            v = c[k]
            if v is not None and not is_unknown(v):
                c[k] = rpc.wrap_rpc_secret(v)
    return out


def secret_values(obj: Any, paths: tuple[str, ...]) -> list[str]:
    vals: list[str] = []
    for p in paths:
        for c, k in iter_paths(obj, p):
            v = unwrap_secrets(c[k])
            if isinstance(v, str) and v:
                vals.append(v)
    return vals
