"""Parse errors and recovery (LANGUAGE.md §7.2 E010-E016, §7.4): exact messages, positions, fix-its, and the
synchronisation rules. Applying any fix-it removes its diagnostic."""
from pathlib import Path

import pytest

from lumen_kernel.source.model import load_source, read_source
from lumen_kernel.syntax import ast, parse_source, parse_text

from parser_support import apply_fix, codes, diags

ROOT = Path(__file__).resolve().parents[2]

MISSING_COLON = ("I was expecting `,` or `)` after the parameter name, but found a type `{}`. Did you forget the "
                 "`:` between the parameter name and type?")


def only_diagnostic(text: str, path: str = "t.lm"):
    result = parse_text(text, path)
    assert len(result.diagnostics) == 1, [(d.code, d.span.line, d.span.column, d.message)
                                          for d in result.diagnostics]
    return result.diagnostics[0]


# ------------------------------------------------------------------------------------------------------- E010

class TestE010:
    def test_found_token_in_backticks(self):
        assert diags("let x = 1 2\n") == [("E010", 1, 11, "I was expecting end of line, but found `2`")]

    def test_found_token_is_cut_to_twenty_characters(self):
        message = diags("let x = 1 abcdefghijklmnopqrstuvwxyz\n")[0][3]
        assert message == "I was expecting end of line, but found `abcdefghijklmnopqrs…`"

    def test_found_end_of_line(self):
        assert diags("let x: Int = (1 +\n2)\nimport a\nprint(1)\n")[-1] == (
            "E010", 3, 9, "I was expecting `:`, but found end of line")

    def test_what_joined_by_or(self):
        assert diags("if x y\n  z()\nend\n") == [("E010", 1, 6, "I was expecting `then` or end of line, but found "
                                                               "`y`")]

    @pytest.mark.parametrize("text, column, type_text", [
        ("cell f(count Int) -> Int = count\n", 14, "Int"),
        ("let g = fn(x Int) => x\n", 14, "Int"),
        ("cell f(a: Int, items list[String]) = a\n", 22, "list[String]"),
    ])
    def test_missing_colon_between_parameter_and_type(self, text, column, type_text):
        diagnostic = only_diagnostic(text)
        assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("E010", 1, column)
        assert diagnostic.message == MISSING_COLON.format(type_text)
        assert diagnostic.help == ["add a `:` before the type annotation"]
        assert [fix.message for fix in diagnostic.fixes] == ["insert `: `"]
        assert parse_text(apply_fix(text, diagnostic.fixes[0])).diagnostics == []

    def test_missing_colon_is_parsed_as_if_present(self):
        result = parse_text("cell first(count Int) -> Int\n  return count\nend\n")
        param = result.module.items[0].params[0]
        assert param.name == "count" and param.type.name == "Int"
        assert len(result.diagnostics) == 1

    def test_missing_colon_in_state_parameters(self):
        text = "machine M\n  state S(n Int)\n    terminal: true\n  end\nend\n"
        diagnostic = only_diagnostic(text)
        assert diagnostic.message == MISSING_COLON.format("Int") and diagnostic.span.column == 13
        assert parse_text(apply_fix(text, diagnostic.fixes[0])).diagnostics == []

    def test_colon_expected_after_a_name(self):
        diagnostic = only_diagnostic("cell f(x 1)\n  print(x)\nend\n")
        assert diagnostic.message == "I was expecting a `:` after the name, but found `1`"
        assert diagnostic.help == ["write it as name: Type"]

    def test_colon_expected_after_a_record_field_name(self):
        text = "record R\n  x Int\n  y: Int\nend\n"
        diagnostic = only_diagnostic(text)
        assert (diagnostic.span.line, diagnostic.span.column) == (2, 5)
        assert diagnostic.message == "I was expecting a `:` after the name, but found `Int`"
        assert diagnostic.help == ["write it as name: Type"]
        assert parse_text(apply_fix(text, diagnostic.fixes[0])).diagnostics == []
        assert [f.name for f in parse_text(text).module.items[0].fields] == ["x", "y"]

    def test_use_tool_without_as(self):
        assert diags("use tool a.b\ncell f() = 1\n") == [("E010", 1, 13, "I was expecting `as`, but found end of "
                                                                       "line")]
        assert diags("use tool a.b A\n") == [("E010", 1, 14, "I was expecting `as`, but found `A`")]

    @pytest.mark.parametrize("text, line, column", [
        ("cell f()\n  print(x))\nend\n", 2, 11),
        ("let x = 1]\n", 1, 10),
        ("}\n", 1, 1),
    ])
    def test_stray_closer_has_a_remove_fix(self, text, line, column):
        diagnostic = only_diagnostic(text)
        assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("E010", line, column)
        closer = text.split("\n")[line - 1][column - 1]
        assert diagnostic.message.endswith(f"but found `{closer}`")
        assert [fix.message for fix in diagnostic.fixes] == [f"remove `{closer}`"]
        assert parse_text(apply_fix(text, diagnostic.fixes[0])).diagnostics == []

    def test_semicolon_is_reported(self):
        assert codes("let x = 1; let y = 2\n") == ["E010"]


