"""Types (LANGUAGE.md §4.3-§4.5, §4.8): E040, E042, E020, generic arity and bounds, expression types."""
from __future__ import annotations

from lumen_kernel.checker import types as T
from lumen_kernel.syntax import ast


def test_return_type_mismatch(check):
    result = check("""
        cell label(n: Int) -> Int
          let text = "n = {n}"
          return text
        end
    """)
    diagnostic = result.one("E040")
    assert diagnostic.message == "type mismatch: expected Int, got String"
    assert (diagnostic.span.line, diagnostic.span.column) == (3, 10)


def test_expression_body_and_let_annotation(check):
    result = check("""
        cell half(x: Int) -> String = x / 2
        cell f() -> Int
          let n: Float = 3
          let s: Int = "x"
          return 0
        end
    """)
    assert result.messages == ["type mismatch: expected String, got Int", "type mismatch: expected Int, got String"]


def test_compatibility_rules():
    box = ast.RecordDecl(name="Box")
    from lumen_kernel.checker.symbols import RecordSym

    symbol = RecordSym(name="Box", kind="record", decl=box, module=None, span=None)  # type: ignore[arg-type]
    assert T.compatible(T.FLOAT, T.INT) and not T.compatible(T.INT, T.FLOAT)
    assert T.compatible(T.ListType(T.INT), T.ListType(T.ANY))
    assert T.compatible(T.make_union([T.INT, T.NULL]), T.NULL)
    assert T.compatible(T.INT, T.make_union([T.STRING, T.INT]))
    assert T.compatible(T.ResultType(T.INT, T.STRING), T.INT)
    assert not T.compatible(T.ResultType(T.INT, T.STRING), T.STRING)
    assert T.compatible(T.TupleType([T.FLOAT, T.INT]), T.TupleType([T.INT, T.INT]))
    assert not T.compatible(T.TupleType([T.INT]), T.TupleType([T.INT, T.INT]))
    assert T.compatible(T.FnType([T.INT], T.INT), T.FnType([T.INT], T.INT))
    assert not T.compatible(T.FnType([T.INT], T.INT), T.FnType([], T.INT))
    assert T.compatible(T.NominalType(symbol, [T.INT]), T.NominalType(symbol))
    assert not T.compatible(T.NominalType(symbol, [T.INT]), T.NominalType(symbol, [T.STRING]))
    assert not T.compatible(T.STRING, T.INT)


def test_rendering():
    assert T.render(T.MapType(T.STRING, T.INT)) == "map[String, Int]"
    assert T.render(T.TupleType([T.INT, T.STRING])) == "(Int, String)"
    assert T.render(T.make_union([T.INT, T.NULL])) == "Int | Null"
    assert T.render(T.FnType([T.INT], T.INT)) == "fn(Int) -> Int"
    assert T.render(T.ResultType(T.INT, T.STRING)) == "result[Int, String]"
    assert T.render(T.SetType(T.ListType(T.BOOL))) == "set[list[Bool]]"


def test_operator_mismatches(check):
    result = check("""
        cell f() -> Int
          let a = [1] + [2]
          let b = "x" - 1
          let c = true < 1
          let d = "a" < "b"
          let e = 1 < 2.5
          let g = "t" + true
          let h = -"s"
          let i = int("3") + 1
          return 0
        end
    """)
    assert result.messages == [
        "type mismatch: operator '+' cannot be applied to list[Int] and list[Int]",
        "type mismatch: operator '-' cannot be applied to String and Int",
        "type mismatch: operator '<' cannot be applied to Bool and Int",
        "type mismatch: operator '-' cannot be applied to String",
    ]


def test_conditions_must_be_bool(check):
    result = check("""
        cell f(n: Int) -> Int
          if n
            return 1
          end
          while "x"
            break
          end
          let xs = [x for x in [1, 2] if x]
          let ys = if n > 0 then 1 else 2
          return 0
        end
    """)
    assert result.messages == ["type mismatch: expected Bool, got Int", "type mismatch: expected Bool, got String",
                               "type mismatch: expected Bool, got Int"]


def test_iterables(check):
    result = check("""
        cell f(n: Int, m: map[String, Int]) -> Int
          for x in n
            print(x)
          end
          for k in m
            let s: String = k
          end
          for c in "abc"
            let t: String = c
          end
          for i in 0..3
            let j: Int = i
          end
          return 0
        end
    """)
    assert result.pairs() == [("E040", "type mismatch: expected iterable, got Int")]


def test_range_bounds_must_be_int(check):
    result = check("""
        cell f() -> Int
          let r = 0.5..3
          return 0
        end
    """)
    assert result.pairs() == [("E040", "type mismatch: expected Int, got Float")]


def test_assignment_to_annotated_variable_and_retyping(check):
    result = check("""
        cell f() -> Int
          let a: Int = 1
          a = "no"
          let b = 1
          b = "fine"
          let c: String = b
          return 0
        end
    """)
    assert result.messages == ["type mismatch: expected Int, got String"]


def test_field_and_index_assignment_types(check):
    result = check("""
        record Counter
          value: Int
        end
        cell f() -> Int
          let c = Counter(value: 1)
          c.value = "x"
          c.missing = 1
          let xs = [1, 2]
          xs[0] = "s"
          let m = {"a": 1}
          m["b"] = 2
          return 0
        end
    """)
    assert result.pairs() == [
        ("E040", "type mismatch: expected Int, got String"),
        ("E042", "unknown field 'missing' on type 'Counter'"),
        ("E040", "type mismatch: expected Int, got String"),
    ]


