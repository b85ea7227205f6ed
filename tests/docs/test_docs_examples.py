"""The docs' code is real code: every ```python block of README.md and docs/components.md runs.

Blocks run in order as one program through the real engine against the emulator; a block preceded by
`<!-- docs-test: mocks -->` creates azure-native resources (not deployable here) and runs under Pulumi
mocks instead. Each test checks in the service what the docs say the program builds (defaults included),
and every `Class(arg, ...)` signature the docs name matches the code."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re
from collections.abc import Callable
from typing import Any

import pulumi
import pytest
from pydantic import BaseModel

from tests.engine import REPO_ROOT, PulumiProject

README = REPO_ROOT / "README.md"
COMPONENTS_DOC = REPO_ROOT / "docs" / "components.md"
MOCKS = "<!-- docs-test: mocks -->"
RG = "media-local"
NEWS_TOKEN = "0123456789abcdef0123456789abcdef"
TOKEN_KEY = "c2VjcmV0LXNpZ25pbmcta2V5LW9mLXRoZS1kb2NzLWV4YW1wbGU="


def python_blocks(text: str) -> tuple[list[str], list[str]]:
    """(blocks to deploy, blocks to run under mocks), each in document order."""
    deploy: list[str] = []
    mocks: list[str] = []
    for m in re.finditer(r"^(<!-- [^\n]* -->\n)?```python\n(.*?)^```", text, flags=re.S | re.M):
        (mocks if (m.group(1) or "").strip() == MOCKS else deploy).append(m.group(2))
    return deploy, mocks


def _deploy(
    media_project: Callable[..., PulumiProject], name: str, blocks: list[str], connection: dict[str, Any]
) -> PulumiProject:
    proj = media_project(name, project="docs")
    proj.write_program("\n".join(blocks))
    proj.set_config("docs:storageAccountId", connection["storage_account_id"])
    proj.set_config("docs:newsAccessToken", NEWS_TOKEN, secret=True)
    proj.set_config("docs:tokenKey", TOKEN_KEY, secret=True)
    assert connection["resource_group"] == RG  # the docs name the emulator's resource group
    proj.up().check()
    return proj


def _destroy(proj: PulumiProject, sdk: Any, account: str) -> None:
    """Destroy keeps recordings by default and the account then refuses to go (the docs say so); the test
    removes what the docs' program keeps so the emulator is left as found."""
    destroy = proj.destroy()
    if account in [a.name for a in sdk.mediaservices.list(RG)]:
        assert "refusing to delete account" in destroy.output, destroy.output[-3000:]
        sdk.mediaservices.delete(RG, account)
    else:
        destroy.check()


@pytest.mark.engine
@pytest.mark.xdist_group("docs")
def test_readme_example_deploys_a_live_channel_with_default_names(
    media_project: Callable[..., PulumiProject], connection: dict[str, Any], arm_env: dict[str, str]
) -> None:
    from tests.providers.helpers import sdk_client

    deploy, mocks = python_blocks(README.read_text())
    assert len(deploy) == 1 and not mocks
    proj = _deploy(media_project, "readme", deploy, connection)
    sdk = sdk_client(arm_env)
    acct = "amsmedia01"
    assert sdk.live_events.get(RG, acct, "news").resource_state == "StandBy"
    # Defaults the docs promise: the archive asset is <channel>-<output>-archive and the locator
    # <channel>-<output>-locator unless named.
    assert sorted(a.name for a in sdk.assets.list(RG, acct)) == ["news-dvr-archive", "news-main-archive"]
    locators = {loc.name: loc.asset_name for loc in sdk.streaming_locators.list(RG, acct)}
    assert locators == {"news-main-locator": "news-main-archive", "news-dvr": "news-dvr-archive"}
    out = proj.outputs(show_secrets=True)
    assert out["newsIngest"] and all(NEWS_TOKEN in url for url in out["newsIngest"])
    assert proj.outputs()["newsIngest"] == "[secret]"
    _destroy(proj, sdk, acct)


@pytest.mark.engine
@pytest.mark.xdist_group("docs")
def test_components_doc_examples_deploy_as_one_program(
    media_project: Callable[..., PulumiProject], connection: dict[str, Any], arm_env: dict[str, str]
) -> None:
    from tests.providers.helpers import sdk_client

    deploy, _ = python_blocks(COMPONENTS_DOC.read_text())
    assert len(deploy) == 5, "setup + account, transforms, endpoint, live channel, content protection"
    proj = _deploy(media_project, "components-doc", deploy, connection)
    sdk = sdk_client(arm_env)
    acct = "amsdemo01"
    assert sorted(t.name for t in sdk.transforms.list(RG, acct)) == ["abr", "ladder"]
    ladder = sdk.transforms.get(RG, acct, "ladder").outputs[0].preset.codecs[1]
    assert [(layer.width, layer.height) for layer in ladder.layers] == [("1920", "1080"), ("640", "360")]
    endpoint = sdk.streaming_endpoints.get(RG, acct, "default")
    assert (endpoint.resource_state, endpoint.scale_units, endpoint.cdn_enabled) == ("Running", 2, True)
    assert sdk.live_events.get(RG, acct, "news").resource_state == "StandBy"
    assert sorted(a.name for a in sdk.assets.list(RG, acct)) == ["news-dvr-archive", "news-main"]
    locators = {loc.name: loc.asset_name for loc in sdk.streaming_locators.list(RG, acct)}
    assert locators == {"news-main-locator": "news-main", "news-dvr-locator": "news-dvr-archive"}
    policy = sdk.content_key_policies.get(RG, acct, "drm")
    option = policy.options[0]
    assert (option.name, option.restriction.issuer, option.restriction.audience) == (
        "pr",
        "https://sts",
        "urn:aud",
    )
    assert "PlayReady" in option.configuration.odata_type
    cenc = sdk.streaming_policies.get(RG, acct, "cenc")
    assert cenc.default_content_key_policy_name == "drm"
    drm = cenc.common_encryption_cenc.drm  # only the DRM the key policy has an option for
    assert (drm.play_ready is not None, drm.widevine) == (True, None)
    assert TOKEN_KEY not in proj.export_text()
    _destroy(proj, sdk, acct)


