"""`AnalysisSession.file_changed` without a server: a file changed on disk behind the session's caches (same
modification time and size) is read again once the session is told, and created files resolve imports."""
from __future__ import annotations

import os
from pathlib import Path

from lumen_kernel.analysis.session import AnalysisSession

MAIN = "import shapes: area\n\ncell main() -> Int\n  return area(2)\nend\n"
SHAPES = "cell area(n: Int) -> Int\n  return n * n\nend\n"


def codes(analysis) -> list[str]:
    return [d.code for d in analysis.diagnostics]


def rewrite_keeping_stamp(path: Path, text: str) -> None:
    stat = path.stat()
    assert len(text.encode("utf-8")) == stat.st_size
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_a_change_with_the_same_stamp_is_seen_once_reported(tmp_path: Path) -> None:
    main, shapes = tmp_path / "main.lm", tmp_path / "shapes.lm"
    shapes.write_text(SHAPES, encoding="utf-8")
    session = AnalysisSession()
    session.update(str(main), MAIN, 1)
    assert codes(session.analyse(str(main))) == []

    rewrite_keeping_stamp(shapes, SHAPES.replace("cell area(", "cell aria("))
    assert codes(session.analyse(str(main))) == []          # the caches cannot tell
    session.file_changed(str(shapes))
    assert "E099" in codes(session.analyse(str(main)))
    assert session.latest(str(main)).version == 1


def test_a_created_file_resolves_a_missing_import(tmp_path: Path) -> None:
    main, shapes = tmp_path / "main.lm", tmp_path / "shapes.lm"
    session = AnalysisSession()
    session.update(str(main), MAIN, 1)
    assert "E099" in codes(session.analyse(str(main)))

    shapes.write_text(SHAPES, encoding="utf-8")
    session.file_changed(str(shapes), structural=True)
    assert codes(session.analyse(str(main))) == []


def test_open_documents_are_not_forgotten(tmp_path: Path) -> None:
    main, shapes = tmp_path / "main.lm", tmp_path / "shapes.lm"
    shapes.write_text(SHAPES, encoding="utf-8")
    session = AnalysisSession()
    session.update(str(main), MAIN, 1)
    session.update(str(shapes), SHAPES, 1)
    first = session.analyse(str(main))
    session.file_changed(str(shapes))
    assert session.latest(str(main)) is first
