"""Text renderings of values (LANGUAGE.md §5.2): display form, concatenation form and the float format.

`display(v)` is what `print`, `string(x)`, the run result and messages show; `concat(v)` is what interpolation, `+`
with a String, `++`, `join`, map-key conversion and `halt` use. They differ only in how the immediate elements of a
List, Tuple, Set or Record, and the values and keys of a Map, are written (quoted in display form, bare in
concatenation form).
"""
from __future__ import annotations

from typing import Any, Callable

from lumen_kernel.runtime.values import Closure, FutureBase, Instance, LumenSet, Record, TraceRef, Union

_INF = float("inf")


def format_float(x: float) -> str:
    """The Float format: `NaN`/`inf`/`-inf`; integral values below 1e15 in magnitude as digits plus `.0` (`-0.0`);
    any other value as the shortest round-trip digits in positional notation, never with an exponent."""
    if x != x:
        return "NaN"
    if x == _INF:
        return "inf"
    if x == -_INF:
        return "-inf"
    text = repr(x)
    if "e" in text:
        return _positional(text)
    if text.endswith(".0") and not -1e15 < x < 1e15:
        return text[:-2]
    return text


def _positional(text: str) -> str:
    """Rewrite Python's exponent notation (`1e-07`, `1.2345e+20`) with the same digits in positional notation."""
    sign = ""
    if text[0] == "-":
        sign, text = "-", text[1:]
    mantissa, exponent = text.split("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).rstrip("0") or "0"
    point = len(whole) + int(exponent)
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return f"{sign}{digits[:point]}.{digits[point:]}"


def display(v: Any) -> str:
    """The display form of a value (§5.2): Strings bare at the top level and quoted inside collections."""
    t = type(v)
    if t is str:
        return v
    if t is int:
        return str(v)
    if t is float:
        return format_float(v)
    if t is bool:
        return "true" if v else "false"
    if v is None:
        return "null"
    renderer = _DISPLAY.get(t)
    if renderer is not None:
        return renderer(v)
    return _display_other(v)


def concat(v: Any) -> str:
    """The concatenation form (§5.2): like `display`, but the immediate elements of a List, Tuple, Set or Record and
    the values of a Map use `display` instead of the quoted form, and Map keys are written without quotes."""
    t = type(v)
    if t is str:
        return v
    if t is int:
        return str(v)
    if t is float:
        return format_float(v)
    if t is bool:
        return "true" if v else "false"
    if v is None:
        return "null"
    if t is list:
        return "[" + ", ".join([display(e) for e in v]) + "]"
    if t is tuple:
        return "(" + ", ".join([display(e) for e in v]) + ")"
    if t is LumenSet:
        return "set[" + ", ".join([display(e) for e in v.items]) + "]"
    if t is dict:
        return "{" + ", ".join([f"{k}: {display(v[k])}" for k in sorted(v)]) + "}"
    if t is Record:
        fields = v.fields
        return v.type.name + "(" + ", ".join([f"{k}: {display(fields[k])}" for k in sorted(fields)]) + ")"
    return display(v)


def quoted(v: Any) -> str:
    """`q(e)` of §5.2: a String in double quotes (no escaping), anything else in display form."""
    if type(v) is str:
        return '"' + v + '"'
    return display(v)


def _display_list(v: list) -> str:
    return "[" + ", ".join([quoted(e) for e in v]) + "]"


def _display_tuple(v: tuple) -> str:
    return "(" + ", ".join([quoted(e) for e in v]) + ")"


def _display_set(v: LumenSet) -> str:
    return "set[" + ", ".join([quoted(e) for e in v.items]) + "]"


def _display_map(v: dict) -> str:
    return "{" + ", ".join([f'"{k}": {quoted(v[k])}' for k in sorted(v)]) + "}"


def _display_record(v: Record) -> str:
    fields = v.fields
    return v.type.name + "(" + ", ".join([f"{k}: {quoted(fields[k])}" for k in sorted(fields)]) + ")"


def _display_union(v: Union) -> str:
    variant = v.variant
    payload = v.payload
    arity = len(variant.fields)
    if arity == 0:
        return variant.tag
    if arity == 1:
        return f"{variant.tag}({display(payload)})"
    if type(payload) is dict:
        return variant.tag + "(" + ", ".join([f"{k}: {quoted(payload[k])}" for k in sorted(payload)]) + ")"
    if type(payload) is tuple:
        return variant.tag + "(" + ", ".join([quoted(e) for e in payload]) + ")"
    return f"{variant.tag}({display(payload)})"


def _display_bytes(v: bytes) -> str:
    return 'b"' + v.hex() + '"'


def _display_closure(v: Closure) -> str:
    return f"<closure:{'lambda' if v.kind == 'lambda' else v.name}>"


def _display_instance(v: Instance) -> str:
    return f"<{v.decl.name}#{v.number}>"


def _display_trace_ref(v: TraceRef) -> str:
    return f"<trace:{v.trace_id}:{v.seq}>"


def _display_other(v: Any) -> str:
    if isinstance(v, FutureBase):
        return f"<future:{v.number}:{v.status}>"
    to_list = getattr(v, "to_list", None)   # a range value (ops.LumenRange) shows as the List of its elements
    if to_list is not None:
        return _display_list(to_list())
    return f"<{type(v).__name__}>"


_DISPLAY: dict[type, Callable[[Any], str]] = {
    list: _display_list,
    tuple: _display_tuple,
    LumenSet: _display_set,
    dict: _display_map,
    Record: _display_record,
    Union: _display_union,
    bytes: _display_bytes,
    Closure: _display_closure,
    Instance: _display_instance,
    TraceRef: _display_trace_ref,
}
