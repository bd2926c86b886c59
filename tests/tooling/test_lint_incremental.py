"""The language server's incremental linter (`lumen_kernel.analysis.linting.IncrementalLinter`) must return exactly
what `lint_source` returns for the whole text, after any sequence of edits: the cache of unit results, the changed
line detection, the comment lines above declarations, the enum variants and the `unused-import` use counts are all
checked against a full lint here."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lumen_kernel.analysis.incremental_parse import IncrementalParser
from lumen_kernel.analysis.linting import IncrementalLinter
from lumen_kernel.source.model import load_source
from lumen_kernel.syntax import ast, parse_source
from lumen_kernel.syntax.lexer import lex
from lumen_kernel.tooling.lint import LintSettings, lint_source

PROGRAM = """\
import helpers: used_name, unusedName, other as alias_name
import more: *

enum Color
  Red
  Green
  grey
end

# A comment above a declaration.
# lumen: allow(naming-convention)
cell BadName(x: Int) -> Int
  let unused = 1
  return x
  print("unreachable")
end

let top = used_name(1)
print(top)

cell describe(c: Color) -> String
  match c
    Red -> return "red"
    grey -> return "grey"
    other -> return "other"
  end
  return "?"
end

const TEXT = \"\"\"
# lumen: allow(naming-convention)\"\"\"
cell spinForever()
  loop
    print("x")
  end
end

record point_xy
  x: Int
end

let count = 3
cell empty()
end

cell uses(max: Int) -> Int  # lumen: allow(shadowed-builtin)
  let g = fn(y) => y + max
  for v in [1, 2]
  end
  return g(1)
