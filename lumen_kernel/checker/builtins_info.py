"""Static signatures of builtins (LANGUAGE.md §6) and plugin builtins, as the checker needs them.

Core signatures come from the runtime registry `lumen_kernel.runtime.builtins.BUILTINS` (parameters with defaults,
the §6 Result column as a type string, effects); plugin builtins from the plugin host's `BuiltinRegistry`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from .types import ANY, Type, parse_type_string


@dataclass(frozen=True)
class BuiltinParam:
    """One builtin parameter: `required` when it has no default; `rest` for `...values`."""

    name: str
    required: bool
    rest: bool = False


@dataclass(frozen=True)
class BuiltinSig:
    """What the checker knows about a builtin: parameters, static result type, effects."""

    name: str
    params: tuple[BuiltinParam, ...]
    result: Type
    effects: tuple[str, ...] = ()


_CORE: Optional[dict[str, BuiltinSig]] = None


def core_builtins() -> dict[str, BuiltinSig]:
    """The core builtins by name (read once from the runtime registry)."""
    global _CORE
    if _CORE is None:
        from ..runtime.builtins import BUILTINS

        table: dict[str, BuiltinSig] = {}
        for name, spec in BUILTINS.items():
            params = tuple(BuiltinParam(p.name, required=not p.has_default and not p.rest, rest=p.rest)
                           for p in spec.params)
            table[name] = BuiltinSig(name, params, parse_type_string(spec.result_type),
                                     tuple(effect.lower() for effect in spec.effects))
        _CORE = table
    return _CORE


def plugin_builtins(host: Any) -> dict[str, BuiltinSig]:
    """Builtins added by plugins through the host's BuiltinRegistry (empty without a host)."""
    registry = getattr(host, "builtins", None) if host is not None else None
    if registry is None or not hasattr(registry, "entries"):
        return {}
    table: dict[str, BuiltinSig] = {}
    for entry in registry.entries(reserved=core_builtins().keys()):
        params = tuple(BuiltinParam(p.name, required=bool(p.required)) for p in entry.params)
        table[entry.name] = BuiltinSig(entry.name, params, parse_type_string(entry.returns),
                                       tuple(effect.lower() for effect in entry.effects))
    return table


_PROCESS_METHODS: Optional[dict[str, dict[str, BuiltinSig]]] = None


def process_methods() -> dict[str, dict[str, BuiltinSig]]:
    """Built-in methods of process instances (LANGUAGE.md §5.19) by process kind, from the runtime's table.

    Calls of `memory` and `machine` built-in methods have the effect `state` (§4.10); results are `Any`.
    """
    global _PROCESS_METHODS
    if _PROCESS_METHODS is None:
        from ..runtime.processes import BUILTIN_METHODS, STATE_EFFECT_KINDS

        table: dict[str, dict[str, BuiltinSig]] = {"agent": {}}
        for kind, methods in BUILTIN_METHODS.items():
            effects = ("state",) if kind in STATE_EFFECT_KINDS else ()
            table[kind] = {
                name: BuiltinSig(name, tuple(BuiltinParam(p.name, required=not p.has_default and not p.rest,
                                                          rest=p.rest) for p in params), ANY, effects)
                for name, params in methods.items()}
        _PROCESS_METHODS = table
    return _PROCESS_METHODS


def all_builtins(host: Any = None, plugins: Optional[dict[str, BuiltinSig]] = None) -> dict[str, BuiltinSig]:
    """Core and plugin builtins together (`plugins`: the host's plugin builtins when already computed)."""
    table = dict(core_builtins())
    table.update(plugin_builtins(host) if plugins is None else plugins)
    return table
