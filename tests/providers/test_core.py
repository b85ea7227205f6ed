"""Unit tests of the generic core, calling provider classes directly as the engine would (floats, unknowns,
old outputs with __provider)."""

from __future__ import annotations

import multiprocessing
import os
import time
from types import SimpleNamespace

import pytest
from azure.core.exceptions import HttpResponseError
from pulumi.output import Unknown
from pulumi.runtime import rpc

from dynamic_providers.asset import AssetProvider
from dynamic_providers.asset_content import AssetContentProvider
from dynamic_providers.core import client as clientmod
from dynamic_providers.core.errors import MediaError, translate
from dynamic_providers.core.locks import entity_lock
from dynamic_providers.core.normalize import floats_to_ints, project
from dynamic_providers.live import LiveEventProvider, LiveOutputProvider
from dynamic_providers.streaming import StreamingLocatorProvider
from dynamic_providers.streaming_endpoint import StreamingEndpointProvider
from dynamic_providers.transform import TransformProvider
from dynamic_providers.validate import check_blob_name, check_container_name, check_name

pytestmark = pytest.mark.xdist_group("providers-unit")

BASE = {"__provider": "blob", "resource_group_name": "rg", "account_name": "acct1"}


def failures(result):
    return {f.property: f.reason for f in result.failures}


def le_inputs(**over):
    d = dict(
        BASE,
        live_event_name="ev1",
        location="westeurope",
        properties={"input": {"streamingProtocol": "RTMP"}},
        run_state="Stopped",
    )
    d.update(over)
    return d


# ---------------------------------------------------------------- names
@pytest.mark.parametrize(
    ("rule", "value", "ok"),
    [
        ("general", "my asset-1_x", True),
        ("general", "a.b", False),
        ("general", "a/b", False),
        ("general", "x" * 260, True),
        ("general", "x" * 261, False),
        ("general", "tab\there", False),
        ("account", "acct1", True),
        ("account", "Acct1", False),
        ("account", "ab", False),
        ("live_event", "ev-1", True),
        ("live_event", "-ev", False),
        ("live_event", "e" * 33, False),
        ("live_output", "o" * 256, True),
        ("streaming_endpoint", "s" * 24, True),
        ("streaming_endpoint", "s" * 25, False),
    ],
)
def test_name_rules(rule, value, ok):
    assert (check_name(rule, value) is None) is ok


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("video.mp4", True),
        ("dir/video.mp4", True),
        ("a:b.mp4", False),
        ("CON.mp4", False),
        ("trailing.", False),
        ("a//b", False),
        ("/abs", False),
        ('q"uote', False),
    ],
)
def test_blob_names(name, ok):
    assert (check_blob_name(name) is None) is ok


def test_container_names():
    assert check_container_name("asset-abc") is None
    assert check_container_name("Asset") is not None
    assert check_container_name("a--b") is not None


# ---------------------------------------------------------------- check
def test_check_turns_floats_into_ints_and_normalizes():
    r = StreamingEndpointProvider().check(
        {},
        dict(
            BASE,
            streaming_endpoint_name="se1",
            location="westeurope",
            scale_units=2.0,
            properties={"maxCacheAge": 60.0},
        ),
    )
    assert not r.failures
    assert r.inputs["scale_units"] == 2 and isinstance(r.inputs["scale_units"], int)
    assert r.inputs["properties"]["maxCacheAge"] == 60 and isinstance(
        r.inputs["properties"]["maxCacheAge"], int
    )
    assert floats_to_ints({"a": [1.0, 1.5, True]}) == {"a": [1, 1.5, True]}


def test_check_bad_names_name_property_and_rule():
    f = failures(
        LiveEventProvider().check({}, le_inputs(live_event_name="bad.name", account_name="Bad_Acct"))
    )
    assert "live_event_name" in f and "'.'" in f["live_event_name"]
    assert "account_name" in f and "lowercase" in f["account_name"]


def test_check_unknown_and_readonly_properties():
    f = failures(
        LiveEventProvider().check(
            {}, le_inputs(properties={"input": {"streamingProtocol": "RTMP"}, "descripton": "typo"})
        )
    )
    assert "properties.descripton" in f
    f = failures(
        LiveEventProvider().check(
            {}, le_inputs(properties={"input": {"streamingProtocol": "RTMP"}, "resourceState": "Running"})
        )
    )
    assert "read-only" in f["properties.resourceState"]


