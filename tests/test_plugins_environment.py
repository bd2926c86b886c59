"""Plugins found through real entry points, in subprocesses (TOOLING.md §1.2, §1.4; §8 items 2-4).

Broken plugins are real distributions (a ``.dist-info`` with an entry point) on ``PYTHONPATH``; the uninstall test
runs in a virtual environment that sees this one without lumen-pkg.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lumen_kernel.plugin_host.core_commands import KERNEL_COMMANDS
from lumen_kernel.testing import overlay_environment, write_fake_distribution

KERNEL_COMMAND_NAMES = sorted(name for name, _ in KERNEL_COMMANDS)

BROKEN_AT_IMPORT = 'raise RuntimeError("boom at import")\n'
BROKEN_IN_TOOLS = '''
from lumen_kernel import hookimpl

@hookimpl
def lumen_register_commands(commands):
    commands.add("brokentools", "lumen_broken_tools:nothing", short_help="Never shown")

@hookimpl
def lumen_register_tools(tools, config):
    raise RuntimeError("boom in tools")
'''
HELLO_PROGRAM = '# Hello\n\n```lumen\ncell main() -> Int\n  print("hi")\n  return 42\nend\n```\n'


def lumen(args: list[str], cwd: Path, *, python: str | Path = sys.executable, pythonpath: Path | None = None,
          env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m lumen_kernel ARGS`` with a clean LUMEN_* environment."""
    environ = {name: value for name, value in os.environ.items() if not name.startswith("LUMEN_")}
    environ.update(NO_COLOR="1", COLUMNS="100")
    environ.pop("PYTHONPATH", None)
    if pythonpath is not None:
        environ["PYTHONPATH"] = str(pythonpath)
    environ.update(env or {})
    return subprocess.run([str(python), "-m", "lumen_kernel", *args], cwd=cwd, env=environ, capture_output=True,
                          text=True, timeout=120)


def help_commands(help_text: str) -> list[str]:
    """Command names listed in the Commands section of ``lumen --help``."""
    lines = help_text.split("Commands:\n", 1)[1].splitlines()
    return [line.split()[0] for line in lines if line.startswith("  ") and not line.startswith("   ")]


