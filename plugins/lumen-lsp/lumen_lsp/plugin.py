"""Entry module of lumen-lsp (``lumen.plugins`` entry point): cheap to import, never imports pygls.

It registers ``lumen lsp`` lazily; the server module loads only when the command runs.
"""

from __future__ import annotations

from typing import Any

from lumen_kernel import hookimpl


@hookimpl
def lumen_register_commands(commands: Any) -> None:
    """Add ``lumen lsp`` (target ``lumen_lsp.cli:lsp``)."""
    commands.add("lsp", "lumen_lsp.cli:lsp", short_help="Run the Lumen language server")
