"""Credentials and SDK clients, built from the same settings pulumi-azure-native reads.

Stack config ``azure-native:<key>`` wins, else the ``ARM_*`` environment variable. Nothing here is
captured by a provider instance: settings live in a module-level dict filled by ``configure()``, the
credential is cached once per process per settings fingerprint, and each thread gets its own
``AzureMediaServices`` client."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from typing import Any

from .errors import MediaError

# (config key, env var(s))
_KEYS: dict[str, tuple[str, ...]] = {
    "clientId": ("ARM_CLIENT_ID",),
    "clientSecret": ("ARM_CLIENT_SECRET",),
    "tenantId": ("ARM_TENANT_ID",),
    "subscriptionId": ("ARM_SUBSCRIPTION_ID",),
    "clientCertificatePath": ("ARM_CLIENT_CERTIFICATE_PATH",),
    "clientCertificatePassword": ("ARM_CLIENT_CERTIFICATE_PASSWORD",),
    "useMsi": ("ARM_USE_MSI",),
    "useOidc": ("ARM_USE_OIDC",),
    "oidcToken": ("ARM_OIDC_TOKEN",),
    "oidcTokenFilePath": ("ARM_OIDC_TOKEN_FILE_PATH",),
    "oidcRequestToken": ("ACTIONS_ID_TOKEN_REQUEST_TOKEN",),
    "oidcRequestUrl": ("ACTIONS_ID_TOKEN_REQUEST_URL",),
    "oidcAudience": ("ARM_OIDC_AUDIENCE",),
    "useDefaultAzureCredential": ("ARM_USE_DEFAULT_AZURE_CREDENTIAL",),
    "disableInstanceDiscovery": ("ARM_DISABLE_INSTANCE_DISCOVERY",),
    "environment": ("ARM_ENVIRONMENT", "AZURE_ENVIRONMENT"),
    # Custom clouds: the ARM metadata endpoint of this host describes the cloud (wins over environment).
    "metadataHost": ("ARM_METADATA_HOSTNAME",),
    "msiEndpoint": ("ARM_MSI_ENDPOINT",),
    "auxiliaryTenantIds": ("ARM_AUXILIARY_TENANT_IDS",),
    "partnerId": ("ARM_PARTNER_ID",),
    "disablePulumiPartnerId": ("ARM_DISABLE_PULUMI_PARTNER_ID",),
    "location": (),  # config only, as in azure-native: the default location of entities that name none
    # Explicit custom-cloud endpoints (newer azure-native releases; metadataHost is 3.29.0's way).
    "resourceManagerEndpoint": ("ARM_RESOURCE_MANAGER_ENDPOINT",),
    "activeDirectoryAuthorityHost": ("ARM_ACTIVE_DIRECTORY_AUTHORITY_HOST",),
    "resourceManagerAudience": ("ARM_RESOURCE_MANAGER_AUDIENCE",),
}
# our own settings (namespace `media:`)
_MEDIA_KEYS: dict[str, tuple[str, ...]] = {
    "caBundle": ("ARM_CA_BUNDLE",),
    "pollInterval": ("MEDIA_POLL_INTERVAL",),
    "conflictTimeout": ("MEDIA_CONFLICT_TIMEOUT",),
    "retryTimeout": ("MEDIA_RETRY_TIMEOUT",),
    "lockDir": ("MEDIA_LOCK_DIR",),
}

_CLOUDS = {
    "public": ("https://management.azure.com", "login.microsoftonline.com"),
    "china": ("https://management.chinacloudapi.cn", "login.chinacloudapi.cn"),
    "usgov": ("https://management.usgovcloudapi.net", "login.microsoftonline.us"),
}
# The cloud names the ARM metadata endpoint uses for each environment.
_CLOUD_NAMES = {"public": "AzureCloud", "china": "AzureChinaCloud", "usgov": "AzureUSGovernment"}
# Microsoft's partner ID for Pulumi: azure-native sends it unless partnerId or disablePulumiPartnerId.
PULUMI_PARTNER_ID = "a90539d8-a7a6-5826-95c4-1fbef22d4b22"
METADATA_API_VERSION = "2022-09-01"

_SETTINGS: dict[str, Any] = {}
_SETTINGS_LOCK = threading.Lock()
_CREDENTIALS: dict[str, Any] = {}
_LOCAL = threading.local()


def resolve_settings(config: Any) -> dict[str, Any]:
    """config: a pulumi.dynamic Config (``.get``) or a plain dict of namespaced keys."""

    def cfg(ns: str, key: str) -> Any:
        full = f"{ns}:{key}"
        if config is None:
            return None
        if isinstance(config, dict):
            return config.get(full)
        try:
            return config.get(full)
        except Exception:  # pragma: no cover - defensive
            return None

    out: dict[str, Any] = {}
    for key, envs in _KEYS.items():
        v = cfg("azure-native", key)
        if v in (None, ""):
            v = next((os.environ[e] for e in envs if os.environ.get(e)), None)
        out[key] = v
    for key, envs in _MEDIA_KEYS.items():
        v = cfg("media", key)
        if v in (None, ""):
            v = next((os.environ[e] for e in envs if os.environ.get(e)), None)
        out[key] = v
    return out


def configure(config: Any) -> None:
    """Replace the settings in one step: the SDK configures once per provider class while other operations
    already run, and a reader must never see them half-written (empty, or refilled from the environment)."""
    global _SETTINGS
    resolved = resolve_settings(config)
    with _SETTINGS_LOCK:
        _SETTINGS = resolved


def settings() -> dict[str, Any]:
    """The settings; before any configure(), the environment's (unless one configured them meanwhile)."""
    global _SETTINGS
    if not _SETTINGS:
        resolved = resolve_settings(None)
        with _SETTINGS_LOCK:
            if not _SETTINGS:
                _SETTINGS = resolved
    return _SETTINGS


