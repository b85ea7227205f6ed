"""Per-live-event sequencing.

Every long-running operation on a live event or any of its live outputs holds one lock keyed by the live
event's resource ID: a process-wide threading lock (the worker threads of one provider process) backed by
an ``fcntl.flock`` file lock in a shared lock directory (several provider processes, e.g. when resources are
spread over more than one process). Different live events use different keys and proceed in parallel."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import threading
from collections.abc import Iterator

from .trace import span

_GUARD = threading.Lock()
_THREAD_LOCKS: dict[str, threading.Lock] = {}


def _thread_lock(key: str) -> threading.Lock:
    with _GUARD:
        lk = _THREAD_LOCKS.get(key)
        if lk is None:
            lk = _THREAD_LOCKS[key] = threading.Lock()
        return lk


def lock_file(lock_dir: str, key: str) -> str:
    digest = hashlib.sha256(key.lower().encode()).hexdigest()[:32]
    return os.path.join(lock_dir, f"liveevent-{digest}.lock")


@contextlib.contextmanager
def entity_lock(key: str | None, lock_dir: str) -> Iterator[None]:
    """Hold the lock for `key` (case-insensitive ARM id); no-op when key is None."""
    if not key:
        yield
        return
    norm = key.lower()
    tl = _thread_lock(norm)
    with contextlib.ExitStack() as held:
        with span("lock-wait", norm):
            held.enter_context(tl)
            os.makedirs(lock_dir, exist_ok=True)
            fd = os.open(lock_file(lock_dir, norm), os.O_RDWR | os.O_CREAT, 0o600)
            held.callback(os.close, fd)
            fcntl.flock(fd, fcntl.LOCK_EX)
            held.callback(fcntl.flock, fd, fcntl.LOCK_UN)
        yield
