"""Lexing and parsing of Lumen source (LANGUAGE.md §2, §3, §7.4).

`parse_source(source) -> ParseResult(module, diagnostics, directives)` is the entry point; `parse_text(text, path)`
is the same for a text. The AST is in `lumen_kernel.syntax.ast`, tokens in `tokens`, the lexer in `lexer`.
"""
from __future__ import annotations

from .parser import ParseResult, parse_source, parse_text, parse_tokens

__all__ = ["ParseResult", "parse_source", "parse_text", "parse_tokens"]
