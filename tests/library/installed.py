"""This package as a team gets it: a wheel built from the sources, installed with one `pip install` into
a fresh virtualenv of a given Python, outside the repository (nothing of the checkout on sys.path)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.engine import REPO_ROOT

PACKAGES = ("components", "dynamic_providers", "emulator", "explorer")
AZURITE = REPO_ROOT / "node_modules" / ".bin" / "azurite-blob"


def pythons() -> list[str]:
    """The interpreters to install into: $AMS_TEST_PYTHONS (space-separated; `make test-pythons`), else the
    one this suite runs on."""
    listed = os.environ.get("AMS_TEST_PYTHONS", "").split()
    return listed or [str(Path(sys.base_prefix) / "bin" / "python3")]


def python_version(python: str) -> str:
    out = subprocess.run(
        [python, "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def _run(cmd: list[str], **kwargs: Any) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1200, **kwargs)
    if proc.returncode != 0:
        raise AssertionError(
            f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
        )


def build_wheel(workdir: Path) -> Path:
    """`pip wheel` of a copy of the sources (the packages and pyproject.toml), so no stale build/ of the
    checkout can end up in it."""
    src = workdir / "src"
    for name in PACKAGES:
        shutil.copytree(REPO_ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO_ROOT / "pyproject.toml", src / "pyproject.toml")
    dist = workdir / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(src)])
    (wheel,) = dist.glob("ams_iac-*.whl")
    return wheel


def clean_env(**extra: str) -> dict[str, str]:
    """A minimal environment: no PYTHONPATH, no virtualenv of this suite on PATH."""
    keep = (
        "HOME",
        "TMPDIR",
        "MEDIA_LOCK_DIR",
        "LANG",
        "PIP_FIND_LINKS",
        "PIP_CERT",
        "PIP_DEFAULT_TIMEOUT",
        "PIP_INDEX_URL",
    )
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return {**env, **extra}


def install(python: str, venv: Path, wheel: Path, *requirements: Path) -> Path:
    """`python -m venv` + one `pip install` of the wheel (and requirements files naming it), with this
    repository's constraints so the versions are the tested ones. Returns the venv's python."""
    _run([python, "-m", "venv", str(venv)], env=clean_env())
    # --no-compile: byte-compiling pulumi-azure-native's thousands of modules is most of an install's
    # time; Python compiles the few it imports.
    cmd = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-compile"]
    cmd += ["-c", str(REPO_ROOT / "constraints.txt"), str(wheel)]
    for req in requirements:
        cmd += ["-r", str(req)]
    _run(cmd, env=clean_env(), cwd=venv.parent)
    return venv / "bin" / "python"
