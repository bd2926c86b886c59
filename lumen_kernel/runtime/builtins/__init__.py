"""The builtin registry (LANGUAGE.md §6).

`BUILTINS` maps every builtin name (aliases included: `len`/`length`/`size`, …) to its `BuiltinSpec`:

- the checker reads `params` (`ParamInfo` with `has_default`/`default`/`rest`), `result_type` (a type string such as
  `Int`, `list[String]`, `Int | Null`, `Any`) and `effects`;
- the compiler calls `function` — directly with positional arguments when `spec.min_args <= n <= spec.max_args`
  (passing the `RuntimeContext` first when `needs_context`), otherwise after `bind_builtin_args(spec, args,
  kwargs)`; `builtin_closure(spec, ctx)` gives the Closure used when a builtin is a value (`map(xs, upper)`).

Plugin builtins (`lumen_kernel.plugin_host` BuiltinRegistry entries) become specs with `spec_from_plugin(entry)`.

Specs whose `function` is None (`trace_ref` and the futures of §6.10: `spawn`, `parallel`, `race`, `vote`, `select`,
`timeout`, `cancel`) are implemented by the engine; they are listed here for the checker.

One module per §6 table: `output` (6.1), `access` (6.2), `strings` (6.3), `collections` (6.4), `higher_order` (6.5),
`math` (6.6), `results` (6.7), `nondeterminism` (6.8), `assertions` (6.9).
"""
from __future__ import annotations

from lumen_kernel.runtime.builtins import (
    access, assertions, collections, higher_order, math, nondeterminism, output, results, strings,
)
from lumen_kernel.runtime.builtins.spec import (
    BuiltinSpec, bind_builtin_args, builtin, builtin_closure, call_builtin, engine_builtin, spec_from_plugin,
)
from lumen_kernel.runtime.values import ABSENT

_FUTURES_GROUP = "6.10"
FUTURE_SPECS = [
    engine_builtin("spawn", "f, ...args", "Any", effects=("async",), group=_FUTURES_GROUP),
    engine_builtin("parallel", "...items", "list[Any]", effects=("async",), group=_FUTURES_GROUP),
    engine_builtin("race", "...items", "Any", effects=("async",), group=_FUTURES_GROUP),
    engine_builtin("vote", "...items", "Any", effects=("async",), group=_FUTURES_GROUP),
    engine_builtin("select", "...items", "Any", effects=("async",), group=_FUTURES_GROUP),
    engine_builtin("timeout", "f, ms", "Any", effects=("async",), group=_FUTURES_GROUP),
    engine_builtin("cancel", "f", "Bool", effects=("async",), group=_FUTURES_GROUP),
]


def _collect() -> dict[str, BuiltinSpec]:
    registry: dict[str, BuiltinSpec] = {}
    for module in (output, access, strings, collections, higher_order, math, results, nondeterminism, assertions):
        for spec in module.SPECS:
            if spec.name in registry:
                raise RuntimeError(f"builtin '{spec.name}' registered twice")
            registry[spec.name] = spec
    for spec in FUTURE_SPECS:
        registry[spec.name] = spec
    return registry


BUILTINS: dict[str, BuiltinSpec] = _collect()
"""Every builtin of §6 by name."""

ENGINE_BUILTINS: frozenset[str] = frozenset(name for name, spec in BUILTINS.items() if spec.function is None)
"""Names of the builtins the engine implements (`trace_ref` and the futures of §6.10)."""

__all__ = ["ABSENT", "BUILTINS", "ENGINE_BUILTINS", "BuiltinSpec", "bind_builtin_args", "builtin",
           "builtin_closure", "call_builtin", "engine_builtin", "spec_from_plugin"]
