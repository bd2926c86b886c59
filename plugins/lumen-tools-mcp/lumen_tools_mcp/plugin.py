"""Entry module of lumen-tools-mcp (``lumen.plugins`` entry point): one tool provider ``mcp.<server>`` per
``[providers.mcp.<server>]`` table of ``lumen.toml`` (TOOLING.md §5.9). The provider modules are imported inside the
hook, and only when such a table exists; no server starts before its first use."""

from __future__ import annotations

from typing import Any

from lumen_kernel import hookimpl


@hookimpl
def lumen_register_tools(tools: Any, config: Any) -> None:
    """Offer a provider for each configured MCP server."""
    providers = getattr(config, "providers", None)
    if not isinstance(providers, dict) or "mcp" not in providers:
        return
    from lumen_tools_mcp.provider import providers_for

    for provider in providers_for(config):
        tools.add_provider(provider)
