"""Each lint rule of TOOLING.md §2.7 with a finding and a clean case, plus `# lumen: allow(…)` and settings."""
from __future__ import annotations

import textwrap

import pytest

from lumen_kernel.source.model import load_source
from lumen_kernel.tooling.lint import KERNEL_RULES, LintConfigError, LintSettings, lint_source


def lint(code: str, settings: LintSettings | None = None, path: str = "t.lm") -> list[tuple[str, str, int, str]]:
    """(rule, severity, line, message) of each finding of a dedented source."""
    source = load_source(path, textwrap.dedent(code).lstrip("\n"))
    return [(d.code, d.severity, d.span.line if d.span else 0, d.message)
            for d in lint_source(source, settings)]


def rules(code: str, settings: LintSettings | None = None) -> list[str]:
    return [finding[0] for finding in lint(code, settings)]


def test_every_rule_of_the_spec_is_registered_with_its_severity():
    assert {rule_id: rule.severity for rule_id, rule in KERNEL_RULES.items()} == {
        "unreachable-code": "error", "infinite-loop": "error", "unused-variable": "warning",
        "unused-import": "warning", "shadowed-builtin": "warning", "naming-convention": "warning",
        "empty-block": "warning", "long-cell": "warning"}


# ------------------------------------------------------------------------------------------------ unreachable-code

def test_unreachable_code_after_return_break_continue_halt():
    findings = lint("""
        cell f(xs: list[Int]) -> Int
          for x in xs
            if x > 2
              break
              print("never")
            end
            continue
            print("never either")
          end
          return 1
          print("after return")
        end
        cell g()
          halt "stop"
          print("x")
        end
    """)
    assert [(rule, line) for rule, _, line, _ in findings] == [
        ("unreachable-code", 5), ("unreachable-code", 8), ("unreachable-code", 11), ("unreachable-code", 15)]
    assert findings[0][3] == "unreachable code after `break`"
    assert findings[0][1] == "error"


def test_unreachable_code_clean():
    assert rules("""
        cell f(x: Int) -> Int
          if x > 0
            return 1
          end
          return 2
        end
    """) == []


# --------------------------------------------------------------------------------------------------- infinite-loop

def test_infinite_loop_findings():
    findings = lint("""
        cell f()
          loop
            print("forever")
          end
          while true
            loop
              break
            end
          end
        end
    """)
    assert [(rule, line) for rule, _, line, _ in findings] == [("infinite-loop", 2), ("infinite-loop", 5)]
    assert findings[1][3] == "`while true` never ends: no `break`, `return` or `halt` can be reached"


def test_infinite_loop_clean_cases():
    assert rules("""
        cell f(r: Any) -> Int
          let n = 0
          loop
            n += 1
            if n > 3
              break
            end
          end
          while true
            return n
          end
          @outer loop
            loop
              break @outer
            end
          end
          while @spin true
            loop
              continue @spin
            end
            break
          end
          loop
            print(r?)
          end
          loop
            halt "done"
          end
          while n < 10
            print(n)
          end
        end
    """) == []


# ------------------------------------------------------------------------------------------------- unused-variable

def test_unused_variable_findings():
    findings = lint("""
        cell f(xs: list[Int]) -> Int
          let unused = 1
          let (a, b) = (1, 2)
          for x in xs
            print("x")
          end
          match xs
            [first, ...rest] -> print(first)
            other -> print("none")
          end
          return a
        end
    """)
    assert [(rule, line, message) for rule, _, line, message in findings if rule == "unused-variable"] == [
        ("unused-variable", 2, "variable 'unused' is never used"),
        ("unused-variable", 3, "variable 'b' is never used"),
        ("unused-variable", 4, "variable 'x' is never used"),
        ("unused-variable", 8, "variable 'rest' is never used"),
        ("unused-variable", 9, "variable 'other' is never used"),
    ]


def test_unused_variable_clean_cases():
    assert rules("""
        enum Color
          Red
          Green
        end
        cell f(c: Color, xs: list[Int], unused_param: Int) -> Int
          let _ignored = 1
          let total = 0
          for x in xs
            total += x
          end
          let captured = 2
          let g = fn(y) => y + captured
          let counts = {}
          counts["a"] = 1
          let s = "{total}"
          match c
            Red -> print(s)
            Green -> print(g(1))
          end
          for _ in xs
            print("tick")
          end
          return len([v for v in xs if v > 0])
        end
    """) == []


# --------------------------------------------------------------------------------------------------- unused-import

def test_unused_import_finding_and_clean():
    findings = lint("""
        import util.math: square, cube as c3, Shape, Point
        import other: *
        cell f(p: Point) -> Int
          match p
            Shape(x) -> return square(x)
          end
          return 0
        end
    """)
    assert [(rule, message) for rule, _, _, message in findings] == [
        ("unused-import", "imported name 'c3' is never used")]


# ------------------------------------------------------------------------------------------------ shadowed-builtin