# ------------------------------------------------------------------------------------------------------- E011

def test_e011_unexpected_end_of_input():
    assert diags("cell") == [("E011", 1, 5, "unexpected end of input while parsing cell")]
    assert diags("import a.b") == [("E011", 1, 11, "unexpected end of input while parsing import")]


# ------------------------------------------------------------------------------------------------------- E012

class TestE012:
    @pytest.mark.parametrize("opener, closer", [("(", ")"), ("[", "]"), ("{", "}")])
    @pytest.mark.parametrize("sync", ["let y = 2", "return 1", "end", "emit 1", "halt 1", "break", "continue",
                                      "for x in xs", "while true", "loop"])
    def test_unclosed_bracket_at_a_synchronising_word(self, opener, closer, sync):
        text = f"cell f()\n  let xs = {opener}1, 2\n  {sync}\nend\n"
        found = [d for d in parse_text(text).diagnostics if d.code == "E012"]
        assert len(found) == 1
        diagnostic = found[0]
        assert (diagnostic.span.line, diagnostic.span.column) == (3, 3)
        assert diagnostic.message == f"unclosed '{opener}' opened at line 2, col 12"
        edit = diagnostic.fixes[0].edits[0]
        assert diagnostic.fixes[0].message == f"insert `{closer}`"
        assert (edit.span.line, edit.span.column, edit.text) == (2, 17, closer)
        fixed = apply_fix(text, diagnostic.fixes[0])
        assert not [d for d in parse_text(fixed).diagnostics if d.code == "E012"]

    def test_unclosed_bracket_keeps_the_statement_and_the_rest(self):
        result = parse_text("cell f() -> Int\n  let xs = [1, 2\n  let y = 3\n  return y\nend\n")
        assert [d.code for d in result.diagnostics] == ["E012"]
        body = result.module.items[0].body
        assert [type(s).__name__ for s in body] == ["Let", "Let", "Return"]
        assert len(body[0].value.elements) == 2

    def test_unclosed_bracket_at_a_declaration_line(self):
        text = "cell f()\n  print(1, 2\ncell g() = 1\n"
        result = parse_text(text)
        assert [(d.code, d.span.line, d.span.column) for d in result.diagnostics] == [("E012", 3, 1)]
        assert [item.name for item in result.module.items] == ["f", "g"]

    def test_unclosed_bracket_at_end_of_file(self):
        diagnostic = only_diagnostic("print(1, 2")
        assert diagnostic.code == "E012" and diagnostic.message == "unclosed '(' opened at line 1, col 6"
        assert apply_fix("print(1, 2", diagnostic.fixes[0]) == "print(1, 2)"

    def test_mismatched_closer(self):
        text = "let t = (1, 2]\nprint(t)\n"
        diagnostic = only_diagnostic(text)
        assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("E012", 1, 14)
        assert diagnostic.message == "mismatched ']': expected ')' to close '(' opened at line 1, col 9"
        assert diagnostic.fixes[0].message == "replace `]` with `)`"
        assert parse_text(apply_fix(text, diagnostic.fixes[0])).diagnostics == []
        assert isinstance(parse_text(text).module.items[0].value, ast.TupleLit)

    def test_named_argument_keys_may_be_synchronising_words(self):
        assert parse_text("Event(end: 3, return: 1)\n").diagnostics == []

    def test_comprehension_for_is_not_a_synchronising_word(self):
        assert parse_text("let xs = [x for x in ys]\n").diagnostics == []


# ------------------------------------------------------------------------------------------------------- E013

