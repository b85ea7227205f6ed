"""The engine's one-at-a-time calls (Check, Diff) go first in the provider process (core/priority.py)."""

from __future__ import annotations

import threading
import types

import grpc

from dynamic_providers.core import priority, server_pool
from tests.engine import wait_for


def _run_serial(release: threading.Event, order: list[str]) -> threading.Thread:
    inside = threading.Event()

    def check() -> None:
        with priority.serial_call():
            inside.set()
            release.wait(30)
            order.append("check answered")

    t = threading.Thread(target=check)
    t.start()
    inside.wait(30)
    return t


def test_a_create_waits_at_its_next_request_until_the_check_in_flight_has_answered():
    release, order = threading.Event(), list[str]()
    check = _run_serial(release, order)

    def create_request() -> None:
        priority.yield_to_serial_calls(max_wait=60)
        order.append("create")

    create = threading.Thread(target=create_request)
    create.start()
    wait_for(lambda: priority.waiting() == 1, "the create to wait at its yield point", timeout=30)
    release.set()
    check.join(30)
    create.join(30)
    assert order == ["check answered", "create"]


def test_a_serial_call_never_waits_for_itself_and_nothing_waits_longer_than_its_bound():
    release, order = threading.Event(), list[str]()
    check = _run_serial(release, order)
    try:
        with priority.serial_call():  # a Check that makes its own request (adoption preview) goes on
            priority.yield_to_serial_calls(max_wait=60)
        priority.yield_to_serial_calls(max_wait=0.05)  # a check that never ends cannot hold others forever
        assert order == []
    finally:
        release.set()
        check.join(30)


def test_the_server_handlers_of_check_and_diff_are_wrapped_and_the_others_yield():
    import types

    import grpc

    seen: list[tuple[str, bool]] = []

    def handler(name: str) -> grpc.RpcMethodHandler:
        def run(request: object, context: object) -> str:
            seen.append((name, bool(getattr(priority._local, "serial", False))))
            return name

        return grpc.unary_unary_rpc_method_handler(run)

    methods = ("Check", "Diff", "Create", "Update", "Delete", "Read", "Configure")
    generic = grpc.method_handlers_generic_handler(
        "pulumirpc.ResourceProvider", {m: handler(m) for m in methods}
    )
    state = types.SimpleNamespace(generic_handlers=[generic], lock=threading.RLock())
    assert server_pool._prioritize(state)
    for m in methods:
        details = types.SimpleNamespace(method=f"/pulumirpc.ResourceProvider/{m}")
        assert generic.service(details).unary_unary(None, None) == m
    assert seen == [(m, m in ("Check", "Diff")) for m in methods]


def test_an_unknown_handler_table_is_left_alone():
    state = types.SimpleNamespace(generic_handlers=[object()], lock=threading.RLock())
    assert not server_pool._prioritize(state)