def test_check_cross_field_rules():
    p = LiveEventProvider()
    f = failures(p.check({}, le_inputs(properties={"input": {}})))
    assert "properties.input.streamingProtocol" in f
    f = failures(p.check({}, le_inputs(run_state="Paused")))
    assert "run_state" in f
    f = failures(
        p.check(
            {},
            le_inputs(
                properties={
                    "input": {"streamingProtocol": "RTMP"},
                    "encoding": {"encodingType": "PassthroughBasic", "presetName": "Default720p"},
                }
            ),
        )
    )
    assert "properties.encoding.presetName" in f
    se = StreamingEndpointProvider()
    f = failures(
        se.check(
            {},
            dict(
                BASE,
                streaming_endpoint_name="se1",
                location="westeurope",
                properties={"cdnEnabled": True, "customHostNames": ["a.example"]},
            ),
        )
    )
    assert "properties.customHostNames" in f
    f = failures(
        se.check({}, dict(BASE, streaming_endpoint_name="se1", location="westeurope", scale_units=99))
    )
    assert "scale_units" in f
    lo = LiveOutputProvider()
    f = failures(
        lo.check(
            {},
            dict(
                BASE,
                live_event_name="ev1",
                live_output_name="o1",
                properties={"assetName": "a", "archiveWindowLength": "PT30H"},
            ),
        )
    )
    assert "properties.archiveWindowLength" in f
    f = failures(
        lo.check(
            {},
            dict(
                BASE,
                live_event_name="ev1",
                live_output_name="o1",
                properties={"assetName": "a", "archiveWindowLength": "PT1H", "rewindWindowLength": "PT2H"},
            ),
        )
    )
    assert "properties.rewindWindowLength" in f
    f = failures(TransformProvider().check({}, dict(BASE, transform_name="t", properties={"outputs": [{}]})))
    assert "properties.outputs[0].preset" in f
    f = failures(
        AssetProvider().check({}, dict(BASE, asset_name="a", properties={"container": "Bad_Container"}))
    )
    assert "properties.container" in f
    f = failures(StreamingLocatorProvider().check({}, dict(BASE, streaming_locator_name="l", properties={})))
    assert "properties.assetName" in f


def test_check_asset_content_file_rules(tmp_path):
    good = tmp_path / "v.mp4"
    good.write_bytes(b"abc")
    r = AssetContentProvider().check(
        {},
        dict(
            BASE,
            asset_name="a",
            files={"v.mp4": str(good), "a:b": str(good), "x.mp4": str(tmp_path / "nope")},
        ),
    )
    reasons = " | ".join(f.reason for f in r.failures)
    assert "a:b" in reasons and "does not exist" in reasons
    assert r.inputs["hashes"]["v.mp4"].startswith("ba7816bf")


def test_check_secrets_are_marked_and_unknowns_pass():
    r = LiveEventProvider().check(
        {}, le_inputs(properties={"input": {"streamingProtocol": "RTMP", "accessToken": "tok123"}})
    )
    assert not r.failures
    assert rpc.is_rpc_secret(r.inputs["properties"]["input"]["accessToken"])
    r = LiveEventProvider().check(
        {},
        le_inputs(
            account_name=Unknown(),
            properties={"input": {"streamingProtocol": "RTMP"}, "description": Unknown()},
        ),
    )
    assert not r.failures


# ---------------------------------------------------------------- diff
def outs_for(provider, inputs):
    r = provider.check({}, inputs)
    assert not r.failures, r.failures
    snap = provider.snapshot(r.inputs)
    return dict(r.inputs, __inputs=snap, __provider="old-blob", adopt=False), r.inputs


def test_diff_no_change_ignores_provider_blob_and_floats():
    p = LiveEventProvider()
    olds, _ = outs_for(p, le_inputs())
    news = p.check({}, le_inputs(__provider="new-blob")).inputs
    d = p.diff("id", olds, news)
    assert d.changes is False and d.replaces == []


def test_diff_update_in_place_vs_replace():
    p = LiveEventProvider()
    olds, _ = outs_for(p, le_inputs())
    news = p.check(
        {}, le_inputs(properties={"input": {"streamingProtocol": "RTMP"}, "description": "d"})
    ).inputs
    d = p.diff("id", olds, news)
    assert d.changes and d.replaces == []
    news = p.check({}, le_inputs(properties={"input": {"streamingProtocol": "FragmentedMP4"}})).inputs
    d = p.diff("id", olds, news)
    assert d.changes and d.replaces == ["properties"] and d.delete_before_replace
    news = p.check({}, le_inputs(live_event_name="ev2")).inputs
    d = p.diff("id", olds, news)
    assert "live_event_name" in (d.replaces or []) and not d.delete_before_replace
    news = p.check({}, le_inputs(run_state="Running")).inputs
    d = p.diff("id", olds, news)
    assert d.changes and d.replaces == []


