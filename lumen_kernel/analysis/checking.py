"""Incremental checking for editor sessions (TOOLING.md §6.2).

`IncrementalChecker.check(program)` returns what `lumen_kernel.checker.check_program(program, host)` returns: it
calls `check_program` itself, with a `CellCheckHook` (`cells=`) that keeps a memo of **cell-body results**: the
diagnostics a cell's body check reported and the places where it performs effects. Every other phase, and the
phase order, belong to the checker (a property test compares the incremental result with a full check).

The body check of a cell depends on its own syntax tree and on the *interface* of the program: the declarations
with their bodies left out, the module flags and the imports (a cell's return type is never inferred from its
body, LANGUAGE.md §4.6). A cell is checked again when its syntax tree is new (its chunk was re-parsed) or when it
is a **dependant by name** of an interface change:

- the names a changed declaration defines (its name, variants, methods, states; not fields or parameters, see
  `_defined_names`) are *changed names*;
  so are the names of every declaration whose signature mentions a changed name (a fixpoint: an alias, or a cell
  whose parameter has that type, changes with its target), and the local names of imports of changed names;
- a cell depends on the changed names its source text mentions;
- a cell whose result holds a diagnostic with a name suggestion (E020, E041, E042) also depends on the set of
  module-level names; a change of the module flags or of the presence of top-level statements re-checks the whole
  module.

Declarations, signatures, constants, field defaults, impls, processes, constraints, bounds and effects are cheap
and always run. The interface and body results of a module that is missing from a program (a root with a syntax
error loads no imports) or not checked (it has a syntax error) are kept and compared with when it is checked again.
"""
from __future__ import annotations

import operator
import re
from collections import Counter
from dataclasses import dataclass, field, fields, replace
from typing import Any, Optional

from ..checker import CheckResult, check_program
from ..checker.reuse import DeclarationMemo
from ..diagnostics.model import Diagnostic
from ..syntax import ast
from .shifting import shift_diagnostic, shift_effect_source

# Fields of declarations holding nested cells whose bodies are not part of the interface.
_METHOD_FIELDS = ("methods", "cells", "operations")
_WORD = re.compile(r"[A-Za-z_]\w*")
_LINE_MENTION = re.compile(r"\bline \d+")
# Diagnostics whose help may suggest any module-level name (LANGUAGE.md §7.1).
_SUGGESTING = frozenset(("E020", "E041", "E042"))
ALL = None      # "every name changed"


@dataclass
class _BodyResult:
    """What checking one cell body produced, and what it depends on."""

    nodes: tuple                 # the syntax tree the result belongs to (kept alive: identity is the key)
    lines: tuple                 # the first line of each node when the result was made
    local: bool                  # every position of the result lies inside the nodes (so it can move with them)
    words: frozenset             # identifiers written in the cell's text
    names: Optional[frozenset]   # the module-level names, when a diagnostic may suggest a name
    diagnostics: list[Diagnostic]
    sources: list[tuple]         # (span, cause, effects, callee key or None)


@dataclass
class _Item:
    """The interface facts of one top-level declaration."""

    item: Any
    signature: str
    defines: frozenset           # every name it makes visible (members and parameters included)
    exports: frozenset           # the names other signatures can mention: its own name and variant names
    mentions: frozenset          # identifiers in its signature


@dataclass
class _ModuleInterface:
    """The interface of one module as last checked."""

    flags: tuple
    signatures: Counter
    defines: dict[str, _Item]                # signature -> its item facts
    imports: tuple                           # (target path or None, star, ((name, local), …)) per import
    names: frozenset                         # module-level names (declarations and imports)
    items: list = field(default_factory=list)   # the `_Item`s (cached by item identity)


@dataclass
class CheckStats:
    """Counters of the last `IncrementalChecker.check` call."""

    checked: int = 0
    reused: int = 0


