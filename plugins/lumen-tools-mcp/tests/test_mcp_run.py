"""End to end: `python -m lumen_kernel run` in a project whose lumen.toml configures the tiny MCP server, calling it
through `use tool <server>.<tool>` and `use tool mcp "URL"` aliases (TOOLING.md §5.9, LANGUAGE.md §5.17)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from mcp_test_support import SERVER_SCRIPT, URL, process_gone, read_log

PROGRAM = f'''use tool tiny.add as Add
use tool tiny.echo as Shout
use tool mcp "{URL}" as Echo
use tool mcp "{URL}" as Sum
use tool mcp "{URL}" as Broken
use tool mcp "https://unknown.example.test" as Lost
grant Add
grant Shout
grant Echo
grant Sum tool "add"
grant Broken tool "fail"
grant Lost

cell main() -> Int
  let total = Add(a: 2, b: 3)
  print("add: {{total["sum"]}}")
  print(Shout(text: "direct"))
  print(Echo("by url"))
  print(Sum(20, 22))
  print(Broken())
  return 0
end

cell lost() -> Int
  print(Lost())
  return 0
end
'''


def run_lumen(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m lumen_kernel ARGS` in `project` with a clean LUMEN_* environment."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("LUMEN_")}
    env["NO_COLOR"] = "1"
    return subprocess.run([sys.executable, "-m", "lumen_kernel", *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=60)


def make_project(tmp_path: Path) -> tuple[Path, Path]:
    """A project running the tiny server (command, env and url from lumen.toml); returns (project, server log)."""
    project = tmp_path / "project"
    project.mkdir()
    log_path = tmp_path / "server.log"
    (project / "lumen.toml").write_text(
        "[providers.mcp.tiny]\n"
        f"command = {json.dumps([sys.executable, str(SERVER_SCRIPT)])}\n"
        f"env = {{ MCP_TEST_LOG = {json.dumps(str(log_path))} }}\n"
        f"url = {json.dumps(URL)}\n", encoding="utf-8")
    (project / "main.lm").write_text(PROGRAM, encoding="utf-8")
    return project, log_path


def test_program_calls_the_server_by_id_and_by_url_and_the_server_ends_with_the_run(tmp_path):
    project, log_path = make_project(tmp_path)
    result = run_lumen(project, "run", "main.lm")
    assert result.stdout == 'add: 5\necho: direct\ndone\necho: by url\ndone\n{"sum": 42}\n'
    assert result.returncode == 1
    assert result.stderr.startswith("error: tool call error: tool execution failed: tiny.fail: it broke\n")
    log = read_log(log_path)
    assert [entry.get("method") for entry in log[1:4]] == ["initialize", "notifications/initialized", "tools/list"]
    assert sum(1 for entry in log if entry.get("event") == "start") == 1  # one process for the whole run
    calls = [entry["params"] for entry in log if entry.get("method") == "tools/call"]
    assert calls == [{"name": "add", "arguments": {"a": 2, "b": 3}},
                     {"name": "echo", "arguments": {"text": "direct"}},
                     {"name": "echo", "arguments": {"text": "by url"}},
                     {"name": "add", "arguments": {"a": 20, "b": 22}},
                     {"name": "fail", "arguments": {}}]
    assert log[-1] == {"event": "eof"}
    assert process_gone(log[0]["pid"])


def test_url_without_a_configured_server_has_no_provider(tmp_path):
    project, _ = make_project(tmp_path)
    result = run_lumen(project, "run", "main.lm", "--cell", "lost")
    assert result.returncode == 1
    assert result.stderr.startswith("error: tool call error: no provider for tool 'mcp'\n")


def test_plugins_listing_shows_the_server_tools(tmp_path):
    project, log_path = make_project(tmp_path)
    result = run_lumen(project, "plugins", "--json")
    assert result.returncode == 0, result.stderr
    record = next(plugin for plugin in json.loads(result.stdout)["plugins"] if plugin["name"] == "lumen-tools-mcp")
    assert (record["status"], record["hooks"]) == ("loaded", ["lumen_register_tools"])
    assert record["tools"] == ["tiny.add", "tiny.die", "tiny.echo", "tiny.explode", "tiny.fail", "tiny.slow"]
    assert process_gone(read_log(log_path)[0]["pid"])
