"""Statements (LANGUAGE.md §3.2), metadata sections (§3.3) and the statement / declaration rule of §3.1."""
from lumen_kernel.syntax import ast

from parser_support import codes, diags, parse_ok, sexpr, stmt


def body_of(text: str) -> list[ast.Stmt]:
    """The body of `cell f()` wrapping `text` (indented by two spaces)."""
    indented = "\n".join("  " + line if line else line for line in text.split("\n"))
    module = parse_ok(f"cell f()\n{indented}\nend\n")
    return module.items[0].body


def test_let_forms():
    plain, typed, mutable = body_of("let x = 1\nlet y: Int | Null = null\nlet mut z = 2")
    assert isinstance(plain.target, ast.BindPattern) and plain.target.name == "x"
    assert typed.type.members[1].name == "Null"
    assert mutable.mutable


def test_bare_name_targets_always_bind():
    for name in ["ok", "err", "Red", "self", "step", "type"]:
        node = body_of(f"let {name} = 1")[0]
        assert isinstance(node.target, ast.BindPattern) and node.target.name == name
    loop = body_of("for ok in xs\n  print(ok)\nend")[0].expr
    assert isinstance(loop.target, ast.BindPattern)


def test_destructuring_targets():
    tup, lst, rec, var, wild = body_of("let (a, (b, c)) = t\nlet [h, ...rest] = xs\nlet {name, age} = u\n"
                                       "let ok(v) = r\nlet _ = f()")
    assert isinstance(tup.target, ast.TuplePattern) and isinstance(tup.target.elements[1], ast.TuplePattern)
    assert lst.target.rest and lst.target.rest_name == "rest"
    assert rec.target.name == [] and [f.name for f in rec.target.fields] == ["name", "age"]
    assert isinstance(var.target, ast.VariantPattern) and var.target.name == ["ok"]
    assert isinstance(wild.target, ast.WildcardPattern)


def test_assignments():
    simple, field, index, nested, compound = body_of("x = 1\nc.value = 2\nxs[1] = 3\ngrid[1][0].v = 4\nn += 5")
    assert isinstance(simple, ast.Assign) and simple.op is None
    assert sexpr(field.target) == "(. c value)"
    assert sexpr(index.target) == "([] xs 1)"
    assert sexpr(nested.target) == "(. ([] ([] grid 1) 0) v)"
    assert compound.op == "+"
    assert [s.op for s in body_of("a -= 1\na *= 2\na /= 3")] == ["-", "*", "/"]


def test_invalid_assignment_target():
    assert diags("f() = 1\n") == [("E016", 1, 1, "malformed assignment: the left side must be a name, a field or "
                                                 "an element")]


def test_if_else_chain():
    node = body_of("if a\n  x()\nelse if b\n  y()\nelse if let ok(v) = r\n  z()\nelse\n  w()\nend")[0].expr
    assert len(node.branches) == 3 and not node.inline
    assert isinstance(node.branches[2].condition, ast.LetCond)
    assert len(node.else_body) == 1


def test_else_followed_by_line_break_starts_plain_else():
    node = body_of("if a\n  x()\nelse\n  if b\n    y()\n  end\nend")[0].expr
    assert len(node.branches) == 1 and isinstance(node.else_body[0].expr, ast.If)


def test_inline_if_statement_branches():
    node = body_of("if x > 0 then return 1 else break")[0].expr
    assert node.inline
    assert isinstance(node.branches[0].body[0], ast.Return)
    assert isinstance(node.else_body[0], ast.Break)
    chained = body_of('if n < 0 then "neg" else if n == 0 then "zero" else "pos"')[0].expr
    assert isinstance(chained.else_body[0].expr, ast.If)


def test_loops_and_labels():
    loops = body_of("for @outer a in xs if a > 1\n  continue @outer\nend\n"
                    "@spin while true\n  break @spin\nend\n"
                    "loop @l\n  break @l 5\nend\n"
                    "@w for (k, v) in m\n  print(k)\nend")
    first, second, third, fourth = [s.expr for s in loops]
    assert first.label == "outer" and sexpr(first.filter) == "(> a 1)"
    assert first.body[0].label == "outer"
    assert second.label == "spin" and isinstance(second, ast.While)
    assert third.label == "l" and third.body[0].value.value == 5 and third.body[0].label == "l"
    assert fourth.label == "w" and isinstance(fourth.target, ast.TuplePattern)


