"""`lumen lint [PATH…] [--strict] [--format text|json]` (TOOLING.md §2.7): report lint findings.

PATH defaults to `.`. Text: one line per finding on stdout, `<file>:<line>:<col>: <severity>[<rule>]: <message>`,
then `linted F file(s): E error(s), W warning(s)` on stderr. JSON: the document of TOOLING.md §2.2 with `code` set to
the rule id. Exit 1 when any finding is an error (after `[lint]` configuration and `--strict`).
"""
from __future__ import annotations

import os
import sys

import click


@click.command(name="lint")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: one line per finding; json: one JSON document.")
def command(paths: tuple[str, ...], strict: bool, output_format: str) -> int:
    """Report lint findings in Lumen sources (directories are searched for .lm and .lm.md files)."""
    from lumen_kernel.cli.commands.check import discover_sources
    from lumen_kernel.config import ConfigError
    from lumen_kernel.diagnostics.render import count_severities, render_json
    from lumen_kernel.plugin_host import get_host
    from lumen_kernel.tooling.lint import LintConfigError, lint_paths
    from lumen_kernel.tooling.lint.files import render_finding

    targets = list(paths) or ["."]
    for target in targets:
        if not os.path.exists(target):
            click.echo(f"error: {target}: no such file or directory", err=True)
            return 1
    if not discover_sources(targets):
        click.echo(f"error: no .lm or .lm.md files found in {' '.join(targets)}", err=True)
        return 1
    try:
        report = lint_paths(targets, strict=strict, host=get_host())
    except (ConfigError, LintConfigError) as error:
        click.echo(f"error: {error}", err=True)
        return 1
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if output_format == "json":
        click.echo(render_json(report.files))
    else:
        for path, findings in report.files:
            for finding in findings:
                click.echo(render_finding(path, finding))
        errors, warnings = count_severities(report.findings)
        click.echo(f"linted {len(report.files)} file(s): {errors} error(s), {warnings} warning(s)", err=True)
    sys.stdout.flush()
    return 1 if report.has_errors else 0
