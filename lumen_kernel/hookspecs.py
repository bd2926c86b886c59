"""Every hook the Lumen kernel calls on plugins (TOOLING.md §1.3).

Plugins implement hooks as functions marked with ``lumen_kernel.hookimpl`` in their entry module (the value of
their ``lumen.plugins`` entry point). The kernel always calls hooks with keyword arguments, and an implementation may
accept only the parameters it needs, so parameters can be added later without breaking plugins.

Registration hooks (``lumen_register_*``) receive a registry object and call its ``add...`` methods; the registry
records which plugin added what. Each plugin's implementation is called on its own: if it raises, that plugin is
reported once on stderr and unregistered entirely (fail-soft, §1.4). Everything a registration hook collects is
sorted by name before it is used or shown, and a name registered twice keeps the registration of the plugin loaded
first (internal ``lumen.core.*`` plugins, then external plugins by ascending name) with a warning.

docs/PLUGINS.md has a worked example per hook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from lumen_kernel.config import ProjectConfig
    from lumen_kernel.plugin_host.builtins import BuiltinRegistry
    from lumen_kernel.plugin_host.checks import CheckRegistry
    from lumen_kernel.plugin_host.commands import CommandRegistry
    from lumen_kernel.plugin_host.imports import ImportRequest, ResolvedModule
    from lumen_kernel.runtime.listeners import RunInfo, RuntimeListener
    from lumen_kernel.tools.registry import ToolRegistry

hookspec = pluggy.HookspecMarker("lumen")

#: Names of the hooks whose implementations only register things (called once per plugin, fail-soft).
REGISTRATION_HOOKS = (
    "lumen_register_commands",
    "lumen_register_builtins",
    "lumen_register_checks",
    "lumen_register_tools",
)


@hookspec(historic=True)
def lumen_add_hookspecs(manager: pluggy.PluginManager) -> None:
    """Add hook specifications that other plugins may implement.

    Historic: called once for every plugin, including plugins registered after the call, as soon as the plugin is
    registered. Call ``manager.add_hookspecs(namespace)`` with a module or class of ``HookspecMarker("lumen")``
    functions. lumen-tui adds ``lumen_tui_register_panels`` this way. Return nothing.
    """


@hookspec
def lumen_register_commands(commands: CommandRegistry) -> None:
    """Add commands to the ``lumen`` command line.

    Call ``commands.add(name, target, *, short_help, parent=None)``. ``target`` is a ``click.Command`` or a lazy
    ``"module:attr"`` string, imported only when the command runs or shows its own help; ``short_help`` is the line
    shown by ``lumen --help`` (so the target is never imported for it); ``parent`` names a command group (``"pkg"``)
    to add a subcommand to it. Called once per process, when the plugin host is first needed.
    """


@hookspec
def lumen_register_tools(tools: ToolRegistry, config: ProjectConfig) -> None:
    """Offer tool providers (TOOLING.md §5.1) for a run.

    Call ``tools.add_provider(provider)`` with an object having ``name``, ``version`` and ``tools()``, and
    ``tools.add_kind(kind, factory)`` to let ``[providers.config.<name>]`` tables with ``kind = "<kind>"`` create
    providers, as ``factory(name, settings, config)``. ``config`` is the project's ``lumen.toml``. Called once per run
    (and for the current directory when the host starts). Import heavy provider modules inside this function, never
    at the top of the entry module.
    """


@hookspec
def lumen_register_builtins(builtins: BuiltinRegistry) -> None:
    """Add builtin functions to the language.

    Call ``builtins.add(name, function, *, params, returns, effects=(), doc="")`` where ``params`` is a sequence of
    ``(name, lumen_type, default)`` triples (use ``REQUIRED`` from ``lumen_kernel.plugin_host.builtins``, or a
    ``(name, lumen_type)`` pair, for a parameter without default) and ``returns`` a Lumen type such as ``"String"``.
    Plugin builtins are checked and called like core builtins; kernel builtin names cannot be replaced.
    """


@hookspec
def lumen_register_checks(checks: CheckRegistry) -> None:
    """Add static checks or lint rules.

    Call ``checks.add(rule_id, function, *, severity, stage, description)``. ``function(module, report)`` inspects a
    checked module and calls ``report(diagnostic)``; ``severity`` is ``"error"`` or ``"warning"``; stage ``"check"``
    runs in ``check``, ``run``, ``test`` and the language server, stage ``"lint"`` in ``lint``, ``ci`` and the
    language server. Rule ids of external plugins contain ``/`` (``"myplugin/no-todo"``).
    """


@hookspec(firstresult=True)
def lumen_resolve_import(request: ImportRequest) -> ResolvedModule | None:
    """Resolve an import the kernel's own module search could not find.

    ``request`` has ``module`` (dotted name), ``importer`` (path of the importing file), ``project_root`` and
    ``root_project``. Return ``ResolvedModule(path, package, version)``, ``None`` to let other plugins try, or raise
    ``ImportResolutionError(message, notes)`` to stop the search with a module-not-found diagnostic carrying the
    notes. First result wins, in pluggy call order (last registered first).
    """


@hookspec
def lumen_runtime_listener(run: RunInfo) -> RuntimeListener | None:
    """Return a listener for the program that is starting, or ``None``.

    ``run`` has ``source``, ``cell``, ``mode`` (``run``, ``test``, ``tui``, ``replay``), ``traced`` and ``run_id``.
    The listener's ``on_event(event)`` receives every runtime event (TOOLING.md §4.1) synchronously on the Lumen
    thread, then ``close(outcome)`` once; ``wants_lines = True`` also requests ``line`` events. A listener that raises
    is detached for the rest of the run with one warning.
    """
