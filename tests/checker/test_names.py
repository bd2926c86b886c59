"""Names and scopes (LANGUAGE.md §4.2): E041, E023, E048, labels, variants, consts, placeholder mode."""
from __future__ import annotations


def test_undefined_variable_with_suggestion_and_fix(check):
    result = check("""
        cell average(xs: list[Int]) -> Int
          let total = 0
          return totl / len(xs)
        end
    """)
    diagnostic = result.one("E041")
    assert diagnostic.message == "undefined variable 'totl'"
    assert diagnostic.help == ["did you mean `total`?"]
    assert (diagnostic.span.line, diagnostic.span.column) == (3, 10)
    edit = diagnostic.fixes[0].edits[0]
    assert edit.text == "total" and (edit.span.column, edit.span.end_column) == (10, 14)


def test_no_suggestion_when_too_far_or_too_short(check):
    result = check("""
        cell f() -> Int
          let value = 1
          return zzzzz + q
        end
    """)
    assert [d.help for d in result.diagnostics] == [[], []]
    assert result.messages == ["undefined variable 'zzzzz'", "undefined variable 'q'"]


def test_suggestion_ties_are_alphabetical_and_include_builtins(check):
    result = check("""
        cell f() -> Int
          let bat = 1
          let cat = 2
          return lenn([]) + aat
        end
    """)
    assert result.one().help == ["did you mean `bat`?"]


def test_local_in_scope_only_after_binding(check):
    result = check("""
        cell shout(s: String) -> String
          let upper = upper(s)
          return upper
        end
        cell later() -> Int
          print(x)
          let x = 1
          return x
        end
    """)
    assert result.pairs() == [("E041", "undefined variable 'x'")]


def test_names_bound_in_blocks_are_visible_after(check):
    check("""
        cell f(flag: Bool) -> Int
          if flag
            let inner = 1
          end
          for k in [1, 2]
            let last = k
          end
          return inner + last
        end
    """).assert_clean()


def test_comprehension_targets_are_local(check):
    result = check("""
        cell f() -> Int
          let xs = [x * 2 for x in [1, 2]]
          return x
        end
    """)
    assert result.pairs() == [("E041", "undefined variable 'x'")]


def test_unresolved_callee_is_not_reported(check):
    check("""
        cell f() -> Int
          let a = mystery(1)
          let b = helper.go(2)
          return 0
        end
    """).assert_clean()


def test_lambda_sees_enclosing_locals_bound_before_it(check):
    result = check("""
        cell f() -> Int
          let base = 10
          let g = fn(x) => x + base + later
          let later = 1
          return g(1)
        end
    """)
    assert result.pairs() == [("E041", "undefined variable 'later'")]


def test_placeholder_mode_turns_undefined_names_into_any(check):
    check("""
        @strict false
        cell f() -> Int
          print(undefined_thing)
          return 0
        end
    """).assert_clean()
    check("""
        @doc_mode true
        print(something)
    """).assert_clean()


def test_assignment_targets(check):
    result = check("""
        const LIMIT = 10
        cell f() -> Int
          LIMIT = 5
          missing = 3
          let ok_local = 1
          ok_local = 2
          return ok_local
        end
    """)
    assert result.pairs() == [("E048", "cannot assign to constant 'LIMIT'"), ("E041", "undefined variable 'missing'")]


def test_duplicate_definition_reports_later_with_label(check):
    result = check("""
        cell area(w: Int) -> Int
          return w
        end

        cell area(side: Int) -> Int
          return side
        end
    """)
    diagnostic = result.one("E023")
    assert diagnostic.message == "duplicate definition 'area'"
    assert diagnostic.span.line == 5
    assert [(label.message, label.span.line) for label in diagnostic.labels] == [("first defined here", 1)]


def test_duplicates_across_kinds_and_unnamed_agents(check):
    result = check("""
        record Point
          x: Int
        end
        const Point = 1
        agent
        end
        agent
        end
    """)
    assert result.messages == ["duplicate definition 'Point'", "duplicate definition 'Agent'"]


def test_variant_spelled_like_module_name_is_duplicate(check):
    result = check("""
        cell Red() -> Int
          return 1
        end
        enum Color
          Red
          Green
        end
    """)
    assert result.pairs() == [("E023", "duplicate definition 'Red'")]


def test_ambiguous_variant(check):
    result = check("""
        enum A
          None
          Some(Int)
        end
        enum B
          None
          Other
        end
        cell f() -> Int
          let x = None
          let y = A.None
          return 0
        end
    """)
    assert result.pairs() == [("E099", "ambiguous variant 'None': declared by enums 'A' and 'B'")]


def test_break_and_continue_outside_loops(check):
    result = check("""
        cell f() -> Int
          break
          for x in [1]
            let g = fn() => 1
            continue
          end
          while true
            let h = fn()
              break
            end
            break
          end
          continue
          return 0
        end
    """)
    assert result.pairs() == [
        ("E099", "'break' outside of a loop"),
        ("E099", "'break' outside of a loop"),
        ("E099", "'continue' outside of a loop"),
    ]
    assert [d.span.line for d in result.diagnostics] == [2, 9, 13]


def test_loop_labels(check):
    result = check("""
        cell f() -> Int
          for @outer a in [1, 2]
            for @inner b in [3]
              if b == 3
                continue @outer
              end
              break @nowhere
            end
            for @outer c in [4]
              break @outer
            end
          end
          return 0
        end
    """)
    assert result.pairs() == [("E099", "unknown loop label '@nowhere'"), ("E099", "duplicate loop label '@outer'")]


def test_sibling_loops_may_reuse_labels(check):
    check("""
        cell f() -> Int
          for @l a in [1]
            break @l
          end
          while @l true
            break @l
          end
          return 0
        end
    """).assert_clean()


def test_const_used_before_definition(check):
    result = check("""
        const A = B + 1
        const B = 2
        const C = A + B
        cell f() -> Int
          return A + C
        end
    """)
    assert result.pairs() == [("E099", "const 'B' used before its definition")]


def test_module_names_shadow_builtins_and_locals_shadow_module_names(check):
    check("""
        cell length(x: String) -> String
          return x
        end
        cell f() -> String
          let s = length("abc")
          return s
        end
        cell g(length: Int) -> Int
          return length + 1
        end
    """).assert_clean()


def test_identifiers_in_interpolation_are_checked(check):
    result = check("""
        cell f() -> String
          let name = "x"
          return "hi {nmae}"
        end
    """)
    assert result.pairs() == [("E041", "undefined variable 'nmae'")]


def test_applying_a_suggestion_fix_removes_the_diagnostic(check):
    source = "cell f(count: Int) -> Int\n  let total = count\n  return totl + cout\nend\n"
    first = check(source)
    assert first.codes == ["E041", "E041"]
    lines = source.split("\n")
    for diagnostic in sorted(first.diagnostics, key=lambda d: -d.span.column):
        edit = diagnostic.fixes[0].edits[0]
        line = lines[edit.span.line - 1]
        lines[edit.span.line - 1] = line[:edit.span.column - 1] + edit.text + line[edit.span.end_column - 1:]
    check("\n".join(lines)).assert_clean()
