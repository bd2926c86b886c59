"""`lumen fmt` on the command line (TOOLING.md §2.6): in place, `--check`, `-`, errors and exit codes."""
from __future__ import annotations

from pathlib import Path

from lumen_kernel.testing import run_cli

MESSY = "cell  f( x:Int )->Int\n    return x*2\nend\n"
TIDY = "cell f(x: Int) -> Int\n  return x * 2\nend\n"


def test_formats_files_in_place_and_reports_them(tmp_path: Path) -> None:
    messy = tmp_path / "a.lm"
    tidy = tmp_path / "b.lm"
    messy.write_text(MESSY)
    tidy.write_text(TIDY)
    result = run_cli(["fmt", str(messy), str(tidy)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == f"reformatted {messy}\n"
    assert messy.read_text() == TIDY
    assert tidy.read_text() == TIDY


def test_directories_are_walked_for_raw_and_markdown_sources(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "one.lm").write_text(MESSY)
    (tmp_path / "doc.lm.md").write_text("# Doc\n\n```lumen\nlet  x=1\n```\n")
    (tmp_path / "notes.md").write_text("```lumen\nlet  x=1\n```\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "skip.lm").write_text(MESSY)
    result = run_cli(["fmt", str(tmp_path)])
    assert result.exit_code == 0
    assert (tmp_path / "doc.lm.md").read_text() == "# Doc\n\n```lumen\nlet x = 1\n```\n"
    assert (tmp_path / "src" / "one.lm").read_text() == TIDY
    assert (tmp_path / "notes.md").read_text() == "```lumen\nlet  x=1\n```\n"
    assert (tmp_path / ".hidden" / "skip.lm").read_text() == MESSY


def test_check_lists_files_and_writes_nothing(tmp_path: Path) -> None:
    messy = tmp_path / "a.lm"
    messy.write_text(MESSY)
    (tmp_path / "b.lm").write_text(TIDY)
    result = run_cli(["fmt", "--check", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout == f"would reformat {messy}\n"
    assert messy.read_text() == MESSY
    messy.write_text(TIDY)
    clean = run_cli(["fmt", "--check", str(tmp_path)])
    assert (clean.exit_code, clean.stdout) == (0, "")


def test_unparsable_files_are_left_unchanged(tmp_path: Path) -> None:
    bad = tmp_path / "bad.lm.md"
    text = "Prose\n\n```lumen\ncell first(count Int) -> Int\n  let = 5\nend\n```\n"
    bad.write_text(text)
    good = tmp_path / "good.lm"
    good.write_text(MESSY)
    result = run_cli(["fmt", str(tmp_path)])
    assert result.exit_code == 1
    assert f"error: {bad}: cannot format: 2 syntax error(s)\n" in result.stderr
    assert bad.read_text() == text
    assert good.read_text() == TIDY


def test_stdin_is_filtered_to_stdout() -> None:
    result = run_cli(["fmt", "-"], stdin=MESSY)
    assert (result.exit_code, result.stdout, result.stderr) == (0, TIDY, "")
    broken = run_cli(["fmt", "-"], stdin="let x =\n")
    assert broken.exit_code == 1
    assert broken.stdout == "let x =\n"
    assert "error: <stdin>: cannot format: 1 syntax error(s)" in broken.stderr
    checked = run_cli(["fmt", "--check", "-"], stdin=MESSY)
    assert (checked.exit_code, checked.stdout) == (1, "would reformat <stdin>\n")


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run_cli(["fmt"]).exit_code == 2
    assert run_cli(["fmt", "-", str(tmp_path)]).exit_code == 2


def test_crlf_files_are_rewritten_with_lf(tmp_path: Path) -> None:
    path = tmp_path / "a.lm"
    path.write_bytes(TIDY.replace("\n", "\r\n").encode())
    assert run_cli(["fmt", str(path)]).exit_code == 0
    assert path.read_bytes() == TIDY.encode()


def test_unreadable_file_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.lm"
    result = run_cli(["fmt", str(missing)])
    assert result.exit_code == 1
    assert f"error: {missing}: cannot read" in result.stderr


def test_an_unprovable_result_is_an_internal_error_and_nothing_is_written(tmp_path: Path, monkeypatch) -> None:
    from lumen_kernel.tooling.format import formatter

    def broken_rewrite(plan):
        return [line.replace("x * 2", "x * 3") for line in TIDY.rstrip("\n").split("\n")]

    monkeypatch.setattr(formatter, "rewrite", broken_rewrite)
    path = tmp_path / "a.lm"
    path.write_text(MESSY)
    result = run_cli(["fmt", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {path}: internal formatter error: ")
    assert "file left unchanged" in result.stderr
    assert path.read_text() == MESSY
