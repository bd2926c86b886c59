"""`lumen pkg serve` (TOOLING.md §3.7): a registry over HTTP with token-protected uploads.

Reads serve the static layout files of the registry directory; `PUT /api/v1/packages/<name>/<version>` stores an
archive through `registry.store_version`, which validates it and applies immutability.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lumen_pkg.archive import sha256_digest
from lumen_pkg.errors import ImmutableVersionError, PkgError
from lumen_pkg.manifest import is_valid_package_name
from lumen_pkg.registry import ROOT_INDEX, store_version
from lumen_pkg.semver import is_valid_version

MAX_UPLOAD_BYTES = 64 * 1024 * 1024
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
_NAME = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_VERSION = r"[0-9A-Za-z.+-]+"
STATIC_PATTERNS = (
    re.compile(r"^index\.json$"),
    re.compile(rf"^packages/(?P<name>{_NAME})/index\.json$"),
    re.compile(rf"^packages/(?P<name>{_NAME})/(?P<version>{_VERSION})/(?P<file>{_NAME}-{_VERSION}\.tar)$"),
)
UPLOAD_PATH = re.compile(rf"^/api/v1/packages/(?P<name>[^/]+)/(?P<version>[^/]+)$")


class RegistryServer(ThreadingHTTPServer):
    """A threading HTTP server over one registry directory."""

    daemon_threads = True

    def __init__(self, root: Path, host: str, port: int, tokens: list[str], quiet: bool = False) -> None:
        self.root = root
        self.tokens = [token for token in tokens if token]
        self.quiet = quiet
        super().__init__((host, port), RegistryRequestHandler)

    @property
    def url(self) -> str:
        """`http://<host>:<port>/` with the port actually bound."""
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"

    @property
    def uploads_enabled(self) -> bool:
        """Uploads need at least one token."""
        return bool(self.tokens)

    def start_in_thread(self) -> threading.Thread:
        """Serve in a daemon thread (for tests and benchmarks); stop with `shutdown()` then `server_close()`."""
        thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, name="lumen-registry", daemon=True
        )
        thread.start()
        return thread


class RegistryRequestHandler(BaseHTTPRequestHandler):
    """GET/HEAD for the static layout, PUT for uploads; every error answer is `{"error": "..."}`."""

    server: RegistryServer
    server_version = "lumen-registry/1"
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes; avoid 40 ms delayed-ACK stalls
    timeout = 120  # seconds of client silence before a connection is dropped

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        """Serve a static layout file."""
        self._serve_static(include_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        """Headers of a static layout file."""
        self._serve_static(include_body=False)

    def do_PUT(self) -> None:  # noqa: N802
        """Upload an archive."""
        path = urlsplit(self.path).path
        match = UPLOAD_PATH.match(path)
        if match is None:
            self._discard_body()
            self._send_json(404, {"error": "not found"})
            return
        if not self.server.uploads_enabled:
            self._discard_body()
            self._send_json(403, {"error": "uploads are disabled"})
            return
        if not self._authorized():
            self._discard_body()
            self._send_json(401, {"error": "missing or invalid token"})
            return
        name, version = unquote(match["name"]), unquote(match["version"])
        if not is_valid_package_name(name) or not is_valid_version(version):
            self._discard_body()
            self._send_json(400, {"error": f"invalid package name or version '{name}@{version}'"})
            return
        length = self._content_length()
        if length is None:
            self._send_json(411, {"error": "Content-Length is required"}, close=True)
            return
        if length > MAX_UPLOAD_BYTES:
            self._send_json(413, {"error": f"archive larger than {MAX_UPLOAD_BYTES} bytes"}, close=True)
            return
        data = self.rfile.read(length)
        claimed = self.headers.get("X-Lumen-Archive-Checksum")
        actual = sha256_digest(data)
        if claimed is None or claimed.strip() != actual:
            self._send_json(400, {"error": f"archive checksum mismatch: header says {claimed}, body is {actual}"})
            return
        try:
            outcome = store_version(self.server.root, data, expected_name=name, expected_version=version)
        except ImmutableVersionError as error:
            self._send_json(409, {"error": error.message})
            return
        except PkgError as error:
            self._send_json(400, {"error": error.message})
            return
        code = 201 if outcome.status == "published" else 200
        self._send_json(code, {"status": outcome.status, "record": outcome.record})

    def do_POST(self) -> None:  # noqa: N802
        """Not supported."""
        self._discard_body()
        self._send_json(404, {"error": "not found"})

    do_DELETE = do_POST
    do_PATCH = do_POST

    def _serve_static(self, include_body: bool) -> None:
        file_path = self._static_file()
        if file_path is None:
            self._send_json(404, {"error": "not found"}, include_body=include_body)
            return
        try:
            data = file_path.read_bytes()
        except OSError:
            self._send_json(404, {"error": "not found"}, include_body=include_body)
            return
        content_type = "application/json" if file_path.suffix == ".json" else "application/x-tar"
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("ETag", f'"{hashlib.sha256(data).hexdigest()}"')
        self.end_headers()
        if include_body:
            self.wfile.write(data)

    def _static_file(self) -> Path | None:
        """The registry file for the request path, or None for anything outside the static layout."""
        raw_path = urlsplit(self.path).path
        segments = raw_path.lstrip("/").split("/")
        decoded = [unquote(segment) for segment in segments]
        if any(segment in ("", ".", "..") or "/" in segment or "\\" in segment for segment in decoded):
            return None
        relative = "/".join(decoded)
        if not any(pattern.match(relative) for pattern in STATIC_PATTERNS):
            return None
        if relative != ROOT_INDEX and not relative.endswith("index.json"):
            parts = relative.split("/")
            if parts[3] != f"{parts[1]}-{parts[2]}.tar":
                return None
        file_path = self.server.root.joinpath(*decoded)
        if not file_path.is_file() or file_path.is_symlink():
            return None
        return file_path

    def _authorized(self) -> bool:
        header = self.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return False
        given = token.strip().encode()
        return any(hmac.compare_digest(given, expected.encode()) for expected in self.server.tokens)

    def _content_length(self) -> int | None:
        value = self.headers.get("Content-Length")
        try:
            return int(value) if value is not None else None
        except ValueError:
            return None

    def _discard_body(self) -> None:
        length = self._content_length()
        if length is None or length > MAX_UPLOAD_BYTES:
            self.close_connection = True
            return
        remaining = length
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 65536))
            if not chunk:
                break
            remaining -= len(chunk)

    def _send_json(self, code: int, body: dict, *, include_body: bool = True, close: bool = False) -> None:
        data = (json.dumps(body, ensure_ascii=False) + "\n").encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if include_body:
            self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - http.server signature
        """Access log on stderr (silent when the server is quiet)."""
        if not self.server.quiet:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")


def serve(root: Path, host: str, port: int, tokens: list[str]) -> None:
    """Run the server until SIGINT or SIGTERM, printing the `serving ...` line on stdout first."""
    root.mkdir(parents=True, exist_ok=True)
    try:
        server = RegistryServer(root, host, port, tokens)
    except OSError as error:
        raise PkgError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    state = "enabled" if server.uploads_enabled else "disabled"
    bound_host, bound_port = server.server_address[:2]
    print(f"serving {root} at http://{bound_host}:{bound_port}/ (uploads {state})", flush=True)

    def stop(signum, frame) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.server_close()
