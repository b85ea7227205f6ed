"""Engine test: the dynamic-provider process is not capped at 4 operations (core/server_pool.py), and the
per-live-event sequencing still holds with many operations in flight."""

from __future__ import annotations

from collections import defaultdict

import pytest

from benchmarks.bench_parallel import lro_figures
from tests.providers.helpers import account_block, header, repo_env, uniq

pytestmark = [pytest.mark.engine, pytest.mark.xdist_group("providers-live")]

EVENTS = 5  # the emulator's default live-event quota per account
KEYS = ("liveevent.create", "liveoutput.create", "liveoutput.delete", "liveevent.delete")


@pytest.fixture
def long_live_lros(emulator):
    """Live LROs long enough that operations on different live events overlap in the log."""
    before = emulator.admin.durations()
    emulator.admin.set_durations(
        **{
            "liveevent.create": 3.0,
            "liveoutput.create": 1.0,
            "liveoutput.delete": 1.0,
            "liveevent.delete": 2.0,
        }
    )
    yield emulator.admin
    emulator.admin.set_durations_map({k: before[k] for k in KEYS})


def program(conn, acct: str) -> str:
    return (
        header(conn)
        + account_block(acct)
        + f"""
dep = pulumi.ResourceOptions(depends_on=[acct])
for e in range({EVENTS}):
    ev = dp.LiveEvent(f'ev{{e}}', resource_group_name=RG, account_name=A, location=LOC,
        properties={{'input': {{'streamingProtocol': 'RTMP'}}}}, opts=dep)
    for o in range(2):
        asset = dp.Asset(f'ev{{e}}-a{{o}}', resource_group_name=RG, account_name=A, opts=dep)
        dp.LiveOutput(f'ev{{e}}-out{{o}}', resource_group_name=RG, account_name=A, live_event_name=ev.name,
            live_output_name=f'out{{o}}',
            properties={{'assetName': asset.name, 'archiveWindowLength': 'PT1H'}})
"""
    )


def test_more_than_four_operations_in_flight_one_per_live_event(media_project, connection, long_live_lros):
    acct = uniq("par")
    proj = media_project("parallel", env={**repo_env(), "PULUMI_PARALLEL": "64"})
    proj.write_program(program(connection, acct))

    up = proj.up().check()
    assert "could not lift" not in up.output  # the server's pool was replaced (no fallback warning)
    # The state keeps only the program's frames of each registration (core/stack_traces.py): the engine
    # rewrites the whole state on every step, and sourcePosition names the line that declared the output.
    for res in (r for r in proj.resources() if r["type"].endswith(":LiveOutput")):
        frames = [f.get("sourcePosition", "") for f in res.get("stackTrace", [])]
        assert frames and all(f.startswith("project:///__main__.py#") for f in frames), frames
        assert res["sourcePosition"] == frames[0]
    destroy = proj.destroy().check()
    assert "could not lift" not in destroy.output

    ops = [
        o
        for o in long_live_lros.operations()
        if f"/mediaservices/{acct}/".lower() in o["resource_id"].lower()
    ]
    creates = [o for o in ops if (o["kind"], o["action"]) == ("liveevent", "create")]
    assert len(creates) == EVENTS
    in_flight, per_event = lro_figures(ops)
    # all five live-event creates were started together (4 worker threads would cap this at 4) ...
    assert in_flight > 4, ops
    # ... while each live event and its outputs still saw one LRO at a time
    assert per_event == 1, ops
    by_event: defaultdict[str, int] = defaultdict(int)
    for o in ops:
        if o["kind"] == "liveoutput":
            by_event[o["resource_id"].lower().split("/liveoutputs/")[0]] += 1
    assert sorted(by_event.values()) == [4] * EVENTS  # two creates and two deletes per event
    assert "AnotherOperationInProgress" not in up.output + destroy.output


