"""Program loading for editor sessions: `lumen_kernel.program.load_program` with open documents and caches.

The result is a `lumen_kernel.program.Program` built by the kernel `Loader` itself (so module order, import
resolution, cycle detection, import diagnostics and flags are those of `load_program`); only its `read_module`
seam and its file system look-ups differ:
- a file open in the editor is read from its document text instead of the disk (unopened files are read from
  disk, and re-read only when their modification time or size changes);
- each file is parsed through its own `IncrementalParser`, so an edit re-parses only the chunks it touched and an
  unchanged imported file is not parsed again; a markdown file's program text is patched, not extracted again,
  when an edit changed code lines of one fence only (`patch_markdown_source`);
- file keys (`file_key`, a `realpath`) are computed once per path for the session (a symlink changed while the
  session runs is not noticed), and project roots are looked up again only when a directory they were found
  from changed (its modification time).
"""
from __future__ import annotations

import os
import time
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Optional

from ..program import LoadedModule, Program
from ..program.loader import Loader, file_key, find_project_root, parsed_module, read_text, unreadable_module
from ..source.line_diff import LineChange, line_change
from ..source.model import SourceFile, load_source
from ..syntax.parser import ParseResult
from .incremental_parse import IncrementalParser

KEY_CACHE_LIMIT = 4096
RECENT_NS = 2_000_000_000      # directories modified this recently are not trusted to show the next change


@dataclass
class _ParsedFile:
    """The last parse of one file: the text it was made from and the result."""

    text: str
    source: SourceFile
    result: ParseResult
    tokens: list                            # maybe not yet at their positions: read them through `tokens()`
    parser: Optional[IncrementalParser] = None


@dataclass
class _DiskEntry:
    """A file read from disk, with the stat data that validates it."""

    stamp: tuple
    text: Optional[str]
    error: Optional[str]


@dataclass
class _SourceEntry:
    """The last `SourceFile` of a file and the lines of its program text (split when first needed)."""

    source: SourceFile
    program_lines: Optional[list[str]] = None


@dataclass
class _ProjectEntry:
    """A project root look-up and the modification times of the directories it looked in."""

    root: Optional[Path]
    stamps: tuple


