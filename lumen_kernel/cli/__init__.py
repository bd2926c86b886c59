"""The ``lumen`` command line (TOOLING.md §2). The entry point is :func:`lumen_kernel.cli.app.main`.

``docs_drift`` and ``command_tree`` (the §2.11 drift gate, :mod:`lumen_kernel.cli.docs`) are loaded on first access.
"""

from __future__ import annotations

__all__ = ["command_tree", "docs_drift"]


def __getattr__(name: str) -> object:
    """Lazy access to the drift gate functions."""
    if name in __all__:
        from lumen_kernel.cli import docs

        return getattr(docs, name)
    raise AttributeError(f"module 'lumen_kernel.cli' has no attribute {name!r}")
