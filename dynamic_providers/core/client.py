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
    with _SETTINGS_LOCK:
        _SETTINGS.clear()
        _SETTINGS.update(resolve_settings(config))


def settings() -> dict[str, Any]:
    if not _SETTINGS:
        configure(None)
    return _SETTINGS


def _truthy(v: Any) -> bool:
    return str(v).strip().lower() in ("true", "1", "yes")


def endpoints(s: dict[str, Any]) -> tuple[str, str, str]:
    """(arm base url, authority host, credential scope)"""
    env = (s.get("environment") or "public").lower()
    if env in ("china", "azurechinacloud"):
        base, auth = _CLOUDS["china"]
    elif env in ("usgov", "usgovernment", "azureusgovernment", "azureusgovernmentcloud"):
        base, auth = _CLOUDS["usgov"]
    else:
        base, auth = _CLOUDS["public"]
    base = (s.get("resourceManagerEndpoint") or base).rstrip("/")
    auth = s.get("activeDirectoryAuthorityHost") or auth
    audience = (s.get("resourceManagerAudience") or base).rstrip("/")
    scope = audience if audience.endswith("/.default") else audience + "/.default"
    return base, auth, scope


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
    custom_authority = bool(s.get("activeDirectoryAuthorityHost"))
    if custom_authority or _truthy(s.get("disableInstanceDiscovery")):
        common["disable_instance_discovery"] = True
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


def subscription_id() -> str:
    sub = settings().get("subscriptionId")
    if not sub:
        raise MediaError(
            "provider configuration: missing azure-native:subscriptionId (or ARM_SUBSCRIPTION_ID)"
        )
    return str(sub)


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


def client() -> Any:
    """One AzureMediaServices client per thread (the SDK is not guaranteed to be thread-safe)."""
    from azure.mgmt.media import AzureMediaServices

    s = settings()
    fp = _fingerprint(s)
    cache = getattr(_LOCAL, "clients", None)
    if cache is None:
        cache = _LOCAL.clients = {}
    c = cache.get(fp)
    if c is None:
        base, _, scope = endpoints(s)
        c = AzureMediaServices(
            credential(),
            subscription_id(),
            base_url=base,
            credential_scopes=[scope],
            polling_interval=poll_interval(),
            retry_policy=retry_policy(retry_timeout()),
            **transport_kwargs(s),
        )
        cache[fp] = c
    return c


def blob_kwargs() -> dict[str, Any]:
    return transport_kwargs(settings())
