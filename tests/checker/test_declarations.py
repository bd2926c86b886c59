"""Traits and impls (§4.9), machines and pipelines (§4.14), record constraints (§4.13), imports (§1.5)."""
from __future__ import annotations


def test_trait_conformance_clean(check):
    check("""
        trait Named
          cell name(self: Self) -> String
        end
        trait Greeter: Named
          cell greet(self: Self, other: String) -> String
        end
        record Person
          n: String
        end
        impl Greeter for Person
          cell name(self: Self) -> String = self.n
          cell greet(me: Person, who: String) -> String = "hi " + who
          cell extra(self: Self) -> Int = 1
        end
    """).assert_clean()


def test_undefined_traits(check):
    result = check("""
        trait Child: Parent
          cell m(self: Self) -> Int
        end
        impl Nothing for Int
          cell m(self: Self) -> Int = 1
        end
    """)
    assert result.messages == ["undefined trait 'Parent'", "undefined trait 'Nothing'"]


def test_missing_required_methods_in_order_parents_first(check):
    result = check("""
        trait Base
          cell hello(self: Self) -> String
        end
        trait Greeter: Base
          cell greet(self: Self) -> String
          cell bye(self: Self) -> String
        end
        impl Greeter for String
          cell greet(self: Self) -> String = "x"
        end
    """)
    assert result.pairs() == [
        ("E099", "impl for trait 'Greeter' on 'String' is missing required methods [\"hello\", \"bye\"]")]


def test_incompatible_signatures(check):
    result = check("""
        trait T
          cell a(self: Self) -> String
          cell b(self: Self, x: Int) -> Int
          cell c(self: Self, x: Int) -> Int
          cell d(self: Self) -> String
          cell e[X](self: Self, x: X) -> X
        end
        impl T for Int
          cell a(self: Self, extra: Int) -> String = "a"
          cell b(self: Self, x: String) -> Int = 1
          cell c(self: Self, x: Int) -> String = "c"
          cell d(self: Self)
            return "d"
          end
          cell e(self: Self, x: Int) -> Int = 1
        end
    """)
    prefix = "impl method '{}' for trait 'T' on 'Int' has incompatible signature: "
    assert result.messages == [
        prefix.format("a") + "parameter count mismatch: expected 1, found 2. expected `cell a(self: Self) -> String`, "
                             "found `cell a(self: Int, extra: Int) -> String`",
        prefix.format("b") + "parameter 2 type mismatch: expected 'Int', found 'String'. expected `cell b(self: Self, "
                             "x: Int) -> Int`, found `cell b(self: Int, x: String) -> Int`",
        prefix.format("c") + "return type mismatch: expected 'Int', found 'String'. expected `cell c(self: Self, x: "
                             "Int) -> Int`, found `cell c(self: Int, x: Int) -> String`",
        prefix.format("d") + "return type mismatch: expected 'String', found 'no return type'. expected `cell d(self: "
                             "Self) -> String`, found `cell d(self: Int)`",
        prefix.format("e") + "generic parameter count mismatch: expected 1, found 0. expected `cell e[X](self: Self, "
                             "x: X) -> X`, found `cell e(self: Int, x: Int) -> Int`",
    ]


def test_duplicate_impl(check):
    result = check("""
        trait T
          cell a(self: Self) -> Int
        end
        impl T for Int
          cell a(self: Self) -> Int = 1
        end
        impl T for Int
          cell a(self: Self) -> Int = 2
        end
    """)
    assert result.pairs() == [("E023", "duplicate definition 'T for Int'")]


def test_impl_target_must_be_known(check):
    result = check("""
        trait T
          cell a(self: Self) -> Int
        end
        impl T for Ghost
          cell a(self: Self) -> Int = 1
        end
    """)
    assert result.pairs() == [("E020", "undefined type 'Ghost'")]


MACHINE_OK = """
        machine Approval
          initial: Draft
          state Draft(score: Int)
            transition Review(score + 10)
          end
          state Review(points: Int)
            guard: points >= 50
            transition Approved(points)
          end
          state Approved(final: Int)
            terminal: true
          end
        end
"""


def test_machine_clean(check):
    check(MACHINE_OK).assert_clean()


