"""Conversions between Lumen positions (1-based lines, code point columns) and LSP positions and ranges.

Positions in any file of the session go through `Positions`, which knows each file's current lines (the open
document's text, else the file on disk) and the negotiated position encoding.
"""
from __future__ import annotations

from typing import Callable, Optional

from lsprotocol import types

from lumen_kernel.analysis.documents import path_to_uri, split_lines
from lumen_kernel.analysis.positions import index_to_units, units_to_index
from lumen_kernel.diagnostics.model import Diagnostic, Span

SEVERITIES = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "note": types.DiagnosticSeverity.Information,
}


class Positions:
    """Span and position conversions for the files of a session.

    `lines_of(path)` returns a file's current lines (open document first, else the disk; None when unreadable).
    """

    def __init__(self, encoding: str, lines_of: Callable[[str], Optional[list[str]]]) -> None:
        self.encoding = encoding
        self.lines_of = lines_of

    def _units(self, lines: Optional[list[str]], line: int, column: int) -> types.Position:
        """An LSP position from a 1-based line and column (clamped into the file)."""
        row = max(line - 1, 0)
        index = max(column - 1, 0)
        if lines is None:
            return types.Position(line=row, character=index)
        if row >= len(lines):
            row = len(lines) - 1
            index = len(lines[row])
        return types.Position(line=row, character=index_to_units(lines[row], index, self.encoding))

    def range(self, span: Optional[Span], path: Optional[str] = None, lines: Optional[list[str]] = None
              ) -> types.Range:
        """The LSP range of a span (of the file `span.file`, or `path` when given)."""
        if span is None or span.line <= 0:
            zero = types.Position(line=0, character=0)
            return types.Range(start=zero, end=zero)
        if lines is None:
            lines = self.lines_of(path or span.file)
        return types.Range(start=self._units(lines, span.line, span.column),
                           end=self._units(lines, span.end_line, span.end_column))

    def location(self, span: Span) -> types.Location:
        """The LSP location of a span."""
        return types.Location(uri=path_to_uri(span.file), range=self.range(span))

    def lumen_position(self, lines: list[str], position: types.Position) -> tuple[int, int]:
        """A Lumen (line, column) for an LSP position in a file with `lines`."""
        row = min(max(position.line, 0), len(lines) - 1)
        return row + 1, units_to_index(lines[row], position.character, self.encoding) + 1


def text_lines(text: str) -> list[str]:
    """Lines of a text as documents split them."""
    return split_lines(text)


def to_lsp_diagnostic(diagnostic: Diagnostic, source: str, positions: Positions, path: str,
                      lines: list[str]) -> types.Diagnostic:
    """An LSP diagnostic from a Lumen diagnostic of the document `path` (with its current `lines`).

    Notes, secondary labels and helps become `relatedInformation`; fix-its travel in `data` (for code actions).
    """
    own = positions.range(diagnostic.span, path, lines)
    uri = path_to_uri(path)
    related = []
    for label in diagnostic.labels:
        label_lines = lines if label.span.file in ("", path) else None
        related.append(types.DiagnosticRelatedInformation(
            location=types.Location(uri=path_to_uri(label.span.file or path),
                                    range=positions.range(label.span, label.span.file or path, label_lines)),
            message=label.message))
    for note in diagnostic.notes:
        related.append(types.DiagnosticRelatedInformation(location=types.Location(uri=uri, range=own),
                                                          message=note))
    for help_text in diagnostic.help:
        related.append(types.DiagnosticRelatedInformation(location=types.Location(uri=uri, range=own),
                                                          message=f"help: {help_text}"))
    fixes = [{"title": fix.message,
              "edits": [{"range": _range_json(positions.range(edit.span, path, lines)), "newText": edit.text}
                        for edit in fix.edits if edit.span.file in ("", path)]}
             for fix in diagnostic.fixes]
    return types.Diagnostic(
        range=own, message=diagnostic.message, severity=SEVERITIES.get(diagnostic.severity,
                                                                       types.DiagnosticSeverity.Error),
        code=diagnostic.code, source=source, related_information=related or None,
        data={"fixes": fixes} if fixes else None)


def _range_json(value: types.Range) -> dict:
    return {"start": {"line": value.start.line, "character": value.start.character},
            "end": {"line": value.end.line, "character": value.end.character}}
