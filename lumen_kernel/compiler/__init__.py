"""The compiler: lowering of a loaded Lumen program to Python code objects (no interpreter loop).

Modules, one per concern:
- `lower_module`: program-level lowering (`compile_program(program, Mode(...)) -> CompiledProgram`), declarations,
  run-time descriptors, specialisation and return kinds;
- `function`: per-function state, the calling convention (depth parameter, `_DB`), function assembly;
- `lower_exprs`, `lower_stmts`, `lower_patterns`, `lower_calls`: expressions, statements, patterns, calls;
- `names`: module scopes and what top-level names mean; `kinds`: the static-kind lattice; `typespec`: run-time type
  tests; `support`: the helpers generated code calls; `pyast`: Python `ast` constructors.

Attributes are imported lazily so that `import lumen_kernel.compiler` stays cheap.
"""
from __future__ import annotations

from typing import Any

__all__ = ["CompiledProgram", "Mode", "compile_program"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import lower_module

        return getattr(lower_module, name)
    raise AttributeError(f"module 'lumen_kernel.compiler' has no attribute {name!r}")
