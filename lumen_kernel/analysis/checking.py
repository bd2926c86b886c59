"""Incremental checking for editor sessions (TOOLING.md §6.2).

`IncrementalChecker.check(program)` returns what `lumen_kernel.checker.check_program(program, host)` returns. It
runs the same phases in the same order (the orchestration below mirrors `check_program`; a property test compares
the two), but keeps a memo of **cell-body results**: the diagnostics a cell's body check reported and the places
where it performs effects. The body check of a cell depends only on the cell's own syntax tree and on the
*interface* of the program — every declaration with its bodies left out, the module flags and the import targets
(a cell's return type is never inferred from its body, LANGUAGE.md §4.6). So a cell whose syntax tree is the same
object as last time (its chunk was not re-parsed) is not checked again while the interface is unchanged; an edit
inside one cell body re-checks that cell only, and an edit of a declaration's signature re-checks every cell (its
dependants by name, conservatively).

Declarations, signatures, constants, field defaults, impls, processes, constraints, bounds and effects are cheap
and always run.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, Optional

from ..checker import CheckResult, run_plugin_checks
from ..diagnostics.model import Diagnostic
from ..syntax import ast

# Fields of declarations holding nested cells whose bodies are not part of the interface.
_METHOD_FIELDS = ("methods", "cells", "operations")


@dataclass
class _BodyResult:
    """What checking one cell body produced."""

    nodes: tuple                 # the syntax tree the result belongs to (kept alive: identity is the key)
    interface: Any
    diagnostics: list[Diagnostic]
    sources: list[tuple]         # (span, cause, effects, callee key or None)


@dataclass
class CheckStats:
    """Counters of the last `IncrementalChecker.check` call."""

    checked: int = 0
    reused: int = 0


@dataclass
class IncrementalChecker:
    """Checks successive versions of programs, reusing unchanged cell-body results (see the module docstring)."""

    host: Any = None
    memo: dict[tuple, _BodyResult] = field(default_factory=dict)
    interfaces: dict[int, tuple] = field(default_factory=dict)
    stats: CheckStats = field(default_factory=CheckStats)

    def check(self, program: Any) -> CheckResult:
        """Check a loaded program; the result equals `check_program(program, host)`."""
        from ..checker import _unique
        from ..checker.body import BodyChecker
        from ..checker.builtins_info import all_builtins
        from ..checker.constraints import check_constraints
        from ..checker.declarations import Collector, SignatureResolver, resolve_bounds
        from ..checker.effects import analyse_effects
        from ..checker.machines import check_processes
        from ..checker.module import ModuleInfo, ProgramInfo
        from ..checker.symbols import ConstSym, RecordSym
        from ..checker.traits import check_impls

        host = self.host
        stats = CheckStats()
        interface = self._interface(program)
        info = ProgramInfo(builtins=all_builtins(host))
        result = CheckResult()
        for loaded in program.modules:
            diagnostics = result.diagnostics.setdefault(loaded.path, [])
            diagnostics.extend(loaded.syntax_diagnostics)
            diagnostics.extend(program.import_diagnostics.get(loaded.path, []))
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
        symbols = _CellIndex(info)
        new_memo: dict[tuple, _BodyResult] = {}
        for module in info.modules:
            checker = BodyChecker(module)
            for symbol in module.names.values():
                if isinstance(symbol, ConstSym) and symbol.module is module:
                    checker.check_const(symbol)
            for symbol in module.names.values():
                if isinstance(symbol, RecordSym) and symbol.module is module:
                    checker.check_field_defaults(symbol)
            for cell in module.cells:
                self._check_cell(module, cell, checker, interface, symbols, new_memo, stats)
            check_constraints(module, checker)
        for module in info.modules:
            resolve_bounds(module)
        analyse_effects(info)
        for module in info.modules:
            run_plugin_checks(host, module.loaded, module.diagnostics)
            result.diagnostics[module.path].extend(module.diagnostics)
        for path, diagnostics in result.diagnostics.items():
            result.diagnostics[path] = sorted(_unique(diagnostics), key=Diagnostic.sort_key)
        self.memo = new_memo
        self.stats = stats
        return result

    # ---------------------------------------------------------------------------------------- cell bodies

    def _check_cell(self, module: Any, cell: Any, checker: Any, interface: tuple, symbols: "_CellIndex",
                    new_memo: dict, stats: CheckStats) -> None:
        """Check one cell body, or replay its memoised result."""
        from ..checker.symbols import EffectSource

        nodes = _body_nodes(cell)
        key = (module.path, tuple(id(node) for node in nodes))
        entry = self.memo.get(key)
        if entry is not None and entry.interface == interface and all(
                a is b for a, b in zip(entry.nodes, nodes)):
            callees = [symbols.find(source[3]) if source[3] is not None else None for source in entry.sources]
            if all(callee is not None for callee, source in zip(callees, entry.sources) if source[3] is not None):
                module.diagnostics.extend(entry.diagnostics)
                cell.sources = [EffectSource(span, cause, effects, callee)
                                for (span, cause, effects, _key), callee in zip(entry.sources, callees)]
                new_memo[key] = entry
                stats.reused += 1
                return
        first_diagnostic = len(module.diagnostics)
        first_bound = len(module.pending_bounds)
        checker.check_cell(cell)
        stats.checked += 1
        if len(module.pending_bounds) != first_bound:
            return      # bounds hold checker types of this run: not memoised
        sources = [(source.span, source.cause, source.effects,
                    symbols.key(source.callee) if source.callee is not None else None) for source in cell.sources]
        if any(source[3] is None and original.callee is not None for source, original in zip(sources, cell.sources)):
            return
        new_memo[key] = _BodyResult(nodes=nodes, interface=interface,
                                    diagnostics=list(module.diagnostics[first_diagnostic:]), sources=sources)

    # ------------------------------------------------------------------------------------------ interface

    def _interface(self, program: Any) -> tuple:
        """The program's interface: per module its path, flags, import targets and declaration signatures."""
        cache: dict[int, tuple] = {}
        parts = []
        for loaded in program.modules:
            if loaded.module is None or loaded.has_syntax_errors:
                parts.append((loaded.path, None))
                continue
            signatures = []
            has_statements = False
            for item in loaded.module.items:
                if isinstance(item, ast.Stmt):
                    has_statements = True
                    continue
                cached = self.interfaces.get(id(item))
                if cached is None or cached[0] is not item:
                    cached = (item, _signature(item))
                cache[id(item)] = cached
                signatures.append(cached[1])
            targets = tuple(resolved.target.path if resolved.target is not None else None
                            for resolved in loaded.imports)
            parts.append((loaded.path, loaded.strict, loaded.doc_mode, loaded.deterministic, has_statements,
                          targets, tuple(signatures)))
        self.interfaces = cache
        return tuple(parts)


