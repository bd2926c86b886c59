"""The tool registry handed to ``lumen_register_tools`` (TOOLING.md §1.3, §5.2).

This module is the collection part: it records which plugin offered which provider object and which provider kind,
creates the providers configured in ``[providers.config.<name>]`` tables, and lists the offered tool specs sorted by
id. Choosing between several providers of one tool id and dispatching calls belong to the dispatcher.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lumen_kernel.plugin_host.recording import PluginRecorder, RegistrationError

if TYPE_CHECKING:
    from lumen_kernel.config import ProjectConfig

#: ``factory(name, settings, config)`` creating a provider for one ``[providers.config.<name>]`` table.
ProviderFactory = Callable[[str, dict, "ProjectConfig"], Any]


@dataclass(frozen=True)
class ProviderEntry:
    """A provider object (TOOLING.md §5.1 ``ToolProvider``) and the plugin that offered it."""

    provider: Any
    plugin: str
    configured_as: str | None = None

    @property
    def name(self) -> str:
        """The provider's name (``"std.fs"``, or the config name such as ``"openai"``)."""
        return str(self.provider.name)


@dataclass(frozen=True)
class KindEntry:
    """A provider kind (``"openai-compatible"``) and the factory its plugin registered."""

    kind: str
    factory: ProviderFactory
    plugin: str


@dataclass(frozen=True)
class OfferedTool:
    """One tool spec as offered by one provider."""

    spec: Any
    provider: str
    provider_version: str
    plugin: str

    @property
    def id(self) -> str:
        """The tool id (``"fs.read"``)."""
        return str(self.spec.id)


class ToolRegistry(PluginRecorder):
    """Collects tool providers and provider kinds for one run."""

    def add_provider(self, provider: Any) -> None:
        """Offer ``provider``, an object with ``name``, ``version`` and ``tools()`` (and optionally ``close()``)."""
        name = getattr(provider, "name", None)
        if not isinstance(name, str) or not name:
            raise RegistrationError(f"tool provider {provider!r} has no name")
        if not isinstance(getattr(provider, "version", None), str):
            raise RegistrationError(f"tool provider '{name}' has no version string")
        if not callable(getattr(provider, "tools", None)):
            raise RegistrationError(f"tool provider '{name}' has no tools() method")
        self._record("tool provider", name, ProviderEntry(provider, self.current_plugin))

    def add_kind(self, kind: str, factory: ProviderFactory) -> None:
        """Let ``[providers.config.<name>]`` tables with ``kind = "<kind>"`` create providers with ``factory``."""
        if not isinstance(kind, str) or not kind:
            raise RegistrationError(f"invalid provider kind {kind!r}")
        if not callable(factory):
            raise RegistrationError(f"factory of provider kind '{kind}' is not callable")
        self._record("provider kind", kind, KindEntry(kind, factory, self.current_plugin))

    def providers(self) -> list[ProviderEntry]:
        """Providers added directly by plugins, sorted by name."""
        return [item.value for item in self.registrations("tool provider")]

    def kinds(self) -> dict[str, KindEntry]:
        """Registered provider kinds by name."""
        return {item.key: item.value for item in self.registrations("provider kind")}

    def configured_providers(self, config: ProjectConfig,
                             warn: Callable[[str], None] | None = None) -> list[ProviderEntry]:
        """Create one provider per ``[providers.config.<name>]`` table that names a registered ``kind``.

        Tables without ``kind`` are settings of a built-in provider and are skipped; an unknown kind is reported
        through ``warn`` (stderr by default). Sorted by configuration name.
        """
        warn = warn or _warn
        tables = config.providers.get("config", {})
        entries: list[ProviderEntry] = []
        if not isinstance(tables, dict):
            return entries
        kinds = self.kinds()
        for name in sorted(tables):
            settings = tables[name]
            if not isinstance(settings, dict) or "kind" not in settings:
                continue
            kind = settings["kind"]
            entry = kinds.get(kind) if isinstance(kind, str) else None
            if entry is None:
                warn(f"[providers.config.{name}]: unknown provider kind '{kind}'")
                continue
            provider = entry.factory(name, dict(settings), config)
            entries.append(ProviderEntry(provider, entry.plugin, configured_as=name))
        return entries

    def offered_tools(self, extra: Iterable[ProviderEntry] = ()) -> list[OfferedTool]:
        """Every tool of the registered providers (plus ``extra`` ones), sorted by id then provider name."""
        offered: list[OfferedTool] = []
        for entry in [*self.providers(), *extra]:
            for spec in entry.provider.tools():
                offered.append(OfferedTool(spec, entry.name, str(entry.provider.version), entry.plugin))
        return sorted(offered, key=lambda tool: (tool.id, tool.provider))

    def tool_ids_by_plugin(self, config: ProjectConfig | None = None) -> dict[str, list[str]]:
        """Tool ids grouped by the plugin that offers them (configured providers included when ``config`` is given)."""
        extra = self.configured_providers(config) if config is not None else []
        grouped: dict[str, set[str]] = {}
        for tool in self.offered_tools(extra):
            grouped.setdefault(tool.plugin, set()).add(tool.id)
        return {plugin: sorted(ids) for plugin, ids in grouped.items()}


def _warn(message: str) -> None:
    """Print a warning on stderr."""
    print(f"warning: {message}", file=sys.stderr)
