"""`lumen check` (TOOLING.md §2.2): text and JSON output, summary, exit codes, discovery, E000."""
from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from lumen_kernel.cli.commands.check import command, discover_sources

GOOD = "cell main() -> Int\n  return 1\nend\n"
BAD = "cell main() -> Int\n  return qqqq\nend\n"


def _run(args: list[str], cwd: Path):
    runner = CliRunner()
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(command, args)
    finally:
        os.chdir(previous)


def test_clean_file_exits_zero(tmp_path: Path) -> None:
    (tmp_path / "good.lm").write_text(GOOD)
    result = _run(["good.lm"], tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.strip() == "checked 1 file(s): 0 error(s), 0 warning(s)"


def test_errors_are_rendered_on_stdout(tmp_path: Path) -> None:
    (tmp_path / "bad.lm").write_text(BAD)
    result = _run(["bad.lm", "--format", "text"], tmp_path)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:5] == [
        "error[E041]: undefined variable 'qqqq'",
        " --> bad.lm:2:10",
        "  |",
        "2 |   return qqqq",
        "  |          ^^^^",
    ]
    assert "checked 1 file(s): 1 error(s), 0 warning(s)" in result.stderr


def test_json_document(tmp_path: Path) -> None:
    (tmp_path / "bad.lm").write_text(BAD)
    (tmp_path / "good.lm").write_text(GOOD)
    result = _run(["bad.lm", "good.lm", "--format", "json"], tmp_path)
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["summary"] == {"files": 2, "errors": 1, "warnings": 0}
    assert [f["path"] for f in document["files"]] == ["bad.lm", "good.lm"]
    diagnostic = document["files"][0]["diagnostics"][0]
    assert diagnostic["code"] == "E041" and diagnostic["line"] == 2 and diagnostic["column"] == 10
    assert diagnostic["fixes"] == [] and diagnostic["help"] == []


def test_unreadable_file_is_e000(tmp_path: Path) -> None:
    result = _run(["missing.lm"], tmp_path)
    assert result.exit_code == 1
    assert "error[E000]: cannot read 'missing.lm': No such file or directory" in result.stdout


def test_directories_are_walked(tmp_path: Path) -> None:
    (tmp_path / "src" / "b").mkdir(parents=True)
    (tmp_path / "src" / ".hidden").mkdir()
    (tmp_path / "src" / "dist").mkdir()
    (tmp_path / "src" / "a.lm.md").write_text("```lumen\n" + GOOD + "```\n")
    (tmp_path / "src" / "b" / "c.lm").write_text(GOOD)
    (tmp_path / "src" / "B.lm").write_text(GOOD)
    (tmp_path / "src" / "notes.md").write_text("not lumen")
    (tmp_path / "src" / ".hidden" / "x.lm").write_text(BAD)
    (tmp_path / "src" / "dist" / "y.lm").write_text(BAD)
    previous = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert discover_sources(["src"]) == ["src/B.lm", "src/a.lm.md", "src/b/c.lm"]
    finally:
        os.chdir(previous)
    result = _run(["src"], tmp_path)
    assert result.exit_code == 0
    assert "checked 3 file(s)" in result.stderr


def test_imported_module_errors_are_reported(tmp_path: Path) -> None:
    (tmp_path / "main.lm").write_text("import util: f\ncell main() -> Int = f(1)\n")
    (tmp_path / "util.lm").write_text("cell f(x: Int) -> Int = x + y\n")
    result = _run(["main.lm"], tmp_path)
    assert result.exit_code == 1
    assert "--> util.lm:1:29" in result.stdout


def test_syntax_errors_are_reported_and_stop_checking(tmp_path: Path) -> None:
    (tmp_path / "s.lm").write_text('cell main() -> Int\n  let s = "open\n  return nope\nend\n')
    result = _run(["s.lm"], tmp_path)
    assert result.exit_code == 1
    assert "E002" in result.stdout and "E041" not in result.stdout


def test_malformed_fixture_reports_independent_faults() -> None:
    root = Path(__file__).resolve().parents[2]
    fixture = root / "bench" / "fixtures" / "malformed.lm.md"
    if not fixture.is_file():
        return
    text = _run([str(fixture)], root)
    assert text.exit_code == 1
    assert text.stdout.count("error[") >= 3
    document = json.loads(_run([str(fixture), "--format", "json"], root).stdout)
    lines = [d["line"] for d in document["files"][0]["diagnostics"]]
    assert len(lines) >= 3 and len(set(lines)) == len(lines)
