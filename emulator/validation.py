"""Request-body validation with azure-mgmt-media's own msrest models."""

from __future__ import annotations

import contextvars
import enum
import re
from functools import cache
from typing import Any

from azure.mgmt.media import models as sdk_models
from azure.mgmt.media._serialization import DeserializationError, Model

from . import limits
from .errors import ArmError

_VARTYPE = re.compile(r":vartype (\w+): (?:list\[)?str or\s+~azure\.mgmt\.media\.models\.(\w+)")


@cache
def _enum_fields(cls: Any) -> dict[str, type[enum.Enum]]:
    out: dict[str, type[enum.Enum]] = {}
    for klass in reversed(cls.__mro__):  # cls: a Model subclass
        for attr, enum_name in _VARTYPE.findall(klass.__doc__ or ""):
            candidate = getattr(sdk_models, enum_name, None)
            if isinstance(candidate, type) and issubclass(candidate, enum.Enum):
                out[attr] = candidate
    return out


# The request's api-version (set by the dispatcher): older versions accepted enum values since retired.
API_VERSION: contextvars.ContextVar[str] = contextvars.ContextVar("api_version", default="")
# enum -> {retired value: last api-version that accepted it} (azure-rest-api-specs history)
RETIRED_VALUES: dict[str, dict[str, str]] = {
    "LiveEventEncodingType": {"Basic": "2021-06-01"},
}


def _allowed(enum_cls: type[enum.Enum]) -> list[str]:
    version = API_VERSION.get()
    retired = RETIRED_VALUES.get(enum_cls.__name__, {})
    return [str(e.value) for e in enum_cls] + [
        v for v, last in retired.items() if version and version <= last
    ]


def _check(obj: Any, path: str, required: bool) -> None:
    if isinstance(obj, list):
        for i, item in enumerate(obj):
            _check(item, f"{path}[{i}]", required)
        return
    if not isinstance(obj, Model):
        return
    for attr in getattr(type(obj), "_subtype_map", None) or {}:
        if getattr(obj, attr, None) is None:
            known = sorted((type(obj)._subtype_map or {})[attr])
            where = f"{path}.@odata.type" if path else "@odata.type"
            raise ArmError(
                400,
                "InvalidRequestContent",
                f"'{where}' is missing or unknown for {type(obj).__name__}; "
                f"expected one of: {', '.join(known)}.",
                target=where,
            )
    enums = _enum_fields(type(obj))  # type: ignore[arg-type]
    rules = getattr(type(obj), "_validation", {})
    for attr, spec in type(obj)._attribute_map.items():
        value = getattr(obj, attr, None)
        where = f"{path}.{spec['key']}" if path else spec["key"]
        rule = rules.get(attr, {})
        if value is None:
            if (
                required
                and rule.get("required")
                and not rule.get("readonly")
                and spec["key"] != "@odata\\.type"
            ):
                raise ArmError(
                    400,
                    "InvalidRequestContent",
                    f"The request content is invalid: required property '{where}' is missing.",
                    target=where,
                )
            continue
        enum_cls = enums.get(attr)
        if enum_cls is not None:
            values = value if isinstance(value, list) else [value]
            allowed = _allowed(enum_cls)
            for v in values:
                text = v.value if isinstance(v, enum.Enum) else str(v)
                if text.lower() not in {a.lower() for a in allowed}:
                    raise ArmError(
                        400,
                        "InvalidPropertyValue",
                        f"The value '{text}' of property '{where}' is invalid. Allowed values: "
                        f"{', '.join(allowed)}.",
                        target=where,
                    )
        else:
            _check(value, where, required)


# Required properties that the flattened SDK models do not mark as required (from the REST specs);
# "<path>@<version>": required from that api-version on (2018-06-01-preview took an endpoint without
# scaleUnits: recording test_ams_streaming_endpoint_start_stop).
REQUIRED: dict[str, list[str]] = {
    "LiveEvent": ["properties.input"],
    "LiveOutput": ["properties.assetName", "properties.archiveWindowLength"],
    "StreamingEndpoint": ["properties.scaleUnits@2018-07-01"],
    "Transform": ["properties.outputs"],
    "Job": ["properties.input", "properties.outputs"],
    "StreamingLocator": ["properties.assetName", "properties.streamingPolicyName"],
    "ContentKeyPolicy": ["properties.options"],
    "AssetTrack": ["properties.track"],
}


@cache
def defines(model_name: str, wire_key: str) -> bool:
    """Whether the SDK model has a member at ``wire_key`` (e.g. ``properties.created``)."""
    attrs = getattr(sdk_models, model_name)._attribute_map.values()
    return any(a["key"] == wire_key for a in attrs)


def lookup(doc: dict[str, Any], dotted: str) -> Any:
    cur: Any = doc
    for part in dotted.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


def parse(model_name: str, body: Any, *, partial: bool = False) -> dict[str, Any]:
    """Validate ``body`` against SDK model ``model_name`` and return its canonical wire form.

    Unknown properties are dropped, read-only properties are dropped. ``partial`` skips the
    required-property check (PATCH bodies).
    """
    cls = getattr(sdk_models, model_name)
    if not isinstance(body, dict):
        raise ArmError(
            400,
            "InvalidRequestContent",
            "The request content was invalid and could not be "
            f"deserialized: expected a JSON object for '{model_name}'.",
        )
    try:
        model = cls.deserialize(body)
    except (DeserializationError, ValueError, TypeError, AttributeError, KeyError) as exc:
        raise ArmError(
            400,
            "InvalidRequestContent",
            f"The request content was invalid and could not be deserialized: {exc}",
        ) from exc
    if model is None:
        raise ArmError(400, "InvalidRequestContent", "The request content was empty.")
    _check(model, "", not partial)
    out = model.serialize(keep_readonly=False)
    out = out if isinstance(out, dict) else {}
    limits.check(model_name, out)
    if not partial:
        version = API_VERSION.get()
        for entry in REQUIRED.get(model_name, []):
            dotted, _, since = entry.partition("@")
            if since and version and version < since:
                continue
            if lookup(out, dotted) is None:
                raise ArmError(
                    400,
                    "InvalidRequestContent",
                    f"The request content is invalid: required property '{dotted}' is missing.",
                    target=dotted,
                )
    return out
