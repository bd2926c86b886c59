"""The plugin host: loads plugins fail-soft, runs their registration hooks and answers the kernel's hook calls.

Loading (TOOLING.md §1.4): internal ``lumen.core.*`` plugins first, then external plugins by ascending name. A plugin
fails when importing its entry module raises or one of its registration hooks raises; it is then unregistered
entirely and reported once on stderr (``error:`` instead of ``warning:`` with ``LUMEN_STRICT_PLUGINS=1``, which makes
every command exit 1). ``LUMEN_DISABLE_PLUGINS=a,b`` skips plugins without importing them; ``*`` skips every
external plugin.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import pluggy

from lumen_kernel import hookspecs
from lumen_kernel.config import ConfigError, ProjectConfig
from lumen_kernel.plugin_host.builtins import BuiltinRegistry
from lumen_kernel.plugin_host.checks import CheckRegistry
from lumen_kernel.plugin_host.commands import CommandRegistry
from lumen_kernel.plugin_host.imports import ImportRequest, ImportResolutionError, ResolvedModule
from lumen_kernel.plugin_host.recording import PluginRecorder
from lumen_kernel.plugin_host.sources import (
    PluginSource,
    entry_point_sources,
    internal_sources,
    object_source,
    parse_disabled,
)
from lumen_kernel.tools.registry import ToolRegistry

_TRUE_WORDS = ("1", "true", "yes", "on")
_STDERR: Any = object()  # default stream: sys.stderr as it is when a message is printed


class PluginLoadError(Exception):
    """Strict mode: at least one plugin failed (the ``error:`` lines were already printed)."""


@dataclass
class PluginInfo:
    """What ``lumen plugins`` reports about one plugin."""

    name: str
    distribution: str | None
    version: str | None
    module: str
    builtin: bool
    status: str = "loaded"  # "loaded", "failed" or "disabled"
    error: str | None = None
    hooks: tuple[str, ...] = ()
    rank: int = 0


class PluginHost:
    """Loaded plugins, their registrations, and fail-soft calls of the kernel's hooks.

    Attributes: ``manager`` (the pluggy ``PluginManager``), ``commands``, ``builtins`` and ``checks`` (settled
    registries), ``messages`` (every warning or error line printed), ``strict``.
    """

    def __init__(self, sources: Iterable[PluginSource], *, disabled: Iterable[str] = (), disable_all: bool = False,
                 strict: bool = False, config: ProjectConfig | None = None, stream: TextIO | None = _STDERR) -> None:
        self.manager = pluggy.PluginManager("lumen")
        self.manager.add_hookspecs(hookspecs)
        self.manager.hook.lumen_add_hookspecs.call_historic(kwargs={"manager": self.manager})
        self.strict = strict
        self.messages: list[str] = []
        self.commands = CommandRegistry()
        self.builtins = BuiltinRegistry()
        self.checks = CheckRegistry()
        self._stream = stream
        self._infos: dict[str, PluginInfo] = {}
        self._sources: dict[str, PluginSource] = {}
        self._registries: list[PluginRecorder] = [self.commands, self.builtins, self.checks]
        self._tools: ToolRegistry | None = None
        self._tools_key: tuple[Path, Path | None] | None = None
        self._load(list(sources), frozenset(disabled), disable_all)
        self._register_everything(config or ProjectConfig.defaults(Path.cwd()))

    # ----------------------------------------------------------------------------------------------- construction

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None, cwd: Path | None = None,
                         stream: TextIO | None = _STDERR) -> "PluginHost":
        """The host of the ``lumen`` command: internal plugins plus installed entry points, configured by
        ``LUMEN_DISABLE_PLUGINS`` and ``LUMEN_STRICT_PLUGINS`` and the current directory's ``lumen.toml``."""
        environ = os.environ if environ is None else environ
        cwd = Path.cwd() if cwd is None else cwd
        disabled, disable_all = parse_disabled(environ.get("LUMEN_DISABLE_PLUGINS"))
        strict = environ.get("LUMEN_STRICT_PLUGINS", "").strip().lower() in _TRUE_WORDS
        try:
            config = ProjectConfig.discover(cwd, fallback=cwd)
        except ConfigError:
            config = ProjectConfig.defaults(cwd)  # commands reading lumen.toml report the error themselves
        sources = [*internal_sources(), *entry_point_sources()]
        return cls(sources, disabled=disabled, disable_all=disable_all, strict=strict, config=config, stream=stream)

    @classmethod
    def for_plugins(cls, plugins: Iterable[object | tuple[str, object]], *, internal: bool = True,
                    entry_points: bool = False, **options: Any) -> "PluginHost":
        """A host with plugin objects registered in-process (tests, embedding), optionally also the installed ones.

        Each plugin is an object (module, class or instance) named after its ``__name__``/class, a ``(name,
        plugin)`` pair, or a :class:`PluginSource` (whose ``load`` may raise, like a broken entry module).
        """
        sources = internal_sources() if internal else []
        if entry_points:
            sources += entry_point_sources()
        for item in plugins:
            if isinstance(item, PluginSource):
                sources.append(item)
                continue
            if isinstance(item, tuple):
                name, plugin = item
            else:
                plugin = item
                name = getattr(plugin, "__name__", None) or type(plugin).__name__
            sources.append(object_source(str(name), plugin))
        return cls(sources, **options)

    def _load(self, sources: Sequence[PluginSource], disabled: frozenset[str], disable_all: bool) -> None:
        """Import and register every plugin not disabled: internal ones first, then the others by name."""
        ordered = [s for s in sources if s.builtin] + sorted((s for s in sources if not s.builtin),
                                                              key=lambda s: s.name)
        for rank, source in enumerate(ordered):
            info = PluginInfo(source.name, source.distribution, source.version, source.module, source.builtin,
                              rank=rank)
            if source.name in self._infos:
                self._report_failure(source, ValueError(f"another plugin is already named '{source.name}'"))
                continue
            self._infos[source.name] = info
            self._sources[source.name] = source
            if not source.builtin and (disable_all or source.name in disabled):
                info.status = "disabled"
                continue
            try:
                plugin = source.load()
                self.manager.register(plugin, name=source.name)
            except Exception as error:  # a broken plugin must not break the toolchain
                self._fail(source.name, error)

    def _register_everything(self, config: ProjectConfig) -> None:
        """Run the registration hooks of every loaded plugin, then settle conflicts and record hook names."""
        self._call_each("lumen_register_commands", self.commands, commands=self.commands)
        self._call_each("lumen_register_builtins", self.builtins, builtins=self.builtins)
        self._call_each("lumen_register_checks", self.checks, checks=self.checks)
        tools = ToolRegistry()
        self._registries.append(tools)
        self._call_each("lumen_register_tools", tools, tools=tools, config=config)
        for registry in self._registries:
            self._warn_all(registry.settle(self._rank))
        self._tools, self._tools_key = tools, _config_key(config)
        for info in self._infos.values():
            plugin = self.manager.get_plugin(info.name)
            if plugin is not None:
                callers = self.manager.get_hookcallers(plugin) or []
                info.hooks = tuple(sorted(caller.name for caller in callers))

    # ------------------------------------------------------------------------------------------------- failures

    def _fail(self, name: str, error: BaseException) -> None:
        """Mark plugin ``name`` failed: unregister it, forget its registrations and report it once."""
        info = self._infos[name]
        info.status, info.error, info.hooks = "failed", _describe(error), ()
        if self.manager.get_plugin(name) is not None:
            self.manager.unregister(name=name)
        for registry in self._registries:
            registry.discard(name)
        self._report_failure(self._sources[name], error)

    def _report_failure(self, source: PluginSource, error: BaseException) -> None:
        """Print the §1.4 failure line."""
        self.emit("error" if self.strict else "warning",
                   f"plugin {source.describe()} failed to load: {_describe(error)}")

    def _hook_failed(self, name: str, hook: str, error: BaseException) -> None:
        """Report a plugin raising in a non-registration hook; strict mode stops the command."""
        self.emit("error" if self.strict else "warning", f"plugin '{name}' failed in {hook}: {_describe(error)}")
        if self.strict:
            raise PluginLoadError(f"plugin '{name}' failed in {hook}")

    def emit(self, level: str, text: str) -> None:
        """Record and print one ``warning:``/``error:`` line."""
        line = f"{level}: {text}"
        self.messages.append(line)
        stream = sys.stderr if self._stream is _STDERR else self._stream
        if stream is not None:
            print(line, file=stream, flush=True)

    def _warn_all(self, warnings: Iterable[str]) -> None:
        """Print conflict warnings."""
        for warning in warnings:
            self.emit("warning", warning)

    @property
    def failed(self) -> list[str]:
        """Names of the plugins that failed, sorted."""
        return sorted(name for name, info in self._infos.items() if info.status == "failed")

    def check_strict(self) -> None:
        """Raise :class:`PluginLoadError` when strict mode is on and a plugin failed."""
        if self.strict and self.failed:
            raise PluginLoadError("plugins failed to load: " + ", ".join(self.failed))

    # ---------------------------------------------------------------------------------------------- hook calls

    def _rank(self, name: str) -> tuple[int, str]:
        """Load order of a plugin (unknown names last)."""
        info = self._infos.get(name)
        return (info.rank if info else len(self._infos), name)

    def _call_each(self, hook_name: str, registry: PluginRecorder, **kwargs: Any) -> None:
        """Call every loaded plugin's implementation of a registration hook on its own, in pluggy call order."""
        caller = getattr(self.manager.hook, hook_name, None)
        if caller is None:
            return
        for impl in reversed(caller.get_hookimpls()):
            if impl.wrapper or impl.hookwrapper:
                continue
            info = self._infos.get(impl.plugin_name)
            if info is None or info.status != "loaded":
                continue
            with registry.recording(impl.plugin_name, internal=info.builtin):
                try:
                    impl.function(*[kwargs[name] for name in impl.argnames])
                except Exception as error:  # fail-soft: this plugin goes, the others stay
                    self._fail(impl.plugin_name, error)

    def collect(self, hook_name: str, registry: PluginRecorder, **kwargs: Any) -> PluginRecorder:
        """Run a plugin-defined registration hook (e.g. ``lumen_tui_register_panels``) fail-soft into ``registry``.

        ``registry`` is a :class:`PluginRecorder` subclass; conflicts are settled and reported like the kernel's.
        """
        before = set(self.failed)
        self._registries.append(registry)
        self._call_each(hook_name, registry, **kwargs)
        self._warn_all(registry.settle(self._rank))
        if self.strict and set(self.failed) - before:
            raise PluginLoadError(f"a plugin failed in {hook_name}")
        return registry

    def tool_registry(self, config: ProjectConfig, *, fresh: bool = False) -> ToolRegistry:
        """The providers and kinds plugins offer for a run in the project of ``config`` (TOOLING.md §5.2).

        ``lumen_register_tools`` ran for the current directory's project when the host started, and that result is
        reused for the same project; another project, or ``fresh=True`` (new provider objects for a new run in the
        same process), calls the hook again.
        """
        if not fresh and self._tools is not None and self._tools_key == _config_key(config):
            return self._tools
        registry = ToolRegistry()
        self.collect("lumen_register_tools", registry, tools=registry, config=config)
        self._tools, self._tools_key = registry, _config_key(config)
        return registry

    def resolve_import(self, request: ImportRequest) -> ResolvedModule | None:
        """Ask plugins for a module the kernel could not find; the first non-``None`` answer wins.

        ``ImportResolutionError`` raised by a plugin propagates (it ends the search with a diagnostic).
        """
        caller = self.manager.hook.lumen_resolve_import
        for impl in reversed(caller.get_hookimpls()):
            if impl.wrapper or impl.hookwrapper:
                continue
            try:
                result = impl.function(*[{"request": request}[name] for name in impl.argnames])
            except ImportResolutionError:
                raise
            except Exception as error:
                self._hook_failed(impl.plugin_name, "lumen_resolve_import", error)
                continue
            if result is not None:
                return result
        return None

    def runtime_listeners(self, run: Any) -> list[Any]:
        """The listeners plugins return for a starting program (``run`` is a ``RunInfo``)."""
        listeners = []
        caller = self.manager.hook.lumen_runtime_listener
        for impl in reversed(caller.get_hookimpls()):
            if impl.wrapper or impl.hookwrapper:
                continue
            try:
                listener = impl.function(*[{"run": run}[name] for name in impl.argnames])
            except Exception as error:
                self._hook_failed(impl.plugin_name, "lumen_runtime_listener", error)
                continue
            if listener is not None:
                listeners.append(listener)
        return listeners

    # ------------------------------------------------------------------------------------------------- listing

    def plugins(self, *, include_internal: bool = True) -> list[PluginInfo]:
        """Every known plugin sorted by name (``lumen.core.*`` ones only with ``include_internal``)."""
        infos = [info for info in self._infos.values() if include_internal or not info.builtin]
        return sorted(infos, key=lambda info: info.name)

    def plugin(self, name: str) -> PluginInfo | None:
        """The plugin called ``name``, if known."""
        return self._infos.get(name)


def _describe(error: BaseException) -> str:
    """``<Type>: <message>`` of an exception."""
    message = str(error)
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def _config_key(config: ProjectConfig) -> tuple[Path, Path | None]:
    """What makes two configurations the same project."""
    return (Path(config.root).absolute(), config.manifest)