def _body_nodes(cell: Any) -> tuple:
    """The syntax nodes a cell's body check reads: its declaration, or the statements of the script cell."""
    if getattr(cell, "is_script", False):
        return tuple(cell.decl.body)
    return (cell.decl,)


def _signature(item: Any) -> str:
    """A declaration without its cell bodies, as text (spans are not part of it)."""
    return repr(_without_bodies(item))


def _without_bodies(node: Any) -> Any:
    if isinstance(node, ast.CellDecl):
        return replace(node, body=[])
    if isinstance(node, ast.HandlerDecl):
        return replace(node, cells=[_without_bodies(c) for c in node.cells],
                       handles=[replace(h, cell=_without_bodies(h.cell)) for h in node.handles])
    if isinstance(node, ast.Decl):
        changes = {}
        names = {f.name for f in fields(node)}
        for name in _METHOD_FIELDS:
            if name in names:
                changes[name] = [_without_bodies(c) for c in getattr(node, name)]
        return replace(node, **changes) if changes else node
    return node


class _CellIndex:
    """Stable keys for the cell symbols of a checked program (to re-link memoised effect sources)."""

    def __init__(self, info: Any) -> None:
        self.by_key: dict[tuple, Any] = {}
        self.keys: dict[int, tuple] = {}
        for module in info.modules:
            for cell in _module_cells(module):
                if id(cell) in self.keys:
                    continue
                base = (module.path, cell.display, cell.name, cell.is_operation,
                        getattr(cell.owner, "name", None))
                count = 0
                while (base, count) in self.by_key:
                    count += 1
                self.by_key[(base, count)] = cell
                self.keys[id(cell)] = (base, count)

    def key(self, cell: Any) -> Optional[tuple]:
        return self.keys.get(id(cell))

    def find(self, key: tuple) -> Any:
        return self.by_key.get(key)


def _module_cells(module: Any) -> list:
    """Every cell symbol a module defines: cells, methods, operations, handler cells."""
    from ..checker.symbols import CellSym

    found: list = list(module.cells)
    found.extend(module.handles.values())
    for symbol in module.names.values():
        if symbol.module is not module:
            continue
        if isinstance(symbol, CellSym):
            found.append(symbol)
        for name in ("methods", "operations", "handles", "cells"):
            table = getattr(symbol, name, None)
            if isinstance(table, dict):
                found.extend(value for value in table.values() if isinstance(value, CellSym))
    for impl in module.impls:
        found.extend(impl.methods.values())
    return found