def assets_program(conn, acct: str) -> str:
    return (
        header(conn)
        + account_block(acct)
        + "assets = [dp.Asset(f'asset{i}', resource_group_name=RG, account_name=A) for i in range(3)]\n"
    )


def test_debug_lines_of_every_registration_still_reach_the_cli_in_order(media_project, connection):
    """The SDK's debug lines no longer block the program's event loop (core/debug_logs.py); the engine still
    receives every one of them, in the order the program logged them, up to its last line at exit."""
    acct = uniq("dbg")
    proj = media_project("debuglines", env=repo_env())
    proj.write_program(assets_program(connection, acct))
    lines = [ln for ln in proj.up("--debug").check().output.splitlines() if ln.startswith("debug: ")]
    names = ("acct", "asset0", "asset1", "asset2")
    for name in names:
        registering = [
            i
            for i, ln in enumerate(lines)
            if ln.startswith("debug: registering resource") and f"name={name}," in ln
        ]
        prepared = [
            i
            for i, ln in enumerate(lines)
            if ln.startswith("debug: resource registration prepared") and ln.endswith(f"name={name}")
        ]
        successful = [
            i
            for i, ln in enumerate(lines)
            if ln.startswith("debug: resource registration successful") and ln.endswith(f"::{name}")
        ]
        assert len(registering) == len(prepared) == len(successful) == 1, (name, lines)
        assert registering[0] < prepared[0] < successful[0], (name, lines)
    assert lines[-1] == "debug: run_pulumi_func completed", lines  # the program's last line, sent at exit
    proj.destroy().check()


def test_a_failing_output_still_fails_the_up_with_its_error(media_project, connection):
    """The program's last wait for its outputs is one wait (core/output_wait.py): an output whose apply fails
    after every registration has returned still fails `pulumi up` with that error, and the others complete."""
    acct = uniq("outw")
    proj = media_project("outputwait", env=repo_env())
    proj.write_program(
        assets_program(connection, acct)
        + "def boom(name):\n"
        + "    raise ValueError(f'no streaming path for {name}')\n"
        + "pulumi.export('ok', [a.name for a in assets])\n"
        + "pulumi.export('bad', assets[2].name.apply(boom))\n"
    )
    up = proj.up()
    assert up.returncode != 0
    assert "no streaming path for asset2" in up.output
    assert {r["urn"].rsplit("::", 1)[1] for r in proj.resources() if r["type"].endswith(":Asset")} == {
        "asset0",
        "asset1",
        "asset2",
    }
    proj.destroy().check()


def test_the_program_process_keeps_its_exit_code_without_teardown(media_project, connection):
    """The program process leaves without interpreter teardown (core/program_exit.py), with the language
    host's own exit code: a program that fails after registering fails `up` with its error, not with a bare
    non-zero exit code."""
    acct = uniq("pexit")
    proj = media_project("programexit", env=repo_env())
    proj.write_program(assets_program(connection, acct) + "raise RuntimeError('stage ended early')\n")
    up = proj.up()
    assert up.returncode != 0
    assert "stage ended early" in up.output
    assert "Program exited with non-zero exit code" not in up.output, up.output
    proj.destroy().check()


def test_the_program_process_still_waits_for_its_own_threads(media_project, connection, tmp_path):
    """A thread the program started and did not make a daemon still finishes before the process ends, as
    the interpreter's own exit waits for it."""
    acct = uniq("pthr")
    marker = tmp_path / "thread-finished"
    proj = media_project("programthread", env=repo_env())
    proj.write_program(
        assets_program(connection, acct)
        + "import threading, time\n"
        + f"def late():\n    time.sleep(2.0)\n    open({str(marker)!r}, 'w').write('done')\n"
        # started when the last asset's create returns, so it still sleeps when the program's code is done
        + "assets[2].name.apply(lambda _: threading.Thread(target=late, daemon=False).start())\n"
    )
    proj.up().check()
    assert marker.read_text() == "done"
    proj.destroy().check()