def _truthy(v: Any) -> bool:
    return str(v).strip().lower() in ("true", "1", "yes")


def _cloud(s: dict[str, Any]) -> str:
    env = (s.get("environment") or "public").lower()
    if env in ("china", "azurechinacloud"):
        return "china"
    if env in ("usgov", "usgovernment", "azureusgovernment", "azureusgovernmentcloud"):
        return "usgov"
    return "public"


_METADATA: dict[tuple[str, str, str], tuple[str, str, str]] = {}


def discover_cloud(host: str, cloud: str, ca_bundle: str | None) -> tuple[str, str, str]:
    """(resource manager, login endpoint, audience) of a custom cloud, read from
    ``https://<host>/metadata/endpoints`` as azure-native does for ``metadataHost``: the entry named
    after the configured environment, else the first one. Cached per process."""
    import ssl
    import urllib.error
    import urllib.request

    key = (host, cloud, ca_bundle or "")
    if key in _METADATA:
        return _METADATA[key]
    host = host.removeprefix("https://").rstrip("/")
    url = f"https://{host}/metadata/endpoints?api-version={METADATA_API_VERSION}"
    where = f"azure-native:metadataHost (or ARM_METADATA_HOSTNAME) {host!r}"
    try:
        ctx = ssl.create_default_context(cafile=ca_bundle) if ca_bundle else ssl.create_default_context()
        with urllib.request.urlopen(url, context=ctx, timeout=30) as resp:  # noqa: S310 - https only
            doc = json.loads(resp.read())
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise MediaError(f"provider configuration: {where}: cannot read {url}: {reason}") from None
    clouds = doc if isinstance(doc, list) else [dict(doc, resourceManager=f"https://{host}/")]
    chosen = next((c for c in clouds if c.get("name") == _CLOUD_NAMES[cloud]), clouds[0] if clouds else None)
    try:
        assert chosen is not None
        auth = chosen["authentication"]
        found = (
            str(chosen["resourceManager"]).rstrip("/"),
            str(auth["loginEndpoint"]),
            str(auth["audiences"][0]),
        )
    except (AssertionError, KeyError, IndexError, TypeError):
        raise MediaError(
            f"provider configuration: {where}: {url} names no resourceManager/authentication"
        ) from None
    _METADATA[key] = found
    return found


