"""Plugin builtins are checked like core builtins; plugin checks of stage `check` run (TOOLING.md §1.3)."""
from __future__ import annotations

from pathlib import Path

from lumen_kernel import hookimpl
from lumen_kernel.checker import check_program
from lumen_kernel.diagnostics.model import Diagnostic, Span
from lumen_kernel.program import load_program
from lumen_kernel.testing import run_cli


class GreetPlugin:
    """Adds `greet(name, punct = "!") -> String` with effect `emit`, and two check rules."""

    @hookimpl
    def lumen_register_builtins(self, builtins):
        builtins.add("greet", lambda name, punct="!": f"Hello, {name}{punct}",
                     params=[("name", "String"), ("punct", "String", "!")], returns="String", effects=["emit"])

    @hookimpl
    def lumen_register_checks(self, checks):
        checks.add("demo/no-todo", no_todo, severity="warning", stage="check", description="no TODO cells")
        checks.add("demo/lint-only", lint_only, severity="error", stage="lint", description="lint stage only")


def no_todo(module, report) -> None:
    for number, line in enumerate(module.source.lines, 1):
        if "TODO" in line:
            report(Diagnostic("W900", "TODO left in code", Span(module.path, number, 1, number, 2)))


def lint_only(module, report) -> None:
    report(Diagnostic("E901", "must not run in check", None))


def _check(tmp_path: Path, host, source: str):
    path = tmp_path / "main.lm"
    path.write_text(source, encoding="utf-8")
    program = load_program(str(path), host=host)
    return check_program(program, host=host).diagnostics[str(path)]


def test_plugin_builtins_are_checked(tmp_path: Path, plugin_host) -> None:
    host = plugin_host(GreetPlugin(), stream=None)
    diagnostics = _check(tmp_path, host, 'cell main() -> Int / {}\n  let n: Int = greet("Ada")\n'
                                         '  let m = greet()\n  return 0\nend\n')
    assert [(d.code, d.message) for d in diagnostics] == [
        ("E030", "cell 'main' performs effect 'emit' but it is not declared in its effect row"),
        ("E040", "type mismatch: expected Int, got String"),
        ("E044", "missing argument 'name' in call to 'greet'"),
    ]


def test_plugin_checks_of_stage_check_run(tmp_path: Path, plugin_host) -> None:
    host = plugin_host(GreetPlugin(), stream=None)
    diagnostics = _check(tmp_path, host, "# TODO: more\ncell main() -> Int = 0\n")
    assert [(d.code, d.severity, d.span.line) for d in diagnostics] == [("W900", "warning", 1)]


def test_warnings_alone_pass_lumen_check(tmp_path: Path, plugin_host, monkeypatch) -> None:
    plugin_host(GreetPlugin(), stream=None)
    (tmp_path / "w.lm").write_text("# TODO\ncell main() -> Int = 0\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_cli(["check", "w.lm"])
    assert result.exit_code == 0
    assert "warning[W900]: TODO left in code" in result.stdout
    assert "checked 1 file(s): 0 error(s), 1 warning(s)" in result.stderr
