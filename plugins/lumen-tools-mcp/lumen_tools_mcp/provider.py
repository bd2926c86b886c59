"""The `mcp.<server>` tool providers (TOOLING.md §5.9).

Each `[providers.mcp.<server>]` table becomes a provider `mcp.<server>` offering the server's tools as
`<server>.<tool>` (effect `mcp`). Its `mcp_url` attribute (the table's `url`) lets the kernel route
`use tool mcp "URL" as A` aliases to it (`ToolTable.lookup_mcp`).

Without a `tools` filter the provider must ask the server for its tools, so the server starts when the run's tool
table is built (the run's first tool call). With a filter the tool ids are known from `lumen.toml`: the server starts
on the first call of one of them, and that call's arguments are checked against the real `inputSchema` then.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable, Mapping

from lumen_kernel.tools.dispatch import prepare_arguments
from lumen_kernel.tools.spec import CallContext, ExecutionFailed, ToolCancelled, ToolSpec
from lumen_tools_mcp import __version__
from lumen_tools_mcp.config import ServerConfig, read_servers
from lumen_tools_mcp.connection import Cancelled, McpError, RpcError
from lumen_tools_mcp.session import McpSession

EFFECTS = ("mcp",)


class McpProvider:
    """Provider `mcp.<server>` for one configured MCP server. `close()` stops the server (run end)."""

    def __init__(self, config: ServerConfig, project_root: Path | None = None,
                 warn: Callable[[str], None] | None = None) -> None:
        self.config = config
        self.name = f"mcp.{config.name}"
        self.version = __version__
        self.mcp_url = config.url
        self.session = McpSession(config, cwd=project_root)
        self._warn = warn or _warn_stderr

    def tools(self) -> list[ToolSpec]:
        """The offered tools: the filter's names as they are (server not started), else the server's listing."""
        if self.config.tools is not None:
            return [self._spec(name, None) for name in self.config.tools]
        try:
            described = self.session.tools()
        except McpError as problem:
            self._warn(f"warning: {self.session.label} cannot list its tools: {problem}")
            return []
        return [self._spec(name, tool) for name, tool in sorted(described.items())]

    def close(self) -> None:
        """Stop the server process (it starts again on a later use)."""
        self.session.close()

    def tool_id(self, tool_name: str) -> str:
        """`<server>.<tool>`."""
        return f"{self.config.name}.{tool_name}"

    def _spec(self, tool_name: str, tool: Mapping[str, Any] | None) -> ToolSpec:
        """The spec of one tool; `tool` is its `tools/list` description, None when not known yet."""
        schema = input_schema_of(tool) if tool is not None else None
        description = str(tool.get("description") or tool.get("title") or "") if tool is not None else ""

        def call(arguments: dict, context: CallContext) -> Any:
            return self._call(tool_name, arguments, context, checked=tool is not None)

        return ToolSpec(id=self.tool_id(tool_name), description=description, input_schema=schema,
                        output_schema=None, effects=EFFECTS, positional=positional_names(schema), call=call)

    def _call(self, tool_name: str, arguments: dict, context: CallContext, *, checked: bool) -> Any:
        """Run `tools/call` and turn its result into the tool's output."""
        tool_id = self.tool_id(tool_name)
        try:
            if not checked:  # offered through the filter: check the arguments against the listed schema now
                tool = self.session.tools(context.cancelled).get(tool_name)
                if tool is None:
                    raise ExecutionFailed(f"{self.session.label} does not offer a tool named '{tool_name}'")
                arguments = prepare_arguments(self._spec(tool_name, tool), arguments)
            result = self.session.call_tool(tool_name, arguments, context.cancelled)
        except Cancelled:
            raise ToolCancelled(context.tool_id) from None
        except RpcError as error:
            raise ExecutionFailed(f"{tool_id}: {error}") from None
        except McpError as error:
            raise ExecutionFailed(str(error)) from None
        return tool_output(tool_id, result)


def tool_output(tool_id: str, result: Any) -> Any:
    """A `tools/call` result as the tool's output: `structuredContent`, else the text `content` items joined by
    newlines. `isError` raises `ExecutionFailed` with the result's text."""
    if not isinstance(result, Mapping):
        raise ExecutionFailed(f"{tool_id}: the server sent an invalid tools/call result")
    text = "\n".join(item["text"] for item in result.get("content") or []
                     if isinstance(item, Mapping) and item.get("type") == "text" and isinstance(item.get("text"), str))
    if result.get("isError") is True:
        raise ExecutionFailed(f"{tool_id}: {text or 'the tool reported an error'}")
    structured = result.get("structuredContent")
    return structured if structured is not None else text


def input_schema_of(tool: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The tool's `inputSchema` (None, accepting anything, when it is missing or not an object)."""
    schema = tool.get("inputSchema")
    return schema if isinstance(schema, Mapping) else None


def positional_names(schema: Mapping[str, Any] | None) -> tuple[str, ...]:
    """Positional argument names: the schema's properties in the order the server listed them."""
    properties = schema.get("properties") if schema is not None else None
    return tuple(properties) if isinstance(properties, Mapping) else ()


def providers_for(config: Any, warn: Callable[[str], None] | None = None) -> list[McpProvider]:
    """One provider per usable `[providers.mcp.<server>]` table of `config` (a `ProjectConfig`); unusable tables
    are reported through `warn` (stderr by default) and skipped."""
    warn = warn or _warn_stderr
    servers, problems = read_servers(getattr(config, "providers", None) or {})
    for problem in problems:
        warn(f"warning: {problem}")
    root = getattr(config, "root", None)
    return [McpProvider(server, Path(root) if root is not None else None, warn) for server in servers]


def _warn_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
