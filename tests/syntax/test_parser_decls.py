"""Declarations (LANGUAGE.md §3.1), directives (§1.3) and doc comments."""
from lumen_kernel.source.model import load_source
from lumen_kernel.syntax import ast, parse_source, parse_text

from parser_support import codes, diags, parse_ok, sexpr, type_text


def only(text: str):
    module = parse_ok(text)
    assert len(module.items) == 1, module.items
    return module.items[0]


def test_cell_full_header():
    cell = only("pub async cell f[T: Show + Eq, U](x: Int, y = 2, ...rest: String) -> list[T] / {emit, http}\n"
                "  return x\nend\n")
    assert cell.pub and cell.is_async and cell.name == "f"
    assert [(g.name, g.bounds) for g in cell.generics] == [("T", ["Show", "Eq"]), ("U", [])]
    x, y, rest = cell.params
    assert type_text(x.type) == "Int" and y.type is None and sexpr(y.default) == "2"
    assert rest.rest and type_text(rest.type) == "String"
    assert type_text(cell.result) == "list[T]" and cell.effects.names == ["emit", "http"]
    assert cell.has_body and not cell.expr_body and isinstance(cell.body[0], ast.Return)


def test_cell_expression_body_and_single_effect():
    cell = only("cell half(x: Int) -> Int / pure = x / 2\n")
    assert cell.expr_body and sexpr(cell.body[0].value) == "(/ x 2)" and cell.effects.names == ["pure"]


def test_effect_row_accepts_keyword_effect_names():
    cell = only("cell f() / {emit, use, grant, await, async, role, tool, parallel}\n  print(1)\nend\n")
    assert cell.effects.names == ["emit", "use", "grant", "await", "async", "role", "tool", "parallel"]


def test_record_fields_defaults_constraints_and_sections():
    record = only("record R[T]\n"
                  "  host: String = \"localhost\"\n"
                  "  stars: Int where stars >= 1   and\tstars <= 5\n"
                  "  end: T\n"
                  "  migrate v1 -> v2\n"
                  "    rename a b\n"
                  "  end\n"
                  "  @index host\n"
                  "end\n")
    assert record.name == "R" and record.generics[0].name == "T"
    host, stars, end = record.fields
    assert sexpr(host.default) == "'localhost'"
    assert stars.constraint_text == "stars >= 1 and stars <= 5"
    assert sexpr(stars.constraint) == "(and (>= stars 1) (<= stars 5))"
    assert end.name == "end" and type_text(end.type) == "T"
    assert [a.name for a in record.attributes] == ["index"]


def test_constraint_text_collapses_line_breaks():
    record = only("record R\n  t: Int where t == a\n    + b\nend\n")
    assert record.fields[0].constraint_text == "t == a + b"


def test_enum_variants_and_methods():
    enum = only("enum Shape[T]\n  Circle(Float)\n  Rect(width: Float, height: Float)\n  Empty\n  Unit()\n"
                "  cell area(self) -> Float = 0.0\nend\n")
    circle, rect, empty, unit = enum.variants
    assert circle.has_parens and circle.fields[0].name is None
    assert [f.name for f in rect.fields] == ["width", "height"]
    assert not empty.has_parens and unit.has_parens and unit.fields == []
    assert enum.methods[0].name == "area"


def test_mixed_variant_fields_are_e016():
    assert diags("enum E\n  Pair(Int, b: String)\nend\n") == [
        ("E016", 2, 13, "malformed variant: fields must be all positional or all named")]


