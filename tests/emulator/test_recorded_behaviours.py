"""Real-service behaviours seen in the Azure CLI ams recordings (Azure/azure-cli, ams/tests/latest)."""

from __future__ import annotations

from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.media import AzureMediaServices
from azure.mgmt.media import models as m

from emulator.launcher import RunningEmulator

from .conftest import unique
from .test_wire import Raw


def test_deleting_a_canceling_job_is_refused(
    ams: RunningEmulator, client: AzureMediaServices, rg: str, account: str
) -> None:
    transform = unique("t")
    preset = m.BuiltInStandardEncoderPreset(preset_name="AdaptiveStreaming")
    client.transforms.create_or_update(
        rg, account, transform, m.Transform(outputs=[m.TransformOutput(preset=preset)])
    )
    source, target = unique("in"), unique("out")
    for asset in (source, target):
        client.assets.create_or_update(rg, account, asset, m.Asset())
    job = unique("job")
    ams.admin.set_durations(**{"job.step": 30})
    try:
        client.jobs.create(
            rg,
            account,
            transform,
            job,
            m.Job(input=m.JobInputAsset(asset_name=source), outputs=[m.JobOutputAsset(asset_name=target)]),
        )
        client.jobs.cancel_job(rg, account, transform, job)
        assert client.jobs.get(rg, account, transform, job).state == "Canceling"
        with pytest.raises(HttpResponseError) as refused:
            client.jobs.delete(rg, account, transform, job)
        assert refused.value.status_code == 400 and "'Canceling' state" in str(refused.value.message)
        assert client.jobs.get(rg, account, transform, job).state == "Canceling"  # nothing deleted
    finally:
        ams.admin.set_durations(**{"job.step": 0.1})
    with pytest.raises(HttpResponseError) as gone:
        client.jobs.get(rg, account, transform, unique("nojob"))
    assert (
        gone.value.status_code == 404 and gone.value.error is not None and gone.value.error.code == "NotFound"
    )


def test_content_key_policy_create_answers_200(
    client: AzureMediaServices, conn: dict[str, Any], account: str
) -> None:
    raw = Raw(client, conn, account)
    body = {
        "properties": {
            "options": [
                {
                    "configuration": {
                        "@odata.type": "#Microsoft.Media.ContentKeyPolicyClearKeyConfiguration"
                    },
                    "restriction": {"@odata.type": "#Microsoft.Media.ContentKeyPolicyOpenRestriction"},
                }
            ]
        }
    }
    name = unique("ckp")
    assert raw("PUT", f"/contentKeyPolicies/{name}", body=body).status_code == 200
    assert raw("PUT", f"/contentKeyPolicies/{name}", body=body).status_code == 200


def test_content_key_policy_options_renumbered_and_secrets_null(
    client: AzureMediaServices, conn: dict[str, Any], account: str
) -> None:
    """test_content_key_policy_update: a PATCH that resends an option under the same name gives it a new
    policyOptionId; test_content_key_policy_create_with_fairplay: a plain GET answers secrets as null."""
    raw = Raw(client, conn, account)
    fairplay = {
        "@odata.type": "#Microsoft.Media.ContentKeyPolicyFairPlayConfiguration",
        "ask": "MDEyMzQ1Njc4OWFiY2RlZg==",
        "fairPlayPfxPassword": "pw",
        "fairPlayPfx": "cGZ4",
        "rentalAndLeaseKeyType": "Undefined",
        "rentalDuration": 60,
    }
    option = {
        "name": "pon1",
        "configuration": fairplay,
        "restriction": {"@odata.type": "#Microsoft.Media.ContentKeyPolicyOpenRestriction"},
    }
    name = unique("ckp")
    made = raw("PUT", f"/contentKeyPolicies/{name}", body={"properties": {"options": [option]}}).json()
    config = made["properties"]["options"][0]["configuration"]
    assert (config["ask"], config["fairPlayPfx"], config["fairPlayPfxPassword"]) == (None, None, None)
    first = made["properties"]["options"][0]["policyOptionId"]
    patched = raw(
        "PATCH", f"/contentKeyPolicies/{name}", body={"properties": {"description": "d", "options": [option]}}
    ).json()
    assert patched["properties"]["options"][0]["policyOptionId"] not in (first, None)
    kept = raw("PATCH", f"/contentKeyPolicies/{name}", body={"properties": {"description": "e"}}).json()
    assert (
        kept["properties"]["options"][0]["policyOptionId"]
        == patched["properties"]["options"][0]["policyOptionId"]
    )
