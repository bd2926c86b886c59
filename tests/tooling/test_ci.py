"""`lumen ci` (TOOLING.md §2.5, acceptance item 20): the bitmask gate, its status lines and exit codes."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lumen_kernel.testing import run_cli

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ci"
PARTS = FIXTURES / "parts"


def compose(directory: Path, *parts: str, manifest: str = "") -> Path:
    """A project in `directory` made of fixture parts (`tests/fixtures/ci/parts/<part>.lm`) and a lumen.toml."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "lumen.toml").write_text(manifest, encoding="utf-8")
    for part in parts:
        shutil.copy(PARTS / f"{part}.lm", directory / f"{part}.lm")
    return directory


def stage_lines(stderr: str) -> dict[str, str]:
    """`{stage: "ok" | "FAILED"}` from the `ci: <stage> …` lines."""
    found = {}
    for line in stderr.splitlines():
        if line.startswith("ci: "):
            _, stage, status = line.split(" ", 3)[:3]
            found[stage] = status
    return found


@pytest.mark.parametrize(("parts", "code", "failed"), [
    (("clean_lib", "clean_lib_test"), 0, []),
    (("clean_lib", "clean_lib_test", "unused_variable"), 0, []),
    (("clean_lib", "type_error"), 1, ["check"]),
    (("clean_lib", "unreachable"), 2, ["lint"]),
    (("clean_lib", "failing_test"), 4, ["test"]),
    (("type_error", "unreachable"), 3, ["check", "lint"]),
    (("type_error", "failing_test"), 5, ["check", "test"]),
    (("unreachable", "failing_test"), 6, ["lint", "test"]),
    (("type_error", "unreachable", "failing_test"), 7, ["check", "lint", "test"]),
    (("clean_lib", "syntax_error"), 15, ["check", "lint", "test", "doc"]),
])
def test_exit_code_is_the_or_of_failed_stages(tmp_path: Path, parts: tuple[str, ...], code: int,
                                              failed: list[str]) -> None:
    project = compose(tmp_path / "project", *parts)
    result = run_cli(["ci", str(project)])
    assert result.exit_code == code, result.stdout + result.stderr
    stages = stage_lines(result.stderr)
    assert list(stages) == ["input", "check", "lint", "test", "doc"]
    assert [stage for stage, status in stages.items() if status == "FAILED"] == failed
    last = result.stderr.splitlines()[-1]
    if failed:
        assert last == f"quality gate failed: {', '.join(failed)} (exit {code})"
    else:
        assert last == "quality gate passed"


def test_status_lines_of_a_passing_gate(tmp_path: Path) -> None:
    project = compose(tmp_path / "project", "clean_lib", "clean_lib_test", "unused_variable")
    result = run_cli(["ci", str(project)])
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "ci: input ok (3 source files)",
        "ci: check ok (3 files, 0 errors, 0 warnings)",
        "ci: lint ok (0 errors, 1 warning)",
        "ci: test ok (1 passed, 0 failed)",
        "ci: doc ok (3 modules documented)",
        "quality gate passed",
    ]
    assert "warning[unused-variable]" in result.stdout   # the findings go to stdout
    assert "clean_lib_test.lm::test_double ... ok" in result.stdout


def test_lint_warnings_pass_but_denied_rules_fail(tmp_path: Path) -> None:
    warned = compose(tmp_path / "warned", "clean_lib", "unused_variable")
    assert run_cli(["ci", str(warned)]).exit_code == 0
    denied = compose(tmp_path / "denied", "clean_lib", "unused_variable",
                     manifest='[lint]\ndeny = ["unused-variable"]\n')
    result = run_cli(["ci", str(denied)])
    assert result.exit_code == 2
    assert "ci: lint FAILED (1 error, 0 warnings)" in result.stderr.splitlines()


def test_doc_stage_sets_bit_8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Documentation fails only where parsing fails (which check, lint and test see too); simulate a documentation
    failure of one file to see the doc bit on its own and combined with another stage's."""
    from lumen_kernel.diagnostics.model import Diagnostic
    from lumen_kernel.tooling import docs

    real = docs.document_path

    def failing_for_helper(path: str):
        if path.endswith("clean_lib.lm"):
            raise docs.DocError(path, [Diagnostic(code="E000", message=f"cannot read '{path}': injected",
                                                  span=None)])
        return real(path)

    monkeypatch.setattr(docs, "document_path", failing_for_helper)
    doc_only = compose(tmp_path / "doc_only", "clean_lib", "clean_lib_test")
    result = run_cli(["ci", str(doc_only)])
    assert result.exit_code == 8
    assert "ci: doc FAILED (1 module documented, 1 failed)" in result.stderr
    assert result.stderr.splitlines()[-1] == "quality gate failed: doc (exit 8)"
    with_check = compose(tmp_path / "with_check", "clean_lib", "type_error")
    assert run_cli(["ci", str(with_check)]).exit_code == 9
    with_tests = compose(tmp_path / "with_tests", "clean_lib", "failing_test")
    assert run_cli(["ci", str(with_tests)]).exit_code == 12


def test_exactly_16_without_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "no_sources"
    shutil.copytree(FIXTURES / "no_sources", project)
    result = run_cli(["ci", str(project)])
    assert result.exit_code == 16
    assert result.stderr.splitlines() == [
        f"ci: input FAILED (no .lm or .lm.md files found in {project})",
        "quality gate failed: input (exit 16)",
    ]
    missing = run_cli(["ci", str(tmp_path / "missing")])
    assert missing.exit_code == 16
    monkeypatch.chdir(project)
    assert run_cli(["ci"]).exit_code == 16


def test_defaults_to_the_current_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = compose(tmp_path / "project", "clean_lib", "failing_test")
    monkeypatch.chdir(project)
    result = run_cli(["ci"])
    assert result.exit_code == 4
    assert "test failing_test.lm::test_arithmetic ... FAILED" in result.stdout


@pytest.mark.parametrize("name", ["raw_project", "markdown_project"])
def test_fixture_projects_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    project = tmp_path / name
    shutil.copytree(FIXTURES / name, project)
    monkeypatch.chdir(project)
    result = run_cli(["ci"])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stderr.splitlines()[-1] == "quality gate passed"
    if name == "raw_project":
        assert all(path.suffix == ".lm" for path in project.rglob("*.lm*"))
        assert "ci: test ok (2 passed, 0 failed)" in result.stderr


def test_invalid_manifest_fails_the_stages_that_read_it(tmp_path: Path) -> None:
    project = compose(tmp_path / "project", "clean_lib", "clean_lib_test", manifest="[runtime\n")
    result = run_cli(["ci", str(project)])
    assert result.exit_code == 6
    assert "ci: lint FAILED (lumen.toml: invalid TOML at line 1, column 9" in result.stderr
    assert "ci: test FAILED (lumen.toml: invalid TOML at line 1, column 9" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_crashing_stage_fails_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lumen_kernel.tooling import lint

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(lint, "lint_paths", crash)
    project = compose(tmp_path / "project", "clean_lib", "clean_lib_test")
    result = run_cli(["ci", str(project)])
    assert result.exit_code == 2
    assert "ci: lint FAILED (internal error: RuntimeError: boom)" in result.stderr
    assert "ci: doc ok" in result.stderr
