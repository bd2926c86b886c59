"""Server state: open documents, the analysis session, debounced version-stamped analysis (TOOLING.md §6.2).

Each open document has at most one analysis task. A change (re)starts it: with a delay, a pending task restarts
its wait (debouncing); with the default delay 0 the task first waits until the messages already queued on the input
are handled (`input_pending`, see `transport`), so a burst of changes costs one analysis and a single change waits
for nothing. A running analysis is not interrupted by the change itself, but it checks between its phases whether
its version is still current and gives up when it is not; the task then analyses the newest version. A result is
published only when the document is still at the analysed version, and published versions never decrease.

A file that is not open can change on disk (`workspace/didChangeWatchedFiles`, see `watching`): `files_changed`
makes the session forget it and re-analyses the open documents that used it at their current version (`refresh`):
until then their analysis is `stale` (requests wait for the new one), and an analysis running meanwhile is run
again, since it may have read the file before the change.

Every `AnalysisSession` call runs on one worker thread (`run`), so the session is never used concurrently.
"""
from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from lsprotocol import types

from lumen_kernel.analysis.documents import Document, DocumentStore, split_lines, uri_to_path
from lumen_kernel.analysis.loader import file_key
from lumen_kernel.analysis.positions import UTF16
from lumen_kernel.analysis.session import Analysis, AnalysisCancelled, AnalysisSession

from .convert import Positions, to_lsp_diagnostic

CHECK_SOURCE = "lumen"
DRAIN_LIMIT = 0.2
LINT_SOURCE = "lumen-lint"


@dataclass
class DocumentState:
    """Scheduling state of one open document."""

    document: Document
    published: Optional[int] = None
    analysis: Optional[Analysis] = None
    task: Optional[asyncio.Task] = None
    running: bool = False
    closed: bool = False
    exports: Optional[tuple] = None
    checked: Optional[Analysis] = None      # the last analysis whose module was type-checked
    refresh: bool = False                   # a file changed on disk while analysing: analyse again
    stale: bool = False                     # `analysis` predates a change on disk of a file it used
    waiters: list = field(default_factory=list)


