"""Messages from the provider process to the Pulumi CLI: warnings at preview, progress of long operations.

The engine starts every resource plugin with its own gRPC address as the only argument
(`provider_plugin.go`: `newPlugin(..., []string{host.ServerAddr()}, ...)`) and the SDK's launcher passes it on
to `python -m pulumi.dynamic`, so the provider process can call the engine's `Log` RPC, as a native provider
does. The CLI shows such a message with its severity (`warning:` lines, the Diagnostics section); the
servicer does not pass the URN on to the provider, so each message names its entity. `pulumi.log` cannot do
this here: it has no engine in the provider process and prints to stderr, which the engine shows as info
text. Without an engine address (tests, the program process) messages go to stderr the same way."""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

from .errors import MediaError

_engine: Any = None
_engine_lock = threading.Lock()
_stderr_lock = threading.Lock()


def stderr_line(text: str) -> None:
    """One whole line on stderr. The engine turns each stderr line of the provider into one message, and
    `print` writes the text and its newline separately, so two threads printing at once could merge two
    messages into one line (a tagged line would then not start with its tag)."""
    with _stderr_lock:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()


def _engine_stub() -> Any:
    global _engine
    main = sys.modules.get("__main__")
    if getattr(getattr(main, "__spec__", None), "name", None) != "pulumi.dynamic.__main__":
        return None
    if len(sys.argv) < 2 or ":" not in sys.argv[1]:
        return None
    with _engine_lock:
        if _engine is None:
            import grpc
            from pulumi.runtime.proto import engine_pb2_grpc

            _engine = engine_pb2_grpc.EngineStub(grpc.insecure_channel(sys.argv[1]))
        return _engine


def say(message: str, *, warning: bool = False) -> None:
    """Show one line in the CLI output (never raises: a message must not fail an operation)."""
    try:
        stub = _engine_stub()
        if stub is not None:
            from pulumi.runtime.proto import engine_pb2

            severity = engine_pb2.WARNING if warning else engine_pb2.INFO
            stub.Log(engine_pb2.LogRequest(severity=severity, message=message))
            return
    except Exception:  # noqa: BLE001 - fall back to stderr
        pass
    stderr_line(("warning: " if warning else "info: ") + message)


class Progress:
    """Reports a long operation while it runs: the first report after `first` seconds, then every `every`."""

    def __init__(self, what: str, first: float = 2.0, every: float = 10.0) -> None:
        self.what, self.first, self.every = what, first, every
        self.started = time.monotonic()
        self._next = self.started + first

    def tick(self, state: str) -> None:
        now = time.monotonic()
        if now >= self._next:
            self._next = now + self.every
            say(f"{self.what}: {state}, {now - self.started:.0f} s elapsed")


def interruptions_problems(inputs: dict[str, Any]) -> list[tuple[str, str]]:
    if inputs.get("interruptions", "warn") in ("warn", "refuse"):
        return []
    return [("interruptions", "interruptions must be 'warn' or 'refuse'")]


def refuses_interruptions(inputs: dict[str, Any]) -> bool:
    return str(inputs.get("interruptions") or "warn") == "refuse"


def interruption(what: str, reason: str, inputs: dict[str, Any]) -> None:
    """A change that interrupts a running service: a warning at preview, or (interruptions="refuse") an
    error, so the preview fails before anything is written."""
    if refuses_interruptions(inputs):
        raise MediaError(
            f"{what}: refused: {reason}; this stage refuses interruptions (interruptions: refuse): make the "
            "change in a maintenance window with interruptions: warn, or keep the entity running"
        )
    say(f"{what}: {reason}", warning=True)


# Inputs that tell the provider how to behave, not what the entity is: never a reason to update.
BEHAVIOUR_INPUTS = ("interruptions",)
