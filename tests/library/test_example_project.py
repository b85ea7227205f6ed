"""The library as a team adopts it (issue 12): examples/team-project is its own Pulumi project whose
requirements name this package. Per Python: the wheel goes into a fresh virtualenv with one `pip install`,
the emulator is started from that install (`python -m emulator start`), and the bare Pulumi CLI deploys the
project from a directory outside the repository, checks what it built, previews no change and destroys."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.engine import REPO_ROOT, PulumiProject
from tests.library.installed import AZURITE, build_wheel, clean_env, install, python_version, pythons

pytestmark = [pytest.mark.engine, pytest.mark.xdist_group("installed-package")]

EXAMPLE = REPO_ROOT / "examples" / "team-project"
TOKEN = "0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="module", params=pythons(), ids=lambda p: f"py{python_version(p)}")
def project(request: pytest.FixtureRequest, wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the example outside the repository with `venv` (its Pulumi.yaml's virtualenv) installed."""
    root = tmp_path_factory.mktemp("team")
    shutil.copytree(EXAMPLE, root / "team-project", ignore=shutil.ignore_patterns("venv", "__pycache__"))
    project = root / "team-project"
    venv_python = install(request.param, project / "venv", wheel, project / "requirements.txt")
    assert python_version(str(venv_python)) == python_version(request.param)
    return project


def _python(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(project / "venv" / "bin" / "python"), *args],
        cwd=project,
        env=env or clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def installed_emulator(project: Path) -> Iterator[dict[str, str]]:
    """The emulator of the installed package, as its README says to start it; yields `emulator env`."""
    state = project / ".emulator"
    env = clean_env(AZURITE_BLOB=str(AZURITE))
    started = _python(project, "-m", "emulator", "start", "--state-dir", str(state), "--background", env=env)
    assert started.returncode == 0, started.stderr
    try:
        printed = _python(project, "-m", "emulator", "env", "--state-dir", str(state))
        assert printed.returncode == 0, printed.stderr
        yield dict(
            shlex.split(line.removeprefix("export "))[0].split("=", 1) for line in printed.stdout.splitlines()
        )
    finally:
        _python(project, "-m", "emulator", "stop", "--state-dir", str(state))


def test_installed_package_imports_from_its_venv(project: Path) -> None:
    out = _python(project, "-c", "import components, dynamic_providers, emulator; print(components.__file__)")
    assert out.returncode == 0, out.stderr
    assert "/venv/lib/python3." in out.stdout and "site-packages" in out.stdout, out.stdout
    typed = list((project / "venv").glob("lib/python3.*/site-packages/components/py.typed"))
    assert typed, "py.typed is not installed"


def test_installed_emulator_without_azurite_says_how_to_get_it(project: Path) -> None:
    out = _python(project, "-m", "emulator", "start", "--state-dir", str(project / ".no-azurite"))
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "python -m emulator start: azurite-blob not found: set AZURITE_BLOB to its path, run `npm install "
        "azurite@3.35.0` here, or `npm install -g azurite@3.35.0` (in this repository: `make node`)"
    ]
    missing = _python(
        project,
        "-m",
        "emulator",
        "start",
        "--state-dir",
        str(project / ".no-azurite"),
        env=clean_env(AZURITE_BLOB="/nowhere/azurite-blob"),
    )
    assert missing.returncode == 2
    assert "AZURITE_BLOB=/nowhere/azurite-blob does not exist" in missing.stderr


def test_example_project_deploys_on_the_installed_emulator(
    project: Path, installed_emulator: dict[str, str], pulumi_cli_dir: Path
) -> None:
    env = clean_env(
        PATH=f"{pulumi_cli_dir}:/usr/local/bin:/usr/bin:/bin",
        PULUMI_SKIP_UPDATE_CHECK="true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
        **installed_emulator,
    )
    proj = PulumiProject(
        project, stack="local", cli=[str(pulumi_cli_dir / "pulumi"), "--non-interactive"], base_env=env
    )
    proj.set_config("ingestAccessToken", TOKEN, secret=True)

    up = proj.up()
    up.check()
    created = [s.type.rsplit(":", 1)[-1] for s in up.steps if s.op == "create"]
    for kind in (
        "MediaService",
        "Transform",
        "StreamingEndpoint",
        "LiveEvent",
        "LiveOutput",
        "StreamingLocator",
    ):
        assert kind in created, (kind, created)

    out: dict[str, Any] = proj.outputs(show_secrets=True)
    assert out["accountName"] == "amsteam01"
    assert out["transforms"] == ["event-ladder"]
    assert out["streamingHost"].startswith("default-amsteam01-")
    assert out["ingestUrls"] and all(TOKEN in u for u in out["ingestUrls"])
    assert proj.outputs()["ingestUrls"] == "[secret]"
    paths = out["streamingPaths"]["main"]
    assert paths and all("/events.ism/manifest" in p for p in paths), paths
    assert out["recordings"]["main"]["recording"] is True
    assert TOKEN not in proj.export_text()

    # What the service holds, read with the SDK of this suite (not the installed one).
    from tests.providers.helpers import sdk_client

    sdk = sdk_client(installed_emulator)
    rg = "media-local"
    assert sdk.live_events.get(rg, "amsteam01", "events").resource_state == "Running"
    assert sdk.streaming_endpoints.get(rg, "amsteam01", "default").resource_state == "Running"
    ladder = sdk.transforms.get(rg, "amsteam01", "event-ladder").outputs[0].preset
    assert [layer.label for layer in ladder.codecs[1].layers] == ["hd720", "sd360"]

    proj.preview(expect_no_changes=True).check()
    proj.destroy().check()
    assert "amsteam01" not in [a.name for a in sdk.mediaservices.list(rg)]
