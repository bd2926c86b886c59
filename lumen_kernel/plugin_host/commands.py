"""The command registry handed to ``lumen_register_commands`` (TOOLING.md §1.3)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lumen_kernel.plugin_host.recording import PluginRecorder, RegistrationError

_COMMAND_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_LAZY_TARGET = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")


@dataclass(frozen=True)
class CommandEntry:
    """A registered command: ``target`` is a ``click.Command`` or a lazy ``"module:attr"`` string."""

    name: str
    target: Any
    short_help: str
    parent: str | None
    plugin: str

    @property
    def path(self) -> str:
        """The command as typed after ``lumen`` (``"pkg serve"`` for a subcommand)."""
        return f"{self.parent} {self.name}" if self.parent else self.name

    @property
    def is_lazy(self) -> bool:
        """Whether the target is a ``"module:attr"`` string imported on first use."""
        return isinstance(self.target, str)


class CommandRegistry(PluginRecorder):
    """Collects the commands plugins add; names are unique per parent."""

    def add(self, name: str, target: Any, *, short_help: str, parent: str | None = None) -> None:
        """Register command ``name`` (under group ``parent`` when given).

        ``target`` is a ``click.Command`` or ``"package.module:attr"``, imported only when the command runs or shows
        its own help. ``short_help`` is the one-line summary ``lumen --help`` prints.
        """
        if not isinstance(name, str) or not _COMMAND_NAME.match(name):
            raise RegistrationError(f"invalid command name {name!r}: use lower-case words joined by '-'")
        if parent is not None and (not isinstance(parent, str) or not all(
                _COMMAND_NAME.match(part) for part in parent.split(" "))):
            raise RegistrationError(f"invalid parent command {parent!r} for command '{name}'")
        if isinstance(target, str):
            if not _LAZY_TARGET.match(target):
                raise RegistrationError(f"invalid target {target!r} for command '{name}': expected 'module:attribute'")
        elif not _is_click_command(target):
            raise RegistrationError(f"target of command '{name}' must be a click command or a 'module:attribute' string")
        if not isinstance(short_help, str) or not short_help.strip():
            raise RegistrationError(f"command '{name}' needs a short_help text")
        entry = CommandEntry(name, target, " ".join(short_help.split()), parent, self.current_plugin)
        self._record("command", entry.path, entry)

    def entries(self) -> list[CommandEntry]:
        """Every registered command and subcommand, sorted by path."""
        return [item.value for item in self.registrations("command")]

    def top_level(self) -> list[CommandEntry]:
        """Commands directly under ``lumen``, sorted by name."""
        return [entry for entry in self.entries() if entry.parent is None]

    def children(self, parent: str) -> list[CommandEntry]:
        """Subcommands registered under the group ``parent`` (a path such as ``"pkg"``), sorted by name."""
        return [entry for entry in self.entries() if entry.parent == parent]

    def get(self, path: str) -> CommandEntry | None:
        """The command registered at ``path`` (``"run"``, ``"pkg serve"``), if any."""
        for entry in self.entries():
            if entry.path == path:
                return entry
        return None

    def paths_by_plugin(self) -> dict[str, list[str]]:
        """Registered command paths grouped by plugin."""
        return self.keys_by_plugin("command")


def _is_click_command(value: Any) -> bool:
    """Whether ``value`` is a ``click.Command`` (checked without importing click when it is not loaded)."""
    import sys

    click = sys.modules.get("click")
    return click is not None and isinstance(value, click.Command)
