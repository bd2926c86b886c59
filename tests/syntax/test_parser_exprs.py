"""Expressions: the precedence table of LANGUAGE.md §3.6, line structure (§3.4) and every expression form (§3.5)."""
import pytest

from lumen_kernel.syntax import ast

from parser_support import codes, diags, expr, parse_ok, sx


@pytest.mark.parametrize("source, expected", [
    # arithmetic and associativity
    ("1 + 2 * 3", "(+ 1 (* 2 3))"),
    ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
    ("10 - 4 - 3", "(- (- 10 4) 3)"),
    ("100 / 10 / 5", "(/ (/ 100 10) 5)"),
    ("7 % 4 * 2", "(* (% 7 4) 2)"),
    ("2 ** 3 ** 2", "(** 2 (** 3 2))"),
    ("2 * 3 ** 2", "(* 2 (** 3 2))"),
    # prefix operators bind tighter than `**` and every binary operator
    ("-2 ** 2", "(** (- 2) 2)"),
    ("-(2 ** 2)", "(- (** 2 2))"),
    ("not a == b", "(== (not a) b)"),
    ("~x & 1", "(& (~ x) 1)"),
    ("- - x", "(- (- x))"),
    ("2 ** -1", "(** 2 (- 1))"),
    # comparisons share one level, left-associative; & ^ in sit there too
    ("a < b == c", "(== (< a b) c)"),
    ("x & 1 == 0", "(== (& x 1) 0)"),
    ("a ^ b != c", "(!= (^ a b) c)"),
    ("a in b == c", "(== (in a b) c)"),
    ("a + 1 == b - 1", "(== (+ a 1) (- b 1))"),
    # logic
    ("a or b and c", "(or a (and b c))"),
    ("a and b or c and d", "(or (and a b) (and c d))"),
    ("not a and b", "(and (not a) b)"),
    # `??` is the loosest binary operator
    ("a ?? b or c", "(?? a (or b c))"),
    ("a ?? b ?? c", "(?? (?? a b) c)"),
    ("m[k] ?? -1", "(?? ([] m k) (- 1))"),
    # pipes are tighter than comparisons, looser than ++
    ("x |> f() == 3", "(== (|> x (call f)) 3)"),
    ("a |> f() + 1", "(|> a (+ (call f) 1))"),
    ("a |> f |> g", "(|> (|> a f) g)"),
    ("a >> f ~> g", "(~> (>> a f) g)"),
    ("a ++ b |> f", "(|> (++ a b) f)"),
    ("5 |> double == 10", "(== (|> 5 double) 10)"),
    # ++ is looser than ranges, ranges looser than + -
    ("a ++ b ++ c", "(++ (++ a b) c)"),
    ("xs ++ 1..n + 1", "(++ xs (.. 1 (+ n 1)))"),
    ("0..10 step 2", "(.. 0 10 step 2)"),
    ("1..=n", "(..= 1 n)"),
    ("a..", "(.. a _)"),
    ("a.. step 2", "(.. a _ step 2)"),
    ("1..5 |> f", "(|> (.. 1 5) f)"),
    # postfix is tightest
    ("-a.b", "(- (. a b))"),
    ("not f(x)!", "(not (! (call f x)))"),
    ("a?.b ?? c", "(?? (?. a b) c)"),
    ("f(x)?", "(? (call f x))"),
    ("t.0.1", "(. (. t 0) 1)"),
    ("a?[i]", "(?[] a i)"),
    ("(a?)[i]", "([] (? a) i)"),
    ("xs[]", "([] xs _)"),
    ("x.f(1).g", "(. (call (. x f) 1) g)"),
    ("r.type + r.end", "(+ (. r type) (. r end))"),
    # expect schema is a postfix form at the loosest level
    ("a + b expect schema T", "(expect (+ a b) T)"),
    ("a ?? b expect schema list[Int]", "(expect (?? a b) list[Int])"),
    # await and try take the whole following expression
    ("await a + b", "(await (+ a b))"),
    ("x + await y * 2", "(+ x (await (* y 2)))"),
    ("try f(x) + 1", "(try (+ (call f x) 1))"),
    ("async f(x)", "(async (call f x))"),
    ("confirm x", "(call confirm x)"),
    # lambdas extend as far as possible
    ("x |> fn(v) => v |> g", "(|> x (fn [v] (|> v g)))"),
    ("map(xs, fn(x) => x * x)", "(call map xs (fn [x] (* x x)))"),
    ("fn(a, b) => a + b", "(fn [a,b] (+ a b))"),
    # inline if
    ("if a then b else c", "(if a b c)"),
    ("(if a > 0 then 10 else 20) + 1", "(+ (if (> a 0) 10 20) 1)"),
])
def test_precedence(source, expected):
    assert sx(source) == expected


