"""Display form, concatenation form and the float format (LANGUAGE.md §5.2)."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lumen_kernel.runtime.ops import make_range
from lumen_kernel.runtime.render import concat, display, format_float
from lumen_kernel.runtime.values import (
    Closure, FutureBase, Instance, LumenSet, Record, RecordType, TraceRef, Union, VariantInfo, err, ok,
)


@pytest.mark.parametrize("value, text", [
    (3.0, "3.0"), (-0.5, "-0.5"), (2.5, "2.5"), (0.1 + 0.2, "0.30000000000000004"), (1.0 / 3.0, "0.3333333333333333"),
    (100.0, "100.0"), (123456789012345.0, "123456789012345.0"), (1e15, "1000000000000000"),
    (1e20, "100000000000000000000"), (1e-7, "0.0000001"), (0.000123, "0.000123"), (-0.0, "-0.0"), (0.0, "0.0"),
    (1e16, "10000000000000000"), (-1e15, "-1000000000000000"), (999999999999999.0, "999999999999999.0"),
    (1.5e-5, "0.000015"), (1.2345678901234567e30, "1234567890123456700000000000000"),
    (float("nan"), "NaN"), (float("inf"), "inf"), (float("-inf"), "-inf"),
])
def test_format_float(value: float, text: str) -> None:
    assert format_float(value) == text


@given(st.floats(allow_nan=False, allow_infinity=False))
@settings(max_examples=400)
def test_format_float_round_trips_and_never_uses_an_exponent(x: float) -> None:
    text = format_float(x)
    assert "e" not in text and "E" not in text
    back = float(text)
    assert back == x and math.copysign(1.0, back) == math.copysign(1.0, x)
    if x.is_integer() and abs(x) < 1e15:
        assert text.endswith(".0")


@given(st.floats(allow_nan=False, allow_infinity=False))
@settings(max_examples=200)
def test_format_float_uses_the_shortest_digits(x: float) -> None:
    digits = format_float(x).lstrip("-").replace(".", "").strip("0")
    shortest = repr(abs(x)).split("e")[0].replace(".", "").strip("0")
    assert digits == shortest or (x.is_integer() and abs(x) < 1e15)


def test_scalars() -> None:
    assert display(None) == "null"
    assert display(True) == "true" and display(False) == "false"
    assert display(-42) == "-42"
    assert display("text") == "text"
    assert display(b"Hi\n") == 'b"48690a"'
    assert display(b"") == 'b""'


def test_collections_quote_strings_in_display_form() -> None:
    assert display([1, "a", (2, "b")]) == '[1, "a", (2, "b")]'
    assert display((1,)) == "(1)"
    assert display(()) == "()"
    assert display([]) == "[]"
    assert display(LumenSet(("b", "a"))) == 'set["b", "a"]'
    assert display(LumenSet()) == "set[]"
    assert display({"pear": 3, "apple": "x"}) == '{"apple": "x", "pear": 3}'
    assert display({}) == "{}"
    assert display([1.0, 2.5]) == "[1.0, 2.5]"


def test_concat_form_uses_display_for_immediate_elements() -> None:
    assert concat(["a", 1, "b"]) == "[a, 1, b]"
    assert concat([1, "a", [2, "b"]]) == '[1, a, [2, "b"]]'
    assert concat(("k", 2)) == "(k, 2)"
    assert concat({"key": "val", "n": 1}) == "{key: val, n: 1}"
    assert concat({"x": ["y"], "z": "w"}) == '{x: ["y"], z: w}'
    assert concat(LumenSet(("a",))) == "set[a]"
    assert concat(None) == "null"
    assert concat(1.0) == "1.0"
    assert concat("s") == "s"


def test_records_render_in_field_name_order() -> None:
    tag = Record(RecordType("Tag", ("weight", "name")), {"weight": 3, "name": "urgent"})
    assert display(tag) == 'Tag(name: "urgent", weight: 3)'
    assert concat(tag) == "Tag(name: urgent, weight: 3)"
    assert display(Record(RecordType("Empty", ()), {})) == "Empty()"


def test_unions() -> None:
    red = Union(VariantInfo("Color", "Red"))
    circle = Union(VariantInfo("Shape", "Circle", (None,)), 1.5)
    number = Union(VariantInfo("N", "Number", ("n",)), 5)
    pair = Union(VariantInfo("P", "Pair", (None, None)), (1, "a"))
    cons = Union(VariantInfo("L", "Cons", ("value", "next")), {"value": 1, "next": red})
    assert display(red) == "Red"
    assert display(circle) == "Circle(1.5)"
    assert display(number) == "Number(5)"
    assert display(pair) == 'Pair(1, "a")'
    assert display(cons) == "Cons(next: Red, value: 1)"
    assert display(err("bad")) == "err(bad)"
    assert display(ok()) == "ok(null)"
    assert concat(ok([1, "x"])) == 'ok([1, "x"])'


def test_other_kinds() -> None:
    assert display(Closure(lambda: None, "double", "cell")) == "<closure:double>"
    assert display(Closure(lambda: None, "whatever", "lambda")) == "<closure:lambda>"

    class Decl:
        name = "Greeter"

    assert display(Instance(Decl(), 2)) == "<Greeter#2>"

    class Future(FutureBase):
        def __init__(self) -> None:
            self.number, self.status = 3, "pending"

    assert display(Future()) == "<future:3:pending>"
    assert display(TraceRef("doc:abc", 4)) == "<trace:doc:abc:4>"
    assert display(make_range(0, 3)) == "[0, 1, 2]"
