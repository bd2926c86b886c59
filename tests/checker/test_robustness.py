"""The checker never raises: mutated programs (names swapped for other names and literals) check without error."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lumen_kernel.checker import check_program
from lumen_kernel.program import load_program

CORPUS = Path("/work/shared/conformance")
REPLACEMENTS = ["x", "xs", "main", "Red", "ok", "err", "self", "Point", "print", "len", "1", '"s"', "null", "[1]",
                "(1, 2)", "{}", "fn(a) => a", "3.5", "true", "Some", "T", "Int", "list[Int]"]
WORD = re.compile(r"(\b[A-Za-z_][A-Za-z0-9_]*\b|\d+)")


def _sources() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.name.endswith((".lm", ".lm.md"))) if CORPUS.is_dir() else []


@pytest.mark.skipif(not CORPUS.is_dir(), reason="conformance corpus not available")
@settings(max_examples=150, deadline=None)
@given(index=st.integers(min_value=0, max_value=10_000), seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_mutated_programs_never_crash_the_checker(index: int, seed: int) -> None:
    sources = _sources()
    path = sources[index % len(sources)]
    pieces = WORD.split(path.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    words = [i for i, piece in enumerate(pieces) if WORD.fullmatch(piece)]
    for position in rng.sample(words, k=min(3, len(words))):
        pieces[position] = rng.choice(REPLACEMENTS)
    program = load_program(str(path), text="".join(pieces))
    result = check_program(program)
    assert all(d.code and d.message for d in result.all())
