"""Secret drift: a content key policy's token key and a FairPlay ASK swapped by hand are seen by
`preview --refresh` without the live (or desired) value appearing anywhere, `up` puts the declared
values back, and a Reader principal gets "not checked" instead of a clean result."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest

from tests.engine import PulumiProject
from tests.providers.helpers import account_block, header, repo_env, sdk_client, uniq

pytestmark = [pytest.mark.engine, pytest.mark.xdist_group("drift-secrets")]

DECLARED = base64.b64encode(b"declared-token-key-0123456789abc").decode()
ROGUE = base64.b64encode(b"rogue-token-key-ZYXWVUTSRQPONMLK").decode()
FROM_HEADER = "#Microsoft.Media.ContentKeyPolicyPlayReadyContentEncryptionKeyFromHeader"
LEAF = "properties.options[0].restriction.primaryVerificationKey.keyValue"


def _policy_body(key: str) -> dict[str, Any]:
    return {
        "options": [
            {
                "name": "playready",
                "configuration": {
                    "@odata.type": "#Microsoft.Media.ContentKeyPolicyPlayReadyConfiguration",
                    "licenses": [
                        {
                            "contentKeyLocation": {"@odata.type": FROM_HEADER},
                            "contentType": "Unspecified",
                            "licenseType": "NonPersistent",
                            "allowTestDevices": False,
                        }
                    ],
                },
                "restriction": {
                    "@odata.type": "#Microsoft.Media.ContentKeyPolicyTokenRestriction",
                    "issuer": "https://sts.example",
                    "audience": "urn:test",
                    "restrictionTokenType": "Jwt",
                    "primaryVerificationKey": {
                        "@odata.type": "#Microsoft.Media.ContentKeyPolicySymmetricTokenKey",
                        "keyValue": key,
                    },
                },
            }
        ]
    }


def _live_key(client: Any, rg: str, acct: str, name: str) -> str:
    props = client.content_key_policies.get_policy_properties_with_secrets(rg, acct, name)
    return str(props.serialize()["options"][0]["restriction"]["primaryVerificationKey"]["keyValue"])


def test_swapped_token_key_is_drift_without_revealing_it_and_up_restores_it(
    media_project: Callable[..., PulumiProject], connection: dict[str, Any], arm_env: dict[str, str]
) -> None:
    from azure.mgmt.media import models

    from emulator.launcher import arm_env as emulator_arm_env

    acct = uniq("secdrift")
    rg = connection["resource_group"]
    proj = media_project("secret-drift", env=repo_env())
    proj.write_program(
        header(connection)
        + account_block(acct)
        + "cfg = pulumi.Config()\n"
        + "body = "
        + repr(_policy_body("@KEY@")).replace("'@KEY@'", "cfg.require_secret('tokenKey')")
        + "\n"
        + "dp.ContentKeyPolicy('ckp', resource_group_name=RG, account_name=A,"
        " content_key_policy_name='drm-token', properties=body)\n"
    )
    proj.set_config("tokenKey", DECLARED, secret=True)
    proj.up().check()
    assert proj.preview(refresh=True, expect_no_changes=True).returncode == 0

    client = sdk_client(arm_env)
    body = _policy_body(ROGUE)
    client.content_key_policies.create_or_update(
        rg, acct, "drm-token", models.ContentKeyPolicy.from_dict({"properties": body})
    )
    assert _live_key(client, rg, acct, "drm-token") == ROGUE

    drift = proj.preview(refresh=True, expect_no_changes=True)
    assert drift.returncode != 0, drift.output[-3000:]
    assert [s.name for s in drift.steps if s.op == "update"] == ["ckp"]
    assert f"secret-drift: ContentKeyPolicy 'drm-token': {LEAF} changed outside Pulumi" in drift.output
    for value in (ROGUE, DECLARED):
        assert value not in drift.output
        assert value not in proj.export_text()

    # The Reader may not call getPolicyPropertiesWithSecrets: the check is skipped and said so, once.
    reader = proj.run(
        "preview", "--stack", proj.stack, "--diff", "--refresh", env=emulator_arm_env(connection, "reader")
    )
    assert reader.output.count("secret-check-skipped: ContentKeyPolicy") == 1, reader.output[-3000:]
    assert "getPolicyPropertiesWithSecrets" in reader.output

    proj.up(refresh=True).check()
    assert _live_key(client, rg, acct, "drm-token") == DECLARED
    clean = proj.preview(refresh=True, expect_no_changes=True)
    assert clean.returncode == 0, clean.output[-3000:]
    assert "secret-drift" not in clean.output
    assert DECLARED not in proj.export_text()
    proj.destroy().check()
