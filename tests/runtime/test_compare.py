"""Equality, SameValueZero, membership, ordering operators and the total order (LANGUAGE.md §5.4)."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lumen_kernel.runtime.compare import (
    contains_value, equals, ge, gt, le, less_than, lt, make_set, same_value_zero, set_add, set_contains,
    set_remove, sort_values, svz_key, total_order_key,
)
from lumen_kernel.runtime.errors import LumenError
from lumen_kernel.runtime.ops import make_range
from lumen_kernel.runtime.values import Closure, LumenSet, Record, RecordType, Union, VariantInfo, err, ok

NAN = float("nan")


def test_numbers_compare_by_exact_value() -> None:
    assert equals(1, 1.0) and equals(1.0, 1)
    assert not equals(2 ** 53 + 1, float(2 ** 53 + 1))   # exact value, not float conversion
    assert equals(0.0, -0.0)
    assert not equals(NAN, NAN)


def test_kinds_never_equal_across() -> None:
    assert not equals(1, "1")
    assert not equals(True, 1) and not equals(1, True) and not equals(False, 0.0)
    assert not equals(None, False)
    assert not equals([1], (1,))
    assert not equals(b"", "")
    assert equals(None, None)


def test_structural_equality() -> None:
    assert equals([1, 2.0], [1.0, 2])
    assert not equals([1, 2], [2, 1])
    assert not equals([1], [1, 2])
    assert not equals([NAN], [NAN])
    assert equals({"a": [1]}, {"a": [1.0]})
    assert not equals({"a": 1}, {"b": 1})
    assert equals(make_set([1, 2]), make_set([2, 1]))
    assert not equals(make_set([1, 2]), make_set([1, 3]))
    assert equals(make_set([NAN]), make_set([NAN]))   # set membership is SameValueZero
    rt = RecordType("R", ("a",))
    assert equals(Record(rt, {"a": 1}), Record(RecordType("R", ("a",)), {"a": 1.0}))
    assert not equals(Record(rt, {"a": 1}), Record(RecordType("S", ("a",)), {"a": 1}))
    assert equals(ok(1), ok(1.0)) and not equals(ok(1), err(1))
    v = VariantInfo("E", "V", (None, None))
    assert equals(Union(v, (1, "a")), Union(v, (1, "a")))


def test_closures_and_instances_compare_by_identity() -> None:
    f = Closure(lambda: 1, "f", "lambda")
    g = Closure(lambda: 1, "f", "lambda")
    assert equals(f, f) and not equals(f, g)
    upper1, upper2 = Closure(str.upper, "upper", "builtin"), Closure(str.upper, "upper", "builtin")
    assert equals(upper1, upper2) and same_value_zero(upper1, upper2)
    assert not equals(upper1, Closure(str.lower, "lower", "builtin"))


def test_same_value_zero() -> None:
    assert same_value_zero(NAN, NAN)
    assert same_value_zero(0.0, -0.0)
    assert same_value_zero(1, 1.0)
    assert same_value_zero([NAN, {"a": NAN}], [NAN, {"a": NAN}])
    assert not same_value_zero(True, 1)
    assert not same_value_zero("1", 1)
    assert svz_key(NAN) == svz_key(float("-nan"))
    assert svz_key(True) != svz_key(1)
    assert svz_key([1]) != svz_key((1,))


def test_sets_keep_first_occurrences_in_insertion_order() -> None:
    s = make_set([3, 1, 3, 2, 1.0, NAN, NAN])
    assert s.items[:3] == (3, 1, 2) and len(s) == 4
    assert set_contains(s, NAN) and set_contains(s, 1.0)
    s2 = set_add(s, 7)
    assert s2.items[-1] == 7 and len(s) == 4   # the original is unchanged
    assert set_add(s2, 7) is s2
    assert set_remove(s2, 1).items == (3, 2, s2.items[3], 7)
    assert set_remove(s2, 99) is s2


def test_membership() -> None:
    assert contains_value([1.0, NAN], NAN)
    assert contains_value([0.0], -0.0)
    assert contains_value((1, "a"), "a")
    assert not contains_value([True], 1) and not contains_value([1], True)
    assert contains_value(make_set([2]), 2.0)
    assert contains_value({"1": "one"}, 1)   # Map: concat(x) is a key
    assert contains_value("haystack", "st") and contains_value("a1b", 1)
    rt = RecordType("R", ("name",))
    assert contains_value(Record(rt, {"name": 1}), "name")
    assert contains_value(make_range(0, 10, False, 2), 4) and not contains_value(make_range(0, 10, False, 2), 5)
    assert contains_value(make_range(10, None, False, -3), 4)
    assert not contains_value(make_range(0, 3), 3) and contains_value(make_range(0, 3, True), 3)
    assert not contains_value(5, 5) and not contains_value(None, None)


def test_ordering_operators() -> None:
    assert lt(1, 1.5) and le(2, 2.0) and gt("b", "a") and ge("a", "a")
    assert not lt(NAN, 1.0) and not gt(NAN, 1.0) and not le(NAN, NAN)
    assert lt("Z", "a")   # code point order
    assert less_than(1, 2, ">=") is False
    with pytest.raises(LumenError, match=r"^type error: cannot apply '<' to Int and String$"):
        lt(1, "a")
    with pytest.raises(LumenError, match=r"^type error: cannot apply '>=' to Bool and Bool$"):
        ge(True, False)
    with pytest.raises(LumenError, match=r"^type error: cannot apply '<=' to List and List$"):
        le([1], [2])
    with pytest.raises(LumenError, match=r"^type error: cannot apply '>' to Null and Int$"):
        gt(None, 1)


def test_total_order_between_kinds() -> None:
    values = [Closure(lambda: 0, "f", "cell"), ok(1), Record(RecordType("R", ()), {}), {"a": 1}, make_set([1]),
              (1,), [1], b"\x00", "s", 1, True, None]
    assert sort_values(values) == list(reversed(values))


def test_total_order_within_numbers() -> None:
    inf = float("inf")
    result = sort_values([NAN, 2.0, inf, 2, -0.0, 0.0, 0, -inf, 1.5])
    assert result[:-1] == [-inf, 0, -0.0, 0.0, 1.5, 2, 2.0, inf]
    assert math.isnan(result[-1])
    assert [math.copysign(1, x) for x in result[2:4]] == [-1, 1]


def test_total_order_within_collections() -> None:
    assert sort_values([[1, 2], [1], [0, 5]]) == [[0, 5], [1], [1, 2]]
    assert sort_values([{"b": 1}, {"a": 2}, {"a": 1}]) == [{"a": 1}, {"a": 2}, {"b": 1}]
    big, small = make_set([1, 2]), make_set([9])
    assert sort_values([big, small]) == [small, big]
    assert sort_values(["pear", "Apple", "fig", "apple"]) == ["Apple", "apple", "fig", "pear"]
    assert sort_values([False, True, False]) == [False, False, True]
    a, b = Closure(lambda: 0, "b", "cell"), Closure(lambda: 0, "a", "builtin")
    assert sort_values([a, b]) == [b, a]


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-2 ** 63, 2 ** 63 - 1), st.floats(), st.text(max_size=4),
    st.binary(max_size=3),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.tuples(inner, inner),
    st.dictionaries(st.text(max_size=2), inner, max_size=3),
    st.lists(inner, max_size=3).map(make_set),
), max_leaves=8)


@given(st.lists(values, max_size=8))
@settings(max_examples=200)
def test_total_order_is_a_total_preorder(items: list) -> None:
    keys = [total_order_key(v) for v in items]
    for a in keys:
        for b in keys:
            assert a <= b or b <= a   # total
            for c in keys:
                if a <= b and b <= c:
                    assert a <= c   # transitive


@given(st.lists(st.tuples(st.one_of(st.integers(-3, 3), st.floats(-3, 3), st.just(NAN)), st.integers())))
@settings(max_examples=200)
def test_sort_is_stable_and_puts_nan_last(pairs: list) -> None:
    tagged = [[number, tag] for number, tag in pairs]
    ordered = sort_values(tagged)
    numbers = [pair[0] for pair in ordered]
    seen_nan = False
    for x in numbers:
        if x != x:
            seen_nan = True
        else:
            assert not seen_nan, "NaN must come after every other number"
    # stability: among equal keys, the original order is kept
    positions = {id(pair): i for i, pair in enumerate(tagged)}
    for left, right in zip(ordered, ordered[1:]):
        if total_order_key(left) == total_order_key(right):
            assert positions[id(left)] < positions[id(right)]


@given(values, values)
@settings(max_examples=300)
def test_svz_key_agrees_with_equality_except_nan(a, b) -> None:
    if equals(a, b):
        assert svz_key(a) == svz_key(b)
    if svz_key(a) == svz_key(b) and "nan" not in repr(a) + repr(b):
        assert equals(a, b)


def test_sets_of_sets() -> None:
    inner = make_set([1, 2])
    outer = make_set([inner, make_set([2, 1]), LumenSet()])
    assert len(outer) == 2


@given(st.lists(st.one_of(st.integers(-3, 3), st.sampled_from([0.0, -0.0, 1.0, -1.0, 2.5, float("inf")]),
                          st.floats(allow_nan=False)), max_size=30))
@settings(max_examples=300)
def test_numeric_fast_path_matches_the_total_order_key(items: list) -> None:
    fast = sort_values(items)
    slow = sorted(items, key=total_order_key)
    assert [(type(x), x, math.copysign(1, x)) for x in fast] == [(type(x), x, math.copysign(1, x)) for x in slow]


@given(st.lists(st.one_of(st.integers(-3, 3), st.booleans(), st.floats(-2, 2), st.text(max_size=1)), max_size=20),
       st.one_of(st.integers(-3, 3), st.booleans(), st.floats(-2, 2), st.text(max_size=1)))
@settings(max_examples=300)
def test_fast_membership_matches_same_value_zero(items: list, x) -> None:
    expected = next((i for i, e in enumerate(items) if svz_key(e) == svz_key(x)), -1)
    from lumen_kernel.runtime.compare import index_in_sequence
    assert index_in_sequence(items, x) == expected
    assert index_in_sequence(tuple(items), x) == expected
