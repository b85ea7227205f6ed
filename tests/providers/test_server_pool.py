"""The executor that replaces the dynamic-provider server's 4-thread pool, and its safe fallback."""

from __future__ import annotations

import threading
import types
from concurrent import futures

from dynamic_providers.core import server_pool


def test_every_call_gets_a_worker_even_after_a_burst_of_short_calls():
    pool = server_pool.ElasticExecutor()
    # a burst of short calls first: ThreadPoolExecutor's idle count goes wrong exactly here
    for f in [pool.submit(lambda: None) for _ in range(50)]:
        f.result(timeout=30)
    parties = 40
    barrier = threading.Barrier(parties)
    calls = [pool.submit(barrier.wait, 60) for _ in range(parties)]  # returns once all 40 run
    assert sorted(f.result(timeout=120) for f in calls) == list(range(parties))
    assert pool.submit(lambda: 1 / 0).exception(timeout=30).__class__ is ZeroDivisionError
    pool.shutdown()


def test_an_unknown_server_shape_is_left_alone():
    fake_main = types.SimpleNamespace(main=lambda: None)  # no running main() frame holding a server
    assert server_pool._swap(fake_main).startswith("unsupported: ")


def test_swap_moves_queued_calls_and_replaces_the_pool():
    old = futures.ThreadPoolExecutor(max_workers=1)
    gate = threading.Event()
    old.submit(gate.wait, 30)
    queued = old.submit(lambda: "moved")  # waits behind the busy worker
    state = types.SimpleNamespace(thread_pool=old, lock=threading.RLock())
    server = types.SimpleNamespace(_state=state)
    main = types.SimpleNamespace(main=None)
    real = server_pool._server_of_main
    server_pool._server_of_main = lambda _main: server  # type: ignore[assignment]
    try:
        assert server_pool._swap(main) == "installed"
    finally:
        server_pool._server_of_main = real  # type: ignore[assignment]
    assert isinstance(state.thread_pool, server_pool.ElasticExecutor)
    assert queued.result(timeout=30) == "moved"  # ran on the new pool while the old worker was still busy
    gate.set()


def test_outside_the_provider_process_nothing_happens():
    assert server_pool.install() == "not-provider-process"
