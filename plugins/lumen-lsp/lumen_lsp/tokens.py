"""Semantic tokens, `full` and `range` (TOOLING.md §6.1), encoded relative to the previous token in the session's
position encoding."""
from __future__ import annotations

from typing import Any, Optional

from lsprotocol import types

from lumen_kernel.analysis.positions import index_to_units
from lumen_kernel.analysis.semantic import TOKEN_MODIFIERS, TOKEN_TYPES, SemanticToken, semantic_tokens

from .views import view_of

LEGEND = types.SemanticTokensLegend(token_types=TOKEN_TYPES, token_modifiers=TOKEN_MODIFIERS)


def encode(tokens: list[SemanticToken], lines: list[str], encoding: str) -> list[int]:
    """The LSP integer encoding of sorted single-line tokens."""
    data: list[int] = []
    previous_line = 0
    previous_start = 0
    for token in tokens:
        row = token.line - 1
        text = lines[row] if row < len(lines) else ""
        start = index_to_units(text, token.column - 1, encoding)
        end = index_to_units(text, token.column - 1 + token.length, encoding)
        if end <= start:
            continue
        delta_line = row - previous_line
        delta_start = start - previous_start if delta_line == 0 else start
        modifiers = 0
        for name in token.modifiers:
            modifiers |= 1 << TOKEN_MODIFIERS.index(name)
        data += [delta_line, delta_start, end - start, TOKEN_TYPES.index(token.type), modifiers]
        previous_line, previous_start = row, start
    return data


def register(server: Any) -> None:
    """Register the semantic token handlers."""
    state = server.state
    options = LEGEND   # pygls advertises `full` and `range` from the registered handlers

    async def tokens_of(uri: str, first: int = 1, last: Optional[int] = None) -> types.SemanticTokens:
        analysis = await state.analysis_for(uri)

        def compute() -> list[SemanticToken]:
            view = view_of(state, analysis)
            module = view.module
            occurrences = module.occurrences if module is not None else []
            return semantic_tokens(analysis.tokens, view.lines, occurrences, first, last)

        found = await state.run(compute)
        lines = state.lines_of(analysis.path) or analysis.source.program.split("\n")
        return types.SemanticTokens(data=encode(found, lines, state.encoding))

    @server.handler(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, options)
    async def full(params: types.SemanticTokensParams) -> types.SemanticTokens:
        return await tokens_of(params.text_document.uri)

    @server.handler(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE)
    async def ranged(params: types.SemanticTokensRangeParams) -> types.SemanticTokens:
        return await tokens_of(params.text_document.uri, params.range.start.line + 1, params.range.end.line + 1)
