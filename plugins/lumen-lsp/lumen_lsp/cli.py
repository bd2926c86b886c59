"""`lumen lsp [--tcp HOST:PORT]`: run the Lumen language server (TOOLING.md §6)."""
from __future__ import annotations

import logging
import os
import re
from typing import Optional

import click

_ADDRESS = re.compile(r"^(?:\[?[^\s\[\]]*\]?):\d{1,5}$")


@click.command(name="lsp")
@click.option("--tcp", metavar="HOST:PORT", default=None,
              help="Serve one client over TCP on HOST:PORT instead of stdio.")
def lsp(tcp: Optional[str]) -> None:
    """Run the Lumen language server on stdio (for .lm and .lm.md documents)."""
    if tcp is not None and not _ADDRESS.match(tcp):
        raise click.BadParameter(f"expected HOST:PORT, got '{tcp}'", param_hint="'--tcp'")
    if os.environ.get("LUMEN_DEBUG") != "1":
        logging.getLogger("pygls").setLevel(logging.CRITICAL)
    from .server import serve

    serve(tcp)
