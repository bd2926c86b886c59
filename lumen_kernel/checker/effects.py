"""Effects (LANGUAGE.md §4.10-§4.12): inference fixpoint, E030 rows, grant coverage, determinism.

Body checking records, per cell, the places that perform effects (`CellSym.sources`). This module computes each
cell's effects over the whole program's call graph (cells with a declared row keep it), then reports:
- E030 for an effect performed but missing from a declared row (strict mode, outside doc mode);
- E099 for an effect no grant in scope covers (outside doc mode);
- E099 for a nondeterministic effect under `@deterministic` (outside doc mode).
"""
from __future__ import annotations

from typing import Optional

from ..diagnostics.model import Span
from .module import ModuleInfo, ProgramInfo
from .symbols import CellSym, EffectSource, GrantInfo, InstanceSym

# Effects that need no grant (§4.11).
UNGRANTED = frozenset("pure trace state approve emit cache async random time".split())

# Effects rejected under @deterministic (§4.12).
NONDETERMINISTIC = ("database", "email", "external", "fs", "http", "llm", "mcp", "random", "time")


def analyse_effects(program: ProgramInfo) -> None:
    """Infer effects of every checked cell, then report rows, grants and determinism per module."""
    cells = [cell for module in program.modules for cell in module.cells]
    infer(cells)
    for module in program.modules:
        for cell in module.cells:
            check_cell(module, cell)


def infer(cells: list[CellSym]) -> None:
    """Fixpoint over the call graph: a cell without a row has its direct effects plus its callees' effects."""
    for cell in cells:
        if cell.row is not None:
            cell.effects = set(cell.row)
        else:
            cell.effects = {e for source in cell.sources for e in source.effects}
    changed = True
    while changed:
        changed = False
        for cell in cells:
            if cell.row is not None:
                continue
            before = len(cell.effects)
            for source in cell.sources:
                if source.callee is not None and source.callee is not cell:
                    cell.effects |= source.callee.effects
            if len(cell.effects) != before:
                changed = True


def performed(source: EffectSource) -> set[str]:
    """The effects a source performs (its own plus its callee's)."""
    effects = set(source.effects)
    if source.callee is not None:
        effects |= source.callee.effects
    return effects


def first_sources(cell: CellSym) -> dict[str, EffectSource]:
    """For each effect the cell's body performs, the first source (in source order) performing it."""
    result: dict[str, EffectSource] = {}
    for source in sorted(cell.sources, key=lambda s: (s.span.line, s.span.column)):
        for effect in sorted(performed(source)):
            result.setdefault(effect, source)
    return result


def check_cell(module: ModuleInfo, cell: CellSym) -> None:
    """E030, grant coverage and determinism for one cell."""
    if module.doc_mode:
        return
    needs_sources = cell.sources and ((cell.row is not None and module.strict) or module.deterministic)
    sources = first_sources(cell) if needs_sources else {}
    if cell.row is not None and module.strict:
        declared = set(cell.row)
        for effect, source in sorted(sources.items(), key=lambda item: _position(item[1].span)):
            if effect == "pure" or effect in declared:
                continue
            module.report("E030", f"cell '{cell.display}' performs effect '{effect}' but it is not declared in its "
                                  f"effect row", source.span,
                          help=[f"add '{effect}' to the effect row of cell '{cell.display}'"],
                          notes=[f"caused by: {source.cause}"])
    grants = grants_in_scope(module, cell) if cell.effects else []
    for effect in sorted(cell.effects):
        if effect in UNGRANTED or covered(module, grants, effect):
            continue
        module.report("E099", f"cell '{cell.display}' requires effect '{effect}' but no compatible grant is in "
                              f"scope", cell.span)
    if module.deterministic:
        for effect in NONDETERMINISTIC:
            if effect in cell.effects:
                source = sources.get(effect)
                module.report("E099", f"cell '{cell.display}' uses nondeterministic operation/effect '{effect}' "
                                      f"under @deterministic", source.span if source is not None else cell.span)


def grants_in_scope(module: ModuleInfo, cell: CellSym) -> list[GrantInfo]:
    """Top-level grants, plus those of the agent or process declaring the method."""
    grants = list(module.grants)
    if isinstance(cell.owner, InstanceSym):
        grants += cell.owner.grants
    return grants


def covered(module: ModuleInfo, grants: list[GrantInfo], effect: str) -> bool:
    """Whether a grant for a declared tool alias covers `effect` (§4.11)."""
    for grant in grants:
        if grant.alias not in module.tools:
            continue
        if grant.effects is None or effect in grant.effects:
            return True
        if any(bind.alias == grant.alias and bind.effect == effect for bind in module.binds):
            return True
    return False


def _position(span: Optional[Span]) -> tuple[int, int]:
    return (span.line, span.column) if span is not None else (0, 0)
