"""Plugin host: fail-soft loading, strict mode, disabling, ordering and conflicts (TOOLING.md §1.3, §1.4)."""

from __future__ import annotations

import pytest

from lumen_kernel import hookimpl
from lumen_kernel.plugin_host.host import PluginHost, PluginLoadError
from lumen_kernel.plugin_host.sources import PluginSource, internal_sources, parse_disabled
from lumen_kernel.testing import run_cli


def external(name: str, plugin: object | None = None, *, error: Exception | None = None,
             version: str = "1.2.3") -> PluginSource:
    """A plugin source as an entry point would give it; ``error`` makes importing it raise."""

    def load() -> object:
        if error is not None:
            raise error
        return plugin

    return PluginSource(name, f"{name.replace('-', '_')}.plugin", name, version, load=load)


def host_with(*sources: PluginSource, **options: object) -> PluginHost:
    """A host with the internal plugins and ``sources``, printing nothing."""
    options.setdefault("stream", None)
    return PluginHost([*internal_sources(), *sources], **options)


class CommandPlugin:
    """Registers one command."""

    def __init__(self, name: str, short_help: str = "A test command") -> None:
        self.name, self.short_help = name, short_help

    @hookimpl
    def lumen_register_commands(self, commands):
        commands.add(self.name, "tests_fake_module:command", short_help=self.short_help)


class FailsInTools:
    """Registers a command and a builtin, then raises in lumen_register_tools."""

    @hookimpl
    def lumen_register_commands(self, commands):
        commands.add("zap", "tests_fake_module:command", short_help="Zap things")

    @hookimpl
    def lumen_register_builtins(self, builtins):
        builtins.add("zap_all", lambda: None, params=[], returns="Null")

    @hookimpl
    def lumen_register_tools(self, tools):
        raise RuntimeError("no tools today")


def test_import_failure_is_reported_once_and_the_rest_works():
    host = host_with(external("lumen-broken", error=ImportError("boom")), external("lumen-ok", CommandPlugin("ok")))
    assert host.messages == ["warning: plugin 'lumen-broken' (lumen-broken 1.2.3) failed to load: ImportError: boom"]
    broken = host.plugin("lumen-broken")
    assert (broken.status, broken.error, broken.hooks) == ("failed", "ImportError: boom", ())
    assert host.plugin("lumen-ok").status == "loaded"
    assert host.commands.get("ok") is not None
    assert host.commands.get("run").plugin == "lumen.core.commands"


def test_failure_in_a_registration_hook_unregisters_the_whole_plugin():
    host = host_with(external("lumen-zap", FailsInTools()))
    assert host.messages == [
        "warning: plugin 'lumen-zap' (lumen-zap 1.2.3) failed to load: RuntimeError: no tools today"]
    assert host.commands.get("zap") is None
    assert host.builtins.entries() == []
    assert host.manager.get_plugin("lumen-zap") is None
    assert host.plugin("lumen-zap").status == "failed"


def test_failed_plugin_leaves_help_working(plugin_host):
    plugin_host(external("lumen-zap", FailsInTools()), external("lumen-ok", CommandPlugin("ok")), stream=None)
    result = run_cli(["--help"])
    assert result.exit_code == 0
    assert " ok " in result.stdout and " zap " not in result.stdout


def test_strict_mode_turns_failures_into_errors_that_stop_every_command(plugin_host):
    host = plugin_host(external("lumen-broken", error=ValueError("bad plugin")), strict=True, stream=None)
    assert host.messages == [
        "error: plugin 'lumen-broken' (lumen-broken 1.2.3) failed to load: ValueError: bad plugin"]
    with pytest.raises(PluginLoadError):
        host.check_strict()
    assert run_cli(["--help"]).exit_code == 1
    assert run_cli(["plugins"]).exit_code == 1


def test_strict_mode_without_failures_changes_nothing(plugin_host):
    plugin_host(external("lumen-ok", CommandPlugin("ok")), strict=True, stream=None)
    assert run_cli(["--help"]).exit_code == 0


def test_disabled_plugins_are_never_imported():
    never = external("lumen-off", error=AssertionError("a disabled plugin must not be imported"))
    host = host_with(never, external("lumen-on", CommandPlugin("on")), disabled={"lumen-off"})
    assert host.messages == []
    assert host.plugin("lumen-off").status == "disabled"
    assert host.plugin("lumen-off").version == "1.2.3"
    assert host.plugin("lumen-on").status == "loaded"


def test_star_disables_every_external_plugin_but_no_internal_one():
    host = host_with(external("lumen-a", CommandPlugin("aaa")), external("lumen-b", CommandPlugin("bbb")),
                     disable_all=True)
    assert [info.status for info in host.plugins(include_internal=False)] == ["disabled", "disabled"]
    assert host.plugin("lumen.core.commands").status == "loaded"
    assert [entry.name for entry in host.commands.top_level()] == [
        "check", "ci", "doc", "fmt", "lint", "plugins", "repl", "run", "test", "trace"]


def test_parse_disabled():
    assert parse_disabled(None) == (frozenset(), False)
    assert parse_disabled(" lumen-pkg, lumen-lsp ,") == (frozenset({"lumen-pkg", "lumen-lsp"}), False)
    assert parse_disabled("*") == (frozenset(), True)


