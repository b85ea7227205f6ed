"""Fixtures for the emulator's own tests: one emulator per xdist worker, clients per principal."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from azure.identity import ClientSecretCredential, ManagedIdentityCredential
from azure.mgmt.media import AzureMediaServices
from azure.mgmt.media import models as m

from emulator.launcher import RunningEmulator, start_emulator

FAST = {
    "account": 0.0,
    "liveevent": 0.2,
    "liveoutput": 0.1,
    "streamingendpoint": 0.2,
    "track": 0.0,
    "job.step": 0.1,
}


@pytest.fixture(scope="session")
def ams(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningEmulator]:
    emu = start_emulator(tmp_path_factory.mktemp("ams-emulator"), durations=FAST, simulate_media_files=True)
    yield emu
    emu.stop()


SESSION: dict[str, Any] = {}


@pytest.fixture(scope="session")
def conn(ams: RunningEmulator) -> dict[str, Any]:
    SESSION["conn"] = ams.connection
    return ams.connection


def location() -> str:
    """The emulator's location from connection.json (for helpers that get no fixtures)."""
    return str(SESSION["conn"]["location"])


def make_credential(conn: dict[str, Any], principal: str = "contributor", secret: str | None = None) -> Any:
    """A ClientSecretCredential for the emulator's token endpoint (the emulator is the authority)."""
    p = conn["principals"][principal]
    return ClientSecretCredential(
        conn["tenant_id"],
        p["client_id"],
        secret if secret is not None else p["client_secret"],
        authority=conn["authority_host"],
        disable_instance_discovery=True,
        connection_verify=conn["ca_bundle"],
    )


def make_client(conn: dict[str, Any], principal: str = "contributor", **kwargs: Any) -> AzureMediaServices:
    cred = make_credential(conn, principal)
    kwargs.setdefault("polling_interval", 0.05)
    return AzureMediaServices(
        cred,
        conn["subscription_id"],
        base_url=conn["arm_endpoint"],
        connection_verify=conn["ca_bundle"],
        **kwargs,
    )


def make_mi_client(conn: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> AzureMediaServices:
    mi = conn["managed_identity"]
    monkeypatch.setenv("IDENTITY_ENDPOINT", mi["endpoint"])
    monkeypatch.setenv("IDENTITY_HEADER", mi["header_value"])
    cred = ManagedIdentityCredential(connection_verify=conn["ca_bundle"])
    return AzureMediaServices(
        cred,
        conn["subscription_id"],
        base_url=conn["arm_endpoint"],
        connection_verify=conn["ca_bundle"],
        polling_interval=0.05,
    )


@pytest.fixture(scope="session")
def client(conn: dict[str, Any]) -> AzureMediaServices:
    return make_client(conn)


@pytest.fixture(scope="session")
def reader(conn: dict[str, Any]) -> AzureMediaServices:
    return make_client(conn, "reader")


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def create_account(client: AzureMediaServices, conn: dict[str, Any], name: str | None = None) -> str:
    name = name or unique("acct")
    client.mediaservices.begin_create_or_update(
        conn["resource_group"],
        name,
        m.MediaService(
            location=conn["location"],
            storage_accounts=[m.StorageAccount(type="Primary", id=conn["storage_account_id"])],
        ),
    ).result()
    return name


def upload(client: AzureMediaServices, rg: str, account: str, asset: str, files: dict[str, bytes]) -> None:
    """Upload files into an asset's container through a listContainerSas URL (azure-storage-blob)."""
    import datetime

    from azure.storage.blob import ContainerClient

    expiry = datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)
    sas = client.assets.list_container_sas(
        rg, account, asset, m.ListContainerSasInput(permissions="ReadWrite", expiry_time=expiry)
    )
    container = ContainerClient.from_container_url((sas.asset_container_sas_urls or [""])[0])
    for name, data in files.items():
        container.upload_blob(name, data, overwrite=True)


@pytest.fixture(scope="module")
def account(client: AzureMediaServices, conn: dict[str, Any]) -> str:
    return create_account(client, conn)


@pytest.fixture()
def rg(conn: dict[str, Any]) -> str:
    return str(conn["resource_group"])


@pytest.fixture()
def tmp_state(tmp_path: Path) -> Path:
    return tmp_path / "state"
