"""`lumen fmt [--check] PATH…` / `lumen fmt -` (TOOLING.md §2.6): format `.lm` files and `.lm.md` fences.

Changed files are rewritten (`reformatted <file>` on stderr); `--check` writes nothing and lists `would reformat
<file>` on stdout. A file with syntax errors is left unchanged (`error: <file>: cannot format: N syntax error(s)`),
as is one the formatter could not prove unchanged in meaning (`error: <file>: internal formatter error: …`); both
exit 1. `-` reads stdin (raw `.lm` source) and writes the result to stdout (the input itself when it cannot be
formatted). No PATH is a usage error (exit 2).
"""
from __future__ import annotations

import os
import sys

import click

STDIN_NAME = "<stdin>"


@click.command(name="fmt")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; list the files that would be reformatted and exit 1 if any.")
def command(paths: tuple[str, ...], check_only: bool) -> int:
    """Format Lumen source files in place (`-` formats stdin to stdout)."""
    if "-" in paths:
        if len(paths) > 1:
            raise click.UsageError("'-' cannot be combined with other paths")
        return _format_stdin(check_only)
    from lumen_kernel.cli.commands.check import discover_sources

    failed = False
    would_change = False
    for path in discover_sources(paths):
        outcome = _format_file(path, check_only)
        failed = failed or outcome == "failed"
        would_change = would_change or outcome == "changed"
    if failed or (check_only and would_change):
        return 1
    return 0


def _format_file(path: str, check_only: bool) -> str:
    """Format one file; returns `unchanged`, `changed` or `failed`."""
    from lumen_kernel.tooling.format import CannotFormat, FormatterBug, format_text

    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = "invalid UTF-8" if isinstance(error, UnicodeDecodeError) else (error.strerror or str(error))
        click.echo(f"error: {path}: cannot read: {reason}", err=True)
        return "failed"
    try:
        formatted = format_text(text, path)
    except CannotFormat as error:
        click.echo(f"error: {path}: cannot format: {error.count} syntax error(s)", err=True)
        return "failed"
    except FormatterBug as error:
        click.echo(f"error: {path}: internal formatter error: {error}; file left unchanged", err=True)
        return "failed"
    if formatted == text:
        return "unchanged"
    if check_only:
        click.echo(f"would reformat {path}")
        return "changed"
    try:
        _write(path, formatted)
    except OSError as error:
        click.echo(f"error: {path}: cannot write: {error.strerror or error}", err=True)
        return "failed"
    click.echo(f"reformatted {path}", err=True)
    return "changed"


def _write(path: str, text: str) -> None:
    """Replace the file's contents, keeping its permissions (write to a sibling, then rename)."""
    temporary = f"{path}.lumen-fmt.tmp"
    with open(temporary, "wb") as handle:
        handle.write(text.encode("utf-8"))
    try:
        os.chmod(temporary, os.stat(path).st_mode & 0o7777)
        os.replace(temporary, path)
    except OSError:
        os.unlink(temporary)
        raise


def _format_stdin(check_only: bool) -> int:
    """`lumen fmt -`: stdin (raw source) to stdout."""
    from lumen_kernel.tooling.format import CannotFormat, FormatterBug, format_text

    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        click.echo(f"error: {STDIN_NAME}: cannot read: invalid UTF-8", err=True)
        return 1
    status = 0
    try:
        formatted = format_text(text, "stdin.lm")
    except CannotFormat as error:
        click.echo(f"error: {STDIN_NAME}: cannot format: {error.count} syntax error(s)", err=True)
        formatted, status = text, 1
    except FormatterBug as error:
        click.echo(f"error: {STDIN_NAME}: internal formatter error: {error}; input left unchanged", err=True)
        formatted, status = text, 1
    if check_only:
        if status == 0 and formatted != text:
            click.echo(f"would reformat {STDIN_NAME}")
            return 1
        return status
    click.echo(formatted, nl=False)
    return status
