"""The emulator process: TLS HTTP server, Azurite child, background LRO worker, connection.json."""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .app import App, ResetConnection, Response
from .certs import ensure_certs, ensure_signing_key
from .config import Config, merge_durations
from .handlers import accounts, admin, arm, encoding, endpoints, live, metadata, protection, public, tracks
from .identity import MI_HEADER, Identity
from .proxy import start_proxy
from .routing import Plane
from .state import Store
from .storage import ACCOUNT, Azurite


def build_app(config: Config, azurite: Azurite | None) -> App:
    store = Store(config.state_dir / "emulator.db")
    for key, value in config.settings.items():
        if key == "durations" and isinstance(value, dict):
            store.set_setting("durations", merge_durations(store.get_setting("durations", {}) or {}, value))
        else:
            store.set_setting(key, value)
    identity = Identity(store, config, ensure_signing_key(config.state_dir))
    app = App(config, store, identity, azurite)
    for module in (arm, accounts, endpoints, live, encoding, metadata, protection, tracks):
        app.routes.add(Plane.ARM, module.ROUTES)
    app.routes.add(Plane.PUBLIC, public.ROUTES)
    app.routes.add(Plane.ADMIN, admin.ROUTES)
    return app


def connection_info(app: App, ca_bundle: Path) -> dict[str, Any]:
    c = app.config
    principals = app.store.principals()
    mi = principals["managed_identity"]
    return {
        "arm_endpoint": c.base_url,
        "authority_host": c.base_url,
        "arm_audience": "https://management.azure.com",
        "tenant_id": c.tenant_id,
        "subscription_id": c.subscription_id,
        "resource_group": c.resource_group,
        "location": c.location,
        "storage_account_id": c.storage_account_id,
        "storage_account_name": c.storage_account,
        "storage_blob_endpoint": c.blob_endpoint,
        "storage_accounts": [
            {
                "name": name,
                "id": c.storage_id(name),
                "blob_endpoint": app.azurite.endpoint_of(name) if app.azurite else None,
            }
            for name in c.storage_accounts
        ],
        "ca_bundle": str(ca_bundle),
        "principals": {
            k: {**v, "client_certificate_path": str(app.identity.certificate_path(k))}
            for k, v in principals.items()
            if k != "managed_identity"
        },
        "oidc_issuer": app.identity.oidc_issuer,
        "managed_identity": {
            "endpoint": f"{c.base_url}/msi/token",
            "header_name": MI_HEADER,
            "header_value": app.identity.mi_secret,
            "secret": app.identity.mi_secret,
            "client_id": mi["client_id"],
            "object_id": mi["object_id"],
            "env": {
                "IDENTITY_ENDPOINT": f"{c.base_url}/msi/token",
                "IDENTITY_HEADER": app.identity.mi_secret,
            },
            "imds_env": {"AZURE_POD_IDENTITY_AUTHORITY_HOST": c.base_url},
        },
        "admin_endpoint": f"{c.base_url}/admin",
        "pid": os.getpid(),
        "azurite_pid": app.azurite.proc.pid if app.azurite and app.azurite.proc else None,
        "port": c.port,
        "state_dir": str(c.state_dir),
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "AmsEmulator/1.0"
    app: App
    # Headers and body leave in one write (handle_one_request flushes), with Nagle off: written apart, the
    # body waited for the client's delayed ACK, 40 ms on every request.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        sock = self.request
        if isinstance(sock, ssl.SSLSocket):
            sock.settimeout(30)
            sock.do_handshake()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, resp: Response) -> None:
        status, headers, body = resp
        payload = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        sent = {k.lower() for k in headers}
        for k, v in headers.items():
            self.send_header(k, v)
        if body is not None and "content-type" not in sent:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        rid = str(uuid.uuid4())
        self.send_header("x-ms-request-id", rid)
        self.send_header("x-ms-correlation-request-id", self.headers.get("x-ms-client-request-id") or rid)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if payload and self.command != "HEAD":
            self.wfile.write(payload)

    def _route(self) -> None:
        try:
            raw = self._body()
            started = time.monotonic()
            resp = self._dispatch(raw)
            self._send(resp)
            if not self.path.startswith(("/admin", "/health")):
                ms = (time.monotonic() - started) * 1000
                sys.stderr.write(
                    f"{time.strftime('%H:%M:%S')} {self.command} {self.path} {resp[0]} {ms:.0f}ms\n"
                )
        except ResetConnection:
            # SO_LINGER 0: close() sends a TCP RST, as a dropped connection does on the real network.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.rfile.close()  # it holds a reference that would defer the close (and send a FIN first)
            self.connection.close()
        except (ConnectionError, ssl.SSLError, TimeoutError):
            self.close_connection = True
        except Exception as exc:  # noqa: BLE001 - never drop a request without a response
            import traceback

            traceback.print_exc()
            self._send(
                (
                    500,
                    {},
                    {
                        "error": {
                            "code": "InternalServerError",
                            "message": f"Emulator bug: {exc}",
                            "target": None,
                            "details": [],
                        }
                    },
                )
            )

    def _dispatch(self, raw: bytes) -> Response:
        headers = {k.lower(): v for k, v in self.headers.items()}
        return self.app.handle(self.command, self.path, headers, raw, self.client_address[0])

    do_GET = _route
    do_PUT = _route
    do_POST = _route
    do_PATCH = _route
    do_DELETE = _route
    do_HEAD = _route


