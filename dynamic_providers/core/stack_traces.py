"""Keep only the program's own frames in the registration stack traces the state stores.

With the file and azblob backends the engine rewrites the whole stack state at the start and at the end of
every step, one write at a time, so each step of a large stage waits for writes whose size grows with the
stage (issue 11: a third of an 8-live-event `up` went to them). The Python SDK records every frame of
each registration, and most are the SDK's event loop, the language host, the standard library and the
resource classes' own constructors: about a third of the state. Kept: the frames of the program (and of
components written in it), so ``sourcePosition`` names the line that declared the resource.

:func:`install` wraps the SDK's ``pulumi.runtime.resource._get_stack_trace`` once per program process; if
that function is not there (another SDK), nothing changes."""

from __future__ import annotations

import functools
import sysconfig
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

_PACKAGE = Path(__file__).resolve().parent.parent  # dynamic_providers/: the resource classes
_LIBRARY = tuple(
    str(Path(p).resolve()) for p in {sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"]}
)
_installed = threading.Lock()
_done: list[bool] = []


@functools.cache  # every registration repeats the same few files; resolving them is file-system work
def program_frame(uri: str) -> bool:
    """Whether a frame's source position (a file: URI) is in the program rather than the machinery."""
    if not uri.startswith("file:"):
        return False
    path = unquote(urlparse(uri).path)
    if "/site-packages/" in path or path.endswith("pulumi-language-python-exec"):
        return False
    resolved = str(Path(path).resolve())
    return not resolved.startswith(_LIBRARY) and not resolved.startswith(str(_PACKAGE) + "/")


def trim(stack: Any) -> Any:
    frames = [f for f in stack.frames if f.HasField("pc") and program_frame(f.pc.uri)]
    return type(stack)(frames=frames)


def install() -> None:
    with _installed:
        if _done:
            return
        _done.append(True)
        try:
            from pulumi.runtime import resource as sdk
        except ImportError:
            return
        original = getattr(sdk, "_get_stack_trace", None)
        if not callable(original):
            return

        def trimmed() -> Any:
            stack = original()
            try:
                return trim(stack)
            except Exception:  # noqa: BLE001 - an unknown shape keeps the SDK's trace
                return stack

        sdk._get_stack_trace = trimmed
