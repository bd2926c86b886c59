"""Context-aware completion (TOOLING.md §6.1), triggered by `.`, `:` and `(` (see
`lumen_kernel.analysis.completion` for the contexts)."""
from __future__ import annotations

from typing import Any

from lsprotocol import types

from lumen_kernel.analysis import completion as kernel
from lumen_kernel.analysis import index as ix

from .views import document_lines, lumen_position, view_of

KINDS = {
    ix.CELL: types.CompletionItemKind.Function, ix.METHOD: types.CompletionItemKind.Method,
    ix.RECORD: types.CompletionItemKind.Struct, ix.FIELD: types.CompletionItemKind.Field,
    ix.ENUM: types.CompletionItemKind.Enum, ix.VARIANT: types.CompletionItemKind.EnumMember,
    ix.ALIAS: types.CompletionItemKind.TypeParameter, ix.TRAIT: types.CompletionItemKind.Interface,
    ix.CONST: types.CompletionItemKind.Constant, ix.TOOL: types.CompletionItemKind.Module,
    ix.AGENT: types.CompletionItemKind.Class, ix.PROCESS: types.CompletionItemKind.Class,
    ix.EFFECT: types.CompletionItemKind.Interface, ix.HANDLER: types.CompletionItemKind.Module,
    ix.PARAMETER: types.CompletionItemKind.Variable, ix.VARIABLE: types.CompletionItemKind.Variable,
    ix.TYPE_PARAMETER: types.CompletionItemKind.TypeParameter, ix.STATE: types.CompletionItemKind.EnumMember,
    "builtin": types.CompletionItemKind.Function, "keyword": types.CompletionItemKind.Keyword,
}


def register(server: Any) -> None:
    """Register the completion handler."""
    state = server.state
    options = types.CompletionOptions(trigger_characters=[".", ":", "("])

    @server.handler(types.TEXT_DOCUMENT_COMPLETION, options)
    async def complete(params: types.CompletionParams) -> types.CompletionList:
        uri = params.text_document.uri
        analysis = await state.analysis_for(uri)
        lines = document_lines(state, uri) or [""]
        line, column = lumen_position(state, uri, params.position)
        if not kernel.in_code(analysis.source, line):
            return types.CompletionList(is_incomplete=False, items=[])     # markdown prose
        context = kernel.completion_context(lines, line, column)
        text = "\n".join(lines)
        last_checked = state.docs[uri].checked if uri in state.docs else None

        def compute() -> list[kernel.Candidate]:
            if context.kind == "member":
                virtual = text
                if not context.prefix:
                    row = lines[line - 1]
                    patched = row[:column - 1] + kernel.MEMBER_PLACEHOLDER + row[column - 1:]
                    virtual = "\n".join(lines[:line - 1] + [patched] + lines[line:])
                typed = state.session.analyse_text(analysis.path, virtual)
                start = column - len(context.prefix)
                return kernel.member_candidates(view_of(state, typed), line, start)
            view = view_of(state, analysis)
            if context.kind == "argument":
                found = kernel.argument_candidates(view, context, state.session.host)
                if not found and last_checked is not None:
                    found = kernel.argument_candidates(view_of(state, last_checked), context)
                return found + kernel.general_candidates(view, line, column, view.builtins)
            if context.kind == "arm":
                found = kernel.arm_candidates(view, context.match_line)
                if not found and last_checked is not None:
                    found = kernel.arm_candidates(view_of(state, last_checked), context.match_line)
                return found
            if context.kind == "import":
                return kernel.import_candidates(view, context.module)
            return kernel.general_candidates(view, line, column, view.builtins)

        candidates = await state.run(compute)
        items = [types.CompletionItem(label=c.label, kind=KINDS.get(c.kind, types.CompletionItemKind.Text),
                                      detail=c.detail or None, insert_text=c.insert_text,
                                      sort_text=f"{c.sort}{c.label}") for c in candidates]
        return types.CompletionList(is_incomplete=False, items=items)