@dataclass
class IncrementalChecker:
    """Checks successive versions of programs, reusing unchanged cell-body results (see the module docstring)."""

    host: Any = None
    memo: dict[tuple, _BodyResult] = field(default_factory=dict, repr=False)
    items: dict[int, _Item] = field(default_factory=dict, repr=False)
    interfaces: dict[str, _ModuleInterface] = field(default_factory=dict, repr=False)
    stats: CheckStats = field(default_factory=CheckStats)
    declarations: DeclarationMemo = field(default_factory=DeclarationMemo, repr=False)
    # the `ProgramInfo` of the last body pass, its cell index, and per cell (by identity) the memo entry whose
    # effect sources the cell holds
    last_info: Any = field(default=None, repr=False)
    index: Any = field(default=None, repr=False)
    sources_of: dict[int, tuple] = field(default_factory=dict, repr=False)

    def check(self, program: Any) -> CheckResult:
        """Check a loaded program; the result equals `check_program(program, host)`."""
        changes, names = self._changes(program)
        body_pass = _BodyPass(self, changes, names)
        result = check_program(program, self.host, cells=body_pass, declarations=self.declarations)
        checked = {loaded.path for loaded in program.modules if loaded.module is not None
                   and not loaded.has_syntax_errors}
        for key, entry in self.memo.items():
            if key[0] not in checked:
                # kept for when the syntax error is fixed, or the module is imported again (a root with a syntax
                # error loads no imports)
                body_pass.memo.setdefault(key, entry)
        self.memo = body_pass.memo
        self.stats = body_pass.stats
        self.last_info, self.index, self.sources_of = body_pass.info, body_pass.symbols, body_pass.sources_of
        return result

    # ------------------------------------------------------------------------------------------ interface

    def _changes(self, program: Any) -> tuple[dict[str, Optional[set]], dict[str, frozenset]]:
        """Per module path: the changed names since the last check (ALL when the module must be re-checked
        entirely), and the module-level names."""
        changes: dict[str, Optional[set]] = {}
        names: dict[str, frozenset] = {}
        items_cache: dict[int, _Item] = {}
        interfaces: dict[str, _ModuleInterface] = {}
        for loaded in program.modules:
            if loaded.module is None or loaded.has_syntax_errors:
                changes[loaded.path] = ALL
                kept = self.interfaces.get(loaded.path)
                if kept is not None:                    # compared with again once the error is fixed
                    interfaces[loaded.path] = kept
                    items_cache.update((id(described.item), described) for described in kept.items)
                continue
            items: list[_Item] = []
            has_statements = False
            for item in loaded.module.items:
                if isinstance(item, ast.Stmt):
                    has_statements = True
                    continue
                cached = self.items.get(id(item))
                if cached is None or cached.item is not item:
                    cached = _describe(item)
                items_cache[id(item)] = cached
                items.append(cached)
            imports = tuple(_import_facts(resolved) for resolved in loaded.imports)
            module_names = set().union(*[described.exports for described in items
                                         if not isinstance(described.item, ast.ImportDecl)])
            for target, star, pairs in imports:
                module_names |= {local for _name, local in pairs}
                if star and target is not None:
                    module_names |= names.get(target, frozenset())
            module_names = frozenset(module_names)
            current = _ModuleInterface(
                flags=(loaded.strict, loaded.doc_mode, loaded.deterministic, has_statements),
                signatures=Counter(described.signature for described in items),
                defines={described.signature: described for described in items},
                imports=imports, names=module_names, items=items)
            interfaces[loaded.path] = current
            names[loaded.path] = module_names
            changes[loaded.path] = self._module_changes(loaded, current, items, changes)
        for path, kept in self.interfaces.items():
            if path not in interfaces:          # not loaded this time: compared with again when it is
                interfaces[path] = kept
                items_cache.update((id(described.item), described) for described in kept.items)
        self.items = items_cache
        self.interfaces = interfaces
        return changes, names

    def _module_changes(self, loaded: Any, current: _ModuleInterface, items: list[_Item],
                        changes: dict[str, Optional[set]]) -> Optional[set]:
        previous = self.interfaces.get(loaded.path)
        if previous is None or previous.flags != current.flags or len(previous.imports) != len(current.imports):
            return ALL
        changed: set[str] = set()        # every changed name (matched against the words of cells)
        changed_types: set[str] = set()  # changed names other signatures can mention
        # (comparing the counts as plain dicts first: an edit inside a body leaves every signature as it was)
        same = dict.__eq__(previous.signatures, current.signatures)
        for signature in () if same else \
                (previous.signatures - current.signatures) + (current.signatures - previous.signatures):
            for described in (previous.defines.get(signature), current.defines.get(signature)):
                if described is not None:
                    changed |= described.defines
                    changed_types |= described.exports
        for (old_target, old_star, old_pairs), (target, star, pairs) in zip(previous.imports, current.imports):
            if old_target != target or old_star != star or old_pairs != pairs:
                if star or old_star:
                    return ALL
                locals_ = {local for _name, local in old_pairs + pairs}
                changed |= locals_
                changed_types |= locals_
                continue
            if target is None:
                continue
            target_changes = changes.get(target, ALL)
            if target_changes is ALL:
                return ALL
            if not target_changes:
                continue
            changed |= target_changes            # members of imported types may have changed too
            locals_ = {local for name, local in pairs if name in target_changes} if not star else set(target_changes)
            changed |= locals_
            changed_types |= locals_
        affected: set[int] = set()
        growing = bool(changed_types)
        while growing:              # declarations whose signature mentions a changed name change too
            growing = False
            for described in items:
                if id(described) not in affected and described.mentions & changed_types:
                    affected.add(id(described))
                    changed |= described.defines
                    changed_types |= described.exports
                    growing = True
        return changed