def test_type_words_and_soft_keywords_are_names_in_expressions():
    assert sx('int("3") + string(x)') == "(+ (call int '3') (call string x))"
    assert sx("map(xs, f)") == "(call map xs f)"
    assert sx("type + step + ok + err + self") == "(+ (+ (+ (+ type step) ok) err) self)"


@pytest.mark.parametrize("source, expected", [
    ("42", 42), ("1.5", 1.5), ('"s"', "s"), ("true", True), ("false", False),
])
def test_literals(source, expected):
    node = expr(source)
    assert node.value == expected


def test_null_bytes_raw_strings():
    assert isinstance(expr("null"), ast.NullLit)
    assert isinstance(expr("Null"), ast.NullLit)
    assert expr('b"4869"').value == b"Hi"
    raw = expr(r'r"a\n{b}"')
    assert isinstance(raw, ast.StringLit) and raw.raw and raw.value == r"a\n{b}"


def test_interpolated_string_parts_are_expressions():
    node = expr('"a {x + 1} b {f(y)}"')
    assert isinstance(node, ast.InterpString)
    assert node.parts[0] == "a "
    assert sx_node(node.parts[1]) == "(+ x 1)"
    assert node.parts[2] == " b "
    assert sx_node(node.parts[3]) == "(call f y)"


def sx_node(node):
    from parser_support import sexpr
    return sexpr(node)


def test_interpolation_with_leftover_tokens():
    assert diags('print("{a b}")') == [("E010", 1, 11, "I was expecting `}`, but found `b`")]


def test_role_block_argument_and_value():
    call = expr("ask(role user: hi {who}, x)")
    assert call.args[0].role == "user"
    role = call.args[0].value
    assert isinstance(role, ast.RoleBlock) and role.role == "user"
    assert role.parts[0] == "hi " and isinstance(role.parts[1], ast.Name)
    assert call.args[1].role is None


def test_calls_with_named_arguments_and_reserved_word_keys():
    assert sx("Event(end: 3, kind: 1)") == "(call Event end:3 kind:1)"
    assert sx("f(1, k: 2, 3,)") == "(call f 1 k:2 3)"


def test_generic_call_type_arguments():
    call = expr("Box[Int](value: 1)")
    assert isinstance(call, ast.Call) and sx_node(call.callee) == "Box"
    assert [t.name for t in call.type_args] == ["Int"]
    assert sx("fs[i](x)") == "(call ([] fs i) x)"
    assert sx('table["dbl"](21)') == "(call ([] table 'dbl') 21)"


def test_tuples_and_grouping():
    assert sx("(1)") == "1"
    assert sx("(1,)") == "(tuple 1)"
    assert sx("()") == "(tuple )"
    assert sx("(1, (2, 3))") == "(tuple 1 (tuple 2 3))"


def test_lists_and_spreads():
    assert sx("[1, ...xs, ..ys]") == "[1 ...xs ...ys]"
    assert sx("[]") == "[]"
    assert sx("[1, 2,\n 3,\n]") == "[1 2 3]"