@pytest.mark.parametrize("provider", [LiveEventProvider, StreamingEndpointProvider])
def test_diff_a_respelled_region_is_no_change_another_region_replaces(provider):
    p = provider()
    inputs = (
        le_inputs()
        if provider is LiveEventProvider
        else dict(BASE, streaming_endpoint_name="se1", location="westeurope", scale_units=0)
    )
    olds, _ = outs_for(p, inputs)
    for spelling in ("West Europe", "WestEurope", "WESTEUROPE"):
        d = p.diff("id", olds, p.check({}, dict(inputs, location=spelling)).inputs)
        assert d.changes is False and d.replaces == [], spelling
    d = p.diff("id", olds, p.check({}, dict(inputs, location="North Europe")).inputs)
    assert d.changes and d.replaces == ["location"]
    # refresh: the service's "West Europe" keeps the program's spelling; another region is the live one
    assert project({"location": "westeurope"}, {"location": "West Europe"}) == {"location": "westeurope"}
    assert project({"location": "westeurope"}, {"location": "North Europe"}) == {"location": "North Europe"}


def test_diff_unknown_create_only_forces_replace():
    p = LiveOutputProvider()
    base = dict(
        BASE,
        live_event_name="ev1",
        live_output_name="o1",
        properties={"assetName": "a", "archiveWindowLength": "PT1H"},
    )
    olds, _ = outs_for(p, base)
    d = p.diff("id", olds, dict(base, properties={"assetName": Unknown(), "archiveWindowLength": "PT1H"}))
    assert d.changes and d.replaces == ["properties"]


def test_project_keeps_desired_shape():
    desired = {
        "input": {"streamingProtocol": "RTMP", "accessToken": "s"},
        "encoding": {"encodingType": "none"},
    }
    live = {
        "input": {"streamingProtocol": "RTMP", "endpoints": [{"url": "x"}]},
        "encoding": {"encodingType": "None"},
        "resourceState": "Stopped",
    }
    got = project(desired, live, {"input.accessToken"})
    assert got == {
        "input": {"streamingProtocol": "RTMP", "accessToken": "s"},
        "encoding": {"encodingType": "none"},
    }
    live["input"] = {"streamingProtocol": "FragmentedMP4"}
    assert project(desired, live, {"input.accessToken"})["input"]["streamingProtocol"] == "FragmentedMP4"


# ---------------------------------------------------------------- errors
def _http_error(status: int, code: str, message: str) -> HttpResponseError:
    """An SDK error as the service's answer produces it."""
    exc = HttpResponseError(message="boom")
    exc.status_code = status
    exc.error = SimpleNamespace(code=code, message=message)  # type: ignore[assignment]
    return exc


def test_errors_are_one_line_with_hint():
    exc = _http_error(
        403,
        "AuthorizationFailed",
        "The client 'x' does not have authorization\nto perform action 'Microsoft.Media/write'.",
    )
    err = translate(exc, "create LiveEvent 'ev1'")
    msg = str(err)
    assert "\n" not in msg
    assert "AuthorizationFailed" in msg and "ev1" in msg and "role" in msg
    assert isinstance(err, MediaError)


def test_missing_parent_hint_depends_on_the_operation():
    """A create whose parent is missing is told to create it; a delete whose parent is gone is told the
    parent was deleted meanwhile (stop 17's CI run printed "create it first" for an account delete)."""

    exc = _http_error(
        404,
        "ParentResourceNotFound",
        "Can not perform requested operation on nested resource. Parent resource 'a1' not found.",
    )
    assert "create it first" in str(translate(exc, "create AssetFilter 'f1'"))
    for what in ("delete AssetFilter 'f1'", "read AssetFilter 'f1'"):
        msg = str(translate(exc, what))
        assert "create it first" not in msg and "deleted since the state was written" in msg, msg


def test_short_traceback():
    import traceback

    p = LiveEventProvider()
    try:
        p.create({"resource_group_name": "rg"})  # missing everything: fails fast
    except Exception:  # noqa: BLE001
        tb = traceback.format_exc()
    assert tb.count("File ") <= 3, tb
    assert (
        tb.strip().splitlines()[-1].startswith("dynamic_providers.core.errors.MediaError: create LiveEvent")
    )


# ---------------------------------------------------------------- configuration
def test_settings_precedence(monkeypatch):
    monkeypatch.setenv("ARM_CLIENT_ID", "env-id")
    monkeypatch.setenv("ARM_SUBSCRIPTION_ID", "env-sub")
    monkeypatch.setenv("ARM_CA_BUNDLE", "/ca.pem")
    s = clientmod.resolve_settings({"azure-native:clientId": "cfg-id", "media:pollInterval": "0.5"})
    assert s["clientId"] == "cfg-id" and s["subscriptionId"] == "env-sub"
    assert s["caBundle"] == "/ca.pem" and s["pollInterval"] == "0.5"
    base, auth, scope = clientmod.endpoints(
        {
            "resourceManagerEndpoint": "https://127.0.0.1:9/",
            "activeDirectoryAuthorityHost": "https://127.0.0.1:9/auth",
        }
    )
    assert base == "https://127.0.0.1:9" and scope == "https://127.0.0.1:9/.default"
    assert clientmod.endpoints({"environment": "china"})[0] == "https://management.chinacloudapi.cn"


