"""Per-run provider resolution (TOOLING.md §5.2) through the real plugin host and registry."""
from __future__ import annotations

from pathlib import Path

from lumen_kernel import hookimpl
from lumen_kernel.config import ProjectConfig
from lumen_kernel.plugin_host.host import PluginHost
from lumen_kernel.tools.dispatch import Dispatcher, ToolRequest
from lumen_kernel.tools.spec import ToolSpec
from lumen_kernel.tools.table import settings_for, tool_table_for_run


class Offering:
    """A plugin offering `shared.tool` from a provider of the given name."""

    version = "1"

    def __init__(self, name: str) -> None:
        self.name = name

    def tools(self):
        return [ToolSpec("shared.tool", "", None, None, (), (), lambda args, context: self.name)]


def plugin_offering(name: str):
    class Plugin:
        @hookimpl
        def lumen_register_tools(self, tools):
            tools.add_provider(Offering(name))

    return Plugin()


def host_for(config: ProjectConfig, *plugins) -> PluginHost:
    return PluginHost.for_plugins(list(plugins), internal=False, config=config, stream=None)


def test_std_providers_with_fs_settings_through_for_run(tmp_path):
    import lumen_tools_std.plugin

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "f.txt").write_text("from data")
    config = ProjectConfig(root=Path(tmp_path), data={
        "providers": {"config": {"fs": {"root": "data"}}},
        "runtime": {"max_concurrent_tools": 3, "default_tool_timeout_ms": 0}})
    host = host_for(config, ("lumen-tools-std", lumen_tools_std.plugin))
    dispatcher = Dispatcher.for_run(config, host=host)
    try:
        assert (dispatcher.max_concurrent, dispatcher.default_timeout_ms) == (3, 0)
        assert dispatcher.call(ToolRequest("Read", "fs.read", {"arg0": "f.txt"})).value() == "from data"
        assert "json" in dispatcher.table.tool_ids()
        assert [spec.id for spec in dispatcher.table.specs()] == sorted(dispatcher.table.tool_ids())
    finally:
        dispatcher.close()


def test_several_providers_need_a_choice(tmp_path):
    plugins = [("plugin-a", plugin_offering("alpha")), ("plugin-b", plugin_offering("beta"))]
    config = ProjectConfig(root=Path(tmp_path))
    table = tool_table_for_run(config, host=host_for(config, *plugins))
    dispatcher = Dispatcher(table)
    try:
        outcome = dispatcher.call(ToolRequest("T", "shared.tool", {}))
        assert outcome.error.message == ("tool execution failed: tool 'shared.tool' is offered by providers 'alpha' "
                                         "and 'beta'; choose one in lumen.toml [providers]")
    finally:
        dispatcher.close()
    chosen = ProjectConfig(root=Path(tmp_path), data={"providers": {"shared.tool": "beta"}})
    dispatcher = Dispatcher(tool_table_for_run(chosen, host=host_for(chosen, *plugins)))
    try:
        assert dispatcher.call(ToolRequest("T", "shared.tool", {})).value() == "beta"
    finally:
        dispatcher.close()
    wrong = ProjectConfig(root=Path(tmp_path), data={"providers": {"shared.tool": "gamma"}})
    dispatcher = Dispatcher(tool_table_for_run(wrong, host=host_for(wrong, *plugins)))
    try:
        assert dispatcher.call(ToolRequest("T", "shared.tool", {})).error.message == (
            "tool execution failed: lumen.toml [providers] chooses 'gamma' for tool 'shared.tool', but it is "
            "offered only by 'alpha' and 'beta'")
    finally:
        dispatcher.close()


def test_settings_lookup():
    tables = {"fs": {"root": "x"}, "std.env": {"a": 1}, "openai": {"kind": "openai-compatible"}}
    assert settings_for("std.fs", tables) == {"root": "x"}
    assert settings_for("std.env", tables) == {"a": 1}
    assert settings_for("other.openai", tables) == {}
    assert settings_for("openai", tables) == {"kind": "openai-compatible"}
