"""End the dynamic-provider process when the engine that started it is gone.

The engine runs every dynamic resource in one ``python -m pulumi.dynamic`` process, started through a
shell script that does not ``exec``. When the CLI is killed (SIGKILL, an evicted pipeline pod, a runner
timeout) nobody stops that process: it would finish its in-flight creates and deletes long after the
run is over, racing the next run. The watchdog polls the engine's gRPC health service (the address the
engine passed on our command line, as upstream plugins do) and our parent process, and exits at once
when either is gone, abandoning in-flight operations exactly as a kill of the CLI alone would.

It also ends the process at once when the engine stops it. At the end of every command the engine
interrupts the provider process and waits for it (and kills it after 5 s); the server stops, then the
interpreter tears down every module and collects its whole heap (the SDK's thousands of model classes): a
tenth of a second or more of every `up`, and on a loaded runner the whole 5 s. Nothing is left to do by
then (the server has stopped, every answer was sent), so an ``atexit`` hook flushes the standard streams and
leaves with ``os._exit``."""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading

import grpc

CHECK_INTERVAL = 1.0  # seconds between checks
_HEALTH_CHECK = "/grpc.health.v1.Health/Check"  # an empty HealthCheckRequest is zero bytes
_started = threading.Lock()
_running = False


def engine_address(argv: list[str]) -> str | None:
    """The engine address: the last positional argument the engine passes to a provider plugin."""
    positional = [a for a in argv[1:] if not a.startswith("-")]
    return positional[-1] if positional else None


def engine_alive(channel: grpc.Channel) -> bool:
    """False only when the engine's server is unreachable; a slow or health-less engine counts as alive."""
    check = channel.unary_unary(_HEALTH_CHECK)
    try:
        check(b"", timeout=10)
    except grpc.RpcError as err:
        return err.code() != grpc.StatusCode.UNAVAILABLE  # type: ignore[attr-defined]
    return True


def _watch(address: str, parent: int) -> None:
    stop = threading.Event()
    with grpc.insecure_channel(address) as channel:
        misses = 0
        while not stop.wait(CHECK_INTERVAL):
            if os.getppid() != parent:
                break
            misses = 0 if engine_alive(channel) else misses + 1
            if misses >= 2:  # one refused connection could be a blip; two a second apart are not
                break
    os._exit(1)  # no cleanup: the engine is gone, nothing we still do would be recorded


def _exit_without_teardown() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(0)


def start() -> None:
    """Start the watchdog once, and only inside the engine-launched provider process."""
    global _running
    main = sys.modules.get("__main__")
    if getattr(getattr(main, "__spec__", None), "name", None) != "pulumi.dynamic.__main__":
        return
    address = engine_address(sys.argv)
    with _started:
        if _running or address is None:
            return
        _running = True
    atexit.register(_exit_without_teardown)  # registered last, so it runs first
    threading.Thread(target=_watch, args=(address, os.getppid()), name="engine-watchdog", daemon=True).start()
