"""Static semantics of Lumen (LANGUAGE.md §4): names, types, patterns, effects, grants, constraints.

`check_program(program, host=None)` checks every module of a loaded program (`lumen_kernel.program`) and returns
a `CheckResult` whose `diagnostics` map each module path to its diagnostics (syntax, import and semantic), sorted
by line, column and code. Every checked expression gets its static type in `expr.ty` (see `checker.types`).

Phases per module (§4.1): a module with syntax errors is not checked further; otherwise declarations, types,
effects and constraints all run and their diagnostics are reported together.

Cell bodies are the expensive phase. `check_program(..., cells=hook)` lets a caller (the language server's
`analysis.checking.IncrementalChecker`) take over the body check of each cell, e.g. to replay a memoised result,
while every other phase, and their order, stays here. See `CellCheckHook`. `check_program(...,
declarations=memo)` lets the same caller skip the declaration phases when only cell bodies changed since the
previous check (see `checker.reuse`).
"""
from __future__ import annotations

import gc
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator, Optional, Protocol

from ..diagnostics.model import Diagnostic


@dataclass
class CheckResult:
    """Diagnostics of every module of a program, by module path (in program order: dependencies first)."""

    diagnostics: dict[str, list[Diagnostic]] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        """Whether any module has an error (warnings alone do not count)."""
        return any(d.is_error for diagnostics in self.diagnostics.values() for d in diagnostics)

    def all(self) -> list[Diagnostic]:
        """Every diagnostic, module by module."""
        return [d for diagnostics in self.diagnostics.values() for d in diagnostics]

    @property
    def error_count(self) -> int:
        """Number of errors over all modules."""
        return sum(1 for d in self.all() if d.is_error)

    @property
    def warning_count(self) -> int:
        """Number of warnings over all modules."""
        return sum(1 for d in self.all() if d.severity == "warning")


@contextmanager
def gc_paused() -> Iterator[None]:
    """Suspend the cyclic garbage collector (the checker allocates many small acyclic objects; collecting while a
    large AST is alive costs more than the check itself)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class CellCheckHook(Protocol):
    """Takes over the body check of cells during `check_program` (the rest of the check is unchanged).

    `begin(info)` is called once, after declarations, signatures, impls and processes of every module are known
    and before any body is checked (`info` is the `checker.module.ProgramInfo`). Then, for each cell of each
    module in order, `check_cell(module, cell, checker)` is called instead of `checker.check_cell(cell)`
    (`module` is a `checker.module.ModuleInfo`, `checker` its `checker.body.BodyChecker`). It must leave the
    module's diagnostics and the cell's effect sources as `checker.check_cell(cell)` would. When the
    `ProgramInfo` was reused from the previous check (`declarations=`), `info` is the same object as then and
    each cell symbol still holds the effect sources that check left.
    """

    def begin(self, info: Any) -> None:
        """Called before the first cell body is checked."""

    def check_cell(self, module: Any, cell: Any, checker: Any) -> None:
        """Check (or replay the check of) one cell body."""


def check_program(program: Any, host: Any = None, *, cells: Optional[CellCheckHook] = None,
                  declarations: Any = None) -> CheckResult:
    """Check a loaded program (`lumen_kernel.program.Program`); `host` supplies plugin builtins and checks;
    `cells`, when given, checks the cell bodies (see `CellCheckHook`); `declarations`, a
    `checker.reuse.DeclarationMemo`, lets successive checks share the declaration phases when only cell bodies
    changed."""
    with gc_paused():
        return _check_program(program, host, cells, declarations)


def _check_program(program: Any, host: Any, cells: Optional[CellCheckHook], memo: Any) -> CheckResult:
    from .body import BodyChecker
    from .builtins_info import plugin_builtins
    from .constraints import check_constraints
    from .declarations import resolve_bounds
    from .effects import analyse_effects
    from .symbols import ConstSym, RecordSym

    result = CheckResult()
    for loaded in program.modules:
        diagnostics = result.diagnostics.setdefault(loaded.path, [])
        diagnostics.extend(loaded.syntax_diagnostics)
        diagnostics.extend(program.import_diagnostics.get(loaded.path, []))
    plugins = plugin_builtins(host)
    info = memo.take(program, host, plugins) if memo is not None else None
    if info is None:
        info = _declarations(program, plugins)
        if memo is not None:
            memo.keep(program, host, plugins, info)
    if cells is not None:
        cells.begin(info)
    for module in info.modules:
        checker = BodyChecker(module)
        for symbol in module.names.values():
            if isinstance(symbol, ConstSym) and symbol.module is module:
                checker.check_const(symbol)
        for symbol in module.names.values():
            if isinstance(symbol, RecordSym) and symbol.module is module:
                checker.check_field_defaults(symbol)
        for cell in module.cells:
            if cells is None:
                checker.check_cell(cell)
            else:
                cells.check_cell(module, cell, checker)
        check_constraints(module, checker)
    for module in info.modules:
        resolve_bounds(module)
    analyse_effects(info)
    for module in info.modules:
        run_plugin_checks(host, module.loaded, module.diagnostics)
        result.diagnostics[module.path].extend(module.diagnostics)
    for path, diagnostics in result.diagnostics.items():
        result.diagnostics[path] = sorted(_unique(diagnostics), key=Diagnostic.sort_key)
    return result


def _declarations(program: Any, plugins: dict) -> Any:
    """The declaration phases: every checkable module's names, signatures, impls and processes."""
    from .builtins_info import all_builtins
    from .declarations import Collector, SignatureResolver
    from .machines import check_processes
    from .module import ModuleInfo, ProgramInfo
    from .traits import check_impls

    info = ProgramInfo(builtins=all_builtins(plugins=plugins))
    for loaded in program.modules:
        if loaded.module is None or loaded.has_syntax_errors:
            continue
        module = ModuleInfo(loaded=loaded, program=info, path=loaded.path)
        info.infos[id(loaded)] = module
        info.modules.append(module)
        Collector(module).run()
    for module in info.modules:
        SignatureResolver(module).run()
    info.cell_names = {cell.name for module in info.modules for cell in module.cells}
    for module in info.modules:
        check_impls(module)
        check_processes(module)
    return info


def run_plugin_checks(host: Any, loaded: Any, sink: list[Diagnostic]) -> None:
    """Plugin rules of stage `check` (TOOLING.md §1.3): `function(module, report)`; a failing rule only warns."""
    registry = getattr(host, "checks", None) if host is not None else None
    if registry is None:
        return
    for rule in registry.entries(stage="check"):
        def report(diagnostic: Diagnostic, rule=rule) -> None:
            """Collect one plugin diagnostic, with the rule's severity."""
            if isinstance(diagnostic, Diagnostic):
                diagnostic.severity = rule.severity
                sink.append(diagnostic)

        try:
            rule.function(loaded, report)
        except Exception as exc:  # noqa: BLE001 - a broken plugin rule must not stop the check
            print(f"warning: check '{rule.rule_id}' of plugin '{rule.plugin}' failed: {type(exc).__name__}: {exc}",
                  file=sys.stderr)


def _unique(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Drop exact repeats (same code, message and position)."""
    seen: set[tuple] = set()
    kept = []
    for diagnostic in diagnostics:
        span = diagnostic.span
        key = (diagnostic.code, diagnostic.message, span.line if span else 0, span.column if span else 0)
        if key in seen:
            continue
        seen.add(key)
        kept.append(diagnostic)
    return kept


__all__ = ["CellCheckHook", "CheckResult", "check_program", "gc_paused"]
