"""The run's tool table: which provider serves each tool id (TOOLING.md §5.2).

Per run the kernel collects providers from `lumen_register_tools`, instantiates the configured ones
(`[providers.config.<name>]` tables with a `kind`), and resolves each tool id: one provider offering it serves it;
when several do, the `[providers]` choice (`"llm.chat" = "openai"`) picks one, otherwise calling it fails.

Settings. A provider's settings (`CallContext.settings`) are its `[providers.config.<name>]` table. For providers
named `<plugin>.<short>` (such as `std.fs`) a table under the short name (`[providers.config.fs]`) is used when no
table has the full name; a table with a `kind` always belongs to the configured provider of that name.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from lumen_kernel.tools.spec import ExecutionFailed, ProviderNotRegistered, ToolSpec

#: Providers named `mcp.<server>` with an `mcp_url` attribute serve `use tool mcp "URL"` aliases (TOOLING.md §5.9).
MCP_PROVIDER_PREFIX = "mcp."


@dataclass(frozen=True)
class ToolBinding:
    """A resolved tool: its spec, the provider object serving it, and that provider's settings."""

    spec: ToolSpec
    provider: Any
    settings: Mapping[str, Any] = field(default_factory=dict)

    @property
    def provider_name(self) -> str:
        return str(getattr(self.provider, "name", type(self.provider).__name__))

    @property
    def provider_version(self) -> str:
        return str(getattr(self.provider, "version", ""))


class ToolTable:
    """Tool id -> binding for one run, with ambiguities resolved by `[providers]` choices."""

    def __init__(self, providers: Iterable[tuple[Any, Mapping[str, Any]]] = (),
                 choices: Mapping[str, str] | None = None) -> None:
        self.providers: list[Any] = []
        self._offers: dict[str, list[ToolBinding]] = {}
        self._choices = dict(choices or {})
        for provider, settings in providers:
            self.add(provider, settings)

    def add(self, provider: Any, settings: Mapping[str, Any] | None = None) -> None:
        """Add a provider and every tool it offers."""
        self.providers.append(provider)
        for spec in provider.tools():
            self._offers.setdefault(spec.id, []).append(ToolBinding(spec, provider, dict(settings or {})))

    def lookup(self, tool_id: str) -> ToolBinding:
        """The binding serving `tool_id`; raises `ProviderNotRegistered`, or `ExecutionFailed` for an unresolved
        or impossible choice between providers."""
        offers = self._offers.get(tool_id)
        if not offers:
            if tool_id == "mcp":
                raise ProviderNotRegistered(tool_id, "no provider for tool 'mcp'")
            raise ProviderNotRegistered(tool_id)
        chosen = self._choices.get(tool_id)
        if chosen is not None:
            for binding in offers:
                if binding.provider_name == chosen:
                    return binding
            raise ExecutionFailed(f"lumen.toml [providers] chooses '{chosen}' for tool '{tool_id}', but it is "
                                  f"offered only by {_names(offers)}")
        if len(offers) == 1:
            return offers[0]
        raise ExecutionFailed(f"tool '{tool_id}' is offered by providers {_names(offers)}; choose one in lumen.toml "
                              f"[providers]")

    def lookup_mcp(self, url: str, tool: str) -> ToolBinding:
        """The binding serving `use tool mcp "URL" as A` (TOOLING.md §5.9): tool `<server>.<tool>` of a provider
        named `mcp.<server>` whose `mcp_url` attribute equals `url` (servers tried by name). Without such a
        provider: `no provider for tool 'mcp'`; if none of them offers the tool: `provider not registered`."""
        servers = sorted((provider for provider in self.providers
                          if getattr(provider, "mcp_url", None) == url
                          and str(getattr(provider, "name", "")).startswith(MCP_PROVIDER_PREFIX)),
                         key=lambda provider: str(provider.name))
        if not servers:
            raise ProviderNotRegistered("mcp", "no provider for tool 'mcp'")
        tool_ids = [f"{str(provider.name)[len(MCP_PROVIDER_PREFIX):]}.{tool}" for provider in servers]
        for provider, tool_id in zip(servers, tool_ids):
            for binding in self._offers.get(tool_id, ()):
                if binding.provider is provider:
                    return binding
        raise ProviderNotRegistered(tool_ids[0])

    def specs(self) -> list[ToolSpec]:
        """Every offered spec, sorted by tool id (then provider name)."""
        bindings = [binding for offers in self._offers.values() for binding in offers]
        bindings.sort(key=lambda b: (b.spec.id, b.provider_name))
        return [binding.spec for binding in bindings]

    def tool_ids(self) -> list[str]:
        """The offered tool ids, sorted."""
        return sorted(self._offers)

    def close(self, warn: Callable[[str], None] | None = None) -> None:
        """Call every provider's optional `close()` once; failures only warn."""
        for provider in self.providers:
            close = getattr(provider, "close", None)
            if close is None:
                continue
            try:
                close()
            except Exception as exc:  # noqa: BLE001 - closing must not break the run's end
                (warn or _warn_stderr)(f"warning: provider '{getattr(provider, 'name', '?')}' failed to close: "
                                       f"{type(exc).__name__}: {exc}")


