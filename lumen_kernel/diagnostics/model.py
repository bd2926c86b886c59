"""The one diagnostic model used by every stage (LANGUAGE.md §7.1, TOOLING.md §2.2)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True, unsafe_hash=True)
class Span:
    """A source range: 1-based line and column (columns count characters), end exclusive.

    Treat spans as immutable values; they are slotted (not frozen) because the lexer creates one per token.
    """

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    @staticmethod
    def point(file: str, line: int, column: int) -> "Span":
        """An empty span (an insertion point)."""
        return Span(file, line, column, line, column)

    def to(self, other: "Span") -> "Span":
        """The span from the start of self to the end of other."""
        return Span(self.file, self.line, self.column, other.end_line, other.end_column)

    def to_json(self) -> dict:
        """The position fields of TOOLING.md §2.2."""
        return {"file": self.file, "line": self.line, "column": self.column,
                "end_line": self.end_line, "end_column": self.end_column}


NO_SPAN = Span("", 0, 0, 0, 0)


@dataclass(frozen=True)
class Edit:
    """Replace the text of `span` with `text` (an empty span inserts)."""

    span: Span
    text: str


@dataclass(frozen=True)
class Fix:
    """A fix-it: a description and the edits that apply it."""

    message: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Label:
    """A secondary location with its text (e.g. `first defined here`)."""

    span: Span
    message: str


@dataclass
class Diagnostic:
    """An error, warning or note with code, message, primary span, labels, notes, helps and fix-its."""

    code: str
    message: str
    span: Span | None
    severity: str = "error"
    labels: list[Label] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    help: list[str] = field(default_factory=list)
    fixes: list[Fix] = field(default_factory=list)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def sort_key(self) -> tuple:
        """Order of reporting: line, then column, then code."""
        if self.span is None:
            return (0, 0, self.code)
        return (self.span.line, self.span.column, self.code)

    def to_json(self) -> dict:
        """The JSON form of TOOLING.md §2.2."""
        position = self.span.to_json() if self.span else {"file": None, "line": None, "column": None,
                                                           "end_line": None, "end_column": None}
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            **position,
            "notes": [{"message": note} for note in self.notes],
            "help": list(self.help),
            "labels": [{"message": label.message, **label.span.to_json()} for label in self.labels],
            "fixes": [{"message": fix.message,
                       "edits": [{**edit.span.to_json(), "text": edit.text} for edit in fix.edits]}
                      for fix in self.fixes],
        }


def error(code: str, message: str, span: Span | None, **extra) -> Diagnostic:
    """Shorthand for an error diagnostic."""
    return Diagnostic(code=code, message=message, span=span, severity="error", **extra)
