"""§6.4 Lists and collections: building, ordering, slicing, Sets, Maps and Records (merge, diff, patch, redact).

Results documented as List are always new Lists; "iterable" means any value iterable by §5.7.
"""
from __future__ import annotations

from typing import Any

from lumen_kernel.runtime.builtins.higher_order import repeated_calls
from lumen_kernel.runtime.builtins.spec import builtin
from lumen_kernel.runtime.compare import (
    equals, index_in_sequence, make_set, orderable, set_add, set_remove, sort_values, total_order_key,
)
from lumen_kernel.runtime.ops import INT_MIN, iterable_or_none, make_range, overflow, update_record
from lumen_kernel.runtime.render import concat
from lumen_kernel.runtime.values import ABSENT, LumenSet, Record


def append(xs: Any, x: Any) -> list:
    """A List copy of `xs` (List or Tuple) with `x` added at the end (never spliced)."""
    t = type(xs)
    if t is list:
        return xs + [x]
    if t is tuple:
        return list(xs) + [x]
    return []


def range_(a: Any, b: Any = None, step: Any = 1) -> list:
    """`range(n)` is `0..n`; `range(a, b)` is `a..b`; with `step` as `a..b step s`."""
    if b is None:
        a, b = 0, a
    if type(a) is not int or type(b) is not int or type(step) is not int:
        return []
    return make_range(a, b, False, step).to_list()


def sort(xs: Any) -> Any:
    """The elements of iterable `xs` in the total order of §5.4 (stable)."""
    items = iterable_or_none(xs)
    if items is None:
        return xs
    return sort_values(items)


def sort_by(xs: Any, f: Any) -> list:
    """The elements of iterable `xs` ordered by the total order of `f(e)` (stable)."""
    items = iterable_or_none(xs)
    if items is None or not callable(f):
        return []
    first, rest = repeated_calls(f)     # the functions behind the Closure (skips Closure.__call__)
    iterator = iter(items)
    keys = []
    for e in iterator:
        keys.append(first(e))
        keys.extend(map(rest, iterator))
    if len(set(map(type, keys))) == 1 and (type(keys[0]) is int or type(keys[0]) is str):
        # all keys Ints (or all Strings): the total order of §5.4 is Python's own order on them
        order = sorted(range(len(keys)), key=keys.__getitem__)
    else:
        order_keys = [total_order_key(k) for k in keys]
        order = sorted(range(len(keys)), key=order_keys.__getitem__)
    if type(items) is not list:
        items = list(items)
    return [items[i] for i in order]


def reverse(x: Any) -> Any:
    """A List or Tuple reversed; a String with its characters reversed."""
    t = type(x)
    if t is list or t is tuple or t is str:
        return x[::-1]
    return x


def flatten(xs: Any) -> Any:
    """The elements of `xs`, each List or Tuple element replaced by its elements (one level)."""
    items = iterable_or_none(xs)
    if items is None:
        return xs
    out: list = []
    for e in items:
        if type(e) is list or type(e) is tuple:
            out.extend(e)
        else:
            out.append(e)
    return out


def unique(xs: Any) -> Any:
    """First occurrences in order (SameValueZero)."""
    items = iterable_or_none(xs)
    if items is None:
        return xs
    return list(make_set(items).items)


def to_set(xs: Any) -> LumenSet:
    """The elements of iterable `xs` as a Set."""
    items = iterable_or_none(xs)
    if items is None:
        return LumenSet()
    return make_set(items)


def take(xs: Any, n: Any) -> Any:
    """The first `n` elements (negative `n` counts as 0)."""
    items = iterable_or_none(xs)
    if items is None or type(n) is not int:
        return xs
    return list(items)[:max(n, 0)]


def drop(xs: Any, n: Any) -> Any:
    """All but the first `n` elements (negative `n` counts as 0)."""
    items = iterable_or_none(xs)
    if items is None or type(n) is not int:
        return xs
    return list(items)[max(n, 0):]


def first(xs: Any) -> Any:
    """The first element of a List, Tuple or String; null when empty."""
    t = type(xs)
    if (t is list or t is tuple or t is str) and xs:
        return xs[0]
    return None


