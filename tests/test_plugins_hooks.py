"""One test per hookspec (TOOLING.md §1.3, §8 item 7), plus the check that each hook is tested and documented."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import click
import pluggy
import pytest

from lumen_kernel import hookimpl, hookspecs
from lumen_kernel.config import ProjectConfig
from lumen_kernel.plugin_host.builtins import REQUIRED, BuiltinParam
from lumen_kernel.plugin_host.imports import ImportRequest, ImportResolutionError, ResolvedModule
from lumen_kernel.plugin_host.recording import PluginRecorder
from lumen_kernel.runtime.listeners import RunInfo
from lumen_kernel.testing import run_cli

REPO = Path(__file__).resolve().parents[1]


def kernel_hook_names() -> list[str]:
    """Every hook specified in lumen_kernel/hookspecs.py."""
    return sorted(name for name, value in vars(hookspecs).items()
                  if name.startswith("lumen_") and callable(value) and hasattr(value, "lumen_spec"))


def test_every_hookspec_has_a_test_and_a_plugins_md_section():
    names = kernel_hook_names()
    assert names == ["lumen_add_hookspecs", "lumen_register_builtins", "lumen_register_checks",
                     "lumen_register_commands", "lumen_register_tools", "lumen_resolve_import",
                     "lumen_runtime_listener"]
    tests = {name for name in globals() if name.startswith("test_hook_")}
    assert tests == {f"test_hook_{name}" for name in names}
    text = (REPO / "docs" / "PLUGINS.md").read_text(encoding="utf-8")
    documented = {line[len("### `"):-1] for line in text.splitlines() if line.startswith("### `lumen_")}
    assert documented == set(names) | {"lumen_tui_register_panels"}


# --------------------------------------------------------------------------------------------- lumen_add_hookspecs

class ThingRegistry(PluginRecorder):
    """Registry for the demo hook added through lumen_add_hookspecs."""

    def add(self, name: str) -> None:
        self._record("thing", name, name)


class DemoSpecs:
    @pluggy.HookspecMarker("lumen")
    def demo_register_things(self, things):
        """Add things."""


class AddsSpecs:
    @hookimpl
    def lumen_add_hookspecs(self, manager):
        manager.add_hookspecs(DemoSpecs)


class ImplementsDemo:
    def __init__(self, thing: str) -> None:
        self.thing = thing

    @hookimpl
    def demo_register_things(self, things):
        things.add(self.thing)


class BrokenDemo:
    @hookimpl
    def demo_register_things(self, things):
        raise KeyError("nope")


def test_hook_lumen_add_hookspecs(plugin_host):
    # "a-impl" registers before "z-specs" adds the spec: historic delivery still makes the hook known.
    host = plugin_host(("a-impl", ImplementsDemo("apple")), ("m-impl", ImplementsDemo("melon")),
                       ("b-broken", BrokenDemo()), ("z-specs", AddsSpecs()), stream=None)
    assert host.manager.hook.demo_register_things.has_spec()
    registry = ThingRegistry()
    host.collect("demo_register_things", registry, things=registry)
    assert [item.key for item in registry.registrations("thing")] == ["apple", "melon"]
    assert host.plugin("b-broken").status == "failed"
    assert "warning: plugin 'b-broken' (in-process) failed to load: KeyError: 'nope'" in host.messages


# ----------------------------------------------------------------------------------------- lumen_register_commands

GREETER_SOURCE = '''
import click

@click.command()
@click.argument("name")
def greet(name):
    """Greet NAME."""
    click.echo(f"Hi {name}")
'''


class Greeter:
    @hookimpl
    def lumen_register_commands(self, commands):
        commands.add("greet", "lumen_test_greeter:greet", short_help="Greet somebody (lazy)")
        commands.add("box", BOX, short_help="A group given as a click object")


@click.group()
def BOX():
    """A group."""


@BOX.command()
def inner():
    """Built into the group."""
    click.echo("inner ran")


class AddsToBox:
    @hookimpl
    def lumen_register_commands(self, commands):
        commands.add("extra", EXTRA, short_help="Added to box by another plugin", parent="box")


@click.command()
def EXTRA():
    click.echo("extra ran")


def test_hook_lumen_register_commands(plugin_host, tmp_path, monkeypatch):
    (tmp_path / "lumen_test_greeter.py").write_text(GREETER_SOURCE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    plugin_host(("lumen-greeter", Greeter()), ("lumen-boxer", AddsToBox()), stream=None)

    help_result = run_cli(["--help"])
    assert help_result.exit_code == 0
    assert "Greet somebody (lazy)" in help_result.stdout
    assert "lumen_test_greeter" not in sys.modules  # --help used the registered short help only

    assert run_cli(["greet", "Ada"]).stdout == "Hi Ada\n"
    assert "lumen_test_greeter" in sys.modules
    assert run_cli(["box", "inner"]).stdout == "inner ran\n"
    assert run_cli(["box", "extra"]).stdout == "extra ran\n"
    box_help = run_cli(["box", "--help"]).stdout
    assert "extra" in box_help and "Added to box by another plugin" in box_help
    assert BOX.commands.keys() == {"inner"}  # the plugin's own group object is not modified
    monkeypatch.delitem(sys.modules, "lumen_test_greeter")


# -------------------------------------------------------------------------------------------- lumen_register_tools

class FakeSpec:
    def __init__(self, tool_id: str) -> None:
        self.id = tool_id


class FakeProvider:
    def __init__(self, name: str, tool_ids: list[str], version: str = "1.0") -> None:
        self.name, self.version, self._ids = name, version, tool_ids

    def tools(self):
        return [FakeSpec(tool_id) for tool_id in self._ids]


class ToolPlugin:
    def __init__(self) -> None:
        self.configs: list[ProjectConfig] = []

    @hookimpl
    def lumen_register_tools(self, tools, config):
        self.configs.append(config)
        tools.add_provider(FakeProvider("fake.b", ["zeta.tool", "alpha.tool"]))
        tools.add_kind("fake-kind", lambda name, settings, config: FakeProvider(name, [f"{name}.{settings['tool']}"]))


def test_hook_lumen_register_tools(plugin_host, tmp_path):
    plugin = ToolPlugin()
    host = plugin_host(("lumen-faketools", plugin), stream=None)
    assert len(plugin.configs) == 1  # called once when the host started

    project = tmp_path / "project"
    project.mkdir()
    (project / "lumen.toml").write_text(
        '[providers.config.mine]\nkind = "fake-kind"\ntool = "ask"\n\n'
        '[providers.config.other]\nkind = "unknown-kind"\n\n[providers.config.fs]\nroot = "data"\n',
        encoding="utf-8")
    config = ProjectConfig.discover(project)
    registry = host.tool_registry(config)
    assert plugin.configs[-1] is config and len(plugin.configs) == 2  # a new project: called again
    assert host.tool_registry(config) is registry and len(plugin.configs) == 2  # same project: reused
    assert host.tool_registry(config, fresh=True) is not registry and len(plugin.configs) == 3

    assert [entry.name for entry in registry.providers()] == ["fake.b"]
    assert list(registry.kinds()) == ["fake-kind"]
    warnings: list[str] = []
    configured = registry.configured_providers(config, warn=warnings.append)
    assert [(entry.name, entry.plugin, entry.configured_as) for entry in configured] == [
        ("mine", "lumen-faketools", "mine")]
    assert warnings == ["[providers.config.other]: unknown provider kind 'unknown-kind'"]
    assert [tool.id for tool in registry.offered_tools(configured)] == ["alpha.tool", "mine.ask", "zeta.tool"]
    assert registry.tool_ids_by_plugin() == {"lumen-faketools": ["alpha.tool", "zeta.tool"]}


# ------------------------------------------------------------------------------------------ lumen_register_builtins

class BuiltinPlugin:
    @hookimpl
    def lumen_register_builtins(self, builtins):
        builtins.add("shout", lambda text, times=1: text.upper() * times,
                     params=[("text", "String", REQUIRED), ("times", "Int", 1)], returns="String",
                     doc="Upper-case text.")
        builtins.add("beep", lambda: None, params=[], returns="Null", effects=["emit"])


def test_hook_lumen_register_builtins(plugin_host):
    host = plugin_host(("lumen-shout", BuiltinPlugin()), stream=None)
    entries = host.builtins.entries()
    assert [entry.name for entry in entries] == ["beep", "shout"]
    shout = host.builtins.get("shout")
    assert shout.params == (BuiltinParam("text", "String"), BuiltinParam("times", "Int", 1))
    assert [param.required for param in shout.params] == [True, False]
    name, lumen_type, default = shout.params[1]
    assert (name, lumen_type, default) == ("times", "Int", 1)
    assert (shout.returns, shout.doc, shout.plugin, shout.effects) == ("String", "Upper-case text.", "lumen-shout", ())
    assert shout.function("hey", 2) == "HEYHEY"
    assert host.builtins.get("beep").effects == ("emit",)
    assert host.builtins.names_by_plugin() == {"lumen-shout": ["beep", "shout"]}


# -------------------------------------------------------------------------------------------- lumen_register_checks

def no_todo(module, report):
    report("finding")


class CheckPlugin:
    @hookimpl
    def lumen_register_checks(self, checks):
        checks.add("style/no-todo", no_todo, severity="warning", stage="lint", description="No TODO")
        checks.add("style/strict-names", no_todo, severity="error", stage="check", description="Names")


class BadCheckPlugin:
    @hookimpl
    def lumen_register_checks(self, checks):
        checks.add("no-slash", no_todo, severity="warning", stage="lint", description="Missing the / prefix")


def test_hook_lumen_register_checks(plugin_host):
    host = plugin_host(("lumen-style", CheckPlugin()), ("lumen-badcheck", BadCheckPlugin()), stream=None)
    assert [rule.rule_id for rule in host.checks.entries()] == ["style/no-todo", "style/strict-names"]
    assert [rule.rule_id for rule in host.checks.entries(stage="lint")] == ["style/no-todo"]
    rule = host.checks.entries(stage="check")[0]
    assert (rule.severity, rule.stage, rule.description, rule.plugin) == ("error", "check", "Names", "lumen-style")
    found = []
    rule.function(None, found.append)
    assert found == ["finding"]
    assert host.plugin("lumen-badcheck").status == "failed"
    assert "must contain '/'" in host.plugin("lumen-badcheck").error


# --------------------------------------------------------------------------------------------- lumen_resolve_import

class Resolver:
    def __init__(self, prefix: str, answer: str) -> None:
        self.prefix, self.answer, self.calls = prefix, answer, 0

    @hookimpl
    def lumen_resolve_import(self, request):
        self.calls += 1
        if request.module == "forbidden":
            raise ImportResolutionError("module 'forbidden' not found", notes=["it is forbidden"])
        if request.module.startswith(self.prefix):
            return ResolvedModule(Path(self.answer), package=self.prefix, version="1.0.0")
        return None


class CrashingResolver:
    @hookimpl
    def lumen_resolve_import(self, request):
        raise OSError("disk on fire")


def test_hook_lumen_resolve_import(plugin_host, tmp_path):
    first, second = Resolver("vec", "/a.lm"), Resolver("vec", "/b.lm")
    host = plugin_host(("lumen-a", first), ("lumen-b", second), ("lumen-c", CrashingResolver()), stream=None)
    request = ImportRequest("vecs.linear", tmp_path / "main.lm", tmp_path, tmp_path)
    # pluggy call order: last registered first; "lumen-c" crashes (warned), then "lumen-b" answers.
    assert host.resolve_import(request) == ResolvedModule(Path("/b.lm"), "vec", "1.0.0")
    assert (first.calls, second.calls) == (0, 1)
    assert host.messages[-1] == "warning: plugin 'lumen-c' failed in lumen_resolve_import: OSError: disk on fire"
    assert host.resolve_import(ImportRequest("other", tmp_path / "main.lm", None, None)) is None
    with pytest.raises(ImportResolutionError) as raised:
        host.resolve_import(ImportRequest("forbidden", tmp_path / "main.lm", None, None))
    assert (raised.value.message, raised.value.notes) == ("module 'forbidden' not found", ("it is forbidden",))


# ------------------------------------------------------------------------------------------ lumen_runtime_listener

class Listener:
    wants_lines = False

    def __init__(self) -> None:
        self.events: list = []

    def on_event(self, event):
        self.events.append(event)

    def close(self, outcome):
        self.events.append(("closed", outcome))


class ListenerPlugin:
    def __init__(self) -> None:
        self.runs: list[RunInfo] = []

    @hookimpl
    def lumen_runtime_listener(self, run):
        self.runs.append(run)
        return Listener() if run.mode == "run" else None


def test_hook_lumen_runtime_listener(plugin_host, tmp_path):
    plugin = ListenerPlugin()
    host = plugin_host(("lumen-listen", plugin), stream=None)
    run = RunInfo(source=tmp_path / "main.lm", cell="main", mode="run", traced=False, run_id="r1")
    listeners = host.runtime_listeners(run)
    assert len(listeners) == 1 and isinstance(listeners[0], Listener)
    assert plugin.runs == [run]
    assert host.runtime_listeners(RunInfo(tmp_path / "main.lm", "main", "test", False, "r2")) == []


def test_lumen_tui_adds_its_panel_hook_through_lumen_add_hookspecs():
    from lumen_kernel.plugin_host.host import PluginHost

    host = PluginHost.from_environment(environ={}, stream=None)
    assert host.plugin("lumen-tui").status == "loaded"
    caller = host.manager.hook.lumen_tui_register_panels
    assert caller.has_spec() and caller.spec.argnames == ("panels",)


def test_hookspec_docstrings_say_what_each_hook_receives():
    for name in kernel_hook_names():
        doc = inspect.getdoc(getattr(hookspecs, name))
        assert doc and len(doc.splitlines()) >= 2, name
