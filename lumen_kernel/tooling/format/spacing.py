"""Spacing between two tokens on one line: the formatter's style rules (TOOLING.md §2.6).

Style: one space around binary operators, after `,` and `:`, between words; none inside brackets, before `,` `:`
`)` `]` `}`, around `.`, between a callee and its `(` or an indexed value and its `[`, after prefix operators.
Where the language itself reads spacing (`set[` versus `set [`, a line-leading `- x` versus `-x`, soft keywords
whose role depends on context) the original spacing is kept. `gap` never joins two tokens into a different one.
"""
from __future__ import annotations

from ...syntax.tokens import (
    BYTES, FLOAT, IDENT, INT, KEYWORD, OP, OPERATORS, RAWSTRING, ROLE, SOFT_KEYWORDS, STRING, TOPLEVEL_CONTEXTUAL,
    Token,
)

OPENERS = frozenset(("(", "[", "{", "?["))
CLOSERS = frozenset((")", "]", "}"))
POSTFIX = frozenset(("?", "!"))
RANGE_OPS = frozenset(("..", "..="))
SPREAD_OPS = frozenset(("..", "...", "..="))
PREFIX_OPS = frozenset(("-", "+", "~"))
WORD_KINDS = frozenset((IDENT, KEYWORD, INT, FLOAT, STRING, RAWSTRING, BYTES, ROLE))
# Keywords that end an operand (`x == null`, `if c then 1 else 2 end - 1`).
OPERAND_KEYWORDS = frozenset(("true", "false", "null", "Null", "end"))
# Identifiers that may act as keywords (`step -3`, `where (x > 0)`): their spacing to an operator is kept.
KEYWORD_LIKE = (SOFT_KEYWORDS | TOPLEVEL_CONTEXTUAL | frozenset((
    "to", "stages", "initial", "state", "terminal", "guard", "transition", "on_enter", "on_event", "on_timeout",
    "handle", "approve", "checkpoint", "escalate", "observe", "with_tool", "confirm",
))) - frozenset(("self", "ok", "err", "parallel", "union"))

# Keywords often written like calls (`halt("stop")`, `not(x)`): their `(` keeps the spacing as written.
CALL_LIKE_KEYWORDS = frozenset(("halt", "emit", "not", "await", "return", "yield"))

SPACE = " "
NONE = ""


def is_operand_end(tok: Token) -> bool:
    """Whether `tok` can end an operand, so that a following `-` or `(` is infix or a call."""
    kind = tok.kind
    if kind == OP:
        return tok.text in CLOSERS or tok.text in POSTFIX
    if kind == KEYWORD:
        return tok.text in OPERAND_KEYWORDS
    return kind in WORD_KINDS


def is_keyword_like(tok: Token) -> bool:
    """An identifier spelled like a soft keyword or contextual word."""
    return tok.kind == IDENT and tok.text in KEYWORD_LIKE


def _kept(had_space: bool) -> str:
    return SPACE if had_space else NONE


def _longest_operator(text: str) -> str:
    for op in OPERATORS:
        if text.startswith(op):
            return op
    return ""


def would_merge(left: Token, right: Token) -> bool:
    """Whether writing `right` directly after `left` would lex differently (`a` `b` → `ab`, `?` `.` → `?.`)."""
    if left.kind == OP and right.kind == OP:
        return _longest_operator(left.text + right.text) != left.text
    left_word = left.kind in (IDENT, KEYWORD, INT, FLOAT)
    right_word = right.kind in (IDENT, KEYWORD, INT, FLOAT, STRING, RAWSTRING, BYTES, ROLE)
    if left_word and right_word:
        return True
    return False


def gap(before: Token | None, prev: Token, cur: Token, had_space: bool, prev_starts_line: bool) -> str:
    """The text to write between `prev` and `cur` on one line.

    `before` is the token before `prev` (None at the start of the logical line), `had_space` whether the original
    text had whitespace between the two, `prev_starts_line` whether `prev` is the first token of its line.
    """
    chosen = _choose(before, prev, cur, had_space, prev_starts_line)
    if chosen == NONE and would_merge(prev, cur):
        return SPACE
    return chosen


def _is_prefix_use(before: Token | None, op: Token) -> bool:
    """Whether the operator token `op` (`-`, `+`, `~`, `..`, `...`) is used as a prefix: nothing that ends an
    operand precedes it."""
    return before is None or not is_operand_end(before)


def _choose(before: Token | None, prev: Token, cur: Token, had_space: bool, prev_starts_line: bool) -> str:
    p, c = prev.text if prev.kind == OP else None, cur.text if cur.kind == OP else None
    # Separators and brackets.
    if c in (",", ";") or c in CLOSERS:
        return NONE
    if p in OPENERS:
        return NONE
    if p == ",":
        return SPACE
    if c == ":":
        return NONE
    if p == ":":
        return SPACE
    # Member access and postfix operators.
    if c in (".", "?.") or p in (".", "?."):
        return NONE
    if c in POSTFIX:
        return NONE
    # Attributes, labels, tool versions: `@name`, `@outer for`, `a.b@1.2.0`.
    if p == "@":
        return NONE
    if c == "@":
        return _kept(had_space)
    # Prefix operators: keep a line-leading `- x` as written (it continues the expression above), and `step -3`.
    if p in PREFIX_OPS:
        if prev_starts_line or (before is not None and is_keyword_like(before)):
            return _kept(had_space)
        if _is_prefix_use(before, prev):
            return NONE
    if p in SPREAD_OPS:
        if _is_prefix_use(before, prev):
            return NONE
        return _kept(had_space)
    if c in PREFIX_OPS or c in SPREAD_OPS:
        if is_keyword_like(prev):
            return _kept(had_space)
        if c in RANGE_OPS and is_operand_end(prev):
            return _kept(had_space)
        if c == "..." and is_operand_end(prev):
            return _kept(had_space)
        return SPACE
    # Calls, indexing, generic arguments.
    if c in ("(", "[", "?["):
        if prev.kind == KEYWORD:
            if prev.text == "fn" and c == "(":
                return NONE
            if (prev.text == "impl" and c == "[") or (prev.text in CALL_LIKE_KEYWORDS and c == "("):
                return _kept(had_space)
            return SPACE
        if is_operand_end(prev):
            if is_keyword_like(prev) or (prev.kind == IDENT and prev.text == "set" and c == "["):
                return _kept(had_space)
            if prev.kind in (INT, FLOAT, BYTES, ROLE):
                return _kept(had_space)
            return NONE
        return SPACE
    return SPACE
