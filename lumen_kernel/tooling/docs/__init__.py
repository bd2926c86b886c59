"""The Lumen documentation generator (TOOLING.md §2.8), used by `lumen doc` and `lumen ci`.

- `document_module(source, module=None, tokens=None) -> dict`: the JSON model of one `SourceFile` (raises
  `DocError`, whose `diagnostics` explain why, for a file with syntax errors);
- `document_path(path) -> dict`: the same for a file on disk (an unreadable file is a DocError with E000);
- `render_markdown(models) -> str`: the markdown rendering of one or more module models.
"""
from __future__ import annotations

from typing import Any

from ...diagnostics.model import Diagnostic
from .markdown import render_markdown, render_module
from .model import DocError, document_module, render_type


def document_path(path: str) -> dict[str, Any]:
    """The model of the source file at `path` (named as given); raises DocError."""
    from ...source.model import read_source

    try:
        source = read_source(path)
    except (OSError, UnicodeDecodeError) as error:
        reason = "invalid UTF-8" if isinstance(error, UnicodeDecodeError) else (error.strerror or str(error))
        raise DocError(path, [Diagnostic(code="E000", message=f"cannot read '{path}': {reason}", span=None)])
    return document_module(source)


__all__ = ["DocError", "document_module", "document_path", "render_markdown", "render_module", "render_type"]
