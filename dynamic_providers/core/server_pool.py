"""Lift the 4-worker cap of the dynamic-provider server.

Pulumi serves every dynamic resource from one ``python -m pulumi.dynamic`` process whose gRPC server runs on
``ThreadPoolExecutor(max_workers=4)``. A Media Services LRO holds its worker for minutes, and sibling live
outputs hold one just to wait for their live event's lock, so four of them stall every other event and the
engine's check and diff calls. Raising ``_max_workers`` is not enough: the pool only starts a thread when its
idle semaphore is empty, and that semaphore counts finished calls, not idle threads, so after a burst of
short calls it stops growing.

:func:`install` (called from ``configure()``, which the server runs in its own process) swaps the server's
pool for :class:`ElasticExecutor`, which starts every call at once: on an idle worker, or on a new one. The
number of operations in flight is then bounded by the engine's ``--parallel`` and the providers' own
sequencing (the per-live-event locks), not by threads. If the server ever changes shape, nothing is
swapped and one warning says so; the providers still work, four calls at a time."""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable
from concurrent import futures
from typing import Any

IDLE_SECONDS = 60.0  # an idle worker retires after this long (its thread-local SDK client goes with it)
_install_lock = threading.Lock()
_state: dict[str, str] = {}  # "outcome": "installed" | "not-provider-process" | "unsupported: ..."


class ElasticExecutor(futures.Executor):
    """An executor whose submitted calls never wait for a worker.

    ``_idle`` counts workers waiting for work that no queued call has claimed yet; submit claims one or
    starts a new worker, so there are always at least as many waiting workers as queued calls."""

    def __init__(self, name: str = "media-rpc") -> None:
        self._name = name
        self._queue: queue.SimpleQueue[tuple[futures.Future[Any], Callable[..., Any], Any, Any] | None] = (
            queue.SimpleQueue()
        )
        self._lock = threading.Lock()
        self._idle = 0
        self._workers = 0
        self._peak = 0
        self._shutdown = False

    @property
    def peak_workers(self) -> int:
        return self._peak

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> futures.Future[Any]:
        future: futures.Future[Any] = futures.Future()
        with self._lock:
            if self._shutdown:
                raise RuntimeError("cannot schedule new calls after shutdown")
            self._queue.put((future, fn, args, kwargs))
            if self._idle:
                self._idle -= 1
            else:
                self._workers += 1
                self._peak = max(self._peak, self._workers)
                threading.Thread(target=self._work, name=f"{self._name}-{self._workers}", daemon=True).start()
        return future

    def _work(self) -> None:
        while True:
            try:
                item = self._queue.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._lock:
                    if not self._idle:  # every waiting worker is claimed: a call is on its way
                        continue
                    self._idle -= 1
                    self._workers -= 1
                return
            if item is None:
                with self._lock:
                    self._workers -= 1
                return
            future, fn, args, kwargs = item
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(*args, **kwargs))
                except BaseException as exc:  # noqa: BLE001 - handed to the caller, as ThreadPoolExecutor does
                    future.set_exception(exc)
            del item, future, fn, args, kwargs
            with self._lock:
                self._idle += 1

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._shutdown = True
            for _ in range(self._workers):
                self._queue.put(None)


def _server_of_main(main: Any) -> Any:
    """The grpc server object held by the running ``main()`` of pulumi/dynamic/__main__.py."""
    code = getattr(getattr(main, "main", None), "__code__", None)
    ident = threading.main_thread().ident
    frame = sys._current_frames().get(ident) if ident is not None else None
    while frame is not None:
        if frame.f_code is code:
            return frame.f_locals.get("server")
        frame = frame.f_back
    return None


def _warn(reason: str) -> None:
    # The engine shows the provider process's stderr as diagnostics.
    print(
        f"warning: ams-media providers: could not lift the dynamic-provider server's worker cap ({reason}); "
        "operations run at most 4 at a time",
        file=sys.stderr,
        flush=True,
    )


def install() -> str:
    """Swap the provider server's thread pool for an ElasticExecutor, once per process.

    Returns the outcome. A no-op outside the engine-launched provider process (tests, the program)."""
    with _install_lock:
        if "outcome" in _state:
            return _state["outcome"]
        main = sys.modules.get("__main__")
        if getattr(getattr(main, "__spec__", None), "name", None) != "pulumi.dynamic.__main__":
            _state["outcome"] = "not-provider-process"
            return _state["outcome"]
        outcome = _swap(main)
        _state["outcome"] = outcome
        if outcome != "installed":
            _warn(outcome.removeprefix("unsupported: "))
        return outcome


def _swap(main: Any) -> str:
    server = _server_of_main(main)
    state: Any = getattr(server, "_state", None)
    old = getattr(state, "thread_pool", None)
    lock = getattr(state, "lock", None)
    if server is None:
        return "unsupported: no grpc server found in pulumi.dynamic's main()"
    if state is None or not isinstance(old, futures.ThreadPoolExecutor) or lock is None:
        return f"unsupported: unknown server internals ({type(server).__name__})"
    new = ElasticExecutor()
    with lock:  # the serving thread reads state.thread_pool under this lock for every call
        state.thread_pool = new
    # Calls already queued on the old pool move over; its workers finish their current call and exit.
    pending = getattr(old, "_work_queue", None)
    if isinstance(pending, queue.SimpleQueue):
        while True:
            try:
                item = pending.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                new.submit(item.run)
    old.shutdown(wait=False)
    return "installed"
