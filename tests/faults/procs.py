"""Process-tree helpers for kill tests: find the Pulumi CLI's dynamic-provider process and kill -9 it."""

from __future__ import annotations

import os
import signal
from pathlib import Path


def _ppid(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def descendants(root: int) -> list[int]:
    """Every live process below `root` (by parent links)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            parent = _ppid(int(entry))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry))
    out: list[int] = []
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def provider_pids(root: int) -> list[int]:
    """The dynamic-provider processes (`python -m pulumi.dynamic`) started below `root`."""
    return [p for p in descendants(root) if "pulumi.dynamic" in cmdline(p)]


def cli_pids(root: int) -> list[int]:
    """The Pulumi CLI itself: `root` when it is the binary, else the first `pulumi` process below it."""
    if os.path.basename(cmdline(root).split(" ")[0]) == "pulumi":
        return [root]
    return [p for p in descendants(root) if os.path.basename(cmdline(p).split(" ")[0]) == "pulumi"][:1]


def kill9(pids: list[int]) -> list[int]:
    """SIGKILL each pid; returns those that were alive."""
    hit = []
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
            hit.append(pid)
        except ProcessLookupError:
            pass
    return hit
