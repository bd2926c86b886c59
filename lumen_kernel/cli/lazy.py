"""Commands whose click object is imported only when they run or show their own help (TOOLING.md §1.3).

``lumen --help`` lists registered commands with the short help given at registration, so it imports no command
module. A target that cannot be imported fails only when its command is used, with the §1.4 message.
"""

from __future__ import annotations

import copy
import importlib
from collections.abc import Callable
from typing import Any

import click

from lumen_kernel.plugin_host.commands import CommandEntry
from lumen_kernel.plugin_host.recording import conflict_message

#: Gives the registered subcommands of a command path (``"pkg"``), sorted by name.
ChildrenOf = Callable[[str], list[CommandEntry]]


class CommandLoadError(click.ClickException):
    """A lazy command target could not be imported (exit 1)."""

    exit_code = 1

    def __init__(self, entry: CommandEntry, error: BaseException) -> None:
        detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        super().__init__(f"command '{entry.path}' of plugin '{entry.plugin}' could not be loaded: {detail}")


class LazyCommand(click.Command):
    """A registered command standing in for its target until the target is needed."""

    def __init__(self, entry: CommandEntry, children_of: ChildrenOf, warn: Callable[[str], None]) -> None:
        super().__init__(name=entry.name, help=entry.short_help, short_help=entry.short_help)
        self.entry = entry
        self._children_of = children_of
        self._warn = warn
        self._target: click.Command | None = None

    def load(self) -> click.Command:
        """The real click command (imported on first call), with registered subcommands attached to groups."""
        if self._target is None:
            self._target = self._attach_children(import_target(self.entry))
        return self._target

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        """Parse arguments with the real command (so its options and ``--help`` apply)."""
        return self.load().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the real command."""
        return self.load().invoke(ctx)

    def _attach_children(self, command: click.Command) -> click.Command:
        """Add subcommands other plugins registered under this command (``parent=...``) to a copy of the group."""
        children = self._children_of(self.entry.path)
        if not children:
            return command
        if not isinstance(command, click.Group):
            for child in children:
                self._warn(f"plugin '{child.plugin}' registered command '{child.path}' but '{self.entry.path}' "
                           "is not a command group; ignored")
            return command
        group = copy.copy(command)
        group.commands = dict(command.commands)
        for child in children:
            if child.name in group.commands:
                self._warn(conflict_message("command", child.path, child.plugin, self.entry.plugin))
                continue
            group.add_command(LazyCommand(child, self._children_of, self._warn), child.name)
        return group


def import_target(entry: CommandEntry) -> click.Command:
    """Import a registered command's target; raises :class:`CommandLoadError` when that fails."""
    target = entry.target
    if isinstance(target, str):
        module_name, _, attribute = target.partition(":")
        try:
            value: Any = importlib.import_module(module_name)
            for part in attribute.split("."):
                value = getattr(value, part)
        except Exception as error:  # any import problem is reported as a load failure of this command only
            raise CommandLoadError(entry, error) from error
        target = value
    if not isinstance(target, click.Command):
        raise CommandLoadError(entry, TypeError(f"'{entry.target}' is not a click command"))
    return target
