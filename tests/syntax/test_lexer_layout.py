"""Lines, comments, continuation and layout tokens (LANGUAGE.md §2.1, §2.2, E003)."""
from lumen_kernel.source.model import load_source
from lumen_kernel.syntax.lexer import lex, lex_text
from lumen_kernel.syntax.tokens import DEDENT, EOF, INDENT, NEWLINE


def stream(text, path="<text>.lm"):
    """Token texts with layout tokens written as their kind."""
    return [t.text if t.kind not in (NEWLINE, INDENT, DEDENT, EOF) else t.kind
            for t in lex_text(text, path).tokens]


def test_newline_ends_each_logical_line():
    assert stream("a\nb\n") == ["a", "NEWLINE", "b", "NEWLINE", "EOF"]


def test_blank_and_comment_lines_produce_nothing():
    text = "# heading\n\na   # trailing\n   \n      # over-indented comment\n\tb\n"
    assert stream(text) == ["a", "NEWLINE", "INDENT", "b", "NEWLINE", "DEDENT", "EOF"]


def test_comment_inside_a_string_is_text():
    assert stream('print("a # b") # c') == ["print", "(", '"a # b"', ")", "NEWLINE", "EOF"]


def test_indent_and_dedent():
    text = "a\n  b\n    c\n  d\ne\n"
    assert stream(text) == ["a", "NEWLINE", "INDENT", "b", "NEWLINE", "INDENT", "c", "NEWLINE", "DEDENT", "d",
                            "NEWLINE", "DEDENT", "e", "NEWLINE", "EOF"]


def test_several_dedents_at_once_and_at_end_of_input():
    assert stream("a\n  b\n    c\nd") == ["a", "NEWLINE", "INDENT", "b", "NEWLINE", "INDENT", "c", "NEWLINE",
                                         "DEDENT", "DEDENT", "d", "NEWLINE", "EOF"]
    assert stream("a\n  b\n    c") == ["a", "NEWLINE", "INDENT", "b", "NEWLINE", "INDENT", "c", "NEWLINE",
                                      "DEDENT", "DEDENT", "EOF"]


def test_tabs_count_two_columns_of_indentation():
    assert stream("a\n\tb\n  c\n") == ["a", "NEWLINE", "INDENT", "b", "NEWLINE", "c", "NEWLINE", "DEDENT", "EOF"]


def test_inconsistent_indentation_is_e003_and_pushes_a_level():
    result = lex_text("a\n    b\n  c\nd\n")
    kinds = [t.kind if t.kind in (INDENT, DEDENT, EOF) else t.text for t in result.tokens if t.kind != NEWLINE]
    assert kinds == ["a", INDENT, "b", DEDENT, INDENT, "c", DEDENT, "d", EOF]
    [diagnostic] = result.diagnostics
    assert (diagnostic.code, diagnostic.message, diagnostic.help) == (
        "E003", "inconsistent indentation", ["indent this line like an enclosing line"])
    assert (diagnostic.span.line, diagnostic.span.column, diagnostic.span.end_column) == (3, 3, 4)


def test_lines_inside_brackets_have_no_layout_tokens_but_newlines():
    text = "let t = [1, 2,\n        3,\n  4]\nx\n"
    assert stream(text) == ["let", "t", "=", "[", "1", ",", "2", ",", "NEWLINE", "3", ",", "NEWLINE", "4", "]",
                            "NEWLINE", "x", "NEWLINE", "EOF"]


def test_bracket_counting_covers_all_openers():
    text = "f(a?[\n      {1:\n   2}])\n  y\n"
    assert stream(text)[-6:] == ["NEWLINE", "INDENT", "y", "NEWLINE", "DEDENT", "EOF"]


def test_stray_closer_does_not_break_layout():
    assert stream(")\n  a\n") == [")", "NEWLINE", "INDENT", "a", "NEWLINE", "DEDENT", "EOF"]


def test_backslash_continuation_joins_lines():
    text = "let a = 1 + \\\n      2\nb\n"
    assert stream(text) == ["let", "a", "=", "1", "+", "2", "NEWLINE", "b", "NEWLINE", "EOF"]
    tokens = lex_text(text).tokens
    two = tokens[5]
    assert (two.span.line, two.span.column) == (2, 7)


def test_backslash_not_at_end_of_line_is_e001():
    result = lex_text("a \\ b\n")
    assert [(d.code, d.message) for d in result.diagnostics] == [("E001", "unexpected character '\\'")]


def test_backslash_continuation_in_a_comment_is_text():
    assert stream("a # not joined \\\nb\n") == ["a", "NEWLINE", "b", "NEWLINE", "EOF"]


def test_layout_tokens_positions():
    result = lex_text("a\n  b\nc")
    newline, indent = result.tokens[1], result.tokens[2]
    assert (newline.span.line, newline.span.column, newline.span.end_column) == (1, 2, 2)
    assert (indent.span.line, indent.span.column) == (2, 3)
    eof = result.tokens[-1]
    assert eof.kind == EOF and (eof.span.line, eof.span.column) == (3, 2)


def test_newline_sits_after_the_last_token_not_after_a_comment():
    newline = lex_text("let x =   # comment\n").tokens[3]
    assert newline.kind == NEWLINE and (newline.span.line, newline.span.column) == (1, 8)


def test_empty_input():
    assert stream("") == ["EOF"]
    assert stream("\n\n# only a comment\n") == ["EOF"]


def test_markdown_line_numbers_are_kept():
    text = "# Title\n\nSome prose.\n\n```lumen\ncell main()\n  x\nend\n```\n"
    source = load_source("doc.lm.md", text)
    tokens = lex(source).tokens
    cell = tokens[0]
    assert (cell.text, cell.span.line, cell.span.column, cell.span.file) == ("cell", 6, 1, "doc.lm.md")
    assert [t.span.line for t in tokens if t.text == "x"] == [7]


def test_start_of_line_marks_first_token_of_each_physical_line():
    tokens = lex_text("f(a,\n  b)\n").tokens
    assert [(t.text, t.start_of_line) for t in tokens if t.text in ("f", "a", "b", ")")] == [
        ("f", True), ("a", False), ("b", True), (")", False)]


def test_one_diagnostic_per_position():
    result = lex_text("a\n    b\n  0x\n")
    assert [(d.code, d.span.line, d.span.column) for d in result.diagnostics] == [("E004", 3, 3)]
