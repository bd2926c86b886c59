"""Dynamic operators (LANGUAGE.md §5.3, §5.5-§5.7, §5.13-§5.14)."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lumen_kernel.runtime import ops
from lumen_kernel.runtime.errors import LumenError
from lumen_kernel.runtime.values import (
    INT_MAX, INT_MIN, LumenSet, Record, RecordType, Union, VariantInfo, err, ok,
)

NAN = float("nan")
INF = float("inf")
ints = st.integers(INT_MIN, INT_MAX)


def error_text(function, *args) -> str:
    with pytest.raises(LumenError) as info:
        function(*args)
    return info.value.message


# -- checked Int arithmetic against Python big ints -------------------------------------------------------------------

def _expect(exact: int, function, a: int, b: int) -> None:
    if INT_MIN <= exact <= INT_MAX:
        assert function(a, b) == exact
    else:
        assert error_text(function, a, b) == "arithmetic overflow"


@given(ints, ints)
@settings(max_examples=300)
def test_add_sub_mul_are_checked(a: int, b: int) -> None:
    _expect(a + b, ops.add, a, b)
    _expect(a - b, ops.sub, a, b)
    _expect(a * b, ops.mul, a, b)


@given(ints, ints.filter(lambda b: b != 0))
@settings(max_examples=300)
def test_division_truncates_and_remainder_follows_the_dividend(a: int, b: int) -> None:
    quotient = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)
    _expect(quotient, ops.div, a, b)
    if a == INT_MIN and b == -1:
        assert error_text(ops.mod, a, b) == "arithmetic overflow"
    else:
        remainder = ops.mod(a, b)
        assert remainder == a - b * quotient
        assert remainder == 0 or (remainder < 0) == (a < 0)


@given(st.integers(-2 ** 40, 2 ** 40), st.integers(0, 70))
@settings(max_examples=300)
def test_int_power_is_exact_or_overflows(a: int, b: int) -> None:
    _expect(a ** b, ops.pow_, a, b)


def test_int_power_with_huge_exponents_does_not_hang() -> None:
    assert error_text(ops.pow_, 2, INT_MAX) == "arithmetic overflow"
    assert ops.pow_(1, INT_MAX) == 1 and ops.pow_(-1, INT_MAX) == -1 and ops.pow_(0, INT_MAX) == 0
    assert ops.pow_(-2, 63) == INT_MIN
    assert ops.pow_(0, 0) == 1


def test_examples_of_section_5_5() -> None:
    assert ops.div(-7, 2) == -3 and ops.mod(-7, 3) == -1 and ops.mod(7, -3) == 1
    assert ops.pow_(2, -1) == 0.5 and type(ops.pow_(2, 3)) is int
    assert ops.div(1, 0.0) == INF and ops.div(-1, 0.0) == -INF and math.isnan(ops.div(0.0, 0.0))
    assert ops.div(1, -0.0) == -INF
    assert ops.mod(7.5, 2) == 1.5 and ops.mod(-7.5, 2) == -1.5
    assert math.isnan(ops.mod(1.0, 0)) and math.isnan(ops.mod(INF, 2.0)) and ops.mod(1.0, INF) == 1.0
    assert ops.div(10, 4.0) == 2.5
    assert error_text(ops.div, 1, 0) == "division by zero"
    assert error_text(ops.mod, 1, 0) == "division by zero"
    assert error_text(ops.div, INT_MIN, -1) == "arithmetic overflow"
    assert error_text(ops.neg, INT_MIN) == "arithmetic overflow"
    assert ops.neg(5) == -5 and math.copysign(1, ops.neg(0.0)) == -1


def test_float_power_follows_c_pow() -> None:
    assert ops.pow_(2.0, 0.5) == math.sqrt(2) and ops.pow_(9, 0.5) == 3.0
    assert ops.pow_(10.0, 400) == INF and ops.pow_(-10.0, 401) == -INF
    assert ops.pow_(0.0, -1) == INF and ops.pow_(-0.0, -1) == -INF and ops.pow_(-0.0, -2) == INF
    assert math.isnan(ops.pow_(-8.0, 1 / 3))
    assert ops.pow_(NAN, 0) == 1.0 and ops.pow_(1.0, NAN) == 1.0
    assert ops.pow_(2, -1075) == 0.0


def test_strings_with_plus_and_concat_op() -> None:
    assert ops.add("n=", 5) == "n=5" and ops.add(5, "x") == "5x" and ops.add(None, "s") == "nulls"
    assert ops.add("xs=", ["a", 1]) == "xs=[a, 1]"
    assert ops.concat_op(1, 2) == "12" and ops.concat_op("a", [1]) == "a[1]"
    assert ops.concat_op([1], [2, 3]) == [1, 2, 3]
    assert ops.add(1, 2.5) == 3.5 and ops.mul(2, 1.5) == 3.0 and ops.sub(1.5, 1) == 0.5


@pytest.mark.parametrize("function, op, a, b, kinds", [
    (ops.add, "+", True, 1, "Bool and Int"), (ops.add, "+", [1], [2], "List and List"),
    (ops.sub, "-", "a", "b", "String and String"), (ops.mul, "*", "ab", 3, "String and Int"),
    (ops.div, "/", None, 1, "Null and Int"), (ops.mod, "%", 1, [], "Int and List"), (ops.pow_, "**", {}, 2, "Map and Int"),
    (ops.bitand, "&", True, 1, "Bool and Int"), (ops.bitxor, "^", 1.0, 1, "Float and Int"),
])
def test_binary_type_errors(function, op, a, b, kinds) -> None:
    assert error_text(function, a, b) == f"type error: cannot apply '{op}' to {kinds}"


def test_unary_type_errors_and_bitwise() -> None:
    assert error_text(ops.neg, "x") == "type error: cannot apply '-' to String"
    assert error_text(ops.bitnot, 1.0) == "type error: cannot apply '~' to Float"
    assert ops.bitand(12, 10) == 8 and ops.bitxor(12, 10) == 6 and ops.bitnot(0) == -1 and ops.bitand(-1, 5) == 5


def test_truthiness() -> None:
    falsy = [None, False, 0, 0.0, -0.0, "", [], (), LumenSet()]
    truthy = [NAN, {}, b"", 1, "0", [0], Record(RecordType("R", ()), {}), ok(), err()]
    assert not any(ops.truthy(v) for v in falsy)
    assert all(ops.truthy(v) for v in truthy)
    assert ops.not_(0) is True


# -- indexing and fields ----------------------------------------------------------------------------------------------

def test_indexing_never_fails() -> None:
    xs = [10, 20, 30]
    assert ops.index(xs, 0) == 10 and ops.index(xs, 3) is None and ops.index(xs, -1) is None
    assert ops.index(xs, True) is None and ops.index(xs, 1.0) is None
    assert ops.index("día", 1) == "í" and ops.index("día", 3) is None
    assert ops.index(b"\x05\x06", 1) == 6
    assert ops.index({"1": "one"}, 1) == "one" and ops.index({"a": 1}, "b") is None
    assert ops.index(Record(RecordType("R", ("name",)), {"name": "x"}), "name") == "x"
    assert ops.index(None, 0) is None and ops.index(5, 0) is None
    assert ops.index((7, 8), 1) == 8


def test_field_access() -> None:
    assert ops.field({"a": 1}, "a") == 1 and ops.field({"a": 1}, "b") is None
    assert ops.field((1, 2, 3), 2) == 3 and ops.field((1, 2), "1") == 2 and ops.field((1,), 5) is None
    assert ops.field(Record(RecordType("R", ("x",)), {"x": 1}), "x") == 1
    assert ops.field(None, "x") is None and ops.field("str", "len") is None


def test_union_access() -> None:
    circle = Union(VariantInfo("S", "Circle", (None,)), 1.5)
    number = Union(VariantInfo("N", "Number", ("n",)), 5)
    pair = Union(VariantInfo("P", "Pair", (None, None)), (1, "a"))
    cons = Union(VariantInfo("L", "Cons", ("value", "next")), {"value": 1, "next": None})
    wrapped = Union(VariantInfo("W", "Wrap", (None,)), Record(RecordType("R", ("x",)), {"x": 9}))
    assert ops.field(circle, 0) == 1.5 and ops.field(circle, 1) is None
    assert ops.field(number, "n") == 5 and ops.field(number, 0) == 5
    assert ops.field(pair, 1) == "a"
    assert ops.field(cons, "value") == 1 and ops.field(cons, 1) is None and ops.field(cons, 0) == 1
    assert ops.field(wrapped, "x") == 9 and ops.field(ok({"k": 2}), "k") == 2
    assert ops.field(Union(VariantInfo("C", "Red")), 0) is None
    assert ops.index(pair, 0) == 1 and ops.index(cons, "value") == 1


def test_part_assignment_builds_copies() -> None:
    xs = [1, 2, 3]
    ys = ops.set_index(xs, 1, 20)
    assert ys == [1, 20, 3] and xs == [1, 2, 3]
    assert error_text(ops.set_index, xs, 3, 0) == "index out of range: 3 (length 3)"
    assert error_text(ops.set_index, xs, "a", 0) == "index out of range: a (length 3)"
    m = {"a": 1}
    assert ops.set_index(m, 1, 2) == {"a": 1, "1": 2} and m == {"a": 1}
    assert ops.set_field(m, "b", 3) == {"a": 1, "b": 3}
    assert error_text(ops.set_index, (1, 2), 0, 5) == "type error: cannot assign to an element of Tuple"
    assert error_text(ops.set_field, "s", "f", 5) == "type error: cannot assign field 'f' on String"


def test_record_field_assignment_rechecks_constraints() -> None:
    order = RecordType("Order", ("qty", "note"),
                       constraints=[("qty", lambda f: f["qty"] > 0 and f["qty"] <= 100, "qty > 0 and qty <= 100")])
    record = Record(order, {"qty": 5, "note": ""})
    updated = ops.set_field(record, "qty", 7)
    assert updated.fields == {"qty": 7, "note": ""} and record.fields["qty"] == 5
    assert ops.set_index(record, "note", "x").fields["note"] == "x"
    assert error_text(ops.set_field, record, "qty", 250) == \
        "constraint failed: Order.qty where qty > 0 and qty <= 100 (got 250)"
    assert error_text(ops.set_field, record, "nope", 1) == "unknown field 'nope' on type 'Order'"


# -- iteration and ranges ---------------------------------------------------------------------------------------------

def test_iteration() -> None:
    assert list(ops.iterate([1, 2])) == [1, 2]
    assert list(ops.iterate({"b": 1, "a": 2})) == ["a", "b"]
    assert list(ops.iterate("ab")) == ["a", "b"]
    assert list(ops.iterate(b"\x01\xff")) == [1, 255]
    assert list(ops.iterate(LumenSet((3, 1)))) == [3, 1]
    assert list(ops.iterate((1,))) == [1]
    for value, kind in [(5, "Int"), (None, "Null"), (ok(1), "Union"), (1.5, "Float")]:
        assert error_text(ops.iterate, value) == f"type error: cannot iterate over {kind}"
    assert ops.iterable_or_none(5) is None


def test_ranges() -> None:
    assert ops.range_list(0, 3) == [0, 1, 2]
    assert ops.range_list(0, 3, True) == [0, 1, 2, 3]
    assert ops.range_list(10, 0, False, -3) == [10, 7, 4, 1]
    assert ops.range_list(0, 10, False, 2) == [0, 2, 4, 6, 8]
    assert ops.range_list(3, 3) == []
    unbounded = ops.make_range(5, None, False, 5)
    iterator = iter(unbounded)
    assert [next(iterator) for _ in range(3)] == [5, 10, 15]
    assert error_text(unbounded.to_list) == "cannot materialize an unbounded range"
    assert error_text(ops.make_range, 0, 1.5) == "type error: range bounds must be Int"
    assert error_text(ops.make_range, True, 3) == "type error: range bounds must be Int"
    assert error_text(ops.make_range, 0, 3, False, 0) == "range step must not be zero"
    assert list(ops.iterate(ops.make_range(0, 2))) == [0, 1]


def test_check_int() -> None:
    assert ops.check_int(INT_MAX) == INT_MAX
    assert error_text(ops.check_int, INT_MAX + 1) == "arithmetic overflow"
