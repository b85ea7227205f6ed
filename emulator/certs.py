"""Local CA and server certificate (generated once per state dir)."""

from __future__ import annotations

import datetime
import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem_key(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


# Hosts the emulator's CONNECT proxy serves itself (MSAL's instance discovery goes to them).
INTERCEPT_HOSTS = ("login.microsoftonline.com", "login.windows.net")


def _has_intercept_names(cert_path: Path) -> bool:
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    return set(INTERCEPT_HOSTS) <= set(names.get_values_for_type(x509.DNSName))


def ensure_certs(state_dir: Path) -> tuple[Path, Path, Path]:
    """Return (ca_bundle, server_cert, server_key), creating them on first use."""
    ca_path, cert_path, key_path = (
        state_dir / "ca.pem",
        state_dir / "server.pem",
        state_dir / "server-key.pem",
    )
    if ca_path.exists() and cert_path.exists() and key_path.exists() and _has_intercept_names(cert_path):
        return ca_path, cert_path, key_path
    now = datetime.datetime.now(datetime.UTC)
    ca_key = _key()
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "AMS emulator local CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    srv_key = _key()
    san = x509.SubjectAlternativeName(
        [
            x509.DNSName("localhost"),
            *[x509.DNSName(host) for host in INTERCEPT_HOSTS],
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
            x509.IPAddress(ipaddress.ip_address("::1")),
        ]
    )
    srv_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(srv_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=825))
        .add_extension(san, critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key_path.write_bytes(_pem_key(srv_key))
    key_path.chmod(0o600)
    cert_path.write_bytes(srv_cert.public_bytes(serialization.Encoding.PEM))
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    return ca_path, cert_path, key_path


def ensure_client_certificate(path: Path, common_name: str) -> Path:
    """A self-signed client certificate with its key in one PEM file (as CertificateCredential reads)."""
    if path.exists():
        return path
    now = datetime.datetime.now(datetime.UTC)
    key = _key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    path.write_bytes(_pem_key(key) + cert.public_bytes(serialization.Encoding.PEM))
    path.chmod(0o600)
    return path


def ensure_signing_key(state_dir: Path) -> bytes:
    """RS256 token signing key (PEM), generated at first start."""
    path = state_dir / "jwt-signing-key.pem"
    if not path.exists():
        path.write_bytes(_pem_key(_key()))
        path.chmod(0o600)
    return path.read_bytes()
