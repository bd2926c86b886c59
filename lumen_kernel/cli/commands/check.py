"""`lumen check PATH… [--format text|json]` (TOOLING.md §2.2): every static stage, every diagnostic, one run.

Directories are walked for `.lm` / `.lm.md` files (TOOLING.md §0 source discovery). Each file is loaded as the root
of a program (its imports are loaded and checked too) and checked; text diagnostics go to stdout with the summary
line on stderr, or one JSON document goes to stdout. Exit status 1 when any error was reported.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

import click

SKIPPED_DIRECTORIES = frozenset({".lumen", "dist", "node_modules"})
SOURCE_SUFFIXES = (".lm", ".lm.md")


def discover_sources(paths: Iterable[str]) -> list[str]:
    """Source files named by `paths`: files as given; directories walked recursively (TOOLING.md §0).

    Walking skips `.lumen`, `dist`, `node_modules` and names starting with `.`, does not follow directory
    symlinks, and sorts each directory's results by relative `/`-path bytes.
    """
    found: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            found.extend(_walk(path))
        else:
            found.append(path)
    return found


def _walk(root: str) -> list[str]:
    relative: list[str] = []
    for directory, subdirectories, files in os.walk(root, followlinks=False):
        subdirectories[:] = [d for d in subdirectories
                             if d not in SKIPPED_DIRECTORIES and not d.startswith(".")
                             and not os.path.islink(os.path.join(directory, d))]
        for name in files:
            if name.startswith(".") or not name.endswith(SOURCE_SUFFIXES):
                continue
            full = os.path.join(directory, name)
            relative.append(os.path.relpath(full, root).replace(os.sep, "/"))
    relative.sort(key=lambda rel: rel.encode("utf-8"))
    return [os.path.join(root, rel) if root not in (".", "") else rel for rel in relative]


@dataclass
class CheckReport:
    """Diagnostics by file, in report order, and the source lines needed to render them."""

    files: list[tuple[str, list[Any]]] = field(default_factory=list)
    sources: dict[str, list[str]] = field(default_factory=dict)

    @property
    def diagnostics(self) -> list[Any]:
        """Every diagnostic, file by file."""
        return [d for _path, diagnostics in self.files for d in diagnostics]

    @property
    def has_errors(self) -> bool:
        """Whether any file has an error."""
        return any(d.is_error for d in self.diagnostics)


def check_paths(paths: Iterable[str], host: Any = None) -> CheckReport:
    """Load and check every source file under `paths`; each file once, the modules they import included.

    Files are reported in discovery order; an imported module that is not itself among the files is reported
    (when it has diagnostics) right after the first file importing it.
    """
    from lumen_kernel.checker import gc_paused

    with gc_paused():
        return _check_paths(paths, host)


def _check_paths(paths: Iterable[str], host: Any) -> CheckReport:
    from lumen_kernel.checker import check_program
    from lumen_kernel.program import load_program
    from lumen_kernel.program.loader import file_key

    roots = discover_sources(paths)
    root_order = {}
    for position, path in enumerate(roots):
        root_order.setdefault(file_key(path), position)
    entries: dict[str, tuple[float, str, list[Any]]] = {}
    report = CheckReport()
    for position, path in enumerate(roots):
        if file_key(path) in entries:
            continue
        program = load_program(path, host=host)
        result = check_program(program, host=host)
        for module in program.modules:
            report.sources.setdefault(module.path, module.source.lines)
            key = file_key(module.path)
            diagnostics = result.diagnostics.get(module.path, [])
            if key in entries or (key not in root_order and not diagnostics):
                continue
            order = root_order.get(key, position + 0.5)
            entries[key] = (order, module.path, diagnostics)
    for _order, path, diagnostics in sorted(entries.values(), key=lambda entry: entry[0]):
        report.files.append((path, diagnostics))
    return report


@click.command(name="check")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: rendered diagnostics on stdout and a summary on stderr; json: one JSON document.")
def command(paths: tuple[str, ...], output_format: str) -> None:
    """Check files (directories are searched for .lm and .lm.md files) and report every diagnostic."""
    from lumen_kernel.diagnostics.render import (count_severities, render_diagnostics, render_json,
                                                 summary_line)

    host = _host()
    report = check_paths(paths, host=host)
    if output_format == "json":
        click.echo(render_json(report.files))
    else:
        text = render_diagnostics(report.diagnostics, report.sources, color=_color())
        if text:
            click.echo(text, nl=False)
        sys.stdout.flush()
        errors, warnings = count_severities(report.diagnostics)
        click.echo(summary_line(len(report.files), errors, warnings), err=True)
    sys.exit(1 if report.has_errors else 0)


def _host() -> Optional[Any]:
    """The plugin host (plugin builtins, checks and import resolution)."""
    from lumen_kernel.plugin_host import get_host

    return get_host()


def _color() -> bool:
    try:
        from lumen_kernel.cli.app import color_enabled
    except ImportError:  # pragma: no cover - the CLI frame is always present
        return False
    return color_enabled(sys.stdout)


__all__ = ["CheckReport", "check_paths", "command", "discover_sources"]