def last(xs: Any) -> Any:
    """The last element of a List, Tuple or String; null when empty."""
    t = type(xs)
    if (t is list or t is tuple or t is str) and xs:
        return xs[-1]
    return None


def enumerate_(xs: Any) -> list:
    """`(index, element)` Tuples, indexes from 0."""
    items = iterable_or_none(xs)
    if items is None:
        return []
    return list(enumerate(items))


def zip_(a: Any, b: Any) -> list:
    """`(a_i, b_i)` Tuples up to the shorter length."""
    left = iterable_or_none(a)
    right = iterable_or_none(b)
    if left is None or right is None:
        return []
    return list(zip(left, right))


def chunk(xs: Any, n: Any) -> list:
    """Consecutive Lists of `n` elements, the last possibly shorter (`n` < 1 counts as 1)."""
    items = iterable_or_none(xs)
    if items is None or type(n) is not int:
        return []
    items = list(items)
    n = max(n, 1)
    return [items[i:i + n] for i in range(0, len(items), n)]


def window(xs: Any, n: Any) -> list:
    """All runs of `n` consecutive elements as Lists; `[]` when `n` < 1 or `n` > length."""
    items = iterable_or_none(xs)
    if items is None or type(n) is not int:
        return []
    items = list(items)
    if n < 1 or n > len(items):
        return []
    return [items[i:i + n] for i in range(len(items) - n + 1)]


def min_(a: Any, b: Any = ABSENT) -> Any:
    """Two arguments: the smaller of two numbers or two strings by `<` (the first when neither is smaller; kinds
    kept), the first argument for any other pair. One iterable argument: its least element by the total order, null
    when empty."""
    if b is not ABSENT:
        if orderable(a, b) and b < a:
            return b
        return a
    items = iterable_or_none(a)
    if items is None:
        return a
    items = list(items)
    return min(items, key=total_order_key) if items else None


def max_(a: Any, b: Any = ABSENT) -> Any:
    """Like `min`, for the larger / greatest element."""
    if b is not ABSENT:
        if orderable(a, b) and b > a:
            return b
        return a
    items = iterable_or_none(a)
    if items is None:
        return a
    items = list(items)
    return max(items, key=total_order_key) if items else None


def abs_(x: Any) -> Any:
    """Absolute value of a number (Int overflow is an error); null for anything else."""
    t = type(x)
    if t is int:
        if x == INT_MIN:
            raise overflow()
        return -x if x < 0 else x
    if t is float:
        return abs(x)
    return None


def _is_number(x: Any) -> bool:
    t = type(x)
    return t is int or t is float


def clamp(x: Any, lo: Any, hi: Any) -> Any:
    """`min(max(x, lo), hi)` on numbers; `x` unchanged otherwise."""
    if not (_is_number(x) and _is_number(lo) and _is_number(hi)):
        return x
    return min_(max_(x, lo), hi)


def merge(a: Any, b: Any) -> Any:
    """Two Maps: entries of `a` overridden by `b`. A Record and a Map: the record with the Map's keys set as fields
    (unknown fields and constraints as for field assignment). Otherwise `a`."""
    if type(b) is dict:
        if type(a) is dict:
            merged = a.copy()
            merged.update(b)
            return merged
        if type(a) is Record:
            return update_record(a, b)
    return a


def add(set_: Any, x: Any) -> LumenSet:
    """The Set with `x` added if absent; when `set` is not a Set, the Set holding just `x`."""
    if type(set_) is LumenSet:
        return set_add(set_, x)
    return make_set((x,))


def remove(c: Any, x: Any) -> Any:
    """A Set without `x`; a Map without key `concat(x)`; a List without its first element SameValueZero to `x`."""
    t = type(c)
    if t is LumenSet:
        return set_remove(c, x)
    if t is dict:
        key = concat(x)
        if key not in c:
            return c
        copy = c.copy()
        del copy[key]
        return copy
    if t is list:
        position = index_in_sequence(c, x)
        if position < 0:
            return c
        return c[:position] + c[position + 1:]
    return c


