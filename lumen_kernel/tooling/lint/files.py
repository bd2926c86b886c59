"""Linting files and directories: source discovery, per-project `[lint]` settings, unreadable files.

Each file is linted with the settings of its own project (the nearest `lumen.toml` above it, TOOLING.md §0). An
unreadable file gives one `E000` error finding `cannot read '<path>': <reason>` without a position.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ...diagnostics.model import Diagnostic
from ...source.model import SourceFile, read_source
from .runner import LintSettings, lint_source, unknown_rules


@dataclass
class LintReport:
    """Findings by file (in discovery order), the source lines to render them, and configuration warnings."""

    files: list[tuple[str, list[Diagnostic]]] = field(default_factory=list)
    sources: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list[Diagnostic]:
        return [finding for _path, findings in self.files for finding in findings]

    @property
    def has_errors(self) -> bool:
        return any(finding.is_error for finding in self.findings)

    @property
    def unreadable(self) -> list[str]:
        """Paths of the files that could not be read."""
        return [path for path, findings in self.files if any(f.code == "E000" for f in findings)]


def lint_paths(paths: Iterable[str], strict: bool = False, host: Any = None) -> LintReport:
    """Lint every source under `paths` (files as given, directories walked); raises `ConfigError` or
    `LintConfigError` for an invalid `lumen.toml`."""
    from ...cli.commands.check import discover_sources
    from ...config import ProjectConfig, find_project_root

    report = LintReport()
    settings_by_root: dict[Path | None, LintSettings] = {}
    for path in discover_sources(paths):
        root = find_project_root(Path(path))
        settings = settings_by_root.get(root)
        if settings is None:
            config = ProjectConfig.load(root / "lumen.toml") if root is not None else None
            settings = LintSettings.from_config(config, strict=strict)
            settings_by_root[root] = settings
            for name in unknown_rules(settings, host):
                report.warnings.append(f"lumen.toml: [lint] names unknown rule '{name}'")
        try:
            source = read_source(path)
        except (OSError, UnicodeDecodeError) as error:
            reason = "invalid UTF-8" if isinstance(error, UnicodeDecodeError) else (error.strerror or str(error))
            finding = Diagnostic(code="E000", message=f"cannot read '{path}': {reason}", span=None)
            report.files.append((path, [finding]))
            continue
        report.sources[path] = source.lines
        report.files.append((path, lint_source(source, settings, host)))
    return report


def render_finding(path: str, finding: Diagnostic) -> str:
    """One text line: `<file>:<line>:<col>: <severity>[<rule>]: <message>` (`<file>: …` without a position)."""
    if finding.span is None:
        return f"{path}: {finding.severity}[{finding.code}]: {finding.message}"
    return f"{path}:{finding.span.line}:{finding.span.column}: {finding.severity}[{finding.code}]: {finding.message}"


def source_of(path: str, text: str) -> SourceFile:
    """A SourceFile for `text` named `path` (for callers linting unsaved text)."""
    from ...source.model import load_source

    return load_source(path, text)