def endpoints(s: dict[str, Any]) -> tuple[str, str, str]:
    """(arm base url, authority host, credential scope): metadataHost discovery, else the named
    environment; explicit endpoint settings override either."""
    cloud = _cloud(s)
    base, auth = _CLOUDS[cloud]
    audience = ""
    if s.get("metadataHost"):
        base, auth, audience = discover_cloud(str(s["metadataHost"]), cloud, s.get("caBundle"))
    base = (s.get("resourceManagerEndpoint") or base).rstrip("/")
    auth = s.get("activeDirectoryAuthorityHost") or auth
    audience = s.get("resourceManagerAudience") or audience or base
    scope = audience if audience.endswith("/.default") else audience + "/.default"
    return base, auth, scope


def auxiliary_tenant_ids(s: dict[str, Any]) -> list[str]:
    """azure-native's auxiliaryTenantIds: a JSON list (ARM_AUXILIARY_TENANT_IDS: also `;`-separated)."""
    raw = s.get("auxiliaryTenantIds")
    if not raw:
        return []
    if isinstance(raw, list):
        return [str(t) for t in raw]
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = [t.strip() for t in str(raw).split(";") if t.strip()]
    if not isinstance(parsed, list) or not all(isinstance(t, str) for t in parsed):
        raise MediaError(
            "provider configuration: azure-native:auxiliaryTenantIds (or ARM_AUXILIARY_TENANT_IDS) "
            f"must be a JSON list of tenant IDs; got {raw!r}"
        )
    return parsed


def user_agent(s: dict[str, Any]) -> str:
    """The partner attribution azure-native appends to its User-Agent (`pid-<guid>`)."""
    partner = s.get("partnerId") or ("" if _truthy(s.get("disablePulumiPartnerId")) else PULUMI_PARTNER_ID)
    return f"ams-iac pid-{partner}" if partner else "ams-iac"


def _fingerprint(s: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(s, sort_keys=True, default=str).encode()).hexdigest()


def transport_kwargs(s: dict[str, Any]) -> dict[str, Any]:
    ca = s.get("caBundle")
    return {"connection_verify": ca} if ca else {}


def build_credential(s: dict[str, Any]) -> Any:
    """Same order as pulumi-azure-native: first configured method wins, no fall-through."""
    from azure import identity

    _, authority, _ = endpoints(s)
    common: dict[str, Any] = {"authority": authority, **transport_kwargs(s)}
    custom_authority = authority.removeprefix("https://").rstrip("/") not in {a for _, a in _CLOUDS.values()}
    if custom_authority or _truthy(s.get("disableInstanceDiscovery")):
        common["disable_instance_discovery"] = True
    aux = auxiliary_tenant_ids(s)
    if aux:
        common["additionally_allowed_tenants"] = aux
    tenant, client_id = str(s.get("tenantId") or ""), str(s.get("clientId") or "")

    def need(*names: str) -> None:
        missing = [n for n in names if not s.get(n)]
        if missing:
            raise MediaError(
                "provider configuration: missing "
                + ", ".join(f"azure-native:{n} (or {_KEYS[n][0]})" for n in missing)
            )

    if _truthy(s.get("useDefaultAzureCredential")):
        return identity.DefaultAzureCredential(**common)
    if s.get("clientCertificatePath"):
        need("tenantId", "clientId")
        pw = s.get("clientCertificatePassword")
        return identity.CertificateCredential(
            tenant, client_id, s["clientCertificatePath"], password=pw.encode() if pw else None, **common
        )
    if s.get("clientSecret"):
        need("tenantId", "clientId")
        return identity.ClientSecretCredential(tenant, client_id, s["clientSecret"], **common)
    if _truthy(s.get("useOidc")):
        need("tenantId", "clientId")
        if s.get("oidcToken"):
            token = s["oidcToken"]
            return identity.ClientAssertionCredential(tenant, client_id, lambda: token, **common)
        if s.get("oidcTokenFilePath"):
            return identity.WorkloadIdentityCredential(
                tenant_id=tenant, client_id=client_id, token_file_path=s["oidcTokenFilePath"], **common
            )
        if s.get("oidcRequestToken") and s.get("oidcRequestUrl"):
            return identity.ClientAssertionCredential(tenant, client_id, _github_oidc(s), **common)
        raise MediaError(
            "provider configuration: useOidc needs oidcToken, oidcTokenFilePath or a request URL"
        )
    if _truthy(s.get("useMsi")):
        kw = transport_kwargs(s)
        if s.get("msiEndpoint"):  # azure-identity reads the endpoint from the environment only
            os.environ.setdefault("IDENTITY_ENDPOINT", str(s["msiEndpoint"]))
        return identity.ManagedIdentityCredential(client_id=client_id or None, **kw)
    return identity.AzureCliCredential(tenant_id=tenant) if tenant else identity.AzureCliCredential()


