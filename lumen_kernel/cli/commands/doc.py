"""`lumen doc PATH [--format markdown|json] [-o FILE]` (TOOLING.md §2.8): documentation from Lumen sources.

A file gives its module model (JSON) or chapter (markdown); a directory gives `{"modules": […]}` or the chapters
one after another. Output goes to stdout, or to FILE with `-o` (`wrote FILE` on stderr). A source with syntax
errors (or that cannot be read) prints its diagnostics on stderr, writes nothing and exits 1; another format is a
usage error (exit 2).
"""
from __future__ import annotations

import json
import os

import click


@click.command(name="doc")
@click.argument("path", metavar="PATH")
@click.option("--format", "output_format", type=click.Choice(["markdown", "json"]), default="markdown",
              show_default=True, help="markdown: one chapter per module; json: the documentation model.")
@click.option("-o", "--output", "output_path", metavar="FILE", help="Write to FILE instead of stdout.")
def command(path: str, output_format: str, output_path: str | None) -> int:
    """Generate documentation for a Lumen file or a directory of sources."""
    from lumen_kernel.cli.commands.check import discover_sources
    from lumen_kernel.diagnostics.render import render_diagnostics
    from lumen_kernel.tooling.docs import DocError, document_path, render_markdown

    if not os.path.exists(path):
        click.echo(f"error: {path}: no such file or directory", err=True)
        return 1
    models = []
    failures: list[DocError] = []
    for source_path in discover_sources([path]):
        try:
            models.append(document_path(source_path))
        except DocError as error:
            failures.append(error)
    if failures:
        _report(failures, render_diagnostics)
        return 1
    if output_format == "json":
        document = models[0] if not os.path.isdir(path) else {"modules": models}
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    else:
        text = render_markdown(models)
    if output_path is None:
        click.echo(text, nl=False)
        return 0
    try:
        with open(output_path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as error:
        click.echo(f"error: {output_path}: cannot write: {error.strerror or error}", err=True)
        return 1
    click.echo(f"wrote {output_path}", err=True)
    return 0


def _report(failures: list, render_diagnostics) -> None:
    """Diagnostics of the sources that could not be documented, then one summary line each."""
    from lumen_kernel.source.model import read_source

    for failure in failures:
        try:
            sources = {failure.path: read_source(failure.path).lines}
        except (OSError, UnicodeDecodeError):
            sources = {}
        text = render_diagnostics(failure.diagnostics, sources)
        if text:
            click.echo(text, err=True, nl=False)
        click.echo(f"error: {failure.path}: cannot document: {len(failure.diagnostics)} error(s)", err=True)
