"""Fixtures: providers for the tiny MCP server of this folder, driven through the kernel's real dispatcher."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from lumen_kernel.tools.dispatch import Dispatcher, ToolOutcome, ToolRequest
from lumen_kernel.tools.table import ToolTable
from lumen_tools_mcp.config import server_config
from lumen_tools_mcp.provider import McpProvider
from mcp_test_support import read_log, server_table


@dataclass
class Harness:
    """A provider for the tiny server plus a dispatcher serving it, as a run would have them."""

    provider: McpProvider
    dispatcher: Dispatcher
    log_path: Path

    def call(self, tool_id: str, args: dict | None = None, *, policy: dict | None = None, alias: str = "T",
             mcp_url: str | None = None) -> ToolOutcome:
        """One tool call through the dispatcher (tool id `mcp` when `mcp_url` is given)."""
        return self.dispatcher.call(ToolRequest(alias, "mcp" if mcp_url else tool_id, args or {}, policy or {},
                                                mcp_url=mcp_url))

    def log(self) -> list[dict]:
        """What the server received so far."""
        return read_log(self.log_path)


@pytest.fixture
def harness(tmp_path):
    """`harness(**table_keys)` -> Harness; every provider and dispatcher is closed at the end of the test."""
    made: list[Harness] = []

    def make(**extra: object) -> Harness:
        log_path = tmp_path / f"server-{len(made)}.log"
        provider = McpProvider(server_config("tiny", server_table(log_path, **extra)), tmp_path)
        dispatcher = Dispatcher(lambda: ToolTable([(provider, {})]), project_root=tmp_path)
        made.append(Harness(provider, dispatcher, log_path))
        return made[-1]

    yield make
    for item in made:
        item.dispatcher.close()
        item.provider.close()
