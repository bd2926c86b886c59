"""Entry module of lumen-tui (``lumen.plugins`` entry point): cheap to import, never imports textual.

It registers ``lumen tui`` lazily and adds the ``lumen_tui_register_panels`` hook for other plugins (TOOLING.md
§1.3, §7.1).
"""

from __future__ import annotations

from typing import Any

import pluggy

from lumen_kernel import hookimpl

hookspec = pluggy.HookspecMarker("lumen")


class TuiHookspecs:
    """Hooks lumen-tui calls on other plugins."""

    @hookspec
    def lumen_tui_register_panels(self, panels: Any) -> None:
        """Add dashboard tabs: ``panels.add(panel_id, title, factory)``; ``factory`` builds the tab's widget."""


@hookimpl
def lumen_add_hookspecs(manager: pluggy.PluginManager) -> None:
    """Make ``lumen_tui_register_panels`` known to the plugin manager."""
    manager.add_hookspecs(TuiHookspecs)


@hookimpl
def lumen_register_commands(commands: Any) -> None:
    """Add ``lumen tui`` (target ``lumen_tui.cli:tui``)."""
    commands.add("tui", "lumen_tui.cli:tui", short_help="Run a program or browse a trace in a terminal dashboard")
