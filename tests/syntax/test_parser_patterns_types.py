"""Patterns (LANGUAGE.md §3.7) and types (§3.8)."""
import pytest

from lumen_kernel.syntax import ast

from parser_support import diags, parse_ok, sexpr, type_text


def arm_pattern(text: str) -> ast.Pattern:
    module = parse_ok(f"match x\n  {text} -> 1\nend\n")
    return module.items[0].expr.arms[0].pattern


def pattern_text(node) -> str:
    """A compact rendering of a pattern."""
    if isinstance(node, ast.WildcardPattern):
        return "_"
    if isinstance(node, ast.BindPattern):
        return node.name
    if isinstance(node, ast.LiteralPattern):
        return sexpr(node.value)
    if isinstance(node, ast.VariantPattern):
        name = ".".join(node.name)
        return f"{name}({', '.join(pattern_text(a) for a in node.args)})" if node.has_parens else f"~{name}"
    if isinstance(node, ast.RecordPattern):
        parts = []
        for f in node.fields:
            if f.pattern is not None:
                parts.append(f"{f.name}: {pattern_text(f.pattern)}")
            else:
                parts.append(f"{f.name}:" if f.colon else f.name)
        if node.rest:
            parts.append("..")
        return f"{'.'.join(node.name)}{{{', '.join(parts)}}}"
    if isinstance(node, ast.TuplePattern):
        return "(" + ", ".join(pattern_text(e) for e in node.elements) + ",)"
    if isinstance(node, ast.ListPattern):
        parts = [pattern_text(e) for e in node.elements]
        if node.rest:
            parts.append("..." + (node.rest_name or ""))
        return "[" + ", ".join(parts) + "]"
    if isinstance(node, ast.TypePattern):
        return f"{node.name}: {type_text(node.type)}"
    if isinstance(node, ast.OrPattern):
        return " | ".join(pattern_text(a) for a in node.alternatives)
    raise AssertionError(node)


@pytest.mark.parametrize("source, expected", [
    ("_", "_"),
    ("n", "n"),
    ("Red", "Red"),
    ("Color.Red", "~Color.Red"),
    ("42", "42"),
    ("-1", "(- 1)"),
    ("-2.5", "(- 2.5)"),
    ('"sat"', "'sat'"),
    ('r"raw"', "'raw'"),
    ("true", "true"),
    ("null", "null"),
    ("ok(v)", "ok(v)"),
    ("err(_)", "err(_)"),
    ("ok(Circle(r))", "ok(Circle(r))"),
    ("Empty()", "Empty()"),
    ("Point(x: 0, y:)", "Point{x: 0, y:}"),
    ("Point(x:, ..)", "Point{x:, ..}"),
    ("Point(x, ...)", "Point{x, ..}"),
    ("Geo.Point(x: (a, b))", "Geo.Point{x: (a, b,)}"),
    ("(0, y)", "(0, y,)"),
    ("(p,)", "(p,)"),
    ("[]", "[]"),
    ("[x]", "[x]"),
    ("[first, ...rest]", "[first, ...rest]"),
    ("[a, ..]", "[a, ...]"),
    ("[...]", "[...]"),
    ("n: Int", "n: Int"),
    ("v: Int | Float", "v: Int | Float"),
    ('"sat" | "sun"', "'sat' | 'sun'"),
    ("1 | 2 | 3", "1 | 2 | 3"),
])
def test_patterns(source, expected):
    assert pattern_text(arm_pattern(source)) == expected


def test_empty_tuple_pattern():
    node = arm_pattern("()")
    assert isinstance(node, ast.TuplePattern) and node.elements == []


def test_string_pattern_must_not_interpolate():
    assert diags('match x\n  "a{b}" -> 1\nend\n') == [
        ("E016", 2, 3, "malformed pattern: a string pattern cannot contain interpolation")]


def test_guard_and_arm_forms():
    module = parse_ok("match p\n  (x, y) if x > 0 and y > 0 -> return \"first\"\nend\n")
    arm = module.items[0].expr.arms[0]
    assert sexpr(arm.guard) == "(and (> x 0) (> y 0))"


def param_type(text: str) -> str:
    module = parse_ok(f"cell f(x: {text})\n  print(x)\nend\n")
    return type_text(module.items[0].params[0].type)


@pytest.mark.parametrize("source, expected", [
    ("Int", "Int"),
    ("int", "int"),
    ("Null", "Null"),
    ("null", "null"),
    ("list[String]", "list[String]"),
    ("set[Int]", "set[Int]"),
    ("map[String, Int]", "map[String, Int]"),
    ("result[Int, String]", "result[Int, String]"),
    ("tuple[A, B]", "tuple[A, B]"),
    ("(Int, String)", "(Int, String)"),
    ("(Int)", "(Int)"),
    ("fn(Int) -> Int", "fn(Int) -> Int"),
    ("fn() -> Null", "fn() -> Null"),
    ("fn(Int, Int) -> Bool / {emit}", "fn(Int, Int) -> Bool / {emit}"),
    ("Box[T]", "Box[T]"),
    ("M.State", "M.State"),
    ("Int | Null", "Int | Null"),
    ("A & B", "A | B"),
    ("list[map[String, Int | Null]]", "list[map[String, Int | Null]]"),
])
def test_types(source, expected):
    assert param_type(source) == expected


def test_function_types_in_parameters_and_results():
    cell = parse_ok("cell compose(f: fn(Int) -> Int, g: fn(Int) -> Int) -> fn(Int) -> Int\n"
                    "  return fn(x) => g(f(x))\nend\n").items[0]
    assert [type_text(p.type) for p in cell.params] == ["fn(Int) -> Int", "fn(Int) -> Int"]
    assert type_text(cell.result) == "fn(Int) -> Int"


def test_expect_schema_type():
    module = parse_ok("let o = read() expect schema map[String, Int]\n")
    assert type_text(module.items[0].value.type) == "map[String, Int]"


def test_not_a_type():
    assert diags("cell f(x: 1)\n  print(x)\nend\n") == [("E010", 1, 11, "I was expecting a type, but found `1`")]
