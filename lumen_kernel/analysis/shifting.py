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


class Positioned:
    """The objects of a parsed chunk that hold a position, in flat lists: syntax nodes with a `span` or a
    `name_span`, and tokens and interpolations (spans without a position left out: they never move).

    A chunk after an edit that inserted or removed lines is moved again on every such edit; walking its trees
    once and then shifting the flat lists costs about half of walking the trees on every move.
    """

    __slots__ = ("spans", "name_spans", "token_spans")

    def __init__(self, roots: list, tokens: list) -> None:
        seen: set[int] = set()
        self.spans: list = []           # syntax nodes
        self.name_spans: list = []
        self.token_spans: list = []     # tokens and interpolations
        stack = list(roots)
        while stack:
            node = stack.pop()
            if not isinstance(node, ast.Node) or id(node) in seen:
                continue
            seen.add(id(node))
            span_fields, child_fields = _layout(type(node))
            for name in span_fields:
                if getattr(node, name).line > 0:
                    (self.spans if name == "span" else self.name_spans).append(node)
            for name in child_fields:
                value = getattr(node, name)
                if isinstance(value, ast.Node):
                    stack.append(value)
                elif isinstance(value, list):
                    stack.extend(item for item in value if isinstance(item, ast.Node))
        pending = list(tokens)
        while pending:
            token = pending.pop()
            if not isinstance(token, Token) or id(token) in seen:
                continue
            seen.add(id(token))
            if token.span.line > 0:
                self.token_spans.append(token)
            value = token.value
            parts = value if isinstance(value, list) else value.parts if isinstance(value, RoleText) else None
            for part in parts or ():
                if isinstance(part, Interpolation) and id(part) not in seen:
                    seen.add(id(part))
                    if part.span is not None and part.span.line > 0:
                        self.token_spans.append(part)
                    pending.extend(part.tokens)

    def shift_nodes(self, delta: int) -> None:
        """Replace every span of the syntax nodes by one `delta` lines further."""
        _shift_holders(self.spans, delta)
        for holder in self.name_spans:
            span = holder.name_span
            holder.name_span = Span(span.file, span.line + delta, span.column, span.end_line + delta,
                                    span.end_column)

    def shift_tokens(self, delta: int) -> None:
        """Replace every span of the tokens (and interpolations) by one `delta` lines further."""
        _shift_holders(self.token_spans, delta)


def _shift_holders(holders: list, delta: int) -> None:
    for holder in holders:
        span = holder.span
        holder.span = Span(span.file, span.line + delta, span.column, span.end_line + delta, span.end_column)


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
