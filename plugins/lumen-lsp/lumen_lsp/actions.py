"""Code actions (TOOLING.md §6.1): one `quickfix` per fix-it of each diagnostic in the request's context,
`isPreferred` when the diagnostic has only one. Fix-its travel in each published diagnostic's `data`; a
diagnostic without it is matched against the current analysis by code and range."""
from __future__ import annotations

from typing import Any

from lsprotocol import types


def _edits(fix: dict) -> list[types.TextEdit]:
    edits = []
    for edit in fix.get("edits", []):
        start, end = edit["range"]["start"], edit["range"]["end"]
        edits.append(types.TextEdit(
            range=types.Range(start=types.Position(line=start["line"], character=start["character"]),
                              end=types.Position(line=end["line"], character=end["character"])),
            new_text=edit["newText"]))
    return edits


def register(server: Any) -> None:
    """Register the code action handler."""
    state = server.state
    options = types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix])

    @server.handler(types.TEXT_DOCUMENT_CODE_ACTION, options)
    async def code_actions(params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        actions: list[types.CodeAction] = []
        current = None
        for diagnostic in params.context.diagnostics:
            data = diagnostic.data if isinstance(diagnostic.data, dict) else None
            fixes = data.get("fixes") if data else None
            if fixes is None:
                if current is None:
                    analysis = await state.analysis_for(uri)
                    doc_state = state.docs.get(uri)
                    current = state.lsp_diagnostics(doc_state.document, analysis) if doc_state else []
                fixes = _matching_fixes(diagnostic, current)
            for fix in fixes:
                actions.append(types.CodeAction(
                    title=fix["title"], kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                    is_preferred=len(fixes) == 1,
                    edit=types.WorkspaceEdit(changes={uri: _edits(fix)})))
        return actions


def _matching_fixes(diagnostic: types.Diagnostic, current: list[types.Diagnostic]) -> list[dict]:
    """The fixes of the current diagnostic with the same code, message and range."""
    for candidate in current:
        if (candidate.code == diagnostic.code and candidate.range == diagnostic.range
                and candidate.message == diagnostic.message):
            data = candidate.data if isinstance(candidate.data, dict) else {}
            return list(data.get("fixes", []))
    return []
