"""Program loading for editor sessions: `lumen_kernel.program.load_program` with open documents and caches.

The result is a `lumen_kernel.program.Program` built by the kernel `Loader` itself (so module order, import
resolution, cycle detection, import diagnostics and flags are those of `load_program`); only its `read_module`
seam differs:
- a file open in the editor is read from its document text instead of the disk (unopened files are read from
  disk, and re-read only when their modification time or size changes);
- each file is parsed through its own `IncrementalParser`, so an edit re-parses only the chunks it touched and an
  unchanged imported file is not parsed again.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Optional

from ..program import LoadedModule, Program
from ..program.loader import Loader, file_key, parsed_module, read_text, unreadable_module
from ..source.model import SourceFile, load_source
from ..syntax.parser import ParseResult
from .incremental_parse import IncrementalParser


@dataclass
class _ParsedFile:
    """The last parse of one file: the text it was made from and the result."""

    text: str
    source: SourceFile
    result: ParseResult
    tokens: list


@dataclass
class _DiskEntry:
    """A file read from disk, with the stat data that validates it."""

    stamp: tuple
    text: Optional[str]
    error: Optional[str]


@dataclass
class SessionLoader:
    """Loads programs for an editor session. `overlay(key)` gives the text of an open document (by `file_key`)."""

    overlay: Callable[[str], Optional[str]]
    host: Any = None
    parsers: dict[str, IncrementalParser] = field(default_factory=dict)
    parsed: dict[str, _ParsedFile] = field(default_factory=dict)
    disk: dict[str, _DiskEntry] = field(default_factory=dict)
    sources: dict[str, SourceFile] = field(default_factory=dict)

    # ------------------------------------------------------------------------------------------- public

    def load(self, path: str, text: Optional[str] = None) -> Program:
        """The program rooted at `path` (with `text` as the root's text when given)."""
        return _Session(self).load_root(path, text)

    def parse(self, path: str, text: str) -> tuple[SourceFile, ParseResult]:
        """The source and parse result of a file text (cached; incremental against the file's previous text)."""
        key = file_key(path)
        previous = self.parsed.get(key)
        if previous is not None and previous.text == text and previous.source.path == path:
            return previous.source, previous.result
        source = self.source(path, text)
        parser = self.parsers.get(key)
        if parser is None:
            parser = self.parsers[key] = IncrementalParser()
        result = parser.parse(source)
        self.parsed[key] = _ParsedFile(text, source, result, parser.tokens)
        return source, result

    def source(self, path: str, text: str) -> SourceFile:
        """The `SourceFile` of a file text (the last one per file is cached)."""
        key = file_key(path)
        cached = self.sources.get(key)
        if cached is None or cached.path != path or cached.text != text:
            patched = patch_markdown_source(cached, text) if cached is not None and cached.path == path else None
            cached = patched if patched is not None else load_source(path, text)
            if cached.text != text:     # not normalised text (BOM, CR): do not cache under the raw text
                return cached
            self.sources[key] = cached
        return cached

    def tokens(self, path: str) -> list:
        """The tokens (without EOF) of the last parse of a file (empty when it was not parsed)."""
        parsed = self.parsed.get(file_key(path))
        return parsed.tokens if parsed is not None else []

    def read(self, path: str) -> tuple[Optional[str], Optional[str]]:
        """`(text, None)` for a readable file (open documents first), else `(None, reason)`."""
        key = file_key(path)
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
        key = file_key(path)
        self.parsers.pop(key, None)
        self.parsed.pop(key, None)
        self.disk.pop(key, None)
        self.sources.pop(key, None)


def patch_markdown_source(previous: SourceFile, text: str) -> Optional[SourceFile]:
    """The markdown `SourceFile` of `text` derived from `previous` when the edit only changed code lines of one
    Lumen fence (no line of the changed region, before or after, looks like a fence delimiter): the program text
    gets the new lines, later fences and prose directives move by the line delta. None when that does not apply
    (the caller extracts the text from scratch)."""
    if not previous.is_markdown or "\r" in text or text.startswith("\ufeff"):
        return None
    old_lines = previous.text.split("\n")
    new_lines = text.split("\n")
    limit = min(len(old_lines), len(new_lines))
    prefix = _common_prefix(old_lines, new_lines, limit)
    suffix = _common_prefix(old_lines[::-1], new_lines[::-1], limit - prefix)
    old_end = len(old_lines) - suffix          # changed: old[prefix:old_end] -> new[prefix:new_end]
    new_end = len(new_lines) - suffix
    if any(line.strip().startswith("```") for line in old_lines[prefix:old_end] + new_lines[prefix:new_end]):
        return None
    delta = new_end - old_end
    inside = None
    for fence in previous.fences:
        first, last = fence.first_code_line - 1, fence.last_code_line - 1     # 0-based code lines
        if first <= prefix and old_end - 1 <= last and prefix <= last + 1:
            inside = fence
    if inside is None:
        return None
    fences = []
    for fence in previous.fences:
        if fence.open_line - 1 >= old_end:
            fence = replace(fence, open_line=fence.open_line + delta, first_code_line=fence.first_code_line + delta,
                            last_code_line=fence.last_code_line + delta,
                            close_line=fence.close_line + delta if fence.close_line is not None else None)
        elif fence is inside:
            fence = replace(fence, last_code_line=fence.last_code_line + delta,
                            close_line=fence.close_line + delta if fence.close_line is not None else None)
        fences.append(fence)
    program = previous.program.split("\n")
    program[prefix:old_end] = new_lines[prefix:new_end]
    directives = [d if d.line - 1 < old_end else replace(d, line=d.line + delta) for d in previous.prose_directives]
    return SourceFile(path=previous.path, text=text, program="\n".join(program), is_markdown=True, fences=fences,
                      prose_directives=directives)


_BLOCK = 64


def _common_prefix(old: list[str], new: list[str], limit: int) -> int:
    """The number of equal leading lines of two line lists (at most `limit`), comparing blocks of lines first."""
    prefix = 0
    while prefix + _BLOCK <= limit and old[prefix:prefix + _BLOCK] == new[prefix:prefix + _BLOCK]:
        prefix += _BLOCK
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    return prefix


class _Session(Loader):
    """One loading run of a `SessionLoader`: the kernel `Loader` (import resolution, cycle detection, import
    diagnostics) reading open documents first and parsing through the session's incremental parsers."""

    def __init__(self, owner: SessionLoader) -> None:
        super().__init__(owner.host)
        self.owner = owner

    def read_module(self, path: str, name: Optional[str], text: Optional[str]) -> LoadedModule:
        """Read `path` through the session (documents, then the disk cache) and parse it incrementally."""
        if text is None:
            text, reason = self.owner.read(path)
            if text is None:
                return unreadable_module(path, name, reason or "unreadable")
        source, result = self.owner.parse(path, text)
        return parsed_module(path, name, source, result)
