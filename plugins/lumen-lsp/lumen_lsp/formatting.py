"""Document formatting (TOOLING.md §6.1): one whole-document edit with `lumen fmt`'s output, `[]` when the text is
already formatted or cannot be formatted (syntax errors)."""
from __future__ import annotations

from typing import Any, Optional

from lsprotocol import types

from lumen_kernel.analysis.positions import length_in_units


def formatted_text(text: str, path: str) -> Optional[str]:
    """`lumen fmt`'s output for a document text, or None when it cannot be formatted."""
    from lumen_kernel.tooling.format import CannotFormat, FormatterBug, format_text

    try:
        return format_text(text, path)
    except (CannotFormat, FormatterBug):
        return None


def register(server: Any) -> None:
    """Register the formatting handler."""
    state = server.state

    @server.handler(types.TEXT_DOCUMENT_FORMATTING)
    async def formatting(params: types.DocumentFormattingParams) -> list[types.TextEdit]:
        doc_state = state.docs.get(params.text_document.uri)
        if doc_state is None:
            return []
        document = doc_state.document
        text = document.text
        result = await state.run(formatted_text, text, document.path)
        if result is None or result == text:
            return []
        last = len(document.lines) - 1
        end = types.Position(line=last, character=length_in_units(document.lines[last], state.encoding))
        return [types.TextEdit(range=types.Range(start=types.Position(line=0, character=0), end=end),
                               new_text=result)]