class TestE013:
    @pytest.mark.parametrize("opening, construct", [
        ("cell f()", "cell"),
        ("record R", "record"),
        ("enum E", "enum"),
        ("trait T", "trait"),
        ("impl T for X", "impl"),
        ("effect e", "effect"),
        ("handler H", "handler"),
        ("agent A", "agent"),
        ("machine M", "machine"),
        ("pipeline P", "pipeline"),
    ])
    def test_declaration_without_end_before_next_declaration(self, opening, construct):
        text = f"{opening}\ncell g() = 1\n"
        diagnostic = only_diagnostic(text)
        assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("E013", 2, 1)
        assert diagnostic.message == f"expected 'end' to close '{construct}' at line 1, col 1"
        assert diagnostic.help == ["add 'end' to close this block"]
        assert diagnostic.fixes[0].message == "insert `end`"
        assert apply_fix(text, diagnostic.fixes[0]) == f"{opening}\nend\ncell g() = 1\n"
        assert parse_text(apply_fix(text, diagnostic.fixes[0])).diagnostics == []

    @pytest.mark.parametrize("opening, construct", [
        ("if x", "if"), ("for x in xs", "for"), ("while x", "while"), ("loop", "loop"), ("match x", "match"),
        ("let f = fn(x)", "fn"),
    ])
    def test_statement_without_end(self, opening, construct):
        line = "1 -> y()" if construct == "match" else "y()"
        text = f"cell f()\n  {opening}\n    {line}\ncell g() = 1\n"
        diagnostic = only_diagnostic(text)
        assert diagnostic.code == "E013" and (diagnostic.span.line, diagnostic.span.column) == (4, 1)
        column = 3 if construct != "fn" else 11
        assert diagnostic.message == f"expected 'end' to close '{construct}' at line 2, col {column}"
        fixed = apply_fix(text, diagnostic.fixes[0])
        assert fixed == f"cell f()\n  {opening}\n    {line}\n  end\ncell g() = 1\n"
        assert [d.message for d in parse_text(fixed).diagnostics] == [
            "expected 'end' to close 'cell' at line 1, col 1"]

    def test_missing_end_at_end_of_file_in_raw_file(self):
        text = "cell f()\n  for x in xs\n    print(x)"
        diagnostic = only_diagnostic(text)
        assert diagnostic.message == "expected 'end' to close 'for' at line 2, col 3"
        fixed = apply_fix(text, diagnostic.fixes[0])
        assert fixed == text + "\n  end\n"
        assert [d.message for d in parse_text(fixed).diagnostics] == ["expected 'end' to close 'cell' at line 1, "
                                                                        "col 1"]

    def test_missing_end_at_end_of_file_with_final_newline(self):
        text = "cell f()\n  print(1)\n"
        diagnostic = only_diagnostic(text)
        assert apply_fix(text, diagnostic.fixes[0]) == "cell f()\n  print(1)\nend\n"

    def test_missing_end_in_markdown_is_inserted_inside_the_fence(self):
        text = "# Doc\n\n```lumen\ncell f()\n  print(1)\n```\n\nMore prose.\n"
        result = parse_source(load_source("doc.lm.md", text))
        diagnostic = result.diagnostics[0]
        assert diagnostic.code == "E013"
        assert (diagnostic.span.line, diagnostic.span.column) == (6, 1)  # the closing fence, not the prose
        fixed = apply_fix(text, diagnostic.fixes[0])
        assert fixed == "# Doc\n\n```lumen\ncell f()\n  print(1)\nend\n```\n\nMore prose.\n"
        assert parse_source(load_source("doc.lm.md", fixed)).diagnostics == []

    def test_statements_parsed_so_far_are_kept(self):
        result = parse_text("cell f()\n  let a = 1\n  print(a)\ncell g() = 1\n")
        assert len(result.module.items[0].body) == 2 and result.module.items[1].name == "g"

    def test_nested_constructs_report_once(self):
        assert codes("cell f()\n  if a\n    while b\n      c()\n") == ["E013"]


# ------------------------------------------------------------------------------------------------------- E014

class TestE014:
    @pytest.mark.parametrize("text, line, column", [
        ("record P\n  x:\n  y: Int\nend\n", 2, 4),
        ("record P\n  x: = 1\nend\n", 2, 4),
        ("record P\n  x: where x > 0\nend\n", 2, 4),
        ("cell f(x:, y: Int) = y\n", 1, 9),
        ("cell f(x:) = x\n", 1, 9),
        ("let x: = 5\n", 1, 6),
        ("const C: = 5\n", 1, 8),
    ])
    def test_missing_type(self, text, line, column):
        assert diags(text) == [("E014", line, column, "expected a type after ':'")]

    def test_missing_type_is_any_and_parsing_continues(self):
        result = parse_text("record P\n  x: = 1 where x > 0\n  y: Int\nend\n")
        x, y = result.module.items[0].fields
        assert x.type.name == "Any" and x.default.value == 1 and x.constraint is not None
        assert y.type.name == "Int"


