"""Per-module and per-program checker state: namespaces, diagnostics, flags, impls."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from ..diagnostics.model import Diagnostic, Label, Span
from .builtins_info import BuiltinSig
from .symbols import CellSym, EnumSym, GrantInfo, HandlerSym, ImplInfo, Symbol, ToolSym, TraitSym, VariantSym


@dataclass(eq=False)
class BindInfo:
    """`bind effect a.b to A`: `effect` is the first segment lower-cased, `dotted` the whole name."""

    effect: str
    dotted: str
    alias: str
    span: Span


@dataclass(eq=False)
class PendingBound:
    """A bound check deferred until every impl of the program is known."""

    type: Any
    bound: str
    param: str
    declaration: str
    span: Optional[Span]


@dataclass(eq=False)
class ModuleInfo:
    """Everything the checker knows about one module."""

    loaded: Any  # lumen_kernel.program.LoadedModule
    program: "ProgramInfo"
    path: str = ""
    names: dict[str, Symbol] = field(default_factory=dict)
    variants: dict[str, list[VariantSym]] = field(default_factory=dict)
    impls: list[ImplInfo] = field(default_factory=list)
    tools: dict[str, ToolSym] = field(default_factory=dict)
    grants: list[GrantInfo] = field(default_factory=list)
    all_grants: list[GrantInfo] = field(default_factory=list)
    binds: list[BindInfo] = field(default_factory=list)
    handles: dict[str, CellSym] = field(default_factory=dict)
    cells: list[CellSym] = field(default_factory=list)
    script: Optional[CellSym] = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    failed_star_import: bool = False
    pending_bounds: list[PendingBound] = field(default_factory=list)
    const_order: dict[str, int] = field(default_factory=dict)

    @property
    def strict(self) -> bool:
        """`@strict` (default true)."""
        return bool(getattr(self.loaded, "strict", True))

    @property
    def doc_mode(self) -> bool:
        """`@doc_mode` (default false)."""
        return bool(getattr(self.loaded, "doc_mode", False))

    @property
    def deterministic(self) -> bool:
        """`@deterministic` (default false)."""
        return bool(getattr(self.loaded, "deterministic", False))

    @property
    def placeholder_mode(self) -> bool:
        """Undefined identifiers are `Any` instead of E041 (§4.12)."""
        return (not self.strict) or self.doc_mode

    def report(self, code: str, message: str, span: Optional[Span], *, help: Optional[list[str]] = None,
               notes: Optional[list[str]] = None, labels: Optional[list[Label]] = None) -> Diagnostic:
        """Record an error diagnostic and return it (callers may add suggestions)."""
        diagnostic = Diagnostic(code=code, message=message, span=_located(span), help=list(help or []),
                                notes=list(notes or []), labels=list(labels or []))
        self.diagnostics.append(diagnostic)
        return diagnostic

    def lookup(self, name: str) -> Optional[Symbol]:
        """A module-level name (declarations and imports)."""
        return self.names.get(name)

    def trait(self, name: str) -> Optional[TraitSym]:
        """The trait visible under `name`, if any."""
        symbol = self.names.get(name)
        return symbol if isinstance(symbol, TraitSym) else None

    def handler_for(self, dotted: str) -> Optional[CellSym]:
        """The `handle eff.op` cell of this module for `dotted`, if any."""
        return self.handles.get(dotted)

    def binding_for(self, effect: str, operation: str) -> Optional[BindInfo]:
        """The `bind effect` routing `effect.operation` (exact `eff.op` first, then `eff`)."""
        dotted = f"{effect}.{operation}"
        for bind in self.binds:
            if bind.dotted == dotted:
                return bind
        for bind in self.binds:
            if bind.dotted == effect:
                return bind
        return None


@dataclass(eq=False)
class ProgramInfo:
    """Program-wide checker state: modules, every impl, builtins, method names for UFCS existence checks."""

    builtins: dict[str, BuiltinSig]
    modules: list[ModuleInfo] = field(default_factory=list)
    impls: list[ImplInfo] = field(default_factory=list)
    enums: list[EnumSym] = field(default_factory=list)
    handlers: list[HandlerSym] = field(default_factory=list)
    infos: dict[int, ModuleInfo] = field(default_factory=dict)
    cell_names: set[str] = field(default_factory=set)

    def info_for(self, loaded: Any) -> Optional[ModuleInfo]:
        """The checker state of a loaded module, when it was collected (not for failed modules)."""
        return self.infos.get(id(loaded)) if loaded is not None else None

    def impl_method(self, dispatch: Optional[str], name: str) -> Optional[CellSym]:
        """The impl method `name` for dispatch type `dispatch` (first impl in source order)."""
        if dispatch is None:
            return None
        for impl in self.impls:
            if impl.dispatch == dispatch and name in impl.methods:
                return impl.methods[name]
        return None

    def has_method_named(self, name: str) -> bool:
        """Whether some impl or enum of the program declares a method `name`."""
        return any(name in impl.methods for impl in self.impls) or any(name in e.methods for e in self.enums)


def _located(span: Optional[Span]) -> Optional[Span]:
    """Spans without a position (line 0) are reported without location."""
    if span is None or span.line <= 0:
        return None
    return span
