"""Azurite child process and blob container helpers (asset containers, SAS URLs)."""

from __future__ import annotations

import ctypes
import datetime
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from azure.storage.blob import BlobServiceClient, ContainerSasPermissions, generate_container_sas

ACCOUNT = "devstoreaccount1"
ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
REPO_ROOT = Path(__file__).resolve().parent.parent


def _die_with_parent() -> None:
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def streaming_files(base: str, live: bool = False) -> dict[str, bytes]:
    """Placeholder files of an encoded (or live-archived) asset: server and client manifests, a rendition."""
    ism = (
        '<?xml version="1.0" encoding="utf-8"?>\n<smil xmlns="http://www.w3.org/2001/SMIL20/Language">'
        f'<body><switch><video src="{base}_1280x720_3000.mp4" /></switch></body></smil>\n'
    )
    files = {f"{base}.ism": ism.encode(), f"{base}.ismc": b"<SmoothStreamingMedia/>"}
    if not live:
        files[f"{base}_1280x720_3000.mp4"] = b"\x00\x00\x00\x18ftypmp42"
    return files


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def find_azurite() -> Path:
    """`azurite-blob`: $AZURITE_BLOB, else node_modules/.bin of the working directory or the source
    checkout, else on PATH (`npm install -g azurite@3.35.0`), so an installed package finds it too."""
    import shutil

    explicit = os.environ.get("AZURITE_BLOB")
    if explicit:
        if Path(explicit).is_file():
            return Path(explicit)
        raise FileNotFoundError(f"AZURITE_BLOB={explicit} does not exist")
    for base in (Path.cwd(), REPO_ROOT):
        candidate = base / "node_modules" / ".bin" / "azurite-blob"
        if candidate.exists():
            return candidate
    on_path = shutil.which("azurite-blob")
    if on_path:
        return Path(on_path)
    raise FileNotFoundError(
        "azurite-blob not found: set AZURITE_BLOB to its path, run `npm install azurite@3.35.0` here, "
        "or `npm install -g azurite@3.35.0` (in this repository: `make node`)"
    )


class Azurite:
    """One Azurite blob service holding a blob account per ARM storage account of the emulator.

    ``accounts`` maps ARM storage account names (any case) to Azurite account names; every Azurite
    account takes the well-known devstoreaccount1 key (local data only). Without a mapping (or for
    ``None``) a container lives in ``devstoreaccount1``."""

    def __init__(self, data_dir: Path, port: int = 0, accounts: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.accounts = {k.lower(): v for k, v in (accounts or {}).items()}
        self.proc: subprocess.Popen[bytes] | None = None

    def account_of(self, storage: str | None) -> str:
        """The Azurite account behind the ARM storage account ``storage`` (None: the primary)."""
        return self.accounts.get((storage or "").lower(), ACCOUNT)

    def endpoint_of(self, storage: str | None) -> str:
        return f"http://127.0.0.1:{self.port}/{self.account_of(storage)}"

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/{ACCOUNT}"

    def start(self, timeout: float = 20.0) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.data_dir / "azurite.log", "ab")  # noqa: SIM115
        names = dict.fromkeys([ACCOUNT, *self.accounts.values()])  # ordered, without repeats
        env = {**os.environ, "AZURITE_ACCOUNTS": ";".join(f"{n}:{ACCOUNT_KEY}" for n in names)}
        self.proc = subprocess.Popen(
            [
                str(find_azurite()),
                "--silent",
                "--disableTelemetry",
                "--skipApiVersionCheck",
                "--loose",
                "--location",
                str(self.data_dir),
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                str(self.port),
            ],
            stdout=log,
            stderr=log,
            stdin=subprocess.DEVNULL,
            env=env,
            preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"azurite exited with {self.proc.returncode}; see {self.data_dir}/azurite.log"
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("azurite did not start in time")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    # ---- blob helpers (``storage``: the ARM storage account name, None for the primary) ----------
    def client(self, storage: str | None = None) -> BlobServiceClient:
        credential = {"account_name": self.account_of(storage), "account_key": ACCOUNT_KEY}
        return BlobServiceClient(self.endpoint_of(storage), credential=credential)

    def ensure_container(self, name: str, storage: str | None = None) -> None:
        container = self.client(storage).get_container_client(name)
        if not container.exists():
            container.create_container()

    def delete_container(self, name: str, storage: str | None = None) -> None:
        container = self.client(storage).get_container_client(name)
        if container.exists():
            container.delete_container()

    def write_blobs(self, name: str, blobs: dict[str, bytes], storage: str | None = None) -> None:
        self.ensure_container(name, storage)
        container = self.client(storage).get_container_client(name)
        for blob, data in blobs.items():
            container.upload_blob(blob, data, overwrite=True)

    def list_blobs(self, name: str, storage: str | None = None) -> list[str]:
        try:
            return [b.name for b in self.client(storage).get_container_client(name).list_blobs()]
        except Exception:  # noqa: BLE001 - missing container or Azurite gone: no blobs
            return []

    def container_sas_urls(
        self, name: str, permissions: str, expiry: datetime.datetime, storage: str | None = None
    ) -> list[str]:
        perm = ContainerSasPermissions(
            read=True,
            list=True,
            write=permissions in ("ReadWrite", "ReadWriteDelete"),
            add=permissions in ("ReadWrite", "ReadWriteDelete"),
            create=permissions in ("ReadWrite", "ReadWriteDelete"),
            delete=permissions == "ReadWriteDelete",
        )
        urls = []
        account = self.account_of(storage)
        for start_offset in (5, 10):  # two URLs, as the service returns one per storage key
            start = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=start_offset)
            sas = generate_container_sas(
                account, name, account_key=ACCOUNT_KEY, permission=perm, expiry=expiry, start=start
            )
            urls.append(f"{self.endpoint_of(storage)}/{name}?{sas}")
        return urls