# ------------------------------------------------------------------------------------------------------- E015

class TestE015:
    @pytest.mark.parametrize("text, token, column", [
        ("let x =\n", "=", 8),
        ("x = 1 +\n", "+", 8),
        ("x = not\n", "not", 8),
        ("x = a ??\n", "??", 9),
        ("x = a and\n", "and", 10),
        ("return\n", "return", 7),
        ("emit\n", "emit", 5),
        ("halt\n", "halt", 5),
        ("x +=\n", "+=", 5),
        ("let x = -\n", "-", 10),
    ])
    def test_expression_missing_at_end_of_line(self, text, token, column):
        diagnostic = only_diagnostic(text)
        assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("E015", 1, column)
        assert diagnostic.message == f"expected an expression after `{token}`"
        assert diagnostic.help == [f"write a value after `{token}`"]

    def test_match_arm_arrow_without_body(self):
        assert diags("match x\n  1 ->\n  2 -> b\nend\n") == [("E015", 2, 7, "expected an expression after `->`")]

    def test_named_argument_at_end_of_file(self):
        assert codes("f(x:") == ["E015"]

    def test_recovery_follows_rule_3(self):
        result = parse_text("cell f()\n  let x =\n    deeper_is_skipped\n  print(1)\nend\n")
        assert [d.code for d in result.diagnostics] == ["E015"]
        assert [type(s).__name__ for s in result.module.items[0].body] == ["ExprStmt"]


# ------------------------------------------------------------------------------------------------------- E016

class TestE016:
    @pytest.mark.parametrize("text, names, fixed", [
        ("let a, b = pair\n", "a, b", "let (a, b) = pair\n"),
        ("for k, v in m\n  print(k)\nend\n", "k, v", "for (k, v) in m\n  print(k)\nend\n"),
        ("let a, (b, c), d = t\n", "a, (b, c), d", "let (a, (b, c), d) = t\n"),
    ])
    def test_destructuring_without_parentheses(self, text, names, fixed):
        diagnostic = only_diagnostic(text)
        assert diagnostic.code == "E016"
        assert diagnostic.message == "malformed destructuring: several names must be written as a tuple pattern"
        assert diagnostic.fixes[0].message == f"add parentheses around `{names}`"
        assert apply_fix(text, diagnostic.fixes[0]) == fixed
        assert parse_text(fixed).diagnostics == []

    def test_destructuring_is_parsed_as_a_tuple(self):
        result = parse_text("let a, b = pair\n")
        assert isinstance(result.module.items[0].target, ast.TuplePattern)

    def test_nesting_too_deep(self):
        text = "let x = " + "(" * 400 + "1" + ")" * 400 + "\nprint(2)\n"
        result = parse_text(text)
        assert [d.code for d in result.diagnostics] == ["E016"]
        assert "nesting is deeper than 200 levels" in result.diagnostics[0].message
        assert isinstance(result.module.items[-1], ast.ExprStmt)

    def test_deep_prefix_operators_and_blocks(self):
        assert [d.code for d in parse_text("x = " + "-" * 5000 + "1\n").diagnostics] == ["E016"]
        blocks = "".join("  " * i + "if x\n" for i in range(300))
        assert "E016" in codes(blocks)


# ------------------------------------------------------------------------------------------- synchronisation

