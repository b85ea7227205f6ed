"""The CI definitions run, job by job and step by step, against the emulator with the state in an azblob
container on its Azurite: PR preview (the diff named resource by resource in the job summary and the PR
comment body), deploy on merge (every stage created, its state in the container), nightly drift with the
Reader identity (passes on the clean stages, saying which secrets a Reader cannot check; fails on a property
changed behind Pulumi's back and names it). GitHub Actions and Azure DevOps each on their own stages.

What the test stands in for: the workspace copy is the checkout, the repo's stage files for dev/staging/prod
are replaced by the emulator's stage (theirs create resource groups and storage with azure-native, which
cannot be downloaded or served here), `ARM_METADATA_HOSTNAME`/`ARM_CA_BUNDLE` are the runner machine's
(the emulator is a custom cloud), and the runner's OIDC token service / the service connections mint the
emulator's federated tokens: the Reader's for the `<stage>-drift` environments and `media-reader`."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from azure.storage.blob import BlobServiceClient

from emulator.storage import ACCOUNT, ACCOUNT_KEY
from tests.engine import REPO_ROOT, PulumiProject
from tests.pipelines.runner import (
    SKIPPED,
    AzureDevOpsRunner,
    Checkout,
    GitHubRunner,
    JobResult,
    OidcTokenService,
    Variable,
    environment_of,
    repository_files,
    summary_of,
)
from tests.program.stage import own_stage_doc
from tests.providers.helpers import sdk_client

pytestmark = [pytest.mark.engine]

STACKS = ("dev", "staging", "prod")
WORKFLOWS = REPO_ROOT / ".github" / "workflows"
ADO = REPO_ROOT / ".azure-pipelines" / "media.yml"
FEDERATION_AUDIENCE = "api://AzureADTokenExchange"
# What a hosted runner's own environment has that these jobs use (nothing Azure- or Pulumi-specific).
MACHINE = ("PATH", "HOME", "USER", "LANG", "LC_ALL", "TMPDIR", "MEDIA_LOCK_DIR", "PULUMI_CLI_CACHE")


@dataclass
class Ci:
    """One team's CI setup: its state container, committed stage files and secrets."""

    connection: dict[str, Any]
    checkout: Checkout
    backend_url: str
    container: str
    passphrase: str
    accounts: dict[str, str]
    base_env: dict[str, str]

    def blobs(self) -> list[str]:
        service = BlobServiceClient(
            self.connection["storage_blob_endpoint"],
            credential={"account_name": ACCOUNT, "account_key": ACCOUNT_KEY},
        )
        return [b.name for b in service.get_container_client(self.container).list_blobs()]


@pytest.fixture(scope="module")
def encrypted_key(tmp_path_factory: pytest.TempPathFactory, pulumi_cli_dir: Path) -> dict[str, str]:
    """The content key token key as the team commits it: `pulumi config set --secret` under the pipelines'
    passphrase (the salt lives in the stack file, so every stage file can carry the same pair)."""
    passphrase = secrets.token_urlsafe(16)
    proj = PulumiProject(
        tmp_path_factory.mktemp("team-setup"),
        project="ams-media",
        stack="setup",
        env={"PULUMI_CONFIG_PASSPHRASE": passphrase},
    )
    proj.write_project_file()
    proj.set_config("ams-media:contentKeyTokenKey", base64.b64encode(os.urandom(32)).decode(), secret=True)
    doc = yaml.safe_load((proj.dir / "Pulumi.setup.yaml").read_text())
    return {
        "passphrase": passphrase,
        "salt": doc["encryptionsalt"],
        "secure": doc["config"]["ams-media:contentKeyTokenKey"]["secure"],
    }


@pytest.fixture
def team(tmp_path: Path, connection: dict[str, Any], encrypted_key: dict[str, str]) -> Callable[[str], Ci]:
    """A team's CI setup on this session's emulator, per platform."""
    return lambda platform: _ci(platform, tmp_path / platform, connection, encrypted_key)


