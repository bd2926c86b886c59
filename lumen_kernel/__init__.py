"""Lumen toolchain kernel.

Importing this package is deliberately cheap: it exposes only the version and the hook
implementation marker, and the marker (which needs pluggy) is created on first access.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "hookimpl"]


def __getattr__(name: str) -> object:
    """Create ``hookimpl`` (``pluggy.HookimplMarker("lumen")``) on first use."""
    if name == "hookimpl":
        import pluggy

        marker = pluggy.HookimplMarker("lumen")
        globals()["hookimpl"] = marker
        return marker
    raise AttributeError(f"module 'lumen_kernel' has no attribute {name!r}")