def _github_oidc(s: dict[str, Any]) -> Any:
    def fetch() -> str:
        import urllib.parse
        import urllib.request

        aud = s.get("oidcAudience") or "api://AzureADTokenExchange"
        url = s["oidcRequestUrl"] + "&audience=" + urllib.parse.quote(aud)
        req = urllib.request.Request(url, headers={"Authorization": "Bearer " + s["oidcRequestToken"]})
        with urllib.request.urlopen(req, timeout=30) as r:  # noqa: S310
            return str(json.loads(r.read())["value"])

    return fetch


def credential() -> Any:
    s = settings()
    fp = _fingerprint(s)
    with _SETTINGS_LOCK:
        cred = _CREDENTIALS.get(fp)
        if cred is None:
            cred = build_credential(s)
            _CREDENTIALS[fp] = cred
    return cred


def _uses_azure_cli(s: dict[str, Any]) -> bool:
    return not any(
        (
            _truthy(s.get("useDefaultAzureCredential")),
            s.get("clientCertificatePath"),
            s.get("clientSecret"),
            _truthy(s.get("useOidc")),
            _truthy(s.get("useMsi")),
        )
    )


def _cli_subscription() -> str | None:
    """The Azure CLI's current account (`az account show`), as azure-native uses with `az login` auth."""
    import shutil
    import subprocess

    az = shutil.which("az")
    if not az:
        return None
    proc = subprocess.run(
        [az, "account", "show", "--output", "json"], capture_output=True, text=True, timeout=60
    )
    if proc.returncode != 0:
        return None
    try:
        return str(json.loads(proc.stdout)["id"]) or None
    except (ValueError, KeyError, TypeError):
        return None


def subscription_id() -> str:
    s = settings()
    sub = s.get("subscriptionId")
    if not sub and _uses_azure_cli(s):
        sub = s["subscriptionId"] = _cli_subscription()
    if not sub:
        hint = " or `az login` / `az account set`" if _uses_azure_cli(s) else ""
        raise MediaError(
            f"provider configuration: missing azure-native:subscriptionId (or ARM_SUBSCRIPTION_ID{hint})"
        )
    return str(sub)


def default_location() -> str | None:
    """azure-native:location: the location of entities whose program names none."""
    loc = settings().get("location")
    return str(loc) if loc else None


def poll_interval() -> float:
    try:
        return float(settings().get("pollInterval") or 1.0)
    except ValueError:
        return 1.0


def conflict_timeout() -> float:
    try:
        return float(settings().get("conflictTimeout") or 600.0)
    except ValueError:
        return 600.0


def retry_timeout() -> float:
    try:
        return float(settings().get("retryTimeout") or 300.0)
    except ValueError:
        return 300.0


