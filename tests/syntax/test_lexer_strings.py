"""String, raw string and bytes literals; escapes; interpolation; E002, E005, E006 (LANGUAGE.md §2.5, §2.6)."""
import pytest

from lumen_kernel.syntax.lexer import lex_text
from lumen_kernel.syntax.tokens import BYTES, EOF, IDENT, NEWLINE, RAWSTRING, STRING, Interpolation

E002 = ("E002", "unterminated string literal", ["add a closing quote"])
E005 = ("E005", "invalid bytes literal", ['bytes literals hold pairs of hex digits, e.g. b"48656c6c6f"'])
E006 = ("E006", "invalid unicode escape sequence", ["write \\u{XXXX} with 1 to 6 hex digits, or \\xHH"])


def first_token(text):
    return lex_text(text).tokens[0]


def value_of(text):
    """The value of the first token, with interpolations shown as `{token texts}`."""
    value = first_token(text).value
    if isinstance(value, list):
        return [part if isinstance(part, str) else "{" + " ".join(t.text for t in part.tokens[:-1]) + "}"
                for part in value]
    return value


def diagnostics(text):
    return [(d.code, d.message, d.help) for d in lex_text(text).diagnostics]


def positions(text):
    return [(d.code, d.span.line, d.span.column, d.span.end_line, d.span.end_column)
            for d in lex_text(text).diagnostics]


# ---------------------------------------------------------------------------------------- plain strings


def test_plain_string():
    token = first_token('"hello"')
    assert (token.kind, token.text, token.value) == (STRING, '"hello"', ["hello"])
    assert (token.span.column, token.span.end_column) == (1, 8)


def test_empty_string_has_no_parts():
    assert first_token('""').value == []


@pytest.mark.parametrize("source, text", [
    (r'"\n"', "\n"), (r'"\t"', "\t"), (r'"\r"', "\r"), (r'"\0"', "\0"), (r'"\\"', "\\"), (r'"\""', '"'),
    (r'"\{x}"', "{x}"), (r'"\x41\x42"', "AB"), (r'"\u{48}\u{49}"', "HI"), (r'"\u{e9}"', "\u00e9"),
    (r'"\u{1F600}"', "\U0001F600"), (r'"\u{10FFFF}"', "\U0010FFFF"), (r'"\q"', "\\q"), (r'"a\}b"', "a\\}b"),
])
def test_escapes(source, text):
    assert value_of(source) == [text]
    assert diagnostics(source) == []


@pytest.mark.parametrize("source, text", [
    (r'"\x4"', ""), (r'"a\xZZ"', "aZZ"), (r'"\u{D800}"', ""), (r'"\u{110000}"', ""), (r'"\u{1234567}"', ""),
    (r'"\u0041"', "0041"), (r'"\u{}"', ""), (r'"\u{12"', ""), (r'"\x4 b"', " b"),
])
def test_malformed_escapes_are_e006_and_dropped(source, text):
    assert value_of(source) == ([text] if text else [])
    assert diagnostics(source) == [E006]


def test_e006_position_covers_the_escape():
    assert positions('  "ab\\u{D800}c"') == [("E006", 1, 6, 1, 14)]


def test_unterminated_string_is_e002_and_ends_at_end_of_line():
    result = lex_text('let s = "hello\nreturn 0\n')
    assert [(t.kind, t.text) for t in result.tokens[:5]] == [
        ("KEYWORD", "let"), (IDENT, "s"), ("OP", "="), (STRING, '"hello'), (NEWLINE, "")]
    assert result.tokens[3].value == ["hello"]
    assert [t.text for t in result.tokens[5:7]] == ["return", "0"]
    assert diagnostics('let s = "hello\n') == [E002]
    assert positions('let s = "hello\n') == [("E002", 1, 9, 1, 15)]


def test_escaped_quote_does_not_close():
    assert diagnostics('"abc\\"') == [E002]


# ----------------------------------------------------------------------------------------- interpolation


