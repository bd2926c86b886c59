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

A chunk's result depends only on its lines and its sentinel line, so after an edit (the changed line range is
found by `source.line_diff`) the chunks before the first one whose lines or sentinel changed are kept as they are,
and chunking starts again there, in the new text, until it reaches a chunk start of the old text after the edit:
from there on the old chunks are kept too (moved by the line delta when lines were inserted or removed, see
`shifting`). The assembled lists (declarations, tokens, diagnostics) are spliced, not rebuilt, when no line was
inserted or removed. Results of chunks that left the text are kept for a while, by chunk text and sentinel, so
undoing an edit does not parse again.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Optional

from ..diagnostics.model import Diagnostic, Span
from ..source.line_diff import line_change
from ..source.model import Directive, SourceFile
from ..syntax import ast
from ..syntax.lexer import lex
from ..syntax.parse_core import DECL_WORDS
from ..syntax.parser import ParseResult, parse_tokens
from ..syntax.tokens import DEDENT, EOF, INDENT, NEWLINE, OP
from .shifting import Positioned, shift_diagnostic, shift_directive

_FIRST_WORD = re.compile(r"[A-Za-z_]\w*|@")
_INITIALS = frozenset(word[0] for word in DECL_WORDS) | {"@"}
_LABEL_LOOP = re.compile(r"@[ \t]*[A-Za-z_]\w*[ \t]+(?:for|while|loop)\b")
_OPENERS = frozenset(("(", "[", "{", "?["))
_CLOSERS = frozenset((")", "]", "}"))
# Results of chunks that left the text, kept for reuse (undo, moved declarations): enough for every declaration of
# a large file, since an unclosed bracket briefly merges all the chunks after it into one.
SPARE_LIMIT = 1024
# A new chunk of L lines starting at line S is lexed below S blank lines (not moved there) when L * PAD_RATIO >= S:
# a blank line costs ~0.2 µs to lex, moving a parsed line ~15 µs.
PAD_RATIO = 64


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


def boundary_lines(lines: list[str], first: int = 1) -> list[int]:
    """0-based indexes of the candidate chunk starts from line `first` on (a `\\` continuation above a line
    keeps it in the previous chunk; line 0 starts the first chunk and is never a candidate)."""
    starts = []
    for index in range(max(first, 1), len(lines)):
        line = lines[index]
        if line and line[0] in _INITIALS and is_boundary_line(line) \
                and not lines[index - 1].rstrip().endswith("\\"):
            starts.append(index)
    return starts


def next_boundary(lines: list[str], index: int) -> int:
    """The first candidate chunk start after 0-based line `index` (the number of lines when there is none)."""
    count = len(lines)
    index += 1
    while index < count:
        line = lines[index]
        if line and line[0] in _INITIALS and is_boundary_line(line) \
                and not lines[index - 1].rstrip().endswith("\\"):
            return index
        index += 1
    return count


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
    positioned: Optional[Positioned] = None     # built on the first move (see `shifting.Positioned`)
    token_delta: int = 0    # lines the tokens still have to move (token moves wait until tokens are read)


@dataclass
class ParseStats:
    """Counters of the last `IncrementalParser.parse` call (for tests and benchmarks)."""

    chunks: int = 0
    parsed: int = 0
    reused: int = 0
    moved: int = 0


@dataclass
class _Cached:
    """A chunk result and the 0-based line its chunk started on."""

    start: int
    result: ChunkResult


@dataclass
class _Chunk:
    """One chunk of the last parsed text: lines `start`..`end` (0-based, end exclusive; line `end`, when there is
    one, is its sentinel), the key of its result (chunk text, sentinel text), the result (positioned at `start`) and
    the diagnostics the chunk contributes (`kept`: its own, without those the chunk before already reported)."""

    start: int
    end: int
    key: tuple
    result: ChunkResult
    kept: list[Diagnostic]


def _items(chunk: _Chunk) -> list:
    return chunk.result.items


def _tokens(chunk: _Chunk) -> list:
    return chunk.result.tokens


def _kept_diagnostics(chunk: _Chunk) -> list:
    return chunk.kept


def _directives(chunk: _Chunk) -> list:
    return chunk.result.directives


#: What the chunks contribute to the assembled result, in the order of `IncrementalParser.flat`.
_PARTS = (_items, _tokens, _kept_diagnostics, _directives)