def test_alias_trait_impl_const():
    module = parse_ok("type Id = Int where Id > 0\n"
                      "type Pair[A, B] = (A, B)\n"
                      "trait Show: Base + Other\n  cell show(self: Self) -> String\n"
                      "  cell twice(self: Self) -> String\n    return \"x\"\n  end\nend\n"
                      "impl[T] Show for Box[T]\n  cell show(self: Self) -> String = \"box\"\nend\n"
                      "const MAX: Int = 10\nconst NAME = \"n\"\n")
    alias, pair, trait, impl, const, untyped = module.items
    assert alias.name == "Id" and type_text(alias.target) == "Int"
    assert type_text(pair.target) == "(A, B)" and [g.name for g in pair.generics] == ["A", "B"]
    assert trait.parents == ["Base", "Other"]
    assert not trait.methods[0].has_body and trait.methods[1].has_body
    assert impl.trait == "Show" and type_text(impl.target) == "Box[T]" and impl.generics[0].name == "T"
    assert const.name == "MAX" and type_text(const.type) == "Int" and untyped.type is None


def test_imports():
    named, star = parse_ok("import a.b.c: X, Y as Z\nimport util.text: *\n").items
    assert named.module == ["a", "b", "c"] and [(n.name, n.alias) for n in named.names] == [("X", None),
                                                                                           ("Y", "Z")]
    assert star.star and star.module == ["util", "text"]


def test_use_tool_forms():
    plain, versioned, mcp, hidden = parse_ok('use tool crypto.sha256 as Sha\nuse tool a.b@1.2.0 as A\n'
                                             'use tool mcp "https://x/y" as M\nuse tool json as *\n').items
    assert (plain.tool_id, plain.version, plain.alias) == ("crypto.sha256", "1.0.0", "Sha")
    assert (versioned.tool_id, versioned.version) == ("a.b", "1.2.0")
    assert (mcp.tool_id, mcp.mcp_url, mcp.alias) == ("mcp", "https://x/y", "M")
    assert hidden.alias is None


def test_use_tool_errors():
    assert diags("use tool a.b\n") == [("E010", 1, 13, "I was expecting `as`, but found end of line")]
    assert diags('use tool "x" as A\n') == [("E010", 1, 10, 'I was expecting an identifier, but found `"x"`')]


def test_grants():
    line, block, bare = parse_ok('grant Json operation "parse" max_len 10\n'
                                 'grant Hash\n  max_input_len 16\n  purpose "checksum"\n  effect http\n'
                                 'grant Free\n').items
    assert [(e.key, sexpr(e.value)) for e in line.entries] == [("operation", "'parse'"), ("max_len", "10")]
    assert [(e.key, sexpr(e.value)) for e in block.entries] == [("max_input_len", "16"),
                                                                ("purpose", "'checksum'"), ("effect", "http")]
    assert bare.alias == "Free" and bare.entries == []


def test_bind_effect_effect_handler():
    bind, effect, handler = parse_ok("bind effect hashing.digest to Sha\n"
                                     "effect clock\n  cell now() -> Int\n  cell at(tz: String) -> Int / {time}\nend\n"
                                     "handler Fixed\n  handle clock.now() -> Int\n    return 1\n  end\n"
                                     "  handle clock.at(tz: String) -> Int = 2\n  cell helper() = 3\nend\n").items
    assert bind.effect == ["hashing", "digest"] and bind.alias == "Sha"
    assert effect.name == "clock" and [op.name for op in effect.operations] == ["now", "at"]
    assert not any(op.has_body for op in effect.operations)
    first, second = handler.handles
    assert first.operation == ["clock", "now"] and first.cell.name == "clock.now"
    assert isinstance(first.cell.body[0], ast.Return) and second.cell.expr_body
    assert handler.cells[0].name == "helper"


def test_default_names():
    agent, process, effect, handler = parse_ok("agent\nend\npipeline\nend\neffect\nend\nhandler\nend\n").items
    assert (agent.name, process.name, effect.name, handler.name) == ("Agent", "Process", "Effect", "Handler")


def test_agent_members_and_sections():
    agent = only("agent Bot\n"
                 "  role system: You are helpful, aren't you? # not a comment\n"
                 "  tools: [A,\n  B]\n"
                 "  memory:\n    window 20\n  end\n"
                 "  @trace\n"
                 "  grant A domain \"x\"\n"
                 "  cell ask(q: String) -> String\n    return q\n  end\n"
                 "  role user:\n    multi line\n  end\n"
                 "end\n")
    assert agent.name == "Bot" and [c.name for c in agent.cells] == ["ask"]
    assert agent.grants[0].alias == "A" and agent.attributes[0].name == "trace"