@dataclass
class SessionLoader:
    """Loads programs for an editor session. `overlay(key)` gives the text of an open document (by `file_key`)."""

    overlay: Callable[[str], Optional[str]]
    host: Any = None
    parsers: dict[str, IncrementalParser] = field(default_factory=dict)
    parsed: dict[str, _ParsedFile] = field(default_factory=dict)
    disk: dict[str, _DiskEntry] = field(default_factory=dict)
    sources: dict[str, _SourceEntry] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    projects: dict[str, _ProjectEntry] = field(default_factory=dict)

    # ------------------------------------------------------------------------------------------- public

    def load(self, path: str, text: Optional[str] = None) -> Program:
        """The program rooted at `path` (with `text` as the root's text when given)."""
        return _Session(self).load_root(path, text)

    def parse(self, path: str, text: str) -> tuple[SourceFile, ParseResult]:
        """The source and parse result of a file text (cached; incremental against the file's previous text)."""
        key = self.key(path)
        previous = self.parsed.get(key)
        if previous is not None and previous.text == text and previous.source.path == path:
            return previous.source, previous.result
        source = self.source(path, text)
        parser = self.parsers.get(key)
        if parser is None:
            parser = self.parsers[key] = IncrementalParser()
        result = parser.parse(source)
        self.parsed[key] = _ParsedFile(text, source, result, parser.assembled_tokens, parser)
        return source, result

    def source(self, path: str, text: str) -> SourceFile:
        """The `SourceFile` of a file text (the last one per file is cached)."""
        key = self.key(path)
        entry = self.sources.get(key)
        if entry is not None and entry.source.path == path and entry.source.text == text:
            return entry.source
        patched = None
        if entry is not None and entry.source.path == path and _patchable(entry.source, text):
            if entry.program_lines is None:
                entry.program_lines = entry.source.program.split("\n")
            change = line_change(entry.source.text, text, len(entry.program_lines))
            patched = _patch_markdown(entry.source, entry.program_lines, text, change)
        if patched is not None:
            source, program_lines = patched
        else:
            source, program_lines = load_source(path, text), None
            if source.text != text:     # not normalised text (BOM, CR): do not cache under the raw text
                return source
        self.sources[key] = _SourceEntry(source, program_lines)
        return source

    def tokens(self, path: str) -> list:
        """The tokens (without EOF) of the last parse of a file (empty when it was not parsed)."""
        parsed = self.parsed.get(self.key(path))
        if parsed is None:
            return []
        if parsed.parser is not None:
            parsed.parser.settle_tokens()
        return parsed.tokens

    def read(self, path: str) -> tuple[Optional[str], Optional[str]]:
        """`(text, None)` for a readable file (open documents first), else `(None, reason)`."""
        key = self.key(path)
        text = self.overlay(key)
        if text is not None:
            return text, None
        try:
            stat = os.stat(path)
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError as exc:
            return None, exc.strerror or str(exc)
        entry = self.disk.get(key)
        if entry is None or entry.stamp != stamp:
            entry = _DiskEntry(stamp, *read_text(path))
            self.disk[key] = entry
        return entry.text, entry.error

    def forget(self, path: str) -> None:
        """Drop the caches of a file (e.g. when its document closes)."""
        key = self.key(path)
        self.parsers.pop(key, None)
        self.parsed.pop(key, None)
        self.disk.pop(key, None)
        self.sources.pop(key, None)
        self.keys.pop(path, None)

    def key(self, path: str) -> str:
        """`file_key(path)`, computed once per path for the session."""
        key = self.keys.get(path)
        if key is None:
            key = file_key(path)
            if os.path.isabs(path):          # (a relative path's key depends on the working directory)
                if len(self.keys) >= KEY_CACHE_LIMIT:
                    self.keys.clear()
                self.keys[path] = key
        return key

    def project_root(self, directory: str) -> Optional[Path]:
        """`find_project_root` of a directory, looked up again only when one of the directories it looked in
        changed (a `lumen.toml` was created or removed there)."""
        entry = self.projects.get(directory)
        if entry is not None and _stamps_hold(entry.stamps):
            return entry.root
        start = Path(directory or ".")
        stamps = _directory_stamps(start)       # before the look-up: a later change invalidates it
        root = find_project_root(start)
        if root is not None:
            stamps = tuple(stamp for stamp in stamps if Path(stamp[0]).is_relative_to(root))
        # A directory changed in the last moments may change again within the same timestamp tick: look again.
        settled = time.time_ns() - RECENT_NS
        if os.path.isabs(directory) and all(mtime is None or mtime < settled for _name, mtime in stamps):
            if len(self.projects) >= KEY_CACHE_LIMIT:
                self.projects.clear()
            self.projects[directory] = _ProjectEntry(root, stamps)
        return root


def _directory_stamps(start: Path) -> tuple:
    """`(directory, modification time)` of `start` (resolved) and each of its ancestors."""
    current = start.resolve()
    stamps = []
    for directory in (current, *current.parents):
        name = str(directory)
        try:
            stamps.append((name, os.stat(name).st_mtime_ns))
        except OSError:
            stamps.append((name, None))
    return tuple(stamps)


def _stamps_hold(stamps: tuple) -> bool:
    """Whether the directories of `_directory_stamps` still have the recorded modification times."""
    for name, mtime in stamps:
        try:
            if os.stat(name).st_mtime_ns != mtime:
                return False
        except OSError:
            if mtime is not None:
                return False
    return True


