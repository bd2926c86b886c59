"""Identifiers, keywords, numbers, operators and E001/E004 (LANGUAGE.md §2.3, §2.4, §2.8)."""
import pytest

from lumen_kernel.syntax.lexer import lex_text
from lumen_kernel.syntax.tokens import (
    EOF, FLOAT, IDENT, INT, KEYWORD, NEWLINE, OP, RESERVED_WORDS, SOFT_KEYWORDS, TYPE_WORDS,
)


def code_tokens(text):
    """(kind, text, value) of the tokens of `text`, without NEWLINE/INDENT/DEDENT/EOF."""
    result = lex_text(text)
    return [(t.kind, t.text, t.value) for t in result.tokens if t.kind not in ("NEWLINE", "INDENT", "DEDENT", "EOF")]


def kinds_texts(text):
    return [(kind, tok) for kind, tok, _ in code_tokens(text)]


def diagnostics(text):
    return [(d.code, d.message, d.span.line, d.span.column, d.span.end_line, d.span.end_column)
            for d in lex_text(text).diagnostics]


# ------------------------------------------------------------------------------------------ identifiers


def test_reserved_words_are_keywords():
    for word in sorted(RESERVED_WORDS):
        assert kinds_texts(word) == [(KEYWORD, word)]


@pytest.mark.parametrize("word", sorted(TYPE_WORDS | SOFT_KEYWORDS | {"agent", "to", "stages", "confirm", "_"}))
def test_other_words_are_identifiers(word):
    assert kinds_texts(word) == [(IDENT, word)]


def test_identifiers_continue_with_unicode_letters_and_digits():
    assert kinds_texts("caf\u00e9_2 x\u00fcber") == [(IDENT, "caf\u00e9_2"), (IDENT, "x\u00fcber")]


def test_non_ascii_first_character_is_e001_and_skipped():
    assert kinds_texts("\u00e9t\u00e9 = 1") == [(IDENT, "t\u00e9"), (OP, "="), (INT, "1")]
    assert diagnostics("\u00e9t\u00e9 = 1") == [("E001", "unexpected character '\u00e9'", 1, 1, 1, 2)]


@pytest.mark.parametrize("char", ["$", "`", "'", "\u00a7", "\\"])
def test_unexpected_characters(char):
    result = lex_text(f"a {char} b")
    assert [(t.kind, t.text) for t in result.tokens][:2] == [(IDENT, "a"), (IDENT, "b")]
    assert [(d.code, d.message, d.span.column, d.span.end_column) for d in result.diagnostics] == [
        ("E001", f"unexpected character '{char}'", 3, 4)]


def test_keyword_case_matters():
    assert kinds_texts("Null null NULL True") == [(KEYWORD, "Null"), (KEYWORD, "null"), (IDENT, "NULL"),
                                                  (IDENT, "True")]


# ----------------------------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("text, value", [
    ("42", 42), ("0", 0), ("1_000_000", 1000000), ("1_", 1), ("1__0", 10),
    ("0xFF", 255), ("0X1f", 31), ("0xF_F", 255), ("0b1010", 10), ("0B1", 1), ("0o17", 15), ("0O1_7", 15),
    ("9223372036854775807", 2 ** 63 - 1), ("0x7FFFFFFFFFFFFFFF", 2 ** 63 - 1),
])
def test_integer_literals(text, value):
    assert code_tokens(text) == [(INT, text, value)]
    assert diagnostics(text) == []


@pytest.mark.parametrize("text, value", [
    ("1.5", 1.5), ("0.25", 0.25), ("3.0", 3.0), ("1e5", 1e5), ("2E-3", 2e-3), ("1.5e3", 1500.0),
    ("6.02e+23", 6.02e23), ("1_000.5", 1000.5), ("1.5_5", 1.55),
])
def test_float_literals(text, value):
    assert code_tokens(text) == [(FLOAT, text, value)]


def test_dot_belongs_to_a_number_only_before_a_digit():
    assert kinds_texts("1.") == [(INT, "1"), (OP, ".")]
    assert kinds_texts("1..5") == [(INT, "1"), (OP, ".."), (INT, "5")]
    assert kinds_texts("1..=5") == [(INT, "1"), (OP, "..="), (INT, "5")]
    assert kinds_texts("1.foo") == [(INT, "1"), (OP, "."), (IDENT, "foo")]


def test_digits_after_a_dot_token_form_an_int():
    assert code_tokens("t.0.1") == [(IDENT, "t", None), (OP, ".", None), (INT, "0", 0), (OP, ".", None),
                                    (INT, "1", 1)]
    assert kinds_texts("t.1e5") == [(IDENT, "t"), (OP, "."), (INT, "1"), (IDENT, "e5")]
    assert kinds_texts("x.0.1 + 1.5") == [(IDENT, "x"), (OP, "."), (INT, "0"), (OP, "."), (INT, "1"), (OP, "+"),
                                          (FLOAT, "1.5")]