def test_unknown_field_with_suggestion(check):
    result = check("""
        record Point
          x: Int
          y: Int
        end
        cell f(p: Point) -> Int
          let t = (1, "a")
          let q = t.2
          return p.xx
        end
    """)
    assert result.pairs() == [("E042", "unknown field '2' on type '(Int, String)'"),
                              ("E042", "unknown field 'xx' on type 'Point'")]
    assert result.diagnostics[1].help == ["did you mean `x`?"]


def test_field_types_flow(check):
    result = check("""
        record Box[T]
          value: T
        end
        cell f() -> Int
          let b = Box(value: "text")
          let n: Int = b.value
          let t = (1, "a")
          let u: Int = t.0
          let m = {"k": 1}
          let v: String = m.k
          return 0
        end
    """)
    assert result.messages == ["type mismatch: expected Int, got String", "type mismatch: expected String, got Int"]


def test_undefined_type_with_suggestion(check):
    result = check("""
        record User
          name: Strng
        end
        cell bad() -> T
          return 1
        end
    """)
    assert result.pairs() == [("E020", "undefined type 'Strng'"), ("E020", "undefined type 'T'")]
    assert result.diagnostics[0].help == ["did you mean `String`?"]


def test_known_types_resolve(check):
    check("""
        type UserId = Int
        type Pair2[T] = (T, T)
        record Box[T]
          value: T
        end
        agent Helper
        end
        enum Shape
          Dot
        end
        cell f(a: UserId, b: Pair2[Int], c: Box[String], d: Helper, e: Shape, g: int, h: list[map[string, Json]],
               i: fn(Int) -> Int, j: Int | Null, k: (Int, String), l: result[Int, String], m: set[Bool]) -> Null
          let x: Int = a
          return null
        end
    """).assert_clean()


def test_generic_arity(check):
    result = check("""
        record Box[T]
          value: T
        end
        cell f() -> Box
          return Box(value: 1)
        end
        cell g(x: Box[Int, Int], y: Int[String]) -> Null
          return null
        end
    """)
    assert result.messages == [
        "generic type 'Box' has wrong number of type arguments: expected 1, got 0",
        "generic type 'Box' has wrong number of type arguments: expected 1, got 2",
        "generic type 'Int' has wrong number of type arguments: expected 0, got 1",
    ]


def test_generic_inference(check):
    result = check("""
        cell first[T](xs: list[T]) -> T
          return xs[0]
        end
        record Pair[A, B]
          left: A
          right: B
        end
        cell f() -> Int
          let s: String = first([1, 2])
          let p = Pair(left: "k", right: [1, 2])
          let n: Int = len(p.right) + p.left
          return 0
        end
    """)
    assert result.messages == ["type mismatch: expected String, got Int", "type mismatch: expected Int, got String"]


def test_type_parameters_are_any_inside_their_declaration(check):
    check("""
        cell id[T](x: T) -> T
          let y: Int = x
          return x + 1
        end
    """).assert_clean()


def test_bounds(check):
    result = check("""
        trait Show
          cell show(self: Self) -> String
        end
        impl Show for Int
          cell show(self: Self) -> String = "int"
        end
        cell render[T: Show](x: T) -> String
          return x.show()
        end
        record Holder[T: Show]
          item: T
        end
        cell bad[T: Missing](x: T) -> Int = 0
        cell f(h: Holder[String]) -> String
          let a = render(3)
          return render("s")
        end
    """)
    assert result.pairs() == [
        ("E099", "undefined trait 'Missing'"),
        ("E099", "type 'String' does not satisfy bound 'Show' of type parameter 'T' in 'Holder'"),
        ("E099", "type 'String' does not satisfy bound 'Show' of type parameter 'T' in 'render'"),
    ]


def test_explicit_type_arguments(check):
    result = check("""
        record Box[T]
          value: T
        end
        cell f() -> Int
          let b = Box[Int](value: 1)
          let c = Box[Int, String](value: 1)
          return 0
        end
    """)
    assert result.pairs() == [("E099", "generic type 'Box' has wrong number of type arguments: expected 1, got 2")]


def test_expression_types_recorded_on_ast(check):
    result = check("""
        cell f(xs: list[Int]) -> Int
          let a = xs[0] + 1
          let b = 2.5 * a
          let c = "s" ++ "t"
          let d = [1, 2.0]
          let e = {"k": true}
          let g = if a > 1 then "x"
          let h = int("4") ?? 0
          let i = ok(1)
          return a
        end
    """)
    result.assert_clean()
    module = result.program.root.module
    cell = module.items[0]
    rendered = [T.render(stmt.value.ty) for stmt in cell.body if isinstance(stmt, ast.Let)]
    assert rendered == ["Int", "Float", "String", "list[Float]", "map[String, Bool]", "String | Null", "Int",
                        "result[Int, Any]"]
    assert T.is_int(cell.body[0].value.ty)


def test_null_safe_and_not_null(check):
    check("""
        record Address
          city: String
        end
        record Customer
          address: Address | Null
        end
        cell city_of(c: Customer) -> String
          let a: String | Null = c.address?.city
          return c.address?.city ?? "unknown"
        end
        cell g(x: Int | Null) -> Int
          return x!
        end
    """).assert_clean()


def test_map_literal_key_types(check):
    result = check("""
        cell f() -> Int
          let m: map[String, Int] = {1: 2}
          let n: map[String, Int] = {a: 2}
          return 0
        end
    """)
    result.assert_clean()
