"""In-process tests with Pulumi mocks: every class constructs, its __provider blob is tiny and by-reference,
and a program with 1,000 dynamic resources serializes without error."""

from __future__ import annotations

import base64
import time

import dill
import pulumi
import pytest
from pulumi.runtime import rpc

import dynamic_providers as dp

pytestmark = pytest.mark.xdist_group("providers-mocks")


class Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.blobs: list[str] = []
        self.secret_blobs = 0
        self.inputs: list[dict] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        self.secret_blobs += rpc.is_rpc_secret(args.inputs["__provider"])
        blob = rpc.unwrap_rpc_secret(args.inputs["__provider"])
        self.blobs.append(blob)
        self.inputs.append(args.inputs)
        return [args.name + "_id", dict(args.inputs)]

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}


def _all(prefix: str) -> list[pulumi.Resource]:
    rg, acct = "rg", "acct1"
    return [
        dp.MediaService(
            f"{prefix}acct",
            resource_group_name=rg,
            account_name="acct1",
            location="westeurope",
            properties={"storageAccounts": [{"id": "/x", "type": "Primary"}]},
        ),
        dp.Transform(f"{prefix}tr", resource_group_name=rg, account_name=acct, properties={"outputs": []}),
        dp.Job(f"{prefix}job", resource_group_name=rg, account_name=acct, transform_name="t", properties={}),
        dp.Asset(f"{prefix}asset", resource_group_name=rg, account_name=acct),
        dp.AssetContent(
            f"{prefix}content",
            resource_group_name=rg,
            account_name=acct,
            asset_name="a",
            files={"a.mp4": "/tmp/a.mp4"},
        ),
        dp.AssetFilter(f"{prefix}af", resource_group_name=rg, account_name=acct, asset_name="a"),
        dp.AccountFilter(f"{prefix}acf", resource_group_name=rg, account_name=acct),
        dp.ContentKeyPolicy(
            f"{prefix}ckp",
            resource_group_name=rg,
            account_name=acct,
            properties={
                "options": [
                    {
                        "restriction": {
                            "@odata.type": "#Microsoft.Media.ContentKeyPolicyTokenRestriction",
                            "primaryVerificationKey": {"keyValue": "c2VjcmV0"},
                        }
                    }
                ]
            },
        ),
        dp.StreamingPolicy(f"{prefix}sp", resource_group_name=rg, account_name=acct, properties={}),
        dp.StreamingLocator(f"{prefix}sl", resource_group_name=rg, account_name=acct, properties={}),
        dp.StreamingEndpoint(f"{prefix}se", resource_group_name=rg, account_name=acct, location="westeurope"),
        dp.LiveEvent(
            f"{prefix}le",
            resource_group_name=rg,
            account_name=acct,
            location="westeurope",
            properties={"input": {"streamingProtocol": "RTMP", "accessToken": "tok-secret"}},
        ),
        dp.LiveOutput(
            f"{prefix}lo", resource_group_name=rg, account_name=acct, live_event_name="le", properties={}
        ),
    ]


@pulumi.runtime.test
def _construct_all():
    res = _all("x")
    return pulumi.Output.all(*[r.urn for r in res])


def test_every_class_constructs_with_tiny_by_reference_provider():
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project="p", stack="s", preview=False)
    _construct_all()
    assert len(mocks.blobs) == 13
    # Nothing secret is in a blob, so the state keeps each one plain rather than as a ciphertext.
    assert mocks.secret_blobs == 0
    for blob in mocks.blobs:
        assert len(blob) < 1024, len(blob)
        prov = dill.loads(base64.b64decode(blob))
        assert prov.__dict__ == {}
        assert type(prov).__module__.startswith("dynamic_providers.")
    # secret inputs are wrapped as secrets in the program
    le = next(i for i in mocks.inputs if "live_event_name" in i and "live_output_name" not in i)
    # the SDK propagates secretness of a nested value to the top-level input
    assert rpc.is_rpc_secret(le["properties"])
    assert rpc.unwrap_rpc_secret(le["properties"])["input"]["accessToken"] == "tok-secret"


def test_thousand_resources_serialize():
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project="p", stack="s", preview=False)

    @pulumi.runtime.test
    def build():
        res = [
            dp.Asset(
                f"a{i}", resource_group_name="rg", account_name="acct1", properties={"description": str(i)}
            )
            for i in range(1000)
        ]
        return pulumi.Output.all(*[r.urn for r in res[-3:]])

    t0 = time.monotonic()
    build()
    elapsed = time.monotonic() - t0
    assert len(mocks.blobs) == 1000
    assert max(len(b) for b in mocks.blobs) < 1024
    assert elapsed < 120
