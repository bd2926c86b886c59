"""Line mapping between the program the REPL generates and the text the user typed or loaded.

Each REPL step is compiled as one generated module: the session's declarations, then a synthetic step cell holding
the entry's statements. `SourceMap` records, for every generated line, which origin (`<repl>`, `<repl:N>`, a loaded
file) and which line of it the text came from, plus the columns shifted by text the REPL inserted, so diagnostics
and stack traces can point at what the user wrote.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

from ...diagnostics.model import Diagnostic, Edit, Fix, Label, Span
from ...runtime.errors import StackFrame

#: Origin label of text the REPL itself generated (step header, prelude, result tuple).
GENERATED = "<repl>"


@dataclass(frozen=True)
class Location:
    """A position in an origin: `label` (what diagnostics show as the file), 1-based `line` and `column`."""

    label: str
    line: int
    column: int


class SourceMap:
    """Generated text built piece by piece, remembering where each line came from."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._origins: list[Optional[tuple[str, int]]] = []
        self._shifts: dict[int, tuple[int, int]] = {}

    @property
    def text(self) -> str:
        """The generated program text."""
        return "\n".join(self.lines) + "\n"

    @property
    def next_line(self) -> int:
        """The generated line number the next added line gets."""
        return len(self.lines) + 1

    def add(self, lines: list[str], label: Optional[str] = None, first_line: int = 1) -> int:
        """Append `lines` (from `label`, starting at its line `first_line`; generated text when `label` is None);
        return the generated number of the first appended line."""
        start = self.next_line
        for offset, line in enumerate(lines):
            self.lines.append(line)
            self._origins.append((label, first_line + offset) if label is not None else None)
        return start

    def insert_text(self, line: int, column: int, text: str) -> None:
        """Insert generated `text` at a generated position (the origin columns after it shift back)."""
        current = self.lines[line - 1]
        self.lines[line - 1] = current[:column - 1] + text + current[column - 1:]
        self._shifts[line] = (column, len(text))

    def locate(self, line: int, column: int = 1) -> Optional[Location]:
        """The origin position of a generated position, or None for generated text."""
        if not 1 <= line <= len(self._origins):
            return None
        origin = self._origins[line - 1]
        if origin is None:
            return None
        shift = self._shifts.get(line)
        if shift is not None:
            start, width = shift
            if column >= start + width:
                column -= width
            elif column >= start:
                column = start
        return Location(origin[0], origin[1], column)

    # -- remapping ---------------------------------------------------------------------------------------------

    def span(self, span: Optional[Span], generated_path: str) -> Optional[Span]:
        """A span of the generated file moved to its origin (None when it points at generated text); spans of
        other files are kept."""
        if span is None or span.file != generated_path:
            return span
        start = self.locate(span.line, span.column)
        if start is None:
            return None
        end = self.locate(span.end_line, span.end_column)
        if end is None or end.label != start.label:
            end = Location(start.label, start.line, start.column)
        return Span(start.label, start.line, start.column, end.line, end.column)

    def diagnostic(self, diagnostic: Diagnostic, generated_path: str) -> Diagnostic:
        """A copy of `diagnostic` whose spans, labels and fix-its point at the origins."""
        labels = []
        for label in diagnostic.labels:
            moved = self.span(label.span, generated_path)
            if moved is not None:
                labels.append(Label(moved, label.message))
        fixes = []
        for fix in diagnostic.fixes:
            edits = [Edit(moved, edit.text) for edit in fix.edits
                     if (moved := self.span(edit.span, generated_path)) is not None]
            if len(edits) == len(fix.edits):
                fixes.append(Fix(fix.message, tuple(edits)))
        return replace(diagnostic, span=self.span(diagnostic.span, generated_path), labels=labels, fixes=fixes)

    def frame(self, frame: StackFrame, generated_path: str, step_cell: str) -> StackFrame:
        """A stack frame of the generated file moved to its origin; the step cell shows as `<repl>`."""
        cell = GENERATED if frame.cell == step_cell else frame.cell
        if frame.file != generated_path:
            return StackFrame(cell, frame.file, frame.line)
        where = self.locate(frame.line)
        if where is None:
            return StackFrame(cell, GENERATED, frame.line)
        return StackFrame(cell, where.label, where.line)
