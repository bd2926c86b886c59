"""The `read_module` seam of the program loader (`lumen_kernel.program.Loader`): a subclass changes how a file is
read, while import resolution, cycle detection and import diagnostics stay the kernel's."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from lumen_kernel.program import LoadedModule, Loader, load_program
from lumen_kernel.program.loader import file_key


class OverlayLoader(Loader):
    """Reads some files from memory instead of the disk; records what it read."""

    def __init__(self, overlay: dict[str, str]) -> None:
        super().__init__()
        self.overlay = overlay
        self.reads: list[str] = []

    def read_module(self, path: str, name: Optional[str], text: Optional[str]) -> LoadedModule:
        self.reads.append(path)
        if text is None:
            text = self.overlay.get(file_key(path))
        return super().read_module(path, name, text)


def test_overlay_text_is_used_for_imports(tmp_path: Path) -> None:
    (tmp_path / "lib.lm").write_text("cell old() = 1\n", encoding="utf-8")
    root = tmp_path / "main.lm"
    root.write_text("import lib: fresh\ncell main() = fresh()\n", encoding="utf-8")
    assert "imported symbol 'fresh'" in load_program(root).import_diagnostics[str(root)][0].message
    loader = OverlayLoader({file_key(str(tmp_path / "lib.lm")): "cell fresh() = 2\n"})
    program = loader.load_root(str(root), None)
    assert not program.import_diagnostics
    assert [m.name for m in program.modules] == ["lib", "main"]
    assert loader.reads == [str(root), str(tmp_path / "lib.lm")]


def test_cycles_and_unreadable_files_are_reported_through_the_seam(tmp_path: Path) -> None:
    root = tmp_path / "main.lm"
    root.write_text("import a: x\ncell main() = x()\n", encoding="utf-8")
    (tmp_path / "a.lm").write_text("cell x() = 1\n", encoding="utf-8")
    loader = OverlayLoader({file_key(str(tmp_path / "a.lm")): "import main: main\ncell x() = 1\n"})
    program = loader.load_root(str(root), None)
    messages = [d.message for diags in program.import_diagnostics.values() for d in diags]
    assert any("circular import detected" in message for message in messages)
    missing = load_program(tmp_path / "missing.lm")
    assert [d.code for d in missing.root.syntax_diagnostics] == ["E000"]
    assert missing.root.name == "missing"