end
"""

LINES = ["", "# note", "# lumen: allow(naming-convention)", "# lumen: allow(unused-variable, unused-import)",
         "  let z = 3", "  Blue", "end", "let other = 2", "print(other)", "cell camelCase()", "  return 1",
         "enum Shade", "  Dark", "import extra: Thing", "  match c", "    Blue -> print(1)", "\"\"\"",
         "const X = 1", "  unusedName(1)", "alias_name(2)"]
FRAGMENTS = ["x", "1", " ", "(", ")", "end", ":", "=", "#", "Red", "Blue", "_", "count", "A"]

SETTINGS = [LintSettings(), LintSettings(strict=True), LintSettings(deny=frozenset({"unused-variable"})),
            LintSettings(allow=frozenset({"unused-import", "naming-convention"}))]


def _edit(lines: list[str], data: st.DataObject) -> list[str]:
    lines = list(lines)
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
        lines[index] = data.draw(st.sampled_from(LINES))
    elif kind == "insert_line":
        lines.insert(index, data.draw(st.sampled_from(LINES)))
    elif kind == "delete_line" and len(lines) > 1:
        del lines[index]
    return lines


def _incremental(parser: IncrementalParser, linter: IncrementalLinter, text: str,
                 lint_settings: LintSettings) -> list[dict]:
    source = load_source("main.lm", text)
    parsed = parser.parse(source)
    found = linter.lint(source, parsed.module, parser.tokens, parsed.diagnostics, None, lint_settings)
    return [finding.to_json() for finding in found]


def _full(text: str, lint_settings: LintSettings) -> list[dict]:
    return [finding.to_json() for finding in lint_source(load_source("main.lm", text), lint_settings)]


def test_the_sample_program_has_findings_of_most_rules():
    codes = {finding["code"] for finding in _full(PROGRAM, LintSettings())}
    assert codes >= {"unreachable-code", "infinite-loop", "unused-variable", "unused-import", "shadowed-builtin",
                     "naming-convention", "empty-block"}


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_incremental_lint_equals_a_full_lint_after_edits(data: st.DataObject):
    parser, linter = IncrementalParser(), IncrementalLinter()
    lint_settings = data.draw(st.sampled_from(SETTINGS))
    lines = PROGRAM.split("\n")
    for version in range(data.draw(st.integers(1, 12))):
        if version:
            lines = _edit(lines, data)
        text = "\n".join(lines)
        assert _incremental(parser, linter, text, lint_settings) == _full(text, lint_settings)


@pytest.mark.parametrize("before, after", [
    # An allow comment appears, changes or goes above an unchanged declaration.
    ("# A comment above a declaration.", "# lumen: allow(unused-variable)"),
    ("# lumen: allow(naming-convention)", "# lumen: allow(unreachable-code)"),
    ("# lumen: allow(naming-convention)\n", ""),
    # The comment lines above a declaration are joined to or cut from the comments above them.
    ("# A comment above a declaration.", ""),
    ("\ncell spinForever()", "# lumen: allow(infinite-loop)\ncell spinForever()"),
    # A line that looks like an allow comment is the end of a string (or no longer is).
    ("const TEXT = \"\"\"\n", "const TEXT = 1\n"),
    ('print("x")', 'print("y")'),
    # The enum variants change what a bare name in a pattern is.
    ("  Green\n", "  Green\n  other\n"),
    ("  Red\n  Green\n", "  Green\n"),
    ("\nrecord point_xy", "\nenum Shade\n  other\nend\nrecord point_xy"),
    ("enum Color\n  Red\n  Green\n  grey\nend\n", ""),
    ("\nrecord point_xy", "\nimport extra: unused\nrecord point_xy"),
    # Uses of imported names come and go; an import moves.
    ("let top = used_name(1)", "let top = unusedName(1)"),
    ("import more: *\n", "\n\n"),
    # Script statements between declarations.
    ("print(top)\n", ""),
    ("let count = 3\n", "let count = 3\nprint(count)\nlet again = 1\n"),
    ("let count = 3\n", "\n"),
    # Lines inserted or removed above everything.
    ("import helpers", "\n\nimport helpers"),
    ("\nenum Color", "enum Color"),
])
def test_targeted_edits_equal_a_full_lint(before: str, after: str):
    assert before in PROGRAM
    edited = PROGRAM.replace(before, after, 1)
    for lint_settings in SETTINGS[:2]:
        parser, linter = IncrementalParser(), IncrementalLinter()
        for text in (PROGRAM, edited, PROGRAM, edited, edited):
            assert _incremental(parser, linter, text, lint_settings) == _full(text, lint_settings)


def test_only_the_edited_declaration_is_linted_again():
    parser, linter = IncrementalParser(), IncrementalLinter()
    _incremental(parser, linter, PROGRAM, LintSettings())
    before = linter.relinted
    edited = PROGRAM.replace('    other -> return "other"', '    other -> return "another"')
    assert _incremental(parser, linter, edited, LintSettings()) == _full(edited, LintSettings())
    assert linter.relinted == before + 1
    moved = "\n\n" + edited
    assert _incremental(parser, linter, moved, LintSettings()) == _full(moved, LintSettings())
    assert linter.relinted == before + 1 + 1    # only the first declaration (its chunk of text changed)


def test_settings_changes_lint_everything_again():
    parser, linter = IncrementalParser(), IncrementalLinter()
    for lint_settings in SETTINGS + SETTINGS[:1]:
        assert _incremental(parser, linter, PROGRAM, lint_settings) == _full(PROGRAM, lint_settings)


@pytest.mark.parametrize("first_line", ["enum Color", "import more: *", "let count = 3", "print(top)"])
def test_items_removed_without_touching_their_neighbours(first_line: str):
    # A parser keeping every other item object as it is (only the removed item's lines become blank).
    source = load_source("main.lm", PROGRAM)
    module = parse_source(source).module
    tokens = lex(source).tokens
    linter = IncrementalLinter()
    assert [d.to_json() for d in linter.lint(source, module, tokens, [])] == _full(PROGRAM, LintSettings())
    lines = PROGRAM.split("\n")
    removed = next(item for item in module.items if lines[item.span.line - 1] == first_line)
    for index in range(removed.span.line - 1, removed.span.end_line):
        lines[index] = ""
    text = "\n".join(lines)
    kept = ast.Module(path="main.lm", items=[item for item in module.items if item is not removed], span=module.span)
    kept_tokens = [token for token in tokens
                   if not removed.span.line <= token.span.line <= removed.span.end_line]
    found = linter.lint(load_source("main.lm", text), kept, kept_tokens, [])
    assert [d.to_json() for d in found] == _full(text, LintSettings())


def test_a_string_opened_and_closed_far_above_decides_which_lines_below_are_comments():
    # Opening `"""` on line 1 turns the text down to `const TEXT = """` into a string, so that the allow comment
    # above `spinForever` becomes a comment; making it `""` again turns that line back into the end of a string,
    # though the lines near `spinForever` did not change.
    parser, linter = IncrementalParser(), IncrementalLinter()
    lines = PROGRAM.split("\n")
    for first_line in (lines[0], '"""', '""', '"""'):
        text = "\n".join([first_line] + lines[1:])
        assert _incremental(parser, linter, text, LintSettings()) == _full(text, LintSettings())


@settings(max_examples=200, deadline=None)
@given(old=st.text("ab\n#", max_size=40), new=st.text("ab\n#", max_size=40))
def test_changed_lines_between_two_texts(old: str, new: str):
    linter = IncrementalLinter()
    linter._take_text(old)
    change = linter._take_text(new)
    old_lines, new_lines = old.split("\n"), new.split("\n")
    assert linter.lines == new_lines
    assert change.first >= 1 and new_lines[:change.first - 1] == old_lines[:change.first - 1]
    assert len(new_lines) - len(old_lines) == change.delta
    assert new_lines[change.last:] == old_lines[change.last - change.delta:]
