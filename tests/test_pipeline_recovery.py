"""A pipeline killed mid-`up` needs no hands: the language host and the provider process exit with
the CLI, and the next run through `scripts/pulumi` removes the stale stack lock and the pending
create the kill left (saying so), while a lock held by a live run is never broken."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.engine import REPO_ROOT, PulumiProject, wait_for
from tests.providers.helpers import account_block, header, repo_env, uniq


def _load_guard() -> ModuleType:
    spec = importlib.util.spec_from_file_location("stack_guard", REPO_ROOT / "scripts" / "stack_guard.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["stack_guard"] = module
    spec.loader.exec_module(module)
    return module


guard = _load_guard()


def _running(pid: int) -> bool:
    proc = guard.process_start(pid)
    return proc is not None and proc[0] not in ("Z", "X")


def _descendants(root: int) -> dict[int, str]:
    """pid -> command line of every process below `root`."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: dict[int, str] = {}
    todo = list(children.get(root, []))
    while todo:
        pid = todo.pop()
        try:
            found[pid] = (Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")).decode()
        except OSError:
            continue
        todo += children.get(pid, [])
    return found


def _pending(proj: PulumiProject) -> list[dict[str, Any]]:
    path = proj.state_dir / ".pulumi" / "stacks" / proj.project / f"{proj.stack}.json"
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError):
        return []
    ops: list[dict[str, Any]] = doc["checkpoint"]["latest"].get("pending_operations") or []
    return ops


def _locks(proj: PulumiProject) -> list[Path]:
    return sorted((proj.state_dir / ".pulumi" / "locks").glob("*/*/*/*.json"))


@pytest.mark.engine
@pytest.mark.xdist_group("pipeline-recovery")
def test_killed_up_leaves_no_processes_and_the_next_run_heals_the_stack(
    media_project: Callable[..., PulumiProject], connection: dict[str, Any], emulator: Any
) -> None:
    acct = uniq("kill")
    proj = media_project("kill", env=repo_env())
    proj.write_program(
        header(connection)
        + account_block(acct)
        + """
preset = {'@odata.type': '#Microsoft.Media.BuiltInStandardEncoderPreset', 'presetName': 'AdaptiveStreaming'}
tr = dp.Transform('tr', resource_group_name=RG, account_name=A, properties={'outputs': [{'preset': preset}]})
"""
    )
    proj.ensure_stack()
    # The transform's create hangs in its first request, so the kill lands mid-create.
    emulator.admin.inject_latency(300, match=f"/{acct}/transforms/tr", methods=["GET"])
    cli = proj.up_in_background()
    try:
        wait_for(lambda: any(op["resource"]["urn"].endswith("::tr") for op in _pending(proj)), "the create")
        procs = _descendants(cli.pid)
        assert any("pulumi-language-python" in c for c in procs.values()), procs
        assert any("pulumi.dynamic" in c for c in procs.values()), procs

        # A second run while the first one is alive: refused, and the live run's lock is left alone.
        held = _locks(proj)
        second = proj.up()
        assert second.returncode != 0
        assert "locked by a Pulumi run that still runs" in second.output, second.output[-2000:]
        assert _locks(proj) == held

        cli.send_signal(signal.SIGKILL)
        cli.wait()
        wait_for(lambda: not any(_running(p) for p in procs), f"the engine's processes {procs} to exit", 60)
    finally:
        emulator.admin.clear_faults()
        if cli.poll() is None:
            cli.kill()
    assert len(_locks(proj)) == 1 and _pending(proj), "the kill should leave a lock and a pending create"

    healed = proj.up()
    assert healed.returncode == 0, healed.output[-3000:]
    assert "removed the lock on stack 'test' left by a Pulumi run that is no longer running" in healed.output
    assert "cleared 1 operation(s) that an interrupted run left unfinished on stack 'test' (creating tr)" in (
        healed.output
    )
    assert healed.changes["create"] == 1  # the transform; the account was created before the kill
    assert _locks(proj) == [] and _pending(proj) == []
    proj.destroy().check()


# ---- the guard's lock rules, on lock files as the file backend writes them --------------------------
def _write_lock(root: Path, pid: int, host: str, when: str) -> Path:
    path = root / ".pulumi" / "locks" / "organization" / "proj" / "dev" / f"lock-{pid}-{host}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"pid": pid, "username": "ci", "hostname": host, "timestamp": when}))
    path.with_name(path.name + ".attrs").write_text("{}")
    return path


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.123456789Z", time.gmtime())


