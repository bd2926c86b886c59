"""Dashboard tabs from other plugins: the `lumen_tui_register_panels` hook (TOOLING.md §1.3, §7.1).

A plugin implements::

    @hookimpl
    def lumen_tui_register_panels(panels):
        panels.add("my-panel", "My panel", make_panel)

`make_panel()` is called with no arguments when the dashboard opens and returns a Textual widget shown in a tab
titled "My panel", after the built-in tabs, ordered by panel id. The widget may define `apply_events(events)`,
called once per 50 ms batch with the batch's numbered runtime events, and `reset()`, called when a new run starts.
Registration is fail-soft like the kernel's hooks: a plugin that raises is reported and skipped, a panel id added
twice keeps the first plugin's panel with a warning, and a factory or widget that raises is reported and removed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from lumen_kernel.plugin_host.recording import PluginRecorder, RegistrationError

_PANEL_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class PanelSpec:
    """A registered tab: id, title, widget factory and the plugin that added it."""

    panel_id: str
    title: str
    factory: Callable[[], Any]
    plugin: str


class PanelRegistry(PluginRecorder):
    """Collects dashboard tabs; panel ids are unique."""

    def add(self, panel_id: str, title: str, factory: Callable[[], Any]) -> None:
        """Add tab `title` whose widget `factory()` builds; `panel_id` is lowercase letters, digits, `-` and `_`."""
        if not isinstance(panel_id, str) or not _PANEL_ID.match(panel_id):
            raise RegistrationError(f"invalid panel id {panel_id!r}")
        if not isinstance(title, str) or not title.strip():
            raise RegistrationError(f"panel '{panel_id}': title must be a non-empty string")
        if not callable(factory):
            raise RegistrationError(f"panel '{panel_id}': factory is not callable")
        self._record("panel", panel_id, PanelSpec(panel_id, title.strip(), factory, self.current_plugin))

    def entries(self) -> list[PanelSpec]:
        """Registered panels sorted by id."""
        return [item.value for item in self.registrations("panel")]


def registered_panels(host: Any) -> list[PanelSpec]:
    """Ask every loaded plugin for panels (none without a host or when no plugin implements the hook)."""
    registry = PanelRegistry()
    if host is None:
        return []
    collect = getattr(host, "collect", None)
    if collect is None:
        return []
    collect("lumen_tui_register_panels", registry, panels=registry)
    return registry.entries()
