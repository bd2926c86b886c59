"""A program opened in the dashboard: loaded, checked and linted once, then run any number of times (TOOLING.md §7).

`ProgramSession.open(path, settings)` loads the program with the plugin host's import resolution, collects the
checker's diagnostics (the loader's syntax and import diagnostics when the checker is not installed) and the linter's
findings (when `lumen_kernel.tooling.lint` is installed). `compiles` is false when a checker diagnostic is an error
(lint findings never stop a run): the dashboard then focuses Diagnostics and disables its run keys. `new_run(...)`
prepares a `LiveRun`.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from lumen_tui.live_run import LiveRun, RunSettings


class ProgramSession:
    """The loaded program, its diagnostics and its run settings."""

    def __init__(self, program: Any, settings: RunSettings, *, host: Any = None, config: Any = None,
                 diagnostics: Iterable[Any] = (), findings: Iterable[Any] = ()) -> None:
        self.program = program
        self.settings = settings
        self.host = host
        self.config = config
        root = program.root.path
        diagnostics = list(diagnostics)
        self.compiles = not any(getattr(d, "is_error", False) for d in diagnostics)
        self.diagnostics = sorted([*diagnostics, *findings], key=lambda d: _diagnostic_order(d, root))

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
        return cls(program, settings, host=host, config=config, diagnostics=check_diagnostics(program, host),
                   findings=lint_diagnostics(program, host, config))

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


def lint_diagnostics(program: Any, host: Any, config: Any) -> list:
    """The linter's findings for the program's entry file, when `lumen_kernel.tooling.lint` is installed.

    A file with syntax errors is not linted (the checker reports them); a linter that fails gives no findings, and
    a malformed `[lint]` table falls back to the default lint settings.
    """
    if program.root.has_syntax_errors or importlib.util.find_spec("lumen_kernel.tooling") is None or \
            importlib.util.find_spec("lumen_kernel.tooling.lint") is None:
        return []
    from lumen_kernel.tooling.lint import LintConfigError, LintSettings, lint_source

    try:
        try:
            settings = LintSettings.from_config(config) if config is not None else LintSettings()
        except LintConfigError:
            settings = LintSettings()
        return list(lint_source(program.root.source, settings, host))
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
