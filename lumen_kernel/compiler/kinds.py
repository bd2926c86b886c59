"""Static kinds: what the compiler knows for certain about the run-time value of an expression.

A kind is a string: `int`, `float`, `str`, `bool`, `map`, `list`, `list:<k>` / `map:<k>` (a List whose elements, a
Map whose values, all have the scalar kind k; `*` for an empty literal, whose elements can be anything), or `<k>?`
(kind k or null — what indexing yields). `int+` refines `int` for values known to be non-negative (it only appears
as the kind of a local; expression nodes carry it as a separate mark). None means nothing is known. Kinds are
sound: the lowering relies on them to emit native Python operations, so a kind is given only when every execution
agrees (see `function.py` for locals).
"""
from __future__ import annotations

from typing import Iterable, Optional

SCALARS = ("int", "float", "str", "bool")
NUMERIC = ("int", "float")
PYTHON_TYPES = {"int": "int", "float": "float", "str": "str", "bool": "bool", "list": "list", "map": "dict"}


def meet(a: Optional[str], b: Optional[str]) -> Optional[str]:
    """The most precise kind both `a` and `b` satisfy (None when they have nothing in common). An empty literal
    (`list:*`, `map:*`) has every element kind."""
    if a == b:
        return a
    if a is None or b is None:
        return None
    if a == "int+" or b == "int+":         # a non-negative Int is an Int
        other = b if a == "int+" else a
        if other == "int":
            return "int"
        if other in ("*", "int?"):
            return "int" if other == "*" else "int?"
    if a == "*":            # no value at all (the elements of an empty literal): anything else is more general
        return b
    if b == "*":
        return a
    if a == "*?" or b == "*?":
        other = b if a == "*?" else a
        return other if other.endswith("?") else other + "?"
    for container in ("list", "map"):
        if a.startswith(container) and b.startswith(container):
            if a == container + ":*":
                return b
            if b == container + ":*":
                return a
            return container
    if a.endswith("?") and a[:-1] == b or b.endswith("?") and b[:-1] == a:
        return a if a.endswith("?") else b
    return None


def meet_all(kinds: Iterable[Optional[str]]) -> Optional[str]:
    """The meet of several kinds (None for none)."""
    result: Optional[str] = None
    first = True
    for kind in kinds:
        if first:
            result, first = kind, False
        else:
            result = meet(result, kind)
    return result


def element(kind: Optional[str]) -> Optional[str]:
    """The kind of the elements of a `list:<k>` (values of a `map:<k>`)."""
    if kind is not None and (kind.startswith("list:") or kind.startswith("map:")):
        value = kind.split(":", 1)[1]
        return value if value in SCALARS or value == "*" else None
    return None


def map_of(kind: Optional[str]) -> str:
    """`map:<k>` for a scalar value kind, else `map`."""
    kind = "int" if kind == "int+" else kind
    return f"map:{kind}" if kind in SCALARS else "map"


def is_map(kind: Optional[str]) -> bool:
    return kind is not None and kind.startswith("map")


def list_of(kind: Optional[str]) -> str:
    """`list:<k>` for a scalar element kind, else `list`."""
    kind = "int" if kind == "int+" else kind
    return f"list:{kind}" if kind in SCALARS else "list"


def is_list(kind: Optional[str]) -> bool:
    return kind is not None and kind.startswith("list")


def base(kind: Optional[str]) -> Optional[str]:
    """A kind without its nullability (`int?` -> `int`)."""
    if kind is not None and kind.endswith("?"):
        return kind[:-1]
    return kind


def python_type(kind: Optional[str]) -> Optional[str]:
    """The Python type name that values of a (non-nullable) kind have (`list:int` -> `list`)."""
    if kind is None or kind.endswith("?"):
        return None
    if kind.startswith("list"):
        return "list"
    if kind.startswith("map"):
        return "dict"
    return PYTHON_TYPES.get(kind)


def declared(type_expr: object) -> Optional[str]:
    """The kind a declared type names (`Int` -> `int`, `list[Int]` -> `list:int`, `map[…]` -> `map`)."""
    from ..syntax import ast

    if not isinstance(type_expr, ast.NamedType):
        return None
    name = type_expr.name
    if name not in ("Int", "Float", "String", "Bool") and name != name.lower():
        return None
    lowered = name.lower()
    scalar = {"int": "int", "float": "float", "string": "str", "bool": "bool"}.get(lowered)
    if scalar is not None:
        return scalar
    if lowered == "list":
        return list_of(declared(type_expr.args[0]) if type_expr.args else None)
    if lowered == "map":
        return map_of(declared(type_expr.args[1]) if len(type_expr.args) == 2 else None)
    return None
