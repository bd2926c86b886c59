"""Rendering diagnostics: the plain text form of LANGUAGE.md §7.3 and the JSON document of TOOLING.md §2.2.

The text renderer needs the source lines of the files it points into: pass a mapping from path (as given to the
tool, i.e. `Span.file`) to the file's lines (`SourceFile.lines`). Colour only adds ANSI styling around parts of the
plain text, so removing the escapes gives back the plain rendering exactly.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence

from .model import Diagnostic, Span

SourceLines = Mapping[str, Sequence[str]]

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_SEVERITY_COLOURS = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "note": "\x1b[1;36m"}
_GUTTER = "\x1b[1;34m"


class _Style:
    """ANSI styling, or nothing when colour is off."""

    def __init__(self, color: bool, severity: str) -> None:
        self.color = color
        self.severity_code = _SEVERITY_COLOURS.get(severity, _BOLD)

    def _wrap(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self.color and text else text

    def severity(self, text: str) -> str:
        return self._wrap(self.severity_code, text)

    def bold(self, text: str) -> str:
        return self._wrap(_BOLD, text)

    def gutter(self, text: str) -> str:
        return self._wrap(_GUTTER, text)


def render_diagnostic(diagnostic: Diagnostic, sources: SourceLines, color: bool = False) -> str:
    """One diagnostic as text (§7.3), without a trailing line feed."""
    style = _Style(color, diagnostic.severity)
    header = style.severity(f"{diagnostic.severity}[{diagnostic.code}]") + style.bold(f": {diagnostic.message}")
    span = diagnostic.span
    if span is None:
        pad = ""
        lines = [header]
        lines += _trailer(diagnostic, pad, style, with_fixes=False)
        return "\n".join(lines)
    shown = [span] + [label.span for label in diagnostic.labels]
    width = max(len(str(s.line)) for s in shown)
    pad = " " * width
    lines = [header, f"{pad}{style.gutter('-->')} {span.file}:{span.line}:{span.column}"]
    source = sources.get(span.file)
    if source is not None:
        lines.append(f"{pad} {style.gutter('|')}")
        lines += _snippet(span, source, width, style, primary=True, label="")
    for label in diagnostic.labels:
        label_source = sources.get(label.span.file)
        if label_source is not None:
            lines += _snippet(label.span, label_source, width, style, primary=False, label=label.message)
    lines += _trailer(diagnostic, pad, style, with_fixes=True)
    return "\n".join(lines)


def render_diagnostics(diagnostics: Iterable[Diagnostic], sources: SourceLines, color: bool = False) -> str:
    """Several diagnostics separated by one empty line; ends with a line feed (empty text when there are none)."""
    blocks = [render_diagnostic(diagnostic, sources, color) for diagnostic in diagnostics]
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _snippet(span: Span, source: Sequence[str], width: int, style: _Style, primary: bool, label: str) -> list[str]:
    """The numbered source line of `span` and its carets line (followed by the label text, if any)."""
    text = source[span.line - 1] if 0 < span.line <= len(source) else ""
    before = text[:span.column - 1]
    prefix = "".join("\t" if char == "\t" else " " for char in before) + " " * (span.column - 1 - len(before))
    if span.end_line == span.line:
        count = span.end_column - span.column
    else:
        count = len(text) - (span.column - 1)
    carets = "^" * max(1, count)
    pad = " " * width
    caret_text = style.severity(carets) if primary else style.gutter(carets)
    suffix = f" {style.gutter(label)}" if label else ""
    numbered = style.gutter(f"{str(span.line).rjust(width)} |") + (f" {text}" if text else "")
    return [numbered, f"{pad} {style.gutter('|')} {prefix}{caret_text}{suffix}"]


def _trailer(diagnostic: Diagnostic, pad: str, style: _Style, with_fixes: bool) -> list[str]:
    """The `= note:`, `= help:` and `= fix:` lines, in that order."""
    lines = [f"{pad} = {style.bold('note')}: {note}" for note in diagnostic.notes]
    lines += [f"{pad} = {style.bold('help')}: {text}" for text in diagnostic.help]
    if with_fixes:
        lines += [f"{pad} = {style.bold('fix')}: {fix.message}" for fix in diagnostic.fixes]
    return lines


def count_severities(diagnostics: Iterable[Diagnostic]) -> tuple[int, int]:
    """(errors, warnings) among `diagnostics`."""
    errors = warnings = 0
    for diagnostic in diagnostics:
        if diagnostic.severity == "error":
            errors += 1
        elif diagnostic.severity == "warning":
            warnings += 1
    return errors, warnings


def summary_line(files: int, errors: int, warnings: int) -> str:
    """The `lumen check` summary: `checked F file(s): E error(s), W warning(s)` (TOOLING.md §2.2)."""
    return f"checked {files} file(s): {errors} error(s), {warnings} warning(s)"


def json_document(files: Sequence[tuple[str, Sequence[Diagnostic]]]) -> dict:
    """The `lumen check --format json` document (TOOLING.md §2.2) as a dict."""
    errors = warnings = 0
    entries = []
    for path, diagnostics in files:
        file_errors, file_warnings = count_severities(diagnostics)
        errors += file_errors
        warnings += file_warnings
        entries.append({"path": path, "diagnostics": [diagnostic.to_json() for diagnostic in diagnostics]})
    return {"version": 1, "summary": {"files": len(files), "errors": errors, "warnings": warnings},
            "files": entries}


def render_json(files: Sequence[tuple[str, Sequence[Diagnostic]]]) -> str:
    """The JSON document of TOOLING.md §2.2 as one line of text (no trailing line feed)."""
    return json.dumps(json_document(files), ensure_ascii=False)
