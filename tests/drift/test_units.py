"""Fast checks of the pieces under the drift commands: the secret comparison, ignore rules, the stage keys
they read, and the export's secret extraction (no engine, no emulator)."""

from __future__ import annotations

import pytest

from components.config import StageConfigError, parse_stage_config
from dynamic_providers.core.contents import Entity
from dynamic_providers.core.secret_drift import compare, is_fingerprint
from explorer.export import _config_key, _leaves, _remove_leaf
from explorer.inventory import matches

PATHS = ("properties.contentKeys[*].value", "properties.input.accessToken")


def test_secret_compare_fingerprints_only_the_drifted_leaf_and_never_holds_the_live_value() -> None:
    desired = {"properties": {"contentKeys": [{"id": "a", "value": "k1"}, {"id": "b", "value": "k2"}]}}
    live = {"properties": {"contentKeys": [{"id": "a", "value": "k1"}, {"id": "b", "value": "ROGUE"}]}}
    result = compare(desired, live, PATHS)
    keys = result.inputs["properties"]["contentKeys"]
    assert keys[0]["value"] == "k1" and is_fingerprint(keys[1]["value"])
    assert "ROGUE" not in repr(result.inputs) and "k2" not in keys[1]["value"]
    assert result.drifted == ["properties.contentKeys[1].value"] and not result.unchecked
    assert desired["properties"]["contentKeys"][1]["value"] == "k2"  # the input is not modified
    # a later refresh of the already drifted state keeps reporting it
    assert compare(result.inputs, live, PATHS).drifted == ["properties.contentKeys[1].value"]


def test_secret_compare_reports_unreadable_or_unreturned_secrets_as_unchecked() -> None:
    desired = {"properties": {"input": {"accessToken": "t"}}}
    assert compare(desired, None, PATHS).unchecked == ["properties.input.accessToken"]
    scrubbed = {"properties": {"input": {"accessToken": ""}}}  # what GET returns for a hidden secret
    result = compare(desired, scrubbed, PATHS)
    assert result.unchecked == ["properties.input.accessToken"] and result.inputs == desired


def test_ignore_rules_match_kind_and_name_prefix() -> None:
    asset = Entity("Asset", "wf-0001", "/x/assets/wf-0001")
    rule = parse_stage_config(_stage(unmanaged={"ignore": [{"kind": "Asset", "namePrefix": "WF-"}]}))
    (r,) = rule.unmanaged.ignore
    assert matches(r, asset) and not matches(r, Entity("Transform", "wf-0001", "/x/transforms/wf-0001"))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"unmanaged": {"ignore": [{"kind": "Asset", "namePrefix": ""}]}}, "unmanaged.ignore[0].namePrefix"),
        ({"unmanaged": {"ignore": [{"kind": "Channel", "namePrefix": "x"}]}}, "unmanaged.ignore[0].kind"),
        ({"entities": [{"kind": "LiveOutput", "name": "o"}]}, "needs parent"),
        ({"entities": [{"kind": "Asset", "name": "a", "runState": "Running"}]}, "entities[0].runState"),
        ({"adopt": "yes"}, "adopt"),
    ],
)
def test_bad_drift_and_adoption_keys_fail_naming_the_key(extra: dict, message: str) -> None:
    with pytest.raises(StageConfigError) as err:
        parse_stage_config(_stage(**extra))
    assert message in str(err.value)


def test_export_takes_secret_leaves_out_of_the_body_under_config_keys() -> None:
    body = {"options": [{"restriction": {"primaryVerificationKey": {"keyValue": "S"}}}, {"restriction": {}}]}
    leaves = _leaves(body, "options[*].restriction.primaryVerificationKey.keyValue")
    assert leaves == [("options[0].restriction.primaryVerificationKey.keyValue", "S")]
    _remove_leaf(body, leaves[0][0])
    assert "S" not in repr(body)
    key = _config_key("ContentKeyPolicy", "drm-token", leaves[0][0])
    assert key == "contentKeyPolicyDrmTokenKeyValue0"


def _stage(**extra: object) -> dict:
    sid = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/amsstore"
    return {
        "stage": "unit",
        "location": "westeurope",
        "resourceGroup": {"name": "rg"},
        "account": {"name": "amsunit01", "storage": {"existingId": sid}},
        **extra,
    }
