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
- every top-level item is the object checked last time, except top-level cells replaced by a cell with an equal
  header at the same positions (name, generics, parameters, result, effect row, and every span among them);
- items are at the lines they had, or, after an edit that inserted or removed lines, every item from some point on
  moved by the same number of lines (the incremental parser moves unchanged declarations in place). Then the
  positions the kept state holds from that line on (symbol spans, effect-row spans, `bind` spans, pending bound
  checks, the declaration phases' diagnostics) are moved the same way; a diagnostic whose text names a line
  prevents the reuse.
Anything else builds the `ProgramInfo` afresh (and the memo keeps that one).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Optional

from ..diagnostics.moving import move_diagnostic, move_span
from ..syntax import ast
from .symbols import CellSym, ConstSym, Symbol

_LINE_MENTION = re.compile(r"\bline \d+")

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
    info: Any = None                                    # the module's ModuleInfo


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
        rebinds: list[tuple[CellSym, ast.CellDecl, ast.CellDecl]] = []     # (symbol, old tree, new tree)
        moves: list[Optional[tuple[int, int]]] = []
        for loaded, kept in zip(program.modules, self.modules):
            move = _same_module(loaded, kept, rebinds)
            if move is False:
                return None
            if move is not None and any(_LINE_MENTION.search(text) for d in kept.diagnostics
                                        for text in (d.message, *d.notes, *d.help)):
                return None
            moves.append(move)
        info = self.info
        for cell, _old, decl in rebinds:
            _rebind(cell, decl)
        info.infos = {}
        for loaded, kept, move in zip(program.modules, self.modules, moves):
            if not kept.checked:
                continue
            module = kept.info
            if move is not None:
                _move_module(module, kept, *move)
            module.loaded = loaded
            info.infos[id(loaded)] = module
            kept.items = list(loaded.module.items)
            kept.lines = [item.span.line for item in kept.items]
            module.diagnostics = list(kept.diagnostics)
            module.pending_bounds = list(kept.pending_bounds)
            for const in kept.inferred_consts:
                const.type = None
                const.checking = False
            for cell, old, decl in rebinds:
                if cell.module is module:
                    del kept.cells_by_decl[id(old)]
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
                state.info = module
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


def _same_module(loaded: Any, kept: _ModuleState, rebinds: list) -> Any:
    """Whether a loaded module can reuse the kept state: False when it cannot; else None, or `(first_line, delta)`
    when the items from the (old) line `first_line` on moved by `delta` lines. Collects the top-level cells to
    re-point."""
    checked = loaded.module is not None and not loaded.has_syntax_errors
    if loaded.path != kept.path or checked != kept.checked or _flags(loaded) != kept.flags:
        return False
    if not checked:
        return None
    imports = _imports(loaded)
    if len(imports) != len(kept.imports) or any(
            new_decl is not old_decl or new_target != old_target
            for (new_decl, new_target), (old_decl, old_target) in zip(imports, kept.imports)):
        return False
    items = loaded.module.items
    if len(items) != len(kept.items):
        return False
    move = None
    for item, old, line in zip(items, kept.items, kept.lines):
        delta = item.span.line - line
        if move is not None:
            if item is not old or delta != move[1]:
                return False        # everything after the first moved item moved, and by the same delta
            continue
        if item is old:
            if delta:
                move = (line, delta)
            continue
        if not isinstance(item, ast.CellDecl) or not isinstance(old, ast.CellDecl) or not _same_header(item, old):
            return False
        cell = kept.cells_by_decl.get(id(old))
        if cell is None or cell.decl is not old:
            return False
        rebinds.append((cell, old, item))
    return move


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


def _move_module(module: Any, kept: _ModuleState, first_line: int, delta: int) -> None:
    """Move the positions a module's kept state holds at or after `first_line` by `delta` lines."""
    for symbol in _own_symbols(module):
        symbol.span = move_span(symbol.span, first_line, delta)
        if isinstance(symbol, CellSym) and symbol.row_span is not None:
            symbol.row_span = move_span(symbol.row_span, first_line, delta)
    for bind in module.binds:
        bind.span = move_span(bind.span, first_line, delta)
    if module.script is not None:       # its declaration is made by the checker, not part of the syntax tree
        module.script.decl.span = move_span(module.script.decl.span, first_line, delta)
    kept.pending_bounds = [replace(pending, span=move_span(pending.span, first_line, delta))
                           for pending in kept.pending_bounds]
    kept.diagnostics = [move_diagnostic(d, first_line, delta) for d in kept.diagnostics]


def _own_symbols(module: Any) -> list[Symbol]:
    """Every symbol a module's declarations created (each once): names, members, cells, handlers, tools."""
    found: dict[int, Symbol] = {}
    pending: list = [symbol for symbol in module.names.values() if symbol.module is module]
    pending += module.cells + list(module.handles.values()) + list(module.tools.values())
    for impl in module.impls:
        pending += impl.methods.values()
    while pending:
        symbol = pending.pop()
        if id(symbol) in found:
            continue
        found[id(symbol)] = symbol
        for table in ("variants", "methods", "operations", "handles", "cells"):
            members = getattr(symbol, table, None)
            if isinstance(members, dict):
                pending.extend(members.values())
    return list(found.values())