@pytest.mark.parametrize("source, parts", [
    ('"{x}"', ["{x}"]), ('"{ x }"', ["{x}"]), ('"{not done}"', ["{not done}"]), ('"{-1}"', ["{- 1}"]),
    ('"{(a)}"', ["{( a )}"]), ('"{[1]}"', ["{[ 1 ]}"]), ('"{_a}"', ["{_a}"]), ('"{1 + 2}"', ["{1 + 2}"]),
    ('"{\tx}"', ["{x}"]),
    ('"{}"', ["{}"]), ('"{ }"', ["{ }"]), ('"{.x}"', ["{.x}"]), ('"{"', ["{"]), ('"{\\"x\\"}"', ['{"x"}']),
    ('"\\{x}"', ["{x}"]),
])
def test_interpolation_detection(source, parts):
    assert value_of(source) == parts
    assert diagnostics(source) == []


def test_spec_interpolation_example():
    source = 'print("hello {who}, {1 + 2} items, {[1, "a"]} literal \\{x} and {} too")'
    string = lex_text(source).tokens[2]
    assert value_of(source[6:]) == ["hello ", "{who}", ", ", "{1 + 2}", " items, ", '{[ 1 , "a" ]}',
                                    " literal {x} and {} too"]
    assert string.kind == STRING and string.text == source[6:-1]


def test_interpolation_tokens_have_real_columns_and_end_with_eof():
    token = lex_text('  print("ab {n * 3} c")').tokens[3]
    interpolation = token.value[1]
    assert isinstance(interpolation, Interpolation)
    assert [(t.kind, t.text, t.span.line, t.span.column) for t in interpolation.tokens] == [
        ("IDENT", "n", 1, 14), ("OP", "*", 1, 16), ("INT", "3", 1, 18), (EOF, "", 1, 19)]
    assert (interpolation.span.column, interpolation.span.end_column) == (14, 19)


def test_nested_braces_and_strings_inside_an_interpolation():
    source = '"m: {f({"k": "}"}, "x")} end"'
    parts = value_of(source)
    assert parts == ["m: ", '{f ( { "k" : "}" } , "x" )}', " end"]
    assert diagnostics(source) == []


def test_string_with_interpolation_inside_an_interpolation():
    token = first_token('"a {upper("x" + who)} b"')
    inner = token.value[1].tokens
    assert [t.text for t in inner] == ["upper", "(", '"x"', "+", "who", ")", ""]
    assert inner[2].value == ["x"]


def test_nested_interpolation_in_inner_string():
    token = first_token('"{f("{y}")}"')
    inner_string = token.value[0].tokens[2]
    assert inner_string.kind == STRING
    assert [t.text for t in inner_string.value[0].tokens] == ["y", ""]
    assert inner_string.value[0].tokens[0].span.column == 7


def test_missing_closing_brace_is_e002():
    result = lex_text('let s = "a {b + 1"\nx\n')
    assert diagnostics('let s = "a {b + 1"\n') == [E002]
    assert result.tokens[3].kind == STRING and result.tokens[3].text == '"a {b + 1"'
    assert [t.text for t in result.tokens[4:6]] == ["", "x"]


def test_interpolation_errors_are_reported_with_file_positions():
    assert positions('"{a $ b}"') == [("E001", 1, 5, 1, 6)]


def test_interpolation_does_not_change_bracket_layout():
    text = 'f("{(}")\n  x\n'
    kinds = [t.kind for t in lex_text(text).tokens]
    assert "INDENT" in kinds


# ------------------------------------------------------------------------------------------ triple quoted


def test_triple_quoted_dedent_spec_example():
    source = 'let page = """\n    Dear {who},\n      thanks.\n    """\nx\n'
    result = lex_text(source)
    token = result.tokens[3]
    assert token.kind == STRING
    assert [p if isinstance(p, str) else "{}" for p in token.value] == ["Dear ", "{}", ",\n  thanks."]
    assert (token.span.line, token.span.column, token.span.end_line, token.span.end_column) == (1, 12, 4, 8)
    assert token.text == source[11:source.index('"""', 14) + 3]
    assert token.value[1].tokens[0].span.line == 2 and token.value[1].tokens[0].span.column == 11
    assert [t.kind for t in result.tokens[4:7]] == [NEWLINE, IDENT, NEWLINE]
    assert result.diagnostics == []


def test_triple_quoted_conformance_poem():
    source = 'let poem = """\n      roses are red\n        violets are blue\n      done\n      """\n'
    assert value_of(source[11:]) == ["roses are red\n  violets are blue\ndone"]


def test_triple_quoted_single_line_and_first_line_kept():
    assert value_of('"""single line"""') == ["single line"]
    assert value_of('"""first\n    second\n    """') == ["first\nsecond"]


