"""Timings of the provider's calls, for `make bench` (off unless MEDIA_TRACE_FILE is set).

Each finished span is one JSON line appended to the file: what ran (an engine call such as check or
create, a wait for a live event's lock, a long-running operation from its begin_* call to its result),
for which entity, and its wall-clock start and end. The engine starts the provider process with the CLI's
environment, so the benchmark sets the variable for the CLI and reads the file afterwards."""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator

ENV = "MEDIA_TRACE_FILE"
_write_lock = threading.Lock()


@contextlib.contextmanager
def span(kind: str, what: str | Callable[[], str]) -> Iterator[None]:
    """Time the block; `what` (or what it returns, computed only when tracing) names the entity."""
    path = os.environ.get(ENV)
    if not path:
        yield
        return
    start = time.time()
    try:
        yield
    finally:
        label = what if isinstance(what, str) else what()
        line = (
            json.dumps(
                {
                    "kind": kind,
                    "what": label,
                    "start": start,
                    "end": time.time(),
                    "thread": threading.get_ident(),
                    "pid": os.getpid(),
                }
            )
            + "\n"
        )
        with _write_lock, open(path, "a", encoding="utf-8") as f:
            f.write(line)