class ServerState:
    """Documents, analysis session and scheduling of one language server."""

    def __init__(self, publish: Callable[[types.PublishDiagnosticsParams], None],
                 log: Callable[[str], None] = lambda message: None) -> None:
        self.publish_notification = publish
        self.log = log
        self.input_pending: Callable[[], bool] = lambda: False    # set by the stdio transport
        self.store = DocumentStore(UTF16)
        self.session = AnalysisSession()
        self.positions = Positions(UTF16, self.lines_of)
        self.delay = 0.0
        self.docs: dict[str, DocumentState] = {}
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lumen-analysis")
        self.root: Optional[str] = None
        self.builtins: Optional[set[str]] = None     # builtin names (filled on first use, on the analysis thread)

    # -------------------------------------------------------------------------------------- configuration

    def configure(self, encoding: str, options: Any, host: Any, root: Optional[str]) -> None:
        """Apply the negotiated encoding and the initialization options (`diagnosticDelayMs`, `lint`)."""
        options = options if isinstance(options, dict) else {}
        delay = options.get("diagnosticDelayMs", 0)
        self.delay = max(float(delay), 0.0) / 1000.0 if isinstance(delay, (int, float)) else 0.0
        lint = options.get("lint", True)
        self.store = DocumentStore(encoding)
        self.positions = Positions(encoding, self.lines_of)
        self.session = AnalysisSession(host=host, lint=bool(lint) if isinstance(lint, bool) else True)
        self.root = root

    @property
    def encoding(self) -> str:
        """The negotiated position encoding."""
        return self.store.encoding

    def lines_of(self, path: str) -> Optional[list[str]]:
        """The current lines of a file: its open document, else the file on disk (None when unreadable)."""
        document = self.store.by_path(path)
        if document is not None:
            return document.lines
        try:
            with open(path, encoding="utf-8") as handle:
                return split_lines(handle.read())
        except (OSError, UnicodeDecodeError):
            return None

    async def run(self, function: Callable, *args: Any) -> Any:
        """Run a session call on the analysis thread."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, function, *args)

    def shutdown(self) -> None:
        """Stop the analysis thread (pending analyses are dropped)."""
        self.executor.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------------------------------ documents

    def open(self, uri: str, version: int, text: str) -> None:
        """`didOpen`: store the document and schedule its analysis."""
        document = self.store.open(uri, version, text)
        previous = self.docs.get(uri)
        if previous is not None:
            self._stop(previous)
        self.docs[uri] = DocumentState(document=document)
        self.schedule(uri)

    def change(self, uri: str, version: int, changes: list[Any]) -> None:
        """`didChange`: apply the content changes in order and schedule an analysis."""
        state = self.docs.get(uri)
        if state is None:
            return
        edits = []
        for change in changes:
            change_range = getattr(change, "range", None)
            if change_range is None:
                edits.append((change.text, None, None))
            else:
                edits.append((change.text, (change_range.start.line, change_range.start.character),
                              (change_range.end.line, change_range.end.character)))
        self.store.change(uri, version, edits)
        self.schedule(uri)

    def close(self, uri: str) -> None:
        """`didClose`: forget the document and publish empty diagnostics for it."""
        state = self.docs.pop(uri, None)
        document = self.store.close(uri)
        if state is not None:
            self._stop(state)
        if document is not None:
            self.executor.submit(self.session.close, document.path)
        self.publish_notification(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def _stop(self, state: DocumentState) -> None:
        state.closed = True
        if state.task is not None and not state.running:
            state.task.cancel()
        for waiter in state.waiters:
            if not waiter.done():
                waiter.cancel()
        state.waiters.clear()

    # ------------------------------------------------------------------------------------------- analysis

    def schedule(self, uri: str, immediate: bool = False, refresh: bool = False) -> None:
        """(Re)start the analysis task of a document (see the module docstring). `refresh`: a file the document
        uses changed on disk, so it is analysed again even at the same version."""
        state = self.docs.get(uri)
        if state is None or state.closed:
            return
        if refresh:
            state.stale = True
        if state.task is not None:
            if state.running:
                # the running task re-checks the version when it finishes (and runs again after a refresh)
                state.refresh = state.refresh or refresh
                return
            state.task.cancel()       # a pending task restarts its wait
        delay = 0.0 if immediate else self.delay
        state.task = asyncio.get_running_loop().create_task(self._analyse_document(uri, state, delay))

    async def _analyse_document(self, uri: str, state: DocumentState, delay: float) -> None:
        try:
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                await self._drain()
        except asyncio.CancelledError:
            return
        state.running = True
        try:
            while not state.closed:
                state.refresh = False
                document = state.document
                version, text = document.version, document.text

                def cancelled(version: int = version) -> bool:
                    return state.closed or state.document.version != version

                try:
                    analysis = await self.run(self._analyse, document.path, text, version, cancelled)
                except AnalysisCancelled:
                    continue
                except Exception as error:  # noqa: BLE001 - reported; the server goes on
                    self._failed(state, error)
                    return
                if state.closed:
                    return
                if state.refresh:
                    continue          # a file it may have read changed on disk meanwhile
                state.analysis = analysis
                state.stale = False
                if analysis.checked:
                    state.checked = analysis
                if state.document.version == version:
                    self._publish(uri, state, analysis)
                    self._wake(state, analysis)
                    self._recheck_dependants(uri, state, analysis)
                    return
        finally:
            state.running = False
            if state.task is asyncio.current_task():
                state.task = None

    async def _drain(self) -> None:
        """With delay 0: wait until the messages queued on the input have been handled (each change of a burst
        restarts this task), at most `DRAIN_LIMIT` seconds."""
        await asyncio.sleep(0)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DRAIN_LIMIT
        while self.input_pending() and loop.time() < deadline:
            await asyncio.sleep(0.0005)

    def _analyse(self, path: str, text: str, version: int, cancelled: Callable[[], bool]) -> Analysis:
        self.session.update(path, text, version)
        return self.session.analyse(path, cancelled)

    def _failed(self, state: DocumentState, error: Exception) -> None:
        """An analysis raised: log it and fail the requests waiting for it (they answer InternalError)."""
        self.log(f"lumen-lsp: internal error while analysing {state.document.uri}: {type(error).__name__}: {error}")
        waiters, state.waiters = state.waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_exception(error)

    def _wake(self, state: DocumentState, analysis: Analysis) -> None:
        waiters, state.waiters = state.waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(analysis)

    async def analysis_for(self, uri: str, positions: bool = True) -> Analysis:
        """The analysis of a document's current version (waiting for it when needed). With `positions`, an
        analysis reused after a prose edit that moved lines is replaced by a fresh one."""
        state = self.docs.get(uri)
        if state is None:
            path = uri_to_path(uri)
            return await self.run(self.session.analyse_file, path)
        analysis = state.analysis
        if analysis is None or analysis.version != state.document.version or state.stale:
            waiter = asyncio.get_running_loop().create_future()
            state.waiters.append(waiter)
            if state.task is None:
                self.schedule(uri)
            analysis = await waiter
        if positions and not analysis.positions_current:
            analysis = await self.run(self._fresh, analysis.path)
            if analysis.version == state.document.version:
                state.analysis = analysis
        return analysis

    def _fresh(self, path: str) -> Analysis:
        """A real analysis of a document (not a reuse after a prose edit)."""
        return self.session.analyse(path, reuse=False)

    def _publish(self, uri: str, state: DocumentState, analysis: Analysis) -> None:
        """Publish an analysis of the document's current version (never an older version than published)."""
        version = analysis.version
        if version is None or (state.published is not None and version < state.published):
            return
        diagnostics = self.lsp_diagnostics(state.document, analysis)
        self.publish_notification(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics,
                                                                  version=version))
        state.published = version

    def lsp_diagnostics(self, document: Document, analysis: Analysis) -> list[types.Diagnostic]:
        """The LSP diagnostics of an analysis: check diagnostics, then lint findings."""
        lines = document.lines
        result = [to_lsp_diagnostic(d, CHECK_SOURCE, self.positions, document.path, lines)
                  for d in analysis.diagnostics]
        result += [to_lsp_diagnostic(d, LINT_SOURCE, self.positions, document.path, lines) for d in analysis.lint]
        return result

    def _recheck_dependants(self, uri: str, state: DocumentState, analysis: Analysis) -> None:
        """Re-analyse the open documents that import this one when its importable declarations changed."""
        exports = analysis.exports
        changed = state.exports is not None and (
            len(exports) != len(state.exports) or any(a is not b for a, b in zip(exports, state.exports)))
        state.exports = exports
        if not changed:
            return
        key = file_key(state.document.path)
        for other_uri, other in list(self.docs.items()):
            if other_uri == uri or other.analysis is None:
                continue
            if key in other.analysis.module_stamps:
                self.schedule(other_uri)

    def files_changed(self, changes: list[tuple[str, bool]]) -> None:
        """Files changed on disk (`workspace/didChangeWatchedFiles`): `(path, structural)` pairs, `structural` when
        the file was created or deleted or is a `lumen.toml` (imports may resolve differently). Open documents are
        skipped (their text comes from the editor). The session forgets the other files (on the analysis thread,
        before any analysis scheduled here), then the open documents whose last analysis used one of them are
        re-analysed and re-published; after a structural change, every open document is."""
        changed = [(path, structural) for path, structural in changes if self.store.by_path(path) is None]
        if not changed:
            return
        future = asyncio.get_running_loop().run_in_executor(self.executor, self._forget_files, changed)
        future.add_done_callback(self._log_failure)
        keys = {file_key(path) for path, _structural in changed}
        everything = any(structural for _path, structural in changed)
        for uri, state in list(self.docs.items()):
            analysis = state.analysis
            if everything or analysis is None or not keys.isdisjoint(analysis.module_stamps):
                self.schedule(uri, refresh=True)

    def _forget_files(self, changed: list[tuple[str, bool]]) -> None:
        for path, structural in changed:
            self.session.file_changed(path, structural)

    def _log_failure(self, future: "asyncio.Future[Any]") -> None:
        """Log the exception of a background session call (nobody awaits it)."""
        if future.cancelled():
            return
        error = future.exception()
        if error is not None:
            self.log(f"lumen-lsp: internal error while forgetting changed files: {type(error).__name__}: {error}")

    def workspace_files(self) -> list[str]:
        """The Lumen files of the workspace (TOOLING.md §0 source discovery), plus every open document."""
        from lumen_kernel.cli.commands.check import discover_sources

        found = []
        if self.root and os.path.isdir(self.root):
            found = [os.path.abspath(path) for path in discover_sources([self.root])]
        keys = {file_key(path) for path in found}
        for document in self.store:
            if file_key(document.path) not in keys:
                found.append(document.path)
        return found