class _Recorder(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: list[tuple[str, str, dict[str, Any]]] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources.append((args.typ, args.name, dict(args.inputs)))
        outputs = dict(args.inputs)
        if args.typ.startswith("azure-native:"):
            outputs.setdefault("principalId", "00000000-0000-4000-8000-000000000001")
        return f"/subscriptions/s/resourceGroups/rg-media/providers/x/{args.name}", outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        return {}, None


@pytest.mark.xdist_group("mocks")
def test_components_doc_created_storage_example_under_mocks() -> None:
    deploy, mocks = python_blocks(COMPONENTS_DOC.read_text())
    assert len(mocks) == 1
    recorder = _Recorder()
    pulumi.runtime.set_mocks(recorder, project="docs", stack="dev", preview=False)
    pulumi.runtime.set_config("docs:storageAccountId", "unused")

    @pulumi.runtime.test
    def run() -> Any:
        namespace: dict[str, Any] = {"__name__": "docs_example"}
        setup = deploy[0].split("acct = ")[0]  # the imports and cfg of the first block
        exec(compile(setup + mocks[0], str(COMPONENTS_DOC), "exec"), namespace)
        return pulumi.Output.from_input(None)

    run()
    kinds = sorted(typ for typ, _, _ in recorder.resources if typ.startswith("azure-native:"))
    assert kinds == [
        "azure-native:authorization:RoleAssignment",
        "azure-native:authorization:RoleAssignment",
        "azure-native:managedidentity:UserAssignedIdentity",
        "azure-native:resources:ResourceGroup",
        "azure-native:storage:StorageAccount",
    ]
    (account,) = [inputs for typ, _, inputs in recorder.resources if typ.endswith(":MediaService")]
    assert account["properties"]["storageAuthentication"] == "ManagedIdentity"


def _documented_signatures(text: str) -> list[tuple[str, list[str]]]:
    """Every `Name(arg, ...)` inside inline code whose Name starts with a capital letter."""
    found = []
    for span in re.findall(r"`([^`\n]+)`", text):
        for name, params in re.findall(r"\b([A-Z]\w+)\(([^()]*)\)", span):
            args = [p.split("=")[0].strip() for p in params.split(",") if p.strip() and p.strip() != "..."]
            found.append((name, args))
    return found


def _classes() -> dict[str, type]:
    out: dict[str, type] = {}
    for mod in (
        "config",
        "account",
        "transforms",
        "streaming_endpoint",
        "live_channel",
        "content_protection",
    ):
        module = importlib.import_module(f"components.{mod}")
        out.update(
            {n: c for n, c in vars(module).items() if inspect.isclass(c) and c.__module__ == module.__name__}
        )
    return out


@pytest.mark.parametrize("doc", [README, COMPONENTS_DOC], ids=lambda p: p.name)
def test_documented_signatures_match_the_code(doc: Any) -> None:
    classes = _classes()
    checked, wrong = 0, []
    for name, args in _documented_signatures(doc.read_text()):
        cls = classes.get(name)
        if cls is None or not args:
            continue
        checked += 1
        if dataclasses.is_dataclass(cls):  # positional: the documented names are the fields, in order
            fields = [f.name for f in dataclasses.fields(cls)]
            if fields[: len(args)] != args:
                wrong.append(f"{name}({', '.join(args)}): fields are {fields}")
        elif issubclass(cls, BaseModel):  # keyword-only: each documented name is a field
            unknown = [a for a in args if a not in cls.model_fields]
            if unknown:
                wrong.append(f"{name}: no field {unknown} (fields: {list(cls.model_fields)})")
    assert not wrong, "\n".join(wrong)
    if doc == COMPONENTS_DOC:
        assert checked >= 20, checked


def test_documented_component_outputs_and_attributes_exist() -> None:
    """Each component section's `Outputs: ...` paragraph names attributes the component sets."""
    text = COMPONENTS_DOC.read_text()
    sections = re.findall(r"^### (\w+) \(`(components\.\w+)`\)\n(.*?)(?=^### |^## )", text, flags=re.S | re.M)
    assert len(sections) == 5
    missing = []
    for cls_name, module, body in sections:
        source = inspect.getsource(getattr(importlib.import_module(module), cls_name))
        paragraph = body.split("Outputs:", 1)[1].split("\n\n", 1)[0]
        names = re.findall(r"`([a-z_]+)`", re.sub(r"\([^)]*\)", "", paragraph))
        assert names, cls_name
        missing += [f"{cls_name}.{n}" for n in names if f"self.{n} =" not in source]
    assert not missing, missing
