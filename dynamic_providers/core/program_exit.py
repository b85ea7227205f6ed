"""End the program process without tearing the interpreter down, once the language host's script is done.

The engine's command ends only when the program process has exited. After the program's last line the
language host's script (``pulumi-language-python-exec``) shuts its executor down, flushes, and calls
``sys.exit(exit_code)``; the interpreter then runs the ``atexit`` hooks, tears down every module and collects
the whole heap (the SDK's thousands of model classes and every resource's outputs): at 8 live events about
0.27 s between the stage's last operation and the end of ``pulumi up`` on a quiet machine, more under load
(issue 11). The provider process skips the same teardown (core/watchdog.py).

:func:`install` replaces ``sys.exit`` once per program process. Only that last call, made at module level by
the language host's script with an integer exit code, while no other non-daemon thread runs, is answered by
running the ``atexit`` hooks (the debug-line drain, the SDK's telemetry shutdown), flushing the standard
streams and ``os._exit`` with the same code. Every other call, and every other way out, is the interpreter's
own; so is everything when the script, ``sys`` or ``atexit`` no longer have the expected shape."""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from .once import once

LANGUAGE_HOST_SCRIPT = "pulumi-language-python-exec"


def _is_final_exit(caller: FrameType | None, code: Any) -> bool:
    """The language host script's own last ``sys.exit``, with nothing left that exit would wait for."""
    if caller is None or caller.f_code.co_name != "<module>":
        return False
    if os.path.basename(caller.f_code.co_filename) != LANGUAGE_HOST_SCRIPT:
        return False
    if code is not None and (isinstance(code, bool) or not isinstance(code, int)):
        return False  # a message or other object: the interpreter prints it; leave that to it
    current = threading.current_thread()
    return not any(t is not current and t.is_alive() and not t.daemon for t in threading.enumerate())


def _exit_without_teardown(code: int, run_exit_hooks: Callable[[], None]) -> None:
    run_exit_hooks()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def fast_exit(sdk_exit: Callable[..., Any], run_exit_hooks: Callable[[], None]) -> Callable[..., Any]:
    """A ``sys.exit`` that ends the language host's last exit without teardown; `sdk_exit` otherwise."""

    def exit(code: Any = None) -> Any:  # noqa: A001 - it stands in for sys.exit
        if _is_final_exit(sys._getframe(1), code):
            _exit_without_teardown(code or 0, run_exit_hooks)
        return sdk_exit(code)

    return exit


@once
def install() -> None:
    run_exit_hooks = getattr(atexit, "_run_exitfuncs", None)
    # The interpreter's own command line: while the program runs, runpy has put the program's __main__.py
    # in sys.modules["__main__"] and sys.argv[0].
    command = getattr(sys, "orig_argv", [])
    if not callable(run_exit_hooks) or not any(os.path.basename(a) == LANGUAGE_HOST_SCRIPT for a in command):
        return  # not a program started by the language host (a test, an Automation API inline program)
    sys.exit = fast_exit(sys.exit, run_exit_hooks)
