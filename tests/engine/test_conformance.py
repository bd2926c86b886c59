"""The whole conformance corpus through its own runner (`/work/shared/conformance/run.py`) and `lumen run`.

Cases in `diagnostics/` depend on the checker (another engineer's part) and `effects_tools/` on the tool dispatcher
and the standard providers of lumen-tools-std (another engineer's part); they are checked in their own test so that
an engine failure and a failure of those parts are told apart.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path("/work/shared/conformance")
DEPENDS_ON_OTHER_PARTS = {
    "diagnostics/": "the checker (lumen_kernel.checker)",
    "effects_tools/": "the tool dispatcher and the lumen-tools-std providers",
}


def run_corpus(engine, filters: list[str]) -> tuple[int, list[str], str]:
    command = [sys.executable, str(CORPUS / "run.py"), "--lumen", f"{engine.repo / '.venv/bin/lumen'} run",
               "--jobs", "2", "-q"]
    for item in filters:
        command += ["-k", item]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    failed = re.findall(r"^FAIL (\S+)", done.stdout, re.MULTILINE)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    return done.returncode, failed, summary + "\n" + done.stdout[-3000:]


pytestmark = [pytest.mark.slow, pytest.mark.skipif(not CORPUS.is_dir(), reason="conformance corpus not present")]


def test_engine_areas_pass(engine) -> None:
    areas = sorted(p.name + "/" for p in CORPUS.iterdir() if p.is_dir() and p.name + "/" not in DEPENDS_ON_OTHER_PARTS)
    code, failed, report = run_corpus(engine, areas)
    assert failed == [], report
    assert code == 0, report


@pytest.mark.parametrize("area", sorted(DEPENDS_ON_OTHER_PARTS))
def test_areas_needing_other_parts_pass(engine, area: str) -> None:
    code, failed, report = run_corpus(engine, [area])
    assert failed == [], f"needs {DEPENDS_ON_OTHER_PARTS[area]}:\n{report}"
    assert code == 0, report
