"""Role text (LANGUAGE.md §2.7): inline and block forms, their end-of-text rules, and E013 for a missing `end`."""
from lumen_kernel.syntax.lexer import lex_text
from lumen_kernel.syntax.tokens import IDENT, ROLE, Interpolation, RoleText


def tokens(text):
    return [t for t in lex_text(text).tokens]


def shape(text):
    """Token texts; role tokens as ROLE(name|text) with interpolations as {tokens}."""
    out = []
    for token in lex_text(text).tokens:
        if token.kind == ROLE:
            parts = "".join(p if isinstance(p, str) else "{" + " ".join(t.text for t in p.tokens[:-1]) + "}"
                            for p in token.value.parts)
            out.append(f"ROLE({token.value.role}|{parts})")
        else:
            out.append(token.text or token.kind)
    return out


def test_inline_role_runs_to_end_of_line():
    assert shape("let m = role user: hi {who}, how are you?   \nx") == [
        "let", "m", "=", "ROLE(user|hi {who}, how are you?)", "NEWLINE", "x", "NEWLINE", "EOF"]


def test_role_token_value_and_span():
    token = tokens("  role system: be brief")[1]
    assert token.kind == ROLE and isinstance(token.value, RoleText)
    assert token.value.role == "system" and token.value.parts == ["be brief"]
    assert token.text == "role system: be brief"
    assert (token.span.column, token.span.end_column) == (3, 24)


def test_comments_quotes_and_apostrophes_are_text():
    assert shape("role user: it's \"fine\" # really") == ["ROLE(user|it's \"fine\" # really)", "NEWLINE", "EOF"]
    assert lex_text("role user: it's \"fine\" # really").diagnostics == []


def test_escaped_brace_is_a_literal_brace():
    assert shape("role user: a \\{b} c")[0] == "ROLE(user|a {b} c)"
    assert shape("role user: {} and { }")[0] == "ROLE(user|{} and { })"


def test_interpolation_positions():
    token = tokens("role user: hi {name}")[0]
    interpolation = token.value.parts[1]
    assert isinstance(interpolation, Interpolation)
    assert (interpolation.tokens[0].text, interpolation.tokens[0].span.column) == ("name", 16)


def test_standalone_end_closes_inline_text_and_is_consumed():
    assert shape("let q = role user: hi {who} end") == ["let", "q", "=", "ROLE(user|hi {who})", "NEWLINE", "EOF"]
    assert shape("f(role user: hi end, 2)") == ["f", "(", "ROLE(user|hi)", ",", "2", ")", "NEWLINE", "EOF"]
    assert tokens("let q = role user: hi end")[3].text == "role user: hi end"


def test_end_inside_a_word_or_inside_text_brackets_is_text():
    assert shape("role user: weekend ends endless")[0] == "ROLE(user|weekend ends endless)"
    assert shape("role user: (the end) and [end] ok")[0] == "ROLE(user|(the end) and [end] ok)"


def test_closing_bracket_opened_before_the_role_ends_the_text():
    assert shape("print(role user: hi (there))") == ["print", "(", "ROLE(user|hi (there))", ")", "NEWLINE", "EOF"]
    assert shape("print(role user:x)") == ["print", "(", "ROLE(user|x)", ")", "NEWLINE", "EOF"]


def test_closer_without_an_outer_bracket_is_text():
    assert shape("role user: a) b")[0] == "ROLE(user|a) b)"


def test_comma_ends_text_in_call_arguments_lists_and_maps():
    assert shape("f(role system: a, b)") == ["f", "(", "ROLE(system|a)", ",", "b", ")", "NEWLINE", "EOF"]
    assert shape("[role a: x, role b: y]") == ["[", "ROLE(a|x)", ",", "ROLE(b|y)", "]", "NEWLINE", "EOF"]
    assert shape('{"k": role a: x, "j": 1}')[:5] == ["{", '"k"', ":", "ROLE(a|x)", ","]