def _ci(platform: str, tmp_path: Path, connection: dict[str, Any], key: dict[str, str]) -> Ci:
    # The jobs' `make venv` must find the linked caches up to date (it would rebuild them through the links).
    stale = subprocess.run(["make", "-q", ".venv/.stamp", "node_modules/.stamp"], cwd=REPO_ROOT)
    if stale.returncode != 0:
        pytest.fail("the venv or node_modules is older than its inputs: run `make venv node` first")
    endpoint = connection["storage_blob_endpoint"]
    container = f"{platform}-state-{uuid.uuid4().hex[:8]}"
    storage = BlobServiceClient(endpoint, credential={"account_name": ACCOUNT, "account_key": ACCOUNT_KEY})
    storage.create_container(container)
    host = endpoint.removeprefix("http://").split("/", 1)[0]
    source = tmp_path / "repo"
    repository_files(REPO_ROOT, source)
    accounts = {}
    for stack in STACKS:
        accounts[stack] = f"{platform}{stack}{uuid.uuid4().hex[:4]}"
        doc = own_stage_doc(connection, accounts[stack], f"news-{platform}-{stack}")
        doc["config"]["ams-media:environment"]["stage"] = stack
        doc["config"]["ams-media:environment"]["tags"]["stage"] = stack
        doc["config"]["ams-media:contentKeyTokenKey"] = {"secure": key["secure"]}
        doc["encryptionsalt"] = key["salt"]
        (source / "stacks" / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    checkout = Checkout(
        source, tmp_path / "runs", {".venv": REPO_ROOT / ".venv", "node_modules": REPO_ROOT / "node_modules"}
    )
    base_env = environment_of(os.environ, MACHINE)
    base_env["ARM_METADATA_HOSTNAME"] = connection["arm_endpoint"].removeprefix("https://").rstrip("/")
    base_env["ARM_CA_BUNDLE"] = connection["ca_bundle"]
    return Ci(
        connection,
        checkout,
        f"azblob://{container}?domain={host}&protocol=http",
        container,
        key["passphrase"],
        accounts,
        base_env,
    )


def _principal_for_environment(environment: str | None) -> str:
    """The federated credentials: the Reader app trusts the `<stage>-drift` environments, the Contributor
    app the stage and preview environments."""
    assert environment, "a job without an environment gets no federated credential"
    return "reader" if environment.endswith("-drift") else "contributor"


def _mint(emulator: Any) -> Callable[[str | None, str], str]:
    def mint(environment: str | None, audience: str) -> str:
        assert audience == FEDERATION_AUDIENCE, audience
        return str(emulator.admin.oidc_token(_principal_for_environment(environment)))

    return mint


def _ok(results: list[JobResult], expected: int) -> None:
    assert len(results) == expected, summary_of(results)
    bad = [r for r in results if r.status != "success"]
    assert not bad, summary_of(results) + "\n" + "\n".join(r.output[-5000:] for r in bad)


def _stack_of(job: JobResult) -> str:
    return next(s for s in STACKS if s in job.name)


def _assert_preview_names_the_stage(text: str, ci: Ci, stack: str) -> None:
    for name in (ci.accounts[stack], "adaptive-streaming", "h264-ladder-hd", "news", "sports", "drm-token"):
        assert name in text, f"{name} missing from the {stack} preview:\n{text[-3000:]}"
    assert "+ " in text and "to create" in text, text[-3000:]


def _assert_deployed(ci: Ci, arm_env: dict[str, str], stacks: tuple[str, ...]) -> None:
    blobs = ci.blobs()
    client = sdk_client(arm_env)
    for stack in stacks:
        assert f".pulumi/stacks/ams-media/{stack}.json" in blobs, blobs
        account = client.mediaservices.get(ci.connection["resource_group"], ci.accounts[stack])
        assert account.tags.get("stage") == stack
    assert not [b for b in blobs if b.startswith(".pulumi/locks/")], blobs


def _inject_drift(ci: Ci, arm_env: dict[str, str], stack: str) -> None:
    """A transform's description changed by hand in the portal (the SDK, as the contributor)."""
    from azure.mgmt.media import models

    client = sdk_client(arm_env)
    rg, account = ci.connection["resource_group"], ci.accounts[stack]
    current = client.transforms.get(rg, account, "adaptive-streaming")
    client.transforms.create_or_update(
        rg,
        account,
        "adaptive-streaming",
        models.Transform(description="changed by hand", outputs=current.outputs),
    )


def _nightly(ci: Ci, arm_env: dict[str, str], run: Callable[[str | None], list[JobResult]]) -> None:
    """The Reader's drift check passes on the clean stages, then (its dev job re-run) fails on dev, naming
    what drifted, after someone changed it by hand."""
    clean = run(None)
    print(summary_of(clean))
    assert len(clean) == len(STACKS)
    _assert_drift_results(clean, drifted=None)
    _inject_drift(ci, arm_env, "dev")
    dirty = run("dev")
    print(summary_of(dirty))
    assert len(dirty) == 1
    _assert_drift_results(dirty, drifted="dev")


def _assert_drift_results(results: list[JobResult], drifted: str | None) -> None:
    for job in results:
        stack = _stack_of(job)
        text = job.summary
        assert f"drift summary for stack {stack}" in text, job.describe() + job.output[-4000:]
        # The Reader identity: it cannot read the token keys, and says so instead of reporting clean.
        assert "NOT CHECKED" in text, text[-3000:]
        if stack == drifted:
            assert job.status == "failure", job.describe()
            assert "result: DRIFT" in text and "adaptive-streaming" in text and "changed by hand" in text
            assert "description" in text, text[-4000:]
        else:
            assert job.status == "success", job.describe() + job.output[-4000:]
            assert "result: NO DRIFT FOUND, BUT NOT EVERYTHING WAS CHECKED" in text, text[-3000:]


@pytest.fixture
def oidc(emulator: Any) -> Iterator[OidcTokenService]:
    service = OidcTokenService(_mint(emulator))
    yield service
    service.close()


@pytest.mark.xdist_group("pipelines-github")
def test_github_workflows_preview_deploy_and_drift(
    team: Callable[[str], Ci], connection: dict[str, Any], arm_env: dict[str, str], oidc: OidcTokenService
) -> None:
    ci = team("gh")
    principals = connection["principals"]
    runner = GitHubRunner(
        ci.checkout,
        secrets={
            "AZURE_CLIENT_ID": principals["contributor"]["client_id"],
            "AZURE_READER_CLIENT_ID": principals["reader"]["client_id"],
            "AZURE_TENANT_ID": connection["tenant_id"],
            "AZURE_SUBSCRIPTION_ID": connection["subscription_id"],
            "AZURE_STORAGE_KEY": ACCOUNT_KEY,
            "PULUMI_CONFIG_PASSPHRASE": ci.passphrase,
        },
        variables={"PULUMI_BACKEND_URL": ci.backend_url, "AZURE_STORAGE_ACCOUNT": ACCOUNT},
        base_env=ci.base_env,
        oidc=oidc,
    )

    # A pull request: every stage previewed; the diff in the job summary and in the comment body.
    previews = runner.run(WORKFLOWS / "preview.yml", "pull_request", {"pull_request": {"number": 12}})
    print(summary_of(previews))
    _ok(previews, len(STACKS))
    for job in previews:
        stack = _stack_of(job)
        assert job.environment == f"{stack}-preview"
        _assert_preview_names_the_stage(job.summary, ci, stack)
        assert job.workspace is not None
        comment = job.workspace / "comment.md"
        assert comment.exists(), job.describe()
        _assert_preview_names_the_stage(comment.read_text(), ci, stack)
        skipped = {s.name: s.reason for s in job.steps if s.status == "skipped"}
        assert "PR comment" in skipped, job.describe()
    assert {env for env, _ in oidc.requests} == {f"{s}-preview" for s in STACKS}

    # The merge: every stage deployed, prod after the others; the state in the azblob container.
    deploys = runner.run(WORKFLOWS / "deploy.yml", "push", {"ref": "refs/heads/main"})
    print(summary_of(deploys))
    _ok(deploys, len(STACKS))
    assert [_stack_of(j) for j in deploys][-1] == "prod" and deploys[-1].environment == "prod"
    _assert_deployed(ci, arm_env, STACKS)

    oidc.requests.clear()
    _nightly(ci, arm_env, lambda only: runner.run(WORKFLOWS / "drift.yml", "schedule", only=only))
    assert {env for env, _ in oidc.requests} == {f"{s}-drift" for s in STACKS}


@pytest.mark.xdist_group("pipelines-azure-devops")
def test_azure_devops_pipeline_preview_deploy_and_drift(
    team: Callable[[str], Ci], connection: dict[str, Any], arm_env: dict[str, str], emulator: Any
) -> None:
    ci = team("ado")
    principals = connection["principals"]
    tokens: list[str] = []

    def connection_of(principal: str) -> Callable[[], dict[str, str]]:
        def spn() -> dict[str, str]:
            tokens.append(principal)
            return {
                "servicePrincipalId": principals[principal]["client_id"],
                "tenantId": connection["tenant_id"],
                "idToken": str(emulator.admin.oidc_token(principal)),
            }

        return spn

    runner = AzureDevOpsRunner(
        ci.checkout,
        groups={
            "media-state": {
                "PULUMI_BACKEND_URL": Variable(ci.backend_url),
                "AZURE_STORAGE_ACCOUNT": Variable(ACCOUNT),
                "AZURE_SUBSCRIPTION_ID": Variable(connection["subscription_id"]),
                "AZURE_STORAGE_KEY": Variable(ACCOUNT_KEY, secret=True),
                "PULUMI_CONFIG_PASSPHRASE": Variable(ci.passphrase, secret=True),
            }
        },
        base_env=ci.base_env,
        service_connections={
            "media-contributor": connection_of("contributor"),
            "media-reader": connection_of("reader"),
        },
    )

    previews = runner.run(ADO, "PullRequest")
    print(summary_of(previews))
    _ok(previews, len(STACKS))
    assert all(j.name.startswith("preview.") for j in previews)
    for job in previews:
        _assert_preview_names_the_stage(job.summary, ci, _stack_of(job))

    deploys = runner.run(ADO, "IndividualCI")
    print(summary_of(deploys))
    _ok(deploys, 2)  # `up` (dev, then staging) and prod
    assert [j.name for j in deploys] == ["deploy.up", "deploy.prod"]
    _assert_deployed(ci, arm_env, STACKS)

    tokens.clear()
    _nightly(ci, arm_env, lambda only: runner.run(ADO, "Schedule", only=only))
    assert set(tokens) == {"reader"}


def test_every_action_the_workflows_use_is_run_or_skipped_with_a_reason() -> None:
    from tests.pipelines.runner import load_workflow

    for path in sorted(WORKFLOWS.glob("*.yml")):
        for job in load_workflow(path)["jobs"].values():
            for step in job["steps"]:
                if "uses" in step:
                    assert step["uses"].split("@")[0] in SKIPPED, (path.name, step["uses"])
                else:
                    assert "run" in step, (path.name, step)