@dataclass
class IncrementalParser:
    """Parses successive versions of one file, re-parsing only the chunks an edit touched (see the module
    docstring)."""

    stats: ParseStats = field(default_factory=ParseStats)
    assembled_tokens: list = field(default_factory=list)    # the tokens of the last parsed text (without EOF; never
    #                                 changed in place: the next parse makes a new list), maybe not yet moved
    spare: dict[tuple, list[_Cached]] = field(default_factory=dict)   # results of chunks no longer in the text
    open_ends: dict[tuple, int] = field(default_factory=dict)   # where unclosed chunks end (see `_closed_end`)
    program: Optional[str] = None      # the program text of the last parse
    origin: tuple = ()                 # (path, is_markdown) of the last parse: the chunk results depend on them
    lines: list[str] = field(default_factory=list)      # the lines of `program`
    chunks: list[_Chunk] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)     # the start line of each chunk
    flat: list[list] = field(default_factory=lambda: [[], [], [], []])   # items, tokens, diagnostics, directives
    last_lexed: Optional[tuple] = None      # (program, lexed) of the last unclosed-text scan (see `_closed_end`)
    ends: list[list[int]] = field(default_factory=lambda: [[], [], [], []])   # where each chunk's part ends

    @property
    def tokens(self) -> list:
        """The tokens of the last parsed text (without EOF), at their current positions."""
        self.settle_tokens()
        return self.assembled_tokens

    def settle_tokens(self) -> None:
        """Apply the token moves still pending (moving a chunk moves its syntax nodes at once but its tokens only
        when they are read: most analyses of an edit that inserts a line never read the tokens below it)."""
        for chunk in self.chunks:
            _settle(chunk.result)
        for entries in self.spare.values():
            for entry in entries:
                _settle(entry.result)

    def parse(self, source: SourceFile) -> ParseResult:
        """The parse result of `source`, equal to `lumen_kernel.syntax.parse_source(source)`."""
        stats = ParseStats()
        new_open: dict[tuple, int] = {}
        origin = (source.path, source.is_markdown)
        try:
            if self.program is None or origin != self.origin:
                self.lines = source.program.split("\n")
                self.spare = {}
                self._clear()
                window, _ = self._rechunk(source, 0, len(self.lines), 0, [], stats, new_open)
                self._replace(0, 0, window)
            else:
                change = line_change(self.program, source.program, len(self.lines))
                if change is not None:
                    self._update(source, change.first, change.old_end, change.new_lines, stats, new_open)
        except BaseException:
            self.program = None      # the chunk list may be half updated: start from scratch next time
            raise
        self.program = source.program
        self.origin = origin
        self.open_ends = new_open
        stats.chunks = len(self.chunks)
        stats.reused = stats.chunks - stats.parsed
        self.stats = stats
        return self._result(source)

    def _update(self, source: SourceFile, first: int, old_end: int, new_lines: list[str], stats: ParseStats,
                new_open: dict[tuple, int]) -> None:
        """Apply one change (old lines `first`..`old_end` became `new_lines`): chunk again from the first chunk
        whose lines or sentinel changed until an old chunk start after the change, keep the other chunks."""
        delta = len(new_lines) - (old_end - first)
        self.lines[first:old_end] = new_lines
        chunks, starts = self.chunks, self.starts
        first_chunk = max(bisect_left(starts, first) - 1, 0)       # the first chunk whose end (sentinel) >= first
        touched = bisect_left(starts, old_end)                     # chunks before this one overlap the change
        for chunk in chunks[first_chunk:touched]:
            self._keep_spare(chunk)
        previous_kept = chunks[first_chunk - 1].kept if first_chunk else []
        window, rejoin = self._rechunk(source, starts[first_chunk], first + len(new_lines), delta, previous_kept,
                                       stats, new_open)
        for chunk in chunks[touched:rejoin]:
            self._keep_spare(chunk)
        self._trim_spare()
        suffix = chunks[rejoin:]
        if delta:
            for chunk in suffix:
                _shift_chunk(chunk, delta)
            stats.moved += len(suffix)
        # The first chunk after the window follows another chunk now: its diagnostics at its first line may have
        # been reported by that one, and the comments above its first declaration may have changed. (Moved
        # chunks have new diagnostic objects: their kept lists are made again.)
        previous = window[-1].kept
        for chunk in suffix if delta else suffix[:1]:
            chunk.kept = _kept(previous, chunk.result.diagnostics, chunk.start + 1)
            previous = chunk.kept
        if suffix:
            _set_docs(suffix[0].result.items, self.lines)
        if delta:
            self._clear()
            self._replace(0, 0, chunks[:first_chunk] + window + suffix)
        else:
            self._replace(first_chunk, rejoin + len(suffix[:1]), window + suffix[:1])

    def _clear(self) -> None:
        """Forget the chunk list and the assembled lists."""
        self.chunks, self.starts = [], []
        self.flat, self.ends = [[], [], [], []], [[], [], [], []]

    def _replace(self, first: int, stop: int, middle: list[_Chunk]) -> None:
        """Replace the chunks `first`..`stop` by `middle` in the chunk list and the assembled lists (the chunks
        after them keep their lines)."""
        self.chunks = self.chunks[:first] + middle + self.chunks[stop:]
        self.starts = self.starts[:first] + [chunk.start for chunk in middle] + self.starts[stop:]
        for kind, part in enumerate(_PARTS):
            self.flat[kind], self.ends[kind] = _spliced(self.flat[kind], self.ends[kind], first, stop,
                                                        [part(chunk) for chunk in middle])

    def _rechunk(self, source: SourceFile, position: int, changed_end: int, delta: int,
                 previous_kept: list[Diagnostic], stats: ParseStats,
                 new_open: dict[tuple, int]) -> tuple[list[_Chunk], int]:
        """The chunks of the new text from line `position` (a chunk start) until the end of the file, or until a
        chunk start at or after `changed_end` (the end of the changed lines, new text) that was a chunk start of
        the old text (`delta` lines earlier); with the index of that old chunk (the number of old chunks when the
        end of the file was reached)."""
        lines = self.lines
        count = len(lines)
        old_starts = self.starts
        window: list[_Chunk] = []
        while True:
            end = next_boundary(lines, position)
            found = self._chunk(source, lines, position, end, stats)
            if found is None:
                # The text before the sentinel is not closed: extend the chunk to the first boundary where the
                # text is closed again (or to the end of the file).
                end = self._closed_end(source, lines, position, boundary_lines(lines, end), new_open)
                found = self._chunk(source, lines, position, end, stats, force=True)
            key, result = found
            kept = _kept(previous_kept, result.diagnostics, position + 1)
            _set_docs(result.items, lines)
            window.append(_Chunk(position, end, key, result, kept))
            previous_kept = kept
            position = end
            if position >= count:
                return window, len(self.chunks)
            if position >= changed_end:
                index = bisect_left(old_starts, position - delta)
                if index < len(old_starts) and old_starts[index] == position - delta:
                    return window, index

    def _chunk(self, source: SourceFile, lines: list[str], start: int, end: int, stats: ParseStats,
               force: bool = False) -> Optional[tuple[tuple, ChunkResult]]:
        """The key and result of the chunk of lines `start`..`end` (0-based, end exclusive), or None when the
        text before its sentinel is not closed (`force`: the caller already knows that it is). A spare result of
        the same text (only closed texts have results) is reused, moved to `start` when it was elsewhere."""
        sentinel = lines[end] if end < len(lines) else None
        chunk_lines = lines[start:end]
        key = ("\n".join(chunk_lines), sentinel)
        candidates = self.spare.get(key)
        if candidates:
            chosen = next((entry for entry in candidates if entry.start == start), candidates[0])
            candidates.remove(chosen)        # one result serves one chunk
            if not candidates:
                del self.spare[key]
            if chosen.start != start:
                _move(chosen, start)
                stats.moved += 1
            return key, chosen.result
        # A small chunk is lexed and parsed from line 1 (lexing blank padding lines up to `start` costs more than
        # the chunk itself), then moved to `start` like a cached chunk that moved. A large one (such as the rest
        # of the file after an unclosed bracket) is lexed below `start` blank lines instead: moving its nodes
        # would cost far more than the padding.
        pad = start if (end - start) * PAD_RATIO >= start else 0
        if sentinel is not None:
            chunk_lines.append(sentinel)
        if pad:
            chunk_lines = [""] * pad + chunk_lines
        program = "\n".join(chunk_lines)
        reused, self.last_lexed = self.last_lexed, None
        if reused is not None and reused[0] == program:
            lexed = reused[1]
        else:
            lexed = lex(SourceFile(path=source.path, text="", program=program, is_markdown=source.is_markdown))
        limit = pad + end - start + 1   # 1-based sentinel line within the lexed text
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
        entry = _Cached(pad, result)
        if start != pad:
            _move(entry, start)
        return key, entry.result

    def _keep_spare(self, chunk: _Chunk) -> None:
        """Keep the result of a chunk that leaves the text for reuse."""
        self.spare.setdefault(chunk.key, []).append(_Cached(chunk.start, chunk.result))

    def _trim_spare(self) -> None:
        """Forget the oldest spare results beyond `SPARE_LIMIT` keys."""
        while len(self.spare) > SPARE_LIMIT:
            del self.spare[next(iter(self.spare))]

    def _closed_end(self, source: SourceFile, lines: list[str], start: int, candidates: list[int],
                    new_open: dict[tuple, int]) -> int:
        """The first of the `candidates` boundaries (0-based lines) where the text from `start` is closed, or the
        number of lines when there is none; one lexing pass from `start` to the end of the file."""
        key = (start, "\n".join(lines[start:]))
        found = self.open_ends.get(key)
        if found is None:
            program = "\n".join([""] * start + lines[start:])
            lexed = lex(SourceFile(path=source.path, text="", program=program, is_markdown=source.is_markdown))
            line = _first_closed(lexed.tokens, [candidate + 1 for candidate in candidates])
            found = line - 1 if line is not None else len(lines)
            if found == len(lines):
                # The chunk will run to the end of the file, and is large: `_chunk` lexes this very text again.
                self.last_lexed = (program, lexed)
        new_open[key] = found
        return found

    def _result(self, source: SourceFile) -> ParseResult:
        """The parse result assembled from the chunks (fresh lists; the syntax nodes are the chunks')."""
        lines = self.lines
        items, tokens, diagnostics, directives = self.flat
        module = ast.Module(path=source.path, items=list(items),
                            span=Span(source.path, 1, 1, max(len(lines), 1), len(lines[-1]) + 1 if lines else 1))
        all_directives = list(source.prose_directives) + directives
        all_directives.sort(key=lambda d: (d.line, d.column))
        self.assembled_tokens = tokens
        return ParseResult(module=module, diagnostics=list(diagnostics), directives=all_directives)


