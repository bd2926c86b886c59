"""Semantic token classification (TOOLING.md §6.1) from the lexer's tokens and the name index.

Every token of the program text gets a type from `TOKEN_TYPES` and modifiers from `TOKEN_MODIFIERS`: names by
what they resolve to (a declaration, a local, a builtin), keywords, strings (split around interpolations, whose
names are classified too), numbers, operators, comments and `@` attributes (decorators). Multi-line tokens are
cut into one token per line. In a `.lm.md` file only fence code is in the program text, so only fences get
tokens. Positions are Lumen positions (1-based line, code point column and length).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from ..syntax.tokens import (BYTES, DEDENT, EOF, FLOAT, IDENT, INDENT, INT, KEYWORD, NEWLINE, OP, RAWSTRING, ROLE,
                             SOFT_KEYWORDS, STRING, TOPLEVEL_CONTEXTUAL, Interpolation)
from . import index as ix

TOKEN_TYPES = ["namespace", "type", "struct", "enum", "enumMember", "function", "method", "parameter", "variable",
               "property", "keyword", "string", "number", "operator", "comment", "decorator"]
TOKEN_MODIFIERS = ["declaration", "readonly", "defaultLibrary"]

_BY_KIND = {
    ix.CELL: "function", ix.METHOD: "method", ix.RECORD: "struct", ix.FIELD: "property", ix.ENUM: "enum",
    ix.VARIANT: "enumMember", ix.ALIAS: "type", ix.TRAIT: "type", ix.CONST: "variable", ix.TOOL: "namespace",
    ix.AGENT: "struct", ix.PROCESS: "struct", ix.EFFECT: "namespace", ix.HANDLER: "namespace",
    ix.PARAMETER: "parameter", ix.VARIABLE: "variable", ix.TYPE_PARAMETER: "type", ix.STATE: "enumMember",
}
_CONTEXTUAL = frozenset(SOFT_KEYWORDS | TOPLEVEL_CONTEXTUAL | {
    "to", "stages", "initial", "state", "terminal", "guard", "transition", "on_enter", "on_event", "on_timeout",
    "handle", "approve", "checkpoint", "escalate", "observe", "with_tool", "confirm"})
_PUNCTUATION = frozenset(("(", ")", "[", "]", "{", "}", "?[", ",", ".", ":", ";"))
_LAYOUT = frozenset((NEWLINE, INDENT, DEDENT, EOF))


@dataclass(frozen=True)
class SemanticToken:
    """One classified token on one line."""

    line: int
    column: int
    length: int
    type: str
    modifiers: tuple[str, ...] = ()


def classify(occurrence: ix.Occurrence) -> tuple[str, tuple[str, ...]]:
    """Token type and modifiers of a name occurrence."""
    modifiers: list[str] = []
    if occurrence.is_definition:
        modifiers.append("declaration")
    definition = occurrence.definition
    if definition is not None:
        token_type = _BY_KIND.get(definition.kind, "variable")
        if definition.kind in (ix.CONST, ix.VARIANT):
            modifiers.append("readonly")
        return token_type, tuple(modifiers)
    if occurrence.builtin is not None:
        modifiers.append("defaultLibrary")
        if occurrence.role == "type" or occurrence.builtin in ix.BUILTIN_TYPES:
            return "type", tuple(modifiers)
        if occurrence.builtin in ("ok", "err"):
            return "enumMember", tuple(modifiers)
        return "function", tuple(modifiers)
    if occurrence.role == "type":
        return "type", tuple(modifiers)
    if occurrence.role == "module":
        return "namespace", tuple(modifiers)
    return "variable", tuple(modifiers)


def semantic_tokens(tokens: list, lines: list[str], occurrences: list[ix.Occurrence],
                    first_line: int = 1, last_line: Optional[int] = None) -> list[SemanticToken]:
    """The classified tokens of lines `first_line`..`last_line` (1-based, inclusive), sorted, one per line."""
    from ..tooling.comments import find_comments

    last_line = last_line if last_line is not None else len(lines)
    names = {(o.span.line, o.span.column): o for o in occurrences}
    result: list[SemanticToken] = []

    def emit(line: int, column: int, length: int, token_type: str, modifiers: tuple[str, ...] = ()) -> None:
        if first_line <= line <= last_line and length > 0:
            result.append(SemanticToken(line, column, length, token_type, modifiers))

    def span_lines(span: Any, token_type: str) -> None:
        """Emit a (possibly multi-line) span, one token per line."""
        for line in range(span.line, span.end_line + 1):
            if line > len(lines):
                break
            start = span.column if line == span.line else 1
            end = span.end_column if line == span.end_line else len(lines[line - 1]) + 1
            emit(line, start, end - start, token_type)

    def text_with_parts(span: Any, parts: list) -> None:
        """A string or role token: string pieces around interpolations, whose tokens are classified."""
        cursor = (span.line, span.column)
        for part in parts:
            if isinstance(part, Interpolation):
                inner = part.span
                opening = (inner.line, inner.column - 1)
                if opening > cursor:
                    span_lines(_Span(cursor, opening), "string")
                visit(part.tokens)
                cursor = (inner.end_line, inner.end_column + 1)
        end = (span.end_line, span.end_column)
        if end > cursor:
            span_lines(_Span(cursor, end), "string")

    def visit(token_list: list) -> None:
        previous = None
        for token in token_list:
            kind = token.kind
            if kind in _LAYOUT:
                previous = None
                continue
            span = token.span
            if kind == IDENT or kind == KEYWORD:
                occurrence = names.get((span.line, span.column))
                if occurrence is not None and occurrence.span.end_column == span.end_column:
                    token_type, modifiers = classify(occurrence)
                elif previous is not None and previous.kind == OP and previous.text == "@" and kind == IDENT:
                    token_type, modifiers = "decorator", ()
                elif kind == KEYWORD or token.text in _CONTEXTUAL:
                    token_type, modifiers = "keyword", ()
                else:
                    token_type, modifiers = "variable", ()
                emit(span.line, span.column, span.end_column - span.column, token_type, modifiers)
            elif kind in (INT, FLOAT):
                emit(span.line, span.column, span.end_column - span.column, "number")
            elif kind == STRING or kind == ROLE:
                parts = token.value if kind == STRING else getattr(token.value, "parts", [])
                if any(isinstance(part, Interpolation) for part in parts or []):
                    text_with_parts(span, parts)
                else:
                    span_lines(span, "string")
            elif kind in (RAWSTRING, BYTES):
                span_lines(span, "string")
            elif kind == OP:
                if token.text == "@":
                    emit(span.line, span.column, 1, "decorator")
                elif token.text not in _PUNCTUATION:
                    emit(span.line, span.column, span.end_column - span.column, "operator")
            previous = token

    visit(tokens)
    for comment in find_comments(tokens, lines):
        emit(comment.line, comment.column, len(comment.text), "comment")
    result.sort(key=lambda t: (t.line, t.column))
    cleaned: list[SemanticToken] = []
    for token in result:
        if cleaned and cleaned[-1].line == token.line and cleaned[-1].column + cleaned[-1].length > token.column:
            continue        # never overlap
        cleaned.append(token)
    return cleaned


class _Span:
    """A minimal span between two (line, column) positions."""

    def __init__(self, start: tuple[int, int], end: tuple[int, int]) -> None:
        self.line, self.column = start
        self.end_line, self.end_column = end
