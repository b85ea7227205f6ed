"""One-line, actionable errors.

The Python dynamic-provider servicer reports ``traceback.format_exc()`` as the error message, so every
public provider method funnels exceptions through :func:`short_raise`, which re-raises a :class:`MediaError`
whose traceback is cut down to the wrapper frame and whose message is a single line."""

from __future__ import annotations

import re
import sys
from typing import Any, NoReturn

_HINTS = {
    401: "check the credentials (azure-native:clientId/clientSecret or ARM_* variables) "
    "and the authority host",
    403: "the principal lacks a role for this action: grant Contributor or a Media Services role "
    "(e.g. Media Services Account Administrator) on the account",
    404: "the parent resource does not exist yet; create it first (or fix the names)",
    409: "the service refuses this in the entity's current state and re-running alone will not help: "
    "resolve what the message names first",
    412: "a precondition failed (e.g. CDN not available in the region)",
    429: "ARM throttled the request; re-run later",
}


PARENT_GONE_HINT = (
    "the parent was deleted since the state was written (by another run or by hand); "
    "`pulumi refresh` drops what went with it"
)

# 409s that waiting does fix (another operation holds the entity); every other 409 is a state error.
TRANSIENT_409 = ("inprogress", "progress", "busy", "transition")
# Wrong-state 409s with a specific remedy (emulator codes; the real service's codes are unpublished).
_STATE_HINTS = {
    "liveeventhasliveoutputs": "the live event still has live outputs: declare the channel's run state "
    "(the provider stops it with removeOutputsOnStop, keeping the archive assets) or delete the outputs "
    "first",
    "liveeventnotstopped": "stop the live event first: declare run_state 'Stopped' (or remove it from the "
    "program, which stops it before deleting)",
    "liveeventinvalidstate": "the action is not allowed from the live event's current state: declare the "
    "run state you want and let the provider choose the transitions",
    "streamingendpointnotstopped": "stop the streaming endpoint first: declare run_state 'Stopped' (CDN and "
    "Standard<->Premium changes on a running endpoint are applied with a stop/start by the provider)",
}


def is_transient_409(code: str) -> bool:
    return any(w in code.lower() for w in TRANSIENT_409)


def conflict_hint(code: str) -> str:
    """The hint for a 409: wait for operations in progress; otherwise what to change."""
    if is_transient_409(code):
        return "another operation is in progress on the entity (or its live event); wait and re-run"
    return _STATE_HINTS.get(code.lower(), _HINTS[409])


class MediaError(Exception):
    """An error whose message is one actionable line (no secrets, no newlines)."""

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


def one_line(text: Any, limit: int = 1000) -> str:
    s = re.sub(r"\s+", " ", str(text)).strip()
    return s if len(s) <= limit else s[: limit - 3] + "..."


def translate(exc: BaseException, what: str) -> MediaError:
    """Turn an SDK/identity exception into a MediaError naming code, message, resource and a hint."""
    if isinstance(exc, MediaError):
        return exc if str(exc).startswith(what) else MediaError(f"{what}: {exc}")
    from azure.core.exceptions import ClientAuthenticationError, HttpResponseError

    if isinstance(exc, ClientAuthenticationError) and getattr(exc, "status_code", None) in (None, 0):
        return MediaError(f"{what}: authentication failed ({one_line(exc.message, 300)}); {_HINTS[401]}")
    if isinstance(exc, HttpResponseError):
        status = exc.status_code or 0
        err = getattr(exc, "error", None)
        code = getattr(err, "code", None) or (exc.reason or "HttpError")
        message = getattr(err, "message", None) or exc.message or ""
        message = one_line(message, 900)
        message = re.sub(r"^\(\w+\)\s*", "", message)
        if 200 <= status < 300:
            # the status poll answered 200 with status Failed: the long-running operation itself failed
            return MediaError(f"{what}: the operation failed: {code}: {message or 'no message'}")
        hint = _HINTS.get(status, "")
        if code == "ParentResourceNotFound" or (status == 404 and "parent" in message.lower()):
            # A read or delete found its parent gone: it existed when the state was written.
            gone = what.startswith(("read ", "delete "))
            hint = PARENT_GONE_HINT if gone else _HINTS[404]
        elif status == 404:
            hint = "the entity was not found"
        elif status == 409:
            details = [getattr(d, "code", None) for d in (getattr(err, "details", None) or [])]
            hint = conflict_hint(next((str(d) for d in details if d), str(code)))
        head = f"{what}: {code} (HTTP {status})" + (f" [hint: {hint}]" if hint else "")
        return MediaError(f"{head}: {one_line(message, max(120, 900 - len(head)))}")
    name = type(exc).__name__
    return MediaError(f"{what}: {name}: {one_line(exc, 400)}")


def short_raise(exc: BaseException, what: str) -> NoReturn:
    err = translate(exc, what)
    raise err.with_traceback(None) from None


class _ConciseTraceback:
    """Stands in for the `traceback` module inside Pulumi's dynamic-provider server.

    The server (pulumi/dynamic/__main__.py, run as ``__main__``) reports every provider exception as
    ``traceback.format_exc()``. A :class:`MediaError` is already one actionable line, so it is reported
    as that line alone; anything else keeps its full traceback, which is what a bug report needs."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def format_exc(self, *args: Any, **kwargs: Any) -> str:
        exc = sys.exc_info()[1]
        if isinstance(exc, MediaError):
            return f"{type(exc).__name__}: {exc}"
        return str(self._real.format_exc(*args, **kwargs))


def install_concise_errors() -> None:
    """Make the provider process report MediaErrors without a traceback. A no-op anywhere else
    (tests, the program process) and if the server's internals ever change shape."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if main is None or getattr(spec, "name", None) != "pulumi.dynamic.__main__":
        return
    current = getattr(main, "traceback", None)
    if current is None or isinstance(current, _ConciseTraceback):
        return
    if not hasattr(main, "_abort_with_traceback"):
        return
    main.traceback = _ConciseTraceback(current)  # type: ignore[attr-defined]
