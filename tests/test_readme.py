"""The README's component example is real code: it runs (under Pulumi mocks, since its account is
not the emulator's) and builds the live channel it promises."""

from __future__ import annotations

import re
from typing import Any

import pulumi
import pytest

from tests.engine import REPO_ROOT


class _Recorder(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: list[tuple[str, str, dict[str, Any]]] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources.append((args.typ, args.name, dict(args.inputs)))
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        return {}, None


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


@pytest.mark.xdist_group("mocks")
def test_readme_component_example_builds_a_live_channel() -> None:
    blocks = _python_blocks((REPO_ROOT / "README.md").read_text())
    assert blocks, "README has no python example"
    recorder = _Recorder()
    pulumi.runtime.set_mocks(recorder, project="readme", stack="dev", preview=False)
    pulumi.runtime.set_config("readme:newsAccessToken", "0123456789abcdef0123456789abcdef")

    @pulumi.runtime.test
    def run() -> Any:
        for block in blocks:
            exec(compile(block, "README.md", "exec"), {"__name__": "readme_example"})
        return pulumi.Output.from_input(None)

    run()
    kinds = [typ.rsplit(":", 1)[-1] for typ, _, _ in recorder.resources]
    assert kinds.count("LiveEvent") == 1
    assert kinds.count("LiveOutput") == 2
    assert kinds.count("StreamingLocator") == 2
