"""The kernel side of the language server (`lumen_kernel.analysis`), without a server: position encodings, the
document store, and the incremental pipeline, which must equal a full re-check under random edits (TOOLING.md
§6.2, §8 item 52)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lumen_kernel.analysis.documents import Document, path_to_uri, uri_to_path
from lumen_kernel.analysis.incremental_parse import IncrementalParser
from lumen_kernel.analysis.positions import UTF8, UTF16, UTF32, choose_encoding, index_to_units, units_to_index
from lumen_kernel.analysis.session import AnalysisSession
from lumen_kernel.checker import check_program
from lumen_kernel.program import load_program
from lumen_kernel.source.model import load_source
from lumen_kernel.syntax import ast, parse_source
from lumen_kernel.tooling.lint import lint_source

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[2] / "bench" / "lsp_corpus"

DOCUMENT = """\
# Orders

Prose before the first fence.

```lumen
import geometry: Point, area

record Order
  id: Int
  amount: Int where amount >= 0
  tags: list[String] = []
end

enum Status
  Pending
  Paid(Int)
  Refunded(reason: String)
end

const LIMIT = 100

# A helper with a name the linter flags.
cell helperName() -> Int = LIMIT

type Money = Int

cell pay(amount: Money) -> Money
  return amount
end
```

Prose between fences, with `code` and a [link](x).

```lumen
cell price(order: Order, discount: Int = 0) -> Int
  let base = order.amount - discount
  if base > LIMIT
    return LIMIT
  end
  return base
end

cell describe(s: Status) -> String
  match s
    Pending -> return "pending"
    Paid(n) -> return "paid {n}"
    Refunded(reason: why) -> return why
  end
  return "?"
end

cell main() -> Int
  let orders = [Order(id: 1, amount: 30), Order(id: 2, amount: 45, tags: ["rush"])]
  let total = 0
  for order in orders if order.amount > 0
    total += price(order)
  end
  let unused = describe(Paid(total))
  total = pay(total)
  return total + area(Point(x: 1, y: 2))
end
```

Closing prose.
"""

GEOMETRY = """\
record Point
  x: Int
  y: Int
end

cell area(p: Point) -> Int
  return p.x * p.y