class _Server(ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 128  # Pulumi runs many resource operations in parallel


def _pick_port(config: Config) -> int:
    if config.port:
        return config.port
    previous = config.state_dir / "connection.json"
    if previous.exists():
        try:
            port = int(json.loads(previous.read_text()).get("port") or 0)
            with socket.socket() as s:
                # Probe as the server binds (allow_reuse_address): a socket of the previous run that is
                # still in TIME_WAIT must not make us move to another port.
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("127.0.0.1", port))
            return port
        except (OSError, ValueError):
            pass
    return 0


def serve(config: Config) -> None:
    config.state_dir.mkdir(parents=True, exist_ok=True)
    ca, cert, key = ensure_certs(config.state_dir)
    httpd = _Server(("127.0.0.1", _pick_port(config)), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(cert), str(key))
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True, do_handshake_on_connect=False)
    config.port = int(httpd.server_address[1])
    config.base_url = f"https://127.0.0.1:{config.port}"
    # The default storage account is Azurite's devstoreaccount1; each other one an account of its name.
    accounts = {config.storage_account: ACCOUNT}
    accounts.update({name: name.lower() for name in config.secondary_storage_accounts})
    azurite = Azurite(config.state_dir / "azurite", config.blob_port, accounts)
    for attempt in range(3):
        try:
            azurite.start()
            break
        except RuntimeError:
            azurite.stop()
            if attempt == 2 or config.blob_port:
                raise
            azurite = Azurite(config.state_dir / "azurite", accounts=accounts)
    config.blob_endpoint = azurite.endpoint
    app = build_app(config, azurite)
    proxy = start_proxy(ctx, Handler)
    doc = connection_info(app, ca)
    proxy_url = f"http://127.0.0.1:{proxy.server_address[1]}"
    doc["https_proxy"] = {
        "url": proxy_url,
        "env": {"HTTPS_PROXY": proxy_url, "NO_PROXY": "127.0.0.1,localhost"},
    }
    app.connection_doc = doc
    Handler.app = app

    stop = threading.Event()

    def worker() -> None:
        while not stop.wait(0.2):
            try:
                with app.store.lock:
                    app.lro.advance()
            except Exception:  # noqa: BLE001 - keep the worker alive
                import traceback

                traceback.print_exc()

    threading.Thread(target=worker, daemon=True).start()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()
        threading.Thread(target=httpd.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    tmp = config.state_dir / "connection.json.tmp"
    tmp.write_text(json.dumps(doc, indent=2))
    tmp.replace(config.state_dir / "connection.json")
    try:
        httpd.serve_forever(poll_interval=0.2)
    finally:
        stop.set()
        proxy.shutdown()
        azurite.stop()
        httpd.server_close()
        time.sleep(0)