def _patchable(previous: SourceFile, text: str) -> bool:
    """Whether a new text of a markdown file may be patched from its previous source (normalised text)."""
    return previous.is_markdown and "\r" not in text and not text.startswith("\ufeff")


def patch_markdown_source(previous: SourceFile, text: str) -> Optional[SourceFile]:
    """The markdown `SourceFile` of `text` derived from `previous` when the edit only changed code lines of one
    Lumen fence (no line of the changed region, before or after, looks like a fence delimiter): the program text
    gets the new lines, later fences and prose directives move by the line delta. None when that does not apply
    (the caller extracts the text from scratch)."""
    if not _patchable(previous, text) or previous.text == text:
        return None
    patched = _patch_markdown(previous, previous.program.split("\n"), text, line_change(previous.text, text))
    return patched[0] if patched is not None else None


def _patch_markdown(previous: SourceFile, program_lines: list[str], text: str,
                    change: Optional[LineChange]) -> Optional[tuple[SourceFile, list[str]]]:
    """`patch_markdown_source` given the lines of the previous program (changed in place into the new program's
    lines when the patch applies) and the change; with the new program lines."""
    if change is None:
        return None
    for line in change.old_lines + change.new_lines:
        if line.lstrip().startswith("```"):
            return None
    first, old_end, delta = change.first, change.old_end, change.delta
    fences = previous.fences
    # The fence holding the change: the last one whose code starts at or before it (0-based code lines).
    index = bisect_right(fences, first, key=lambda fence: fence.first_code_line - 1) - 1
    if index < 0:
        return None
    inside = fences[index]
    last = inside.last_code_line - 1
    if not (old_end - 1 <= last and first <= last + 1):
        return None
    directives = previous.prose_directives
    if delta:
        fences = fences[:index] + [_moved_end(inside, delta)] + [_moved_fence(fence, delta)
                                                                  for fence in fences[index + 1:]]
        directives = [d if d.line - 1 < old_end else replace(d, line=d.line + delta) for d in directives]
    program_lines[first:old_end] = change.new_lines
    source = SourceFile(path=previous.path, text=text, program="\n".join(program_lines), is_markdown=True,
                        fences=list(fences), prose_directives=list(directives))
    return source, program_lines


def _moved_fence(fence: Any, delta: int) -> Any:
    """A fence after an edit, `delta` lines further."""
    return replace(fence, open_line=fence.open_line + delta, first_code_line=fence.first_code_line + delta,
                   last_code_line=fence.last_code_line + delta,
                   close_line=fence.close_line + delta if fence.close_line is not None else None)


def _moved_end(fence: Any, delta: int) -> Any:
    """The fence holding an edit, its end `delta` lines further."""
    return replace(fence, last_code_line=fence.last_code_line + delta,
                   close_line=fence.close_line + delta if fence.close_line is not None else None)


class _Session(Loader):
    """One loading run of a `SessionLoader`: the kernel `Loader` (import resolution, cycle detection, import
    diagnostics) reading open documents first and parsing through the session's incremental parsers."""

    def __init__(self, owner: SessionLoader) -> None:
        super().__init__(owner.host)
        self.owner = owner
        self.projects: dict[str, Optional[Path]] = {}     # look-ups of this run (validated once per run)

    def key(self, path: str) -> str:
        """The session's cached `file_key`."""
        return self.owner.key(path)

    def project_root(self, directory: str) -> Optional[Path]:
        """The session's cached project root look-up."""
        if directory not in self.projects:
            self.projects[directory] = self.owner.project_root(directory)
        return self.projects[directory]

    def read_module(self, path: str, name: Optional[str], text: Optional[str]) -> LoadedModule:
        """Read `path` through the session (documents, then the disk cache) and parse it incrementally."""
        if text is None:
            text, reason = self.owner.read(path)
            if text is None:
                return unreadable_module(path, name, reason or "unreadable")
        source, result = self.owner.parse(path, text)
        return parsed_module(path, name, source, result)