def test_brace_literal_disambiguation():
    empty = expr("{}")
    assert isinstance(empty, ast.MapLit) and empty.entries == []
    mapping = expr('{name: 1, "b": 2, (k): 3, ...rest}')
    assert isinstance(mapping, ast.MapLit)
    first, second, third, spread = mapping.entries
    assert first.ident_key and first.key.value == "name"
    assert not second.ident_key and second.key.value == "b"
    assert isinstance(third.key, ast.Name)
    assert isinstance(spread, ast.Spread)
    assert isinstance(expr("{1, 2}"), ast.SetLit)
    assert isinstance(expr("{x}"), ast.SetLit)
    assert isinstance(expr("{x: 1}"), ast.MapLit)


def test_comprehensions():
    lst = expr("[x * x for x in xs if x > 0]")
    assert isinstance(lst, ast.Comprehension) and lst.kind == "list"
    assert [type(c).__name__ for c in lst.clauses] == ["CompFor", "CompIf"]
    nested = expr("[(a, b) for a in xs for b in ys]")
    assert [type(c).__name__ for c in nested.clauses] == ["CompFor", "CompFor"]
    assert expr("{x % 3 for x in xs}").kind == "set"
    pairs = expr("{(w, len(w)) for w in ws}")
    assert pairs.kind == "pairs"
    mapping = expr("{k: v for k in ks}")
    assert mapping.kind == "map" and isinstance(mapping.key, ast.Name) and mapping.key.id == "k"
    bracket = expr("set[x for x in xs]")
    assert bracket.kind == "set" and bracket.bracket
    destructured = expr("[k for (k, v) in pairs]")
    assert isinstance(destructured.clauses[0].target, ast.TuplePattern)


def test_set_bracket_literals():
    empty = expr("set[]")
    assert isinstance(empty, ast.SetLit) and empty.bracket and empty.elements == []
    assert len(expr("set[4, 5, 4]").elements) == 3
    assert sx("set [1]") == "([] set 1)"


def test_comptime_block_is_skipped():
    node = expr("comptime { anything (here) }")
    assert isinstance(node, ast.Comptime)


def test_ranges_are_not_chainable():
    assert codes("a..b..c") == ["E016"]


def test_open_range_restrictions():
    assert sx("xs[1..]") == "([] xs (.. 1 _))"
    assert sx("f(1.., 2)") == "(call f (.. 1 _) 2)"
    assert codes("x = a.. + 1") == ["E010"]


def test_lambda_forms():
    typed = expr("fn(x: Int) -> Int => x + 1")
    assert typed.expr_body and typed.params[0].type.name == "Int" and typed.result.name == "Int"
    assert isinstance(typed.body[0], ast.Return)
    block = parse_ok("let f = fn(a, b)\n  let s = a + b\n  s\nend\n").items[0].value
    assert isinstance(block, ast.Lambda) and not block.expr_body and len(block.body) == 2
    quirk = parse_ok("let f = fn() -> Int => x end\nprint(1)\n").items
    assert len(quirk) == 2 and quirk[0].value.expr_body


def test_block_lambda_inside_call_arguments():
    module = parse_ok("let ys = map(xs, fn(x)\n  let y = x * 2\n  y + 1\nend)\nprint(ys)\n")
    call = module.items[0].value
    assert isinstance(call.args[1].value, ast.Lambda) and len(call.args[1].value.body) == 2


def test_end_on_a_later_line_does_not_close_an_arrow_lambda():
    assert codes("let f = fn() => x\nend\n") == ["E010"]


def test_if_match_loop_as_values():
    module = parse_ok("let size = if a > 5\n  a * 2\nelse\n  0\nend\n"
                      "let code = match w\n  \"a\" -> 1\n  _ -> 0\nend\n"
                      "let n = loop\n  break 42\nend\n")
    values = [item.value for item in module.items]
    assert isinstance(values[0], ast.If) and not values[0].inline
    assert isinstance(values[1], ast.Match) and len(values[1].arms) == 2
    assert isinstance(values[2], ast.Loop)
    assert values[2].body[0].value.value == 42


