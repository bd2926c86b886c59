"""Module-level names and their resolution (LANGUAGE.md §4.2, §1.5).

Every module of a program gets a `ModuleScope` listing what its top-level names mean (cells, records, enums,
variants, consts, tool aliases, agents and processes, effects, handlers, imports) and the Python global names the
generated code uses for them. All modules share one Python namespace, so each module's globals carry a prefix
(`M0_`, `M1_`, …).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from ..syntax import ast
from ..runtime.values import VariantInfo


@dataclass
class CellSym:
    """A callable cell (top-level cell, method, handler cell, impl or enum method)."""

    decl: ast.CellDecl
    display: str          # name in stack traces and errors (`f`, `Agent.m`, `MockHttp.http.get`)
    pyname: str           # the Python function
    closure: str          # the Python global holding its Closure object
    module: "ModuleScope"
    is_method: bool = False   # agent/process method: first parameter is `self`

    @property
    def params(self) -> list[ast.Param]:
        return self.decl.params


@dataclass
class RecordSym:
    decl: ast.RecordDecl
    pyname: str           # RecordType global
    ctor: str             # constructor function global (`ctor(fields_dict)` builds and checks)
    closure: str          # Closure used when the type is a value
    module: "ModuleScope"

    @property
    def name(self) -> str:
        return self.decl.name

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.decl.fields]


@dataclass
class VariantSym:
    enum: "EnumSym"
    decl: ast.VariantDecl
    info: VariantInfo
    pyname: str           # VariantInfo global
    value: str            # payload-less Union value global (or constructor Closure when it has fields)

    @property
    def name(self) -> str:
        return self.decl.name

    @property
    def arity(self) -> int:
        return len(self.decl.fields)


@dataclass
class EnumSym:
    decl: ast.EnumDecl
    module: "ModuleScope"
    variants: dict[str, VariantSym] = field(default_factory=dict)
    methods: dict[str, CellSym] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.decl.name


@dataclass
class ConstSym:
    decl: ast.ConstDecl
    pyname: str
    module: "ModuleScope"


@dataclass
class ToolSym:
    decl: ast.UseToolDecl
    alias: str
    pyname: str           # Closure global
    module: "ModuleScope"


@dataclass
class ProcessSym:
    """An agent or a process declaration."""

    decl: Any             # AgentDecl | ProcessDecl
    kind: str             # `agent` or the process kind
    pyname: str           # ProcessType descriptor global
    closure: str          # Closure creating an instance
    module: "ModuleScope"
    methods: dict[str, CellSym] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.decl.name


@dataclass
class ImplSym:
    decl: ast.ImplDecl
    dispatch_type: str
    methods: dict[str, CellSym] = field(default_factory=dict)


@dataclass
class Symbol:
    """What a module-level name means: `kind` is one of `cell`, `record`, `enum`, `variant`, `const`, `tool`,
    `process`, `effect`, `handler`, `alias`, `trait`; `target` the corresponding *Sym or declaration."""

    kind: str
    target: Any


class ModuleScope:
    """The top-level namespace of one module, after imports are bound."""

    def __init__(self, index: int, loaded: Any) -> None:
        self.index = index
        self.loaded = loaded
        self.prefix = f"M{index}_"
        self.path: str = loaded.path
        self.names: dict[str, Symbol] = {}
        self.variants: dict[str, list[VariantSym]] = {}     # unqualified variant names (own and imported enums)
        self.enums: list[EnumSym] = []
        self.records: list[RecordSym] = []
        self.cells: list[CellSym] = []
        self.consts: list[ConstSym] = []
        self.tools: dict[str, ToolSym] = {}
        self.processes: list[ProcessSym] = []
        self.impls: list[ImplSym] = []
        self.handled: dict[str, CellSym] = {}       # `eff.op` -> handler cell
        self.bindings: dict[str, str] = {}          # effect path (`eff` or `eff.op`) -> tool alias
        self.effects: dict[str, ast.EffectDecl] = {}
        self.grants: dict[str, list[ast.GrantDecl]] = {}   # alias -> grants in source order
        self.script: Optional[CellSym] = None

    def global_name(self, kind: str, name: str) -> str:
        """A Python global name for a module-level entity (kind tags keep kinds apart)."""
        safe = name.replace(".", "__")
        return f"{self.prefix}{kind}_{safe}"

    def lookup(self, name: str) -> Optional[Symbol]:
        """Module-level meaning of `name` (declarations and imports, then unqualified variants)."""
        symbol = self.names.get(name)
        if symbol is not None:
            return symbol
        variants = self.variants.get(name)
        if variants:
            if len(variants) == 1:
                return Symbol("variant", variants[0])
            return Symbol("ambiguous_variant", variants)
        return None

    def lookup_variant(self, name: str) -> Optional[VariantSym]:
        """The unique variant visible unqualified as `name`, or None."""
        symbol = self.names.get(name)
        if symbol is not None and symbol.kind != "variant":
            return None
        variants = self.variants.get(name)
        if variants and len(variants) == 1:
            return variants[0]
        return None


def dispatch_type_of(type_expr: Optional[ast.TypeExpr], aliases: dict[str, ast.TypeAliasDecl],
                     depth: int = 0) -> str:
    """The dispatch type (§5.12) an impl target reduces to: record/enum/agent name, `list`/`set`/`map`/`tuple`,
    `result`, or a kind name (`Int`, `String`, …)."""
    if type_expr is None:
        return "Any"
    if isinstance(type_expr, ast.TupleType):
        return "tuple"
    if isinstance(type_expr, ast.FnType):
        return "Closure"
    if isinstance(type_expr, ast.UnionType):
        return "Any"
    if isinstance(type_expr, ast.NamedType):
        name = type_expr.name
        lowered = name.lower()
        if lowered in ("list", "set", "map", "tuple", "result"):
            return lowered
        builtin = {"int": "Int", "float": "Float", "string": "String", "bool": "Bool", "bytes": "Bytes",
                   "null": "Null", "json": "Any", "any": "Any"}
        if lowered in builtin and (name == lowered or name in ("Int", "Float", "String", "Bool", "Bytes",
                                                                "Null", "Json", "Any")):
            return builtin[lowered]
        alias = aliases.get(name)
        if alias is not None and depth < 20:
            return dispatch_type_of(alias.target, aliases, depth + 1)
        return name
    return "Any"
