"""Whether an entry typed at the REPL is complete or needs more lines (TOOLING.md §2.9 continuation prompt).

An entry needs more lines while a block or a bracket is still open, or a triple-quoted string is unterminated: the
parser's only complaints are then about reaching the end of the input (`E011`, `E012 unclosed …`, `E013 expected
'end' …`, `E002` on a triple-quoted string). Any other error makes the entry complete (and wrong), so it is
reported at once.
"""
from __future__ import annotations

from ...diagnostics.model import Diagnostic

REPL_PATH = "<repl>.lm"
_TRIPLE_QUOTES = ('"""', "'''")


def needs_more_input(text: str) -> bool:
    """True when `text` is an unfinished entry: an open block, bracket or triple-quoted string at its end."""
    if not text.strip():
        return False
    from ...source.model import load_source
    from ...syntax import parse_source

    result = parse_source(load_source(REPL_PATH, text))
    errors = [d for d in result.diagnostics if d.is_error]
    if not errors:
        return False
    lines = text.split("\n")
    return all(_is_open_at_end(diagnostic, lines) for diagnostic in errors)


def _is_open_at_end(diagnostic: Diagnostic, lines: list[str]) -> bool:
    """Whether a parse error only says that something opened in the entry is still open at its end."""
    if diagnostic.code in ("E011", "E013"):
        return True
    if diagnostic.code == "E012":
        return diagnostic.message.startswith("unclosed ")
    if diagnostic.code == "E002" and diagnostic.span is not None:
        line = lines[diagnostic.span.line - 1] if 0 < diagnostic.span.line <= len(lines) else ""
        return line[diagnostic.span.column - 1:].startswith(_TRIPLE_QUOTES)
    return False
