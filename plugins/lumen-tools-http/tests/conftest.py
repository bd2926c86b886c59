"""A real HTTP server on 127.0.0.1 (stdlib, in a thread) and the http tools behind the real dispatcher."""
from __future__ import annotations

import json
import select
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest

from lumen_kernel.tools.dispatch import Dispatcher, ToolRequest
from lumen_kernel.tools.table import ToolTable
from lumen_tools_http.providers import HttpProvider


class Handler(BaseHTTPRequestHandler):
    """Echo, redirects, statuses and a slow endpoint that notices when the client goes away."""

    protocol_version = "HTTP/1.1"
    disconnected = threading.Event()

    def log_message(self, format, *args) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, headers: list[tuple[str, str]] = ()) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        if url.path.startswith("/redirect/"):
            left = int(url.path.rsplit("/", 1)[1])
            target = "/echo" if left == 0 else f"/redirect/{left - 1}"
            self._send(302, b"", [("Location", target)])
        elif url.path.startswith("/status/"):
            self._send(int(url.path.rsplit("/", 1)[1]), b"status body")
        elif url.path == "/slow":
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                readable, _, _ = select.select([self.connection], [], [], 0.02)
                if readable and self.connection.recv(1, 2) == b"":  # MSG_PEEK; b"" means the client closed
                    Handler.disconnected.set()
                    return
            self._send(200, b"slow")
        else:
            echo = {"method": self.command, "path": url.path, "query": parse_qsl(url.query),
                    "headers": {name.lower(): value for name, value in self.headers.items()}, "body": body}
            self._send(200, json.dumps(echo).encode(), [("X-Multi", "a"), ("X-Multi", "b"),
                                                        ("Content-Type", "application/json")])

    do_GET = do_POST = do_PUT = do_DELETE = _handle


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def http_call():
    dispatcher = Dispatcher(ToolTable([(HttpProvider(), {})]))

    def call(tool_id: str, args: dict, policy: dict | None = None):
        return dispatcher.call(ToolRequest("Web", tool_id, args, policy or {}))

    yield call
    dispatcher.close()


@pytest.fixture
def client_gone():
    """Set when the slow endpoint sees its client close the connection."""
    Handler.disconnected.clear()
    return Handler.disconnected
