"""The pending-create journal: a fresh marker lets a re-run take over its own leftover; a stale one
does not make us silently adopt an entity someone else created since."""

from __future__ import annotations

import os
import time
from pathlib import Path

from dynamic_providers.core import journal

ARM_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Media/mediaservices/acct/liveEvents/ev"


def test_marker_is_pending_until_cleared(tmp_path: Path) -> None:
    assert not journal.pending(str(tmp_path), ARM_ID)
    journal.mark(str(tmp_path), ARM_ID)
    assert journal.pending(str(tmp_path), ARM_ID)
    assert journal.pending(str(tmp_path), ARM_ID.upper())  # ARM IDs are case-insensitive
    journal.clear(str(tmp_path), ARM_ID)
    assert not journal.pending(str(tmp_path), ARM_ID)


def test_stale_marker_is_ignored_and_removed(tmp_path: Path) -> None:
    journal.mark(str(tmp_path), ARM_ID)
    (marker,) = tmp_path.iterdir()
    old = time.time() - journal.PENDING_TTL - 60
    os.utime(marker, (old, old))
    assert not journal.pending(str(tmp_path), ARM_ID)
    assert not marker.exists()
