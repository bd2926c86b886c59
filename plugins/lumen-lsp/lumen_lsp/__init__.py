"""Lumen language server (lumen lsp)."""

__version__ = "0.1.0"