def test_machine_process():
    machine = only("machine Approval\n"
                   "  initial: Draft\n"
                   "  state Draft(score: Int)\n    transition Review(score + 10)\n  end\n"
                   "  state Review(points: Int)\n    guard: points >= 50\n"
                   "    on_enter notify\n      log(points)\n      transition Approved(points)\n    end\n"
                   "  state Approved(final: Int)\n    terminal: true\n"
                   "  state Lost\n    terminal false\n"
                   "  cell helper(self) -> Int = 1\n"
                   "end\n")
    assert machine.kind == "machine" and machine.initial == "Draft"
    draft, review, approved, lost = machine.states
    assert draft.transition.target == "Review" and sexpr(draft.transition.args[0]) == "(+ score 10)"
    assert sexpr(review.guard) == "(>= points 50)" and review.transition.target == "Approved"
    assert approved.terminal and not lost.terminal and lost.params == []
    assert machine.cells[0].name == "helper"


def test_pipeline_stages_across_lines():
    pipeline = only("pipeline WordCount\n  stages:\n    strip\n      -> words\n      -> count.words\n  end\n"
                    "  stages -> a -> b\nend\n")
    assert pipeline.stages == [["strip"], ["words"], ["count", "words"], ["a"], ["b"]]


def test_stages_and_states_are_sections_in_other_kinds():
    memory = only("memory Buffer: short_term\n  stages: a -> b\n  state X\n  window 20\nend\n")
    assert memory.extra == ": short_term" and memory.stages == [] and memory.states == []


def test_opaque_declarations():
    macro, extern, schema, comptime = parse_ok("macro twice!(x)\n  x x\nextern cell f()\nschema S\n  x: Int\n"
                                               "comptime setup()\n").items
    assert [d.keyword for d in (macro, extern, schema, comptime)] == ["macro", "extern", "schema", "comptime"]
    assert macro.text == "twice!(x)\n  x x" and extern.text == "cell f()" and "x: Int" in schema.text


def test_attributes_and_code_directives():
    result = parse_text('@strict false\n@version(1) extra text\n@package "x y"\ncell f() = 1\n', "m.lm")
    strict, version, package = result.module.attributes
    assert (strict.name, strict.value) == ("strict", "false")
    assert (version.name, version.args_text, version.value) == ("version", "1", "extra text")
    assert package.value == '"x y"'  # the raw rest of the line; the directive has the unquoted value
    assert [(d.name, d.value, d.in_prose) for d in result.directives] == [
        ("strict", "false", False), ("version(1)", "extra text", False), ("package", "x y", False)]


def test_prose_and_code_directives_are_merged_in_file_order():
    text = "# Doc\n@doc_mode true\n\n```lumen\n@strict false # comment\ncell main() = 1\n```\n"
    result = parse_source(load_source("a.lm.md", text))
    assert [(d.name, d.value, d.line, d.in_prose) for d in result.directives] == [
        ("doc_mode", "true", 2, True), ("strict", "false", 5, False)]


def test_attributes_inside_blocks_are_not_directives():
    result = parse_text("cell f()\n  @trace\n  print(1)\nend\n")
    assert result.directives == []


def test_doc_comments():
    cell = only("# Squares a number.\n# Second line.\ncell sq(x: Int) -> Int = x * x\n")
    assert cell.doc == "Squares a number.\nSecond line."


def test_pub_needs_a_declaration():
    assert codes("pub let x = 1\n") == ["E010"]


def test_markdown_line_numbers_are_kept():
    text = "# Title\n\nProse.\n\n```lumen\ncell main() -> Int\n  return 1\nend\n```\n"
    module = parse_source(load_source("p.lm.md", text)).module
    assert module.items[0].span.line == 6 and module.items[0].body[0].span.line == 7