def new_lines(text: str, baseline: str) -> list[str]:
    """Lines of ``text`` that ``baseline`` does not have."""
    return [line for line in text.splitlines() if line not in baseline.splitlines()]


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A directory without lumen.toml holding a small program."""
    directory = tmp_path / "work"
    directory.mkdir()
    (directory / "hello.lm.md").write_text(HELLO_PROGRAM, encoding="utf-8")
    return directory


@pytest.mark.parametrize("name, source, error", [
    ("lumen-broken-import", BROKEN_AT_IMPORT, "RuntimeError: boom at import"),
    ("lumen-broken-tools", BROKEN_IN_TOOLS, "RuntimeError: boom in tools"),
], ids=["raises-at-import", "raises-in-register-tools"])
def test_broken_plugin_is_skipped_with_one_warning(tmp_path, workdir, name, source, error):
    site = write_fake_distribution(tmp_path / "site", name, source)
    line = f"plugin '{name}' ({name} 0.1.0) failed to load: {error}"

    baseline_help = lumen(["--help"], workdir)
    broken_help = lumen(["--help"], workdir, pythonpath=site)
    assert broken_help.returncode == 0 == baseline_help.returncode
    assert broken_help.stdout == baseline_help.stdout  # nothing of it registered
    assert new_lines(broken_help.stderr, baseline_help.stderr) == [f"warning: {line}"]

    baseline_run = lumen(["run", "hello.lm.md"], workdir)
    broken_run = lumen(["run", "hello.lm.md"], workdir, pythonpath=site)
    assert (broken_run.returncode, broken_run.stdout) == (baseline_run.returncode, baseline_run.stdout)
    assert new_lines(broken_run.stderr, baseline_run.stderr) == [f"warning: {line}"]
    assert "Traceback" not in broken_run.stderr

    listing = json.loads(lumen(["plugins", "--json"], workdir, pythonpath=site).stdout)
    record = next(plugin for plugin in listing["plugins"] if plugin["name"] == name)
    assert (record["status"], record["error"], record["commands"], record["tools"]) == ("failed", error, [], [])

    for args in (["--help"], ["run", "hello.lm.md"]):
        strict = lumen(args, workdir, pythonpath=site, env={"LUMEN_STRICT_PLUGINS": "1"})
        assert strict.returncode == 1, args
        assert f"error: {line}" in strict.stderr.splitlines()
        assert strict.stdout == ""


def test_disabling_a_plugin_removes_its_command(workdir):
    result = lumen(["--help"], workdir, env={"LUMEN_DISABLE_PLUGINS": "lumen-pkg"})
    assert result.returncode == 0
    assert "pkg" not in help_commands(result.stdout)
    assert "pkg" in help_commands(lumen(["--help"], workdir).stdout)

    unknown = lumen(["pkg", "list"], workdir, env={"LUMEN_DISABLE_PLUGINS": "lumen-pkg"})
    assert unknown.returncode == 2
    assert "error: no such command 'pkg'." in unknown.stderr

    listing = json.loads(lumen(["plugins", "--json"], workdir, env={"LUMEN_DISABLE_PLUGINS": "lumen-pkg"}).stdout)
    record = next(plugin for plugin in listing["plugins"] if plugin["name"] == "lumen-pkg")
    assert (record["status"], record["version"], record["hooks"], record["commands"]) == ("disabled", "0.1.0", [], [])


def test_disabling_every_plugin_leaves_kernel_commands_only(workdir):
    result = lumen(["--help"], workdir, env={"LUMEN_DISABLE_PLUGINS": "*"})
    assert result.returncode == 0
    assert help_commands(result.stdout) == KERNEL_COMMAND_NAMES
    listing = json.loads(lumen(["plugins", "--json", "--all"], workdir, env={"LUMEN_DISABLE_PLUGINS": "*"}).stdout)
    statuses = {plugin["name"]: plugin["status"] for plugin in listing["plugins"]}
    assert statuses.pop("lumen.core.commands") == "loaded"
    assert set(statuses.values()) == {"disabled"}


def test_disabled_broken_plugin_is_never_imported(tmp_path, workdir):
    site = write_fake_distribution(tmp_path / "site", "lumen-broken-import", BROKEN_AT_IMPORT)
    result = lumen(["--help"], workdir, pythonpath=site, env={"LUMEN_DISABLE_PLUGINS": "lumen-broken-import"})
    assert result.returncode == 0
    assert "lumen-broken-import" not in result.stderr


def test_newly_installed_plugin_is_found_despite_the_entry_point_cache(tmp_path, workdir):
    site = write_fake_distribution(tmp_path / "site", "lumen-first", PLUGIN_WITH_COMMAND.format(name="first"))
    assert "first" in help_commands(lumen(["--help"], workdir, pythonpath=site).stdout)
    write_fake_distribution(site, "lumen-second", PLUGIN_WITH_COMMAND.format(name="second"))
    commands = help_commands(lumen(["--help"], workdir, pythonpath=site).stdout)
    assert {"first", "second"} <= set(commands)


PLUGIN_WITH_COMMAND = '''
from lumen_kernel import hookimpl

@hookimpl
def lumen_register_commands(commands):
    commands.add("{name}", "lumen_{name}_cli:command", short_help="The {name} command")
'''


def test_uninstalling_lumen_pkg_removes_pkg(tmp_path, workdir):
    python = overlay_environment(tmp_path / "env", hide=["lumen-pkg"])
    result = lumen(["--help"], workdir, python=python)
    assert result.returncode == 0, result.stderr
    commands = help_commands(result.stdout)
    assert "pkg" not in commands
    assert set(KERNEL_COMMAND_NAMES) <= set(commands)
    unknown = lumen(["pkg", "install"], workdir, python=python)
    assert unknown.returncode == 2
    assert "error: no such command 'pkg'." in unknown.stderr
    listing = json.loads(lumen(["plugins", "--json"], workdir, python=python).stdout)
    assert "lumen-pkg" not in [plugin["name"] for plugin in listing["plugins"]]
