"""Internal plugin ``lumen.core.commands``: the kernel's commands (TOOLING.md §2).

Each command lives in ``lumen_kernel/cli/commands/<name>.py`` as a click object named ``command`` and is registered
lazily, so ``lumen --help`` imports none of them.
"""

from __future__ import annotations

from typing import Any

from lumen_kernel import hookimpl

#: (name, short help) of every kernel command.
KERNEL_COMMANDS = (
    ("check", "Check files and report every diagnostic"),
    ("ci", "Run the quality gate: check, lint, test and doc"),
    ("doc", "Generate documentation from Lumen sources"),
    ("fmt", "Format Lumen source files"),
    ("lint", "Report lint findings in Lumen sources"),
    ("plugins", "List installed plugins"),
    ("repl", "Start an interactive Lumen session"),
    ("run", "Run a Lumen program"),
    ("test", "Run the test cells of Lumen files"),
    ("trace", "Show, verify and replay execution traces"),
)


@hookimpl
def lumen_register_commands(commands: Any) -> None:
    """Register every kernel command with a lazy ``lumen_kernel.cli.commands.<name>:command`` target."""
    for name, short_help in KERNEL_COMMANDS:
        commands.add(name, f"lumen_kernel.cli.commands.{name}:command", short_help=short_help)
