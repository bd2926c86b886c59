"""`lumen lint` on the command line (TOOLING.md §2.7): output forms, lumen.toml, --strict, plugin rules."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from lumen_kernel import hookimpl
from lumen_kernel.diagnostics.model import Diagnostic, Span
from lumen_kernel.testing import run_cli

WARNS = "cell f() -> Int\n  let unused = 1\n  return 0\nend\n"
ERRS = "cell g() -> Int\n  return 1\n  print(2)\nend\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "warns.lm").write_text(WARNS)
    (tmp_path / "errs.lm.md").write_text("# Errs\n\n```lumen\n" + ERRS + "```\n")
    return tmp_path


def test_text_output_and_exit_status(project: Path) -> None:
    result = run_cli(["lint", str(project)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{project}/errs.lm.md:6:3: error[unreachable-code]: unreachable code after `return`",
        f"{project}/src/warns.lm:2:7: warning[unused-variable]: variable 'unused' is never used",
    ]
    assert result.stderr == "linted 2 file(s): 1 error(s), 1 warning(s)\n"


def test_warnings_alone_pass_and_strict_fails(project: Path) -> None:
    warns = str(project / "src" / "warns.lm")
    assert run_cli(["lint", warns]).exit_code == 0
    strict = run_cli(["lint", "--strict", warns])
    assert strict.exit_code == 1
    assert "error[unused-variable]" in strict.stdout


def test_json_output_uses_the_rule_as_code(project: Path) -> None:
    result = run_cli(["lint", "--format", "json", str(project)])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["version"] == 1
    assert document["summary"] == {"files": 2, "errors": 1, "warnings": 1}
    first = document["files"][0]["diagnostics"][0]
    assert first["code"] == "unreachable-code"
    assert (first["file"], first["line"], first["column"], first["severity"]) == (
        f"{project}/errs.lm.md", 6, 3, "error")


def test_path_defaults_to_the_current_directory(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    result = run_cli(["lint"])
    assert result.stdout.splitlines()[0] == "errs.lm.md:6:3: error[unreachable-code]: unreachable code after `return`"


def test_lumen_toml_allow_and_deny(project: Path) -> None:
    (project / "lumen.toml").write_text('[lint]\nallow = ["unreachable-code"]\ndeny = ["unused-variable"]\n')
    result = run_cli(["lint", str(project)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{project}/src/warns.lm:2:7: error[unused-variable]: variable 'unused' is never used"]


def test_lumen_toml_unknown_rule_warns_and_invalid_toml_fails(project: Path) -> None:
    (project / "lumen.toml").write_text('[lint]\nallow = ["no-such-rule"]\n')
    assert "warning: lumen.toml: [lint] names unknown rule 'no-such-rule'" in run_cli(["lint", str(project)]).stderr
    (project / "lumen.toml").write_text("[lint\n")
    broken = run_cli(["lint", str(project)])
    assert broken.exit_code == 1
    assert broken.stderr.startswith("error: lumen.toml: invalid TOML at line 1")
    (project / "lumen.toml").write_text('[lint]\ndeny = "x"\n')
    assert "error: lumen.toml: [lint] deny must be a list of rule names" in run_cli(["lint", str(project)]).stderr


def test_syntax_errors_and_missing_paths(tmp_path: Path) -> None:
    bad = tmp_path / "bad.lm"
    bad.write_text("let x =\n")
    result = run_cli(["lint", str(bad)])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{bad}:1:8: error[syntax]: expected an expression after `=`")
    assert run_cli(["lint", str(tmp_path / "nope")]).exit_code == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no .lm or .lm.md files found" in run_cli(["lint", str(empty)]).stderr


class TodoRules:
    """A plugin adding a lint rule that flags `TODO` comments."""

    @hookimpl
    def lumen_register_checks(self, checks):
        checks.add("style/no-todo", self.no_todo, severity="warning", stage="lint",
                   description="TODO comments must name an issue")
        checks.add("style/check-only", self.never, severity="error", stage="check", description="not for lint")

    @staticmethod
    def no_todo(module, report):
        for number, line in enumerate(module.source.lines, start=1):
            column = line.find("TODO")
            if column >= 0:
                report(Diagnostic(code="T1", message="TODO without an issue",
                                  span=Span(module.path, number, column + 1, number, column + 5)))

    @staticmethod
    def never(module, report):
        raise AssertionError("check-stage rules do not run in lint")


def test_plugin_rules_of_stage_lint(plugin_host, tmp_path: Path) -> None:
    plugin_host(("lumen-style", TodoRules()))
    path = tmp_path / "a.lm"
    path.write_text("cell f() -> Int\n  return 1  # TODO later\nend\n")
    result = run_cli(["lint", str(path)])
    assert result.stdout == f"{path}:2:15: warning[style/no-todo]: TODO without an issue\n"
    (tmp_path / "lumen.toml").write_text('[lint]\ndeny = ["style/no-todo"]\n')
    denied = run_cli(["lint", str(path)])
    assert denied.exit_code == 1
    assert "error[style/no-todo]" in denied.stdout
    path.write_text("cell f() -> Int\n  return 1  # TODO later  # lumen: allow(style/no-todo)\nend\n")
    assert run_cli(["lint", str(path)]).stdout == ""
