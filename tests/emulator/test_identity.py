# mypy: disable-error-code="union-attr,index,misc,arg-type,attr-defined,operator,assignment,return-value"
"""Tokens, both credential types, JWT checks and role assignments (Reader vs Contributor)."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError
from azure.identity import ClientSecretCredential
from azure.mgmt.media import AzureMediaServices
from azure.mgmt.media import models as m
from cryptography.hazmat.primitives.asymmetric import rsa

from emulator.launcher import RunningEmulator

from .conftest import make_client, make_credential, make_mi_client, unique


class StaticToken:
    def __init__(self, token: str) -> None:
        self.token = token

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken(self.token, int(time.time()) + 3600)


def raw_client(conn: dict[str, Any], token: str) -> AzureMediaServices:
    return AzureMediaServices(
        StaticToken(token),
        conn["subscription_id"],
        base_url=conn["arm_endpoint"],
        connection_verify=conn["ca_bundle"],
        retry_total=0,
    )


def test_client_secret_credential_token_shape(conn: dict[str, Any]) -> None:
    p = conn["principals"]["contributor"]
    cred = make_credential(conn)
    token = cred.get_token("https://management.azure.com/.default")
    header = jwt.get_unverified_header(token.token)
    claims = jwt.decode(token.token, options={"verify_signature": False})
    assert header["alg"] == "RS256"
    assert claims["aud"] == "https://management.azure.com" and claims["tid"] == conn["tenant_id"]
    assert claims["oid"] == p["object_id"] and claims["exp"] > time.time()


def test_default_instance_discovery_needs_no_flag_with_adfs_tenant(
    conn: dict[str, Any], account: str
) -> None:
    """MSAL skips instance discovery (which would go to login.microsoftonline.com) for the 'adfs' tenant."""
    p = conn["principals"]["contributor"]
    cred = ClientSecretCredential(
        "adfs",
        p["client_id"],
        p["client_secret"],
        authority=conn["authority_host"],
        connection_verify=conn["ca_bundle"],
    )
    client = AzureMediaServices(
        cred, conn["subscription_id"], base_url=conn["arm_endpoint"], connection_verify=conn["ca_bundle"]
    )
    assert client.mediaservices.get(conn["resource_group"], account).name == account


def test_unchanged_credential_through_the_login_proxy(
    conn: dict[str, Any], account: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real tenant id, no disable_instance_discovery: MSAL's discovery call goes through the proxy."""
    for key, value in conn["https_proxy"]["env"].items():
        monkeypatch.setenv(key, value)
    p = conn["principals"]["contributor"]
    cred = ClientSecretCredential(
        conn["tenant_id"],
        p["client_id"],
        p["client_secret"],
        authority=conn["authority_host"],
        connection_verify=conn["ca_bundle"],
    )
    client = AzureMediaServices(
        cred, conn["subscription_id"], base_url=conn["arm_endpoint"], connection_verify=conn["ca_bundle"]
    )
    assert client.mediaservices.get(conn["resource_group"], account).name == account


def test_wrong_secret_is_rejected(conn: dict[str, Any]) -> None:
    cred = make_credential(conn, secret="wrong")
    with pytest.raises(ClientAuthenticationError):
        cred.get_token("https://management.azure.com/.default")


def test_managed_identity_credential(
    conn: dict[str, Any], monkeypatch: pytest.MonkeyPatch, account: str
) -> None:
    client = make_mi_client(conn, monkeypatch)
    assert client.mediaservices.get(conn["resource_group"], account).name == account
    client.assets.create_or_update(conn["resource_group"], account, unique("mi"), m.Asset())


def test_imds_style_managed_identity(
    conn: dict[str, Any], monkeypatch: pytest.MonkeyPatch, account: str
) -> None:
    from azure.identity import ManagedIdentityCredential

    for key in ("IDENTITY_ENDPOINT", "IDENTITY_HEADER", "MSI_ENDPOINT", "MSI_SECRET"):
        monkeypatch.delenv(key, raising=False)
    for key, value in conn["managed_identity"]["imds_env"].items():
        monkeypatch.setenv(key, value)
    cred = ManagedIdentityCredential(connection_verify=conn["ca_bundle"])
    client = AzureMediaServices(
        cred, conn["subscription_id"], base_url=conn["arm_endpoint"], connection_verify=conn["ca_bundle"]
    )
    assert client.mediaservices.get(conn["resource_group"], account).name == account


def test_missing_forged_and_expired_tokens(conn: dict[str, Any], account: str) -> None:
    rg = conn["resource_group"]
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    claims = {"aud": "https://management.azure.com", "iss": "x", "exp": now + 600, "oid": "x"}
    forged = jwt.encode(claims, key, algorithm="RS256")
    with pytest.raises(ClientAuthenticationError) as err:
        raw_client(conn, forged).mediaservices.get(rg, account)
    assert err.value.error.code == "InvalidAuthenticationToken"
    with pytest.raises(ClientAuthenticationError):
        AzureMediaServices(
            StaticToken(""),
            conn["subscription_id"],
            base_url=conn["arm_endpoint"],
            connection_verify=conn["ca_bundle"],
            retry_total=0,
        ).mediaservices.get(rg, account)


