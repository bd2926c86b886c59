"""Tool providers and dispatch (TOOLING.md §5).

The provider interface is importable from here (`from lumen_kernel.tools import ToolSpec, CallContext, ToolError`);
the names are loaded on first use, so importing this package stays cheap.
"""
from __future__ import annotations

from typing import Any

_SPEC_NAMES = frozenset({
    "ToolSpec", "ToolProvider", "CallContext", "ToolError", "ProviderNotRegistered", "InvalidArguments",
    "PolicyViolation", "ExecutionFailed", "RateLimited", "AuthFailed", "ModelNotFound", "ProviderUnavailable",
    "ToolTimeout", "ToolCancelled", "OutputValidationFailed",
})

__all__ = sorted(_SPEC_NAMES)


def __getattr__(name: str) -> Any:
    if name in _SPEC_NAMES:
        from . import spec

        return getattr(spec, name)
    raise AttributeError(f"module 'lumen_kernel.tools' has no attribute {name!r}")
