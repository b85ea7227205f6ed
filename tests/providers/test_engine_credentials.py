"""Every way a pipeline authenticates, through the real engine: the providers build their credential
in `configure()` from the settings pulumi-azure-native reads (`azure-native:*` stack config first,
then `ARM_*` variables) and reach the emulator with it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.engine import PulumiProject
from tests.providers.helpers import account_block, header, repo_env, uniq

pytestmark = [pytest.mark.engine, pytest.mark.xdist_group("providers-credentials")]

# The endpoint settings every method needs to reach the emulator instead of public Azure.
ENDPOINT_VARS = (
    "ARM_SUBSCRIPTION_ID",
    "ARM_METADATA_HOSTNAME",
    "ARM_CA_BUNDLE",
)


def _credential_env(method: str, connection: dict[str, Any], arm_env: dict[str, str], emulator: Any) -> dict:
    base = {k: arm_env[k] for k in ENDPOINT_VARS}
    contributor = connection["principals"]["contributor"]
    tenant = {"ARM_TENANT_ID": connection["tenant_id"], "ARM_CLIENT_ID": contributor["client_id"]}
    if method == "certificate":
        return {**base, **tenant, "ARM_CLIENT_CERTIFICATE_PATH": contributor["client_certificate_path"]}
    if method == "oidc":
        token = emulator.admin.oidc_token("contributor")
        return {**base, **tenant, "ARM_USE_OIDC": "true", "ARM_OIDC_TOKEN": token}
    if method == "managed-identity":
        return {**base, "ARM_USE_MSI": "true", **connection["managed_identity"]["env"]}
    raise AssertionError(method)


@pytest.mark.parametrize("method", ["certificate", "oidc", "managed-identity"])
def test_each_credential_method_deploys_through_the_engine(
    method: str,
    media_project: Callable[..., PulumiProject],
    connection: dict[str, Any],
    arm_env: dict[str, str],
    emulator: Any,
) -> None:
    # Only this method's variables: nothing from the default service principal leaks in.
    env = {k: "" for k in arm_env} | _credential_env(method, connection, arm_env, emulator) | repo_env()
    proj = media_project(f"cred-{method}", env=env)
    proj.write_program(header(connection) + account_block(uniq("cred")))
    up = proj.up()
    assert up.returncode == 0, up.output[-3000:]
    assert up.changes["create"] == 2
    assert proj.preview(refresh=True, expect_no_changes=True).returncode == 0
    proj.destroy().check()


def test_stack_config_wins_over_environment(
    media_project: Callable[..., PulumiProject], connection: dict[str, Any], arm_env: dict[str, str]
) -> None:
    """`azure-native:clientSecret` in stack config (a Pulumi secret) beats a wrong ARM_CLIENT_SECRET,
    and the secret never shows up in the engine's output or the state."""
    secret = arm_env["ARM_CLIENT_SECRET"]
    proj = media_project("cred-config", env={"ARM_CLIENT_SECRET": "wrong-secret", **repo_env()})
    proj.write_program(header(connection) + account_block(uniq("cfg")))
    proj.set_config("azure-native:clientSecret", secret, secret=True)
    up = proj.up()
    assert up.returncode == 0, up.output[-3000:]
    assert secret not in up.output and secret not in proj.export_text()
    proj.destroy().check()

    wrong = media_project("cred-wrong", env={"ARM_CLIENT_SECRET": "wrong-secret", **repo_env()})
    wrong.write_program(header(connection) + account_block(uniq("bad")))
    failed = wrong.up()
    assert failed.returncode != 0
    assert "authentication failed" in failed.output and "Traceback" not in failed.output
