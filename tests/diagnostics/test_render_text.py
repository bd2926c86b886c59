"""Plain and coloured text rendering of diagnostics (LANGUAGE.md §7.3, TOOLING.md §2.3)."""
import re

from lumen_kernel.diagnostics.model import Diagnostic, Edit, Fix, Label, Span
from lumen_kernel.diagnostics.render import render_diagnostic, render_diagnostics, summary_line
from lumen_kernel.source.model import load_source
from lumen_kernel.syntax.lexer import lex

E010_MESSAGE = ("I was expecting `,` or `)` after the parameter name, but found a type `Int`. Did you forget the `:` "
                "between the parameter name and type?")


def spec_example():
    span = Span("malformed.lm.md", 9, 19, 9, 22)
    fix = Fix("insert `: `", (Edit(Span("malformed.lm.md", 9, 18, 9, 19), ": "),))
    return Diagnostic("E010", E010_MESSAGE, span, help=["add a `:` before the type annotation"], fixes=[fix])


def sources_with(path, lines_by_number):
    lines = [""] * max(lines_by_number)
    for number, text in lines_by_number.items():
        lines[number - 1] = text
    return {path: lines}


def test_language_spec_example_exactly():
    sources = sources_with("malformed.lm.md", {9: "cell second(count Int) -> Int"})
    assert render_diagnostic(spec_example(), sources) == (
        f"error[E010]: {E010_MESSAGE}\n"
        " --> malformed.lm.md:9:19\n"
        "  |\n"
        "9 | cell second(count Int) -> Int\n"
        "  |                   ^^^\n"
        "  = help: add a `:` before the type annotation\n"
        "  = fix: insert `: `")


def test_tooling_spec_example_exactly():
    diagnostic = Diagnostic("E015", "expected an expression after `=`", Span("bad.lm.md", 5, 10, 5, 10),
                            help=["write a value after `=`"])
    sources = sources_with("bad.lm.md", {5: "  let x ="})
    assert render_diagnostic(diagnostic, sources) == (
        "error[E015]: expected an expression after `=`\n"
        " --> bad.lm.md:5:10\n"
        "  |\n"
        "5 |   let x =\n"
        "  |          ^\n"
        "  = help: write a value after `=`")


def test_gutter_width_follows_the_largest_line_number_shown():
    diagnostic = Diagnostic("E023", "duplicate definition 'f'", Span("m.lm", 104, 6, 104, 7),
                            labels=[Label(Span("m.lm", 7, 6, 7, 7), "first defined here")])
    sources = sources_with("m.lm", {7: "cell f() = 1", 104: "cell f() = 2"})
    assert render_diagnostic(diagnostic, sources) == (
        "error[E023]: duplicate definition 'f'\n"
        "   --> m.lm:104:6\n"
        "    |\n"
        "104 | cell f() = 2\n"
        "    |      ^\n"
        "  7 | cell f() = 1\n"
        "    |      ^ first defined here")


def test_carets_keep_tabs_and_cover_the_span():
    diagnostic = Diagnostic("E041", "undefined variable 'totl'", Span("t.lm", 3, 9, 3, 13))
    sources = sources_with("t.lm", {3: "\t\tx = totl + 1"})
    lines = render_diagnostic(diagnostic, sources).split("\n")
    assert lines[3] == "3 | \t\tx = totl + 1"
    assert lines[4] == "  | \t\t      ^^^^"


def test_empty_span_gets_one_caret_even_past_the_end_of_the_line():
    diagnostic = Diagnostic("E011", "unexpected end of input while parsing cell", Span("t.lm", 1, 12, 1, 12))
    lines = render_diagnostic(diagnostic, {"t.lm": ["cell f("]}).split("\n")
    assert lines[3:5] == ["1 | cell f(", "  |            ^"]


def test_multi_line_span_shows_its_first_line_with_carets_to_the_end():
    diagnostic = Diagnostic("E002", "unterminated string literal", Span("t.lm", 2, 9, 4, 3),
                            help=["add a closing quote"])
    sources = {"t.lm": ["", 'let s = """abc', "def", "gh"]}
    assert render_diagnostic(diagnostic, sources).split("\n")[3:6] == [
        '2 | let s = """abc', "  |         ^^^^^^", "  = help: add a closing quote"]


def test_notes_then_helps_then_fixes():
    diagnostic = Diagnostic("E030", "cell 'c' performs effect 'io' but it is not declared in its effect row",
                            Span("e.lm", 2, 3, 2, 8), notes=["caused by: print"],
                            help=["add 'io' to the effect row of cell 'c'"],
                            fixes=[Fix("add `io`", ()), Fix("other", ())])
    lines = render_diagnostic(diagnostic, {"e.lm": ["cell c()", "  print(1)"]}).split("\n")
    assert lines[-4:] == ["  = note: caused by: print", "  = help: add 'io' to the effect row of cell 'c'",
                          "  = fix: add `io`", "  = fix: other"]


def test_diagnostic_without_location():
    diagnostic = Diagnostic("E000", "cannot read 'x.lm': No such file or directory", None,
                            notes=["n"], help=["h"], fixes=[Fix("f", ())])
    assert render_diagnostic(diagnostic, {}) == (
        "error[E000]: cannot read 'x.lm': No such file or directory\n = note: n\n = help: h")


def test_warning_and_note_severities():
    warning = Diagnostic("W001", "unused", Span("w.lm", 1, 1, 1, 2), severity="warning")
    assert render_diagnostic(warning, {"w.lm": ["x"]}).startswith("warning[W001]: unused\n")


def test_unknown_source_file_shows_header_and_location_only():
    diagnostic = Diagnostic("E041", "undefined variable 'x'", Span("gone.lm", 3, 1, 3, 2), help=["h"])
    assert render_diagnostic(diagnostic, {}) == "error[E041]: undefined variable 'x'\n --> gone.lm:3:1\n  = help: h"


def test_several_diagnostics_are_separated_by_one_empty_line():
    sources = sources_with("malformed.lm.md", {9: "cell second(count Int) -> Int"})
    one = render_diagnostic(spec_example(), sources)
    assert render_diagnostics([spec_example(), spec_example()], sources) == f"{one}\n\n{one}\n"
    assert render_diagnostics([], sources) == ""


def test_colour_only_adds_ansi_styling():
    sources = sources_with("malformed.lm.md", {9: "cell second(count Int) -> Int"})
    diagnostic = spec_example()
    diagnostic.labels.append(Label(Span("malformed.lm.md", 9, 1, 9, 5), "here"))
    diagnostic.notes.append("a note")
    coloured = render_diagnostic(diagnostic, sources, color=True)
    plain = render_diagnostic(diagnostic, sources)
    assert "\x1b[" in coloured and "\x1b[" not in plain
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_rendering_lexer_diagnostics_of_a_markdown_file():
    text = "# Doc\n\n```lumen\ncell main() -> Int\n  let greeting = \"hello\n  return 0\nend\n```\n"
    source = load_source("unterminated_string.lm.md", text)
    rendered = render_diagnostics(lex(source).diagnostics, {source.path: source.lines})
    assert rendered == (
        "error[E002]: unterminated string literal\n"
        " --> unterminated_string.lm.md:5:18\n"
        "  |\n"
        '5 |   let greeting = "hello\n'
        "  |                  ^^^^^^\n"
        "  = help: add a closing quote\n")


def test_summary_line():
    assert summary_line(2, 3, 0) == "checked 2 file(s): 3 error(s), 0 warning(s)"
