"""Every file of the conformance corpus parses: cases without expected syntax errors give no diagnostic, and cases
whose expected errors are lexical or parse errors give exactly those codes at those positions (and messages)."""
import re
from pathlib import Path

import pytest

from lumen_kernel.source.model import read_source
from lumen_kernel.syntax import ast, parse_source

CONFORMANCE = Path("/work/shared/conformance")
SOURCES = sorted(list(CONFORMANCE.rglob("*.lm.md")) + list(CONFORMANCE.rglob("*.lm")))
SYNTAX_CODE = re.compile(r"^E0[01]\d$")
POSITION = re.compile(r"^(?P<file>\S+\.lm(?:\.md)?):(?P<line>\d+):(?P<column>\d+)$")


def expected_errors(path: Path) -> list[str]:
    """The non-blank lines of the case's `.err` file (empty when there is none)."""
    err = path.parent / (path.name.removesuffix(".md").removesuffix(".lm") + ".err")
    if not err.exists():
        return []
    return [line.strip() for line in err.read_text().splitlines() if line.strip()]


def case_id(path: Path) -> str:
    return str(path.relative_to(CONFORMANCE))


pytestmark = pytest.mark.skipif(not CONFORMANCE.exists(), reason="conformance corpus not available")


@pytest.mark.parametrize("path", SOURCES, ids=case_id)
def test_conformance_file_parses(path: Path):
    result = parse_source(read_source(path))
    assert isinstance(result.module, ast.Module)
    expected = expected_errors(path)
    syntax_codes = {line for line in expected if SYNTAX_CODE.match(line)}
    found = [(d.code, d.span.line, d.span.column, d.message) for d in result.diagnostics]
    if not syntax_codes:
        assert found == []
        return
    assert {code for code, _, _, _ in found} == syntax_codes, found
    positions = {(line, column) for _, line, column, _ in found}
    for line in expected:
        match = POSITION.match(line)
        if match:
            assert (int(match["line"]), int(match["column"])) in positions, (line, found)
    messages = " | ".join(message for _, _, _, message in found)
    for line in expected:
        if not SYNTAX_CODE.match(line) and not POSITION.match(line):
            assert line in messages, (line, found)


def test_several_parse_errors_exactly():
    path = CONFORMANCE / "diagnostics" / "several_parse_errors.lm.md"
    result = parse_source(read_source(path))
    assert [(d.code, d.span.line, d.span.column) for d in result.diagnostics] == [
        ("E010", 4, 18), ("E010", 9, 7), ("E010", 14, 11)]