def test_exponent_needs_a_digit():
    assert kinds_texts("1e") == [(INT, "1"), (IDENT, "e")]
    assert kinds_texts("1e+") == [(INT, "1"), (IDENT, "e"), (OP, "+")]
    assert kinds_texts("2ex") == [(INT, "2"), (IDENT, "ex")]


def test_binary_prefix_needs_a_binary_digit():
    assert kinds_texts("0b2") == [(INT, "0"), (IDENT, "b2")]
    assert kinds_texts("0bx") == [(INT, "0"), (IDENT, "bx")]


def test_negative_numbers_are_negation():
    assert kinds_texts("-5") == [(OP, "-"), (INT, "5")]


@pytest.mark.parametrize("text", ["9223372036854775808", "0x8000000000000000", "0x", "0o", "0x_", "0o_",
                                  "0b1" + "0" * 63, "99999999999999999999999"])
def test_invalid_numbers_are_e004_and_give_int_zero(text):
    result = lex_text(text)
    assert [(t.kind, t.value) for t in result.tokens][:1] == [(INT, 0)]
    assert [(d.code, d.message, d.span.column, d.span.end_column) for d in result.diagnostics] == [
        ("E004", "invalid number literal", 1, len(text) + 1)]


def test_invalid_number_inside_an_expression_line():
    result = lex_text("let a = (1 + 0x)")
    assert [t.text for t in result.tokens if t.kind == INT] == ["1", "0x"]
    assert [(d.code, d.span.column) for d in result.diagnostics] == [("E004", 14)]


def test_float_overflow_gives_infinity():
    assert code_tokens("1e999") == [(FLOAT, "1e999", float("inf"))]


# --------------------------------------------------------------------------------------------- operators


ALL_OPERATORS = ("+ - * / % ** == != < <= > >= = -> => . , : ; | @ ! ? |> >> ~> ?? ?. ?[ .. ..= ... ++ & ~ ^ "
                 "+= -= *= /= ( ) [ ] { }").split()


@pytest.mark.parametrize("operator", ALL_OPERATORS)
def test_each_operator_is_one_token(operator):
    assert kinds_texts(f"a {operator} b") == [(IDENT, "a"), (OP, operator), (IDENT, "b")]


@pytest.mark.parametrize("text, expected", [
    ("a..=b", ["a", "..=", "b"]), ("a...b", ["a", "...", "b"]), ("a?[0]", ["a", "?[", "0", "]"]),
    ("a??b", ["a", "??", "b"]), ("a?.b", ["a", "?.", "b"]), ("a**-b", ["a", "**", "-", "b"]),
    ("x|>f", ["x", "|>", "f"]), ("a=>b", ["a", "=>", "b"]), ("a->b", ["a", "->", "b"]), ("a>=b", ["a", ">=", "b"]),
    ("a>>b", ["a", ">>", "b"]), ("a~>b", ["a", "~>", "b"]), ("a++b", ["a", "++", "b"]), ("a+=1", ["a", "+=", "1"]),
    ("a!=b", ["a", "!=", "b"]), ("a!", ["a", "!"]), ("a====b", ["a", "==", "==", "b"]), ("....", ["...", "."]),
])
def test_longest_match(text, expected):
    assert [tok for _, tok in kinds_texts(text)] == expected


def test_semicolon_is_lexed_as_an_operator():
    assert kinds_texts("a; b") == [(IDENT, "a"), (OP, ";"), (IDENT, "b")]
    assert diagnostics("a; b") == []


def test_spans_and_token_attributes():
    result = lex_text("  foo(bar, 12)\n")
    foo, paren, bar, comma, twelve, close, newline = result.tokens[1:8]
    assert (foo.span.line, foo.span.column, foo.span.end_line, foo.span.end_column) == (1, 3, 1, 6)
    assert foo.start_of_line and not paren.start_of_line and not twelve.start_of_line
    assert foo.space_before and not paren.space_before and not bar.space_before and twelve.space_before
    assert {t.indent for t in (foo, paren, bar, comma, twelve, close)} == {2}
    assert (twelve.span.column, twelve.span.end_column) == (12, 14)
    assert newline.kind == NEWLINE and (newline.span.column, newline.span.end_column) == (15, 15)
    assert result.tokens[-1].kind == EOF
    assert all(t.span.file == "<text>.lm" for t in result.tokens)


def test_tab_indentation_counts_two():
    result = lex_text("if x\n\tfoo\n")
    foo = next(t for t in result.tokens if t.text == "foo")
    assert foo.indent == 2 and foo.span.column == 2


def test_unprintable_unexpected_characters_are_shown_as_escapes():
    assert [d.message for d in lex_text("a \x0c b\u00a0").diagnostics] == [
        "unexpected character '\\u{C}'", "unexpected character '\\u{A0}'"]