class _BodyPass:
    """The `CellCheckHook` of one `IncrementalChecker.check` call: replays or re-checks each cell body."""

    def __init__(self, owner: IncrementalChecker, changes: dict[str, Optional[set]],
                 names: dict[str, frozenset]) -> None:
        self.owner = owner
        self.changes = changes
        self.names = names
        self.memo: dict[tuple, _BodyResult] = {}
        self.stats = CheckStats()
        self.symbols: Optional[_CellIndex] = None
        self.lines: dict[str, list[str]] = {}
        self.info: Any = None
        self.same_info = False          # the checker reused the previous pass's `ProgramInfo` (same cell symbols)
        self.sources_of: dict[int, tuple] = {}

    def begin(self, info: Any) -> None:
        """Index the cell symbols of this run (memoised effect sources are re-linked through it)."""
        self.info = info
        self.same_info = info is self.owner.last_info
        self.symbols = self.owner.index if self.same_info else _CellIndex(info)

    def check_cell(self, module: Any, cell: Any, checker: Any) -> None:
        """Check one cell body, or replay its memoised result (when its nodes are the same objects and no name
        it depends on changed)."""
        path = module.path
        changed = self.changes.get(path, ALL)
        names = self.names.get(path, frozenset())
        if cell.is_script:
            nodes = tuple(cell.decl.body)
            key = (path, tuple(map(id, nodes)))
        else:
            nodes = (cell.decl,)
            key = (path, id(cell.decl))
        entry = self.owner.memo.get(key)
        if entry is not None and changed is not ALL and all(map(operator.is_, entry.nodes, nodes)) \
                and not (changed and not entry.words.isdisjoint(changed)) \
                and (entry.names is None or (entry.names == names and not changed)):
            if not all(map(operator.eq, map(_first_line, nodes), entry.lines)):
                entry = _moved(entry)
        else:
            entry = None
        if entry is not None and self._replay(module, cell, entry):
            self.memo[key] = entry
            self.stats.reused += 1
            return
        first_diagnostic = len(module.diagnostics)
        first_bound = len(module.pending_bounds)
        checker.check_cell(cell)
        self.stats.checked += 1
        if len(module.pending_bounds) != first_bound:
            return      # bounds hold checker types of this run: not memoised
        sources = [(source.span, source.cause, source.effects,
                    self.symbols.key(source.callee) if source.callee is not None else None)
                   for source in cell.sources]
        if any(source[3] is None and original.callee is not None for source, original in zip(sources, cell.sources)):
            return
        lines = self.lines.get(path)
        if lines is None:
            lines = self.lines[path] = module.loaded.source.program.split("\n")
        diagnostics = list(module.diagnostics[first_diagnostic:])
        suggests = any(d.code in _SUGGESTING for d in diagnostics)
        entry = self.memo[key] = _BodyResult(
            nodes=nodes, lines=tuple(node.span.line for node in nodes), local=_local(nodes, diagnostics, sources),
            words=_words(lines, nodes), names=names if suggests else None, diagnostics=diagnostics, sources=sources)
        self.sources_of[id(cell)] = (cell, entry)

    def _replay(self, module: Any, cell: Any, entry: _BodyResult) -> bool:
        """Replay a memoised result into the module and the cell; False when a callee of its effect sources no
        longer exists (the cell is then checked again)."""
        if self.same_info:
            held = self.owner.sources_of.get(id(cell))
            if held is not None and held[0] is cell and held[1] is entry:
                # the cell still holds the effect sources of this entry (same symbols as the last pass)
                module.diagnostics.extend(entry.diagnostics)
                self.sources_of[id(cell)] = held
                return True
        if not entry.sources:
            module.diagnostics.extend(entry.diagnostics)
            cell.sources = []
            self.sources_of[id(cell)] = (cell, entry)
            return True
        from ..checker.symbols import EffectSource

        find = self.symbols.by_key.get
        callees = [find(source[3]) if source[3] is not None else None for source in entry.sources]
        if any(callee is None and source[3] is not None for callee, source in zip(callees, entry.sources)):
            return False
        module.diagnostics.extend(entry.diagnostics)
        cell.sources = [EffectSource(span, cause, effects, callee)
                        for (span, cause, effects, _key), callee in zip(entry.sources, callees)]
        self.sources_of[id(cell)] = (cell, entry)
        return True


