"""Hierarchical document symbols (TOOLING.md §6.1)."""
from __future__ import annotations

from typing import Any

from lsprotocol import types

from lumen_kernel.analysis.outline import OutlineSymbol, outline

KINDS = {
    "cell": types.SymbolKind.Function, "method": types.SymbolKind.Method, "record": types.SymbolKind.Struct,
    "field": types.SymbolKind.Field, "enum": types.SymbolKind.Enum, "variant": types.SymbolKind.EnumMember,
    "trait": types.SymbolKind.Interface, "impl": types.SymbolKind.Class, "alias": types.SymbolKind.TypeParameter,
    "const": types.SymbolKind.Constant, "tool": types.SymbolKind.Module, "agent": types.SymbolKind.Class,
    "process": types.SymbolKind.Class, "effect": types.SymbolKind.Interface, "handler": types.SymbolKind.Object,
    "state": types.SymbolKind.EnumMember,
}


def register(server: Any) -> None:
    """Register the document symbol handler."""
    state = server.state

    def convert(symbol: OutlineSymbol, path: str, lines: list[str]) -> types.DocumentSymbol:
        full = state.positions.range(symbol.span, path, lines)
        selection = state.positions.range(symbol.selection, path, lines)
        if not _contains(full, selection):
            selection = types.Range(start=full.start, end=full.start)
        return types.DocumentSymbol(
            name=symbol.name, kind=KINDS.get(symbol.kind, types.SymbolKind.Variable), range=full,
            selection_range=selection, detail=symbol.detail or None,
            children=[convert(child, path, lines) for child in symbol.children])

    @server.handler(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def document_symbols(params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        uri = params.text_document.uri
        analysis = await state.analysis_for(uri)
        program_lines = analysis.source.program.split("\n")
        symbols = await state.run(outline, analysis.module.module, program_lines)
        lines = state.lines_of(analysis.path) or program_lines
        return [convert(symbol, analysis.path, lines) for symbol in symbols]


def _contains(outer: types.Range, inner: types.Range) -> bool:
    def key(position: types.Position) -> tuple[int, int]:
        return position.line, position.character

    return key(outer.start) <= key(inner.start) and key(inner.end) <= key(outer.end)
