"""Helpers shared by the lumen-tools-mcp tests (made importable by conftest.py; pytest runs in importlib mode)."""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

SERVER_SCRIPT = Path(__file__).with_name("tiny_mcp_server.py")
URL = "https://mcp.example.test/tiny"


def server_table(log_path: Path, **extra: object) -> dict:
    """A `[providers.mcp.tiny]` table running the tiny server, logging to `log_path`."""
    return {"command": [sys.executable, str(SERVER_SCRIPT)], "env": {"MCP_TEST_LOG": str(log_path)}, **extra}


def read_log(log_path: Path) -> list[dict]:
    """The messages the server received (and its start/eof events)."""
    if not log_path.exists():
        return []
    return [json.loads(line) for line in log_path.read_text(encoding="utf-8").splitlines()]


def process_gone(pid: int, wait_seconds: float = 3.0) -> bool:
    """Whether process `pid` has ended (waiting up to `wait_seconds` for it to be reaped)."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
