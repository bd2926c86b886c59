"""Fixtures for checker tests: check source text written to a temporary file (raw `.lm` by default)."""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Callable, Optional

import pytest

from lumen_kernel.checker import CheckResult, check_program
from lumen_kernel.diagnostics.model import Diagnostic
from lumen_kernel.program import load_program


class Checked:
    """The result of checking one root file: its diagnostics and helpers to look at them."""

    def __init__(self, path: Path, result: CheckResult, program) -> None:
        self.path = path
        self.result = result
        self.program = program
        self.diagnostics: list[Diagnostic] = result.diagnostics.get(str(path), [])

    @property
    def codes(self) -> list[str]:
        return [d.code for d in self.diagnostics]

    @property
    def messages(self) -> list[str]:
        return [d.message for d in self.diagnostics]

    def pairs(self) -> list[tuple[str, str]]:
        return [(d.code, d.message) for d in self.diagnostics]

    def one(self, code: Optional[str] = None) -> Diagnostic:
        matching = [d for d in self.diagnostics if code is None or d.code == code]
        assert len(matching) == 1, self.pairs()
        return matching[0]

    def assert_clean(self) -> None:
        assert self.diagnostics == [], self.pairs()


@pytest.fixture
def check(tmp_path: Path) -> Callable[..., Checked]:
    """`check(source, name="main.lm", extra={"util.lm": "..."})` -> Checked (source is dedented)."""

    def run(source: str, name: str = "main.lm", extra: Optional[dict[str, str]] = None) -> Checked:
        for other, text in (extra or {}).items():
            target = tmp_path / other
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        path = tmp_path / name
        path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
        program = load_program(str(path))
        return Checked(path, check_program(program), program)

    return run
