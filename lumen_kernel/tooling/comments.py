"""Comments of a program text, found from its tokens (LANGUAGE.md §2.1).

The lexer drops comments, so they are recovered from the text the tokens leave uncovered: on each physical line,
whatever follows the last token (or the whole line when no token touches it) and starts with `#` is a comment.
Lines strictly inside a multi-line token (triple-quoted string, block role text) hold no comment. Used by the
formatter (comment preservation), the linter (`# lumen: allow(...)`) and the doc generator (doc comments).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..syntax.tokens import DEDENT, EOF, INDENT, NEWLINE, Token

LAYOUT_KINDS = frozenset((NEWLINE, INDENT, DEDENT, EOF))

_ALLOW = re.compile(r"#\s*lumen:\s*allow\(([^)]*)\)")


@dataclass(frozen=True)
class Comment:
    """One comment: 1-based line and column of its `#`, its text from `#` (trailing whitespace removed), and
    whether code precedes it on the line (`trailing`)."""

    line: int
    column: int
    text: str
    trailing: bool


@dataclass(frozen=True)
class LineCoverage:
    """How tokens cover each physical line (index 0 is line 1).

    `code_end[i]` is the 0-based index just after the last token text on line i+1 (-1 when no token touches the
    line); `inside[i]` is true when the line lies strictly inside a multi-line token (its start is on an earlier
    line and its end on a later one) or is covered to its end by one.
    """

    code_end: list[int]
    inside: list[bool]


def line_coverage(tokens: list[Token], line_count: int) -> LineCoverage:
    """Where the non-layout tokens of a program end on each of its `line_count` lines."""
    code_end = [-1] * line_count
    inside = [False] * line_count
    for tok in tokens:
        if tok.kind in LAYOUT_KINDS:
            continue
        span = tok.span
        last = span.end_line - 1
        if 0 <= last < line_count:
            code_end[last] = max(code_end[last], span.end_column - 1)
        for index in range(span.line, min(span.end_line - 1, line_count)):
            inside[index] = True
        first = span.line - 1
        if span.end_line > span.line and 0 <= first < line_count:
            code_end[first] = max(code_end[first], 1 << 30)
    return LineCoverage(code_end, inside)


def find_comments(tokens: list[Token], lines: list[str]) -> list[Comment]:
    """Every comment of a program text given as `lines` (1-based line numbers), in source order."""
    coverage = line_coverage(tokens, len(lines))
    comments: list[Comment] = []
    for index, line in enumerate(lines):
        if not line or coverage.inside[index]:
            continue
        end = coverage.code_end[index]
        if end >= len(line):
            continue
        start = max(end, 0)
        tail = line[start:]
        stripped = tail.lstrip(" \t")
        if not stripped.startswith("#"):
            continue
        column = start + (len(tail) - len(stripped)) + 1
        comments.append(Comment(index + 1, column, stripped.rstrip(), trailing=end >= 0))
    return comments


def allowed_rules(comment_text: str) -> list[str] | None:
    """The rule names of a `# lumen: allow(rule, …)` comment, or None when the comment is something else."""
    match = _ALLOW.search(comment_text)
    if match is None:
        return None
    return [name.strip() for name in match.group(1).split(",") if name.strip()]
