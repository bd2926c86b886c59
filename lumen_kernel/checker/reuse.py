"""Reusing the declaration phases of the previous check (editor sessions, TOOLING.md §6.2).

The declaration phases of `check_program` (collecting names, resolving signatures, impls, processes) build a
`ProgramInfo` that depends only on the *headers* of the program's declarations: a cell's body is read by the body
phase alone. While someone types inside a cell body, the editor re-checks a program whose declarations are the
same objects as last time except for that one cell, whose header is unchanged. `DeclarationMemo` keeps the
`ProgramInfo` of the last check and, for such a program, hands it back instead of building a new one: the changed
cells' symbols are pointed at their new syntax trees and every state the later phases write (diagnostics, pending
bound checks, constant types) is put back as it was right after the declaration phases.

The memo is used only when it certainly gives what a fresh build gives:
- the same modules in the same order, with the same flags, syntax-error status and import targets, and the same
  plugin builtins;
- every top-level item is the object checked last time at the same line (an edit that moves lines moves spans,
  which symbols and diagnostics hold), except top-level cells replaced by a cell with an equal header at the same
  positions (name, generics, parameters, result, effect row, and every span among them).
Anything else builds the `ProgramInfo` afresh (and the memo keeps that one).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from ..syntax import ast
from .symbols import CellSym, ConstSym

# The fields of a `CellDecl` that make up its header (what the declaration phases read).
_HEADER_FIELDS = ("name", "generics", "params", "result", "effects", "expr_body", "has_body", "is_async")


@dataclass
class _ModuleState:
    """What one module looked like when its `ModuleInfo` was built, and the state to restore before reuse."""

    path: str
    checked: bool                   # has a ModuleInfo (no syntax errors)
    flags: tuple
    imports: tuple                  # (import declaration, target path or None) per resolved import
    items: list                     # the top-level items
    lines: list                     # their first lines
    diagnostics: list               # the module's diagnostics after the declaration phases
    pending_bounds: list
    cells_by_decl: dict = field(default_factory=dict)   # id(top-level CellDecl) -> its CellSym
    inferred_consts: list = field(default_factory=list)  # constants typed by their initializer


@dataclass
class DeclarationMemo:
    """Keeps the declaration-phase `ProgramInfo` of the last check for reuse (see the module docstring)."""

    info: Any = field(default=None, repr=False)
    modules: list[_ModuleState] = field(default_factory=list, repr=False)
    plugin_builtins: Any = field(default=None, repr=False)
    host: Any = field(default=None, repr=False)
    reused: int = 0                 # how many checks reused the info (tests read it)

    def take(self, program: Any, host: Any, plugin_builtins: dict) -> Any:
        """The kept `ProgramInfo` made ready for `program`, or None when it cannot be reused."""
        if self.info is None or host is not self.host or plugin_builtins != self.plugin_builtins \
                or len(program.modules) != len(self.modules):
            return None
        rebinds: list[tuple[CellSym, ast.CellDecl]] = []
        for loaded, kept in zip(program.modules, self.modules):
            if not _same_module(loaded, kept, rebinds):
                return None
        info = self.info
        for cell, decl in rebinds:
            _rebind(cell, decl)
        info.infos = {}
        for loaded, kept in zip(program.modules, self.modules):
            if kept.checked:
                module = next(m for m in info.modules if m.path == kept.path)
                module.loaded = loaded
                info.infos[id(loaded)] = module
                kept.items = list(loaded.module.items)
                module.diagnostics = list(kept.diagnostics)
                module.pending_bounds = list(kept.pending_bounds)
                for const in kept.inferred_consts:
                    const.type = None
                    const.checking = False
        for cell, decl in rebinds:
            for kept in self.modules:
                if kept.path == cell.module.path:
                    kept.cells_by_decl[id(decl)] = cell
        self.reused += 1
        return info

    def keep(self, program: Any, host: Any, plugin_builtins: dict, info: Any) -> None:
        """Remember the `ProgramInfo` just built by the declaration phases for `program` (unless the program has a
        module with syntax errors and a kept one has none: the edit fixing the error is then compared with the
        state before it; a root with a syntax error loads no imports, so its program has other modules)."""
        by_path = {module.path: module for module in info.modules}
        if len(by_path) < len(program.modules) and self.info is not None \
                and all(kept.checked for kept in self.modules):
            return
        states = []
        for loaded in program.modules:
            module = by_path.get(loaded.path)
            checked = module is not None and module.loaded is loaded
            items = list(loaded.module.items) if loaded.module is not None else []
            state = _ModuleState(
                path=loaded.path, checked=checked, flags=_flags(loaded), imports=_imports(loaded), items=items,
                lines=[item.span.line for item in items],
                diagnostics=list(module.diagnostics) if checked else [],
                pending_bounds=list(module.pending_bounds) if checked else [])
            if checked:
                state.cells_by_decl = {id(cell.decl): cell for cell in module.cells if cell.owner is None}
                state.inferred_consts = [symbol for symbol in module.names.values()
                                         if isinstance(symbol, ConstSym) and symbol.module is module
                                         and symbol.type is None]
            states.append(state)
        self.info = info
        self.modules = states
        self.plugin_builtins = plugin_builtins
        self.host = host


def _flags(loaded: Any) -> tuple:
    return (loaded.strict, loaded.doc_mode, loaded.deterministic)


def _imports(loaded: Any) -> tuple:
    return tuple((resolved.decl, resolved.target.path if resolved.target is not None else None)
                 for resolved in loaded.imports)


def _same_module(loaded: Any, kept: _ModuleState, rebinds: list) -> bool:
    """Whether a loaded module can reuse the kept state; collects the top-level cells to re-point."""
    checked = loaded.module is not None and not loaded.has_syntax_errors
    if loaded.path != kept.path or checked != kept.checked or _flags(loaded) != kept.flags:
        return False
    if not checked:
        return True
    imports = _imports(loaded)
    if len(imports) != len(kept.imports) or any(
            new_decl is not old_decl or new_target != old_target
            for (new_decl, new_target), (old_decl, old_target) in zip(imports, kept.imports)):
        return False
    items = loaded.module.items
    if len(items) != len(kept.items):
        return False
    for item, old, line in zip(items, kept.items, kept.lines):
        if item is old:
            if item.span.line != line:
                return False
            continue
        if not isinstance(item, ast.CellDecl) or not isinstance(old, ast.CellDecl) or not _same_header(item, old):
            return False
        cell = kept.cells_by_decl.get(id(old))
        if cell is None or cell.decl is not old:
            return False
        rebinds.append((cell, item))
    return True


def _same_header(new: ast.CellDecl, old: ast.CellDecl) -> bool:
    """Whether two cells have equal headers at the same positions."""
    if (new.span.line, new.span.column) != (old.span.line, old.span.column) or new.name_span != old.name_span:
        return False
    if any(getattr(new, name) != getattr(old, name) for name in _HEADER_FIELDS):
        return False
    return _header_spans(new) == _header_spans(old)


def _header_spans(decl: ast.CellDecl) -> list:
    """The spans of every node of a cell's header, in order."""
    roots = [*decl.generics, *decl.params]
    if decl.result is not None:
        roots.append(decl.result)
    if decl.effects is not None:
        roots.append(decl.effects)
    return [node.span for root in roots for node in ast.walk(root) if isinstance(node, ast.Node)]


def _rebind(cell: CellSym, decl: ast.CellDecl) -> None:
    """Point a top-level cell's symbol at a new syntax tree with the same header."""
    from .declarations import name_span

    cell.decl = decl
    cell.span = name_span(decl)
    for param, node in zip(cell.params, decl.params):
        param.node = node
    if decl.effects is not None:
        cell.row_span = decl.effects.span
