"""Pending-create journal: makes `create` idempotent under retry.

Before a create is sent, a marker keyed by the entity's ARM ID is written to the shared lock directory; it
is removed when the create completes (or is definitively rejected). If a run dies after the service accepted
the create (killed process, lost LRO poll, failed LRO), the next `create` finds the entity *and* the marker
and takes the entity over instead of refusing it with "already exists" (which still applies to entities
created elsewhere). A marker older than PENDING_TTL is ignored (and removed): by then an entity of that
name is more likely someone else's than the leftover of a crashed run."""

from __future__ import annotations

import contextlib
import hashlib
import os
import time

PENDING_TTL = 3 * 24 * 3600  # seconds


def _path(lock_dir: str, arm_id: str) -> str:
    digest = hashlib.sha256(arm_id.lower().encode()).hexdigest()[:32]
    return os.path.join(lock_dir, f"pending-create-{digest}")


def mark(lock_dir: str, arm_id: str) -> None:
    os.makedirs(lock_dir, exist_ok=True)
    with open(_path(lock_dir, arm_id), "w") as f:
        f.write(f"{arm_id}\n{time.time()}\n")


def pending(lock_dir: str, arm_id: str, ttl: float = PENDING_TTL) -> bool:
    path = _path(lock_dir, arm_id)
    try:
        age = time.time() - os.path.getmtime(path)
    except FileNotFoundError:
        return False
    if age > ttl:
        clear(lock_dir, arm_id)
        return False
    return True


def clear(lock_dir: str, arm_id: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(_path(lock_dir, arm_id))