end
"""

FRAGMENTS = ["x", "1", " ", "(", ")", "\"", "end", "let y = 2", "  return 0", ":", "=", ",", ".", "cell g()",
             "  match s", "#", "\"\"\"", "[", "]", "@strict false", "```", "Int", "Pending", "\\",
             "# lumen: allow(unused-variable)", "# lumen: allow(unused-import, naming-convention)"]


# ------------------------------------------------------------------------------------------------ positions

def test_encodings_around_non_bmp_characters():
    line = 'a🎉é"'
    assert [index_to_units(line, i, UTF16) for i in range(5)] == [0, 1, 3, 4, 5]
    assert [index_to_units(line, i, UTF8) for i in range(5)] == [0, 1, 5, 7, 8]
    assert [index_to_units(line, i, UTF32) for i in range(5)] == [0, 1, 2, 3, 4]
    assert [units_to_index(line, u, UTF16) for u in range(6)] == [0, 1, 1, 2, 3, 4]
    assert [units_to_index(line, u, UTF8) for u in range(9)] == [0, 1, 1, 1, 1, 2, 2, 3, 4]
    assert units_to_index(line, 99, UTF16) == 4
    assert choose_encoding(["utf-16", "utf-8"]) == UTF8
    assert choose_encoding(["utf-32"]) == UTF16
    assert choose_encoding(None) == UTF16


def test_incremental_changes_apply_in_order_with_utf16_ranges():
    document = Document.from_text("file:///x.lm", 1, "let a = \"🎉\" + b\nsecond\r\nthird", UTF16)
    assert document.lines == ['let a = "🎉" + b', "second", "third"]
    document.apply_change("c", (0, 15), (0, 16))           # `b` sits after the emoji: UTF-16 offset 15
    assert document.lines[0] == 'let a = "🎉" + c'
    document.apply_change("X\nY", (1, 2), (2, 1))
    assert document.lines == ['let a = "🎉" + c', "seX", "Yhird"]
    document.apply_change("", (0, 9), (0, 11))              # delete the emoji (two units)
    assert document.lines[0] == 'let a = "" + c'
    document.apply_change("whole\ntext")
    assert document.text == "whole\ntext"
    assert document.lumen_position(0, 3) == (1, 4)
    assert document.lsp_position(2, 5) == (1, 4)


def test_uris_and_paths():
    path = os.path.abspath("some dir/a#b.lm.md")
    assert uri_to_path(path_to_uri(path)) == path
    assert path_to_uri(path).startswith("file:///")


# ------------------------------------------------------------------------------------------------ random edits

def _edit(text: str, data: st.DataObject) -> str:
    lines = text.split("\n")
    index = data.draw(st.integers(0, len(lines) - 1))
    kind = data.draw(st.sampled_from(["insert", "delete", "replace", "insert_line", "delete_line"]))
    line = lines[index]
    if kind == "insert":
        position = data.draw(st.integers(0, len(line)))
        lines[index] = line[:position] + data.draw(st.sampled_from(FRAGMENTS)) + line[position:]
    elif kind == "delete" and line:
        position = data.draw(st.integers(0, len(line) - 1))
        lines[index] = line[:position] + line[position + 1:]
    elif kind == "replace":
        lines[index] = data.draw(st.sampled_from(lines + FRAGMENTS))
    elif kind == "insert_line":
        lines.insert(index, data.draw(st.sampled_from(["", "  let z = 3", "# note", "prose", "end",
                                                       "# lumen: allow(unused-variable, unused-import)"])))
    elif kind == "delete_line" and len(lines) > 1:
        del lines[index]
    return "\n".join(lines)


def _spans(module: ast.Module) -> list:
    return [(type(node).__name__, node.span) for node in ast.walk(module)]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "geometry.lm").write_text(GEOMETRY, encoding="utf-8")
    main = tmp_path / "orders.lm.md"
    main.write_text(DOCUMENT, encoding="utf-8")
    return main


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_incremental_analysis_equals_a_full_check(project: Path, data: st.DataObject):
    path = str(project)
    session = AnalysisSession()
    parser = IncrementalParser()
    text = DOCUMENT
    for version in range(data.draw(st.integers(1, 8))):
        if version:
            text = _edit(text, data)
        session.update(path, text, version)
        analysis = session.analyse(path)
        incremental = parser.parse(load_source(path, text))
        full = parse_source(load_source(path, text))
        assert incremental.module == full.module and _spans(incremental.module) == _spans(full.module)
        assert [d.to_json() for d in incremental.diagnostics] == [d.to_json() for d in full.diagnostics]
        assert incremental.directives == full.directives
        assert [getattr(i, "doc", None) for i in incremental.module.items] == \
            [getattr(i, "doc", None) for i in full.module.items]
        expected = check_program(load_program(path, text=text)).diagnostics.get(path, [])
        assert [d.to_json() for d in analysis.diagnostics] == [d.to_json() for d in expected]
        lint = [d for d in lint_source(load_source(path, text)) if d.code != "syntax"]
        assert [d.to_json() for d in analysis.lint] == [d.to_json() for d in lint]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_prose_only_edits_reuse_the_previous_analysis(project: Path, data: st.DataObject):
    path = str(project)
    session = AnalysisSession()
    text = DOCUMENT.replace("return base\n", "return bse\n")      # one diagnostic to shift
    session.update(path, text, 0)
    session.analyse(path)
    assert session.analysis_count == 1
    for version in range(1, data.draw(st.integers(2, 6))):
        lines = text.split("\n")
        prose = [i for i, line in enumerate(lines) if line.startswith(("Prose", "Closing", "# Orders"))]
        index = data.draw(st.sampled_from(prose))
        if data.draw(st.booleans()):
            lines.insert(index, data.draw(st.sampled_from(["More prose.", "", "Another *line*."])))
        else:
            lines[index] += data.draw(st.sampled_from([" more", " `x`", "!"]))
        text = "\n".join(lines)
        session.update(path, text, version)
        analysis = session.analyse(path)
        assert session.analysis_count == 1
        expected = check_program(load_program(path, text=text)).diagnostics.get(path, [])
        assert [d.to_json() for d in analysis.diagnostics] == [d.to_json() for d in expected]
        assert [d.code for d in analysis.diagnostics] == ["E041"]


def test_allow_comments_above_an_unchanged_declaration_apply(project: Path):
    path = str(project)
    session = AnalysisSession()
    session.update(path, DOCUMENT, 0)
    assert [d.code for d in session.analyse(path).lint] == ["naming-convention", "unused-variable"]
    allowed = DOCUMENT.replace("# A helper with a name the linter flags.", "# lumen: allow(naming-convention)")
    session.update(path, allowed, 1)
    assert [d.code for d in session.analyse(path).lint] == ["unused-variable"]


@pytest.mark.parametrize("before, after, rechecked", [
    # A field renamed: the cells that use the record (by name) are checked again, not `pay`, whose parameter is
    # also called `amount`.
    ("  amount: Int where amount >= 0", "  total: Int where total >= 0", {"price", "main"}),
    # A constant's type changes: its users are checked again.
    ("const LIMIT = 100", 'const LIMIT = "100"', {"price", "helperName"}),
    # An alias changes: `pay` (whose signature uses it) and `main` (which calls `pay`) are checked again.
    ("type Money = Int", "type Money = String", {"pay", "main"}),
])
def test_interface_changes_recheck_the_dependants_by_name(project: Path, before: str, after: str,
                                                          rechecked: set):
    path = str(project)
    session = AnalysisSession(lint=False)
    session.update(path, DOCUMENT, 0)
    session.analyse(path)
    text = DOCUMENT.replace(before, after)
    session.update(path, text, 1)
    analysis = session.analyse(path)
    expected = check_program(load_program(path, text=text)).diagnostics.get(path, [])
    assert [d.to_json() for d in analysis.diagnostics] == [d.to_json() for d in expected]
    assert expected, "the change must make a difference"
    stats = session.checker.stats
    # The dependants are checked again, at most one more (a cell in the chunk parsed again with the edited
    # declaration has a new syntax tree); the other cells are reused.
    assert len(rechecked) <= stats.checked <= len(rechecked) + 1 and stats.reused > 0


def test_code_edits_and_imported_changes_are_analysed_again(project: Path):
    path = str(project)
    session = AnalysisSession()
    session.update(path, DOCUMENT, 0)
    session.analyse(path)
    session.update(path, DOCUMENT.replace("let base", "let bse"), 1)
    assert [d.code for d in session.analyse(path).diagnostics] == ["E041", "E041"]
    assert session.analysis_count == 2
    geometry = str(project.parent / "geometry.lm")
    session.update(geometry, GEOMETRY.replace("cell area", "cell surface"), 1)
    session.update(path, DOCUMENT, 2)
    codes = [d.code for d in session.analyse(path).diagnostics]
    assert "E099" in codes and session.analysis_count == 3


def test_an_edit_inside_one_cell_rechecks_that_cell_only():
    path = str(CORPUS / "service.lm.md")
    text = (CORPUS / "service.lm.md").read_text(encoding="utf-8")
    session = AnalysisSession()
    session.update(path, text, 0)
    session.analyse(path)
    session.update(path, text.replace("  let base = order.amount - discount\n",
                                      "  let base = order.amount - discont\n", 1), 1)
    analysis = session.analyse(path)
    assert [d.code for d in analysis.diagnostics] == ["E041"]
    assert session.checker.stats.checked == 1
    assert session.checker.stats.reused > 200
    assert session.loader.parsers[os.path.realpath(path)].stats.parsed == 1


def test_fixing_a_syntax_error_rechecks_one_cell_only():
    # A root with a syntax error loads no imports; once fixed, the imported module's interface and cell results
    # from before the error still apply.
    path = str(CORPUS / "service.lm.md")
    text = (CORPUS / "service.lm.md").read_text(encoding="utf-8")
    session = AnalysisSession()
    session.update(path, text, 0)
    session.analyse(path)
    session.update(path, text.replace("  let base = order.amount - discount\n", "  let base =\n", 1), 1)
    assert session.analyse(path).has_syntax_errors
    session.update(path, text, 2)
    analysis = session.analyse(path)
    expected = check_program(load_program(path, text=text)).diagnostics.get(path, [])
    assert [d.to_json() for d in analysis.diagnostics] == [d.to_json() for d in expected]
    # (0 when the parser reuses the cell's nodes from before the error: undoing an edit parses nothing again)
    assert session.checker.stats.checked <= 1


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_patched_markdown_sources_equal_extraction(data: st.DataObject):
    from lumen_kernel.analysis.loader import patch_markdown_source

    text = DOCUMENT
    previous = load_source("orders.lm.md", text)
    for _ in range(data.draw(st.integers(1, 6))):
        text = _edit(text, data)
        patched = patch_markdown_source(previous, text)
        fresh = load_source("orders.lm.md", text)
        if patched is not None:
            assert patched == fresh
        previous = fresh


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_editor_features_never_fail_on_edited_text(project: Path, data: st.DataObject):
    from lumen_kernel.analysis import completion
    from lumen_kernel.analysis.hover import hover_markdown
    from lumen_kernel.analysis.navigation import RenameError, rename_target
    from lumen_kernel.analysis.outline import outline
    from lumen_kernel.analysis.semantic import semantic_tokens
    from lumen_kernel.analysis.view import AnalysisView

    path = str(project)
    session = AnalysisSession()
    text = DOCUMENT
    for version in range(data.draw(st.integers(1, 4))):
        text = _edit(text, data) if version else text
        session.update(path, text, version)
        analysis = session.analyse(path)
        if not analysis.positions_current:        # reused after a prose edit that moved lines
            analysis = session.analyse(path, reuse=False)
        view = AnalysisView(analysis)
        module = view.module
        occurrences = module.occurrences if module is not None else []
        lines = text.split("\n")
        tokens = semantic_tokens(analysis.tokens, view.lines, occurrences)
        previous = (0, 0)
        for token in tokens:       # sorted, not overlapping, inside their line
            assert (token.line, token.column) >= previous
            assert 1 <= token.column and token.column + token.length - 1 <= len(lines[token.line - 1])
            previous = (token.line, token.column + token.length)
        outline(analysis.module.module, view.lines)
        for occurrence in occurrences:
            hover_markdown(view, occurrence.span.line, occurrence.span.column)
            try:
                rename_target(view, occurrence.span.line, occurrence.span.column)
            except RenameError:
                pass
        line = data.draw(st.integers(1, len(lines)))
        column = data.draw(st.integers(1, len(lines[line - 1]) + 1))
        context = completion.completion_context(lines, line, column)
        completion.general_candidates(view, line, column, view.builtins)
        completion.argument_candidates(view, context)
        completion.arm_candidates(view, line)


def test_reused_cells_keep_their_effects(tmp_path: Path):
    path = str(tmp_path / "effects.lm")
    text = ('cell noisy() -> Int\n  print("x")\n  return 1\nend\n\n'
            'cell quiet() -> Int / {}\n  return noisy()\nend\n')
    session = AnalysisSession(lint=False)
    session.update(path, text, 0)
    assert [d.code for d in session.analyse(path).diagnostics] == ["E030"]
    for version, new_text in enumerate([text.replace('print("x")', 'let y = 1'), text], start=1):
        session.update(path, new_text, version)
        analysis = session.analyse(path)
        expected = check_program(load_program(path, text=new_text)).diagnostics.get(path, [])
        assert [d.to_json() for d in analysis.diagnostics] == [d.to_json() for d in expected]
        assert session.checker.stats.reused >= 1       # `quiet` is not checked again
    assert [d.code for d in analysis.diagnostics] == ["E030"]
