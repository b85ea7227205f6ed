"""A CONNECT proxy that answers for Microsoft's login hosts itself.

With ``HTTPS_PROXY=<proxy url>`` and ``NO_PROXY=127.0.0.1,localhost`` an unchanged
``ClientSecretCredential`` (no ``disable_instance_discovery``) works against the emulator:
MSAL's instance-discovery request to login.microsoftonline.com is tunnelled here, TLS is
terminated with the emulator's certificate (its SANs include the login hosts, signed by the
emulator CA) and the emulator serves ``/common/discovery/instance``. Other hosts are refused.
"""

from __future__ import annotations

import contextlib
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .certs import INTERCEPT_HOSTS


class ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    tls: ssl.SSLContext
    inner: Any  # the HTTPS request handler class

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return

    def _refuse(self, status: int, reason: str) -> None:
        self.send_response(status, reason)
        self.send_header("Content-Length", "0")
        self.end_headers()
        self.close_connection = True

    def do_CONNECT(self) -> None:  # noqa: N802 - stdlib naming
        host, _, port = self.path.rpartition(":")
        if host.lower() not in INTERCEPT_HOSTS or port != "443":
            self._refuse(403, "Only Microsoft login hosts are served by the emulator proxy")
            return
        self.send_response(200, "Connection Established")
        self.end_headers()
        self.wfile.flush()
        tunnel = self.tls.wrap_socket(self.connection, server_side=True, do_handshake_on_connect=False)
        with contextlib.suppress(OSError, ssl.SSLError):
            self.inner(tunnel, self.client_address, self.server)
        self.close_connection = True

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._refuse(405, "CONNECT only")


def start_proxy(tls: ssl.SSLContext, inner: Any) -> ThreadingHTTPServer:
    handler = type("BoundProxyHandler", (ProxyHandler,), {"tls": tls, "inner": inner})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    return server
