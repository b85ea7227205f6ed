"""Session fixtures shared by the whole suite: the Pulumi CLI, the emulator, engine projects.

Under pytest-xdist every worker is its own session, so each worker gets its own emulator
(with its own Azurite) and tests never share mutable backend state across workers.
"""

from __future__ import annotations

import itertools
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.engine import REPO_ROOT, PulumiProject


@pytest.fixture(scope="session")
def pulumi_cli_dir() -> Path:
    """Ensure the real Pulumi CLI exists (built and cached on first use) and return its directory."""
    proc = subprocess.run(
        [str(REPO_ROOT / "scripts" / "ensure-cli.sh")], capture_output=True, text=True, timeout=3600
    )
    if proc.returncode != 0:
        pytest.fail(f"could not provide the Pulumi CLI:\n{proc.stderr[-4000:]}")
    return Path(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A running Media Services emulator (HTTPS ARM + token endpoints + Azurite) for this session."""
    from emulator.launcher import start_emulator

    running = start_emulator(tmp_path_factory.mktemp("emulator"))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def connection(emulator: Any) -> dict[str, Any]:
    """The emulator's connection.json."""
    return dict(emulator.connection)


@pytest.fixture(scope="session")
def arm_env(connection: dict[str, Any]) -> dict[str, str]:
    from emulator.launcher import arm_env as emulator_arm_env

    return emulator_arm_env(connection)


_project_ids = itertools.count()


@pytest.fixture
def pulumi_project(tmp_path: Path, pulumi_cli_dir: Path) -> Callable[..., PulumiProject]:
    """Factory for throwaway projects on a local file backend (no emulator credentials)."""

    def make(name: str = "proj", **kwargs: Any) -> PulumiProject:
        return PulumiProject(tmp_path / f"{name}-{next(_project_ids)}", **kwargs)

    return make


@pytest.fixture
def media_project(
    tmp_path: Path, pulumi_cli_dir: Path, arm_env: dict[str, str]
) -> Callable[..., PulumiProject]:
    """Factory for throwaway projects whose providers talk to this session's emulator."""

    def make(name: str = "proj", env: dict[str, str] | None = None, **kwargs: Any) -> PulumiProject:
        return PulumiProject(
            tmp_path / f"{name}-{next(_project_ids)}", env={**arm_env, **(env or {})}, **kwargs
        )

    return make