def test_guard_removes_only_locks_of_dead_processes_of_this_host(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    here = socket.gethostname()
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = _write_lock(tmp_path, dead.pid, here, _now())
    # The pid is alive but started after the lock was written: the pid was reused by another process.
    reused = _write_lock(tmp_path, os.getpid(), here, "2001-01-01T00:00:00Z")
    live = subprocess.Popen(["sleep", "60"])
    try:
        time.sleep(0.05)
        held = _write_lock(tmp_path, live.pid, here, _now())
        elsewhere = _write_lock(tmp_path, dead.pid, "another-runner", _now())
        still = guard.clear_stale_locks(tmp_path, "proj", "dev")
    finally:
        live.kill()
        live.wait()
    assert sorted(lock.path for lock in still) == sorted([held, elsewhere])
    assert not stale.exists() and not reused.exists() and not Path(str(stale) + ".attrs").exists()
    assert held.exists() and elsewhere.exists()
    err = capsys.readouterr().err
    assert f"pid {dead.pid} of ci@{here}" in err and f"pid {os.getpid()} of ci@{here}" in err


@pytest.mark.engine
def test_a_metadata_file_emptied_by_a_killed_write_no_longer_locks_the_stack_out(
    tmp_path: Path, pulumi_cli_dir: Path
) -> None:
    """The blob library truncates `<stack>.json.attrs` and rewrites it before each checkpoint lands; a
    kill -9 in between (seen in the fault matrix) left every later command failing, `make up` included."""
    from tests.engine import PULUMI

    work = tmp_path / "work"
    work.mkdir()
    (work / "Pulumi.yaml").write_text("name: proj\nruntime: python\n")
    env = {
        **os.environ,
        "PULUMI_BACKEND_URL": f"file://{tmp_path / 'state'}",
        "PULUMI_HOME": str(tmp_path / "home"),
        "PULUMI_CONFIG_PASSPHRASE": "",
    }

    def cli(*args: str, raw: bool = False) -> subprocess.CompletedProcess[str]:
        exe = [str(pulumi_cli_dir / "pulumi"), "--non-interactive"] if raw else [str(PULUMI)]
        return subprocess.run([*exe, *args], cwd=work, env=env, capture_output=True, text=True, timeout=120)

    assert cli("stack", "init", "dev").returncode == 0
    attrs = tmp_path / "state" / ".pulumi" / "stacks" / "proj" / "dev.json.attrs"
    assert json.loads(attrs.read_text())  # what the library wrote
    attrs.write_text("")
    broken = cli("stack", "export", "--stack", "dev", raw=True)  # the bare CLI, as the killed run left it
    assert broken.returncode != 0 and "failed to load checkpoint" in broken.stderr, broken.stderr

    healed = cli("stack", "select", "dev")
    assert healed.returncode == 0, healed.stderr
    assert "removed .pulumi/stacks/proj/dev.json.attrs" in healed.stderr
    assert cli("stack", "export", "--stack", "dev").returncode == 0
    assert (tmp_path / "state" / ".pulumi" / "stacks" / "proj" / "dev.json").exists()  # the checkpoint stays


def test_guard_leaves_pending_operations_of_a_locked_stack_and_only_warns_on_preview(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: proj\nruntime: python\n")
    stack_file = tmp_path / ".pulumi" / "stacks" / "proj" / "dev.json"
    stack_file.parent.mkdir(parents=True)
    op = {"type": "creating", "resource": {"urn": "urn:pulumi:dev::proj::t::ev"}}
    stack_file.write_text(json.dumps({"version": 3, "checkpoint": {"latest": {"pending_operations": [op]}}}))
    before = stack_file.read_text()
    backend = f"file://{tmp_path}"
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        guard.guard(["preview", "--stack", "dev"], backend)
        assert "has operations an interrupted run left unfinished (creating ev)" in capsys.readouterr().err
        live = subprocess.Popen(["sleep", "60"])
        try:
            time.sleep(0.05)
            _write_lock(tmp_path, live.pid, socket.gethostname(), _now())
            guard.guard(["up", "--yes", "--stack", "dev"], backend)
        finally:
            live.kill()
            live.wait()
        assert "still runs" in capsys.readouterr().err
        # Not a file backend: nothing is looked at.
        guard.guard(["up", "--stack", "dev"], "azblob://state")
        assert capsys.readouterr().err == ""
    finally:
        os.chdir(cwd)
    assert stack_file.read_text() == before


@pytest.mark.engine
@pytest.mark.xdist_group("pipeline-recovery")
def test_up_survives_an_emulator_restart_on_the_same_port(tmp_path: Path, pulumi_cli_dir: Path) -> None:
    from emulator.launcher import arm_env, start_emulator

    state = tmp_path / "emulator"
    emu = start_emulator(state, durations={"account": 0.1, "liveevent.create": 4})
    conn = emu.connection
    proj = PulumiProject(tmp_path / "restart", env={**arm_env(conn), **repo_env()})
    proj.write_program(
        header(conn)
        + account_block("restart01")
        + "ev = dp.LiveEvent('ev', resource_group_name=RG, account_name=A, location=LOC,\n"
        "    properties={'input': {'streamingProtocol': 'RTMP'}})\n"
    )
    cli = proj.up_in_background()
    try:
        wait_for(
            lambda: any(o["kind"] == "liveevent" for o in emu.admin.operations()), "the live event's create"
        )
        emu.stop()
        emu = start_emulator(state)  # the LRO in flight completes after the restart
        assert emu.connection["port"] == conn["port"]
        output, _ = cli.communicate(timeout=600)
        assert cli.returncode == 0, output[-3000:]
        assert proj.preview(expect_no_changes=True).returncode == 0
        from tests.providers.helpers import sdk_client

        client = sdk_client(arm_env(emu.connection))
        assert [e.name for e in client.live_events.list(conn["resource_group"], "restart01")] == ["ev"]
        proj.destroy().check()
    finally:
        if cli.poll() is None:
            cli.kill()
        emu.stop()
