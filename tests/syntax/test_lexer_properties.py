"""Properties of the lexer on arbitrary input (§2.9, §7.4 rule 1), fast-path equivalence, and the conformance corpus."""
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lumen_kernel.source.model import read_source
from lumen_kernel.syntax import lexer as lexer_module
from lumen_kernel.syntax.lexer import lex, lex_text
from lumen_kernel.syntax.tokens import DEDENT, EOF, INDENT, ROLE, STRING, Interpolation

CONFORMANCE = Path("/work/shared/conformance")

LUMEN_ALPHABET = list("abcdenrlo_xu019 \t\n\"{}()[],:#\\.'=+-*/<>?|!@$`;~^&\u00e9\u4e2d")
LUMEN_WORDS = ["role", "end", "role user:", "role system:\n", "r\"", "b\"", "\"\"\"", "{x}", "\\u{41}", "\\x4",
               "0x", "1.5e3", "t.0.1", "..=", "?[", "  ", "\n  ", "\n    ", "\n\t", "if x\n", "# c\n", "\\\n"]

lumenish_text = st.lists(st.one_of(st.sampled_from(LUMEN_ALPHABET), st.sampled_from(LUMEN_WORDS)),
                         max_size=80).map("".join)
any_text = st.one_of(lumenish_text, st.text(max_size=120))


def check_stream(tokens, fragment=False):
    """The stream ends with EOF (only there), INDENT/DEDENT balance, interpolations are well formed."""
    assert tokens and tokens[-1].kind == EOF
    assert all(t.kind != EOF for t in tokens[:-1])
    depth = 0
    for token in tokens:
        if token.kind == INDENT:
            depth += 1
        elif token.kind == DEDENT:
            depth -= 1
            assert depth >= 0
        if fragment:
            assert token.kind not in ("NEWLINE", INDENT, DEDENT)
        parts = token.value.parts if token.kind == ROLE else token.value if token.kind == STRING else []
        for part in parts:
            if isinstance(part, Interpolation):
                check_stream(part.tokens, fragment=True)
            else:
                assert isinstance(part, str) and part
    assert depth == 0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_lexing_never_raises_and_stream_is_well_formed(text):
    result = lex_text(text)
    check_stream(result.tokens)
    line_count = len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    for diagnostic in result.diagnostics:
        assert diagnostic.code in {"E001", "E002", "E003", "E004", "E005", "E006", "E013", "E016"}
        assert 1 <= diagnostic.span.line <= line_count


@settings(max_examples=100, deadline=None)
@given(any_text)
def test_markdown_lexing_never_raises(text):
    check_stream(lex_text("```lumen\n" + text, "x.lm.md").tokens)


FAST_ALPHABET = list("abcdex_019 \t.,:()[]{}?!+-*/%=<>|&^~@;#") + ["end", "if", "0x", "0o", "0b", "1e5", "..",
                                                                    "\n", "\n  ", "9" * 20, "e"]


def lex_slow(text):
    """Lex with the fast path for simple lines switched off."""
    original = lexer_module._Lexer._fast_line
    lexer_module._Lexer._fast_line = lambda self, index, line, width: None
    try:
        return lex_text(text)
    finally:
        lexer_module._Lexer._fast_line = original


def comparable(result):
    return ([(t.kind, t.text, t.value, t.span, t.start_of_line, t.indent, t.space_before) for t in result.tokens],
            [(d.code, d.message, d.span) for d in result.diagnostics])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FAST_ALPHABET), max_size=60).map("".join))
def test_fast_path_gives_the_same_tokens_as_the_full_scanner(text):
    assert comparable(lex_text(text)) == comparable(lex_slow(text))


def test_fast_path_gives_the_same_tokens_on_the_conformance_corpus():
    for path in sorted(CONFORMANCE.rglob("*.lm*")):
        source = read_source(path)
        fast = lex(source)
        original = lexer_module._Lexer._fast_line
        lexer_module._Lexer._fast_line = lambda self, index, line, width: None
        try:
            slow = lex(source)
        finally:
            lexer_module._Lexer._fast_line = original
        assert comparable(fast) == comparable(slow), path


def lexical_codes_expected(path: Path) -> list[str]:
    """Lexical codes (E001-E006) listed in a case's `.err` file."""
    err = path.parent / (path.name.split(".")[0] + ".err")
    if not err.exists():
        return []
    return [line.strip() for line in err.read_text().splitlines() if line.strip() in
            {"E001", "E002", "E003", "E004", "E005", "E006"}]


@pytest.mark.skipif(not CONFORMANCE.exists(), reason="conformance corpus not available")
def test_conformance_files_lex_with_exactly_their_expected_lexical_errors():
    files = sorted(CONFORMANCE.rglob("*.lm")) + sorted(CONFORMANCE.rglob("*.lm.md"))
    assert files
    for path in files:
        result = lex(read_source(path))
        check_stream(result.tokens)
        assert sorted({d.code for d in result.diagnostics}) == sorted(set(lexical_codes_expected(path))), path


def test_unterminated_string_case_reports_e002_at_its_line():
    path = CONFORMANCE / "diagnostics" / "unterminated_string.lm.md"
    if not path.exists():
        pytest.skip("conformance corpus not available")
    [diagnostic] = lex(read_source(path)).diagnostics
    assert (diagnostic.code, diagnostic.message, diagnostic.span.line, diagnostic.span.column) == (
        "E002", "unterminated string literal", 6, 18)
