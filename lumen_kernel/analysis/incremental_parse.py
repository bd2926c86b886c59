"""Incremental parsing: re-parse only the top-level declarations whose text changed (TOOLING.md §6.2).

The program text of a file is cut into **chunks** at lines that start a top-level declaration at indentation 0
(the lines where the parser's top-level recovery and its missing-`end` rule synchronise, LANGUAGE.md §7.4 rules 2
and 5). Each chunk is lexed and parsed on its own, with the first line of the next chunk appended as a *sentinel*:
the sentinel makes the chunk end exactly as it ends inside the whole file (an unclosed construct meets the next
declaration line, not the end of input), and whatever the parser reports for the sentinel line itself is dropped.
Chunks keep their own line numbers (the text above them is blank), so their spans are the file's.

A chunk boundary is used only when the text before it is *closed*: no bracket is open, no multi-line token (a
triple-quoted string, a `\\` continuation) runs into the sentinel line. Otherwise the chunk is merged with the next
one. With these rules the assembled result equals `parse_source` of the whole text (checked by a property test).

Results are cached by chunk text and sentinel text, so an edit re-parses the chunks it touches; a chunk that only
moved (lines were inserted or removed above it) gets its cached result shifted (`shifting`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from ..diagnostics.model import Diagnostic, Span
from ..source.model import Directive, SourceFile
from ..syntax import ast
from ..syntax.lexer import lex
from ..syntax.parse_core import DECL_WORDS
from ..syntax.parser import ParseResult, parse_tokens
from ..syntax.tokens import DEDENT, EOF, INDENT, NEWLINE, OP
from .shifting import shift_diagnostic, shift_directive, shift_nodes, shift_tokens

_FIRST_WORD = re.compile(r"[A-Za-z_]\w*|@")
_INITIALS = frozenset(word[0] for word in DECL_WORDS) | {"@"}
_LABEL_LOOP = re.compile(r"@[ \t]*[A-Za-z_]\w*[ \t]+(?:for|while|loop)\b")
_OPENERS = frozenset(("(", "[", "{", "?["))
_CLOSERS = frozenset((")", "]", "}"))


def is_boundary_line(line: str) -> bool:
    """Whether a program line starts a top-level declaration at indentation 0 (a candidate chunk start)."""
    if not line or line[0] not in _INITIALS:
        return False
    match = _FIRST_WORD.match(line)
    if match is None:
        return False
    word = match.group()
    if word == "@":
        return _LABEL_LOOP.match(line) is None
    return word in DECL_WORDS


def boundary_lines(lines: list[str]) -> list[int]:
    """0-based indexes of the candidate chunk starts after the first line (a `\\` continuation above a line
    keeps it in the previous chunk)."""
    starts = []
    for index in range(1, len(lines)):
        line = lines[index]
        if line and line[0] in _INITIALS and is_boundary_line(line) \
                and not lines[index - 1].rstrip().endswith("\\"):
            starts.append(index)
    return starts


def doc_comment(lines: list[str], line: int) -> Optional[str]:
    """The `#` comment lines directly above 1-based line `line`, without their `#` (as the parser records a
    declaration's `doc`)."""
    index = line - 2
    collected: list[str] = []
    while index >= 0:
        text = lines[index].strip()
        if not text.startswith("#"):
            break
        collected.append(text[1:].strip())
        index -= 1
    if not collected:
        return None
    return "\n".join(reversed(collected))


@dataclass
class ChunkResult:
    """What one chunk contributes to the file's parse result (sentinel output removed)."""

    items: list
    diagnostics: list[Diagnostic]
    directives: list[Directive]
    tokens: list            # the chunk's tokens before its sentinel line (layout tokens included, no EOF)


@dataclass
class ParseStats:
    """Counters of the last `IncrementalParser.parse` call (for tests and benchmarks)."""

    chunks: int = 0
    parsed: int = 0
    reused: int = 0
    moved: int = 0


@dataclass
class _Cached:
    """A cached chunk result and the 0-based line its chunk started on."""

    start: int
    result: ChunkResult


@dataclass
class IncrementalParser:
    """Parses successive versions of one file, reusing the chunks whose text did not change (moved by whole lines
    when lines were inserted or removed above them, see `shifting`)."""

    cache: dict[tuple, list[_Cached]] = field(default_factory=dict)   # (chunk text, sentinel) -> results
    open_ends: dict[tuple, int] = field(default_factory=dict)   # where unclosed chunks end (see `_closed_end`)
    stats: ParseStats = field(default_factory=ParseStats)
    tokens: list = field(default_factory=list)    # the tokens of the last parsed text (without EOF)

    def parse(self, source: SourceFile) -> ParseResult:
        """The parse result of `source`, equal to `lumen_kernel.syntax.parse_source(source)`."""
        lines = source.program.split("\n")
        starts = [0] + boundary_lines(lines)
        new_cache: dict[tuple, list[_Cached]] = {}
        new_open: dict[tuple, int] = {}
        stats = ParseStats()
        items: list = []
        diagnostics: list[Diagnostic] = []
        directives: list[Directive] = []
        tokens: list = []
        index = 0
        while index < len(starts):
            start = starts[index]
            end = starts[index + 1] if index + 1 < len(starts) else len(lines)
            result = self._chunk(source, lines, start, end, new_cache, stats)
            if result is None:
                # The text before the sentinel is not closed: extend the chunk to the first boundary where the
                # text is closed again (or to the end of the file).
                end = self._closed_end(source, lines, start, starts[index + 1:], new_open)
                result = self._chunk(source, lines, start, end, new_cache, stats, force=True)
            stats.chunks += 1
            first_line = start + 1
            for diagnostic in result.diagnostics:
                span = diagnostic.span
                if diagnostics and span is not None and span.line == first_line and span.column == 1 \
                        and _reported_at(diagnostics, first_line):
                    continue       # the previous chunk already reported at this position (via its sentinel)
                diagnostics.append(diagnostic)
            items.extend(result.items)
            directives.extend(result.directives)
            tokens.extend(result.tokens)
            while index < len(starts) and starts[index] < end:
                index += 1
        for item in items:
            if isinstance(item, ast.Decl):
                item.doc = doc_comment(lines, item.span.line)
        last_line = max(len(lines), 1)
        module = ast.Module(path=source.path, items=items,
                            span=Span(source.path, 1, 1, last_line, len(lines[-1]) + 1 if lines else 1))
        all_directives = list(source.prose_directives) + directives
        all_directives.sort(key=lambda d: (d.line, d.column))
        self.cache = new_cache
        self.open_ends = new_open
        self.stats = stats
        self.tokens = tokens
        return ParseResult(module=module, diagnostics=diagnostics, directives=all_directives)

    def _chunk(self, source: SourceFile, lines: list[str], start: int, end: int,
               new_cache: dict[tuple, list[_Cached]], stats: ParseStats,
               force: bool = False) -> Optional[ChunkResult]:
        """The result of the chunk of lines `start`..`end` (0-based, end exclusive), or None when the text
        before its sentinel is not closed (`force`: the caller already knows that it is). A cached result of the
        same text (only closed texts are cached) is reused, moved to `start` when it was elsewhere."""
        sentinel = lines[end] if end < len(lines) else None
        key = ("\n".join(lines[start:end]), sentinel)
        candidates = self.cache.get(key)
        if candidates:
            chosen = candidates[0]
            if chosen.start != start:
                chosen = next((entry for entry in candidates if entry.start == start), chosen)
            candidates.remove(chosen)        # one cached result serves one chunk
            if chosen.start != start:
                _move(chosen, start)
                stats.moved += 1
            new_cache.setdefault(key, []).append(chosen)
            stats.reused += 1
            return chosen.result
        # The chunk is lexed and parsed from line 1 (lexing blank padding lines up to `start` costs more than
        # the chunk itself), then moved to `start` like a cached chunk that moved.
        chunk_lines = lines[start:end]
        if sentinel is not None:
            chunk_lines.append(sentinel)
        lexed = lex(SourceFile(path=source.path, text="", program="\n".join(chunk_lines),
                               is_markdown=source.is_markdown))
        limit = end - start + 1   # 1-based sentinel line within the chunk
        if sentinel is not None and not force and _first_closed(lexed.tokens, [limit]) is None:
            return None
        parsed = parse_tokens(lexed.tokens, source.path, chunk_lines, source.is_markdown, lexed.diagnostics)
        stats.parsed += 1
        if sentinel is None:
            result = ChunkResult(parsed.module.items, parsed.diagnostics, parsed.directives,
                                 [tok for tok in lexed.tokens if tok.kind != EOF])
        else:
            result = ChunkResult(
                [item for item in parsed.module.items if item.span.line < limit],
                [d for d in parsed.diagnostics if d.span is None or (d.span.line, d.span.column) < (limit, 2)],
                [d for d in parsed.directives if d.line < limit],
                [tok for tok in lexed.tokens if tok.span.line < limit and tok.kind != EOF])
        entry = _Cached(0, result)
        if start:
            _move(entry, start)
        new_cache.setdefault(key, []).append(entry)
        return entry.result

    def _closed_end(self, source: SourceFile, lines: list[str], start: int, candidates: list[int],
                    new_open: dict[tuple, int]) -> int:
        """The first of the `candidates` boundaries (0-based lines) where the text from `start` is closed, or the
        number of lines when there is none; one lexing pass from `start` to the end of the file."""
        key = (start, "\n".join(lines[start:]))
        found = self.open_ends.get(key)
        if found is None:
            padded = [""] * start + lines[start:]
            lexed = lex(SourceFile(path=source.path, text="", program="\n".join(padded),
                                   is_markdown=source.is_markdown))
            line = _first_closed(lexed.tokens, [candidate + 1 for candidate in candidates])
            found = line - 1 if line is not None else len(lines)
        new_open[key] = found
        return found


def _move(entry: _Cached, start: int) -> None:
    """Move a cached chunk result to another start line (in place for nodes and tokens)."""
    delta = start - entry.start
    result = entry.result
    shift_nodes(result.items, delta)
    shift_tokens(result.tokens, delta)
    result.diagnostics = [shift_diagnostic(d, delta) for d in result.diagnostics]
    result.directives = [shift_directive(d, delta) for d in result.directives]
    entry.start = start


_LAYOUT = (NEWLINE, INDENT, DEDENT)


def _first_closed(tokens: list, candidates: list[int]) -> Optional[int]:
    """The first of the 1-based `candidates` lines (ascending) that the token stream reaches in a clean top-level
    state: the line's first token starts a new logical line at column 1, no bracket opened before it is still
    open, and no multi-line token runs into it. None when there is none."""
    if not candidates:
        return None
    depth = 0
    previous = None
    position = 0
    candidate = candidates[0]
    for token in tokens:
        kind = token.kind
        if kind in _LAYOUT:
            previous = token
            continue
        span = token.span
        while span.line >= candidate:
            if (span.line == candidate and span.column == 1 and depth == 0
                    and (previous is None or previous.kind in _LAYOUT)):
                return candidate
            position += 1
            if position == len(candidates):
                return None
            candidate = candidates[position]
        if span.end_line >= candidate:
            # A multi-line token runs into the candidate line (and maybe into later ones).
            while position < len(candidates) and candidates[position] <= span.end_line:
                position += 1
            if position == len(candidates):
                return None
            candidate = candidates[position]
        if kind == OP:
            text = token.text
            if text in _OPENERS:
                depth += 1
            elif text in _CLOSERS and depth:
                depth -= 1
        previous = token
    return None


def _reported_at(diagnostics: list[Diagnostic], line: int) -> bool:
    """Whether the already collected diagnostics hold one at `line`, column 1 (they are in source order)."""
    for diagnostic in reversed(diagnostics):
        span = diagnostic.span
        if span is None or span.line < line:
            return False
        if span.line == line and span.column == 1:
            return True
    return False
