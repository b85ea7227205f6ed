"""Emulator-wide configuration (stable defaults, overridable by launcher flags)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SUBSCRIPTION = "11111111-2222-4333-8444-555555555555"
DEFAULT_TENANT = "72f988bf-0000-4000-8000-000000000001"
DEFAULT_RESOURCE_GROUP = "media-local"
DEFAULT_LOCATION = "westeurope"
DEFAULT_STORAGE_ACCOUNT = "amslocalstorage"
# A second storage account, for Secondary attachments (azure-cli test_ams_storage_add_remove/test_ams_asset).
DEFAULT_SECONDARY_STORAGE_ACCOUNTS = ("amslocalsecondary",)
ARM_AUDIENCES = ("https://management.azure.com", "https://management.core.windows.net")

# Default timings in seconds for each (kind, action) of a long-running operation.
DEFAULT_DURATIONS: dict[str, float] = {
    "account": 0.2,
    "liveevent.create": 0.3,
    "liveevent.update": 0.3,
    "liveevent.delete": 0.3,
    "liveevent.allocate": 0.5,
    "liveevent.start": 0.5,
    "liveevent.stop": 0.5,
    "liveevent.reset": 0.5,
    "liveoutput.create": 0.3,
    "liveoutput.delete": 0.3,
    "streamingendpoint.create": 0.3,
    "streamingendpoint.update": 0.3,
    "streamingendpoint.delete": 0.3,
    "streamingendpoint.start": 0.5,
    "streamingendpoint.stop": 0.5,
    "streamingendpoint.scale": 0.5,
    "track": 0.2,
    "job.step": 0.3,
}

# Kinds whose actions can be set at once (`liveevent` sets every `liveevent.*`).
DURATION_KINDS = frozenset(k.split(".")[0] for k in DEFAULT_DURATIONS)


def duration_of(overrides: dict[str, float], key: str) -> float:
    """The duration in effect for `key`: its own override, else its kind's, else the default."""
    if key in overrides:
        return float(overrides[key])
    kind = key.split(".")[0]
    if kind in overrides:
        return float(overrides[kind])
    return float(DEFAULT_DURATIONS.get(key, DEFAULT_DURATIONS.get(kind, 0.3)))


def effective_durations(overrides: dict[str, float]) -> dict[str, float]:
    return {key: duration_of(overrides, key) for key in DEFAULT_DURATIONS}


def merge_durations(overrides: dict[str, float], changes: dict[str, object]) -> dict[str, float]:
    """Apply `changes` ({key or kind: seconds}) to the stored overrides. Setting a kind replaces the
    overrides of its actions, so the kind's value is what every action then takes. ValueError names an
    unknown key or a value that is not a non-negative number of seconds."""
    merged = dict(overrides)
    for key, value in changes.items():
        if key not in DEFAULT_DURATIONS and key not in DURATION_KINDS:
            known = ", ".join(sorted(DURATION_KINDS | set(DEFAULT_DURATIONS)))
            raise ValueError(f"unknown duration key '{key}' (known: {known})")
        try:
            seconds = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValueError(f"duration '{key}' must be a number of seconds, got {value!r}") from None
        if not 0 <= seconds < float("inf"):
            raise ValueError(f"duration '{key}' must be a non-negative number of seconds, got {value!r}")
        if key not in DEFAULT_DURATIONS:
            merged = {k: v for k, v in merged.items() if k.split(".")[0] != key}
        merged[key] = seconds
    return merged


DEFAULT_SETTINGS: dict[str, object] = {
    "page_size": 1000,
    "retry_after": "auto",
    "max_live_events": 5,
    "max_live_outputs": 3,
    "max_streaming_endpoints": 2,
    "cdn_unavailable_regions": [],
    "token_lifetime": 3600,
    # Write placeholder encoder / live-archive files into output assets (listPaths then changes over time).
    "simulate_media_files": True,
}


@dataclass
class Config:
    state_dir: Path
    port: int = 0
    tenant_id: str = DEFAULT_TENANT
    subscription_id: str = DEFAULT_SUBSCRIPTION
    resource_group: str = DEFAULT_RESOURCE_GROUP
    location: str = DEFAULT_LOCATION
    storage_account: str = DEFAULT_STORAGE_ACCOUNT
    secondary_storage_accounts: tuple[str, ...] = DEFAULT_SECONDARY_STORAGE_ACCOUNTS
    base_url: str = ""
    blob_endpoint: str = ""
    blob_port: int = 0
    settings: dict[str, object] = field(default_factory=dict)

    @property
    def storage_account_id(self) -> str:
        return self.storage_id(self.storage_account)

    @property
    def storage_accounts(self) -> tuple[str, ...]:
        """Every storage account the emulator has (the default Primary first); each is an Azurite account."""
        return (self.storage_account, *self.secondary_storage_accounts)

    def storage_id(self, name: str) -> str:
        return (
            f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"
            f"/providers/Microsoft.Storage/storageAccounts/{name}"
        )
