"""`lumen fmt` over every file of the conformance corpus (TOOLING.md §8 item 21).

For each source: formatting is idempotent, keeps every comment and the AST, or refuses a file with syntax errors
and leaves it unchanged. Then the whole corpus is copied, formatted with `lumen fmt DIR`, and every case whose text
changed is run before and after under `lumen run` (subprocesses, two at a time): same stdout, same exit status.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from lumen_kernel.source.model import load_source
from lumen_kernel.syntax import parse_source
from lumen_kernel.syntax.lexer import lex
from lumen_kernel.testing import run_cli
from lumen_kernel.tooling.comments import find_comments
from lumen_kernel.tooling.format import CannotFormat, format_text

CORPUS = Path("/work/shared/conformance")
SOURCES = sorted(p for p in CORPUS.rglob("*") if p.name.endswith((".lm", ".lm.md"))) if CORPUS.is_dir() else []

pytestmark = pytest.mark.skipif(not SOURCES, reason="conformance corpus not available")


def _comments(text: str, path: str) -> list[tuple[str, bool]]:
    source = load_source(path, text)
    return [(c.text, c.trailing) for c in find_comments(lex(source).tokens, source.program.split("\n"))]


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(CORPUS)) for p in SOURCES])
def test_formatting_is_idempotent_and_keeps_comments_and_meaning(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    original = parse_source(load_source(str(path), text))
    try:
        formatted = format_text(text, str(path))
    except CannotFormat as refused:
        errors = [d for d in original.diagnostics if d.is_error]
        assert errors and refused.count == len(errors)
        return
    assert format_text(formatted, str(path)) == formatted
    assert _comments(formatted, str(path)) == _comments(text, str(path))
    assert parse_source(load_source(str(path), formatted)).module == original.module


def _is_case(source: Path) -> bool:
    """A conformance case is a source with a sibling `NAME.out` (other sources are imported modules)."""
    name = source.name.removesuffix(".md").removesuffix(".lm")
    return (source.parent / f"{name}.out").exists()


def _run(case: Path) -> tuple[int, str]:
    completed = subprocess.run([sys.executable, "-m", "lumen_kernel", "run", case.name], cwd=case.parent,
                               stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
                               env={**os.environ, "NO_COLOR": "1"})
    return completed.returncode, completed.stdout


@pytest.mark.slow
def test_formatted_corpus_behaves_like_the_original(tmp_path: Path) -> None:
    copy = tmp_path / "conformance"
    shutil.copytree(CORPUS, copy)
    result = run_cli(["fmt", str(copy)])
    assert result.exit_code == 1  # the three cases with syntax errors are refused ...
    assert result.stderr.count("cannot format") == 3, result.stderr
    assert "internal formatter error" not in result.stderr
    assert run_cli(["fmt", "--check", str(copy)]).stdout == ""  # ... and everything else is formatted
    cases = []
    for source in SOURCES:
        relative = source.relative_to(CORPUS)
        if not _is_case(source):
            continue
        formatted = copy / relative
        if formatted.read_bytes() != source.read_bytes():
            cases.append((source, formatted))
        else:
            helpers = [p for p in SOURCES if p.is_relative_to(source.parent) and not _is_case(p)]
            if any((copy / p.relative_to(CORPUS)).read_bytes() != p.read_bytes() for p in helpers):
                cases.append((source, formatted))  # a module it may import changed
    assert cases, "formatting changed no runnable case"
    with ThreadPoolExecutor(max_workers=2) as pool:
        before = list(pool.map(_run, [original for original, _ in cases]))
        after = list(pool.map(_run, [formatted for _, formatted in cases]))
    for (original, _), old, new in zip(cases, before, after):
        assert new == old, f"{original.relative_to(CORPUS)} behaves differently after formatting"
