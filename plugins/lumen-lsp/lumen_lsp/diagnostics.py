"""Pull diagnostics (`textDocument/diagnostic`, TOOLING.md §6.1): reports with `resultId` `<uri>@<version>`.

Push diagnostics are published by `state.ServerState` after each analysis.

A document's diagnostics can change without a new version (an imported file changed on disk, see `watching`),
while the spec fixes the result id to the version. So "unchanged" is answered only when the client's id is the
current one *and* the analysis behind it is the one the last full report under that id came from.
"""
from __future__ import annotations

import weakref
from typing import Any

from lsprotocol import types


def result_id(uri: str, version: Any) -> str:
    """The result id of a document version."""
    return f"{uri}@{version}"


def register(server: Any) -> None:
    """Register the pull diagnostics handler."""
    state = server.state
    options = types.DiagnosticOptions(inter_file_dependencies=True, workspace_diagnostics=False,
                                      identifier="lumen")

    reported: dict[str, tuple[str, Any]] = {}     # uri -> (result id, weak ref to the analysis) of the last full report

    @server.handler(types.TEXT_DOCUMENT_DIAGNOSTIC, options)
    async def pull(params: types.DocumentDiagnosticParams) -> Any:
        uri = params.text_document.uri
        analysis = await state.analysis_for(uri, positions=False)
        current = result_id(uri, analysis.version)
        last = reported.get(uri)
        if params.previous_result_id == current and last is not None and last[0] == current \
                and last[1]() is analysis:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=current)
        reported[uri] = (current, weakref.ref(analysis))
        doc_state = state.docs.get(uri)
        if doc_state is None:
            from lumen_kernel.analysis.documents import Document

            document = Document.from_text(uri, 0, analysis.text, state.encoding)
        else:
            document = doc_state.document
        return types.RelatedFullDocumentDiagnosticReport(items=state.lsp_diagnostics(document, analysis),
                                                         result_id=current)