def retry_policy(deadline: float) -> Any:
    """azure-core's RetryPolicy bounded by a deadline per request instead of 3 attempts: throttling (429,
    Retry-After honoured), 408/5xx and connection errors are retried on every request, LRO status polls
    included, until `deadline` seconds have passed. POST actions and PATCH are retried too (the AMS ones
    are idempotent: start/stop/scale/allocate, listPaths, listContainerSas)."""
    import time

    from azure.core.pipeline.policies import RetryPolicy

    class _DeadlineRetry(RetryPolicy):
        def __init__(self) -> None:
            many = 1_000_000
            super().__init__(
                retry_total=many,
                retry_connect=many,
                retry_read=many,
                retry_status=many,
                retry_backoff_factor=0.5,
                retry_backoff_max=10,
                timeout=int(deadline) + 60,  # the deadline below governs
            )
            self._method_whitelist = self._method_whitelist | {"POST", "PATCH"}

        def configure_retries(self, options: dict[str, Any]) -> dict[str, Any]:
            cfg: dict[str, Any] = super().configure_retries(options)
            cfg["deadline"] = time.monotonic() + deadline
            return cfg

        def increment(self, settings: dict[str, Any], response: Any = None, error: Any = None) -> bool:
            if time.monotonic() > settings["deadline"]:
                return False
            return bool(super().increment(settings, response=response, error=error))

    return _DeadlineRetry()


def lock_dir() -> str:
    import tempfile

    return str(settings().get("lockDir") or os.path.join(tempfile.gettempdir(), "pulumi-media-locks"))


# Connections kept per host: at least the engine's --parallel that the make targets pass (64), so that a
# burst of requests never makes urllib3 discard a connection (and warn about it on stderr).
POOL_CONNECTIONS = 128
_POOL_LOCK = threading.Lock()
_POOL: list[Any] = []


def _shared_pool() -> Any:
    """The process's one HTTPS connection pool (a requests adapter over urllib3's thread-safe pools), as
    azure-core's own transport mounts it: no retries of its own (the SDK's retry policy retries)."""
    with _POOL_LOCK:
        if not _POOL:
            from azure.core.pipeline.transport._bigger_block_size_http_adapters import (
                BiggerBlockSizeHTTPAdapter,
            )
            from urllib3.util.retry import Retry

            _POOL.append(
                BiggerBlockSizeHTTPAdapter(
                    pool_maxsize=POOL_CONNECTIONS,
                    max_retries=Retry(total=False, redirect=False, raise_on_status=False),
                )
            )
        return _POOL[0]


def _transport(s: dict[str, Any]) -> Any:
    """A transport of the thread's own client: its own requests session (cookies, headers) over the
    process's shared connection pool. Each new worker thread of the engine's calls then reuses a warm
    connection instead of opening its own: at 8 live events about 40 creates start within a second, and
    each new connection's TLS handshake made their first GETs take 0.4-1.1 s instead of 0.1 (issue 11)."""
    import requests
    from azure.core.pipeline.transport import RequestsTransport

    session = requests.Session()
    for prefix in ("http://", "https://"):
        session.mount(prefix, _shared_pool())
    return RequestsTransport(session=session, session_owner=False, **transport_kwargs(s))


def client() -> Any:
    """One AzureMediaServices client per thread (the SDK is not guaranteed to be thread-safe); the clients
    share the process's connection pool (urllib3's pools are thread-safe)."""
    from azure.mgmt.media import AzureMediaServices

    s = settings()
    sub = subscription_id()  # first: it may fill the subscription in from the Azure CLI
    fp = _fingerprint(s)
    cache = getattr(_LOCAL, "clients", None)
    if cache is None:
        cache = _LOCAL.clients = {}
    c = cache.get(fp)
    if c is None:
        base, _, scope = endpoints(s)
        c = AzureMediaServices(
            credential(),
            sub,
            base_url=base,
            credential_scopes=[scope],
            polling_interval=poll_interval(),
            retry_policy=retry_policy(retry_timeout()),
            user_agent=user_agent(s),
            transport=_transport(s),
        )
        cache[fp] = c
    return c


def blob_kwargs() -> dict[str, Any]:
    return transport_kwargs(settings())
