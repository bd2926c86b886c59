"""`lumen pkg serve` over HTTP on 127.0.0.1 (acceptance item 32) and uploads through `pkg publish`."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from lumen_pkg.archive import pack_package, sha256_digest
from lumen_pkg.manifest import load_manifest
from lumen_pkg.server import MAX_UPLOAD_BYTES, RegistryServer

TOKEN = "s3cret-token"  # the token of the conftest `http_registry` fixture


@pytest.fixture
def package(make_package) -> tuple[Path, bytes]:
    directory = make_package("demo-pkg", "0.1.0")
    return directory, pack_package(load_manifest(directory)).data


def put(server: RegistryServer, data: bytes, *, token: str | None = TOKEN, checksum: str | None = None,
        path: str = "/api/v1/packages/demo-pkg/0.1.0") -> httpx.Response:
    headers = {"X-Lumen-Archive-Checksum": checksum or sha256_digest(data)}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.put(server.url.rstrip("/") + path, content=data, headers=headers)


def test_uploads_need_the_token(http_registry, package):
    _, data = package
    for token in (None, "wrong"):
        response = put(http_registry, data, token=token)
        assert response.status_code == 401
        assert response.json() == {"error": "missing or invalid token"}
    assert not (http_registry.root / "index.json").exists()


def test_tokenless_server_refuses_uploads(tmp_path: Path, package):
    server = RegistryServer(tmp_path, "127.0.0.1", 0, [], quiet=True)
    server.start_in_thread()
    try:
        response = put(server, package[1], token="anything")
        assert response.status_code == 403
        assert response.json() == {"error": "uploads are disabled"}
    finally:
        server.shutdown()
        server.server_close()


def test_upload_then_read_without_token(http_registry, package):
    _, data = package
    created = put(http_registry, data)
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "published" and body["record"]["archive_checksum"] == sha256_digest(data)
    again = put(http_registry, data)
    assert again.status_code == 200 and again.json()["status"] == "unchanged"

    archive = httpx.get(http_registry.url + "packages/demo-pkg/0.1.0/demo-pkg-0.1.0.tar")
    assert archive.status_code == 200 and archive.content == data
    assert archive.headers["Content-Length"] == str(len(data))
    assert archive.headers["ETag"] == f'"{hashlib.sha256(data).hexdigest()}"'
    head = httpx.head(http_registry.url + "index.json")
    assert head.status_code == 200 and head.content == b"" and int(head.headers["Content-Length"]) > 0
    index = httpx.get(http_registry.url + "packages/demo-pkg/index.json").json()
    assert [record["version"] for record in index["versions"]] == ["0.1.0"]


@pytest.mark.parametrize(
    "path",
    [
        "/../index.json",
        "/packages/%2e%2e/index.json",
        "/packages/demo-pkg/%2E%2E/%2e%2e/index.json",
        "/packages/demo-pkg",
        "/packages/demo-pkg/",
        "/packages",
        "/",
        "/.lock",
        "/packages/demo-pkg/0.1.0/other.tar",
        "/packages/nope/index.json",
    ],
)
def test_everything_else_is_not_found(http_registry, package, path):
    put(http_registry, package[1])
    connection = http.client.HTTPConnection(*http_registry.server_address[:2])
    connection.request("GET", path)
    response = connection.getresponse()
    assert response.status == 404
    assert json.loads(response.read()) == {"error": "not found"}
    connection.close()


def test_bad_uploads_get_400_409_413(http_registry, package, make_package):
    _, data = package
    assert put(http_registry, data, checksum="sha256:" + "0" * 64).status_code == 400
    assert put(http_registry, data, path="/api/v1/packages/other/0.1.0").status_code == 400
    assert put(http_registry, b"not an archive" * 40).status_code == 400
    assert put(http_registry, data).status_code == 201
    changed_dir = make_package("demo-pkg", "0.1.0", lib='cell changed() -> Int\n  return 1\nend\n',
                               where=package[0].parent / "changed")
    changed = pack_package(load_manifest(changed_dir)).data
    conflict = put(http_registry, changed)
    assert conflict.status_code == 409 and "immutable" in conflict.json()["error"]

    connection = http.client.HTTPConnection(*http_registry.server_address[:2])
    connection.putrequest("PUT", "/api/v1/packages/demo-pkg/0.2.0")
    connection.putheader("Authorization", f"Bearer {TOKEN}")
    connection.putheader("Content-Length", str(MAX_UPLOAD_BYTES + 1))
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413
    connection.close()


def test_publish_cli_maps_server_answers(http_registry, package, run_pkg, make_package):
    directory, _ = package
    url = http_registry.url
    refused = run_pkg(directory, "publish", "--registry", url)
    assert refused.exit_code == 1
    assert refused.stderr == "error: registry refused the upload: missing or invalid token\n"
    published = run_pkg(directory, "publish", "--registry", url, "--token", TOKEN)
    assert published.exit_code == 0, published.stderr
    assert published.stderr.startswith(f"Published demo-pkg@0.1.0 to {url}")
    identical = run_pkg(directory, "publish", "--registry", url, env={"LUMEN_REGISTRY_TOKEN": TOKEN})
    assert identical.exit_code == 0 and "is already published (identical)" in identical.stderr
    (directory / "src" / "lib.lm.md").write_text("# changed\n")
    changed = run_pkg(directory, "publish", "--registry", url, "--token", TOKEN)
    assert changed.exit_code == 1
    assert changed.stderr == ("error: demo-pkg@0.1.0 is already published with a different checksum; "
                              "published versions are immutable\n")


def test_serve_command_prints_address_and_stops_on_sigterm(tmp_path: Path):
    environment = {**os.environ, "LUMEN_REGISTRY_TOKEN": ""}
    process = subprocess.Popen(
        [sys.executable, "-m", "lumen_pkg.cli", "serve", str(tmp_path / "reg"), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith(f"serving {tmp_path / 'reg'} at http://127.0.0.1:")
        assert line.endswith("/ (uploads disabled)\n")
        url = line.split(" at ")[1].split(" ")[0]
        assert httpx.get(url + "index.json").status_code == 404
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