def diff(a: Any, b: Any) -> list:
    """Changes from `a` to `b`: `[]` when equal. Two Records of the same type, or two Maps: one Map per differing
    field/key in key order — `{field, from, to}`, `{field, removed}` (only in `a`), `{field, added}` (only in `b`),
    with `key` instead of `field` for Maps. Other values: `[{from: a, to: b}]`."""
    if equals(a, b):
        return []
    if type(a) is Record and type(b) is Record and a.type.name == b.type.name:
        return _diff_fields(a.fields, b.fields, "field")
    if type(a) is dict and type(b) is dict:
        return _diff_fields(a, b, "key")
    return [{"from": a, "to": b}]


def _diff_fields(old: dict, new: dict, label: str) -> list:
    changes = []
    for name in sorted(set(old) | set(new)):
        if name not in new:
            changes.append({label: name, "removed": old[name]})
        elif name not in old:
            changes.append({label: name, "added": new[name]})
        elif not equals(old[name], new[name]):
            changes.append({label: name, "from": old[name], "to": new[name]})
    return changes


def patch(v: Any, changes: Any) -> Any:
    """Apply a `diff` result to a Record or Map: `to` and `added` set the field/key, `removed` deletes it (a Record
    field is set to null). Other values are returned unchanged."""
    t = type(v)
    if (t is not dict and t is not Record) or type(changes) is not list:
        return v
    updates: dict = {}
    removals: list = []
    for change in changes:
        if type(change) is not dict:
            continue
        name = change.get("field", change.get("key"))
        if name is None:
            continue
        name = concat(name)
        if "to" in change:
            updates[name] = change["to"]
        elif "added" in change:
            updates[name] = change["added"]
        elif "removed" in change:
            removals.append(name)
    if t is dict:
        result = v.copy()
        for name in removals:
            result.pop(name, None)
        result.update(updates)
        return result
    for name in removals:
        updates.setdefault(name, None)
    return update_record(v, updates) if updates else v


def redact(v: Any, names: Any) -> Any:
    """A Record or Map with each listed field/key that exists set to null (`names` a List or a single String)."""
    t = type(v)
    if t is not dict and t is not Record:
        return v
    if type(names) is str:
        wanted = [names]
    elif type(names) is list:
        wanted = [concat(name) for name in names]
    else:
        return v
    fields = v.fields if t is Record else v
    copy = fields.copy()
    for name in wanted:
        if name in copy:
            copy[name] = None
    return Record(v.type, copy) if t is Record else copy


def validate(x: Any) -> bool:
    """Always true (reserved)."""
    return True


_GROUP = "6.4"
SPECS = [
    builtin("append", append, "list[Any]", group=_GROUP),
    builtin("range", range_, "list[Int]", group=_GROUP),
    builtin("sort", sort, "list[Any]", group=_GROUP),
    builtin("sort_by", sort_by, "list[Any]", group=_GROUP),
    builtin("reverse", reverse, "Any", group=_GROUP),
    builtin("flatten", flatten, "list[Any]", group=_GROUP),
    builtin("unique", unique, "list[Any]", group=_GROUP),
    builtin("to_set", to_set, "set[Any]", group=_GROUP),
    builtin("take", take, "list[Any]", group=_GROUP),
    builtin("drop", drop, "list[Any]", group=_GROUP),
    builtin("first", first, "Any", group=_GROUP),
    builtin("last", last, "Any", group=_GROUP),
    builtin("enumerate", enumerate_, "list[Any]", group=_GROUP),
    builtin("zip", zip_, "list[Any]", group=_GROUP),
    builtin("chunk", chunk, "list[Any]", group=_GROUP),
    builtin("window", window, "list[Any]", group=_GROUP),
    builtin("min", min_, "Any", group=_GROUP),
    builtin("max", max_, "Any", group=_GROUP),
    builtin("abs", abs_, "Any", group=_GROUP),
    builtin("clamp", clamp, "Any", group=_GROUP),
    builtin("merge", merge, "Any", group=_GROUP),
    builtin("add", add, "set[Any]", group=_GROUP),
    builtin("remove", remove, "Any", group=_GROUP),
    builtin("diff", diff, "list[Any]", group=_GROUP),
    builtin("patch", patch, "Any", group=_GROUP),
    builtin("redact", redact, "Any", group=_GROUP),
    builtin("validate", validate, "Bool", group=_GROUP),
]
