"""The ``lumen`` root command: global options, exit codes, error reporting and lazy commands (TOOLING.md §0, §2)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

import lumen_kernel
from lumen_kernel import hookimpl
from lumen_kernel.cli.app import color_enabled
from lumen_kernel.testing import run_cli

REPO = Path(__file__).resolve().parents[1]


@click.command()
def explode():
    """Raise an unexpected exception."""
    raise ValueError("bad state")


@click.command()
def refuse():
    """Fail like a command does."""
    raise click.ClickException("cannot do that")


@click.command()
@click.option("--level", type=int, required=True)
def misuse(level):
    """Needs an option."""


@click.command()
@click.argument("code", type=int)
def finish(code):
    """Exit with CODE through ctx.exit."""
    click.get_current_context().exit(code)


@click.command()
@click.argument("kind")
def give(kind):
    """Return a value or call sys.exit, depending on KIND."""
    if kind == "int":
        return 4
    if kind == "list":
        return ["not", "an", "exit", "code"]
    sys.exit("stopped by sys.exit")


@click.command()
def interrupt():
    """Behave like Ctrl-C."""
    raise KeyboardInterrupt


@click.command()
def paint():
    """Print a red word and what color_enabled says."""
    click.echo(click.style("red", fg="red"))
    click.echo(f"color_enabled={color_enabled()}")


class TestCommands:
    @hookimpl
    def lumen_register_commands(self, commands):
        for command in (explode, refuse, misuse, finish, give, interrupt, paint):
            commands.add(command.name, command, short_help=command.help or command.name)
        commands.add("ghost", "lumen_test_no_such_module:command", short_help="Target module is missing")
        commands.add("notacommand", "os.path:join", short_help="Target is not a click command")


@pytest.fixture
def cli(plugin_host):
    """Kernel commands plus the test commands above."""
    return plugin_host(("lumen-testcommands", TestCommands()), stream=None)


def test_version(cli):
    result = run_cli(["--version"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"lumen {lumen_kernel.__version__}\n", "")


def test_no_command_is_a_usage_error(cli):
    result = run_cli([])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Usage: lumen [OPTIONS] COMMAND [ARGS]...\n")
    assert result.stderr.endswith("error: missing command.\n")


def test_unknown_command_and_option_are_usage_errors(cli):
    unknown = run_cli(["frobnicate"])
    assert unknown.exit_code == 2
    assert unknown.stderr.endswith("error: no such command 'frobnicate'.\n")
    option = run_cli(["--frob"])
    assert option.exit_code == 2 and "error: no such option '--frob'" in option.stderr
    missing = run_cli(["misuse"])
    assert missing.exit_code == 2
    assert "Usage: lumen misuse [OPTIONS]" in missing.stderr
    assert missing.stderr.endswith("error: missing option '--level'.\n")


def test_help_lists_commands_sorted_with_registered_summaries(cli):
    result = run_cli(["--help"])
    assert result.exit_code == 0 and result.stderr == ""
    lines = result.stdout.split("Commands:\n", 1)[1].splitlines()
    names = [line.split()[0] for line in lines]
    assert names == sorted(names)
    assert {"run", "check", "plugins", "trace", "ghost", "explode"} <= set(names)
    assert any(line.split()[0] == "ghost" and line.endswith("Target module is missing") for line in lines)
    assert "--color WHEN" in result.stdout and "--version" in result.stdout


def test_lazy_command_that_cannot_be_imported_fails_only_when_used(cli):
    assert run_cli(["--help"]).exit_code == 0
    result = run_cli(["ghost"])
    assert result.exit_code == 1
    assert result.stderr == ("error: command 'ghost' of plugin 'lumen-testcommands' could not be loaded: "
                             "ModuleNotFoundError: No module named 'lumen_test_no_such_module'\n")
    wrong = run_cli(["notacommand", "--help"])
    assert wrong.exit_code == 1
    assert wrong.stderr == ("error: command 'notacommand' of plugin 'lumen-testcommands' could not be loaded: "
                            "TypeError: 'os.path:join' is not a click command\n")


def test_unexpected_exception_is_one_line_without_traceback(cli):
    result = run_cli(["explode"])
    assert result.exit_code == 1
    assert result.stderr == ("error: internal error: ValueError: bad state (set LUMEN_DEBUG=1 for a traceback)\n")


def test_lumen_debug_shows_the_traceback(cli):
    result = run_cli(["explode"], env={"LUMEN_DEBUG": "1"})
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.endswith("error: internal error: ValueError: bad state (set LUMEN_DEBUG=1 for a traceback)\n")


def test_click_exception_prints_error_and_exits_1(cli):
    result = run_cli(["refuse"])
    assert (result.exit_code, result.stderr) == (1, "error: cannot do that\n")


def test_ctx_exit_code_is_the_exit_status(cli):
    assert run_cli(["finish", "3"]).exit_code == 3
    assert run_cli(["finish", "0"]).exit_code == 0


def test_return_values_and_sys_exit(cli):
    assert run_cli(["give", "int"]).exit_code == 4
    assert run_cli(["give", "list"]).exit_code == 0
    stopped = run_cli(["give", "exit"])
    assert (stopped.exit_code, stopped.stderr) == (1, "stopped by sys.exit\n")


def test_interrupt_exits_130(cli):
    assert run_cli(["interrupt"]).exit_code == 130


def test_color_never_always_and_auto(cli):
    always = run_cli(["--color", "always", "paint"])
    assert always.stdout == "\x1b[31mred\x1b[0m\ncolor_enabled=True\n"
    never = run_cli(["--color", "never", "paint"])
    assert never.stdout == "red\ncolor_enabled=False\n"
    piped = run_cli(["paint"], env={"NO_COLOR": None})
    assert piped.stdout == "red\ncolor_enabled=False\n"  # auto: not a terminal
    assert run_cli(["--color", "sometimes", "paint"]).exit_code == 2


def test_color_auto_honours_no_color_on_a_terminal(monkeypatch):
    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert color_enabled(Terminal()) is True
    monkeypatch.setenv("NO_COLOR", "")
    assert color_enabled(Terminal()) is False


def test_python_dash_m_runs_the_same_cli():
    env = {name: value for name, value in os.environ.items() if not name.startswith("LUMEN_")}
    result = subprocess.run([sys.executable, "-m", "lumen_kernel", "--version"], capture_output=True, text=True,
                            cwd=REPO, env=env, timeout=60)
    assert (result.returncode, result.stdout) == (0, f"lumen {lumen_kernel.__version__}\n")


def test_console_script_is_declared():
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"] == {"lumen": "lumen_kernel.cli.app:main"}
    assert project["name"] == "lumen-kernel" and project["version"] == lumen_kernel.__version__
    assert sorted(project["dependencies"], key=str.lower) == ["click>=8.1", "importlib-metadata>=6", "pluggy>=1.5"]
