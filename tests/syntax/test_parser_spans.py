"""Spans: every node has one (file, line, column, end exclusive), `name_span` where a node has a name, spans do not
take part in equality, and `parse_source`/`parse_text` keep markdown line numbers."""
import sys
from pathlib import Path

from lumen_kernel.diagnostics.model import NO_SPAN
from lumen_kernel.syntax import ast, parse_text

from parser_support import parse_ok

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from parse_throughput import HEADER, UNIT  # noqa: E402


def text_of(source: str, span) -> str:
    lines = source.split("\n")
    if span.line == span.end_line:
        return lines[span.line - 1][span.column - 1:span.end_column - 1]
    parts = [lines[span.line - 1][span.column - 1:]] + lines[span.line:span.end_line - 1]
    return "\n".join(parts + [lines[span.end_line - 1][:span.end_column - 1]])


def test_every_node_of_a_rich_program_has_a_span_inside_the_file():
    source = HEADER + UNIT.format(n=0)
    module = parse_ok(source, "rich.lm")
    line_count = len(source.split("\n"))
    count = 0
    for node in ast.walk(module):
        span = node.span
        assert span is not NO_SPAN and span.file == "rich.lm", node
        assert 1 <= span.line <= span.end_line <= line_count, node
        assert (span.line, span.column) <= (span.end_line, span.end_column), node
        count += 1
    assert count > 400


def test_spans_of_declarations_and_names():
    source = "# doc\ncell area(w: Int, h: Int) -> Int\n  return w * h\nend\nrecord Point\n  x: Int\nend\n"
    module = parse_ok(source)
    cell, record = module.items
    assert text_of(source, cell.span).startswith("cell area") and text_of(source, cell.span).endswith("end")
    assert text_of(source, cell.name_span) == "area"
    assert text_of(source, cell.params[1].span) == "h: Int"
    assert text_of(source, cell.body[0].span) == "return w * h"
    assert text_of(source, cell.body[0].value.span) == "w * h"
    assert text_of(source, record.name_span) == "Point"
    assert text_of(source, record.fields[0].span) == "x: Int"


def test_spans_of_expressions():
    source = 'let v = xs |> map(fn(x) => x.name?.first) ?? "none"\n'
    let = parse_ok(source).items[0]
    value = let.value
    assert text_of(source, value.span) == 'xs |> map(fn(x) => x.name?.first) ?? "none"'
    pipe = value.left
    assert text_of(source, pipe.right.span) == "map(fn(x) => x.name?.first)"
    lam = pipe.right.args[0].value
    assert text_of(source, lam.span) == "fn(x) => x.name?.first"
    field = lam.body[0].value
    assert text_of(source, field.span) == "x.name?.first" and text_of(source, field.name_span) == "first"


def test_name_spans_of_other_declarations():
    source = ("enum E\n  A\nend\ntype T = Int\ntrait Tr\nend\nconst C = 1\nagent Ag\nend\nmachine Ma\nend\n"
              "handler H\n  handle e.op() = 1\nend\n")
    module = parse_ok(source)
    names = [text_of(source, item.name_span) for item in module.items if hasattr(item, "name_span")]
    assert names == ["E", "T", "Tr", "C", "Ag", "Ma"]
    handle = module.items[-1].handles[0]
    assert text_of(source, handle.cell.name_span) == "e.op"


def test_constraint_text_is_the_source_with_whitespace_collapsed():
    record = parse_ok("record R\n  n: Int where n   >= 1 and\tn <= 5\nend\n").items[0]
    assert record.fields[0].constraint_text == "n >= 1 and n <= 5"


def test_spans_are_excluded_from_equality():
    first = parse_text("cell f(x: Int) -> Int\n  return x + 1\nend\n").module
    second = parse_text("\n\ncell  f( x : Int )->Int\n    return x+1\nend\n").module
    assert first == second


def test_markdown_positions_are_file_positions():
    text = "# T\n\nSome prose.\n\n```lumen\nlet x = (1 +\n  2)\nprint(x)\n```\n"
    result = parse_text(text, "doc.lm.md")
    let, call = result.module.items
    assert (let.span.line, let.span.end_line) == (6, 7) and call.span.line == 8
