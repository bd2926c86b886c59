"""Shared bookkeeping of the registries handed to registration hooks.

A registry does not decide conflicts while hooks run: every ``add`` is recorded with the plugin that made it, a plugin
that fails is discarded as a whole, and only then are the recordings settled in plugin load order, so "the first
registration wins" never depends on pluggy's call order or on install order (TOOLING.md §1.3).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Registration:
    """One thing a plugin registered: ``what`` (``"command"``, ``"builtin"``...) named ``key``."""

    what: str
    key: str
    plugin: str
    value: Any


class RegistrationError(Exception):
    """A plugin called a registry method with invalid arguments (the plugin then fails to load)."""


def conflict_message(what: str, key: str, plugin: str, owner: str) -> str:
    """The TOOLING.md §1.3 warning for a name registered twice (without the ``warning: `` prefix)."""
    return f"plugin '{plugin}' tried to register {what} '{key}' already registered by '{owner}'; ignored"


class PluginRecorder:
    """Base class of the registries: records additions per plugin and settles conflicts once.

    Subclasses call :meth:`_record` from their public ``add...`` methods. The plugin host wraps each hook call in
    :meth:`recording`, drops failed plugins with :meth:`discard`, then calls :meth:`settle`. Settled registrations
    are available through :meth:`registrations`.
    """

    def __init__(self) -> None:
        self._pending: list[Registration] = []
        self._settled: dict[tuple[str, str], Registration] = {}
        self._plugin: str | None = None
        self._plugin_is_internal = False

    @contextmanager
    def recording(self, plugin: str, *, internal: bool = False) -> Iterator[None]:
        """Attribute every addition made inside the ``with`` block to ``plugin``."""
        previous = self._plugin, self._plugin_is_internal
        self._plugin, self._plugin_is_internal = plugin, internal
        try:
            yield
        finally:
            self._plugin, self._plugin_is_internal = previous

    @property
    def current_plugin(self) -> str:
        """The plugin whose hook is running (``"<unknown>"`` outside a hook call)."""
        return self._plugin or "<unknown>"

    @property
    def current_plugin_is_internal(self) -> bool:
        """Whether the running hook belongs to a ``lumen.core.*`` plugin."""
        return self._plugin_is_internal

    def _record(self, what: str, key: str, value: Any) -> None:
        """Remember that the current plugin registered ``what`` ``key``."""
        self._pending.append(Registration(what, key, self.current_plugin, value))

    def discard(self, plugin: str) -> None:
        """Forget everything ``plugin`` registered, settled or not."""
        self._pending = [item for item in self._pending if item.plugin != plugin]
        self._settled = {key: item for key, item in self._settled.items() if item.plugin != plugin}

    def settle(self, load_rank: Callable[[str], Any]) -> list[str]:
        """Accept pending registrations, earliest-loaded plugin first; return one warning per conflict."""
        warnings: list[str] = []
        ordered = sorted(enumerate(self._pending), key=lambda pair: (load_rank(pair[1].plugin), pair[0]))
        for _, item in ordered:
            slot = (item.what, item.key)
            owner = self._settled.get(slot)
            if owner is None:
                self._settled[slot] = item
            elif owner.plugin == item.plugin:
                warnings.append(f"plugin '{item.plugin}' registered {item.what} '{item.key}' twice; ignored")
            else:
                warnings.append(conflict_message(item.what, item.key, item.plugin, owner.plugin))
        self._pending = []
        return warnings

    def registrations(self, what: str) -> list[Registration]:
        """Settled registrations of one kind, sorted by key."""
        return sorted((item for item in self._settled.values() if item.what == what), key=lambda item: item.key)

    def keys_by_plugin(self, what: str) -> dict[str, list[str]]:
        """Settled keys of one kind grouped by plugin, each list sorted."""
        grouped: dict[str, list[str]] = {}
        for item in self.registrations(what):
            grouped.setdefault(item.plugin, []).append(item.key)
        return grouped
