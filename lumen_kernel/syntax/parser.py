"""The Lumen parser: tokens to AST with error recovery (LANGUAGE.md §3, §7.4).

`parse_source` lexes and parses a `SourceFile`; `parse_text` does the same for a text (tests and tools). The result
holds the module, every lexical and parse diagnostic in source order (never two at one position, none inside text
skipped by recovery), and the directives of the file (prose lines of a markdown file and top-level attribute lines).
The grammar is split over `parse_types`, `parse_patterns`, `parse_exprs`, `parse_stmts` and `parse_decls`.
"""
from __future__ import annotations

import gc
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

from . import ast
from ..diagnostics.model import Diagnostic, Span
from ..source.model import Directive, SourceFile, load_source
from .lexer import lex
from .parse_core import MAX_DEPTH, ParseError
from .parse_decls import DeclParser
from .tokens import Token

# Frames one nesting level may use (an interpolation inside an interpolation costs about 7), plus a margin for the
# caller: nesting up to MAX_DEPTH must stay below Python's recursion limit, which is raised once, at import.
_FRAMES_PER_LEVEL = 12
_RECURSION_NEEDED = MAX_DEPTH * _FRAMES_PER_LEVEL + 2000
if sys.getrecursionlimit() < _RECURSION_NEEDED:
    sys.setrecursionlimit(_RECURSION_NEEDED)


class Parser(DeclParser):
    """Recursive-descent parser for one token stream (see the modules named in this module's docstring)."""


@dataclass
class ParseResult:
    """A parsed module, its lexical and parse diagnostics in source order, and its directives."""

    module: ast.Module
    diagnostics: list[Diagnostic] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when there is no error."""
        return not any(d.is_error for d in self.diagnostics)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: lexing and parsing allocate many objects and no cycles, and the
    collector's passes over them would more than double the time.

    On the way out the new objects (mostly the AST, which lives as long as the module) are moved straight to the
    oldest generation with `gc.freeze()` + `gc.unfreeze()`, instead of being scanned by the first young-generation
    collection (a sixth of the front end's time). This is skipped when the application keeps frozen objects of its
    own, so as not to unfreeze them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def parse_tokens(tokens: list[Token], path: str, lines: list[str], is_markdown: bool = False,
                 lex_diagnostics: list[Diagnostic] | None = None) -> ParseResult:
    """Parse a token stream (ending with EOF) of the program text `lines`; merge the lexer's diagnostics."""
    with _no_cyclic_gc():
        return _parse_tokens(tokens, path, lines, is_markdown, lex_diagnostics)


def _parse_tokens(tokens: list[Token], path: str, lines: list[str], is_markdown: bool,
                  lex_diagnostics: list[Diagnostic] | None) -> ParseResult:
    lex_diagnostics = list(lex_diagnostics or [])
    reported = {(d.span.line, d.span.column) for d in lex_diagnostics if d.span is not None}
    parser = Parser(tokens, path, lines, is_markdown=is_markdown, reported=reported)
    try:
        module = parser.parse_program()
    except (ParseError, RecursionError):
        # Should not happen (every error is recovered, nesting is capped); keep the promise of never raising.
        tok = parser.toks[min(parser.pos, len(parser.toks) - 1)]
        parser.report("E016", "malformed program: the parser could not recover here", tok.span)
        module = ast.Module(path=path, items=[], span=Span(path, 1, 1, 1, 1))
    kept_lexical = [d for d in lex_diagnostics if not _inside_skipped(d, parser.skipped)]
    diagnostics = kept_lexical + parser.diagnostics
    diagnostics.sort(key=lambda d: (d.span.line, d.span.column) if d.span else (0, 0))
    return ParseResult(module=module, diagnostics=diagnostics, directives=list(parser.directives))


def _inside_skipped(diagnostic: Diagnostic, skipped: list[tuple[tuple[int, int], tuple[int, int]]]) -> bool:
    """Whether a diagnostic lies inside text skipped by parse recovery (§7.4 rule 9)."""
    if diagnostic.span is None:
        return False
    position = (diagnostic.span.line, diagnostic.span.column)
    return any(start <= position < end for start, end in skipped)


def parse_source(source: SourceFile) -> ParseResult:
    """Lex and parse a source file; directives are the prose directives plus the top-level attribute lines."""
    with _no_cyclic_gc():
        lexed = lex(source)
        lines = source.program.split("\n")
        result = _parse_tokens(lexed.tokens, source.path, lines, source.is_markdown, lexed.diagnostics)
        # Free the tokens by reference counting now, so the collection that follows re-enabling the collector
        # only has the AST to look at.
        del lexed
    directives = list(source.prose_directives) + result.directives
    directives.sort(key=lambda d: (d.line, d.column))
    result.directives = directives
    return result


def parse_text(text: str, path: str = "input.lm") -> ParseResult:
    """Parse a text as the file `path` (a `.lm.md` path gets markdown extraction); for tests and tools."""
    return parse_source(load_source(path, text))
