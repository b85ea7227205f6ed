"""Helpers for provider engine tests: unique names, programs, a direct SDK client for out-of-band changes."""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

_CLIENT_LOCK = threading.Lock()


def uniq(prefix: str) -> str:
    return (prefix + uuid.uuid4().hex)[:20]


def sdk_client(arm_env: dict[str, str]) -> Any:
    """An AzureMediaServices client for the emulator, built by our own client module (same settings path)."""
    from dynamic_providers.core import client as clientmod

    cfg = {
        "azure-native:clientId": arm_env["ARM_CLIENT_ID"],
        "azure-native:clientSecret": arm_env["ARM_CLIENT_SECRET"],
        "azure-native:tenantId": arm_env["ARM_TENANT_ID"],
        "azure-native:subscriptionId": arm_env["ARM_SUBSCRIPTION_ID"],
        "azure-native:metadataHost": arm_env["ARM_METADATA_HOSTNAME"],
        "media:caBundle": arm_env["ARM_CA_BUNDLE"],
    }
    with _CLIENT_LOCK:
        clientmod.configure(cfg)
        return clientmod.client()


def header(conn: dict[str, Any]) -> str:
    return (
        "import pulumi\n"
        "import dynamic_providers as dp\n"
        f"RG = {json.dumps(conn['resource_group'])}\n"
        f"LOC = {json.dumps(conn['location'])}\n"
        f"SA = {json.dumps(conn['storage_account_id'])}\n"
    )


def account_block(acct: str, tags: dict[str, str] | None = None) -> str:
    return (
        f"acct = dp.MediaService('acct', resource_group_name=RG, account_name={acct!r}, location=LOC,\n"
        f"    tags={tags or {}!r}, properties={{'storageAccounts': [{{'id': SA, 'type': 'Primary'}}]}})\n"
        "A = acct.name\n"
    )


def repo_env() -> dict[str, str]:
    """Put this checkout first on the path of the program and provider processes, so they import the
    code under test even when the venv's editable install points at another checkout."""
    from tests.engine import REPO_ROOT

    return {"PYTHONPATH": str(REPO_ROOT)}
