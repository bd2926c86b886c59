"""Patterns and exhaustiveness (LANGUAGE.md §4.7)."""
from __future__ import annotations

SIGNAL = """
        enum Signal
          Red
          Amber
          Green
        end
"""


def test_incomplete_match_lists_missing_variants_with_help(check):
    result = check(SIGNAL + """
        cell wait(s: Signal) -> Int
          match s
            Red -> return 30
          end
          return -1
        end
    """)
    diagnostic = result.one("E043")
    assert diagnostic.message == "incomplete match on enum 'Signal': missing variants [Amber, Green]"
    assert diagnostic.help == ["add patterns for missing variants: Amber, Green"]
    assert diagnostic.span.line == 8


def test_exhaustive_matches(check):
    check(SIGNAL + """
        cell a(s: Signal) -> Int
          match s
            Red -> return 1
            Amber | Green -> return 2
          end
          return 0
        end
        cell b(s: Signal) -> Int
          match s
            Red -> return 1
            other -> return 2
          end
          return 0
        end
        cell c(s: Signal) -> Int
          match s
            Signal.Red -> return 1
            Amber() -> return 2
            _ -> return 3
          end
          return 0
        end
        cell d(s: Signal) -> Int
          match s
            x: Signal -> return 1
          end
          return 0
        end
        cell e(n: Int) -> Int
          match n
            1 -> return 1
          end
          return 0
        end
    """).assert_clean()


def test_guarded_arms_cover_nothing(check):
    result = check(SIGNAL + """
        cell a(s: Signal, n: Int) -> Int
          match s
            Red -> return 1
            Amber -> return 2
            Green if n > 0 -> return 3
            _ if n < 0 -> return 4
          end
          return 0
        end
    """)
    assert result.messages == ["incomplete match on enum 'Signal': missing variants [Green]"]


def test_match_expression_is_checked_too(check):
    result = check(SIGNAL + """
        cell a(s: Signal) -> Int
          let n = match s
            Red -> 1
          end
          return n
        end
    """)
    assert result.codes == ["E043"]


def test_if_let_is_never_exhaustiveness_checked(check):
    check(SIGNAL + """
        cell a(s: Signal) -> Int
          if let Red = s
            return 1
          end
          return 0
        end
    """).assert_clean()


def test_variant_of_another_enum(check):
    result = check(SIGNAL + """
        enum Shape
          Dot
        end
        cell a(s: Signal) -> Int
          match s
            Dot -> return 1
            _ -> return 0
          end
          return 0
        end
    """)
    assert result.pairs() == [("E040", "type mismatch: expected variant of Signal, got Dot")]


def test_variant_field_count(check):
    result = check("""
        enum Shape
          Circle(Float)
          Pair(Int, Int)
          Empty
        end
        cell a(s: Shape) -> Int
          match s
            Circle(r, extra) -> return 1
            Pair(x) -> return 2
            Empty() -> return 3
          end
          return 0
        end
        cell b(s: Shape) -> Int
          match s
            Empty(x) -> return 3
            _ -> return 0
          end
          return 0
        end
    """)
    assert result.messages == [
        "type mismatch: expected 1 fields in pattern for variant 'Circle', got 2",
        "type mismatch: expected 2 fields in pattern for variant 'Pair', got 1",
        "type mismatch: expected 0 fields in pattern for variant 'Empty', got 1",
    ]


def test_result_patterns_against_non_results(check):
    result = check("""
        cell a(n: Int, r: result[Int, String]) -> Int
          match n
            ok(v) -> return v
            _ -> return 0
          end
          match r
            ok(v) -> return v
            err(e) -> return len(e)
          end
          return 0
        end
    """)
    assert result.pairs() == [("E040", "type mismatch: expected Int, got result")]


def test_record_patterns(check):
    result = check("""
        record Point
          x: Int
          y: Int
        end
        record Size
          w: Int
        end
        enum Chain
          Link(value: Int, next: Chain)
          End
        end
        cell a(p: Point, c: Chain) -> Int
          match p
            Point(x: 0, y:) -> return y
            Size(w:) -> return w
            Point(z:, ..) -> return 1
            _ -> return 0
          end
          match c
            Link(value: v, next: _) -> return v
            Link(size:) -> return 0
            End -> return 0
          end
          let {x, y} = p
          let s: String = x
          return 0
        end
    """)
    assert result.pairs() == [
        ("E040", "type mismatch: expected Point, got Size"),
        ("E042", "unknown field 'z' on type 'Point'"),
        ("E042", "unknown field 'size' on type 'Link'"),
        ("E040", "type mismatch: expected String, got Int"),
    ]


def test_tuple_and_list_patterns(check):
    result = check("""
        cell a(p: (Int, Int), xs: list[String], n: Int) -> Int
          match p
            (a, b, c) -> return 1
            (a, b) -> return a + b
          end
          match n
            [h, ...t] -> return 1
            _ -> return 0
          end
          match xs
            [first, ...rest] -> return len(rest)
            _ -> return 0
          end
          let (q, r) = p
          let w: String = q
          return 0
        end
    """)
    assert result.pairs() == [
        ("E040", "type mismatch: expected (Int, Int), got a tuple of 3 elements"),
        ("E040", "type mismatch: expected Int, got list"),
        ("E040", "type mismatch: expected String, got Int"),
    ]


def test_type_patterns(check):
    result = check("""
        cell a(v: Any) -> Int
          match v
            n: Int -> return n
            s: Strng -> return 0
            l: List -> return 1
            _ -> return 2
          end
          return 0
        end
    """)
    assert result.pairs() == [("E020", "undefined type 'Strng'")]


def test_bindings_get_the_matched_type(check):
    result = check("""
        enum Shape
          Circle(Float)
        end
        cell a(s: Shape) -> Int
          match s
            Circle(r) -> return r
          end
          return 0
        end
    """)
    assert result.pairs() == [("E040", "type mismatch: expected Int, got Float")]


def test_let_and_for_bare_names_always_bind(check):
    check(SIGNAL + """
        cell a() -> Int
          let Red = 1
          for Green in [1, 2]
            print(Green)
          end
          let ok = 5 > 1
          return 0
        end
    """).assert_clean()
