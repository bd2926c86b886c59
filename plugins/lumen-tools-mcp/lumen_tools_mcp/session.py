"""The MCP client side of one configured server: start on first use, handshake, tool listing, tool calls, close.

Start-up (TOOLING.md §5.9): `initialize` with `protocolVersion`, `capabilities: {}` and `clientInfo {name: "lumen",
version}`, then the `notifications/initialized` notification, then `tools/list` until no `nextCursor` is returned.
The listing is kept until `close()`; a server that died is started again on its next use.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Mapping

from lumen_tools_mcp.config import ServerConfig
from lumen_tools_mcp.connection import POLL_SECONDS, Cancelled, McpError, StdioConnection

PROTOCOL_VERSION = "2025-06-18"
MAX_LIST_PAGES = 1000
CLOSE_LOCK_SECONDS = 2.0


class McpSession:
    """One MCP server, started lazily and shared by every call of the run (thread-safe)."""

    def __init__(self, config: ServerConfig, cwd: Path | None = None) -> None:
        self.config = config
        self.cwd = cwd
        self.label = f"MCP server '{config.name}'"
        self._lock = threading.Lock()
        self._connection: StdioConnection | None = None
        self._tools: dict[str, Mapping[str, Any]] | None = None
        self.server_info: Mapping[str, Any] | None = None

    @property
    def pid(self) -> int | None:
        """The running server's process id (None when not started)."""
        connection = self._connection
        return connection.pid if connection is not None and connection.alive else None

    def tools(self, cancelled: threading.Event | None = None) -> dict[str, Mapping[str, Any]]:
        """The server's tools by name, as `tools/list` described them (starting the server if needed)."""
        return self._ready(cancelled)[1]

    def call_tool(self, name: str, arguments: Mapping[str, Any], cancelled: threading.Event | None = None) -> Any:
        """`tools/call {name, arguments}`; returns the raw result. Raises `McpError` (or `RpcError`, `Cancelled`)."""
        connection, _ = self._ready(cancelled)
        return connection.request("tools/call", {"name": name, "arguments": dict(arguments)}, cancelled=cancelled)

    def close(self) -> None:
        """Stop the server if it runs; the next use starts it again."""
        locked = self._lock.acquire(timeout=CLOSE_LOCK_SECONDS)
        try:
            connection, self._connection, self._tools = self._connection, None, None
        finally:
            if locked:
                self._lock.release()
        if connection is not None:
            connection.close()

    def _ready(self, cancelled: threading.Event | None) -> tuple[StdioConnection, dict[str, Mapping[str, Any]]]:
        """The running, initialised connection and its tool listing."""
        while not self._lock.acquire(timeout=POLL_SECONDS):
            if cancelled is not None and cancelled.is_set():
                raise Cancelled(f"{self.label}: cancelled while waiting for start-up")
        try:
            if self._connection is not None and not self._connection.alive:
                self._connection.close()
                self._connection, self._tools = None, None
            if self._connection is None:
                self._connection, self._tools = self._start(cancelled)
            assert self._tools is not None
            return self._connection, self._tools
        finally:
            self._lock.release()

    def _start(self, cancelled: threading.Event | None) -> tuple[StdioConnection, dict[str, Mapping[str, Any]]]:
        from lumen_kernel import __version__ as lumen_version

        deadline = time.monotonic() + self.config.startup_timeout_ms / 1000.0
        connection = StdioConnection(self.label, self.config.command, env=self.config.env, cwd=self.cwd)
        try:
            result = connection.request("initialize", {
                "protocolVersion": PROTOCOL_VERSION,
                "capabilities": {},
                "clientInfo": {"name": "lumen", "version": lumen_version},
            }, cancelled=cancelled, deadline=deadline)
            if not isinstance(result, Mapping):
                raise McpError(f"{self.label} sent an invalid initialize result")
            info = result.get("serverInfo")
            self.server_info = info if isinstance(info, Mapping) else None
            connection.notify("notifications/initialized")
            tools = self._list_tools(connection, cancelled, deadline)
        except BaseException:
            connection.close()
            raise
        return connection, tools

    def _list_tools(self, connection: StdioConnection, cancelled: threading.Event | None,
                    deadline: float) -> dict[str, Mapping[str, Any]]:
        """Every page of `tools/list`, following `nextCursor`."""
        tools: dict[str, Mapping[str, Any]] = {}
        cursor: str | None = None
        seen: set[str] = set()
        for _ in range(MAX_LIST_PAGES):
            page = connection.request("tools/list", {"cursor": cursor} if cursor is not None else {},
                                      cancelled=cancelled, deadline=deadline)
            if not isinstance(page, Mapping) or not isinstance(page.get("tools", []), list):
                raise McpError(f"{self.label} sent an invalid tools/list result")
            for tool in page.get("tools", []):
                if isinstance(tool, Mapping) and isinstance(tool.get("name"), str) and tool["name"]:
                    tools.setdefault(tool["name"], tool)
            cursor = page.get("nextCursor")
            if not isinstance(cursor, str) or not cursor:
                return tools
            if cursor in seen:
                raise McpError(f"{self.label} repeated the tools/list cursor {cursor!r}")
            seen.add(cursor)
        raise McpError(f"{self.label} returned more than {MAX_LIST_PAGES} pages of tools")
