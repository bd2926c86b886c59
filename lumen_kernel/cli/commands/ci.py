"""`lumen ci [PATH]` (TOOLING.md §2.5): the quality gate (check, lint, test, doc) over PATH, default `.`.

Stage status lines and the verdict go to stderr, the stages' findings to stdout. The exit code is the OR of the
failed stages' bits (check 1, lint 2, test 4, doc 8), and exactly 16 when PATH holds no source.
"""
from __future__ import annotations

import sys

import click


@click.command(name="ci")
@click.argument("path", default=".", metavar="[PATH]")
def command(path: str) -> int:
    """Run the quality gate: check, lint, test and doc."""
    from lumen_kernel.cli.app import color_enabled
    from lumen_kernel.plugin_host import get_host
    from lumen_kernel.tooling.ci import run_gate

    return run_gate(path, sys.stdout, sys.stderr, host=get_host(), color=color_enabled(sys.stdout))


__all__ = ["command"]
