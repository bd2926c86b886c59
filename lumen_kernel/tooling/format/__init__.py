"""The Lumen formatter (TOOLING.md §2.6), used by `lumen fmt` and the language server.

- `format_text(text, path) -> str`: the formatted text of a whole `.lm` or `.lm.md` file;
- `format_code(code) -> str`: one code text (e.g. a fence's contents);
- both raise `CannotFormat` (syntax errors: `count`, `diagnostics`) or `FormatterBug` (the result could not be
  proven equivalent to the input); the caller then leaves the source unchanged.

Formatting keeps every comment, every token and the AST (checked on every call), and is idempotent. The design is
described in `layout` (lines and indentation) and `spacing` (tokens on a line).
"""
from __future__ import annotations

from .formatter import CannotFormat, FormatterBug, format_code, format_text

__all__ = ["CannotFormat", "FormatterBug", "format_code", "format_text"]
