"""State backends through scripts/pulumi: PULUMI_BACKEND_URL and `pulumi login` are honoured (the local
file backend is only the fallback, no junk directories), and the whole local stage runs on an
`azblob://` backend on Azurite, where a second concurrent `up` is locked out with a clear message."""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from azure.storage.blob import BlobServiceClient

from emulator.storage import ACCOUNT, ACCOUNT_KEY
from tests.engine import PULUMI, PulumiProject, wait_for
from tests.program.stage import local_stage_doc, write_stage_program

pytestmark = [pytest.mark.engine]


def azblob_env(connection: dict[str, Any]) -> tuple[dict[str, str], str]:
    """(environment, backend URL) for a fresh container in the emulator's Azurite: the shared-key
    variables gocloud.dev's azureblob driver reads, and the custom endpoint as `domain`/`protocol`."""
    endpoint = connection["storage_blob_endpoint"]  # http://127.0.0.1:<port>/devstoreaccount1
    container = f"state-{uuid.uuid4().hex[:12]}"
    BlobServiceClient(
        endpoint, credential={"account_name": ACCOUNT, "account_key": ACCOUNT_KEY}
    ).create_container(container)
    host = endpoint.removeprefix("http://").split("/", 1)[0]
    env = {"AZURE_STORAGE_ACCOUNT": ACCOUNT, "AZURE_STORAGE_KEY": ACCOUNT_KEY}
    return env, f"azblob://{container}?domain={host}&protocol=http"


def _blobs(connection: dict[str, Any], url: str) -> list[str]:
    container = url.removeprefix("azblob://").split("?", 1)[0]
    service = BlobServiceClient(
        connection["storage_blob_endpoint"], credential={"account_name": ACCOUNT, "account_key": ACCOUNT_KEY}
    )
    return [b.name for b in service.get_container_client(container).list_blobs()]


def _wrapper(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PULUMI), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_wrapper_honours_login_and_backend_url(
    tmp_path: Path, pulumi_cli_dir: Path, connection: dict[str, Any]
) -> None:
    import os

    storage, url = azblob_env(connection)
    env = {k: v for k, v in os.environ.items() if k != "PULUMI_BACKEND_URL"}
    env.update(storage, PULUMI_HOME=str(tmp_path / "home"))
    work = tmp_path / "work"
    work.mkdir()

    fallback = _wrapper(["whoami", "-v"], work, env)
    assert "Backend URL: file://" in fallback.stdout and ".pulumi-state" in fallback.stdout, fallback.stdout
    login = _wrapper(["login", url], work, env)
    assert login.returncode == 0 and "PULUMI_BACKEND_URL" not in login.stderr, login.stderr
    assert f"Backend URL: {url}" in _wrapper(["whoami", "-v"], work, env).stdout
    explicit = _wrapper(["whoami", "-v"], work, {**env, "PULUMI_BACKEND_URL": f"file://{tmp_path}/other"})
    assert f"Backend URL: file://{tmp_path}/other" in explicit.stdout
    assert (tmp_path / "other").is_dir()
    _wrapper(["logout"], work, env)
    assert list(work.iterdir()) == []  # no ./azblob:/ junk, nothing else either


@pytest.mark.xdist_group("program-local")
def test_local_stage_on_azblob_backend_with_a_locked_out_second_up(
    media_project: Callable[..., PulumiProject], connection: dict[str, Any], emulator: Any
) -> None:
    storage, url = azblob_env(connection)
    proj = media_project(
        "azblob",
        project="ams-media",
        stack="local",
        env={**storage, "PULUMI_BACKEND_URL": url, "PULUMI_CONFIG_PASSPHRASE": ""},
    )
    write_stage_program(proj, local_stage_doc(connection))
    proj.ensure_stack()
    assert any(b.startswith(".pulumi/stacks/ams-media/local") for b in _blobs(connection, url))

    # The first up holds its lock while the account's create runs, until the test lets that LRO finish:
    # the whole local stage takes a few seconds, less than a second CLI needs to reach the lock on a
    # loaded runner.
    admin = emulator.admin
    before = admin.durations()["account"]
    admin.set_durations(account=600)
    account = local_stage_doc(connection)["config"]["ams-media:environment"]["account"]["name"]
    started = time.time()
    first = proj.up_in_background()
    try:

        def locked() -> bool:
            assert first.poll() is None, "the first up ended before its lock was seen"
            return any(b.startswith(".pulumi/locks/") for b in _blobs(connection, url))

        wait_for(locked, "the first up's lock blob", 120)
        second = proj.up()
        assert first.poll() is None, "the first up ended before the second one tried its lock"
        assert second.returncode != 0
        assert "currently locked" in second.output and "pulumi cancel" in second.output, second.output[-2000:]
        admin.set_durations(account=before)
        account_id = f"/mediaservices/{account}".lower()

        def account_create_begun() -> bool:
            return any(
                o["resource_id"].lower().endswith(account_id) and o["start"] >= started
                for o in admin.operations()
            )

        wait_for(account_create_begun, "the first up's account create", 120)
        admin.complete_operations(account_id)  # nothing else can be in flight: all of it needs the account
        out, _ = first.communicate(timeout=900)
    finally:
        admin.set_durations(account=before)
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, out[-4000:]
    assert not any(b.startswith(".pulumi/locks/") for b in _blobs(connection, url))

    assert proj.outputs()["accountName"] == account
    assert not proj.preview(expect_no_changes=True).check().changed
    proj.destroy().check()
    assert proj.resources() == []


@pytest.mark.parametrize("target", ["drift", "inventory", "refresh", "down"])
def test_read_only_targets_never_create_a_stack(
    target: str, tmp_path: Path, pulumi_cli_dir: Path, connection: dict[str, Any]
) -> None:
    """A nightly drift job with a mistyped or never-deployed STACK fails naming it, instead of writing a new
    empty stack into the team's shared state (and then reporting a whole stage "to create")."""
    import os

    from tests.engine import REPO_ROOT

    storage, url = azblob_env(connection)
    env = {**os.environ, **storage, "PULUMI_BACKEND_URL": url, "PULUMI_HOME": str(tmp_path / "home")}
    stack = f"nosuch{uuid.uuid4().hex[:6]}"
    done = subprocess.run(
        ["make", "--no-print-directory", target, f"STACK={stack}"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0, done.stdout
    assert f"stack '{stack}' does not exist" in done.stderr and f"make up STACK={stack}" in done.stderr
    # (the backend's own .pulumi/meta.yaml is written by any command on first use)
    assert [b for b in _blobs(connection, url) if b.startswith(".pulumi/stacks/")] == []
