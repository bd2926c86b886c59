"""`lumen lsp` as a command: its help, a bad `--tcp` value, and serving one client over TCP on 127.0.0.1."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

SERVER = [sys.executable, "-m", "lumen_kernel", "lsp"]


def test_help_and_bad_address():
    shown = subprocess.run(SERVER + ["--help"], capture_output=True, text=True)
    assert shown.returncode == 0 and "--tcp HOST:PORT" in shown.stdout
    bad = subprocess.run(SERVER + ["--tcp", "nowhere"], capture_output=True, text=True)
    assert bad.returncode == 2 and "expected HOST:PORT" in bad.stderr
    assert "Traceback" not in bad.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _read_message(connection: socket.socket) -> dict:
    data = b""
    while b"\r\n\r\n" not in data:
        data += connection.recv(4096)
    header, rest = data.split(b"\r\n\r\n", 1)
    length = int([line for line in header.split(b"\r\n") if line.lower().startswith(b"content-length")][0]
                 .split(b":")[1])
    while len(rest) < length:
        rest += connection.recv(4096)
    return json.loads(rest[:length])


def test_tcp_server_answers_initialize():
    port = _free_port()
    process = subprocess.Popen(SERVER + ["--tcp", f"127.0.0.1:{port}"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        with connection:
            body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                               "params": {"capabilities": {}, "processId": None, "rootUri": None}}).encode()
            connection.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            answer = _read_message(connection)
        assert answer["id"] == 1
        assert answer["result"]["serverInfo"]["name"] == "lumen-lsp"
        assert answer["result"]["capabilities"]["positionEncoding"] == "utf-16"
    finally:
        process.kill()
        process.wait(timeout=10)
