"""Editor analysis sessions: open documents, incremental analysis, version stamps (TOOLING.md §6.2).

`AnalysisSession` holds the texts of the open documents and analyses one document at a time: it loads the
document's program through a `SessionLoader` (open documents override the disk; unchanged chunks and files are not
parsed again), checks it with a memo of cell-body results (`IncrementalChecker`), and lints it. The result is an
`Analysis` of one document version.

An edit of a markdown document confined to prose (outside every fence, creating or removing no fence or directive
line) does not analyse again: the previous analysis is reused, its diagnostics shifted by the edit's line delta.
`analysis_count` counts real analyses; tests read it to see that reuse.

Nothing here is thread-safe: a session is used from one thread at a time (the language server runs every session
call on one worker thread).
"""
from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Optional

from ..diagnostics.model import Diagnostic
from ..diagnostics.moving import move_diagnostic as shift_diagnostic
from ..program import Program
from ..program.loader import IMPORTABLE, LoadedModule
from ..source.model import SourceFile
from .checking import IncrementalChecker
from .linting import IncrementalLinter
from .loader import SessionLoader


class AnalysisCancelled(Exception):
    """Raised inside `AnalysisSession.analyse` when the caller's `cancelled()` turns true."""


@dataclass
class OpenDocument:
    """The text of an open document and its version."""

    path: str
    text: str
    version: Optional[int]


@dataclass
class Analysis:
    """The analysis of one document version.

    `diagnostics` are the document's own `lumen check` diagnostics (syntax, imports, semantics, plugin checks),
    `lint` its lint findings. `positions_current` is False for an analysis reused after a prose edit that moved
    lines: its diagnostics are shifted, but its syntax tree still has the old positions.
    """

    path: str
    version: Optional[int]
    text: str
    source: SourceFile
    program: Program
    module: LoadedModule
    diagnostics: list[Diagnostic]
    lint: list[Diagnostic]
    checked: bool
    module_stamps: dict[str, Any] = field(default_factory=dict)
    positions_current: bool = True
    exports: tuple = ()
    token_source: Callable[[], list] = list     # gives the document's tokens (see `tokens`)
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def tokens(self) -> list:
        """The document's tokens (without EOF). Got on first use: the parser moves the tokens of declarations
        that moved only when they are read."""
        return self.token_source()

    @property
    def all_diagnostics(self) -> list[Diagnostic]:
        """Check diagnostics then lint findings, in source order."""
        return sorted(self.diagnostics + self.lint, key=_position)

    @property
    def has_syntax_errors(self) -> bool:
        """Whether the document has lexical or parse errors."""
        return self.module.has_syntax_errors


def _position(diagnostic: Diagnostic) -> tuple[int, int]:
    span = diagnostic.span
    return (span.line, span.column) if span is not None else (0, 0)


