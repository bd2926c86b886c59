"""Definition, references, prepareRename and rename across the workspace's Lumen files (TOOLING.md §6.1)."""
from __future__ import annotations

from typing import Any, Optional

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams

from lumen_kernel.analysis.documents import path_to_uri
from lumen_kernel.analysis.loader import file_key
from lumen_kernel.analysis.navigation import RenameError, references, rename_edits, rename_target

from .views import lumen_position, view_of

REQUEST_FAILED = -32803


def register(server: Any) -> None:
    """Register the navigation handlers."""
    state = server.state

    def definition_at(analysis: Any, line: int, column: int) -> Any:
        occurrence = view_of(state, analysis).occurrence_at(line, column)
        return occurrence.definition if occurrence is not None else None

    def workspace_views(definition: Any, current: Any) -> list:
        """Views of the current document and of every workspace file whose program holds the definition."""
        views = [view_of(state, current)]
        seen = {file_key(current.path)}
        target = file_key(definition.path)
        for path in state.workspace_files():
            key = file_key(path)
            if key in seen:
                continue
            seen.add(key)
            analysis = state.session.analyse_file(path)
            if any(file_key(module.path) == target for module in analysis.program.modules):
                views.append(view_of(state, analysis))
        return views

    @server.handler(types.TEXT_DOCUMENT_DEFINITION)
    async def definition(params: types.DefinitionParams) -> Optional[types.Location]:
        uri = params.text_document.uri
        analysis = await state.analysis_for(uri)
        line, column = lumen_position(state, uri, params.position)
        found = await state.run(definition_at, analysis, line, column)
        if found is None:
            return None
        return types.Location(uri=path_to_uri(found.path), range=state.positions.range(found.span, found.path))

    @server.handler(types.TEXT_DOCUMENT_REFERENCES)
    async def find_references(params: types.ReferenceParams) -> list[types.Location]:
        uri = params.text_document.uri
        analysis = await state.analysis_for(uri)
        line, column = lumen_position(state, uri, params.position)

        def compute() -> list:
            found = definition_at(analysis, line, column)
            if found is None:
                return []
            return references(found, workspace_views(found, analysis))

        include = params.context.include_declaration if params.context is not None else True
        return [types.Location(uri=path_to_uri(ref.path), range=state.positions.range(ref.span, ref.path))
                for ref in await state.run(compute) if include or not ref.is_definition]

    @server.handler(types.TEXT_DOCUMENT_PREPARE_RENAME)
    async def prepare_rename(params: types.PrepareRenameParams) -> Any:
        uri = params.text_document.uri
        analysis = await state.analysis_for(uri)
        line, column = lumen_position(state, uri, params.position)

        def compute() -> Any:
            return rename_target(view_of(state, analysis), line, column)

        try:
            occurrence, _definition = await state.run(compute)
        except RenameError as error:
            raise JsonRpcException(message=str(error), code=REQUEST_FAILED) from None
        return types.PrepareRenamePlaceholder(range=state.positions.range(occurrence.span, analysis.path),
                                              placeholder=occurrence.name)

    @server.handler(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))
    async def rename(params: types.RenameParams) -> Optional[types.WorkspaceEdit]:
        uri = params.text_document.uri
        analysis = await state.analysis_for(uri)
        line, column = lumen_position(state, uri, params.position)

        def compute() -> dict:
            _occurrence, found = rename_target(view_of(state, analysis), line, column)
            return rename_edits(found, params.new_name, workspace_views(found, analysis), text_of)

        def text_of(path: str, span: Any) -> str:
            lines = state.lines_of(path) or []
            if not 0 < span.line <= len(lines):
                return ""
            return lines[span.line - 1][span.column - 1:span.end_column - 1]

        try:
            edits = await state.run(compute)
        except RenameError as error:
            if error.invalid_name:
                raise JsonRpcInvalidParams(message=str(error)) from None
            raise JsonRpcException(message=str(error), code=REQUEST_FAILED) from None
        changes = {path_to_uri(path): [types.TextEdit(range=state.positions.range(span, path), new_text=text)
                                       for span, text in spans] for path, spans in edits.items()}
        return types.WorkspaceEdit(changes=changes)
