"""Properties of the parser on arbitrary input (LANGUAGE.md §7.4 rule 9): it never raises, always terminates within
a bounded time, never reports two diagnostics at one position, reports every diagnostic with a position, and fills
the span of every node. Inputs: random Lumen-like text, token shuffles and deletions of corpus programs, random
bytes, and deep nesting."""
from __future__ import annotations

import signal
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lumen_kernel.diagnostics.model import NO_SPAN
from lumen_kernel.source.model import load_source
from lumen_kernel.syntax import ast, parse_source
from lumen_kernel.syntax.lexer import lex_text

CONFORMANCE = Path("/work/shared/conformance")
CORPUS = [path.read_text() for path in sorted(CONFORMANCE.rglob("*.lm.md"))][:40] if CONFORMANCE.exists() else []
CORPUS = CORPUS or ["cell main() -> Int\n  let x = [1, 2]\n  return x[0]\nend\n"]
TIME_LIMIT_SECONDS = 10

ALPHABET = list("abcdexyz_019 \t\n\"{}()[],:#\\.'=+-*/<>?|!@~^&")
WORDS = ["cell ", "end", "let ", "if ", "else", "then", "for ", " in ", "while ", "loop", "match ", " -> ", "=> ",
         "fn(", "return ", "record ", "enum ", "agent ", "machine ", "state ", "pipeline ", "stages:", "grant ",
         "use tool ", " as ", "import ", "@", "role user: ", "\"{x}\"", "\"\"\"", "..", "..=", "step ", "...",
         "?.", "?[", "|>", "??", "expect schema ", "await ", "parallel", "async", "try ", "set[", "{", "}",
         "\n  ", "\n    ", "\n", "(", ")", "[", "]", ",", "x", "Int", "1", "-1", "not ", "and ", "or ", "with ",
         "approve ", "where ", "type ", "trait ", "impl ", "const ", "effect ", "handler ", "handle "]

lumen_text = st.lists(st.one_of(st.sampled_from(ALPHABET), st.sampled_from(WORDS)), max_size=120).map("".join)


class ParserTimeout(Exception):
    """The parser did not finish within the time limit."""


@contextmanager
def time_limit(seconds: int):
    """Fail the example if parsing takes longer than `seconds` (guards against non-termination)."""
    def on_alarm(signum, frame):
        raise ParserTimeout(f"parsing took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check(text: str, path: str = "p.lm") -> None:
    """Parse `text` and check the invariants."""
    with time_limit(TIME_LIMIT_SECONDS):
        result = parse_source(load_source(path, text))
    assert isinstance(result.module, ast.Module)
    positions = [(d.span.line, d.span.column) for d in result.diagnostics]
    assert all(d.span is not None for d in result.diagnostics)
    assert len(positions) == len(set(positions))
    assert positions == sorted(positions)
    for node in ast.walk(result.module):
        assert node.span is not NO_SPAN and node.span.line > 0, node
    if not result.diagnostics:
        for node in ast.walk(result.module):
            assert isinstance(node, ast.Node)


def shuffle_tokens(text: str, data) -> str:
    """The corpus program with a window of its token texts shuffled, joined with single spaces per line."""
    tokens = [t for t in lex_text(text, "p.lm.md").tokens if t.text]
    if not tokens:
        return text
    start = data.draw(st.integers(0, len(tokens) - 1))
    width = data.draw(st.integers(1, 12))
    window = tokens[start:start + width]
    order = data.draw(st.permutations(list(range(len(window)))))
    shuffled = tokens[:start] + [window[i] for i in order] + tokens[start + width:]
    lines: dict[int, list[str]] = {}
    for tok in shuffled:
        lines.setdefault(tok.span.line, []).append(tok.text)
    indent = {tok.span.line: " " * (tok.indent) for tok in tokens}
    return "\n".join(indent.get(line, "") + " ".join(parts) for line, parts in sorted(lines.items()))


FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(lumen_text)
def test_random_lumen_text(text):
    check(text)


@FAST
@given(st.text(max_size=200))
def test_random_unicode_text(text):
    check(text)


@FAST
@given(st.binary(max_size=300))
def test_random_bytes(data):
    check(data.decode("utf-8", errors="replace"))


@FAST
@given(st.data())
def test_token_shuffles_of_corpus_programs(data):
    text = data.draw(st.sampled_from(CORPUS))
    check(shuffle_tokens(text, data), "p.lm")


@FAST
@given(st.data())
def test_deletions_in_corpus_programs(data):
    text = data.draw(st.sampled_from(CORPUS))
    for _ in range(data.draw(st.integers(1, 4))):
        if not text:
            break
        start = data.draw(st.integers(0, len(text) - 1))
        length = data.draw(st.integers(1, 30))
        text = text[:start] + text[start + length:]
    check(text, "p.lm.md")


@FAST
@given(st.data())
def test_line_deletions_and_duplications(data):
    lines = data.draw(st.sampled_from(CORPUS)).split("\n")
    for _ in range(data.draw(st.integers(1, 5))):
        index = data.draw(st.integers(0, len(lines) - 1))
        if data.draw(st.booleans()):
            del lines[index]
        else:
            lines.insert(index, lines[index])
        if not lines:
            lines = [""]
    check("\n".join(lines), "p.lm.md")


NESTING = ["({}", "[{}", "{{{}", "-{}", "not {}", "f({}", "fn() => {}", "[x for x in {}", "\"{{{}}}\"",
           "if c then {} else", "await {}", "try {}", "x |> {}"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(NESTING), min_size=1, max_size=4), st.integers(1, 1500), st.booleans())
def test_deep_expression_nesting(parts, depth, close):
    text = "1"
    closers = {"(": ")", "[": "]", "{": "}"}
    for i in range(depth):
        pattern = parts[i % len(parts)]
        text = pattern.format(text) if "{}" in pattern else pattern + text
        if close and pattern[0] in closers and "{}" in pattern:
            text += closers[pattern[0]]
    check("let v = " + text + "\nprint(v)\n")


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 600), st.sampled_from(["if x", "for x in xs", "while x", "loop", "match x\n  1 ->",
                                             "let f = fn()", "async"]),
       st.booleans())
def test_deep_block_nesting(depth, opener, with_ends):
    lines = []
    for level in range(depth):
        lines.append("  " * level + opener)
    lines.append("  " * depth + "print(1)")
    if with_ends:
        for level in reversed(range(depth)):
            lines.append("  " * level + "end")
    check("\n".join(lines) + "\n")


@pytest.mark.slow
@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(lumen_text, st.text(max_size=400), st.binary(max_size=400).map(
    lambda b: b.decode("utf-8", errors="replace"))))
def test_random_input_large_run(text):
    check(text)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_corpus_mutations_large_run(data):
    text = data.draw(st.sampled_from(CORPUS))
    if data.draw(st.booleans()):
        text = shuffle_tokens(text, data)
    for _ in range(data.draw(st.integers(0, 6))):
        if not text:
            break
        start = data.draw(st.integers(0, len(text) - 1))
        text = text[:start] + data.draw(st.sampled_from(WORDS + ALPHABET + [""])) + text[start + 3:]
    check(text, data.draw(st.sampled_from(["p.lm", "p.lm.md"])))