class AnalysisSession:
    """Analyses the open documents of an editor session (see the module docstring)."""

    def __init__(self, host: Any = None, lint: bool = True) -> None:
        self.host = host
        self.lint_enabled = lint
        self.documents: dict[str, OpenDocument] = {}
        self.loader = SessionLoader(overlay=self._overlay, host=host)
        self.checkers: dict[str, IncrementalChecker] = {}      # one memo per analysed root file
        self.checker = IncrementalChecker(host=host)           # the one used last (tests read its stats)
        self.linters: dict[str, IncrementalLinter] = {}
        self.lint_settings: dict[str, tuple[Any, Any]] = {}
        self.analyses: dict[str, Analysis] = {}
        self.analysis_count = 0

    # ------------------------------------------------------------------------------------------ documents

    def update(self, path: str, text: str, version: Optional[int]) -> None:
        """Open a document or replace its text."""
        self.documents[self.loader.key(path)] = OpenDocument(path, text, version)

    def close(self, path: str) -> None:
        """Close a document: the disk version of the file counts again."""
        key = self.loader.key(path)
        self.documents.pop(key, None)
        self.analyses.pop(key, None)
        self.linters.pop(key, None)
        self.checkers.pop(key, None)
        self.loader.forget(path)

    def file_changed(self, path: str, structural: bool = False) -> None:
        """A file that is not an open document changed on disk (an editor's file watcher said so): forget its cached
        read and parse, and the analyses that used it, so the next analysis reads it again even when the change
        kept its modification time and size. A `lumen.toml` also drops the cached lint settings. With `structural`
        (a file was created or deleted, or a manifest changed, so imports may resolve differently), every
        analysis is forgotten. An open document is ignored: its text comes from the editor."""
        key = self.loader.key(path)
        if key in self.documents:
            return
        self.loader.forget(path)
        if os.path.basename(path) == "lumen.toml":
            self.lint_settings.clear()
            structural = True
        if structural:
            self.analyses.clear()
            return
        for analysed, analysis in list(self.analyses.items()):
            if key in analysis.module_stamps:
                del self.analyses[analysed]

    def _overlay(self, key: str) -> Optional[str]:
        document = self.documents.get(key)
        return document.text if document is not None else None

    def latest(self, path: str) -> Optional[Analysis]:
        """The last analysis of a document, if any."""
        return self.analyses.get(self.loader.key(path))

    # ------------------------------------------------------------------------------------------- analysis

    def analyse(self, path: str, cancelled: Callable[[], bool] = lambda: False, reuse: bool = True) -> Analysis:
        """Analyse the current text of the document `path` (the file on disk when it is not open). With `reuse`,
        a prose-only edit reuses the previous analysis (see the module docstring)."""
        key = self.loader.key(path)
        document = self.documents.get(key)
        if document is None:
            text, _reason = self.loader.read(path)
            document = OpenDocument(path, text or "", None)
        previous = self.analyses.get(key)
        if previous is not None and reuse:
            reused = self._reuse(previous, document)
            if reused is not None:
                self.analyses[key] = reused
                return reused
        analysis = self._analyse(document, cancelled)
        self.analyses[key] = analysis
        return analysis

    def analyse_file(self, path: str) -> Analysis:
        """Analyse any file (open or not) without recording it as a document's latest analysis."""
        key = self.loader.key(path)
        document = self.documents.get(key)
        if document is None:
            text, _reason = self.loader.read(path)
            document = OpenDocument(path, text or "", None)
        latest = self.analyses.get(key)
        if latest is not None and latest.text == document.text and latest.positions_current:
            return latest
        return self._analyse(document, lambda: False, count=False, lint=False)

    def analyse_text(self, path: str, text: str) -> Analysis:
        """Analyse a text as if it were the document `path` (e.g. with a placeholder inserted for completion),
        without linting and without recording it."""
        return self._analyse(OpenDocument(path, text, None), lambda: False, count=False, lint=False)

    def _analyse(self, document: OpenDocument, cancelled: Callable[[], bool], count: bool = True,
                 lint: bool = True) -> Analysis:
        program = self.loader.load(document.path, document.text)
        if cancelled():
            raise AnalysisCancelled()
        root_key = self.loader.key(document.path)
        checker = self.checkers.get(root_key)
        if checker is None:
            checker = self.checkers[root_key] = IncrementalChecker(host=self.host)
        self.checker = checker
        result = checker.check(program)
        if cancelled():
            raise AnalysisCancelled()
        root = program.root
        diagnostics = result.diagnostics.get(root.path, [])
        findings = self._lint(root) if self.lint_enabled and lint else []
        if count:
            self.analysis_count += 1
        exports = tuple(item for item in root.module.items if isinstance(item, IMPORTABLE)) \
            if root.module is not None else ()
        return Analysis(path=document.path, version=document.version, text=document.text, source=root.source,
                        program=program, module=root, diagnostics=list(diagnostics), lint=findings,
                        checked=not root.has_syntax_errors and root.module is not None,
                        module_stamps=self._stamps(program), exports=exports,
                        token_source=functools.partial(self.loader.tokens, root.path))

    def _lint(self, root: LoadedModule) -> list[Diagnostic]:
        """The lint findings of the root module (unit by unit, see `IncrementalLinter`), without the `syntax`
        findings."""
        from ..tooling.lint import SYNTAX_RULE

        key = self.loader.key(root.path)
        linter = self.linters.get(key)
        if linter is None:
            linter = self.linters[key] = IncrementalLinter()
        tokens = functools.partial(self.loader.tokens, root.path)     # read only when a rule needs them
        findings = linter.lint(root.source, root.module, tokens, root.syntax_diagnostics, self.host,
                               self._settings(root.path))
        # A file with syntax errors gets them again as `syntax` findings: the check diagnostics already say it.
        return [finding for finding in findings if finding.code != SYNTAX_RULE]

    def _settings(self, path: str) -> Any:
        """The `[lint]` settings of the project holding `path` (defaults without or with an invalid manifest)."""
        from pathlib import Path

        from ..config import ProjectConfig
        from ..tooling.lint import LintSettings

        root = self.loader.project_root(str(Path(path).parent))
        manifest = root / "lumen.toml" if root is not None else None
        try:
            stamp = os.stat(manifest).st_mtime_ns if manifest is not None else None
        except OSError:
            stamp = None
        cache_key = str(manifest)
        cached = self.lint_settings.get(cache_key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            settings = LintSettings.from_config(ProjectConfig.load(manifest)) if manifest is not None \
                else LintSettings()
        except Exception:  # noqa: BLE001 - an invalid manifest is reported by `lumen check`/`lint`, not here
            settings = LintSettings()
        self.lint_settings[cache_key] = (stamp, settings)
        return settings

    def _stamps(self, program: Program) -> dict[str, Any]:
        """What each module of a program was made from: the document text, or the file's stat data."""
        stamps: dict[str, Any] = {}
        for module in program.modules:
            stamps[self.loader.key(module.path)] = self._stamp(module.path)
        return stamps

    def _stamp(self, path: str) -> Any:
        document = self.documents.get(self.loader.key(path))
        if document is not None:
            return ("text", document.text)
        try:
            stat = os.stat(path)
        except OSError:
            return ("missing",)
        return ("disk", stat.st_mtime_ns, stat.st_size)

    # ---------------------------------------------------------------------------------------- prose reuse

    def _reuse(self, previous: Analysis, document: OpenDocument) -> Optional[Analysis]:
        """The previous analysis, shifted, when the document changed only in prose and nothing it imports
        changed; else None."""
        root_key = self.loader.key(document.path)
        for key, stamp in previous.module_stamps.items():
            if key != root_key and self._stamp_by_key(key, stamp) != stamp:
                return None
        if previous.text == document.text:
            return previous if previous.version == document.version else \
                replace(previous, version=document.version, extras={})
        if not previous.source.is_markdown or not previous.checked:
            # (a syntax error can sit where its unclosed construct ends: an unclosed string runs to the end of
            # the program, so its position moves with prose lines below it)
            return None
        source = self.loader.source(document.path, document.text)
        delta = prose_only_change(previous.source, source)
        if delta is None:
            return None
        first_changed, shift = delta
        if shift and any(_mentions_line_from(d, first_changed) for d in previous.diagnostics + previous.lint):
            return None
        return replace(previous, version=document.version, text=document.text, source=source,
                       diagnostics=[shift_diagnostic(d, first_changed, shift) for d in previous.diagnostics],
                       lint=[shift_diagnostic(d, first_changed, shift) for d in previous.lint],
                       positions_current=previous.positions_current and shift == 0,
                       module_stamps={**previous.module_stamps, root_key: ("text", document.text)},
                       extras={})

    def _stamp_by_key(self, key: str, stamp: Any) -> Any:
        document = self.documents.get(key)
        if document is not None:
            return ("text", document.text)
        if stamp and stamp[0] == "text":
            return ("closed",)
        try:
            stat = os.stat(key)
        except OSError:
            return ("missing",)
        return ("disk", stat.st_mtime_ns, stat.st_size)


# ---------------------------------------------------------------------------------------------- prose edits

def prose_only_change(old: SourceFile, new: SourceFile) -> Optional[tuple[int, int]]:
    """For two versions of a markdown source: `(first_line, delta)` when they differ only in prose lines outside
    fences and no fence or directive line was created or removed (lines at or after the 1-based `first_line`
    moved by `delta`); None otherwise."""
    if old.program != new.program and old.program.count("\n") == new.program.count("\n"):
        # The program has the file's lines with prose blanked: a prose-only edit that keeps the line count
        # leaves it unchanged (the common case of an edit inside a fence ends here).
        return None
    old_lines = old.text.split("\n")
    new_lines = new.text.split("\n")
    prefix = 0
    limit = min(len(old_lines), len(new_lines))
    while prefix < limit and old_lines[prefix] == new_lines[prefix]:
        prefix += 1
    suffix = 0
    while (suffix < limit - prefix and old_lines[len(old_lines) - 1 - suffix]
           == new_lines[len(new_lines) - 1 - suffix]):
        suffix += 1
    old_changed = range(prefix, len(old_lines) - suffix)
    new_changed = range(prefix, len(new_lines) - suffix)
    if not _all_prose(old, old_changed) or not _all_prose(new, new_changed):
        return None
    delta = len(new_lines) - len(old_lines)
    if len(old.fences) != len(new.fences):
        return None
    for before, after in zip(old.fences, new.fences):
        if _shift_line(before.open_line, prefix, delta) != after.open_line:
            return None
        if (before.close_line is None) != (after.close_line is None):
            return None
        if before.close_line is not None and _shift_line(before.close_line, prefix, delta) != after.close_line:
            return None
    if len(old.prose_directives) != len(new.prose_directives):
        return None
    for before, after in zip(old.prose_directives, new.prose_directives):
        if replace(before, line=_shift_line(before.line, prefix, delta)) != after:
            return None
    return prefix + 1, delta


_LINE_MENTION = re.compile(r"\bline (\d+)")


def _mentions_line_from(diagnostic: Diagnostic, first_line: int) -> bool:
    """Whether a diagnostic's text names a line at or after `first_line` (such text cannot simply be shifted)."""
    texts = [diagnostic.message, *diagnostic.notes, *diagnostic.help, *(label.message for label in diagnostic.labels)]
    return any(int(match.group(1)) >= first_line for text in texts for match in _LINE_MENTION.finditer(text))


def _shift_line(line: int, prefix: int, delta: int) -> int:
    """A 1-based line after an edit that changed lines from 0-based `prefix` on by `delta`."""
    return line + delta if line > prefix else line


def _all_prose(source: SourceFile, lines: range) -> bool:
    """Whether every 0-based line of `lines` is prose: outside every fence (delimiters included) and not a
    directive line."""
    if not lines:
        return True
    directive_lines = {d.line for d in source.prose_directives}
    for fence in source.fences:
        first = fence.open_line - 1
        last = (fence.close_line - 1) if fence.close_line is not None else len(source.text.split("\n")) - 1
        if first <= lines[-1] and lines[0] <= last:
            return False
    if any(line + 1 in directive_lines for line in lines):
        return False
    text_lines = source.text.split("\n")
    for line in lines:
        stripped = text_lines[line].strip()
        if stripped.startswith("```") or stripped.startswith("@"):
            return False
    return True
