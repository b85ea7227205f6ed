"""Send the SDK's debug messages without stopping the program's event loop for each one.

The Python SDK logs four or five debug messages per resource registration ("registering resource", "beginning
rpc", "prepared", "successful") and sends each as a blocking gRPC call to the engine on the program's single
event loop: at 8 live events about 450 round trips, most of them in the burst of registrations that follows
the account, each delaying the next registration (issue 11). The CLI shows them only with ``--debug``; they
are sent either way.

:func:`install` replaces ``pulumi.log.debug`` once per program process: a message not attached to a
resource is queued, and one sender thread makes the same blocking calls in the same order (the engine
receives and shows each one with ``--debug``, as before); at exit the process waits for the queue to drain.
A message attached to a resource (already asynchronous in the SDK), or an SDK without the expected shape,
goes the SDK's own way."""

from __future__ import annotations

import atexit
import contextlib
import queue
import threading
from collections.abc import Callable
from typing import Any

from .once import once

FLUSH_SECONDS = 5.0  # at exit, how long the messages still queued may take
_queue: queue.SimpleQueue[Callable[[], Any] | threading.Event] = queue.SimpleQueue()


def _send_in_order() -> None:
    while True:
        item = _queue.get()
        if isinstance(item, threading.Event):
            item.set()
            continue
        with contextlib.suppress(Exception):  # a debug line lost to an engine gone away is not a failure
            item()


def flush(timeout: float = FLUSH_SECONDS) -> bool:
    """Wait (at most `timeout` seconds) for the debug messages queued so far to be sent."""
    drained = threading.Event()
    _queue.put(drained)
    return drained.wait(timeout)


@once
def install() -> None:
    try:
        from pulumi import log
        from pulumi.runtime.proto import engine_pb2
    except ImportError:
        return
    sdk_debug = getattr(log, "debug", None)
    get_engine = getattr(log, "get_engine", None)
    if not callable(sdk_debug) or not callable(get_engine) or not hasattr(engine_pb2, "LogRequest"):
        return

    def debug(
        msg: str, resource: Any = None, stream_id: int | None = None, ephemeral: bool | None = None
    ) -> None:
        engine = get_engine()
        send = getattr(engine, "Log", None)
        if resource is not None or not callable(send):
            sdk_debug(msg, resource, stream_id, ephemeral)
            return
        req = engine_pb2.LogRequest(
            severity=engine_pb2.DEBUG,
            message=msg,
            urn="",
            streamId=stream_id or 0,
            ephemeral=bool(ephemeral),
        )
        _queue.put(lambda: send(req))

    threading.Thread(target=_send_in_order, name="pulumi-debug-log", daemon=True).start()
    log.debug = debug
    atexit.register(flush)
