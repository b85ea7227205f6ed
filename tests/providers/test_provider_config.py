"""Provider settings with pulumi-azure-native 3.29.0's names and precedence, against the emulator:
custom-cloud discovery through metadataHost, the Azure CLI's current account, location,
auxiliaryTenantIds and the partner ID."""

from __future__ import annotations

import json
import os
import stat
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from dynamic_providers.core import client as clientmod
from dynamic_providers.core.errors import MediaError
from dynamic_providers.live import LiveEventProvider


@pytest.fixture(autouse=True)
def _fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Any:
    for var in [k for k in os.environ if k.startswith(("ARM_", "AZURE_"))]:
        monkeypatch.delenv(var)
    yield
    clientmod.configure({})


def _host(connection: dict[str, Any]) -> str:
    return connection["arm_endpoint"].removeprefix("https://")


def _configure_for(connection: dict[str, Any], arm_env: dict[str, str]) -> None:
    """Stack config (not the environment) pointing at the emulator, as the engine's Configure passes it."""
    clientmod.configure(
        {
            "azure-native:metadataHost": _host(connection),
            "azure-native:clientId": arm_env["ARM_CLIENT_ID"],
            "azure-native:clientSecret": arm_env["ARM_CLIENT_SECRET"],
            "azure-native:tenantId": arm_env["ARM_TENANT_ID"],
            "azure-native:subscriptionId": arm_env["ARM_SUBSCRIPTION_ID"],
            "media:caBundle": connection["ca_bundle"],
        }
    )


def test_metadata_host_discovers_the_custom_cloud(connection: dict[str, Any]) -> None:
    s = {"metadataHost": _host(connection), "caBundle": connection["ca_bundle"], "environment": "china"}
    base, authority, scope = clientmod.endpoints(s)
    # metadataHost wins over environment; login endpoint and audience come from the metadata document
    assert base == connection["arm_endpoint"]
    assert authority.rstrip("/") == connection["authority_host"].rstrip("/")
    assert scope == "https://management.core.windows.net//.default"


def test_metadata_host_config_beats_env_and_reaches_the_service(
    monkeypatch: pytest.MonkeyPatch, connection: dict[str, Any], arm_env: dict[str, str]
) -> None:
    monkeypatch.setenv("ARM_METADATA_HOSTNAME", "127.0.0.1:9")  # unreachable: must not be used
    _configure_for(connection, arm_env)
    names = [a.name for a in clientmod.client().mediaservices.list(connection["resource_group"])]
    assert isinstance(names, list)


def test_unreachable_metadata_host_is_one_line_naming_the_setting(connection: dict[str, Any]) -> None:
    with pytest.raises(MediaError) as err:
        clientmod.endpoints({"metadataHost": "127.0.0.1:9", "caBundle": connection["ca_bundle"]})
    msg = str(err.value)
    assert "\n" not in msg
    assert "azure-native:metadataHost (or ARM_METADATA_HOSTNAME)" in msg and "/metadata/endpoints" in msg


def _fake_az(bin_dir: Path, connection: dict[str, Any], subscription: str | None) -> None:
    """A stand-in for the Azure CLI (not installable here) after `az login --service-principal`:
    `account show` prints the current account, `account get-access-token` gets a real token from the
    emulator's identity endpoint for the contributor."""
    principal = connection["principals"]["contributor"]
    token_url = f"{connection['authority_host'].rstrip('/')}/{connection['tenant_id']}/oauth2/v2.0/token"
    account = {"id": subscription, "tenantId": connection["tenant_id"]} if subscription else None
    script = f"""\
        #!{sys.executable}
        import json, ssl, sys, time, urllib.parse, urllib.request
        args = sys.argv[1:]
        if args[:2] == ["account", "show"]:
            account = {account!r}
            if account is None:
                sys.exit("Please run 'az login' to setup account.")
            print(json.dumps(account))
        elif args[:2] == ["account", "get-access-token"]:
            resource = args[args.index("--resource") + 1] if "--resource" in args else ""
            scope = resource.rstrip("/") + "/.default"
            form = urllib.parse.urlencode({{"grant_type": "client_credentials", "scope": scope,
                "client_id": {principal["client_id"]!r}, "client_secret": {principal["client_secret"]!r}}})
            url = {token_url!r}
            ctx = ssl.create_default_context(cafile={connection["ca_bundle"]!r})
            tok = json.loads(urllib.request.urlopen(url, form.encode(), context=ctx).read())
            print(json.dumps({{"accessToken": tok["access_token"], "tokenType": "Bearer",
                              "expires_on": int(time.time()) + 3000}}))
        else:
            sys.exit("unsupported: " + " ".join(args))
        """
    path = bin_dir / "az"
    path.write_text(textwrap.dedent(script))
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def test_azure_cli_auth_takes_the_subscription_from_the_current_account(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, connection: dict[str, Any]
) -> None:
    _fake_az(tmp_path, connection, connection["subscription_id"])
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("ARM_METADATA_HOSTNAME", _host(connection))
    monkeypatch.setenv("ARM_CA_BUNDLE", connection["ca_bundle"])
    clientmod.configure({})  # no subscriptionId, no credentials: `az login` auth
    assert clientmod.subscription_id() == connection["subscription_id"]
    client = clientmod.client()
    list(client.mediaservices.list(connection["resource_group"]))  # a real call with the CLI's token


