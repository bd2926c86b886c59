"""`lumen repl` (TOOLING.md §2.9): an interactive session; prompts only when stdin is a terminal; exit 0."""
from __future__ import annotations

import sys

import click


@click.command(name="repl")
def command() -> int:
    """Start an interactive Lumen session."""
    from lumen_kernel.cli.app import color_enabled
    from lumen_kernel.config import ConfigError
    from lumen_kernel.plugin_host import get_host
    from lumen_kernel.tooling.repl import History, history_path, run_repl

    history = History(history_path(), warn=sys.stderr)
    try:
        return run_repl(sys.stdin, sys.stdout, sys.stderr, host=get_host(), history=history,
                        color=color_enabled(sys.stderr))
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


__all__ = ["command"]
