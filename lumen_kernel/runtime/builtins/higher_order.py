"""§6.5 Higher-order functions: map, filter, reduce, flat_map, any, all, find, position, group_by.

`f` may be any callable (a Closure does its own fuel and depth accounting); it is called as `f(*args)`. Predicates
use truthiness. When `xs` is not iterable or `f` is not callable the builtin returns its lenient fallback (§6).
"""
from __future__ import annotations

import functools
from typing import Any

from lumen_kernel.runtime.builtins.spec import builtin
from lumen_kernel.runtime.ops import iterable_or_none, truthy
from lumen_kernel.runtime.render import concat
from lumen_kernel.runtime.values import ABSENT, Closure


def _direct(f: Any) -> Any:
    """The Python function behind a Closure (calling it directly skips `Closure.__call__`); `f` otherwise."""
    return f.fn if type(f) is Closure else f


def repeated_calls(f: Any) -> tuple[Any, Any]:
    """The callables to use for the first call of `f` and for the calls after it, when a builtin calls `f` once per
    element. For a leaf lambda (one calling nothing that runs Lumen code) the compiler puts in `Closure.extra` a
    copy of its function without the call-depth check: the depth cannot change between the calls a builtin makes,
    so checking it at the first call is exact."""
    if type(f) is Closure:
        if f.kind == "lambda" and f.extra is not None:
            return f.fn, f.extra
        return f.fn, f.fn
    return f, f


def map_(xs: Any, f: Any) -> Any:
    """`[f(e) for e in xs]`."""
    items = iterable_or_none(xs)
    if items is None or not callable(f):
        return xs
    first, rest = repeated_calls(f)
    iterator = iter(items)
    for e in iterator:
        out = [first(e)]
        out.extend(map(rest, iterator))
        return out
    return []


def filter_(xs: Any, f: Any) -> Any:
    """The elements for which `f(e)` is truthy."""
    items = iterable_or_none(xs)
    if items is None or not callable(f):
        return xs
    first, rest = repeated_calls(f)
    iterator = iter(items)
    for e in iterator:
        r = first(e)
        out = [e] if r is True or (r is not False and truthy(r)) else []
        # a predicate nearly always returns a Bool: test for it before calling `truthy`
        out += [e for e in iterator if (r := rest(e)) is True or (r is not False and truthy(r))]
        return out
    return []


def reduce(xs: Any, f: Any, init: Any = ABSENT) -> Any:
    """Fold left with `acc = f(acc, e)`; without `init` the first element starts (an empty `xs` then gives null)."""
    fallback = None if init is ABSENT else init
    items = iterable_or_none(xs)
    if items is None or not callable(f):
        return fallback
    first, rest = repeated_calls(f)
    iterator = iter(items)
    acc = next(iterator, None) if init is ABSENT else init
    for e in iterator:
        return functools.reduce(rest, iterator, first(acc, e))
    return acc


def flat_map(xs: Any, f: Any) -> Any:
    """Each `f(e)`: a List is spliced, any other value appended."""
    items = iterable_or_none(xs)
    if items is None or not callable(f):
        return xs
    f = _direct(f)
    out: list = []
    for e in items:
        value = f(e)
        if type(value) is list:
            out.extend(value)
        else:
            out.append(value)
    return out


def any_(xs: Any, f: Any) -> bool:
    """Whether some `f(e)` is truthy (stops at the first); false for an empty `xs`."""
    items = iterable_or_none(xs)
    if items is None or not callable(f):
        return False
    f = _direct(f)
    for e in items:
        if truthy(f(e)):
            return True
    return False


def all_(xs: Any, f: Any) -> bool:
    """Whether every `f(e)` is truthy (stops at the first falsy one); true for an empty `xs`."""
    items = iterable_or_none(xs)
    if items is None or not callable(f):
        return True
    f = _direct(f)
    for e in items:
        if not truthy(f(e)):
            return False
    return True


def find(xs: Any, f: Any) -> Any:
    """The first element with a truthy `f(e)`, else null."""
    items = iterable_or_none(xs)
    if items is None or not callable(f):
        return None
    f = _direct(f)
    for e in items:
        if truthy(f(e)):
            return e
    return None


def position(xs: Any, f: Any) -> int:
    """The index of the first element with a truthy `f(e)`, else -1."""
    items = iterable_or_none(xs)
    if items is None or not callable(f):
        return -1
    f = _direct(f)
    for i, e in enumerate(items):
        if truthy(f(e)):
            return i
    return -1


def group_by(xs: Any, f: Any) -> dict:
    """Map from `concat(f(e))` to the List of elements with that key, in order."""
    items = iterable_or_none(xs)
    if items is None or not callable(f):
        return {}
    call, rest = repeated_calls(f)
    groups: dict = {}
    for e in items:
        key = call(e)
        call = rest
        if type(key) is not str:
            key = str(key) if type(key) is int else concat(key)
        group = groups.get(key)
        if group is None:
            groups[key] = [e]
        else:
            group.append(e)
    return groups


_GROUP = "6.5"
SPECS = [
    builtin("map", map_, "list[Any]", group=_GROUP),
    builtin("filter", filter_, "list[Any]", group=_GROUP),
    builtin("reduce", reduce, "Any", group=_GROUP),
    builtin("flat_map", flat_map, "list[Any]", group=_GROUP),
    builtin("any", any_, "Bool", group=_GROUP),
    builtin("all", all_, "Bool", group=_GROUP),
    builtin("find", find, "Any", group=_GROUP),
    builtin("position", position, "Int", group=_GROUP),
    builtin("group_by", group_by, "map[String, Any]", group=_GROUP),
]
