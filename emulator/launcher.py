"""Start/stop the emulator as a child process (tests) or a daemon (``start --background``)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .admin import AdminClient
from .storage import _die_with_parent, find_azurite

REPO_ROOT = Path(__file__).resolve().parent.parent


def read_connection(state_dir: Path) -> dict[str, Any] | None:
    path = Path(state_dir) / "connection.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text())
        return data
    except (OSError, ValueError):
        return None


def arm_env(conn: dict[str, Any], principal: str = "contributor") -> dict[str, str]:
    """The ARM_* variables (as pulumi-azure-native reads them) that point a client at this emulator
    as `principal`: what `python -m emulator env` prints and what the tests give the providers."""
    creds = conn["principals"][principal]
    # The emulator is a custom cloud: clients discover its ARM and login endpoints from
    # `GET https://<host>/metadata/endpoints`, exactly as for a real custom cloud (metadataHost).
    return {
        "ARM_CLIENT_ID": creds["client_id"],
        "ARM_CLIENT_SECRET": creds["client_secret"],
        "ARM_TENANT_ID": conn["tenant_id"],
        "ARM_SUBSCRIPTION_ID": conn["subscription_id"],
        "ARM_METADATA_HOSTNAME": conn["arm_endpoint"].removeprefix("https://").rstrip("/"),
        "ARM_CA_BUNDLE": conn["ca_bundle"],
    }


def is_healthy(conn: dict[str, Any] | None, pid: int | None = None) -> bool:
    if not conn:
        return False
    if pid is not None and conn.get("pid") != pid:
        return False
    try:
        ctx = ssl.create_default_context(cafile=conn["ca_bundle"])
        with urllib.request.urlopen(f"{conn['arm_endpoint']}/health", context=ctx, timeout=2) as resp:
            body = json.loads(resp.read())
        return bool(body.get("pid") == conn.get("pid"))
    except Exception:  # noqa: BLE001 - any failure means not healthy
        return False


def _args(state_dir: Path, port: int, options: dict[str, Any]) -> list[str]:
    args = [sys.executable, "-m", "emulator", "start", "--state-dir", str(state_dir), "--port", str(port)]
    settings: dict[str, Any] = dict(options.pop("settings", {}) or {})
    if "durations" in options:
        settings["durations"] = options.pop("durations")
    for key in (
        "page_size",
        "retry_after",
        "max_live_events",
        "max_live_outputs",
        "max_streaming_endpoints",
        "cdn_unavailable_regions",
        "token_lifetime",
        "simulate_media_files",
    ):
        if key in options:
            settings[key] = options.pop(key)
    if settings:
        args += ["--settings-json", json.dumps(settings)]
    for key in ("subscription_id", "tenant_id", "resource_group", "location", "storage_account"):
        if key in options:
            args += [f"--{key.replace('_', '-')}", str(options.pop(key))]
    if "secondary_storage_accounts" in options:
        args += ["--secondary-storage-accounts", ",".join(options.pop("secondary_storage_accounts"))]
    if options:
        raise TypeError(f"unknown emulator options: {sorted(options)}")
    return args


def _wait(proc: subprocess.Popen[bytes], state_dir: Path, timeout: float, log: Path) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"emulator exited with {proc.returncode}: {log.read_text()[-3000:]}")
        conn = read_connection(state_dir)
        if conn and conn.get("pid") == proc.pid and is_healthy(conn, proc.pid):
            return conn
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"emulator did not become healthy in {timeout}s: {log.read_text()[-3000:]}")


@dataclass
class RunningEmulator:
    state_dir: Path
    process: subprocess.Popen[bytes]
    connection: dict[str, Any]
    admin: AdminClient = field(init=False)

    def __post_init__(self) -> None:
        self.admin = AdminClient(self.connection["admin_endpoint"], self.connection["ca_bundle"])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def start_emulator(state_dir: Path, port: int = 0, **options: Any) -> RunningEmulator:
    """Start an emulator for ``state_dir`` as a child process (dies with the caller) and wait until healthy.

    Options: durations (dict), page_size, retry_after, max_live_events, max_live_outputs,
    max_streaming_endpoints, cdn_unavailable_regions, token_lifetime, simulate_media_files, settings (dict),
    subscription_id, tenant_id, resource_group, location, storage_account, secondary_storage_accounts
    (names; default one, ``amslocalsecondary``), timeout.
    """
    state_dir = Path(state_dir).resolve()
    timeout = float(options.pop("timeout", 60))
    proc, log = _spawn(state_dir, port, options, detached=False)
    conn = _wait(proc, state_dir, timeout, log)
    return RunningEmulator(state_dir, proc, conn)


def _spawn(
    state_dir: Path, port: int, options: dict[str, Any], detached: bool
) -> tuple[subprocess.Popen[bytes], Path]:
    """Run ``python -m emulator start`` (foreground mode) for ``state_dir`` as a new process."""
    state_dir.mkdir(parents=True, exist_ok=True)
    log = state_dir / "emulator.log"
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    with contextlib.suppress(FileNotFoundError):  # found from the caller's directory, not the child's
        env.setdefault("AZURITE_BLOB", str(find_azurite()))
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            _args(state_dir, port, options),
            stdout=out,
            stderr=out,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=str(REPO_ROOT),
            start_new_session=detached,
            preexec_fn=None if detached else _die_with_parent,
        )
    return proc, log


def start_background(state_dir: Path, port: int = 0, timeout: float = 60, **options: Any) -> dict[str, Any]:
    """Daemonize an emulator for ``state_dir`` unless a healthy one already runs; return connection.json."""
    state_dir = Path(state_dir).resolve()
    conn = read_connection(state_dir)
    if is_healthy(conn):
        assert conn is not None
        return conn
    proc, log = _spawn(state_dir, port, options, detached=True)
    return _wait(proc, state_dir, timeout, log)


def stop_emulator(state_dir: Path, timeout: float = 15) -> bool:
    conn = read_connection(Path(state_dir).resolve())
    if not conn or not conn.get("pid"):
        return False
    pid = int(conn["pid"])
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    return True
