"""A small OData subset: $filter (eq ne gt ge lt le, and/or, parentheses), $orderby, $top."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

from .errors import ArmError

_TOKEN = re.compile(
    r"\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<str>(?:[A-Za-z0-9_.]+)?'(?:[^']|'')*')|(?P<word>[A-Za-z0-9_/:.+\-]+))"
)
OPS = ("eq", "ne", "gt", "ge", "lt", "le")

# entity kind -> {field: allowed operators}; fields in ORDERABLE may be used in $orderby
FILTERS: dict[str, dict[str, tuple[str, ...]]] = {
    "asset": {
        "name": ("eq", "gt", "lt", "ge", "le"),
        "properties/alternateId": ("eq",),
        "properties/assetId": ("eq",),
        "properties/created": ("eq", "gt", "lt"),
    },
    "contentkeypolicy": {
        "name": OPS,
        "properties/created": OPS,
        "properties/lastModified": OPS,
        "properties/description": OPS,
        "properties/policyId": ("eq", "ne"),
    },
    "job": {
        "name": ("eq",),
        "properties/state": ("eq", "ne"),
        "properties/created": ("gt", "ge", "lt", "le"),
        "properties/lastModified": ("gt", "ge", "lt", "le"),
    },
    "streaminglocator": {"name": OPS, "properties/created": OPS, "properties/endTime": OPS},
    "streamingpolicy": {"name": OPS, "properties/created": OPS},
    "transform": {
        "name": ("eq",),
        "properties/created": ("gt", "ge", "lt", "le"),
        "properties/lastModified": ("gt", "ge", "lt", "le"),
    },
}
ORDERABLE: dict[str, tuple[str, ...]] = {
    "asset": ("name", "properties/created"),
    "contentkeypolicy": ("name", "properties/created", "properties/lastModified"),
    "job": ("name", "properties/created", "properties/lastModified"),
    "streaminglocator": ("name", "properties/created", "properties/endTime"),
    "streamingpolicy": ("name", "properties/created"),
    "transform": ("name", "properties/created", "properties/lastModified"),
}
TOP_ALLOWED = ("asset", "contentkeypolicy", "streaminglocator", "streamingpolicy")

Predicate = Callable[[dict[str, Any]], bool]


def _bad(msg: str) -> ArmError:
    return ArmError(400, "BadRequest", msg, target="$filter")


def field_value(item: dict[str, Any], path: str) -> Any:
    cur: Any = item
    for part in path.split("/"):
        if not isinstance(cur, dict):
            return None
        match = next((k for k in cur if k.lower() == part.lower()), None)
        cur = cur.get(match) if match else None
    return cur


def _as_datetime(value: Any) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.lower().startswith("datetime'") and text.endswith("'"):
        text = text[9:-1]
    if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return None
    text = text.replace("Z", "+00:00")
    m = re.match(r"^(.*\.\d{6})\d*(.*)$", text)
    if m:
        text = m.group(1) + m.group(2)
    try:
        dt = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=datetime.UTC)


def _compare(left: Any, op: str, right: Any) -> bool:
    if left is None:
        return op == "ne" if right is not None else op == "eq"
    ldt, rdt = _as_datetime(left), _as_datetime(right)
    a: Any
    b: Any
    if ldt is not None and rdt is not None:
        a, b = ldt, rdt
    elif isinstance(left, (int, float)) and not isinstance(left, bool):
        try:
            a, b = float(left), float(right)
        except (TypeError, ValueError):
            a, b = str(left), str(right)
    else:
        a, b = str(left).lower(), str(right).lower()
    return {"eq": a == b, "ne": a != b, "gt": a > b, "ge": a >= b, "lt": a < b, "le": a <= b}[op]


class _Parser:
    def __init__(self, text: str, kind: str) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise _bad(f"Invalid $filter expression near '{text[pos:]}'.")
            pos = m.end()
            group = m.lastgroup or ""
            self.tokens.append((group, m.group(group)))
        self.i = 0
        self.kind = kind

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise _bad("Unexpected end of $filter expression.")
        self.i += 1
        return tok

    def parse(self) -> Predicate:
        pred = self.expr()
        if self.peek() is not None:
            raise _bad(f"Unexpected token '{self.peek()[1]}' in $filter.")  # type: ignore[index]
        return pred

    def expr(self) -> Predicate:
        left = self.term()
        while (tok := self.peek()) and tok[0] == "word" and tok[1].lower() == "or":
            self.take()
            right = self.term()
            left = (lambda a, b: lambda it: a(it) or b(it))(left, right)
        return left

    def term(self) -> Predicate:
        left = self.factor()
        while (tok := self.peek()) and tok[0] == "word" and tok[1].lower() == "and":
            self.take()
            right = self.factor()
            left = (lambda a, b: lambda it: a(it) and b(it))(left, right)
        return left

    def factor(self) -> Predicate:
        tok = self.take()
        if tok[0] == "lp":
            inner = self.expr()
            if self.take()[0] != "rp":
                raise _bad("Missing ')' in $filter.")
            return inner
        if tok[0] != "word":
            raise _bad(f"Expected a property name in $filter, got '{tok[1]}'.")
        fld = tok[1]
        op = self.take()[1].lower()
        lit_tok = self.take()
        allowed = FILTERS.get(self.kind, {})
        canonical = next((f for f in allowed if f.lower() == fld.lower()), None)
        if canonical is None:
            raise _bad(f"Filtering on '{fld}' is not supported for this entity.")
        if op not in OPS or op not in allowed[canonical]:
            raise _bad(f"The operator '{op}' is not supported for '{canonical}'.")
        literal: Any = lit_tok[1]
        if lit_tok[0] == "str":
            literal = literal[literal.index("'") + 1 : -1].replace("''", "'")
        return lambda it: _compare(field_value(it, canonical), op, literal)


def apply(
    items: list[dict[str, Any]], kind: str, flt: str | None, orderby: str | None, top: str | None
) -> list[dict[str, Any]]:
    out = list(items)
    if flt:
        pred = _Parser(flt, kind).parse()
        out = [it for it in out if pred(it)]
    if orderby:
        for clause in reversed([c.strip() for c in orderby.split(",") if c.strip()]):
            parts = clause.split()
            fld = parts[0]
            desc = len(parts) > 1 and parts[1].lower() == "desc"
            canonical = next((f for f in ORDERABLE.get(kind, ()) if f.lower() == fld.lower()), None)
            if canonical is None:
                raise ArmError(400, "BadRequest", f"Ordering by '{fld}' is not supported.", target="$orderby")

            def key(it: dict[str, Any], c: str = str(canonical)) -> Any:
                v = field_value(it, c)
                dt = _as_datetime(v)
                return (0, dt.timestamp()) if dt else (1, str(v).lower() if v is not None else "")

            out.sort(key=key, reverse=desc)
    if top is not None:
        if kind not in TOP_ALLOWED:
            raise ArmError(400, "BadRequest", "$top is not supported for this entity.", target="$top")
        try:
            n = int(top)
        except ValueError as exc:
            raise ArmError(400, "BadRequest", f"Invalid $top value '{top}'.", target="$top") from exc
        if n < 0:
            raise ArmError(400, "BadRequest", f"Invalid $top value '{top}'.", target="$top")
        out = out[:n]
    return out
