"""What the service models act on, without HTTP: configuration, store, identity, Azurite, LROs, settings."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from .config import DEFAULT_SETTINGS, Config, duration_of
from .identity import Identity
from .lro import LroEngine
from .state import Store
from .storage import Azurite


def now_iso() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso(ts: float) -> str:
    return datetime.datetime.fromtimestamp(ts, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_id() -> str:
    return str(uuid.uuid4())


class Service:
    def __init__(self, config: Config, store: Store, identity: Identity, azurite: Azurite | None) -> None:
        self.config = config
        self.store = store
        self.identity = identity
        self.azurite = azurite
        self.lro = LroEngine(self)

    def setting(self, key: str) -> Any:
        return self.store.get_setting(key, DEFAULT_SETTINGS.get(key))

    def duration(self, key: str) -> float:
        return duration_of(self.store.get_setting("durations", {}) or {}, key)
