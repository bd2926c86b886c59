"""Tokens produced by the lexer (LANGUAGE.md §2) and consumed by the parser."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..diagnostics.model import Span

# Token kinds.
INT = "INT"              # value: int
FLOAT = "FLOAT"          # value: float
STRING = "STRING"        # value: list[str | Interpolation] (plain and triple-quoted; already unescaped/dedented;
                         # str parts are never empty, so "" has value [])
RAWSTRING = "RAWSTRING"  # value: str
BYTES = "BYTES"          # value: bytes
ROLE = "ROLE"            # role block: value RoleText; text/span run from `role` to the end of the role text
                         # (including a consumed `end`, which the parser therefore never sees)
IDENT = "IDENT"          # identifiers, type words, soft keywords and contextual words (text is the name)
KEYWORD = "KEYWORD"      # reserved words of §2.3 (text is the word)
OP = "OP"                # operators and punctuation of §2.8 (text is the operator)
NEWLINE = "NEWLINE"      # layout tokens and EOF have empty text and a point span (LANGUAGE.md §2.2)
INDENT = "INDENT"
DEDENT = "DEDENT"
EOF = "EOF"              # also ends the token list of every Interpolation

RESERVED_WORDS = frozenset("""
and as async await break cell const continue else emit end enum expect false fn for grant halt if impl import in
let loop match mod mut not null Null or pub record return then trait true use when while yield
""".split())

TYPE_WORDS = frozenset("int float string bool bytes json list map set tuple result type".split())

SOFT_KEYWORDS = frozenset("""
self schema tool role with from where try step comptime macro extern union parallel ok err
""".split())

TOPLEVEL_CONTEXTUAL = frozenset(
    "agent effect handler bind pipeline orchestration machine memory guardrail eval pattern".split())

OPERATORS = sorted("""
+ - * / % ** == != < <= > >= = -> => . , : ; | @ ! ? |> >> ~> ?? ?. ?[ .. ..= ... ++ & ~ ^ += -= *= /=
( ) [ ] { }
""".split(), key=len, reverse=True)


@dataclass
class Interpolation:
    """An `{expr}` inside a string or role text: its tokens (ending with EOF) and the span of the braces' content."""

    tokens: list["Token"]
    span: Span


@dataclass
class RoleText:
    """The text of a role block: role name and its parts (strings and interpolations)."""

    role: str
    parts: list[Any] = field(default_factory=list)  # str | Interpolation


@dataclass(slots=True)
class Token:
    """One token. `line`/`column` are 1-based; `start_of_line` is true for the first token of a physical line.

    Slotted: a 10,000-line file has some 70,000 tokens, and slots make them faster to create and smaller.
    """

    kind: str
    text: str
    span: Span
    value: Any = None
    start_of_line: bool = False
    indent: int = 0          # indentation width of the line holding the token (§2.2)
    space_before: bool = False  # whitespace precedes the token on its line

    def is_op(self, text: str) -> bool:
        return self.kind == OP and self.text == text

    def is_keyword(self, text: str) -> bool:
        return self.kind == KEYWORD and self.text == text

    def is_word(self, text: str) -> bool:
        """An identifier or keyword spelled `text`."""
        return self.kind in (IDENT, KEYWORD) and self.text == text
