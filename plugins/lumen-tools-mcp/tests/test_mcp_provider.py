"""The MCP provider against the real tiny server: handshake, paginated listing, specs, start and stop
(TOOLING.md §5.9)."""
from __future__ import annotations

import sys

from mcp_test_support import URL, process_gone
from lumen_kernel.config import ProjectConfig
from lumen_tools_mcp import plugin
from lumen_tools_mcp.config import server_config
from lumen_tools_mcp.provider import McpProvider, providers_for

TOOL_NAMES = ["add", "die", "echo", "explode", "fail", "slow"]


def test_handshake_then_paginated_listing(harness):
    h = harness()
    specs = h.provider.tools()
    assert [spec.id for spec in specs] == [f"tiny.{name}" for name in TOOL_NAMES]
    log = h.log()
    assert log[0]["event"] == "start"
    initialize = log[1]
    assert initialize["jsonrpc"] == "2.0" and initialize["method"] == "initialize"
    assert isinstance(initialize["id"], int)
    assert set(initialize["params"]) == {"protocolVersion", "capabilities", "clientInfo"}
    assert isinstance(initialize["params"]["protocolVersion"], str)
    assert initialize["params"]["capabilities"] == {}
    assert initialize["params"]["clientInfo"] == {"name": "lumen", "version": "0.1.0"}
    assert log[2] == {"jsonrpc": "2.0", "method": "notifications/initialized"}
    requests = [entry for entry in log if entry.get("method") == "tools/list"]
    assert [entry["params"].get("cursor") for entry in requests] == [None, "2", "4"]
    assert {"jsonrpc": "2.0", "id": "server-ping", "result": {}} in log  # the server's ping was answered
    assert h.provider.session.server_info == {"name": "tiny", "version": "1.2.3"}


def test_specs_take_the_input_schema(harness):
    h = harness()
    add = next(spec for spec in h.provider.tools() if spec.id == "tiny.add")
    assert add.input_schema["required"] == ["a", "b"]
    assert add.positional == ("a", "b")
    assert add.effects == ("mcp",)
    assert add.output_schema is None
    assert add.description == "Add two integers"
    assert (h.provider.name, h.provider.version) == ("mcp.tiny", "0.1.0")


def test_listing_is_kept_and_close_ends_the_process(harness):
    h = harness()
    h.provider.tools()
    h.provider.tools()
    pid = h.provider.session.pid
    assert pid is not None
    assert sum(1 for entry in h.log() if entry.get("method") == "initialize") == 1
    h.provider.close()
    assert h.provider.session.pid is None
    assert process_gone(pid)
    assert h.log()[-1] == {"event": "eof"}  # closed through its stdin first
    h.provider.tools()  # a later use starts it again
    assert sum(1 for entry in h.log() if entry.get("method") == "initialize") == 2


def test_filter_offers_the_named_tools_without_starting_the_server(harness):
    h = harness(tools=["echo", "add", "missing"])
    assert [spec.id for spec in h.provider.tools()] == ["tiny.echo", "tiny.add", "tiny.missing"]
    assert h.provider.session.pid is None
    assert h.log() == []


def test_a_server_that_cannot_start_warns_and_offers_nothing(tmp_path):
    warnings: list[str] = []
    config = server_config("broken", {"command": [str(tmp_path / "no-such-program")]})
    provider = McpProvider(config, tmp_path, warnings.append)
    assert provider.tools() == []
    assert warnings == [f"warning: MCP server 'broken' cannot list its tools: MCP server 'broken' could not be "
                        f"started: No such file or directory: {tmp_path / 'no-such-program'}"]


def test_a_server_that_exits_reports_its_code_and_stderr(tmp_path):
    warnings: list[str] = []
    config = server_config("quits", {"command": [sys.executable, "-c", "import sys; sys.exit('no way')"]})
    McpProvider(config, tmp_path, warnings.append).tools()
    assert warnings == ["warning: MCP server 'quits' cannot list its tools: MCP server 'quits' exited with code 1: "
                        "no way"]


def test_a_silent_server_times_out_at_start_up(tmp_path):
    warnings: list[str] = []
    config = server_config("mute", {"command": [sys.executable, "-c", "import time; time.sleep(30)"],
                                    "startup_timeout_ms": 200})
    provider = McpProvider(config, tmp_path, warnings.append)
    assert provider.tools() == []
    assert warnings == ["warning: MCP server 'mute' cannot list its tools: MCP server 'mute' did not answer "
                        "'initialize' in time"]


def test_configuration_tables(tmp_path):
    (tmp_path / "lumen.toml").write_text(f'''
[providers.mcp.tiny]
command = ["python3", "server.py"]
env = {{ A = "1" }}
tools = ["x"]
url = "{URL}"

[providers.mcp.nocommand]
env = {{ A = "1" }}

[providers.mcp.badenv]
command = ["x"]
env = {{ A = 1 }}

[providers.mcp.badtools]
command = ["x"]
tools = "x"
''', encoding="utf-8")
    warnings: list[str] = []
    providers = providers_for(ProjectConfig.load(tmp_path / "lumen.toml"), warnings.append)
    assert [(p.name, p.mcp_url, p.config.command, dict(p.config.env), p.config.tools) for p in providers] == [
        ("mcp.tiny", URL, ("python3", "server.py"), {"A": "1"}, ("x",))]
    assert warnings == [
        "warning: lumen.toml [providers.mcp.badenv]: 'env' must be a table of strings",
        "warning: lumen.toml [providers.mcp.badtools]: 'tools' must be an array of tool names",
        "warning: lumen.toml [providers.mcp.nocommand]: 'command' must be a non-empty array of strings",
    ]


def test_hook_adds_one_provider_per_server_and_nothing_without_tables(tmp_path, plugin_host):
    (tmp_path / "lumen.toml").write_text('[providers.mcp.one]\ncommand = ["a"]\n[providers.mcp.two]\n'
                                         'command = ["b"]\ntools = ["t"]\n', encoding="utf-8")
    host = plugin_host(("lumen-tools-mcp", plugin), stream=None)
    registry = host.tool_registry(ProjectConfig.load(tmp_path / "lumen.toml"), fresh=True)
    assert [entry.name for entry in registry.providers()] == ["mcp.one", "mcp.two"]
    assert registry.tool_ids_by_plugin() == {"lumen-tools-mcp": ["two.t"]}  # "one" is unfiltered: never started
    assert host.tool_registry(ProjectConfig.defaults(tmp_path), fresh=True).providers() == []