def test_a_loop_has_at_most_one_label():
    assert codes("@a for @b x in xs\n  print(x)\nend\n") == ["E016"]


def test_while_let():
    node = body_of("while let [head, ...rest] = queue\n  queue = rest\nend")[0].expr
    assert isinstance(node.condition, ast.LetCond)
    assert isinstance(node.condition.pattern, ast.ListPattern)


def test_match_arms():
    node = body_of("match x\n"
                   "  0 -> return 1\n"
                   "  1 | 2 if flag -> print(2)\n"
                   "  n ->\n"
                   "    let y = n\n"
                   "    y\n"
                   "  _ -> if z\n"
                   "    a()\n"
                   "  end\n"
                   "end")[0].expr
    zero, small, block, rest = node.arms
    assert isinstance(zero.body[0], ast.Return)
    assert isinstance(small.pattern, ast.OrPattern) and sexpr(small.guard) == "flag"
    assert len(block.body) == 2
    assert isinstance(rest.body[0].expr, ast.If)


def test_simple_statements():
    ret, halt, emit, brk, brk_value, cont = body_of("return null\nhalt \"stop\"\nemit x\nbreak\nbreak 3\ncontinue")
    assert isinstance(ret.value, ast.NullLit)
    assert isinstance(halt, ast.Halt) and isinstance(emit, ast.Emit)
    assert brk.value is None and brk_value.value.value == 3
    assert isinstance(cont, ast.Continue)


def test_return_and_halt_require_an_expression():
    assert diags("return\n") == [("E015", 1, 7, "expected an expression after `return`")]
    assert diags("halt\n") == [("E015", 1, 5, "expected an expression after `halt`")]
    assert diags("emit\n") == [("E015", 1, 5, "expected an expression after `emit`")]


def test_addon_statements():
    approve, check, with_block = body_of('approve "spend?"\n  reason: "budget"\n  amount: 3\n'
                                         'checkpoint "after"\n'
                                         'with_tool Fetch\n  retries 2\nin\n  print(1)\n  print(2)\nend')
    assert isinstance(approve, ast.AddonStmt) and approve.keyword == "approve" and approve.body is None
    assert approve.text.startswith('"spend?"') and "budget" in approve.text
    assert check.keyword == "checkpoint"
    assert with_block.keyword == "with_tool" and len(with_block.body) == 2


def test_addon_words_are_names_when_assigned():
    node = body_of("with = 3")[0]
    assert isinstance(node, ast.Assign)


def test_attribute_and_section_statements():
    attr, section, after = body_of("@trace level 2\nwhere x > 0\n  anything goes\nprint(1)")
    assert isinstance(attr, ast.AttributeStmt) and attr.attribute.name == "trace"
    assert attr.attribute.value == "level 2"
    assert isinstance(section, ast.SectionStmt) and "anything goes" in section.text
    assert isinstance(after, ast.ExprStmt)


def test_top_level_statements_and_declarations():
    module = parse_ok("cell square(n: Int) -> Int = n * n\nlet nums = [1, 2]\nfor n in nums\n  print(n)\nend\n"
                      "print(\"done\")\n")
    kinds = [type(item).__name__ for item in module.items]
    assert kinds == ["CellDecl", "Let", "ExprStmt", "ExprStmt"]
    assert len(module.declarations) == 1 and len(module.statements) == 3


def test_contextual_words_start_declarations_at_top_level():
    # `agent` at the start of a top-level line is a declaration, even if meant as a statement.
    assert isinstance(stmt("agent X\nend\n"), ast.AgentDecl)


def test_statement_errors_do_not_hide_later_errors():
    text = "cell f()\n  let = 5\n  print(1 2)\n  if let (a, = x\n    y()\n  end\n  return\nend\n"
    assert diags(text) == [
        ("E010", 2, 7, "I was expecting an identifier or a pattern, but found `=`"),
        ("E010", 3, 11, "I was expecting `,` or `)`, but found `2`"),
        ("E010", 4, 14, "I was expecting a pattern, but found `=`"),
        ("E015", 7, 9, "expected an expression after `return`"),
    ]
