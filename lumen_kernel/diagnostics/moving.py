"""Moving diagnostics after an edit that inserted or removed lines: positions at or after a line move by a delta.

Used where a result computed before the edit is kept (the language server's prose-edit reuse, the checker's
reused declaration phases). Texts are left as they are: callers do not move diagnostics whose text names a line.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from .model import Diagnostic, Edit, Fix, Label, Span


def move_span(span: Optional[Span], first_line: int, delta: int) -> Optional[Span]:
    """A span moved by `delta` lines when it starts at or after `first_line` (else the span itself)."""
    if span is None or delta == 0 or span.line < first_line:
        return span
    return Span(span.file, span.line + delta, span.column, span.end_line + delta, span.end_column)


def move_diagnostic(diagnostic: Diagnostic, first_line: int, delta: int) -> Diagnostic:
    """A copy of a diagnostic whose positions at or after `first_line` moved by `delta` lines."""
    if delta == 0:
        return diagnostic
    return replace(
        diagnostic,
        span=move_span(diagnostic.span, first_line, delta),
        labels=[Label(move_span(label.span, first_line, delta), label.message) for label in diagnostic.labels],
        fixes=[Fix(fix.message, tuple(Edit(move_span(edit.span, first_line, delta), edit.text)
                                      for edit in fix.edits)) for fix in diagnostic.fixes])
