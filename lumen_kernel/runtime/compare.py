"""Equality, SameValueZero, membership and ordering of values (LANGUAGE.md §5.4).

- `equals(a, b)` is `==`: Int and Float by exact value, kinds never equal across (Bool is not a number), IEEE NaN.
- `same_value_zero(a, b)` / `svz_key(v)`: `==` except that NaN is the same as NaN; `svz_key` gives a hashable key
  with `svz_key(a) == svz_key(b)` exactly when `a` and `b` are SameValueZero (used by sets, `unique`, `vote`).
- `contains_value(c, x)` is `x in c`.
- `lt`/`le`/`gt`/`ge` are the ordering operators (numbers or strings, else a type error).
- `total_order_key(v)` is a sort key for the total order used by `sort`, `sort_by`, `min` and `max`.
"""
from __future__ import annotations

from math import copysign, isnan
from typing import Any, Iterable

from lumen_kernel.runtime.errors import type_error
from lumen_kernel.runtime.render import concat
from lumen_kernel.runtime.values import (
    Closure, FutureBase, Instance, LumenSet, Record, TraceRef, Union, kind_name,
)

# -- equality ---------------------------------------------------------------------------------------------------------


def equals(a: Any, b: Any) -> bool:
    """`a == b` (§5.4)."""
    ta = type(a)
    tb = type(b)
    if ta is tb:
        if ta is int or ta is str or ta is float or ta is bool or ta is bytes:
            return a == b
        if a is None:
            return True
        if ta is list or ta is tuple:
            if len(a) != len(b):
                return False
            for x, y in zip(a, b):
                tx = type(x)
                if tx is type(y) and (tx is int or tx is str):
                    if x != y:
                        return False
                elif not equals(x, y):
                    return False
            return True
        if ta is dict:
            if len(a) != len(b):
                return False
            for k, x in a.items():
                if k not in b or not equals(x, b[k]):
                    return False
            return True
        if ta is LumenSet:
            if len(a.items) != len(b.items):
                return False
            keys = b.keys
            return all(k in keys for k in a.keys)
        if ta is Record:
            return a.type.name == b.type.name and equals(a.fields, b.fields)
        if ta is Union:
            va, vb = a.variant, b.variant
            return va.enum == vb.enum and va.tag == vb.tag and equals(a.payload, b.payload)
        if ta is TraceRef:
            return a == b
        if ta is Closure:   # the same cell, builtin or alias, or the same lambda value
            return a is b or (a.kind == "builtin" and b.kind == "builtin" and a.name == b.name)
        return a is b
    if (ta is int and tb is float) or (ta is float and tb is int):
        return a == b   # Python compares int and float by exact value
    return False


def same_value_zero(a: Any, b: Any) -> bool:
    """SameValueZero (§5.4): `==`, except that NaN is the same as NaN (recursively)."""
    ta = type(a)
    tb = type(b)
    if ta is str:
        return tb is str and a == b
    if ta is int:
        return (tb is int or tb is float) and a == b
    return svz_key(a) == svz_key(b)