def test_machine_errors(check):
    result = check("""
        machine M
          initial: Start
          state A(n: Int)
            guard: n + 1
            transition B(n, 2)
          end
          state B(x: Int)
            guard: f(x)
            transition C("s")
          end
          state C(y: Int)
            transition Nowhere
          end
          state D
          end
        end
    """)
    assert result.messages == [
        "machine 'M' initial state 'Start' is undefined",
        "machine 'M' declares no terminal states",
        "machine 'M' state 'A' guard must be Bool-compatible, got Int",
        "machine 'M' state 'A' transition arg count mismatch for 'B': expected 1, got 2",
        "machine 'M' state 'B' has unsupported expression in guard",
        "machine 'M' state 'B' transition arg type mismatch for 'C': expected Int, got String",
        "machine 'M' state 'C' transitions to undefined state 'Nowhere'",
    ]


def test_machine_reachability(check):
    result = check("""
        machine M
          state A
            transition B
          end
          state B
            terminal: true
          end
          state Lost
          end
        end
    """)
    assert result.messages == ["machine 'M' state 'Lost' is unreachable from initial state 'A'"]


def test_pipeline_checks(check):
    result = check("""
        cell strip(s: String) -> String = s
        cell words(s: String) -> list[String] = [s]
        cell count(ws: list[String]) -> Int = 0
        cell two(a: Int, b: Int) -> Int = a
        pipeline Good
          stages:
            strip
              -> words
              -> count
          end
        end
        pipeline Bad
          stages:
            strip -> count -> ghost -> two
          end
        end
    """)
    assert result.messages == [
        "pipeline 'Bad' stage type mismatch from 'strip' to 'count': expected list[String], got String",
        "pipeline 'Bad' references unknown stage cell 'ghost'",
        "pipeline 'Bad' stage 'two' has invalid arity: expected exactly one data argument",
    ]


def test_constraints(check):
    result = check("""
        const MAX = 100
        record Order
          qty: Int where qty > 0 and qty <= MAX
          email: String where is_valid_email(email) and length(email) < 50
          note: String where shout(note)
          code: String where [c for c in code]
          n: Int where n + 1
          tag: String where tag.starts_with("#") and not tag.shout()
        end
    """)
    assert result.pairs() == [
        ("E050", "invalid constraint on field 'note': unknown constraint function 'shout'"),
        ("E050", "invalid constraint on field 'code': unsupported expression in constraint"),
        ("E040", "type mismatch: expected Bool, got Int"),
        ("E050", "invalid constraint on field 'tag': unknown constraint function 'shout'"),
    ]


def test_import_named_and_star(check):
    result = check("""
        import geometry: Rect, area as rect_area
        import util.text: *
        cell main() -> Int
          let r = Rect(w: 3, h: 4)
          let s: String = shout("x")
          return rect_area(r)
        end
    """, extra={
        "geometry.lm": """
            record Rect
              w: Int
              h: Int
            end
            cell area(r: Rect) -> Int
              return r.w * r.h
            end
        """,
        "util/text.lm": """
            cell shout(s: String) -> String = upper(s)
        """,
    })
    result.assert_clean()


def test_imported_signatures_are_checked(check):
    result = check("""
        import geometry: area
        cell main() -> Int
          return area(1, 2)
        end
    """, extra={"geometry.lm": "cell area(w: Int) -> Int = w\n"})
    assert result.pairs() == [("E049", "wrong number of arguments: expected 1, got 2")]


def test_import_errors_make_names_any(check):
    result = check("""
        import nowhere: helper
        import geometry: missing
        cell main() -> Int
          return helper(1) + missing
        end
    """, extra={"geometry.lm": "cell area(w: Int) -> Int = w\n"})
    assert result.pairs() == [("E099", "module 'nowhere' not found"),
                              ("E099", "imported symbol 'missing' not found in module 'geometry'")]


def test_import_collision(check):
    result = check("""
        import geometry: area
        cell area() -> Int = 1
    """, extra={"geometry.lm": "cell area(w: Int) -> Int = w\n"})
    assert result.pairs() == [("E023", "duplicate definition 'area'")]


def test_errors_in_imported_module_are_reported_against_it(check):
    result = check("""
        import geometry: area
        cell main() -> Int = area(1)
    """, extra={"geometry.lm": "cell area(w: Int) -> Int = w + nope\n"})
    result.assert_clean()
    others = {path: [d.message for d in diags] for path, diags in result.result.diagnostics.items()
              if path != str(result.path)}
    assert list(others.values()) == [["undefined variable 'nope'"]]
