"""Lumen HTTP tool provider (http.*)."""

__version__ = "0.1.0"
