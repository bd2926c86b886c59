"""Differential test: random well-typed arithmetic and collection expressions, run by the engine and evaluated by a
straightforward Python reference of LANGUAGE.md §5.4-5.5 (checked 64-bit Ints, truncating division, remainder
with the dividend's sign, IEEE Floats, the float format of §5.2, ordering)."""
from __future__ import annotations

import math
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

INT_MIN, INT_MAX = -(2 ** 63), 2 ** 63 - 1


class Failure(Exception):
    """A Lumen runtime error in the reference evaluation."""


def check(value: int) -> int:
    if not INT_MIN <= value <= INT_MAX:
        raise Failure("arithmetic overflow")
    return value


def ieee_div(a: float, b: float) -> float:
    if b == 0:
        if a == 0 or a != a:
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def reference(node: tuple):
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "neg":
        value = reference(node[1])
        return check(-value) if type(value) is int else -value
    op, left, right = node[1], reference(node[2]), reference(node[3])
    if op in ("<", "<=", "==", "!="):
        return {"<": left < right, "<=": left <= right, "==": left == right, "!=": left != right}[op]
    if type(left) is int and type(right) is int:
        if op == "+":
            return check(left + right)
        if op == "-":
            return check(left - right)
        if op == "*":
            return check(left * right)
        if right == 0:
            raise Failure("division by zero")
        quotient = abs(left) // abs(right) * (1 if (left >= 0) == (right >= 0) else -1)
        if op == "/":
            return check(quotient)
        if left == INT_MIN and right == -1:
            raise Failure("arithmetic overflow")
        return left - right * quotient
    a, b = float(left), float(right)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return ieee_div(a, b)
    return math.nan if b == 0 or math.isinf(a) else math.fmod(a, b)


def show(value) -> str:
    """Display form (§5.2), written independently of the runtime's renderer."""
    if type(value) is bool:
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
    if value != value:
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value)}.0" if not (value == 0 and math.copysign(1, value) < 0) else "-0.0"
    text = format(Decimal(repr(value)), "f")
    return text[:-2] if text.endswith(".0") else text   # integral, 1e15 or more in magnitude: no `.0`


def source(node: tuple) -> str:
    kind = node[0]
    if kind == "lit":
        value = node[1]
        text = repr(value) if type(value) is float else str(value)
        return f"({text})" if text.startswith("-") else text
    if kind == "neg":
        return f"(-{source(node[1])})"
    return f"({source(node[2])} {node[1]} {source(node[3])})"


ints = st.one_of(st.integers(-20, 20), st.integers(INT_MIN + 1, INT_MAX), st.sampled_from([INT_MAX, 3037000500]))
floats = st.one_of(st.sampled_from([0.0, 0.5, 2.5, 1e-7, 1e20, 123456789.125, 0.1]),
                   st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False).map(lambda f: round(f, 3)))
literals = st.one_of(ints, floats).map(lambda v: ("lit", v))
numeric = st.recursive(
    literals,
    lambda children: st.one_of(
        st.tuples(st.just("bin"), st.sampled_from(["+", "-", "*", "/", "%"]), children, children),
        st.tuples(st.just("neg"), children)),
    max_leaves=6)
comparisons = st.tuples(st.just("bin"), st.sampled_from(["<", "<=", "==", "!="]), numeric, numeric)
expressions = st.one_of(numeric, comparisons)


HEALTH = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]


@settings(max_examples=150, deadline=None, suppress_health_check=HEALTH)
@given(expressions)
def test_expressions_match_reference(engine, node: tuple) -> None:
    try:
        expected = show(reference(node)) + "\n"
    except Failure as failure:
        expected = f"error: {failure}"
    result = engine.run(f"cell main()\n  print({source(node)})\nend\n")
    actual = result.stdout if result.ok else f"error: {result.error}"
    assert actual == expected, source(node)


@settings(max_examples=60, deadline=None, suppress_health_check=HEALTH)
@given(st.lists(ints, min_size=0, max_size=6), st.integers(-2, 8), st.sampled_from(["+", "-", "*"]))
def test_typed_locals_and_lists_match_reference(engine, values: list[int], index: int, op: str) -> None:
    """The same arithmetic through specialised Int parameters, typed locals and List indexing (fast paths)."""
    program = f'''
        cell combine(a: Int, b: Int) -> Int = a {op} b
        cell main()
          let xs = {[*values]}
          let total = 0
          for i in 0..len(xs)
            total = combine(total, xs[i])
          end
          print(total, xs[{index}] ?? "none", sort(xs), len(xs ++ xs))
        end
        '''
    try:
        total = 0
        for value in values:
            total = reference(("bin", op, ("lit", total), ("lit", value)))
        element = values[index] if 0 <= index < len(values) else "none"
        expected = f"{total} {element} [{', '.join(str(v) for v in sorted(values))}] {2 * len(values)}\n"
    except Failure as failure:
        expected = f"error: {failure}"
    result = engine.run(program)
    assert (result.stdout if result.ok else f"error: {result.error}") == expected