def test_inline_if_in_expression_position_needs_expression_branches():
    assert codes("let y = if c then return 1 else 2") == ["E010"]
    assert sx("if a then b") == "(if a b)"


def test_await_blocks():
    module = parse_ok("let all = await parallel\n  work(1)\n  work(2)\nend\n"
                      "let w = await vote(3)\n  f()\nend\n"
                      "let sq = await parallel for x in xs\n  x * x\nend\n"
                      "let plain = await parallel(a, b)\nprint(plain)\n")
    block, voted, loop, plain, _ = [getattr(item, "value", None) for item in module.items]
    assert isinstance(block, ast.AwaitBlock) and block.kind == "parallel" and len(block.exprs) == 2
    assert voted.kind == "vote" and len(voted.args) == 1
    assert isinstance(loop, ast.AwaitParallelFor) and isinstance(loop.target, ast.BindPattern)
    assert isinstance(plain, ast.Await) and isinstance(plain.value, ast.Call)


def test_async_block():
    node = parse_ok("let v = async\n  let x = 1\n  x\nend\n").items[0].value
    assert isinstance(node, ast.AsyncBlock) and len(node.body) == 2


class TestLineStructure:
    def test_leading_operator_continues(self):
        module = parse_ok("let b = 10\n  + 20\n  * 2\nprint(b)\n")
        assert sx_node(module.items[0].value) == "(+ 10 (* 20 2))"
        assert len(module.items) == 2

    def test_pipes_and_methods_continue(self):
        module = parse_ok("let c = 5\n  |> inc\n  |> inc\nlet d = items\n  .filter(f)\n  ?.name\n")
        assert sx_node(module.items[0].value) == "(|> (|> 5 inc) inc)"
        assert sx_node(module.items[1].value) == "(?. (call (. items filter) f) name)"

    def test_logic_and_comparisons_continue(self):
        for op in ["and", "or", "==", "!=", "<", "<=", ">", ">=", "??", "++", "in", "*", "/", "%", ">>", "~>"]:
            module = parse_ok(f"let x = a\n  {op} b\nprint(x)\n")
            assert len(module.items) == 2, op

    def test_minus_needs_a_space_to_continue(self):
        module = parse_ok("let x = a\n  - b\n")
        assert sx_node(module.items[0].value) == "(- a b)"
        module = parse_ok("match n\n  0 -> a\n  -1 -> b\nend\n")
        assert len(module.items[0].expr.arms) == 2

    def test_continuation_with_dedent_is_balanced(self):
        module = parse_ok("cell f() -> Int\n  let x = 1\n    + 2\n  return x\nend\n")
        body = module.items[0].body
        assert sx_node(body[0].value) == "(+ 1 2)" and isinstance(body[1], ast.Return)

    def test_trailing_operator_does_not_continue(self):
        assert diags("let x = 1 +\n  2\n") == [("E015", 1, 12, "expected an expression after `+`")]

    def test_in_before_line_break_is_not_an_operator(self):
        module = parse_ok("approve \"go?\"\n  why\nin\n  print(1)\nend\n")
        assert module.items[0].body is not None

    def test_line_breaks_inside_brackets_are_insignificant(self):
        assert sx("f(a +\n  b,\n  c)") == "(call f (+ a b) c)"
        assert sx("[1, 2,\n  3, 4]") == "[1 2 3 4]"

    def test_backslash_continuation(self):
        module = parse_ok("let a = 1 + 2 + \\\n  3\nprint(a)\n")
        assert sx_node(module.items[0].value) == "(+ (+ 1 2) 3)"
        assert len(module.items) == 2
