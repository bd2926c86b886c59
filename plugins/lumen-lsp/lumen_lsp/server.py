"""The Lumen language server: a pygls 2 `LanguageServer` named `lumen-lsp` (TOOLING.md §6).

`create_server()` builds the server and registers every feature module (`sync`, `diagnostics`, `hover`,
`completion`, `navigation`, `symbols`, `tokens`, `formatting`, `actions`, `watching`). Each handler is registered
through `LumenLanguageServer.handler`, which answers an unexpected exception with `InternalError` (message
`<Type>: <message>`, no traceback) and logs it with `window/logMessage`; the server keeps running.

Test hooks (environment variables read at start-up):
- `LUMEN_LSP_TEST_FAULT=<method>`: the handler of that LSP method raises before doing anything (end-to-end test of
  handler-error survival);
- `LUMEN_LSP_TEST_HOOKS=1`: adds the request `lumen/test/analysisCount`, answering `{"count": N}` with the number
  of analyses the session has run (prose-only edits reuse the previous analysis and do not count).
"""
from __future__ import annotations

import asyncio
import functools
import gc
import os
import sys
import traceback
from typing import Any, Callable, Optional

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInternalError
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from . import __version__
from .state import ServerState
from .transport import QueueAwareStdin

SERVER_NAME = "lumen-lsp"
FAULT_VARIABLE = "LUMEN_LSP_TEST_FAULT"
HOOKS_VARIABLE = "LUMEN_LSP_TEST_HOOKS"
ANALYSIS_COUNT = "lumen/test/analysisCount"


class LumenProtocol(LanguageServerProtocol):
    """The LSP protocol with Lumen's choice of position encoding: UTF-8 if the client offers it, else UTF-16."""

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams):
        general = params.capabilities.general
        if general is not None:
            offered = general.position_encodings or []
            general.position_encodings = [types.PositionEncodingKind.Utf8] \
                if types.PositionEncodingKind.Utf8 in offered else []
        return (yield from super().lsp_initialize(params))

    # The server keeps document texts in its own `DocumentStore` (state.py); pygls's workspace copy is not read,
    # so text synchronisation skips updating it (re-splitting a 3,000-line text on every change).

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_CLOSE, params)

    def _user_handler(self, method: str, params: Any):
        """Hand a notification to the registered feature handler (as pygls's built-in handlers do)."""
        user_handler = self.fm.features.get(method)
        if user_handler is not None:
            yield user_handler, (params,), None


class LumenLanguageServer(LanguageServer):
    """pygls server holding the Lumen `ServerState`."""

    def __init__(self) -> None:
        super().__init__(SERVER_NAME, __version__, protocol_cls=LumenProtocol, max_workers=2)
        self.state = ServerState(self.text_document_publish_diagnostics,
                                 lambda message: self.log(message, types.MessageType.Error))

    # --------------------------------------------------------------------------------------------- errors

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        """Send `window/logMessage`."""
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=message))
        except Exception:  # noqa: BLE001 - logging must never fail a handler
            pass

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Errors pygls catches outside our handlers (e.g. malformed messages) are logged, not shown."""
        self.log(f"lumen-lsp: {type(error).__name__}: {error}", types.MessageType.Error)

    def internal_error(self, method: str, error: BaseException) -> JsonRpcInternalError:
        """Log an unexpected handler exception and make the `InternalError` answering it."""
        text = f"{type(error).__name__}: {error}"
        detail = ""
        if os.environ.get("LUMEN_DEBUG") == "1":
            detail = "\n" + "".join(traceback.format_exception(type(error), error, error.__traceback__))
        self.log(f"lumen-lsp: internal error in {method}: {text}{detail}", types.MessageType.Error)
        return JsonRpcInternalError(message=text)

    # ------------------------------------------------------------------------------------------- handlers

    def handler(self, method: str, options: Any = None) -> Callable[[Callable], Callable]:
        """Register a feature handler (sync or async function of `params`) with error handling and the fault
        hook."""
        def decorator(function: Callable) -> Callable:
            fault = os.environ.get(FAULT_VARIABLE) == method
            if asyncio.iscoroutinefunction(function):
                @functools.wraps(function)
                async def wrapped(params: Any) -> Any:
                    try:
                        if fault:
                            raise RuntimeError(f"injected fault in {method}")
                        return await function(params)
                    except (JsonRpcException, asyncio.CancelledError):
                        raise
                    except Exception as error:  # noqa: BLE001 - answered with InternalError, server goes on
                        raise self.internal_error(method, error) from None
            else:
                @functools.wraps(function)
                def wrapped(params: Any) -> Any:
                    try:
                        if fault:
                            raise RuntimeError(f"injected fault in {method}")
                        return function(params)
                    except JsonRpcException:
                        raise
                    except Exception as error:  # noqa: BLE001 - answered with InternalError, server goes on
                        raise self.internal_error(method, error) from None
            self.feature(method, options)(wrapped)
            return function
        return decorator


def create_server() -> LumenLanguageServer:
    """A server with every feature registered."""
    from . import actions, completion, diagnostics, formatting, hover, navigation, symbols, sync, tokens, watching

    server = LumenLanguageServer()
    for module in (sync, diagnostics, hover, completion, navigation, symbols, tokens, formatting, actions, watching):
        module.register(server)
    if os.environ.get(HOOKS_VARIABLE) == "1":
        state = server.state

        @server.feature(ANALYSIS_COUNT)
        async def analysis_count(params: Any) -> dict:
            return {"count": await state.run(lambda: state.session.analysis_count)}
    return server


# The collector's first threshold for the server process (Python's default is 700 allocations). An edit that
# inserts a line in a 3,000-line document replaces the spans of every declaration below it, tens of thousands of
# small objects, and with the default the young generation is collected dozens of times per edit. Measured with
# `bench/lsp_latency.py --edit-kind lines`, three runs each: p95 30.0-33.5 ms → 26.3-28.5 ms (inline edits
# unchanged). Cyclic garbage is still collected, in larger batches. (Freezing the start-up heap with `gc.freeze()`
# as well doubled the inline p50, so it is not done.)
GC_FIRST_THRESHOLD = 20_000


def serve(tcp: Optional[str] = None) -> None:
    """Run the server on stdio, or on `HOST:PORT` with `tcp`."""
    gc.set_threshold(GC_FIRST_THRESHOLD, *gc.get_threshold()[1:])
    server = create_server()
    if tcp:
        host, _, port = tcp.rpartition(":")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        stdin = QueueAwareStdin(sys.stdin.fileno())
        server.state.input_pending = stdin.pending
        server.start_io(stdin, sys.stdout.buffer)
