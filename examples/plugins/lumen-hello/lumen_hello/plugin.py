"""Entry module of lumen-hello (the ``lumen.plugins`` entry point). Keep it cheap: no heavy imports here."""

from __future__ import annotations

from typing import Any

from lumen_kernel import hookimpl


@hookimpl
def lumen_register_builtins(builtins: Any) -> None:
    """Add ``greet(name: String) -> String``, callable from Lumen code and checked like core builtins."""
    from lumen_hello.greeting import greet

    builtins.add("greet", greet, params=[("name", "String")], returns="String",
                 doc="A friendly greeting for `name`.")


@hookimpl
def lumen_register_commands(commands: Any) -> None:
    """Add ``lumen hello`` (its module is imported only when the command runs)."""
    commands.add("hello", "lumen_hello.cli:hello", short_help="Print a greeting (example plugin)")
