"""Run a patch of the SDK at most once per process, whichever thread asks first."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable


def once(install: Callable[[], None]) -> Callable[[], None]:
    lock = threading.Lock()
    done: list[bool] = []

    @functools.wraps(install)
    def run() -> None:
        with lock:
            if not done:
                done.append(True)
                install()

    return run
