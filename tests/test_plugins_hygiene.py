"""Import hygiene (TOOLING.md §1.1, §1.2; §8 item 5): the kernel and plugin entry modules stay light."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from lumen_kernel.plugin_host.core_commands import KERNEL_COMMANDS
from lumen_kernel.testing import overlay_environment

REPO = Path(__file__).resolve().parents[1]
HEAVY_LIBRARIES = ("textual", "rich", "pygls", "lsprotocol", "httpx", "tomlkit")
UI_LIBRARIES = ("textual", "rich", "pygls", "lsprotocol", "httpx")


def in_repo_plugins() -> list[tuple[str, str, str]]:
    """(distribution, package, entry module) of every plugin under plugins/."""
    plugins = []
    for pyproject in sorted(REPO.glob("plugins/*/pyproject.toml")):
        project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
        entry_module = project["entry-points"]["lumen.plugins"][project["name"]]
        plugins.append((project["name"], entry_module.split(".")[0], entry_module))
    return plugins


PLUGIN_PACKAGES = sorted(package for _, package, _ in in_repo_plugins())


def modules_after(code: str) -> list[str]:
    """Names in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    env = {name: value for name, value in os.environ.items() if not name.startswith("LUMEN_")}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, env=env,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def top_level(modules: list[str]) -> set[str]:
    """The top-level packages among module names."""
    return {name.split(".")[0] for name in modules}


def test_in_repo_plugins_are_those_of_the_spec():
    assert [name for name, _, _ in in_repo_plugins()] == [
        "lumen-lsp", "lumen-pkg", "lumen-tools-http", "lumen-tools-llm", "lumen-tools-mcp", "lumen-tools-std",
        "lumen-tui"]


def test_import_lumen_kernel_loads_no_heavy_module_and_reads_no_entry_point():
    loaded = top_level(modules_after("import lumen_kernel"))
    assert not loaded & set(HEAVY_LIBRARIES)
    assert not loaded & set(PLUGIN_PACKAGES)
    assert not loaded & {"pluggy", "importlib_metadata", "click"}


def test_plugin_host_package_reads_no_entry_point_until_needed():
    loaded = top_level(modules_after("import lumen_kernel.plugin_host"))
    assert "importlib_metadata" not in loaded
    assert not loaded & set(PLUGIN_PACKAGES)


@pytest.mark.parametrize("distribution, package, entry_module", in_repo_plugins(),
                         ids=[name for name, _, _ in in_repo_plugins()])
def test_plugin_entry_module_is_light(distribution, package, entry_module):
    modules = modules_after(f"import {entry_module}")
    assert not top_level(modules) & set(HEAVY_LIBRARIES)
    own = {name for name in modules if name.split(".")[0] == package}
    assert own == {package, entry_module}, f"{distribution} entry module imports {sorted(own)}"


def test_help_imports_no_command_module_and_no_heavy_library():
    modules = modules_after("import contextlib, io\nfrom lumen_kernel.cli.app import main\n"
                            "with contextlib.redirect_stdout(io.StringIO()):\n    assert main(['--help']) == 0")
    assert not top_level(modules) & set(HEAVY_LIBRARIES)
    assert [name for name in modules if name.startswith("lumen_kernel.cli.commands.")] == []
    assert [name for name in modules if name.endswith(".cli") and name.split(".")[0] in PLUGIN_PACKAGES] == []


def test_kernel_works_without_ui_and_network_libraries(tmp_path):
    hidden = [*UI_LIBRARIES, "lumen-lsp", "lumen-tui", "lumen-tools-http", "lumen-tools-llm", "lumen-tools-mcp",
              "lumen-pkg"]
    python = overlay_environment(tmp_path / "env", hide=hidden)
    env = {name: value for name, value in os.environ.items() if not name.startswith("LUMEN_")}
    env.update(NO_COLOR="1", COLUMNS="100")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(python), *args], capture_output=True, text=True, cwd=tmp_path, env=env,
                              timeout=60)

    for library in UI_LIBRARIES:
        assert run("-c", f"import {library}").returncode != 0, f"{library} should be hidden"
    help_result = run("-m", "lumen_kernel", "--help")
    assert (help_result.returncode, help_result.stderr) == (0, "")
    for name, _ in KERNEL_COMMANDS:
        assert f"\n  {name} " in help_result.stdout
    listing = run("-m", "lumen_kernel", "plugins", "--json")
    assert listing.returncode == 0, listing.stderr
    assert [plugin["name"] for plugin in json.loads(listing.stdout)["plugins"]] == ["lumen-tools-std"]
