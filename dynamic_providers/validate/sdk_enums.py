"""Enum-valued properties checked against the SDK model's known values.

azure-mgmt-media types enum fields as plain ``str`` on the wire but names the enum in each model's docstring
(``:vartype property: str or ~azure.mgmt.media.models.FilterTrackPropertyType``); this walks a deserialized
model (polymorphic ``@odata.type`` subclasses included) and reports every value outside its enum, so a raw
resource with ``property: Height`` fails at preview instead of at the service.
"""

from __future__ import annotations

import enum
import re
from functools import cache
from typing import Any

from azure.mgmt.media import models

_VARTYPE = re.compile(r":vartype (\w+):\s+(?:list\[)?str\s+or\s+~azure\.mgmt\.media\.models\.(\w+)")


@cache
def enum_fields(cls: type) -> dict[str, type[enum.Enum]]:
    """attribute -> SDK enum, for one model class and its bases."""
    out: dict[str, type[enum.Enum]] = {}
    for klass in reversed(cls.__mro__):
        for attr, enum_name in _VARTYPE.findall(klass.__doc__ or ""):
            candidate = getattr(models, enum_name, None)
            if isinstance(candidate, type) and issubclass(candidate, enum.Enum):
                out[attr] = candidate
    return out


def enum_problems(obj: Any, path: str = "") -> list[tuple[str, str]]:
    """(dotted key, problem) for every enum value of ``obj`` (an SDK model) the SDK does not know."""
    out: list[tuple[str, str]] = []
    if isinstance(obj, list):
        for i, item in enumerate(obj):
            out += enum_problems(item, f"{path}[{i}]")
        return out
    attribute_map = getattr(type(obj), "_attribute_map", None)
    if not attribute_map:
        return out
    enums = enum_fields(type(obj))  # type: ignore[arg-type]
    for attr, spec in attribute_map.items():
        value = getattr(obj, attr, None)
        if value is None:
            continue
        key = spec["key"].replace("\\.", ".")
        where = f"{path}.{key}" if path else key
        enum_cls = enums.get(attr)
        if enum_cls is None:
            out += enum_problems(value, where)
            continue
        allowed = [str(e.value) for e in enum_cls]
        lowered = {a.lower() for a in allowed}
        for v in value if isinstance(value, list) else [value]:
            text = v.value if isinstance(v, enum.Enum) else str(v)
            if text.lower() not in lowered:
                out.append(
                    (
                        where,
                        f"{where} must be one of {', '.join(allowed)}; got {text!r} "
                        f"(rule: sdk_enum.{enum_cls.__name__})",
                    )
                )
    return out
