"""Moving parsed text by whole lines: the spans of syntax trees, tokens and diagnostics shifted in place.

When an edit inserts or removes lines, the chunks after it keep their text but start on other lines. Instead of
parsing them again, `IncrementalParser` shifts their cached results: every `Span` of their syntax nodes and tokens
is replaced by one `delta` lines further (node identity is kept, so the cell-body memo and the lint cache still
apply), and their diagnostics and directives are copied with moved positions. Diagnostic texts that name a line
(`opened at line L, col C`) are updated too.
"""
from __future__ import annotations

import re
from dataclasses import fields, replace
from typing import Any, Optional

from ..diagnostics.model import Diagnostic, Edit, Fix, Label, Span
from ..source.model import Directive
from ..syntax import ast
from ..syntax.tokens import Interpolation, RoleText, Token

_LINE_COLUMN = re.compile(r"\bline (\d+), col (\d+)")
_NODE_FIELDS: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _layout(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(span field names, child field names) of a node class."""
    layout = _NODE_FIELDS.get(cls)
    if layout is None:
        spans = tuple(f.name for f in fields(cls) if f.name in ("span", "name_span"))
        children = tuple(f.name for f in fields(cls) if f.compare)
        layout = _NODE_FIELDS[cls] = (spans, children)
    return layout


def shift_span(span: Optional[Span], delta: int) -> Optional[Span]:
    """A span `delta` lines further (spans without a position stay)."""
    if span is None or span.line <= 0:
        return span
    return Span(span.file, span.line + delta, span.column, span.end_line + delta, span.end_column)


def shift_nodes(roots: list, delta: int) -> None:
    """Shift, in place, every span of the syntax nodes under `roots` by `delta` lines."""
    stack = list(roots)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Node):
            span_fields, child_fields = _layout(type(node))
            for name in span_fields:
                span = getattr(node, name)
                if span.line > 0:
                    setattr(node, name, Span(span.file, span.line + delta, span.column, span.end_line + delta,
                                             span.end_column))
            for name in child_fields:
                value = getattr(node, name)
                if isinstance(value, ast.Node):
                    stack.append(value)
                elif isinstance(value, list):
                    stack.extend(item for item in value if isinstance(item, ast.Node))


def shift_tokens(tokens: list, delta: int) -> None:
    """Shift, in place, the spans of tokens (and of the tokens inside interpolations) by `delta` lines."""
    stack = list(tokens)
    while stack:
        token = stack.pop()
        if isinstance(token, Token):
            span = token.span
            token.span = Span(span.file, span.line + delta, span.column, span.end_line + delta, span.end_column)
            value = token.value
            parts = value if isinstance(value, list) else value.parts if isinstance(value, RoleText) else None
            if parts:
                for part in parts:
                    if isinstance(part, Interpolation):
                        part.span = shift_span(part.span, delta)
                        stack.extend(part.tokens)


def shift_text(text: str, delta: int) -> str:
    """A diagnostic text with `line L, col C` moved by `delta` lines."""
    return _LINE_COLUMN.sub(lambda m: f"line {int(m.group(1)) + delta}, col {m.group(2)}", text)


def shift_diagnostic(diagnostic: Diagnostic, delta: int) -> Diagnostic:
    """A copy of a diagnostic moved by `delta` lines (positions and texts naming a line)."""
    return replace(
        diagnostic, message=shift_text(diagnostic.message, delta),
        span=shift_span(diagnostic.span, delta),
        labels=[Label(shift_span(label.span, delta), label.message) for label in diagnostic.labels],
        notes=[shift_text(note, delta) for note in diagnostic.notes],
        help=[shift_text(text, delta) for text in diagnostic.help],
        fixes=[Fix(fix.message, tuple(Edit(shift_span(edit.span, delta), edit.text) for edit in fix.edits))
               for fix in diagnostic.fixes])


def shift_directive(directive: Directive, delta: int) -> Directive:
    """A directive moved by `delta` lines."""
    return replace(directive, line=directive.line + delta)


def shift_effect_source(source: Any, delta: int) -> Any:
    """An effect source tuple `(span, cause, effects, callee key)` moved by `delta` lines."""
    span, cause, effects, callee = source
    return shift_span(span, delta), cause, effects, callee