def build_tool_table(registry: Any, config: Any, *, warn: Callable[[str], None] | None = None) -> ToolTable:
    """Resolve one run's providers from a filled `ToolRegistry`: the providers plugins added, plus one provider per
    `[providers.config.<name>]` table with a registered `kind`. Unknown kinds, and factories that raise, only warn.
    `config` is the run's `ProjectConfig`; its `[providers]` string entries choose between providers."""
    warn = warn or _warn_stderr
    providers_config = config.providers if config is not None else {}
    config_tables = providers_config.get("config")
    config_tables = config_tables if isinstance(config_tables, Mapping) else {}
    choices = {key: value for key, value in providers_config.items() if isinstance(value, str)}
    table = ToolTable(choices=choices)
    for entry in registry.providers():
        table.add(entry.provider, settings_for(entry.name, config_tables))
    kinds = registry.kinds()
    for name in sorted(config_tables):
        settings = config_tables[name]
        if not isinstance(settings, Mapping) or "kind" not in settings:
            continue
        kind = settings["kind"]
        entry = kinds.get(kind) if isinstance(kind, str) else None
        if entry is None:
            warn(f"warning: [providers.config.{name}]: unknown provider kind '{kind}'")
            continue
        try:
            table.add(entry.factory(name, dict(settings), config), dict(settings))
        except Exception as exc:  # noqa: BLE001 - one broken table must not take the other tools down
            warn(f"warning: [providers.config.{name}]: provider of kind '{kind}' could not be created: "
                 f"{type(exc).__name__}: {exc}")
    return table


def tool_table_for_run(config: Any, *, host: Any = None, warn: Callable[[str], None] | None = None) -> ToolTable:
    """Call `lumen_register_tools` through the plugin host (the process-wide one by default) and resolve the run's
    tool table for the project of `config`."""
    if host is None:
        from lumen_kernel.plugin_host import get_host

        host = get_host()
    return build_tool_table(host.tool_registry(config), config, warn=warn)


def mcp_tool_name(alias: str, policy: Mapping[str, Any]) -> str:
    """The MCP tool a `use tool mcp "URL" as A` alias calls: its grant's `tool` key, else the alias lower-cased."""
    tool = policy.get("tool")
    return tool if isinstance(tool, str) and tool else alias.lower()


def settings_for(provider_name: str, config_tables: Mapping[str, Any]) -> dict:
    """The settings table of a plugin provider: `[providers.config.<name>]`, else the table of its short name
    (`fs` for `std.fs`) unless that table configures a provider of its own (has a `kind`)."""
    for key in (provider_name, provider_name.rsplit(".", 1)[-1]):
        table = config_tables.get(key)
        if isinstance(table, Mapping) and (key == provider_name or "kind" not in table):
            return dict(table)
    return {}


def _names(offers: list[ToolBinding]) -> str:
    names = sorted({f"'{binding.provider_name}'" for binding in offers})
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _warn_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)

