"""Reading the `[providers.mcp.<server>]` tables of `lumen.toml` (TOOLING.md §5.9).

Each table configures one MCP server started as a subprocess:

```toml
[providers.mcp.files]
command = ["python", "servers/files.py"]   # required: the program and its arguments
env = { FILES_ROOT = "data" }              # optional: added to the inherited environment
tools = ["read", "search"]                 # optional: offer only these tools (and start the server lazily)
url = "https://mcp.example.com/files"      # optional: serves `use tool mcp "https://mcp.example.com/files" as A`
startup_timeout_ms = 10000                 # optional: limit for starting the server and listing its tools
```
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

DEFAULT_STARTUP_TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class ServerConfig:
    """One configured MCP server: its name (the `<server>` of the table), command line, extra environment,
    optional tool filter, optional URL and the time allowed for start-up and listing."""

    name: str
    command: tuple[str, ...]
    env: Mapping[str, str]
    tools: tuple[str, ...] | None = None
    url: str | None = None
    startup_timeout_ms: int = DEFAULT_STARTUP_TIMEOUT_MS


class ServerConfigError(ValueError):
    """A `[providers.mcp.<server>]` table cannot be used; the message names the table and the problem."""


def read_servers(providers: Mapping[str, Any]) -> tuple[list[ServerConfig], list[str]]:
    """The servers of the `[providers]` table's `mcp` sub-table, sorted by name, and the problems found (one
    message per unusable table, which is skipped)."""
    tables = providers.get("mcp")
    if tables is None:
        return [], []
    if not isinstance(tables, Mapping):
        return [], ["lumen.toml [providers.mcp]: must be a table of servers ([providers.mcp.<server>])"]
    servers: list[ServerConfig] = []
    problems: list[str] = []
    for name in sorted(tables):
        try:
            servers.append(server_config(name, tables[name]))
        except ServerConfigError as problem:
            problems.append(str(problem))
    return servers, problems


def server_config(name: str, table: Any) -> ServerConfig:
    """Validate one `[providers.mcp.<name>]` table; raises `ServerConfigError`."""
    where = f"lumen.toml [providers.mcp.{name}]"
    if not isinstance(table, Mapping):
        raise ServerConfigError(f"{where}: must be a table")
    if not name or "." in name:
        raise ServerConfigError(f"{where}: the server name must be non-empty and contain no '.'")
    command = table.get("command")
    if not _string_list(command) or not command:
        raise ServerConfigError(f"{where}: 'command' must be a non-empty array of strings")
    env = table.get("env", {})
    if not isinstance(env, Mapping) or not all(isinstance(value, str) for value in env.values()):
        raise ServerConfigError(f"{where}: 'env' must be a table of strings")
    tools = table.get("tools")
    if tools is not None and not _string_list(tools):
        raise ServerConfigError(f"{where}: 'tools' must be an array of tool names")
    url = table.get("url")
    if url is not None and (not isinstance(url, str) or not url):
        raise ServerConfigError(f"{where}: 'url' must be a non-empty string")
    timeout = table.get("startup_timeout_ms", DEFAULT_STARTUP_TIMEOUT_MS)
    if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout <= 0:
        raise ServerConfigError(f"{where}: 'startup_timeout_ms' must be a positive integer")
    return ServerConfig(name=name, command=tuple(command), env=dict(env),
                        tools=tuple(dict.fromkeys(tools)) if tools is not None else None, url=url,
                        startup_timeout_ms=timeout)


def _string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) and item for item in value)
