"""Hover text (TOOLING.md §6.1): a markdown code block with the signature of what is under the cursor (cell,
record with its fields, enum with its variants, trait, alias, tool alias with its tool id, local with its type,
builtin), followed by its documentation."""
from __future__ import annotations

from typing import Any, Optional

from ..diagnostics.model import Span
from . import index as ix
from .view import AnalysisView, builtin_signature


def hover_markdown(view: AnalysisView, line: int, column: int, host: Any = None) -> Optional[tuple[str, Span]]:
    """The hover markdown and the span of the name at a 1-based position, or None."""
    occurrence = view.occurrence_at(line, column)
    if occurrence is None:
        return None
    if occurrence.definition is not None:
        definition = occurrence.definition
        text = view.signature(definition)
        if definition.kind in (ix.VARIABLE, ix.PARAMETER) and occurrence.node is not None:
            seen = view.rendered(getattr(occurrence.node, "ty", None))
            if seen and definition.kind == ix.VARIABLE:
                text = f"let {definition.name}: {seen}"
        parts = [_code(text)]
        if definition.kind == ix.TOOL:
            parts.append(f"Tool alias of `{definition.node.tool_id}`.")
        doc = view.documentation(definition)
        if doc:
            parts.append(doc)
        return "\n\n".join(parts), occurrence.span
    if occurrence.builtin is not None:
        if occurrence.builtin in ix.BUILTIN_TYPES:
            return _code(f"type {occurrence.builtin}") + "\n\nBuilt-in type.", occurrence.span
        signature, doc = builtin_signature(occurrence.builtin, host)
        parts = [_code(signature)]
        if doc:
            parts.append(doc)
        return "\n\n".join(parts), occurrence.span
    if occurrence.node is not None:
        seen = view.rendered(getattr(occurrence.node, "ty", None))
        if seen:
            return _code(f"{occurrence.name}: {seen}"), occurrence.span
    return None


def _code(text: str) -> str:
    return f"```lumen\n{text}\n```"
