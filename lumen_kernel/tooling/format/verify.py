"""Checks that a formatted text means exactly what the original meant (TOOLING.md §2.6).

Three comparisons, from cheap to thorough: the token streams (layout tokens included; literal values rather than
spellings where the formatter may legitimately change a token's text, e.g. the trailing blanks of inline role
text), the comments (text, order, own-line or trailing), and the ASTs (spans are excluded from AST equality).
"""
from __future__ import annotations

from typing import Any, Optional

from ...syntax.tokens import RAWSTRING, ROLE, STRING, Interpolation, Token
from ..comments import LAYOUT_KINDS, find_comments


def token_signature(tok: Token) -> tuple:
    """What must not change about a token when it is re-spaced or re-indented."""
    kind = tok.kind
    if kind in LAYOUT_KINDS:
        return (kind,)
    if kind == STRING:
        return (kind, _parts_signature(tok.value))
    if kind == RAWSTRING:
        return (kind, tok.value)
    if kind == ROLE:
        return (kind, tok.value.role, _parts_signature(tok.value.parts))
    return (kind, tok.text)


def _parts_signature(parts: Any) -> tuple:
    signature = []
    for part in parts or []:
        if isinstance(part, Interpolation):
            signature.append(tuple(token_signature(tok) for tok in part.tokens))
        else:
            signature.append(part)
    return tuple(signature)


def first_token_mismatch(original: list[Token], formatted: list[Token]) -> Optional[int]:
    """Index of the first token whose signature differs (None when the streams are equivalent)."""
    for index, (old, new) in enumerate(zip(original, formatted)):
        if token_signature(old) != token_signature(new):
            return index
    if len(original) != len(formatted):
        return min(len(original), len(formatted))
    return None


def comment_signature(tokens: list[Token], lines: list[str]) -> list[tuple[str, bool]]:
    """The comments of a text as (text, trailing) pairs, in order."""
    return [(comment.text, comment.trailing) for comment in find_comments(tokens, lines)]


def directive_signature(directives: list[Any]) -> list[tuple]:
    """Directives without their positions."""
    return [(d.name, d.value, d.in_prose) for d in directives]