def test_wrong_audience_and_expiry(ams: RunningEmulator, conn: dict[str, Any], account: str) -> None:
    rg = conn["resource_group"]
    cred = make_credential(conn)
    other = cred.get_token("https://storage.azure.com/.default").token
    with pytest.raises(ClientAuthenticationError) as err:
        raw_client(conn, other).mediaservices.get(rg, account)
    assert err.value.error.code == "InvalidAuthenticationTokenAudience"
    ams.admin.set_settings(token_lifetime=-60)
    try:
        cred2 = make_credential(conn)
        expired = cred2.get_token("https://management.azure.com/.default").token
    finally:
        ams.admin.set_settings(token_lifetime=3600)
    with pytest.raises(ClientAuthenticationError) as err:
        raw_client(conn, expired).mediaservices.get(rg, account)
    assert err.value.error.code == "ExpiredAuthenticationToken"


def test_reader_can_only_read(
    reader: AzureMediaServices, client: AzureMediaServices, conn: dict[str, Any], account: str
) -> None:
    rg = conn["resource_group"]
    name = unique("ra")
    client.assets.create_or_update(rg, account, name, m.Asset())
    assert reader.assets.get(rg, account, name).name == name
    assert name in {a.name for a in reader.assets.list(rg, account)}
    assert reader.streaming_endpoints.get(rg, account, "default").name == "default"
    denied = [
        lambda: reader.assets.create_or_update(rg, account, unique("x"), m.Asset()),
        lambda: reader.assets.delete(rg, account, name),
        lambda: reader.assets.list_container_sas(
            rg, account, name, m.ListContainerSasInput(permissions="Read")
        ),
        lambda: reader.assets.get_encryption_key(rg, account, name),
        lambda: reader.streaming_endpoints.begin_start(rg, account, "default"),
        lambda: reader.mediaservices.begin_update(rg, account, m.MediaServiceUpdate(tags={})),
    ]
    for call in denied:
        with pytest.raises(HttpResponseError) as err:
            call()
        assert err.value.status_code == 403 and err.value.error.code == "AuthorizationFailed"
    assert conn["principals"]["reader"]["object_id"] in err.value.error.message


def test_scoped_role_assignment(
    ams: RunningEmulator,
    reader: AzureMediaServices,
    client: AzureMediaServices,
    conn: dict[str, Any],
    account: str,
) -> None:
    rg = conn["resource_group"]
    sub = conn["subscription_id"]
    scope = f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Media/mediaservices/{account}"
    ams.admin.set_role("reader", scope, "Contributor")
    try:
        reader.assets.create_or_update(rg, account, unique("scoped"), m.Asset())
    finally:
        ams.admin.set_role("reader", scope, None)
    with pytest.raises(HttpResponseError) as err:
        reader.assets.create_or_update(rg, account, unique("scoped"), m.Asset())
    assert err.value.status_code == 403
    rejected = [r for r in ams.admin.rejections() if r["status"] == 403]
    assert rejected and rejected[-1]["code"] == "AuthorizationFailed" and rejected[-1]["method"] == "PUT"


def test_make_client_helper(conn: dict[str, Any]) -> None:
    assert make_client(conn, "owner").mediaservices is not None


def test_certificate_credential(conn: dict[str, Any], account: str) -> None:
    from azure.identity import CertificateCredential

    p = conn["principals"]["contributor"]
    cred = CertificateCredential(
        conn["tenant_id"],
        p["client_id"],
        certificate_path=p["client_certificate_path"],
        authority=conn["authority_host"],
        disable_instance_discovery=True,
        connection_verify=conn["ca_bundle"],
    )
    client = AzureMediaServices(
        cred, conn["subscription_id"], base_url=conn["arm_endpoint"], connection_verify=conn["ca_bundle"]
    )
    assert client.mediaservices.get(conn["resource_group"], account).name == account
    other = conn["principals"]["reader"]["client_certificate_path"]
    bad = CertificateCredential(
        conn["tenant_id"],
        p["client_id"],
        certificate_path=other,
        authority=conn["authority_host"],
        disable_instance_discovery=True,
        connection_verify=conn["ca_bundle"],
    )
    with pytest.raises(ClientAuthenticationError):
        bad.get_token("https://management.azure.com/.default")


def test_federated_oidc_assertion(ams: RunningEmulator, conn: dict[str, Any], account: str) -> None:
    from azure.identity import ClientAssertionCredential

    p = conn["principals"]["contributor"]
    cred = ClientAssertionCredential(
        conn["tenant_id"],
        p["client_id"],
        lambda: ams.admin.oidc_token("contributor"),
        authority=conn["authority_host"],
        disable_instance_discovery=True,
        connection_verify=conn["ca_bundle"],
    )
    client = AzureMediaServices(
        cred, conn["subscription_id"], base_url=conn["arm_endpoint"], connection_verify=conn["ca_bundle"]
    )
    assert client.mediaservices.get(conn["resource_group"], account).name == account
    wrong = ClientAssertionCredential(
        conn["tenant_id"],
        p["client_id"],
        lambda: ams.admin.oidc_token("reader"),
        authority=conn["authority_host"],
        disable_instance_discovery=True,
        connection_verify=conn["ca_bundle"],
    )
    with pytest.raises(ClientAuthenticationError):
        wrong.get_token("https://management.azure.com/.default")
