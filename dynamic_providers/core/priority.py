"""The engine's one-at-a-time calls go first in the provider process.

The engine checks (and, for existing resources, diffs) registrations one at a time: the next Check is
sent only when the last one has answered. When a wave of registrations arrives (everything waiting for the
account, say) the dynamic-provider process is also starting the creates of those already checked, and
every Check waits for the interpreter behind their HTTP work. Measured at 8 live events, those Checks took
three times as long as their own code, and the last live event of the wave was checked, and its chain of
long-running operations started, seconds late (issue 11).

So a Check or Diff marks itself as a serial call (:func:`serial_call`, wrapped around those two server
handlers by ``server_pool``), and every other call yields to it at its own safe points: the start of a
Create, Update, Delete or Read, and each SDK request and response (:func:`yield_to_serial_calls`, the
clients' request and response hooks). They wait until no serial call has run for ``QUIET`` seconds, so a
wave of Checks runs through before the creates it started take the interpreter back, and never longer
than ``MAX_WAIT`` seconds at one point, so nothing starves. Nothing is ordered differently when no serial
call is in flight: the fast path reads one integer."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

QUIET = 0.02  # seconds without a serial call before others go on (longer than the engine's gap between two)
MAX_WAIT = 0.5  # the longest one call waits at one point

_cond = threading.Condition()
_serial = 0  # serial calls in flight
_last_end = 0.0  # time.monotonic() when the last one ended
_waiting = 0  # calls waiting at a yield point (for tests)
_local = threading.local()


@contextmanager
def serial_call() -> Iterator[None]:
    """Mark the current call as one the engine waits for before sending the next."""
    global _serial, _last_end
    with _cond:
        _serial += 1
    _local.serial = True
    try:
        yield
    finally:
        _local.serial = False
        with _cond:
            _serial -= 1
            _last_end = time.monotonic()
            if not _serial:
                _cond.notify_all()


def serial(handler: Callable[..., Any]) -> Callable[..., Any]:
    """A gRPC method handler run as a serial call."""

    def run(request: Any, context: Any) -> Any:
        with serial_call():
            return handler(request, context)

    return run


def yielding(handler: Callable[..., Any]) -> Callable[..., Any]:
    """A gRPC method handler that first lets serial calls in flight finish."""

    def run(request: Any, context: Any) -> Any:
        yield_to_serial_calls()
        return handler(request, context)

    return run


def yield_to_serial_calls(*_: Any, max_wait: float = MAX_WAIT) -> None:
    """Wait while a serial call runs or ran less than QUIET seconds ago (at most `max_wait` seconds); a
    serial call itself never waits. Takes and ignores arguments: it is also the SDK clients' request and
    response hook."""
    global _waiting
    if not _serial and time.monotonic() - _last_end >= QUIET:
        return
    if getattr(_local, "serial", False):
        return
    deadline = time.monotonic() + max_wait
    with _cond:
        _waiting += 1
        try:
            while (left := deadline - time.monotonic()) > 0:
                if _serial:
                    _cond.wait(left)
                    continue
                quiet_left = QUIET - (time.monotonic() - _last_end)
                if quiet_left <= 0:
                    return
                _cond.wait(min(left, quiet_left))
        finally:
            _waiting -= 1


def waiting() -> int:
    """How many calls wait at a yield point now."""
    return _waiting
