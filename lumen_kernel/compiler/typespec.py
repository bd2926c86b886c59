"""Run-time type tests for `expect schema T` and type-check patterns `x: T` (LANGUAGE.md §5.15 "Conformance").

A type expression is reduced when compiling to a small tuple tree (`TypeSpec`) that `conforms` walks at run time.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..runtime.values import Closure, FutureBase, Instance, LumenSet, Record, Union
from ..syntax import ast

if TYPE_CHECKING:
    from .names import ModuleScope

TypeSpec = tuple

_KINDS = {
    "int": int, "float": float, "string": str, "bool": bool, "bytes": bytes,
    "list": list, "tuple": tuple, "map": dict, "set": LumenSet,
}


def render_type(t: Any) -> str:
    """A type expression as written (`Int`, `list[Int]`, `(Int, String)`, `fn(Int) -> Int`, `A | B`)."""
    if t is None:
        return "Any"
    if isinstance(t, ast.NamedType):
        if t.args:
            return f"{t.name}[{', '.join(render_type(a) for a in t.args)}]"
        return t.name
    if isinstance(t, ast.TupleType):
        return f"({', '.join(render_type(e) for e in t.elements)})"
    if isinstance(t, ast.FnType):
        return f"fn({', '.join(render_type(p) for p in t.params)}) -> {render_type(t.result)}"
    if isinstance(t, ast.UnionType):
        return " | ".join(render_type(m) for m in t.members)
    return "Any"


def build_type_spec(t: Any, module: "ModuleScope", depth: int = 0) -> TypeSpec:
    """Reduce a type expression to a conformance test, resolving names in `module`."""
    if t is None or depth > 32:
        return ("any",)
    if isinstance(t, ast.TupleType):
        return ("kind", tuple)
    if isinstance(t, ast.FnType):
        return ("kind", Closure)
    if isinstance(t, ast.UnionType):
        return ("union", tuple(build_type_spec(m, module, depth + 1) for m in t.members))
    if not isinstance(t, ast.NamedType):
        return ("any",)
    name = t.name
    lowered = name.lower()
    if lowered in ("any", "json", "self"):
        return ("any",)
    if lowered == "null":
        return ("null",)
    if lowered == "result":
        return ("enum", "result")
    if lowered in _KINDS and (name == lowered or name[0].isupper()):
        return ("kind", _KINDS[lowered])
    if name == "Future":
        return ("future",)
    symbol = module.lookup(name)
    if symbol is not None:
        kind = symbol.kind
        if kind == "record":
            return ("record", name)
        if kind == "enum":
            return ("enum", symbol.target.name)
        if kind == "variant":
            return ("variant", name)
        if kind == "process":
            return ("instance", symbol.target.name)
        if kind == "alias":
            return build_type_spec(symbol.target.target, module, depth + 1)
    if "." in name:
        enum_name, _, tag = name.rpartition(".")
        enum = module.lookup(enum_name)
        if enum is not None and enum.kind == "enum":
            return ("variant", tag)
        if enum is not None and enum.kind == "process":
            return ("record", name)
    return ("any",)


def conforms(value: Any, spec: TypeSpec) -> bool:
    """Whether `value` conforms to the reduced type `spec`."""
    tag = spec[0]
    if tag == "any":
        return True
    if tag == "kind":
        return type(value) is spec[1]
    if tag == "null":
        return value is None
    if tag == "record":
        return type(value) is Record and value.type.name == spec[1]
    if tag == "enum":
        return type(value) is Union and value.variant.enum == spec[1]
    if tag == "variant":
        return type(value) is Union and value.variant.tag == spec[1]
    if tag == "instance":
        return type(value) is Instance and value.decl.name == spec[1]
    if tag == "future":
        return isinstance(value, FutureBase)
    if tag == "union":
        return any(conforms(value, member) for member in spec[1])
    return False
