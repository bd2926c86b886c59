"""A program opened in the dashboard: loaded, checked and linted once, then run any number of times (TOOLING.md §7).

`ProgramSession.open(path, settings)` loads the program with the plugin host's import resolution, collects the
checker's diagnostics (the loader's syntax and import diagnostics when the checker is not installed) and the linter's
findings (when `lumen_kernel.tooling.lint` is installed). `compiles` is false when any of them is an error: the
dashboard then focuses Diagnostics and disables its run keys. `new_run(...)` prepares a `LiveRun`.
"""
from __future__ import annotations

import importlib
import importlib.util
import inspect
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from lumen_tui.live_run import LiveRun, RunSettings


class ProgramSession:
    """The loaded program, its diagnostics and its run settings."""

    def __init__(self, program: Any, settings: RunSettings, *, host: Any = None, config: Any = None,
                 diagnostics: Iterable[Any] = ()) -> None:
        self.program = program
        self.settings = settings
        self.host = host
        self.config = config
        root = program.root.path
        self.diagnostics = sorted(diagnostics, key=lambda d: _diagnostic_order(d, root))
        self.compiles = not any(getattr(d, "is_error", False) for d in self.diagnostics)

    @classmethod
    def open(cls, path: str | Path, settings: RunSettings, *, host: Any = None,
             config: Any = None) -> "ProgramSession":
        """Load, check and lint the program at `path` (diagnostics never raise)."""
        from lumen_kernel.program import load_program

        return cls.for_program(load_program(str(path), host=host), settings, host=host, config=config)

    @classmethod
    def for_program(cls, program: Any, settings: RunSettings, *, host: Any = None,
                    config: Any = None) -> "ProgramSession":
        """Check and lint an already loaded program; `config` defaults to its project's `lumen.toml`."""
        if config is None:
            from lumen_kernel.config import ProjectConfig

            parent = Path(program.root.path).parent
            config = ProjectConfig.discover(parent if str(parent) else Path.cwd())
        diagnostics = check_diagnostics(program, host) + lint_diagnostics(program, host, config)
        return cls(program, settings, host=host, config=config, diagnostics=diagnostics)

    @property
    def root_file(self) -> str:
        """The entry file as the loader named it (also the `co_filename` of its code)."""
        return self.program.root.path

    def source_lines(self, file: str) -> list[str]:
        """The lines of one of the program's files (empty when the file is not part of the program)."""
        module = self.program.module_by_path(file)
        if module is None:
            return []
        lines = module.source.lines
        if lines and lines[-1] == "":
            lines = lines[:-1]
        return lines

    def new_run(self, *, mode: str, breakpoints: Iterable[tuple[str, int]], clock: Callable[[], float]) -> LiveRun:
        """A run of the program, starting in `mode` (`run`, or `into` to stop at the first line)."""
        return LiveRun(self.program, self.settings, host=self.host, config=self.config, mode=mode,
                       breakpoints=breakpoints, clock=clock, listeners=self._plugin_listeners)

    def _plugin_listeners(self, run_id: str) -> list:
        """The listeners plugins return for a dashboard run (`lumen_runtime_listener`, mode `tui`)."""
        if self.host is None:
            return []
        from lumen_kernel.runtime.listeners import RunInfo

        info = RunInfo(source=Path(self.root_file), cell=self.settings.cell, mode="tui", traced=False, run_id=run_id)
        try:
            return list(self.host.runtime_listeners(info))
        except Exception:  # noqa: BLE001 - listeners are optional
            return []


def check_diagnostics(program: Any, host: Any) -> list:
    """Checker diagnostics of every module; the loader's syntax and import diagnostics without a checker."""
    if importlib.util.find_spec("lumen_kernel.checker") is not None:
        from lumen_kernel.checker import check_program

        result = check_program(program, host=host)
        return [d for module in program.modules for d in result.diagnostics.get(module.path, [])]
    found: list = []
    for module in program.modules:
        found.extend(module.syntax_diagnostics)
        found.extend(program.import_diagnostics.get(module.path, []))
    return found


#: Values `lint_diagnostics` can pass to the linter's entry point, by parameter name.
_LINT_ARGUMENTS = ("source", "text", "path", "module", "program", "config", "host")


def lint_diagnostics(program: Any, host: Any, config: Any) -> list:
    """The linter's findings for the program's root file, when `lumen_kernel.tooling.lint` is installed.

    Calls its `lint_source` with the arguments it declares among `source` (the SourceFile), `text`, `path`,
    `module` (the loaded module), `program`, `config` and `host`. A linter that fails gives no findings.
    """
    if importlib.util.find_spec("lumen_kernel.tooling") is None or \
            importlib.util.find_spec("lumen_kernel.tooling.lint") is None:
        return []
    try:
        lint = importlib.import_module("lumen_kernel.tooling.lint")
        lint_source = getattr(lint, "lint_source")
        root = program.root
        available = {"source": root.source, "text": root.source.text, "path": root.path, "module": root,
                     "program": program, "config": config, "host": host}
        parameters = inspect.signature(lint_source).parameters
        kwargs = {name: available[name] for name in parameters if name in _LINT_ARGUMENTS}
        return list(lint_source(**kwargs))
    except Exception:  # noqa: BLE001 - lint findings are optional in the dashboard
        return []


def _diagnostic_order(diagnostic: Any, root: str) -> tuple:
    """Entry file first, then other files by name; by line, column and code inside a file."""
    span = getattr(diagnostic, "span", None)
    code = getattr(diagnostic, "code", "")
    if span is None:
        return (False, "", 0, 0, code)
    return (span.file != root, span.file, span.line, span.column, code)


def diagnostic_location(diagnostic: Any) -> Optional[tuple[str, int, int]]:
    """`(file, line, column)` of a diagnostic, or None when it has no position."""
    span = getattr(diagnostic, "span", None)
    if span is None or not span.line:
        return None
    return span.file, span.line, span.column
