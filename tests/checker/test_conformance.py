"""The conformance corpus: diagnostics cases give their expected codes and messages; every other file checks clean."""
from __future__ import annotations

from pathlib import Path

import pytest

from lumen_kernel.checker import check_program
from lumen_kernel.diagnostics.render import render_diagnostics
from lumen_kernel.program import load_program

CORPUS = Path("/work/shared/conformance")

# Cases whose expected failure is an import error reported by the loader (their `.err` lists it).
IMPORT_ERROR_CASES = {"modules/import_cycle", "modules/import_errors"}
# Helper modules that import each other: checked as a root, either reports the cycle.
CYCLE_HELPERS = {"modules/cycle_a", "modules/cycle_b"}


def _sources() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.name.endswith((".lm", ".lm.md")))


def _case_name(path: Path) -> str:
    relative = path.relative_to(CORPUS).as_posix()
    return relative[: -len(".lm.md")] if relative.endswith(".lm.md") else relative[: -len(".lm")]


def _check(path: Path):
    program = load_program(str(path))
    result = check_program(program)
    sources = {module.path: module.source.lines for module in program.modules}
    return result, render_diagnostics(result.all(), sources)


EXPECTED_FAILURES = [p for p in _sources() if p.parent.name == "diagnostics" or _case_name(p) in IMPORT_ERROR_CASES]
CLEAN = [p for p in _sources() if p not in EXPECTED_FAILURES and _case_name(p) not in CYCLE_HELPERS]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="conformance corpus not available")
@pytest.mark.parametrize("path", CLEAN, ids=_case_name)
def test_conformance_file_checks_clean(path: Path) -> None:
    result, text = _check(path)
    assert not result.all(), text


@pytest.mark.skipif(not CORPUS.is_dir(), reason="conformance corpus not available")
@pytest.mark.parametrize("path", EXPECTED_FAILURES, ids=_case_name)
def test_diagnostics_case_reports_expected_lines(path: Path) -> None:
    result, text = _check(path)
    expected = path.with_name(_case_name(path).split("/")[-1] + ".err").read_text(encoding="utf-8")
    assert result.has_errors
    # `.err` lines are substrings of stderr, which shows paths as given on the command line (the bare file name).
    text = text.replace(str(path.parent) + "/", "")
    for line in filter(None, (raw.strip() for raw in expected.splitlines())):
        assert line in text, f"missing {line!r} in:\n{text}"
