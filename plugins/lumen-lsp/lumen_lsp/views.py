"""Shared helpers of the feature handlers: analysis views and position conversion for one request."""
from __future__ import annotations

from typing import Any, Optional

from lsprotocol import types

from lumen_kernel.analysis.documents import uri_to_path
from lumen_kernel.analysis.view import AnalysisView, builtin_names


def view_of(state: Any, analysis: Any) -> AnalysisView:
    """The (cached) view of an analysis; call on the analysis thread."""
    view = analysis.extras.get("view")
    if view is None:
        if state.builtins is None:
            state.builtins = builtin_names(state.session.host)
        view = analysis.extras["view"] = AnalysisView(analysis, state.builtins)
    return view


def document_lines(state: Any, uri: str) -> Optional[list[str]]:
    """The current lines of a document (open, else on disk)."""
    doc_state = state.docs.get(uri)
    if doc_state is not None:
        return doc_state.document.lines
    return state.lines_of(uri_to_path(uri))


def lumen_position(state: Any, uri: str, position: types.Position) -> tuple[int, int]:
    """A Lumen (line, column) for an LSP position in a document."""
    lines = document_lines(state, uri) or [""]
    return state.positions.lumen_position(lines, position)
