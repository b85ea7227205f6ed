# mypy: disable-error-code="union-attr,index,misc,arg-type,attr-defined,operator,assignment,return-value"
"""State survives a restart; an LRO in flight at shutdown completes after the restart; CLI contract."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from azure.mgmt.media import models as m

from emulator.launcher import read_connection, start_emulator

from .conftest import create_account, make_client

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.xdist_group("restart")
def test_restart_keeps_state_and_finishes_lros(tmp_path: Path) -> None:
    state = tmp_path / "state"
    emu = start_emulator(state, durations={"liveevent": 0.1, "account": 0.05})
    conn = emu.connection
    rg = conn["resource_group"]
    try:
        client = make_client(conn)
        account = create_account(client, conn)
        client.assets.create_or_update(rg, account, "kept", m.Asset(description="persisted"))
        client.live_events.begin_create(
            rg,
            account,
            "ev",
            m.LiveEvent(location=conn["location"], input=m.LiveEventInput(streaming_protocol="RTMP")),
        ).result()
        emu.admin.set_durations(**{"liveevent.start": 1.5})
        client.live_events.begin_start(rg, account, "ev")
        assert client.live_events.get(rg, account, "ev").resource_state == "Starting"
    finally:
        emu.stop()
    emu = start_emulator(state)
    try:
        conn2 = emu.connection
        assert conn2["principals"] == conn["principals"] and conn2["ca_bundle"] == conn["ca_bundle"]
        # Same port, although the previous run's client connections may still sit in TIME_WAIT on it.
        assert conn2["port"] == conn["port"]
        client = make_client(conn2)
        assert client.assets.get(rg, account, "kept").description == "persisted"
        while client.live_events.get(rg, account, "ev").resource_state != "Running":
            pass
        ops = [o for o in emu.admin.operations() if o["action"] == "start"]
        assert ops[-1]["outcome"] == "Succeeded"
        assert emu.admin.durations()["liveevent.start"] == 1.5
        emu.admin.reset()
        assert list(client.mediaservices.list(rg)) == []
    finally:
        emu.stop()
    assert emu.process.poll() is not None


@pytest.mark.xdist_group("restart")
def test_cli_background_env_stop(tmp_path: Path) -> None:
    state = tmp_path / "cli"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    cmd = [sys.executable, "-m", "emulator"]
    subprocess.run([*cmd, "start", "--state-dir", str(state), "--background"], check=True, env=env, cwd=REPO)
    conn = read_connection(state)
    assert conn is not None
    try:
        again = subprocess.run(
            [*cmd, "start", "--state-dir", str(state), "--background"],
            check=True,
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        assert str(conn["pid"]) in again.stdout
        out = subprocess.run(
            [*cmd, "env", "--state-dir", str(state)],
            check=True,
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
        ).stdout
        names = [line.split("=", 1)[0].removeprefix("export ") for line in out.splitlines()]
        assert names == [
            "ARM_CLIENT_ID",
            "ARM_CLIENT_SECRET",
            "ARM_TENANT_ID",
            "ARM_SUBSCRIPTION_ID",
            "ARM_METADATA_HOSTNAME",
            "ARM_CA_BUNDLE",
        ]
        for key in (
            "arm_endpoint",
            "authority_host",
            "tenant_id",
            "subscription_id",
            "resource_group",
            "location",
            "storage_account_id",
            "ca_bundle",
            "principals",
            "managed_identity",
            "admin_endpoint",
        ):
            assert key in conn
        assert {"contributor", "reader"} <= set(conn["principals"])
    finally:
        subprocess.run([*cmd, "stop", "--state-dir", str(state)], check=True, env=env, cwd=REPO)
    with pytest.raises(ProcessLookupError):
        os.kill(int(conn["pid"]), 0)


@pytest.mark.xdist_group("restart")
def test_no_orphans_when_killed(tmp_path: Path) -> None:
    import signal
    import time

    emu = start_emulator(tmp_path / "kill")
    azurite = int(emu.connection["azurite_pid"])
    os.kill(azurite, 0)
    emu.process.send_signal(signal.SIGKILL)
    emu.process.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(azurite, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    with pytest.raises(ProcessLookupError):
        os.kill(azurite, 0)