@pytest.mark.parametrize("order", [("lumen-a", "lumen-b"), ("lumen-b", "lumen-a")])
def test_duplicate_registration_keeps_the_first_loaded_plugin(order):
    plugins = {"lumen-a": CommandPlugin("dup", "from a"), "lumen-b": CommandPlugin("dup", "from b")}
    host = host_with(*(external(name, plugins[name]) for name in order))
    entry = host.commands.get("dup")
    assert (entry.plugin, entry.short_help) == ("lumen-a", "from a")
    assert host.messages == [
        "warning: plugin 'lumen-b' tried to register command 'dup' already registered by 'lumen-a'; ignored"]


def test_kernel_commands_cannot_be_replaced():
    host = host_with(external("aaa-first", CommandPlugin("run", "hijacked")))
    assert host.commands.get("run").plugin == "lumen.core.commands"
    assert host.messages == [
        "warning: plugin 'aaa-first' tried to register command 'run' already registered by "
        "'lumen.core.commands'; ignored"]


def test_plugin_builtins_named_like_core_builtins_are_dropped(capsys):
    class Shadow:
        @hookimpl
        def lumen_register_builtins(self, builtins):
            builtins.add("print", lambda *values: None, params=[], returns="Null")
            builtins.add("shout", str.upper, params=[("text", "String")], returns="String")

    host = host_with(external("lumen-shadow", Shadow()))
    assert [b.name for b in host.builtins.entries(reserved={"print", "len"})] == ["shout"]
    assert capsys.readouterr().err == (
        "warning: plugin 'lumen-shadow' tried to register builtin 'print' already registered by "
        "'lumen.core.builtins'; ignored\n")
    host.builtins.entries(reserved={"print"})
    assert capsys.readouterr().err == ""  # warned once


def test_invalid_registration_fails_the_plugin():
    class BadTarget:
        @hookimpl
        def lumen_register_commands(self, commands):
            commands.add("bad", "not a target", short_help="Bad")

    host = host_with(external("lumen-bad", BadTarget()))
    assert host.plugin("lumen-bad").status == "failed"
    assert host.messages == [
        "warning: plugin 'lumen-bad' (lumen-bad 1.2.3) failed to load: RegistrationError: invalid target "
        "'not a target' for command 'bad': expected 'module:attribute'"]


def test_hook_implementation_with_unknown_parameter_fails_the_plugin():
    class WrongSignature:
        @hookimpl
        def lumen_register_commands(self, commands, nonsense):
            pass

    host = host_with(external("lumen-wrong", WrongSignature()))
    assert host.plugin("lumen-wrong").status == "failed"
    assert host.plugin("lumen-wrong").error.startswith("PluginValidationError: ")


def test_implementations_may_accept_a_subset_of_parameters():
    seen = []

    class ToolsWithoutConfig:
        @hookimpl
        def lumen_register_tools(self, tools):
            seen.append(tools)

    host = host_with(external("lumen-subset", ToolsWithoutConfig()))
    assert host.plugin("lumen-subset").status == "loaded"
    assert len(seen) == 1


def test_registrations_are_sorted_whatever_the_registration_order():
    class Many:
        @hookimpl
        def lumen_register_commands(self, commands):
            for name in ("zeta", "alpha", "mid"):
                commands.add(name, "m:c", short_help=name)

    host = host_with(external("lumen-many", Many()))
    names = [entry.name for entry in host.commands.top_level()]
    assert names == sorted(names)
    assert {"alpha", "mid", "zeta"} <= set(names)


def test_plugin_info_lists_implemented_hooks():
    host = host_with(external("lumen-zzz", CommandPlugin("zzz")))
    info = host.plugin("lumen-zzz")
    assert (info.name, info.distribution, info.version, info.module, info.builtin, info.hooks) == (
        "lumen-zzz", "lumen-zzz", "1.2.3", "lumen_zzz.plugin", False, ("lumen_register_commands",))
    core = host.plugin("lumen.core.commands")
    assert (core.builtin, core.distribution) == (True, "lumen-kernel")


def test_two_plugins_with_one_name_keep_the_first():
    host = host_with(external("lumen-twin", CommandPlugin("one")), external("lumen-twin", CommandPlugin("two")))
    assert host.commands.get("one") is not None and host.commands.get("two") is None
    assert host.messages == [
        "warning: plugin 'lumen-twin' (lumen-twin 1.2.3) failed to load: ValueError: another plugin is already "
        "named 'lumen-twin'"]


def test_plugin_raising_in_historic_hook_fails_cleanly():
    class BadSpecs:
        @hookimpl
        def lumen_add_hookspecs(self, manager):
            raise RuntimeError("cannot add specs")

        @hookimpl
        def lumen_register_commands(self, commands):
            commands.add("badspecs", "m:c", short_help="never")

    host = host_with(external("lumen-badspecs", BadSpecs()))
    assert host.messages == [
        "warning: plugin 'lumen-badspecs' (lumen-badspecs 1.2.3) failed to load: RuntimeError: cannot add specs"]
    assert host.manager.get_plugin("lumen-badspecs") is None
    assert host.commands.get("badspecs") is None


def test_strict_failure_during_a_command_exits_1(plugin_host, tmp_path):
    class ToolsFailLater:
        def __init__(self):
            self.calls = 0

        @hookimpl
        def lumen_register_tools(self, tools, config):
            self.calls += 1
            if self.calls > 1:
                raise RuntimeError("second project")

    host = plugin_host(("lumen-later", ToolsFailLater()), strict=True, stream=None)
    (tmp_path / "lumen.toml").write_text("", encoding="utf-8")
    from lumen_kernel.config import ProjectConfig

    with pytest.raises(PluginLoadError):
        host.tool_registry(ProjectConfig.discover(tmp_path))
    assert host.messages == [
        "error: plugin 'lumen-later' (in-process) failed to load: RuntimeError: second project"]
