"""Checker symbols: what a module-level name (or a method) stands for, with its resolved signature.

Symbols are created when a module's declarations are collected (names only), then their signatures are resolved
(types of parameters, results, fields), then bodies are checked. Imported names share the exporting module's
symbol objects, so an imported cell keeps its own module, signature and effects.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

from ..diagnostics.model import Span
from ..syntax import ast
from .types import ANY, NominalType, Type, TypeVar

if TYPE_CHECKING:
    from .module import ModuleInfo


@dataclass(eq=False)
class Symbol:
    """A named declaration. `kind` says which; `span` locates its name."""

    name: str
    kind: str
    decl: Any
    module: "ModuleInfo"
    span: Span

    def value_type(self) -> Type:
        """Static type of the name used as a value (§4.4: cells, types, aliases used as values are `Any`)."""
        return ANY


@dataclass(eq=False)
class ParamSig:
    """One resolved parameter."""

    name: str
    type: Type
    has_default: bool
    rest: bool
    node: Optional[ast.Param] = None
    annotated: bool = True


@dataclass(eq=False)
class FieldSig:
    """One resolved field of a record or variant (`name` is `"0"`, `"1"`, … for positional variant fields)."""

    name: str
    type: Type
    has_default: bool
    node: Any = None


@dataclass(eq=False)
class EffectSource:
    """One place in a cell body that performs effects: directly (`effects`) or through a callee (`callee`)."""

    span: Span
    cause: str
    effects: tuple[str, ...] = ()
    callee: Optional["CellSym"] = None


@dataclass(eq=False)
class CellSym(Symbol):
    """A cell, a method (agent, process, enum, impl, handler), a handler's `handle` cell or an effect operation.

    `display` is the name used in messages (`A.m` for agent methods). `self_param` is true when the first
    parameter is the receiver (`self`), which argument counts do not include.
    """

    display: str = ""
    params: list[ParamSig] = field(default_factory=list)
    result: Optional[Type] = None
    generics: list[TypeVar] = field(default_factory=list)
    row: Optional[list[str]] = None
    row_span: Optional[Span] = None
    self_param: bool = False
    owner: Optional[Symbol] = None
    is_operation: bool = False
    is_script: bool = False
    resolved: bool = False
    type_scope: Any = None
    sources: list[EffectSource] = field(default_factory=list)
    effects: set[str] = field(default_factory=set)

    @property
    def call_params(self) -> list[ParamSig]:
        """Parameters bound by the arguments of a call (without the receiver)."""
        return self.params[1:] if self.self_param else self.params


@dataclass(eq=False)
class RecordSym(Symbol):
    """A record declaration."""

    fields: list[FieldSig] = field(default_factory=list)
    generics: list[TypeVar] = field(default_factory=list)

    def field(self, name: str) -> Optional[FieldSig]:
        """The field called `name`, if any."""
        for item in self.fields:
            if item.name == name:
                return item
        return None

    def instance_type(self, args: tuple[Type, ...] = ()) -> NominalType:
        """The type of values of this declaration."""
        return NominalType(self, args)


@dataclass(eq=False)
class EnumSym(Symbol):
    """An enum declaration: ordered variants and methods."""

    variants: dict[str, "VariantSym"] = field(default_factory=dict)
    methods: dict[str, CellSym] = field(default_factory=dict)
    generics: list[TypeVar] = field(default_factory=list)

    def instance_type(self, args: tuple[Type, ...] = ()) -> NominalType:
        """The type of values of this declaration."""
        return NominalType(self, args)


@dataclass(eq=False)
class VariantSym(Symbol):
    """A variant of an enum; `named` when its fields have names."""

    enum: Optional[EnumSym] = None
    fields: list[FieldSig] = field(default_factory=list)
    named: bool = False

    def value_type(self) -> Type:
        """Static type of the name used as a value."""
        if not self.fields and self.enum is not None:
            return NominalType(self.enum)
        return ANY

    def field(self, name: str) -> Optional[FieldSig]:
        """The field called `name`, if any."""
        for item in self.fields:
            if item.name == name:
                return item
        return None


@dataclass(eq=False)
class AliasSym(Symbol):
    """A type alias; `target` is resolved lazily (with its parameters)."""

    generics: list[TypeVar] = field(default_factory=list)
    target: Optional[Type] = None
    resolving: bool = False


@dataclass(eq=False)
class TraitSym(Symbol):
    """A trait with its method signatures (using `SelfType`)."""

    parents: list[str] = field(default_factory=list)
    methods: dict[str, CellSym] = field(default_factory=dict)


@dataclass(eq=False)
class ConstSym(Symbol):
    """A constant; `type` is its annotation, else its initializer's type (filled when checked)."""

    type: Optional[Type] = None
    order: int = 0
    checking: bool = False

    def value_type(self) -> Type:
        """Static type of the name used as a value."""
        return self.type if self.type is not None else ANY


@dataclass(eq=False)
class ToolSym(Symbol):
    """A tool alias declared by `use tool … as A`."""

    tool_id: str = ""


@dataclass(eq=False)
class InstanceSym(Symbol):
    """An agent or process declaration (`kind` is `agent` or `process`; `process_kind` the keyword)."""

    process_kind: str = "agent"
    methods: dict[str, CellSym] = field(default_factory=dict)
    grants: list["GrantInfo"] = field(default_factory=list)

    def instance_type(self) -> NominalType:
        """The type of values of this declaration."""
        return NominalType(self)


@dataclass(eq=False)
class EffectSym(Symbol):
    """An `effect` declaration and its operations."""

    operations: dict[str, CellSym] = field(default_factory=dict)


@dataclass(eq=False)
class HandlerSym(Symbol):
    """A `handler` declaration: its `handle` cells (by `eff.op`) and other cells."""

    handles: dict[str, CellSym] = field(default_factory=dict)
    cells: dict[str, CellSym] = field(default_factory=dict)


@dataclass(eq=False)
class UnknownSym(Symbol):
    """A name imported from a module that could not be loaded or checked: typed `Any`, never reported."""


@dataclass(eq=False)
class ImplInfo:
    """One `impl Trait for Type` with its methods."""

    trait: str
    target: Type
    target_text: str
    dispatch: Optional[str]
    methods: dict[str, CellSym]
    decl: ast.ImplDecl
    module: "ModuleInfo"


@dataclass(eq=False)
class GrantInfo:
    """A grant: its alias, the effects listed by an `effect`/`effects` key (None when there is no such key)."""

    alias: str
    effects: Optional[list[str]]
    decl: ast.GrantDecl
