"""Azure-AD-shaped token service, managed identity endpoint, JWT checks and role assignments."""

from __future__ import annotations

import secrets
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from jwt.algorithms import RSAAlgorithm

from .certs import ensure_client_certificate
from .config import ARM_AUDIENCES, Config
from .errors import ArmError
from .state import Store

ROLES = ("Owner", "Contributor", "Reader")
KID = "ams-emulator-key"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
FEDERATION_AUDIENCE = "api://AzureADTokenExchange"
MI_HEADER = "X-IDENTITY-HEADER"

Response = tuple[int, dict[str, str], Any]


class Identity:
    def __init__(self, store: Store, config: Config, signing_key_pem: bytes) -> None:
        self.store = store
        self.config = config
        self.private_key = serialization.load_pem_private_key(signing_key_pem, password=None)
        self.public_key = self.private_key.public_key()
        self.bootstrap()

    # ---- principals ------------------------------------------------------------------------
    def bootstrap(self) -> None:
        """Create the default principals and role assignments when missing."""
        existing = self.store.principals()
        sub_scope = f"/subscriptions/{self.config.subscription_id}"
        for name, role in (
            ("contributor", "Contributor"),
            ("reader", "Reader"),
            ("owner", "Owner"),
            ("managed_identity", "Contributor"),
        ):
            if name not in existing:
                oid = str(uuid.uuid4())
                self.store.add_principal(name, str(uuid.uuid4()), secrets.token_urlsafe(24), oid)
                self.store.set_role(oid, sub_scope, role)
        if self.store.get_setting("mi_secret") is None:
            self.store.set_setting("mi_secret", secrets.token_hex(16))

    def certificate_path(self, name: str) -> Path:
        return ensure_client_certificate(self.config.state_dir / f"client-{name}.pem", f"ams-emulator-{name}")

    def _certificate_key(self, name: str) -> Any:
        pem = self.certificate_path(name).read_bytes()
        return x509.load_pem_x509_certificate(pem).public_key()

    @property
    def oidc_issuer(self) -> str:
        return f"{self.config.base_url}/oidc"

    def federated_token(self, name: str, lifetime: int = 600) -> str:
        """A workload-identity style OIDC token for principal ``name`` (for ClientAssertionCredential)."""
        now = int(time.time())
        claims = {
            "iss": self.oidc_issuer,
            "sub": f"emulator:{name}",
            "aud": FEDERATION_AUDIENCE,
            "iat": now,
            "nbf": now - 5,
            "exp": now + lifetime,
            "jti": str(uuid.uuid4()),
        }
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": KID})  # type: ignore[arg-type]

    def _check_assertion(
        self, name: str, principal: dict[str, str], assertion: str, token_url: str
    ) -> str | None:
        """Return None when ``assertion`` authenticates ``principal``, else an error description."""
        try:
            unverified = jwt.decode(assertion, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            return f"AADSTS50027: Invalid client assertion: {exc}"
        try:
            if unverified.get("iss") == self.oidc_issuer:
                claims = jwt.decode(
                    assertion,
                    self.public_key,  # type: ignore[arg-type]
                    algorithms=["RS256"],
                    audience=FEDERATION_AUDIENCE,
                    issuer=self.oidc_issuer,
                )
                if claims.get("sub") != f"emulator:{name}":
                    return "AADSTS70021: No matching federated identity record found for presented assertion."
                return None
            claims = jwt.decode(
                assertion,
                self._certificate_key(name),
                algorithms=["RS256", "PS256"],
                audience=[token_url, token_url.replace("/oauth2/v2.0/token", "")],
                options={"require": ["exp", "aud", "iss", "sub"]},
            )
        except jwt.PyJWTError as exc:
            return f"AADSTS700027: Client assertion failed signature validation: {exc}"
        if claims.get("iss") != principal["client_id"] or claims.get("sub") != principal["client_id"]:
            return "AADSTS700023: Client assertion iss and sub must be the client id."
        return None

    def restore_default_roles(self) -> None:
        self.store.clear_roles()
        sub_scope = f"/subscriptions/{self.config.subscription_id}"
        roles = {
            "contributor": "Contributor",
            "reader": "Reader",
            "owner": "Owner",
            "managed_identity": "Contributor",
        }
        for name, p in self.store.principals().items():
            self.store.set_role(p["object_id"], sub_scope, roles.get(name, "Reader"))

    @property
    def mi_secret(self) -> str:
        return str(self.store.get_setting("mi_secret"))

    @property
    def issuer(self) -> str:
        return f"{self.config.base_url}/{self.config.tenant_id}/v2.0"

    def audiences(self) -> list[str]:
        base = [a for a in ARM_AUDIENCES] + [self.config.base_url]
        return base + [a + "/" for a in base]

    # ---- token issuance --------------------------------------------------------------------
    def _issue(self, principal: dict[str, str], audience: str) -> tuple[str, int]:
        now = int(time.time())
        lifetime = int(self.store.get_setting("token_lifetime", 3600))
        claims = {
            "aud": audience,
            "iss": self.issuer,
            "iat": now,
            "nbf": now - 5,
            "exp": now + lifetime,
            "oid": principal["object_id"],
            "sub": principal["object_id"],
            "appid": principal["client_id"],
            "tid": self.config.tenant_id,
            "ver": "2.0",
            "idtyp": "app",
        }
        token = jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": KID})  # type: ignore[arg-type]
        return token, now + lifetime

    def openid_configuration(self, tenant: str) -> Response:
        base = f"{self.config.base_url}/{tenant}"
        doc = {
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
            "jwks_uri": f"{base}/discovery/v2.0/keys",
            "issuer": f"{self.config.base_url}/{tenant}/v2.0",
            "token_endpoint_auth_methods_supported": [
                "client_secret_post",
                "private_key_jwt",
                "client_secret_basic",
            ],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "tenant_region_scope": "EU",
            "cloud_instance_name": "ams-emulator",
        }
        return 200, {}, doc

    def instance_discovery(self) -> Response:
        host = self.config.base_url.split("://", 1)[1]
        return (
            200,
            {},
            {
                "tenant_discovery_endpoint": f"{self.config.base_url}/{self.config.tenant_id}"
                "/v2.0/.well-known/openid-configuration",
                "api-version": "1.1",
                "metadata": [{"preferred_network": host, "preferred_cache": host, "aliases": [host]}],
            },
        )

    def jwks(self) -> Response:
        jwk = RSAAlgorithm.to_jwk(self.public_key, as_dict=True)  # type: ignore[call-overload]
        jwk.update({"kid": KID, "use": "sig", "alg": "RS256"})
        return 200, {}, {"keys": [jwk]}

    def token(self, tenant: str, form_body: bytes, auth_header: str | None) -> Response:
        form = {k: v[0] for k, v in parse_qs(form_body.decode("utf-8", "replace")).items()}
        if auth_header and auth_header.lower().startswith("basic "):
            import base64

            cid, _, csec = base64.b64decode(auth_header[6:]).decode().partition(":")
            form.setdefault("client_id", cid)
            form.setdefault("client_secret", csec)

        def fail(status: int, error: str, desc: str, code: int) -> Response:
            return (
                status,
                {},
                {
                    "error": error,
                    "error_description": desc,
                    "error_codes": [code],
                    "timestamp": time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime()),
                    "trace_id": str(uuid.uuid4()),
                    "correlation_id": str(uuid.uuid4()),
                },
            )

        if tenant.lower() not in (self.config.tenant_id.lower(), "organizations", "common", "adfs"):
            return fail(400, "invalid_request", f"AADSTS90002: Tenant '{tenant}' not found.", 90002)
        if form.get("grant_type") != "client_credentials":
            return fail(
                400,
                "unsupported_grant_type",
                "AADSTS70003: The emulator supports only the client_credentials grant.",
                70003,
            )
        name, principal = next(
            ((n, p) for n, p in self.store.principals().items() if p["client_id"] == form.get("client_id")),
            ("", None),
        )
        if principal is None:
            return fail(
                400,
                "unauthorized_client",
                f"AADSTS700016: Application with identifier '{form.get('client_id')}' was not found.",
                700016,
            )
        if form.get("client_assertion"):
            if form.get("client_assertion_type") != ASSERTION_TYPE:
                return fail(400, "invalid_request", "AADSTS50027: Unsupported client_assertion_type.", 50027)
            token_url = f"{self.config.base_url}/{tenant}/oauth2/v2.0/token"
            problem = self._check_assertion(name, principal, form["client_assertion"], token_url)
            if problem:
                return fail(401, "invalid_client", problem, 700027)
        elif not secrets.compare_digest(principal["client_secret"], form.get("client_secret", "")):
            return fail(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.", 7000215)
        scope = form.get("scope", "").split()[0] if form.get("scope") else ""
        if not scope.endswith("/.default"):
            return fail(400, "invalid_scope", "AADSTS1002012: The scope must end with '/.default'.", 1002012)
        audience = scope[: -len("/.default")]
        token, _exp = self._issue(principal, audience)
        lifetime = int(self.store.get_setting("token_lifetime", 3600))
        return (
            200,
            {},
            {
                "token_type": "Bearer",
                "expires_in": lifetime,
                "ext_expires_in": lifetime,
                "access_token": token,
            },
        )

    def managed_identity_token(self, query: dict[str, list[str]], headers: dict[str, str]) -> Response:
        supplied = headers.get(MI_HEADER.lower(), "")
        if not secrets.compare_digest(supplied, self.mi_secret):
            return (
                401,
                {},
                {"error": "unauthorized", "error_description": "Missing or wrong identity header."},
            )
        resource = (query.get("resource") or [""])[0]
        if not resource:
            return 400, {}, {"error": "invalid_request", "error_description": "resource is required"}
        principal = self.store.principals()["managed_identity"]
        wanted = (query.get("client_id") or [""])[0]
        if wanted and wanted != principal["client_id"]:
            return 400, {}, {"error": "invalid_request", "error_description": "Unknown client_id."}
        audience = resource[: -len("/.default")] if resource.endswith("/.default") else resource
        token, exp = self._issue(principal, audience.rstrip("/"))
        return (
            200,
            {},
            {
                "access_token": token,
                "expires_on": exp,
                "resource": resource,
                "token_type": "Bearer",
                "client_id": principal["client_id"],
            },
        )

    def imds_token(self, query: dict[str, list[str]], headers: dict[str, str]) -> Response:
        """IMDS-style endpoint (``AZURE_POD_IDENTITY_AUTHORITY_HOST`` points ImdsCredential here)."""
        if headers.get("metadata", "").lower() != "true":
            return (
                400,
                {},
                {"error": "invalid_request", "error_description": "Required metadata header not specified"},
            )
        status, extra, body = self.managed_identity_token(query, {MI_HEADER.lower(): self.mi_secret})
        if status == 200:
            lifetime = int(body["expires_on"]) - int(time.time())
            body = {
                **body,
                "expires_on": str(body["expires_on"]),
                "expires_in": str(lifetime),
                "ext_expires_in": str(lifetime),
                "not_before": str(int(time.time())),
            }
        return status, extra, body

    # ---- ARM checks ------------------------------------------------------------------------
    def authenticate(self, auth_header: str | None) -> dict[str, Any]:
        try:
            return self._authenticate(auth_header)
        except ArmError as err:
            err.headers["WWW-Authenticate"] = (
                f'Bearer authorization_uri="{self.config.base_url}/{self.config.tenant_id}", '
                f'error="invalid_token", error_description="{err.message}"'
            )
            raise

    def _authenticate(self, auth_header: str | None) -> dict[str, Any]:
        if not auth_header:
            raise ArmError(
                401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."
            )
        scheme, _, token = auth_header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise ArmError(
                401,
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is provided in an invalid format.",
            )
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self.public_key,  # type: ignore[arg-type]
                algorithms=["RS256"],  # type: ignore[arg-type]
                audience=self.audiences(),
                options={"require": ["exp", "aud", "iss"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise ArmError(
                401,
                "ExpiredAuthenticationToken",
                "The access token expiry UTC time is earlier than current UTC time.",
            ) from exc
        except jwt.InvalidAudienceError as exc:
            raise ArmError(
                401,
                "InvalidAuthenticationTokenAudience",
                "The access token has been obtained for wrong audience or resource.",
            ) from exc
        except jwt.PyJWTError as exc:
            raise ArmError(401, "InvalidAuthenticationToken", f"The access token is invalid: {exc}") from exc
        return claims

    def role_for(self, object_id: str, resource_path: str) -> str | None:
        best: str | None = None
        path = resource_path.lower().rstrip("/")
        for scope, role in self.store.roles_for(object_id):
            scope = scope.rstrip("/")
            covers = path == scope or path.startswith(scope + "/") or scope in ("", "/")
            if covers and (best is None or ROLES.index(role) < ROLES.index(best)):
                best = role
        return best

    def authorize(self, claims: dict[str, Any], method: str, path: str, action: str) -> None:
        if method in ("GET", "HEAD") and not path.lower().startswith("/subscriptions/"):
            return  # tenant-level reads such as the provider operations list
        role = self.role_for(str(claims.get("oid")), path)
        allowed = role in ("Owner", "Contributor") or (role == "Reader" and method in ("GET", "HEAD"))
        if not allowed:
            scope = path
            raise ArmError(
                403,
                "AuthorizationFailed",
                f"The client '{claims.get('appid')}' with object id '{claims.get('oid')}' does not have "
                f"authorization to perform action '{action}' over scope '{scope}' or the scope is invalid. "
                "If access was recently granted, please refresh your credentials.",
            )
