"""Hover (TOOLING.md §6.1): markdown signature and documentation of the name under the cursor."""
from __future__ import annotations

from typing import Any, Optional

from lsprotocol import types

from lumen_kernel.analysis.hover import hover_markdown

from .views import lumen_position, view_of


def register(server: Any) -> None:
    """Register the hover handler."""
    state = server.state

    @server.handler(types.TEXT_DOCUMENT_HOVER)
    async def hover(params: types.HoverParams) -> Optional[types.Hover]:
        uri = params.text_document.uri
        analysis = await state.analysis_for(uri)
        line, column = lumen_position(state, uri, params.position)

        def compute() -> Any:
            return hover_markdown(view_of(state, analysis), line, column, state.session.host)

        result = await state.run(compute)
        if result is None:
            return None
        text, span = result
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
                           range=state.positions.range(span, analysis.path))
