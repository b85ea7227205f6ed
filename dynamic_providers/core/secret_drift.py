"""Secret drift without revealing secrets.

GET never returns most secrets (content key policy keys, FairPlay material), so a plain refresh keeps the
desired value and cannot see a key swapped by hand. Refresh therefore reads the live secrets through the
entity's secret-reading source (an action such as ``getPolicyPropertiesWithSecrets``, or GET where the service
returns the value), compares them with the desired values in memory and, where one differs, writes a keyed
fingerprint (HMAC-SHA256 keyed with the desired secret, which is in state only encrypted) in its place. The
live value never reaches state or output; the fingerprint differs from the desired value, so the diff names
that property and ``up`` writes the desired value back.

Where the caller may not read a secret (Reader cannot call ``…/action``), the check is skipped and said so,
once per process and entity type, on stderr (the engine shows it as a diagnostic); the drift command
reports it as "not checked", never as clean."""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from .progress import stderr_line

FINGERPRINT_PREFIX = "hmac-sha256:"
DRIFT_TAG = "secret-drift:"
UNCHECKED_TAG = "secret-check-skipped:"
ADOPT_TAG = "adopt:"

_SAID: set[str] = set()
_SAID_LOCK = threading.Lock()


class SecretsUnreadable(Exception):
    """The live secrets cannot be read by this caller (e.g. 403 on the secret-reading action)."""


@dataclass
class SecretComparison:
    inputs: Any
    drifted: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)


def fingerprint(desired: str, live: str) -> str:
    """A value that differs from `desired` and reveals nothing about `live` without the desired secret."""
    digest = hmac.new(str(desired).encode(), str(live).encode(), hashlib.sha256).hexdigest()
    return FINGERPRINT_PREFIX + digest


def is_fingerprint(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FINGERPRINT_PREFIX)


def _split(path: str) -> list[str]:
    return path.replace("[*]", ".[*]").split(".")


def _leaves(desired: Any, live: Any, parts: list[str], prefix: str) -> list[tuple[str, Any, Any, Any, Any]]:
    """(concrete path, desired container, key, live value or None, present-in-live) for each leaf."""
    if not parts:
        return []
    head, rest = parts[0], parts[1:]
    out: list[tuple[str, Any, Any, Any, Any]] = []
    if head == "[*]":
        if not isinstance(desired, list):
            return out
        live_list = live if isinstance(live, list) else []
        for i, item in enumerate(desired):
            live_item = live_list[i] if i < len(live_list) else None
            p = f"{prefix}[{i}]"
            if rest:
                out += _leaves(item, live_item, rest, p)
            else:
                out.append((p, desired, i, live_item, live_item is not None))
        return out
    if not isinstance(desired, dict):
        return out
    key = next((k for k in desired if k.lower() == head.lower()), None)
    if key is None:
        return out
    live_dict = live if isinstance(live, dict) else {}
    live_key = next((k for k in live_dict if k.lower() == head.lower()), None)
    live_value = live_dict.get(live_key) if live_key is not None else None
    p = f"{prefix}.{key}" if prefix else key
    if rest:
        return _leaves(desired[key], live_value, rest, p)
    out.append((p, desired, key, live_value, live_value not in (None, "")))
    return out


def compare(
    desired_inputs: dict[str, Any], live_secrets: dict[str, Any] | None, paths: tuple[str, ...]
) -> SecretComparison:
    """Return the inputs with drifted secret leaves replaced by fingerprints.

    ``live_secrets`` is the live body in the inputs' shape (``{"properties": ...}``) holding the secret
    values, or None when they could not be read (every leaf is then unchecked)."""
    import copy

    result = SecretComparison(copy.deepcopy(desired_inputs))
    for path in paths:
        for concrete, container, key, live_value, present in _leaves(
            result.inputs, live_secrets, _split(path), ""
        ):
            want = container[key]
            if want in (None, "") or is_fingerprint(want):
                if is_fingerprint(want):
                    result.drifted.append(concrete)  # already recorded by an earlier refresh
                continue
            if live_secrets is None or not present:
                result.unchecked.append(concrete)
                continue
            if not hmac.compare_digest(str(want).encode(), str(live_value).encode()):
                container[key] = fingerprint(want, live_value)
                result.drifted.append(concrete)
    return result


def say(message: str, once_key: str | None = None) -> None:
    """One diagnostic line to the engine (a dynamic provider's stderr); with once_key, once per process."""
    if once_key is not None:
        with _SAID_LOCK:
            if once_key in _SAID:
                return
            _SAID.add(once_key)
    stderr_line(re.sub(r"\s+", " ", message).strip())
