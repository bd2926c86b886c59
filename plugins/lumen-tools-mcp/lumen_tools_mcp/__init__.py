"""Lumen tool provider for MCP (Model Context Protocol) servers spoken to over stdio (TOOLING.md §5.9)."""

__version__ = "0.1.0"
