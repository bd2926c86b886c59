"""``lumen plugins [--json] [--all]`` with the in-repo plugins installed (TOOLING.md §1.4; §8 items 1, 50)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lumen_kernel import hookimpl
from lumen_kernel.plugin_host.sources import PluginSource
from lumen_kernel.testing import run_cli

EXPECTED = {
    "lumen-lsp": {"hooks": ["lumen_register_commands"], "commands": ["lsp"]},
    "lumen-pkg": {"hooks": ["lumen_register_commands", "lumen_resolve_import"], "commands": ["pkg"]},
    "lumen-tools-http": {"hooks": ["lumen_register_tools"], "commands": []},
    "lumen-tools-llm": {"hooks": ["lumen_register_tools"], "commands": []},
    "lumen-tools-mcp": {"hooks": ["lumen_register_tools"], "commands": []},
    "lumen-tools-std": {"hooks": ["lumen_register_tools"], "commands": []},
    "lumen-tui": {"hooks": ["lumen_add_hookspecs", "lumen_register_commands"], "commands": ["tui"]},
}
LLM_PROJECT = '[providers.config.openai]\nkind = "openai-compatible"\nbase_url = "http://127.0.0.1:9/v1"\n'


def lumen(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m lumen_kernel ARGS`` in ``cwd`` with a clean LUMEN_* environment."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("LUMEN_")}
    return subprocess.run([sys.executable, "-m", "lumen_kernel", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60)


@pytest.fixture(scope="module")
def listing(tmp_path_factory) -> dict:
    """``lumen plugins --json --all`` in a project configuring an llm provider."""
    project = tmp_path_factory.mktemp("project")
    (project / "lumen.toml").write_text(LLM_PROJECT, encoding="utf-8")
    result = lumen(["plugins", "--json", "--all"], project)
    assert result.returncode == 0, result.stderr
    return {plugin["name"]: plugin for plugin in json.loads(result.stdout)["plugins"]}


def test_every_in_repo_plugin_is_listed_as_loaded(listing):
    for name, expected in EXPECTED.items():
        record = listing[name]
        assert record["status"] == "loaded", record
        assert (record["distribution"], record["version"], record["builtin"], record["error"]) == (
            name, "0.1.0", False, None)
        assert record["module"] == name.replace("-", "_") + ".plugin"
        assert record["hooks"] == expected["hooks"]
        assert record["commands"] == expected["commands"]


def test_provider_plugins_show_their_tool_ids(listing):
    std = listing["lumen-tools-std"]["tools"]
    assert {"fs.read", "fs.write", "env.get", "json", "crypto.sha256", "crypto.uuid"} <= set(std)
    assert set(listing["lumen-tools-http"]["tools"]) == {"http.get", "http.delete", "http.post", "http.put"}
    assert listing["lumen-tools-llm"]["tools"] == ["llm.chat", "llm.complete"]
    assert listing["lumen-tools-mcp"]["tools"] == []  # no [providers.mcp.<server>] in this project
    for record in listing.values():
        for key in ("hooks", "commands", "tools", "builtins", "checks"):
            assert record[key] == sorted(record[key])


def test_all_includes_internal_plugins(listing):
    core = listing["lumen.core.commands"]
    assert (core["builtin"], core["distribution"], core["status"]) == (True, "lumen-kernel", "loaded")
    assert core["commands"] == ["check", "ci", "doc", "fmt", "lint", "plugins", "repl", "run", "test", "trace"]
    assert list(listing) == sorted(listing)


def test_json_record_keys_follow_the_spec(listing):
    assert list(listing["lumen-pkg"]) == ["name", "distribution", "version", "module", "builtin", "status", "error",
                                          "hooks", "commands", "tools", "builtins", "checks"]


def test_text_listing_has_the_four_columns(tmp_path):
    result = lumen(["plugins"], tmp_path)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["NAME", "VERSION", "STATUS", "HOOKS"]
    names = [line.split()[0] for line in lines[1:]]
    assert names == sorted(names) and "lumen.core.commands" not in names
    assert set(EXPECTED) <= set(names)
    pkg = next(line for line in lines if line.startswith("lumen-pkg "))
    assert pkg.split(None, 3) == ["lumen-pkg", "0.1.0", "loaded", "lumen_register_commands, lumen_resolve_import"]


def test_invalid_lumen_toml_is_an_error(tmp_path):
    (tmp_path / "lumen.toml").write_text("[package]\nname = \n", encoding="utf-8")
    result = lumen(["plugins", "--json"], tmp_path)
    assert result.returncode == 1
    assert result.stderr.endswith("error: lumen.toml: invalid TOML at line 2, column 8: invalid value\n")
    assert result.stdout == ""


class ShowcasePlugin:
    @hookimpl
    def lumen_register_builtins(self, builtins):
        builtins.add("zeta_fn", len, params=[("x", "Any")], returns="Int")
        builtins.add("alpha_fn", len, params=[("x", "Any")], returns="Int")

    @hookimpl
    def lumen_register_checks(self, checks):
        checks.add("show/rule", lambda module, report: None, severity="warning", stage="lint", description="d")


def test_listing_reports_builtins_checks_and_failures(plugin_host):
    def broken() -> object:
        raise ImportError("missing dependency")

    plugin_host(("lumen-showcase", ShowcasePlugin()),
                PluginSource("lumen-broken", "lumen_broken.plugin", "lumen-broken", "2.0", load=broken), stream=None)
    result = run_cli(["plugins", "--json"])
    assert result.exit_code == 0
    records = {record["name"]: record for record in json.loads(result.stdout)["plugins"]}
    assert records["lumen-showcase"]["builtins"] == ["alpha_fn", "zeta_fn"]
    assert records["lumen-showcase"]["checks"] == ["show/rule"]
    assert (records["lumen-broken"]["status"], records["lumen-broken"]["error"]) == (
        "failed", "ImportError: missing dependency")
    text = run_cli(["plugins"]).stdout
    assert "lumen-broken    2.0      failed  -" in text.splitlines()
