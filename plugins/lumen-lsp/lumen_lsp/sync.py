"""Lifecycle and text synchronisation: initialize, didOpen, didChange (incremental), didSave, didClose."""
from __future__ import annotations

from typing import Any

from lsprotocol import types

from lumen_kernel.analysis.documents import uri_to_path
from lumen_kernel.analysis.positions import UTF8, UTF16


def register(server: Any) -> None:
    """Register the lifecycle and synchronisation handlers."""
    state = server.state

    @server.handler(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        encoding = server.workspace.position_encoding
        chosen = UTF8 if encoding == types.PositionEncodingKind.Utf8 else UTF16
        root = None
        if params.workspace_folders:
            root = uri_to_path(params.workspace_folders[0].uri)
        elif params.root_uri:
            root = uri_to_path(params.root_uri)
        elif params.root_path:
            root = params.root_path
        state.configure(chosen, params.initialization_options, _host(server), root)

    @server.handler(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        document = params.text_document
        state.open(document.uri, document.version, document.text)

    @server.handler(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        state.change(params.text_document.uri, params.text_document.version, list(params.content_changes))

    @server.handler(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        # Open documents are analysed from their text, so saving changes nothing for them; documents importing
        # this file are re-checked by their own analyses (they read open documents first).
        return None

    @server.handler(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        state.close(params.text_document.uri)

    @server.handler(types.SHUTDOWN)
    def shutdown(params: Any) -> None:
        state.shutdown()


def _host(server: Any) -> Any:
    """The plugin host (plugin builtins, checks and import resolution); None when it cannot be created."""
    try:
        from lumen_kernel.plugin_host import get_host

        return get_host()
    except Exception as error:  # noqa: BLE001 - the server works without plugins
        server.log(f"lumen-lsp: plugins unavailable: {type(error).__name__}: {error}")
        return None
