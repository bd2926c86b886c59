"""§6.1 Output, conversion and introspection: print, emit, debug, string, int, float, type_of, clone, hashes.

`trace_ref` is listed here but implemented by the engine (TOOLING.md §4.5).
"""
from __future__ import annotations

import re
from typing import Any

from lumen_kernel.runtime.builtins.spec import builtin, engine_builtin
from lumen_kernel.runtime.render import concat, display
from lumen_kernel.runtime.values import INT_MAX, INT_MIN, Instance, Record, Union, kind_name


def print_(ctx: Any, *values: Any) -> None:
    """Write the display forms of `values` joined by one space, then a line feed; emit an `emit` event."""
    text = " ".join([display(v) for v in values])
    ctx.write_line(text)
    ctx.emit_event("emit", {"text": text})
    return None


def emit(ctx: Any, value: Any) -> None:
    """Write `display(value)` and a line feed; emit an `emit` event (same as the `emit` statement)."""
    text = display(value)
    ctx.write_line(text)
    ctx.emit_event("emit", {"text": text})
    return None


def debug(ctx: Any, value: Any) -> None:
    """Write `[debug] <display>` to standard error."""
    ctx.write_debug("[debug] " + display(value))
    return None


def string(x: Any) -> str:
    """`display(x)`."""
    return display(x)


_INT_TEXT = re.compile(r"[+-]?[0-9]+")


def int_(x: Any) -> Any:
    """Convert to Int: Floats truncate toward zero; Strings are an optional sign and ASCII digits; Bools 1/0; null
    for anything else, for NaN/infinities and for values outside the Int range."""
    t = type(x)
    if t is int:
        return x
    if t is float:
        if x != x or x in (float("inf"), float("-inf")):
            return None
        value = int(x)
        return value if INT_MIN <= value <= INT_MAX else None
    if t is str:
        if _INT_TEXT.fullmatch(x) is None:
            return None
        value = int(x)
        return value if INT_MIN <= value <= INT_MAX else None
    if t is bool:
        return 1 if x else 0
    return None


_FLOAT_TEXT = re.compile(r"[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)",
                         re.IGNORECASE)


def float_(x: Any) -> Any:
    """Convert to Float: Ints converted, Bools 1.0/0.0, Strings with an optional sign then digits with optional
    fraction and exponent (`1e3`, `.5`, `5.`) or `inf`/`infinity`/`nan` in any case; null otherwise."""
    t = type(x)
    if t is float:
        return x
    if t is int:
        return float(x)
    if t is bool:
        return 1.0 if x else 0.0
    if t is str:
        if _FLOAT_TEXT.fullmatch(x) is None:
            return None
        return float(x)
    return None


def type_of(x: Any) -> str:
    """The kind name, a Record's type name, a Union's tag, or an Instance's declaration name."""
    t = type(x)
    if t is Record:
        return x.type.name
    if t is Union:
        return x.variant.tag
    if t is Instance:
        return x.decl.name
    return kind_name(x)


def clone(x: Any) -> Any:
    """`x` itself (values are immutable)."""
    return x


def _octets(x: Any) -> bytes:
    return x if type(x) is bytes else concat(x).encode("utf-8", "surrogatepass")


def sha256(x: Any) -> str:
    """`"sha256:"` + lowercase hex SHA-256 of the UTF-8 of `concat(x)` (of the octets for Bytes)."""
    import hashlib   # imported on first use: keeps the kernel light to import

    return "sha256:" + hashlib.sha256(_octets(x)).hexdigest()


def sha512(x: Any) -> str:
    """`"sha512:"` + lowercase hex SHA-512 of the UTF-8 of `concat(x)` (of the octets for Bytes)."""
    import hashlib

    return "sha512:" + hashlib.sha512(_octets(x)).hexdigest()


_GROUP = "6.1"
SPECS = [
    builtin("print", print_, "Null", effects=("emit",), group=_GROUP),
    builtin("emit", emit, "Null", effects=("emit",), group=_GROUP),
    builtin("debug", debug, "Null", group=_GROUP),
    engine_builtin("trace_ref", "", "Any", group=_GROUP),
    builtin("string", string, "String", group=_GROUP),
    builtin("to_string", string, "String", group=_GROUP),
    builtin("str", string, "String", group=_GROUP),
    builtin("int", int_, "Int | Null", group=_GROUP),
    builtin("to_int", int_, "Int | Null", group=_GROUP),
    builtin("float", float_, "Float | Null", group=_GROUP),
    builtin("to_float", float_, "Float | Null", group=_GROUP),
    builtin("type", type_of, "String", group=_GROUP),
    builtin("type_of", type_of, "String", group=_GROUP),
    builtin("clone", clone, "Any", group=_GROUP),
    builtin("freeze", clone, "Any", group=_GROUP),
    builtin("hash", sha256, "String", group=_GROUP),
    builtin("sha256", sha256, "String", group=_GROUP),
    builtin("sha512", sha512, "String", group=_GROUP),
]