def test_triple_quoted_whitespace_only_lines():
    source = '"""\n    a\n\n  \n      b\n    \n\n"""'
    assert value_of(source) == ["a\n\n\n  b"]


def test_triple_quoted_interpolation_counts_as_non_whitespace():
    source = '"""\n  {x}\n    y\n  """'
    assert value_of(source) == ["{x}", "\n  y"]


def test_triple_quoted_escapes_processed_after_dedent():
    assert value_of('"""\n    a\\tb\n    \\u{41}\n    """') == ["a\tb\nA"]
    assert positions('"""\n    \\xZ\n  """') == [("E006", 2, 5, 2, 7)]


def test_triple_quoted_may_contain_quotes_and_escaped_delimiter():
    assert value_of('"""say "hi" now"""') == ['say "hi" now']
    assert value_of('"""a \\""" b"""') == ['a """ b']


def test_unterminated_triple_quoted_runs_to_end_of_input():
    result = lex_text('let s = """\n  abc\n  def\n')
    assert diagnostics('let s = """\n  abc\n') == [E002]
    token = result.tokens[3]
    assert token.kind == STRING and token.value == ["abc\ndef"]
    assert [t.kind for t in result.tokens[4:]] == [NEWLINE, EOF]


def test_tokens_after_a_triple_quoted_string_continue_the_logical_line():
    result = lex_text('f("""\n  a\n  """, 2)\n')
    assert [t.text if t.kind != STRING else "S" for t in result.tokens] == ["f", "(", "S", ",", "2", ")", "", ""]
    assert result.tokens[3].span.line == 3


# ------------------------------------------------------------------------------------------ raw strings


def test_raw_strings_process_nothing():
    token = first_token(r'r"no \n escape and no {who} interpolation"')
    assert (token.kind, token.value) == (RAWSTRING, r"no \n escape and no {who} interpolation")
    assert value_of(r'r"C:\path\to\file"') == r"C:\path\to\file"
    assert value_of(r'r"\"') == "\\"


def test_raw_triple_quoted_is_dedented():
    source = 'r"""\n    line \\t one\n      line {two}\n    """'
    token = first_token(source)
    assert (token.kind, token.value) == (RAWSTRING, "line \\t one\n  line {two}")


def test_unterminated_raw_string():
    assert diagnostics('r"abc') == [E002]
    assert value_of('r"abc') == "abc"


def test_prefix_only_when_quote_follows_and_letter_does_not_continue_an_identifier():
    tokens = lex_text('expr"x" r "y" br"z"').tokens
    assert [(t.kind, t.text) for t in tokens[:6]] == [
        (IDENT, "expr"), (STRING, '"x"'), (IDENT, "r"), (STRING, '"y"'), (IDENT, "br"), (STRING, '"z"')]


# ------------------------------------------------------------------------------------------------ bytes


@pytest.mark.parametrize("source, value", [
    ('b"48656c6c6f"', b"Hello"), ('b""', b""), ('b"FFfe"', b"\xff\xfe"),
])
def test_bytes_literals(source, value):
    token = first_token(source)
    assert (token.kind, token.text, token.value) == (BYTES, source, value)
    assert diagnostics(source) == []


@pytest.mark.parametrize("source", ['b"4"', 'b"zz"', 'b"48 65"', 'b"0x48"', 'b"\\x48"', 'b"{x}"'])
def test_invalid_bytes_are_e005_and_empty(source):
    token = first_token(source)
    assert (token.kind, token.value) == (BYTES, b"")
    assert diagnostics(source) == [E005]
    assert positions(source) == [("E005", 1, 1, 1, len(source) + 1)]


def test_unterminated_bytes_is_e002():
    assert diagnostics('b"4865') == [E002]


def nested_strings(levels):
    text = "x"
    for _ in range(levels):
        text = '"{f(' + text + ')}"'
    return text


def test_deeply_nested_interpolations_are_cut_with_e016():
    assert lex_text(nested_strings(20)).diagnostics == []
    for levels in (60, 1000):
        result = lex_text("let a = " + nested_strings(levels))
        assert [d.code for d in result.diagnostics] == ["E016"]
        assert result.diagnostics[0].message == (
            "malformed string literal: interpolations are nested deeper than 50 levels")
        assert result.tokens[-1].kind == EOF