def test_shadowed_builtin_findings_and_clean():
    findings = lint("""
        cell length(xs: list[Int]) -> Int
          return 0
        end
        cell f(max: Int) -> Int
          let count = max
          return count
        end
    """)
    assert [(rule, message) for rule, _, _, message in findings] == [
        ("shadowed-builtin", "cell 'length' shadows the builtin 'length'"),
        ("shadowed-builtin", "parameter 'max' shadows the builtin 'max'"),
        ("shadowed-builtin", "variable 'count' shadows the builtin 'count'"),
    ]
    assert rules("cell size_of(xs: list[Int]) -> Int\n  let n = len(xs)\n  return n\nend\n") == []


# ----------------------------------------------------------------------------------------------- naming-convention

def test_naming_convention_findings():
    findings = lint("""
        record point_2d
          x: Int
        end
        enum Color_Kind
          Red
        end
        cell getUser(userId: Int) -> Int
          let TotalCount = userId
          return TotalCount
        end
    """)
    assert [(rule, message) for rule, _, _, message in findings] == [
        ("naming-convention", "record 'point_2d' should be PascalCase: 'Point2d'"),
        ("naming-convention", "enum 'Color_Kind' should be PascalCase: 'ColorKind'"),
        ("naming-convention", "cell 'getUser' should be snake_case: 'get_user'"),
        ("naming-convention", "parameter 'userId' should be snake_case: 'user_id'"),
        ("naming-convention", "variable 'TotalCount' should be snake_case: 'total_count'"),
    ]


def test_naming_convention_clean():
    assert rules("""
        record Point2D
          x_pos: Int
        end
        trait Show
          cell show(self) -> String
        end
        agent Helper
          cell run_once(self, value_1: Int) -> Int
            let _tmp = value_1
            return value_1
          end
        end
        cell main() -> Int
          return Helper.run_once(1)
        end
    """) == []


# ------------------------------------------------------------------------------------------------------ empty-block

def test_empty_block_findings_and_clean():
    findings = lint("""
        cell nothing()
        end
        cell f(x: Int) -> Int
          if x > 0
          else
            print("neg")
          end
          for i in [1]
          end
          return x
        end
    """)
    assert [(rule, line, message) for rule, _, line, message in findings if rule == "empty-block"] == [
        ("empty-block", 1, "empty body of cell 'nothing'"),
        ("empty-block", 4, "empty `if` block"),
        ("empty-block", 8, "empty `for` body"),
    ]
    assert rules("cell f() -> Int\n  return 1\nend\ntrait T\n  cell t(self) -> Int\nend\n") == []


# -------------------------------------------------------------------------------------------------------- long-cell

def test_long_cell_finding_and_clean():
    body = "".join(f"  print({i})\n" for i in range(51))
    findings = lint(f"cell big()\n{body}end\n")
    assert findings == [("long-cell", "warning", 1, "cell 'big' has 51 statements (more than 50)")]
    body = "".join(f"  print({i})\n" for i in range(50))
    assert rules(f"cell fits()\n{body}end\n") == []


# --------------------------------------------------------------------------------------------- syntax and settings

def test_syntax_errors_are_findings_of_rule_syntax():
    findings = lint("cell f(count Int) -> Int\n  let = 5\nend\n")
    assert [(rule, severity, line) for rule, severity, line, _ in findings] == [
        ("syntax", "error", 1), ("syntax", "error", 2)]


def test_allow_comments_on_and_above_a_line():
    code = """
        cell f() -> Int
          let a = 1  # lumen: allow(unused-variable)
          # lumen: allow(unused-variable, shadowed-builtin)
          # (an explanation)
          let count = 2
          let b = 3  # lumen: allow(shadowed-builtin)
          return 0
        end
    """
    assert [(rule, line) for rule, _, line, _ in lint(code)] == [("unused-variable", 6)]


def test_config_allow_and_deny_and_strict():
    code = "cell f() -> Int\n  let unused = 1\n  let count = 2\n  return count\nend\n"
    assert rules(code, LintSettings(allow=frozenset({"unused-variable"}))) == ["shadowed-builtin"]
    denied = lint(code, LintSettings(deny=frozenset({"unused-variable"})))
    assert [(rule, severity) for rule, severity, _, _ in denied] == [
        ("unused-variable", "error"), ("shadowed-builtin", "warning")]
    strict = lint(code, LintSettings(strict=True))
    assert {severity for _, severity, _, _ in strict} == {"error"}


def test_settings_from_a_lint_table():
    settings = LintSettings.from_table({"allow": ["long-cell"], "deny": ["unused-import"]}, strict=True)
    assert settings == LintSettings(frozenset({"long-cell"}), frozenset({"unused-import"}), True)
    with pytest.raises(LintConfigError, match=r"\[lint\] allow must be a list of rule names"):
        LintSettings.from_table({"allow": "long-cell"})


def test_markdown_sources_report_markdown_lines():
    text = "# Title\n\nProse.\n\n```lumen\ncell f()\n  let unused = 1\nend\n```\n"
    findings = lint_source(load_source("doc.lm.md", text))
    assert [(d.code, d.span.line, d.span.column) for d in findings] == [("unused-variable", 7, 7)]