def test_comma_does_not_end_text_in_grouping_parentheses_or_at_top_level():
    assert shape("g((role system: a, b) + 1)")[:5] == ["g", "(", "(", "ROLE(system|a, b)", ")"]
    assert shape("role system: a, b")[0] == "ROLE(system|a, b)"


def test_comma_inside_text_brackets_does_not_end_text():
    assert shape("f(role u: pick (a, b), c)")[:4] == ["f", "(", "ROLE(u|pick (a, b))", ","]


def test_not_a_role_block():
    assert shape("role: x") == ["role", ":", "x", "NEWLINE", "EOF"]
    assert shape("role end: x")[:2] == ["role", "end"]
    assert shape("a.role x: y")[:3] == ["a", ".", "role"]
    assert [t.kind for t in tokens("role x")[:2]] == [IDENT, IDENT]


def test_role_inside_an_interpolation():
    token = tokens('"{role user: hi}"')[0]
    role = token.value[0].tokens[0]
    assert role.kind == ROLE and role.value.parts == ["hi"]


def test_block_form():
    text = ("  let p = role system:\n"
            "      You're \"good\" # not a comment\n"
            "        more {x}\n"
            "\n"
            "      last   \n"
            "  end\n"
            "  y\n")
    result = lex_text(text)
    assert shape(text)[:7] == ["INDENT", "let", "p", "=",
                               "ROLE(system|You're \"good\" # not a comment\n  more {x}\n\nlast)", "NEWLINE", "y"]
    role = result.tokens[4]
    assert (role.span.line, role.span.column, role.span.end_line, role.span.end_column) == (1, 11, 6, 6)
    assert role.text.endswith("  end") and role.text.startswith("role system:")
    assert role.value.parts[1].tokens[0].span.line == 3
    assert result.diagnostics == []


def test_block_form_end_may_be_followed_by_more_tokens():
    text = "f(role system:\n    hello\nend, 2)\nz\n"
    assert shape(text) == ["f", "(", "ROLE(system|hello)", ",", "2", ")", "NEWLINE", "z", "NEWLINE", "EOF"]


def test_block_form_without_end_is_e013_with_fix():
    text = "cell main()\n  let p = role system:\n    hello\n  print(p)\nend\n"
    result = lex_text(text)
    [diagnostic] = result.diagnostics
    assert diagnostic.code == "E013"
    assert diagnostic.message == "expected 'end' to close 'role' at line 2, col 11"
    assert diagnostic.help == ["add 'end' to close this block"]
    assert (diagnostic.span.line, diagnostic.span.column, diagnostic.span.end_column) == (4, 3, 11)
    [fix] = diagnostic.fixes
    [edit] = fix.edits
    assert fix.message == "insert `end`"
    assert (edit.span.line, edit.span.column, edit.span.end_line, edit.span.end_column, edit.text) == (
        4, 1, 4, 1, "  end\n")
    assert shape(text)[9:14] == ["ROLE(system|hello)", "NEWLINE", "print", "(", "p"]


def test_applying_the_e013_fix_removes_it():
    text = "let p = role system:\n    hello\nprint(p)\n"
    [diagnostic] = lex_text(text).diagnostics
    edit = diagnostic.fixes[0].edits[0]
    lines = text.split("\n")
    lines.insert(edit.span.line - 1, edit.text.rstrip("\n"))
    assert lex_text("\n".join(lines)).diagnostics == []


def test_block_form_without_end_at_end_of_input():
    result = lex_text("let p = role system:\n    hello")
    [diagnostic] = result.diagnostics
    assert diagnostic.code == "E013"
    edit = diagnostic.fixes[0].edits[0]
    assert (edit.span.line, edit.span.column, edit.text) == (2, 10, "\nend\n")
    assert [t.kind for t in result.tokens[-2:]] == ["NEWLINE", "EOF"]
    result = lex_text("let p = role system:\n    hello\n")
    edit = result.diagnostics[0].fixes[0].edits[0]
    assert (edit.span.line, edit.span.column, edit.text) == (3, 1, "end\n")