def test_azure_cli_without_login_says_how_to_fix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, connection: dict[str, Any]
) -> None:
    _fake_az(tmp_path, connection, None)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    clientmod.configure({})
    with pytest.raises(
        MediaError, match=r"azure-native:subscriptionId \(or ARM_SUBSCRIPTION_ID or `az login`"
    ):
        clientmod.subscription_id()
    # with a service principal the CLI is never consulted
    clientmod.configure({"azure-native:clientSecret": "x"})
    with pytest.raises(MediaError, match=r"\(or ARM_SUBSCRIPTION_ID\)$"):
        clientmod.subscription_id()


def test_location_default_fills_entities_that_name_none() -> None:
    provider = LiveEventProvider()
    inputs = {
        "__provider": "blob",
        "resource_group_name": "rg",
        "account_name": "acct1",
        "live_event_name": "ev1",
        "properties": {"input": {"streamingProtocol": "RTMP"}},
        "run_state": "Stopped",
    }
    clientmod.configure({})
    missing = provider.check({}, dict(inputs))
    assert any(f.property == "location" for f in missing.failures)
    clientmod.configure({"azure-native:location": "westeurope"})
    filled = provider.check({}, dict(inputs))
    assert not filled.failures and filled.inputs["location"] == "westeurope"
    explicit = provider.check({}, dict(inputs, location="northeurope"))
    assert explicit.inputs["location"] == "northeurope"


def test_auxiliary_tenants_and_partner_id(monkeypatch: pytest.MonkeyPatch) -> None:
    from azure import identity

    monkeypatch.setenv("ARM_AUXILIARY_TENANT_IDS", json.dumps(["t2", "t3"]))
    s = clientmod.resolve_settings({"azure-native:clientId": "c", "azure-native:tenantId": "t"})
    assert clientmod.auxiliary_tenant_ids(s) == ["t2", "t3"]
    from azure.core.exceptions import ClientAuthenticationError

    nowhere = {"clientSecret": "x", "activeDirectoryAuthorityHost": "https://127.0.0.1:9"}
    cred = clientmod.build_credential({**s, **nowhere})
    assert isinstance(cred, identity.ClientSecretCredential)
    with pytest.raises(ClientAuthenticationError) as refused:  # not an auxiliary tenant: refused locally
        cred.get_token("https://management.azure.com/.default", tenant_id="t9")
    assert "additionally_allowed_tenants" in str(refused.value)
    with pytest.raises(ClientAuthenticationError) as tried:  # an auxiliary tenant: asks the authority
        cred.get_token("https://management.azure.com/.default", tenant_id="t2")
    assert "additionally_allowed_tenants" not in str(tried.value)
    with pytest.raises(MediaError, match="auxiliaryTenantIds.*JSON list"):
        clientmod.auxiliary_tenant_ids({"auxiliaryTenantIds": '{"a": 1}'})

    assert clientmod.user_agent({}).endswith(f"pid-{clientmod.PULUMI_PARTNER_ID}")
    assert clientmod.user_agent({"disablePulumiPartnerId": "true"}) == "ams-iac"
    custom = clientmod.user_agent(
        {"partnerId": "11111111-0000-4000-8000-000000000000", "disablePulumiPartnerId": "true"}
    )
    assert custom.endswith("pid-11111111-0000-4000-8000-000000000000")


def test_a_reader_during_reconfiguration_sees_the_stack_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The provider process configures once per provider class, while other operations already run: a
    thread reading the settings meanwhile gets the stack's (its caBundle), never an empty or env-only set
    (CI: a live event create built its client without the emulator's CA)."""
    import threading

    stack = {"media:caBundle": "/stack/ca.pem"}
    monkeypatch.delenv("ARM_CA_BUNDLE", raising=False)
    clientmod.configure(stack)
    resolving, release = threading.Event(), threading.Event()
    resolve = clientmod.resolve_settings

    def slow_resolve(config: Any) -> dict[str, Any]:
        resolving.set()
        release.wait(10)
        return resolve(config)

    monkeypatch.setattr(clientmod, "resolve_settings", slow_resolve)
    again = threading.Thread(target=clientmod.configure, args=(stack,))
    again.start()
    assert resolving.wait(10)
    seen: list[Any] = []
    reader = threading.Thread(target=lambda: seen.append(clientmod.settings().get("caBundle")))
    reader.start()
    reader.join(2)
    release.set()
    again.join(10)
    reader.join(10)
    assert seen[:1] == ["/stack/ca.pem"]  # read at once, while the other thread was still resolving
    assert clientmod.settings()["caBundle"] == "/stack/ca.pem"


def test_each_thread_has_its_own_client_over_one_pool_of_connections(
    monkeypatch: pytest.MonkeyPatch, connection: dict[str, Any], arm_env: dict[str, str]
) -> None:
    """The engine runs each call on a worker thread, often a new one; each gets its own client (the SDK is
    not thread-safe), but not its own TLS connection: the burst of creates after the account would spend
    its first requests on handshakes."""
    import threading

    import urllib3.connection

    _configure_for(connection, arm_env)
    rg = connection["resource_group"]
    list(clientmod.client().mediaservices.list(rg))  # token and first connection, on this thread
    handshakes: list[str] = []
    wrap = urllib3.connection.ssl_wrap_socket  # type: ignore[attr-defined]

    def counting_wrap(*args: Any, **kwargs: Any) -> Any:
        handshakes.append(str(kwargs.get("server_hostname")))
        return wrap(*args, **kwargs)

    monkeypatch.setattr(urllib3.connection, "ssl_wrap_socket", counting_wrap)
    clients: list[Any] = []

    def one_call() -> None:
        c = clientmod.client()
        clients.append(c)
        list(c.mediaservices.list(rg))

    for _ in range(4):  # one after another, as the engine's calls often are
        t = threading.Thread(target=one_call)
        t.start()
        t.join()
    assert len({id(c) for c in clients}) == 4
    assert handshakes == []
