"""Lumen terminal dashboard (lumen tui)."""

__version__ = "0.1.0"
