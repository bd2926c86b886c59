"""The quality gate behind `lumen ci [PATH]` (TOOLING.md §2.5).

Stages, each setting a bit of the exit code when it fails:

| Stage | Passes when | Bit |
|---|---|---|
| input | PATH exists and holds a source (else nothing else runs and the exit code is exactly 16) | 16 |
| check | no error diagnostic | 1 |
| lint | no error-severity finding after `[lint]` configuration (warnings pass), every file read | 2 |
| test | the tests under PATH (as `lumen test PATH`) have no failure | 4 |
| doc | the §2.8 JSON model is produced for every source | 8 |

Every stage runs even when an earlier one failed. Each prints `ci: <stage> ok|FAILED (<detail>)` on the status
stream; what a stage found (diagnostics, lint findings, the test report, documentation errors) goes to the data
stream. The gate ends with `quality gate passed` or `quality gate failed: <stages> (exit <code>)`.
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any, Callable, TextIO

INPUT_BIT = 16
STAGE_BITS = {"check": 1, "lint": 2, "test": 4, "doc": 8}


@dataclass
class StageResult:
    """The outcome of one stage: its name, whether it passed, the detail shown in its status line, the report of
    what it found (text for the data stream, possibly empty) and warnings for the status stream."""

    name: str
    passed: bool
    detail: str
    report: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def bit(self) -> int:
        """The exit-code bit this stage sets when it fails."""
        return INPUT_BIT if self.name == "input" else STAGE_BITS[self.name]

    def status_line(self) -> str:
        """`ci: <stage> ok|FAILED (<detail>)`."""
        return f"ci: {self.name} {'ok' if self.passed else 'FAILED'} ({self.detail})"


def run_gate(path: str, out: TextIO, err: TextIO, *, host: Any = None, color: bool = False) -> int:
    """Run every stage over `path`, printing reports on `out` and status lines on `err`; return the exit code."""
    from .testing import NoSources, collect_sources

    try:
        files = collect_sources([path])
    except NoSources as error:
        _report(StageResult("input", False, str(error)), out, err)
        err.write(f"quality gate failed: input (exit {INPUT_BIT})\n")
        err.flush()
        return INPUT_BIT
    _report(StageResult("input", True, _count(len(files), "source file")), out, err)
    stages: list[tuple[str, Callable[[str, list[str], Any, bool], StageResult]]] = [
        ("check", check_stage), ("lint", lint_stage), ("test", tests_stage), ("doc", doc_stage)]
    code = 0
    failed: list[str] = []
    for name, stage in stages:
        try:
            result = stage(path, files, host, color)
        except Exception as error:  # noqa: BLE001 - a crashing stage fails alone; the others still run
            result = StageResult(name, False, f"internal error: {type(error).__name__}: {error}")
        _report(result, out, err)
        if not result.passed:
            code |= result.bit
            failed.append(result.name)
    if failed:
        err.write(f"quality gate failed: {', '.join(failed)} (exit {code})\n")
    else:
        err.write("quality gate passed\n")
    err.flush()
    return code


def check_stage(path: str, files: list[str], host: Any, color: bool) -> StageResult:
    """Every static stage over PATH, as `lumen check PATH`; fails on any error diagnostic."""
    from ..cli.commands.check import check_paths
    from ..diagnostics.render import count_severities, render_diagnostics

    report = check_paths([path], host=host)
    errors, warnings = count_severities(report.diagnostics)
    text = render_diagnostics(report.diagnostics, report.sources, color=color)
    detail = f"{_count(len(report.files), 'file')}, {_count(errors, 'error')}, {_count(warnings, 'warning')}"
    return StageResult("check", errors == 0, detail, text)


def lint_stage(path: str, files: list[str], host: Any, color: bool) -> StageResult:
    """The linter over PATH with each project's `[lint]` settings; fails on an error finding or unreadable file."""
    from ..config import ConfigError
    from .lint import LintConfigError, lint_paths
    from .lint.files import render_finding

    try:
        report = lint_paths([path], host=host)
    except (ConfigError, LintConfigError) as error:
        return StageResult("lint", False, str(error))
    lines = [render_finding(file, finding) for file, findings in report.files for finding in findings]
    errors = sum(1 for finding in report.findings if finding.is_error)
    warned = sum(1 for finding in report.findings if finding.severity == "warning")
    detail = f"{_count(errors, 'error')}, {_count(warned, 'warning')}"
    unreadable = report.unreadable
    if unreadable:
        detail += f", {_count(len(unreadable), 'unreadable file')}"
    text = "".join(line + "\n" for line in lines)
    warnings_text = [f"warning: {warning}" for warning in report.warnings]
    return StageResult("lint", errors == 0 and not unreadable, detail, text, warnings_text)


def tests_stage(path: str, files: list[str], host: Any, color: bool) -> StageResult:
    """The tests of PATH, as `lumen test PATH`; fails when a test fails."""
    from ..config import ConfigError
    from .testing import TestRunner, summary_line, write_report

    buffer = io.StringIO()
    try:
        results = write_report(TestRunner(host=host, color=color).run_files(files), buffer)
    except ConfigError as error:
        return StageResult("test", False, str(error), buffer.getvalue())
    passed = sum(1 for result in results if result.passed)
    failed = len(results) - passed
    return StageResult("test", failed == 0, summary_line(passed, failed), buffer.getvalue())


def doc_stage(path: str, files: list[str], host: Any, color: bool) -> StageResult:
    """The §2.8 JSON documentation model of every source; fails for a source it cannot be produced for."""
    from ..diagnostics.render import render_diagnostics
    from . import docs

    failures: list[str] = []
    for file in files:
        try:
            json.dumps(docs.document_path(file), ensure_ascii=False, allow_nan=False)
        except docs.DocError as error:
            sources = _source_lines(file)
            failures.append(f"error: {error}\n" + render_diagnostics(error.diagnostics, sources, color=color))
        except (TypeError, ValueError) as error:   # a model that is not JSON
            failures.append(f"error: {file}: cannot document: {error}\n")
    documented = len(files) - len(failures)
    detail = _count(documented, "module") + " documented"
    if failures:
        detail += f", {len(failures)} failed"
    text = "".join(failure if failure.endswith("\n") else failure + "\n" for failure in failures)
    return StageResult("doc", not failures, detail, text)


def _source_lines(path: str) -> dict[str, list[str]]:
    from ..source.model import read_source

    try:
        return {path: read_source(path).lines}
    except (OSError, UnicodeDecodeError):
        return {}


def _report(result: StageResult, out: TextIO, err: TextIO) -> None:
    """Print a stage's findings (data stream) and then its status line (status stream)."""
    if result.report:
        out.write(result.report if result.report.endswith("\n") else result.report + "\n")
        out.flush()
    for warning in result.warnings:
        err.write(warning + "\n")
    err.write(result.status_line() + "\n")
    err.flush()


def _count(number: int, noun: str) -> str:
    """`1 error`, `2 errors`."""
    return f"{number} {noun}{'' if number == 1 else 's'}"
