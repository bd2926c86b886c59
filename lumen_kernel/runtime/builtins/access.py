"""§6.2 Size, membership, access: len, count, contains, has_key, is_empty, get, keys, values, entries."""
from __future__ import annotations

from typing import Any

from lumen_kernel.runtime.builtins.spec import builtin
from lumen_kernel.runtime.compare import contains_value
from lumen_kernel.runtime.ops import iterable_or_none, truthy
from lumen_kernel.runtime.render import concat
from lumen_kernel.runtime.values import LumenSet, Record

_SIZED = (str, list, tuple, LumenSet, dict, bytes)


def len_(x: Any) -> int:
    """Characters of a String; elements of a List, Tuple, Set; entries of a Map; octets of Bytes; else 0."""
    if type(x) in _SIZED:
        return len(x)
    return 0


def count(x: Any, f: Any = None) -> int:
    """Without `f`: the length of a List, Map or String (else 0). With `f`: how many elements of iterable `x` give
    a truthy `f(e)`."""
    if f is None:
        t = type(x)
        return len(x) if t is list or t is dict or t is str else 0
    items = iterable_or_none(x)
    if items is None or not callable(f):
        return 0
    n = 0
    for e in items:
        if truthy(f(e)):
            n += 1
    return n


def contains(c: Any, x: Any) -> bool:
    """`x in c` (§5.4); false for a `c` of another kind."""
    return contains_value(c, x)


def has_key(c: Any, k: Any) -> bool:
    """Map has key `concat(k)`, or Record has field `concat(k)`; false otherwise."""
    t = type(c)
    if t is dict:
        return concat(k) in c
    if t is Record:
        return concat(k) in c.fields
    return False


def is_empty(x: Any) -> bool:
    """Whether a String, List, Tuple, Set, Map or Bytes has length 0; true for null; false otherwise."""
    if x is None:
        return True
    if type(x) in _SIZED:
        return len(x) == 0
    return False


def get(c: Any, key: Any, default: Any = None) -> Any:
    """List/Tuple element at an Int `key` in range, Map entry, Record field, String character; `default` when
    absent (or `c` has another kind, or is null)."""
    t = type(c)
    if t is list or t is tuple or t is str:
        if type(key) is int and 0 <= key < len(c):
            return c[key]
        return default
    if t is dict:
        name = key if type(key) is str else concat(key)
        return c[name] if name in c else default
    if t is Record:
        name = key if type(key) is str else concat(key)
        return c.fields[name] if name in c.fields else default
    return default


def keys(c: Any) -> list:
    """Map keys, or Record field names, in ascending order; [] otherwise."""
    if type(c) is dict:
        return sorted(c)
    if type(c) is Record:
        return sorted(c.fields)
    return []


def values(c: Any) -> list:
    """Map values / Record field values, in key order; [] otherwise."""
    if type(c) is Record:
        c = c.fields
    if type(c) is dict:
        return [c[k] for k in sorted(c)]
    return []


def entries(c: Any) -> list:
    """`(key, value)` Tuples in key order for a Map or Record; [] otherwise."""
    if type(c) is Record:
        c = c.fields
    if type(c) is dict:
        return [(k, c[k]) for k in sorted(c)]
    return []


_GROUP = "6.2"
SPECS = [
    builtin("len", len_, "Int", group=_GROUP),
    builtin("length", len_, "Int", group=_GROUP),
    builtin("size", len_, "Int", group=_GROUP),
    builtin("count", count, "Int", group=_GROUP),
    builtin("contains", contains, "Bool", group=_GROUP),
    builtin("has", contains, "Bool", group=_GROUP),
    builtin("has_key", has_key, "Bool", group=_GROUP),
    builtin("is_empty", is_empty, "Bool", group=_GROUP),
    builtin("get", get, "Any", group=_GROUP),
    builtin("keys", keys, "list[String]", group=_GROUP),
    builtin("values", values, "list[Any]", group=_GROUP),
    builtin("entries", entries, "list[Any]", group=_GROUP),
]
