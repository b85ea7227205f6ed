"""Provider diagnostics stay one message per stderr line when threads report at once.

The engine makes one message of each stderr line of the provider process, and `make drift` finds its
tags (secret drift, secrets not checked) at the start of a message; two warnings merged into one line
turned a Reader's 'NOT CHECKED' into a false CLEAN."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.engine import REPO_ROOT

THREADS, EACH = 8, 400

PROGRAM = textwrap.dedent(
    f"""
    import threading
    from dynamic_providers.core.progress import say as report
    from dynamic_providers.core.secret_drift import say

    def talk(n):
        for i in range({EACH}):
            (say if n % 2 else lambda m: report(m, warning=True))(f"tag-{{n}}-{{i}}: " + "x" * 200)

    threads = [threading.Thread(target=talk, args=(n,)) for n in range({THREADS})]
    for t in threads: t.start()
    for t in threads: t.join()
    """
)


def test_concurrent_diagnostics_are_whole_lines() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", PROGRAM], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stderr.splitlines()
    assert len(lines) == THREADS * EACH
    merged = [line for line in lines if line.count("tag-") != 1 or not line.endswith("x" * 200)]
    assert not merged, merged[:3]