class TestSynchronisation:
    def test_rule_2_skips_to_the_next_declaration(self):
        text = "cell 123()\n  return 1\ncell inner\nend\nprint(1)\n@strict false\nrecord R\n  x: Int\nend\n"
        result = parse_text(text)
        assert [(d.code, d.span.line) for d in result.diagnostics] == [("E010", 1), ("E010", 3)]
        kinds = [type(item).__name__ for item in result.module.items]
        assert kinds == ["ExprStmt", "Attribute", "RecordDecl"]

    def test_rule_2_skips_an_end_line(self):
        result = parse_text("cell bad(\n  = 3)\n  body()\nend\ncell good() = 1\n")
        assert [item.name for item in result.module.items] == ["good"]

    def test_rule_3_passes_else_lines_and_one_end(self):
        text = ("cell f()\n  if x +\n    a()\n  else if y\n    b()\n  else\n    c()\n  end\n"
                "  while )\n    d()\n  end\n  ok()\nend\n")
        result = parse_text(text)
        assert [(d.code, d.span.line) for d in result.diagnostics] == [("E015", 2), ("E010", 9)]
        body = result.module.items[0].body
        assert len(body) == 1 and body[0].expr.callee.id == "ok"

    def test_statement_error_inside_nested_block(self):
        result = parse_text("cell f()\n  for x in xs\n    let = 1\n    print(x)\n  end\n  done()\nend\n")
        assert codes("cell f()\n  for x in xs\n    let = 1\n    print(x)\n  end\n  done()\nend\n") == ["E010"]
        loop = result.module.items[0].body[0].expr
        assert len(loop.body) == 1 and result.module.items[0].body[1].expr.callee.id == "done"

    def test_error_in_if_let_does_not_hide_a_later_error(self):
        text = "cell f()\n  if let ok(= r\n    a()\n  end\n  let (x, = t\n  print(1 2)\nend\n"
        assert [(c, line) for c, line, _, _ in diags(text)] == [("E010", 2), ("E010", 5), ("E010", 6)]

    def test_member_errors_recover_inside_declarations(self):
        text = ("agent A\n  cell f(1)\n    body()\n  end\n  cell g() = 2\nend\n"
                "enum E\n  A(\n  B\nend\n")
        result = parse_text(text)
        agent = result.module.items[0]
        assert [c.name for c in agent.cells] == ["g"]
        assert result.module.items[1].name == "E"

    def test_never_two_diagnostics_at_one_position(self):
        for text in ["cell f(\n", "x = (((\n", "cell f()\n  if a\n    for b in c\n", "print(\"{(a}\")\n",
                     "let x = [1, 2\nlet\n", "match\n", "))))\n"]:
            positions = [(d.span.line, d.span.column) for d in parse_text(text).diagnostics]
            assert len(positions) == len(set(positions)), text

    def test_lexical_errors_inside_skipped_text_are_not_reported(self):
        text = 'cell f()\n  let = "ok" $ 3\n  print(1)\nend\n'
        assert codes(text) == ["E010"]
        text = 'cell f()\n  let y = 1 $\n  print(2)\nend\n'
        assert codes(text) == ["E001"]

    def test_lexical_and_parse_errors_together_in_source_order(self):
        text = 'cell f()\n  let = 1\n  let s = "open\n  print(1 2)\nend\n'
        assert [(c, line) for c, line, _, _ in diags(text)] == [("E010", 2), ("E002", 3), ("E010", 4)]


# ---------------------------------------------------------------------------------------------- four faults

def test_four_fault_fixture():
    path = ROOT / "bench" / "fixtures" / "malformed.lm.md"
    source = read_source(path)
    result = parse_source(source)
    lines = source.text.split("\n")
    fault_lines = [index + 1 for index, line in enumerate(lines)
                   if line.strip() in ("let x =", "x:", "return") or "count Int" in line]
    assert [(d.code, d.span.line) for d in result.diagnostics] == list(zip(["E015", "E010", "E014", "E015"],
                                                                            fault_lines))


# ------------------------------------------------------------------------------------------- fix-it property

FIX_SAMPLES = [
    "cell f(count Int) -> Int\n  return count\nend\n",
    "let xs = [1, 2\nlet y = 3\n",
    "cell f()\n  print((1, 2]\n  return 3\nend\n",
    "cell f()\n  if x\n    return 1\ncell g()\n  return 2\nend\n",
    "cell f()\n  for x in xs\n    print(x)",
    "cell f()\n  print(x))\nend\n",
    "let a, b = f()\n",
    "for k, v in m\n  print(k)\nend\n",
    "record R\n  x Int\nend\n",
    "machine M\n  state S(n Int)\n  end\nend\n",
    "let f = fn(x Int) => x\n",
    "x = {1: 2]\n",
    "f(a, [b, c)\n",
]


@pytest.mark.parametrize("text", FIX_SAMPLES)
def test_applying_a_fix_removes_its_diagnostic(text):
    result = parse_text(text)
    with_fixes = [d for d in result.diagnostics if d.fixes]
    assert with_fixes
    for diagnostic in with_fixes:
        fixed = parse_text(apply_fix(text, diagnostic.fixes[0]))
        remaining = [(d.code, d.message) for d in fixed.diagnostics]
        assert (diagnostic.code, diagnostic.message) not in remaining, (text, diagnostic.message)