class _NaNKey:
    """The SameValueZero key shared by every NaN."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NaN"


NAN_KEY = _NaNKey()


def svz_key(v: Any) -> Any:
    """A hashable key such that two values have equal keys exactly when they are SameValueZero."""
    t = type(v)
    if t is str or t is int or t is bytes or v is None:
        return v
    if t is float:
        return NAN_KEY if v != v else v   # 1 and 1.0, 0.0 and -0.0 hash and compare equal in Python
    if t is bool:
        return ("B", v)
    if t is list:
        return ("L", tuple([svz_key(e) for e in v]))
    if t is tuple:
        return ("T", tuple([svz_key(e) for e in v]))
    if t is LumenSet:
        return ("S", frozenset(v.keys))
    if t is dict:
        return ("M", tuple(sorted([(k, svz_key(x)) for k, x in v.items()], key=_first)))
    if t is Record:
        return ("R", v.type.name, svz_key(v.fields))
    if t is Union:
        return ("U", v.variant.enum, v.variant.tag, svz_key(v.payload))
    if t is TraceRef:
        return ("TR", v.trace_id, v.seq)
    if t is Closure and v.kind == "builtin":
        return ("builtin", v.name)
    return ("id", id(v))


def _first(pair: tuple) -> Any:
    return pair[0]


# -- sets -------------------------------------------------------------------------------------------------------------


def make_set(iterable: Iterable) -> LumenSet:
    """A Set of the values of `iterable`, dropping later SameValueZero duplicates (first occurrence kept)."""
    items: list = []
    keys: dict = {}
    for item in iterable:
        key = svz_key(item)
        if key not in keys:
            keys[key] = len(items)
            items.append(item)
    return LumenSet(tuple(items), keys)


def set_add(s: LumenSet, x: Any) -> LumenSet:
    """A new Set: `s` with `x` appended when no element is SameValueZero to it (else `s` itself)."""
    key = svz_key(x)
    if key in s.keys:
        return s
    keys = dict(s.keys)
    keys[key] = len(s.items)
    return LumenSet(s.items + (x,), keys)


def set_remove(s: LumenSet, x: Any) -> LumenSet:
    """A new Set: `s` without the element SameValueZero to `x` (else `s` itself)."""
    key = svz_key(x)
    if key not in s.keys:
        return s
    position = s.keys[key]
    return make_set(s.items[:position] + s.items[position + 1:])


def set_contains(s: LumenSet, x: Any) -> bool:
    """Whether an element of `s` is SameValueZero to `x`."""
    return svz_key(x) in s.keys


# -- membership -------------------------------------------------------------------------------------------------------


def contains_value(container: Any, x: Any) -> bool:
    """`x in container` (§5.4): List/Tuple/Set by SameValueZero; Map: `concat(x)` is a key; String: `concat(x)` is a
    substring; Record: `concat(x)` is a field name; a range value: `x` is an Int in it; anything else: false."""
    t = type(container)
    if t is list or t is tuple:
        return index_in_sequence(container, x) >= 0
    if t is str:
        return (x if type(x) is str else concat(x)) in container
    if t is dict:
        return (x if type(x) is str else concat(x)) in container
    if t is LumenSet:
        return svz_key(x) in container.keys
    if t is Record:
        return concat(x) in container.fields
    contains_int = getattr(container, "contains_int", None)   # ops.LumenRange
    if contains_int is not None:
        return contains_int(x)
    return False


def index_in_sequence(seq: list | tuple, x: Any) -> int:
    """Index of the first element of `seq` SameValueZero to `x`, or -1."""
    tx = type(x)
    if tx is str:   # only a String is == to a String in Python: the C-level search is exact
        try:
            return seq.index(x)
        except ValueError:
            return -1
    if tx is int or (tx is float and x == x):
        # Python's == finds every Int or Float of equal value, but also Bools (True == 1): skip those.
        start = 0
        while True:
            try:
                i = seq.index(x, start)
            except ValueError:
                return -1
            if type(seq[i]) is not bool:
                return i
            start = i + 1
    key = svz_key(x)
    for i, e in enumerate(seq):
        if svz_key(e) == key:
            return i
    return -1


# -- ordering operators -----------------------------------------------------------------------------------------------


def _order_error(op: str, a: Any, b: Any) -> Exception:
    return type_error(f"cannot apply '{op}' to {kind_name(a)} and {kind_name(b)}")


def lt(a: Any, b: Any) -> bool:
    """`a < b`: two numbers (by exact value; false with NaN) or two strings (by code point)."""
    ta = type(a)
    tb = type(b)
    if ((ta is int or ta is float) and (tb is int or tb is float)) or (ta is str and tb is str):
        return a < b
    raise _order_error("<", a, b)


def le(a: Any, b: Any) -> bool:
    """`a <= b` (see `lt`)."""
    ta = type(a)
    tb = type(b)
    if ((ta is int or ta is float) and (tb is int or tb is float)) or (ta is str and tb is str):
        return a <= b
    raise _order_error("<=", a, b)


def gt(a: Any, b: Any) -> bool:
    """`a > b` (see `lt`)."""
    ta = type(a)
    tb = type(b)
    if ((ta is int or ta is float) and (tb is int or tb is float)) or (ta is str and tb is str):
        return a > b
    raise _order_error(">", a, b)


def ge(a: Any, b: Any) -> bool:
    """`a >= b` (see `lt`)."""
    ta = type(a)
    tb = type(b)
    if ((ta is int or ta is float) and (tb is int or tb is float)) or (ta is str and tb is str):
        return a >= b
    raise _order_error(">=", a, b)


_ORDERING = {"<": lt, "<=": le, ">": gt, ">=": ge}


def less_than(a: Any, b: Any, op: str = "<") -> bool:
    """Apply the ordering operator `op` (`<`, `<=`, `>`, `>=`) with the §5.4 rules and error text."""
    return _ORDERING[op](a, b)


def orderable(a: Any, b: Any) -> bool:
    """Whether `<` is defined for the pair (two numbers or two strings)."""
    ta = type(a)
    tb = type(b)
    return ((ta is int or ta is float) and (tb is int or tb is float)) or (ta is str and tb is str)


# -- total order ------------------------------------------------------------------------------------------------------

_RANK_NULL, _RANK_BOOL, _RANK_NUMBER, _RANK_STRING, _RANK_BYTES, _RANK_LIST, _RANK_TUPLE, _RANK_SET, _RANK_MAP, \
    _RANK_RECORD, _RANK_UNION, _RANK_CLOSURE, _RANK_INSTANCE, _RANK_FUTURE, _RANK_TRACEREF = range(15)


def total_order_key(v: Any) -> tuple:
    """A sort key realising the total order of §5.4: kind rank Null < Bool < number < String < Bytes < List < Tuple
    < Set < Map < Record < Union < Closure < Instance < Future < TraceRef, then the order within the kind (numbers by
    value, an Int before an equal Float, -0.0 before 0.0, NaN last; collections lexicographically; …)."""
    t = type(v)
    if t is int:
        return (_RANK_NUMBER, 0, v, 0, 0)
    if t is str:
        return (_RANK_STRING, v)
    if t is float:
        if v != v:
            return (_RANK_NUMBER, 1)
        return (_RANK_NUMBER, 0, v, 1, 0 if copysign(1.0, v) < 0 else 1)   # -0.0 before 0.0
    if v is None:
        return (_RANK_NULL,)
    if t is bool:
        return (_RANK_BOOL, v)
    if t is bytes:
        return (_RANK_BYTES, v)
    if t is list:
        return (_RANK_LIST, tuple([total_order_key(e) for e in v]))
    if t is tuple:
        return (_RANK_TUPLE, tuple([total_order_key(e) for e in v]))
    if t is LumenSet:
        return (_RANK_SET, len(v.items), tuple(sorted([total_order_key(e) for e in v.items])))
    if t is dict:
        names = sorted(v)
        return (_RANK_MAP, tuple(names), tuple([total_order_key(v[k]) for k in names]))
    if t is Record:
        names = sorted(v.fields)
        return (_RANK_RECORD, v.type.name, tuple(names), tuple([total_order_key(v.fields[k]) for k in names]))
    if t is Union:
        return (_RANK_UNION, v.variant.enum, v.variant.tag, total_order_key(v.payload))
    if t is Closure:
        if v.kind in ("cell", "builtin"):
            return (_RANK_CLOSURE, 0, v.name, v.order)
        return (_RANK_CLOSURE, 1, "", v.order)
    if t is Instance:
        return (_RANK_INSTANCE, v.number)
    if t is TraceRef:
        return (_RANK_TRACEREF, v.trace_id, v.seq)
    if isinstance(v, FutureBase):
        return (_RANK_FUTURE, v.number)
    return (_RANK_TRACEREF + 1, id(v))


def sort_values(values: Iterable) -> list:
    """A new List of `values` in the total order (stable)."""
    items = list(values)
    if not items:
        return items
    first = type(items[0])
    if first is str:
        if set(map(type, items)) == _STR_TYPE:
            items.sort()
            return items
    elif first is int or first is float:
        if _sort_plain_numbers(items):
            return items
    items.sort(key=total_order_key)
    return items


_PLAIN_NUMBER_TYPES = frozenset({int, float})
_STR_TYPE = {str}


def _sort_plain_numbers(items: list) -> bool:
    """Sort a list of Ints and non-NaN Floats in place by the total order and return True; return False (list
    untouched) when it holds anything else. Python's stable sort orders by value; runs of equal values are then
    put in total order (Ints first, then -0.0 before 0.0)."""
    types = set(map(type, items))
    if not types <= _PLAIN_NUMBER_TYPES or (float in types and any(map(isnan, items))):
        return False
    items.sort()
    if len(set(items)) == len(items):   # no two equal values (1 and 1.0, 0.0 and -0.0 count as equal)
        return True
    i = 0
    n = len(items)
    while i < n - 1:
        if items[i] == items[i + 1]:
            j = i + 1
            while j < n and items[j] == items[i]:
                j += 1
            items[i:j] = sorted(items[i:j], key=total_order_key)
            i = j
        else:
            i += 1
    return True
