"""The `cells=` hook of `check_program` (`CellCheckHook`): a caller takes over cell body checks only."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from lumen_kernel.checker import check_program
from lumen_kernel.program import load_program

SOURCE = """\
cell norm(x: Int, y: Int) -> Int = x * x + y * y
cell bad() -> Int = missing_name
cell main() = print(norm(1, 2))
"""


class Recording:
    """Delegates every body check to the checker and records the calls."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.began = 0

    def begin(self, info: Any) -> None:
        assert not self.calls
        self.began += 1

    def check_cell(self, module: Any, cell: Any, checker: Any) -> None:
        self.calls.append(cell.name)
        checker.check_cell(cell)


def test_delegating_hook_gives_the_full_result(tmp_path: Path) -> None:
    root = tmp_path / "main.lm"
    root.write_text(SOURCE, encoding="utf-8")
    full = check_program(load_program(root))
    hook = Recording()
    hooked = check_program(load_program(root), cells=hook)
    assert hook.began == 1
    assert hook.calls == ["norm", "bad", "main"]
    assert [(d.code, d.message, d.span.line) for d in hooked.all()] == \
        [(d.code, d.message, d.span.line) for d in full.all()]
    assert full.has_errors


def test_a_hook_can_skip_bodies(tmp_path: Path) -> None:
    root = tmp_path / "main.lm"
    root.write_text(SOURCE, encoding="utf-8")

    class Skipping(Recording):
        def check_cell(self, module: Any, cell: Any, checker: Any) -> None:
            self.calls.append(cell.name)

    result = check_program(load_program(root), cells=Skipping())
    assert not result.has_errors      # the only error is in a body
