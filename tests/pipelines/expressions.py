"""The expression language both CI systems use, as far as our pipeline files need it: GitHub's
`${{ a.b && x == 'y' }}` / `if: failure()` and Azure DevOps' `eq(variables['Build.Reason'], 'Schedule')`.
Names and string comparisons are case-insensitive in both; a context marked `Required` fails loudly on a
missing key (GitHub would substitute an empty string, which is exactly the bug a test must catch)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>\d+(?:\.\d+)?)|(?P<op>&&|\|\||==|!=|[!(),.\[\]])"
    r"|(?P<id>[A-Za-z_][A-Za-z0-9_\-]*))"
)


class Required(dict[str, Any]):
    """A context whose every key must be defined (secrets, vars, parameters)."""

    def __init__(self, name: str, values: Mapping[str, Any]) -> None:
        super().__init__(values)
        self.name = name


class ExpressionError(ValueError):
    pass


def lookup(obj: Any, key: str) -> Any:
    if not isinstance(obj, Mapping):
        return None
    for k, v in obj.items():
        if str(k).lower() == key.lower():
            return v
    if isinstance(obj, Required):
        raise ExpressionError(f"{obj.name}.{key} is not defined")
    return None


def _eq(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    return bool(a == b)


def _truthy(v: Any) -> bool:
    return v not in (None, False, "", 0)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "eq": _eq,
    "ne": lambda a, b: not _eq(a, b),
    "and": lambda *a: all(_truthy(x) for x in a),
    "or": lambda *a: any(_truthy(x) for x in a),
    "not": lambda a: not _truthy(a),
    "in": lambda x, *options: any(_eq(x, o) for o in options),
    "notin": lambda x, *options: not any(_eq(x, o) for o in options),
    "contains": lambda hay, needle: str(needle).lower() in str(hay).lower(),
    "startswith": lambda s, p: str(s).lower().startswith(str(p).lower()),
}


class _Parser:
    def __init__(self, text: str, context: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]):
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(text.rstrip()):
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise ExpressionError(f"cannot parse {text!r} at {pos}")
            kind = m.lastgroup or ""
            self.tokens.append((kind, m.group(kind)))
            pos = m.end()
        self.i = 0
        self.context = context
        self.functions = {k.lower(): v for k, v in {**FUNCTIONS, **functions}.items()}

    def peek(self) -> str:
        return self.tokens[self.i][1] if self.i < len(self.tokens) else ""

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.i >= len(self.tokens) or (expected and self.tokens[self.i][1] != expected):
            raise ExpressionError(f"expected {expected or 'more'} at token {self.i}")
        self.i += 1
        return self.tokens[self.i - 1]

    def parse(self) -> Any:
        value = self.or_()
        if self.i != len(self.tokens):
            raise ExpressionError(f"unexpected {self.peek()!r}")
        return value

    def or_(self) -> Any:
        return self._chain("||", self.and_, lambda left, right: left if _truthy(left) else right)

    def and_(self) -> Any:
        return self._chain("&&", self.unary, lambda left, right: right if _truthy(left) else left)

    def _chain(self, op: str, operand: Callable[[], Any], combine: Callable[[Any, Any], Any]) -> Any:
        value = operand()
        while self.peek() == op:
            self.take()
            value = combine(value, operand())
        return value

    def unary(self) -> Any:
        if self.peek() == "!":
            self.take()
            return not _truthy(self.unary())
        left = self.primary()
        if self.peek() in ("==", "!="):
            op = self.take()[1]
            right = self.primary()
            return _eq(left, right) == (op == "==")
        return left

    def primary(self) -> Any:
        kind, text = self.take()
        if text == "(":
            value = self.or_()
            self.take(")")
            return value
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "num":
            return float(text) if "." in text else int(text)
        if kind != "id":
            raise ExpressionError(f"unexpected {text!r}")
        if text in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[text]
        if self.peek() == "(":
            self.take()
            args = []
            while self.peek() != ")":
                args.append(self.or_())
                if self.peek() == ",":
                    self.take()
            self.take(")")
            fn = self.functions.get(text.lower())
            if fn is None:
                raise ExpressionError(f"unknown function {text}()")
            return fn(*args)
        value = lookup(self.context, text)
        while self.peek() in (".", "["):
            if self.take()[1] == ".":
                value = lookup(value, self.take()[1])
            else:
                value = lookup(value, str(self.primary()))
                self.take("]")
        return value


def evaluate(
    text: str, context: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]] | None = None
) -> Any:
    return _Parser(text, context, functions or {}).parse()


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def interpolate(text: Any, context: Mapping[str, Any]) -> str:
    """Every `${{ expr }}` in text replaced by its value (template expressions of both systems)."""
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: as_text(evaluate(m.group(1), context)), str(text))