def test_credential_selection(monkeypatch):
    from azure import identity

    s = {"clientId": "c", "tenantId": "t", "clientSecret": "s"}
    assert isinstance(clientmod.build_credential(s), identity.ClientSecretCredential)
    assert isinstance(
        clientmod.build_credential({"useMsi": "true", "clientId": "c"}), identity.ManagedIdentityCredential
    )
    assert isinstance(
        clientmod.build_credential({"useOidc": "true", "clientId": "c", "tenantId": "t", "oidcToken": "jwt"}),
        identity.ClientAssertionCredential,
    )
    assert isinstance(clientmod.build_credential({}), identity.AzureCliCredential)
    with pytest.raises(MediaError, match="tenantId"):
        clientmod.build_credential({"clientSecret": "s", "clientId": "c"})


# ---------------------------------------------------------------- locks
def _hold(lock_dir, key, seconds, out):
    with entity_lock(key, lock_dir):
        out.put(("start", time.time()))
        time.sleep(seconds)
        out.put(("end", time.time()))


def test_cross_process_lock_serializes_same_key(tmp_path):
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    procs = [
        ctx.Process(target=_hold, args=(str(tmp_path), "/SUBS/x/liveEvents/EV1", 0.4, q)),
        ctx.Process(target=_hold, args=(str(tmp_path), "/subs/X/liveevents/ev1", 0.4, q)),
    ]
    for pr in procs:
        pr.start()
    for pr in procs:
        pr.join(10)
    events = sorted((q.get() for _ in range(4)), key=lambda e: e[1])
    assert [e[0] for e in events] == ["start", "end", "start", "end"]
    assert os.listdir(tmp_path)


def test_secret_paths_of_every_secret_bearing_entity():
    from dynamic_providers.content_key_policy import ContentKeyPolicyProvider

    ckp = ContentKeyPolicyProvider().check(
        {},
        dict(
            BASE,
            content_key_policy_name="p",
            properties={
                "options": [
                    {
                        "configuration": {
                            "@odata.type": "#Microsoft.Media.ContentKeyPolicyFairPlayConfiguration",
                            "ask": "YXNr",
                            "fairPlayPfx": "cGZ4",
                            "fairPlayPfxPassword": "pw",
                            "rentalAndLeaseKeyType": "Undefined",
                            "rentalDuration": 0,
                        },
                        "restriction": {
                            "@odata.type": "#Microsoft.Media.ContentKeyPolicyTokenRestriction",
                            "issuer": "i",
                            "audience": "a",
                            "restrictionTokenType": "Jwt",
                            "primaryVerificationKey": {
                                "@odata.type": "#Microsoft.Media.ContentKeyPolicySymmetricTokenKey",
                                "keyValue": "a2V5",
                            },
                            "alternateVerificationKeys": [
                                {
                                    "@odata.type": "#Microsoft.Media.ContentKeyPolicySymmetricTokenKey",
                                    "keyValue": "YWx0",
                                }
                            ],
                        },
                    }
                ]
            },
        ),
    )
    assert not ckp.failures, ckp.failures
    opt = ckp.inputs["properties"]["options"][0]
    for v in (
        opt["configuration"]["ask"],
        opt["configuration"]["fairPlayPfx"],
        opt["configuration"]["fairPlayPfxPassword"],
        opt["restriction"]["primaryVerificationKey"]["keyValue"],
        opt["restriction"]["alternateVerificationKeys"][0]["keyValue"],
    ):
        assert rpc.is_rpc_secret(v)
    sl = StreamingLocatorProvider().check(
        {},
        dict(
            BASE,
            streaming_locator_name="l",
            properties={
                "assetName": "a",
                "streamingPolicyName": "p",
                "contentKeys": [{"id": "9d8b2d9c-0000-4000-8000-000000000001", "value": "c2VjcmV0"}],
            },
        ),
    )
    assert rpc.is_rpc_secret(sl.inputs["properties"]["contentKeys"][0]["value"])
    se = StreamingEndpointProvider().check(
        {},
        dict(
            BASE,
            streaming_endpoint_name="se1",
            location="westeurope",
            properties={
                "accessControl": {
                    "akamai": {
                        "akamaiSignatureHeaderAuthenticationKeyList": [
                            {
                                "identifier": "id1",
                                "base64Key": "YWthbWFp",
                                "expiration": "2031-01-01T00:00:00Z",
                            }
                        ]
                    }
                }
            },
        ),
    )
    assert not se.failures, se.failures
    key = se.inputs["properties"]["accessControl"]["akamai"]["akamaiSignatureHeaderAuthenticationKeyList"][0]
    assert rpc.is_rpc_secret(key["base64Key"])
