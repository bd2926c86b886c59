"""Traits and impls (LANGUAGE.md §4.9): duplicate impls, required methods, signature conformance."""
from __future__ import annotations

from typing import Optional

from ..diagnostics.model import Span
from .declarations import report_duplicate
from .module import ModuleInfo
from .symbols import CellSym, ImplInfo, TraitSym
from .types import (ANY, FnType, ListType, MapType, NominalType, ResultType, SelfType, SetType, TupleType, Type,
                    TypeVar, UnionType, make_union, render)


def check_impls(module: ModuleInfo) -> None:
    """Every impl of the module: E023 for a second impl of a trait for a type, then conformance."""
    seen: dict[str, Span] = {}
    for impl in module.impls:
        key = f"{impl.trait} for {impl.target_text}"
        span = impl.decl.span
        if key in seen:
            report_duplicate(module, key, seen[key], span)
        else:
            seen[key] = span
        trait = module.trait(impl.trait)
        if trait is not None:
            check_conformance(module, impl, trait)


def required_methods(trait: TraitSym) -> list[CellSym]:
    """Methods required by a trait: its ancestors' then its own, each name once, in declaration order."""
    result: list[CellSym] = []
    names: set[str] = set()
    visiting: set[int] = set()

    def visit(current: TraitSym) -> None:
        """Collect the methods of `current` after those of its parents."""
        if id(current) in visiting:
            return
        visiting.add(id(current))
        for parent_name in current.parents:
            parent = current.module.trait(parent_name)
            if parent is not None:
                visit(parent)
        for method in current.methods.values():
            if method.name not in names:
                names.add(method.name)
                result.append(method)

    visit(trait)
    return result


def check_conformance(module: ModuleInfo, impl: ImplInfo, trait: TraitSym) -> None:
    """Missing required methods, then each implemented method's signature against the trait's."""
    required = required_methods(trait)
    missing = [method.name for method in required if method.name not in impl.methods]
    target = impl.target_text
    if missing:
        listed = ", ".join(f'"{name}"' for name in missing)
        module.report("E099", f"impl for trait '{trait.name}' on '{target}' is missing required methods [{listed}]",
                      impl.decl.span)
    for expected in required:
        found = impl.methods.get(expected.name)
        if found is None:
            continue
        reason = signature_mismatch(expected, found, impl.target)
        if reason is not None:
            module.report("E099", f"impl method '{expected.name}' for trait '{trait.name}' on '{target}' has "
                                  f"incompatible signature: {reason}. expected `{signature(expected)}`, "
                                  f"found `{signature(found)}`", found.span)


def signature_mismatch(expected: CellSym, found: CellSym, target: Type) -> Optional[str]:
    """The first applicable reason why `found` does not match the trait signature `expected`, or None."""
    if len(expected.generics) != len(found.generics):
        return f"generic parameter count mismatch: expected {len(expected.generics)}, found {len(found.generics)}"
    if len(expected.params) != len(found.params):
        return f"parameter count mismatch: expected {len(expected.params)}, found {len(found.params)}"
    mapping = {var.name: other for var, other in zip(expected.generics, found.generics)}
    for index, (want, have) in enumerate(zip(expected.params, found.params), 1):
        if not _same(_normalise(want.type, target, mapping), have.type):
            return f"parameter {index} type mismatch: expected '{render(want.type)}', found '{render(have.type)}'"
    want_result = _normalise(expected.result, target, mapping) if expected.result is not None else None
    if not (want_result is None and found.result is None) and (
            want_result is None or found.result is None or not _same(want_result, found.result)):
        return (f"return type mismatch: expected '{_render_result(expected.result)}', "
                f"found '{_render_result(found.result)}'")
    return None


def _same(want: Type, have: Type) -> bool:
    """Equal types; an untyped parameter (`Any`) on either side matches anything."""
    return want == have or want is ANY or have is ANY


def signature(cell: CellSym) -> str:
    """`cell greet(name: String) -> String` (untyped parameters show their name only)."""
    generics = f"[{', '.join(v.name for v in cell.generics)}]" if cell.generics else ""
    params = ", ".join(f"{p.name}: {render(p.type)}" if p.annotated else p.name for p in cell.params)
    result = f" -> {render(cell.result)}" if cell.result is not None else ""
    return f"cell {cell.name}{generics}({params}){result}"


def _render_result(result: Optional[Type]) -> str:
    return render(result) if result is not None else "no return type"


def _normalise(t: Type, target: Type, mapping: dict[str, Type]) -> Type:
    """A trait type with `Self` replaced by the impl target and type parameters by the impl's (by position)."""
    if isinstance(t, SelfType):
        return target
    if isinstance(t, TypeVar):
        return mapping.get(t.name, t)
    if isinstance(t, ListType):
        return ListType(_normalise(t.element, target, mapping))
    if isinstance(t, SetType):
        return SetType(_normalise(t.element, target, mapping))
    if isinstance(t, MapType):
        return MapType(_normalise(t.key, target, mapping), _normalise(t.value, target, mapping))
    if isinstance(t, TupleType):
        return TupleType(_normalise(e, target, mapping) for e in t.elements)
    if isinstance(t, ResultType):
        return ResultType(_normalise(t.ok, target, mapping), _normalise(t.err, target, mapping))
    if isinstance(t, UnionType):
        return make_union(_normalise(m, target, mapping) for m in t.members)
    if isinstance(t, FnType):
        return FnType((_normalise(p, target, mapping) for p in t.params), _normalise(t.result, target, mapping))
    if isinstance(t, NominalType) and t.args:
        return NominalType(t.symbol, (_normalise(a, target, mapping) for a in t.args))
    return t
