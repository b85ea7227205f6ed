"""Keep only the program's own frames in the registration stack traces the state stores.

With the file and azblob backends the engine rewrites the whole stack state at the start and at the end of
every step, one write at a time, so each step of a large stage waits for writes whose size grows with the
stage (issue 11: a third of an 8-live-event `up` went to them). The Python SDK records every frame of
each registration, and most are the SDK's event loop, the language host, the standard library and the
resource classes' own constructors: about a third of the state. Kept: the frames of the program (and of
components written in it), so ``sourcePosition`` names the line that declared the resource.

:func:`install` replaces the SDK's ``pulumi.runtime.resource._get_stack_trace`` once per program process
with :func:`program_stack_trace`, which walks the live frames instead of ``traceback.extract_stack`` (that
reads every frame's source line, twice per registration: a tenth of a second of the program's single
event loop at 8 live events). If the SDK has no such function or no ``StackTrace`` message (another
SDK), nothing changes."""

from __future__ import annotations

import functools
import sys
import sysconfig
from pathlib import Path
from types import FrameType
from typing import Any

from .once import once

_PACKAGE = str(Path(__file__).resolve().parent.parent) + "/"  # dynamic_providers/: the resource classes
_LIBRARY = tuple(
    str(Path(p).resolve()) for p in {sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"]}
)


@functools.cache  # every registration repeats the same few files; resolving them is file-system work
def program_file_uri(filename: str) -> str | None:
    """The file: URI of a frame's file when it is the program's, None for the machinery (the SDK, the
    standard library, installed packages, the language host, these resource classes)."""
    if not filename or filename.startswith("<") or "/site-packages/" in filename:
        return None
    if filename.endswith("pulumi-language-python-exec"):
        return None
    path = Path(filename).resolve()
    resolved = str(path)
    if resolved.startswith(_LIBRARY) or resolved.startswith(_PACKAGE):
        return None
    return path.as_uri()


def program_stack_trace(source_pb2: Any, skip: int) -> Any:
    """The SDK's registration stack trace (innermost first, starting at the caller of the resource class's
    concrete ``__init__``: the third ``__init__`` up from here), reduced to the program's frames."""
    frame: FrameType | None = sys._getframe(skip)
    inits = 0
    while frame is not None and inits < 3:
        if frame.f_code.co_name == "__init__":
            inits += 1
        frame = frame.f_back
    frames = []
    while frame is not None:
        uri = program_file_uri(frame.f_code.co_filename)
        if uri is not None:
            pos = source_pb2.SourcePosition(uri=uri, line=frame.f_lineno)
            frames.append(source_pb2.StackFrame(pc=pos))
        frame = frame.f_back
    return source_pb2.StackTrace(frames=frames)


@once
def install() -> None:
    try:
        from pulumi.runtime import resource as sdk
        from pulumi.runtime.proto import source_pb2
    except ImportError:
        return
    if not callable(getattr(sdk, "_get_stack_trace", None)):
        return
    if not all(hasattr(source_pb2, m) for m in ("StackTrace", "StackFrame", "SourcePosition")):
        return
    sdk._get_stack_trace = lambda: program_stack_trace(source_pb2, skip=2)