def _spliced(flat: list, ends: list[int], first: int, stop: int, parts: list[list]) -> tuple[list, list[int]]:
    """An assembled list (`ends[i]`: where the part of chunk `i` ends) with the parts of chunks `first`..`stop`
    replaced by `parts`, and its new ends."""
    begin = ends[first - 1] if first else 0
    old_stop = ends[stop - 1] if stop else 0
    middle: list = []
    middle_ends: list[int] = []
    total = begin
    for part in parts:
        if part:
            middle.extend(part)
            total += len(part)
        middle_ends.append(total)
    shift = total - old_stop
    tail = [end + shift for end in ends[stop:]] if shift else ends[stop:]
    spliced = flat.copy()       # (one copy: slicing and concatenating long lists costs several)
    spliced[begin:old_stop] = middle
    return spliced, ends[:first] + middle_ends + tail


def _kept(previous: list[Diagnostic], diagnostics: list[Diagnostic], line: int) -> list[Diagnostic]:
    """The diagnostics a chunk starting at 1-based `line` contributes: its own, without those at the start of
    that line that were already reported there (by the chunk before, through its sentinel, or by itself)."""
    for diagnostic in diagnostics:
        span = diagnostic.span
        if span is not None and span.line == line and span.column == 1:
            break
    else:
        return diagnostics
    kept: list[Diagnostic] = []
    for diagnostic in diagnostics:
        span = diagnostic.span
        if span is not None and span.line == line and span.column == 1 and _reported_at(previous + kept, line):
            continue
        kept.append(diagnostic)
    return kept


def _set_docs(items: list, lines: list[str]) -> None:
    """Set the `doc` of the declarations among `items` from the comment lines above them."""
    for item in items:
        if isinstance(item, ast.Decl):
            item.doc = doc_comment(lines, item.span.line)


def _shift_chunk(chunk: _Chunk, delta: int) -> None:
    """Move a chunk of the text (and its result) by `delta` lines."""
    entry = _Cached(chunk.start, chunk.result)
    _move(entry, chunk.start + delta)
    chunk.start += delta
    chunk.end += delta


def _move(entry: _Cached, start: int) -> None:
    """Move a cached chunk result to another start line (in place for nodes and tokens)."""
    delta = start - entry.start
    result = entry.result
    if result.positioned is None:
        result.positioned = Positioned(result.items, result.tokens)
    result.positioned.shift_nodes(delta)
    result.token_delta += delta
    result.diagnostics = [shift_diagnostic(d, delta) for d in result.diagnostics]
    result.directives = [shift_directive(d, delta) for d in result.directives]
    entry.start = start


def _settle(result: ChunkResult) -> None:
    """Move a chunk result's tokens by their pending delta."""
    if result.token_delta:
        result.positioned.shift_tokens(result.token_delta)
        result.token_delta = 0


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