def _moved(entry: _BodyResult) -> Optional[_BodyResult]:
    """The entry, its positions moved with its nodes when they moved by whole lines (all by the same delta);
    None when it cannot be moved."""
    if all(node.span.line == line for node, line in zip(entry.nodes, entry.lines)):
        return entry
    deltas = {node.span.line - line for node, line in zip(entry.nodes, entry.lines)}
    if len(deltas) != 1 or not entry.local:
        return None
    delta = deltas.pop()
    return replace(entry, lines=tuple(node.span.line for node in entry.nodes),
                   diagnostics=[shift_diagnostic(d, delta) for d in entry.diagnostics],
                   sources=[shift_effect_source(source, delta) for source in entry.sources])


def _first_line(node: Any) -> int:
    return node.span.line


def _local(nodes: tuple, diagnostics: list[Diagnostic], sources: list[tuple]) -> bool:
    """Whether every position of a body result lies within the lines of its nodes."""
    ranges = [(node.span.line, node.span.end_line) for node in nodes]

    def inside(span: Any) -> bool:
        return span is None or any(first <= span.line and span.end_line <= last for first, last in ranges)

    for diagnostic in diagnostics:
        if not inside(diagnostic.span) or not all(inside(label.span) for label in diagnostic.labels):
            return False
        if not all(inside(edit.span) for fix in diagnostic.fixes for edit in fix.edits):
            return False
        texts = [diagnostic.message, *diagnostic.notes, *diagnostic.help]
        if any(_LINE_MENTION.search(text) for text in texts):
            return False
    return all(inside(source[0]) for source in sources)


def _words(lines: list[str], nodes: tuple) -> frozenset:
    """The identifiers written in the source text of some nodes (comments and strings included)."""
    words: set[str] = set()
    for node in nodes:
        span = node.span
        for number in range(span.line, min(span.end_line, len(lines)) + 1):
            words.update(_WORD.findall(lines[number - 1]))
    return frozenset(words)


def _import_facts(resolved: Any) -> tuple:
    decl = resolved.decl
    target = resolved.target.path if resolved.target is not None else None
    return target, decl.star, tuple((name.name, name.alias or name.name) for name in decl.names)


def _describe(item: Any) -> _Item:
    """Signature text, defined names and mentioned names of a top-level item."""
    signature = repr(_without_bodies(item))
    mentions = frozenset(_WORD.findall(signature))
    exports = set(_top_names(item))
    if isinstance(item, ast.EnumDecl):
        exports.update(variant.name for variant in item.variants)
    if isinstance(item, ast.ImportDecl):
        exports.update(name.alias or name.name for name in item.names)
    return _Item(item=item, signature=signature, defines=frozenset(_defined_names(item)),
                 exports=frozenset(exports), mentions=mentions)


def _top_names(item: Any) -> list[str]:
    """The module-level names a top-level declaration declares."""
    if isinstance(item, ast.UseToolDecl):
        return [item.alias] if item.alias else []
    name = getattr(item, "name", None)
    return [name] if isinstance(name, str) and name else []


def _defined_names(item: Any) -> set[str]:
    """The names a change of a declaration invalidates: its own, its members' (variants and their fields,
    methods, states, operations), and for an impl the trait and target names.

    Record fields, parameters and type parameters are left out: a body can only depend on them through a value
    typed with the declaration, and that type reaches the body through a name its text mentions (an annotation,
    a construction, a pattern, or a call of a cell whose signature mentions the type and so changes with it); a
    named argument is written next to the callee's name."""
    found: set[str] = set(_top_names(item))
    if isinstance(item, ast.ImplDecl):
        found.add(item.trait)
        if isinstance(item.target, ast.NamedType):
            found.add(item.target.name.split(".")[0])
    if isinstance(item, ast.ImportDecl):
        found.update(name.alias or name.name for name in item.names)
    for node in ast.walk(_without_bodies(item)):
        if isinstance(node, (ast.VariantDecl, ast.CellDecl, ast.StateDecl, ast.VariantField)):
            name = getattr(node, "name", None)
            if isinstance(name, str) and name:
                found.add(name)
    if isinstance(item, ast.HandlerDecl):
        for handle in item.handles:
            found.update(handle.operation)
    return found


def _without_bodies(node: Any) -> Any:
    """A declaration with the bodies of its cells (and methods) emptied."""
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
