"""Let the program's last wait for its outputs be one wait, not one per output.

When every registration has returned, the Python SDK's ``wait_for_rpcs`` waits for the program's remaining
output tasks with ``asyncio.wait(pending, return_when=FIRST_COMPLETED)`` in a loop: each pass adds and
removes a done-callback on every pending task and returns after the first one finishes, so the passes cost
the square of the outputs (at 8 live events about 440 passes over some 300 tasks: 0.4 s of the program's
single event loop, between the stage's last operation and the end of `pulumi up`; issue 11).

:func:`install` gives ``pulumi.runtime.stack`` an ``asyncio`` whose ``wait`` answers that call with
``FIRST_EXCEPTION``: it returns when every task has finished, or as soon as one fails, so the SDK's loop
raises the same first failure and otherwise goes round once. Every other name is the real ``asyncio``. If
the SDK no longer reads ``asyncio`` from that module, nothing changes."""

from __future__ import annotations

import asyncio
import types
from collections.abc import Iterable
from typing import Any

from .once import once


class _StackAsyncio(types.ModuleType):
    def __init__(self) -> None:
        super().__init__("asyncio")

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def wait(
        fs: Iterable[Any], *, timeout: float | None = None, return_when: str = asyncio.ALL_COMPLETED
    ) -> tuple[set[Any], set[Any]]:
        if return_when == asyncio.FIRST_COMPLETED:
            return_when = asyncio.FIRST_EXCEPTION
        return await asyncio.wait(fs, timeout=timeout, return_when=return_when)


@once
def install() -> None:
    try:
        from pulumi.runtime import stack
    except ImportError:
        return
    if getattr(stack, "asyncio", None) is asyncio and callable(getattr(stack, "wait_for_rpcs", None)):
        stack.asyncio = _StackAsyncio()  # type: ignore[assignment]
