"""The Lumen abstract syntax tree (LANGUAGE.md §3).

This module is the contract between the parser and every later stage (checker, compiler, formatter, linter, doc
generator, language server, dashboard). Nodes are plain dataclasses. Every node carries `span` (file, line, column,
end); spans and analysis annotations are excluded from equality, so two parses of equivalent text compare equal.

Conventions:
- Statement-like constructs that have a value (§5.9) — `If`, `Match`, `Loop`, `While`, `For` — are expressions; a
  statement list holds them wrapped in `ExprStmt`.
- Names are plain `str`; dotted names are `list[str]`.
- `ty` on expressions is filled by the checker (static type, §4.3) and read by the compiler; it may stay None.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Union as TUnion

from ..diagnostics.model import NO_SPAN, Span


def _span() -> Any:
    return field(default=NO_SPAN, compare=False, repr=False)


def _note() -> Any:
    return field(default=None, compare=False, repr=False)


@dataclass(kw_only=True, eq=True)
class Node:
    """Base of every node."""

    span: Span = _span()


# --------------------------------------------------------------------------------------------------- types (§3.8)

@dataclass(kw_only=True, eq=True)
class TypeExpr(Node):
    """Base of type expressions."""


@dataclass(kw_only=True, eq=True)
class NamedType(TypeExpr):
    """`Int`, `int`, `Null`, `list[T]`, `map[K, V]`, `result[T, E]`, `tuple[A, B]`, `set[T]`, `Box[T]`, `M.State`."""

    name: str
    args: list[TypeExpr] = field(default_factory=list)


@dataclass(kw_only=True, eq=True)
class TupleType(TypeExpr):
    """`(A, B)`; `(A)` is a one-element tuple type."""

    elements: list[TypeExpr]


@dataclass(kw_only=True, eq=True)
class FnType(TypeExpr):
    """`fn(A, B) -> R / {effects}`."""

    params: list[TypeExpr]
    result: TypeExpr
    effects: Optional["EffectRow"] = None


@dataclass(kw_only=True, eq=True)
class UnionType(TypeExpr):
    """`A | B` (also written `A & B`)."""

    members: list[TypeExpr]


# ----------------------------------------------------------------------------------------- shared declaration parts

@dataclass(kw_only=True, eq=True)
class EffectRow(Node):
    """`/ {a, b}` or `/ a`."""

    names: list[str]


@dataclass(kw_only=True, eq=True)
class GenericParam(Node):
    """`T` or `T: Show + Eq`."""

    name: str
    bounds: list[str] = field(default_factory=list)


@dataclass(kw_only=True, eq=True)
class Param(Node):
    """A cell/lambda/state parameter. `rest` marks `...name`."""

    name: str
    type: Optional[TypeExpr] = None
    default: Optional["Expr"] = None
    rest: bool = False


@dataclass(kw_only=True, eq=True)
class Attribute(Node):
    """`@name value` or `@name(args) rest`: a directive or recorded metadata; `text` is the raw rest of the line."""

    name: str
    value: Optional[str] = None
    args_text: Optional[str] = None


# --------------------------------------------------------------------------------------------- declarations (§3.1)

@dataclass(kw_only=True, eq=True)
class Decl(Node):
    """Base of top-level declarations."""

    pub: bool = False
    doc: Optional[str] = _note()  # comments / prose right above (filled by the parser when cheap; else None)


@dataclass(kw_only=True, eq=True)
class CellDecl(Decl):
    """`cell name[G](params) -> R / {effects}` with a block body or `= expr` (then `body` is `[Return(expr)]`).

    Also used for methods (of agents, processes, enums, impls, traits, handlers) and effect operation signatures
    (`has_body` False for a bodiless signature).
    """

    name: str
    generics: list[GenericParam] = field(default_factory=list)
    params: list[Param] = field(default_factory=list)
    result: Optional[TypeExpr] = None
    effects: Optional[EffectRow] = None
    body: list["Stmt"] = field(default_factory=list)
    expr_body: bool = False
    has_body: bool = True
    is_async: bool = False
    name_span: Span = _span()


@dataclass(kw_only=True, eq=True)
class FieldDecl(Node):
    """A record field `name: Type = default where constraint`; `constraint_text` is the constraint's source text."""

    name: str
    type: Optional[TypeExpr]
    default: Optional["Expr"] = None
    constraint: Optional["Expr"] = None
    constraint_text: str = ""


@dataclass(kw_only=True, eq=True)
class RecordDecl(Decl):
    name: str
    generics: list[GenericParam] = field(default_factory=list)
    fields: list[FieldDecl] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)
    name_span: Span = _span()


@dataclass(kw_only=True, eq=True)
class VariantField(Node):
    """A variant field: positional (`name` None) or named."""

    name: Optional[str]
    type: TypeExpr


@dataclass(kw_only=True, eq=True)
class VariantDecl(Node):
    name: str
    fields: list[VariantField] = field(default_factory=list)
    has_parens: bool = False


@dataclass(kw_only=True, eq=True)
class EnumDecl(Decl):
    name: str
    generics: list[GenericParam] = field(default_factory=list)
    variants: list[VariantDecl] = field(default_factory=list)
    methods: list[CellDecl] = field(default_factory=list)
    name_span: Span = _span()


@dataclass(kw_only=True, eq=True)
class TypeAliasDecl(Decl):
    name: str
    generics: list[GenericParam] = field(default_factory=list)
    target: TypeExpr = None  # type: ignore[assignment]
    name_span: Span = _span()


@dataclass(kw_only=True, eq=True)
class TraitDecl(Decl):
    name: str
    parents: list[str] = field(default_factory=list)
    methods: list[CellDecl] = field(default_factory=list)
    name_span: Span = _span()


@dataclass(kw_only=True, eq=True)
class ImplDecl(Decl):
    trait: str
    target: TypeExpr
    generics: list[GenericParam] = field(default_factory=list)
    methods: list[CellDecl] = field(default_factory=list)


@dataclass(kw_only=True, eq=True)
class ConstDecl(Decl):
    name: str
    type: Optional[TypeExpr] = None
    value: "Expr" = None  # type: ignore[assignment]
    name_span: Span = _span()


@dataclass(kw_only=True, eq=True)
class ImportName(Node):
    name: str
    alias: Optional[str] = None


@dataclass(kw_only=True, eq=True)
class ImportDecl(Decl):
    """`import a.b.c: X, Y as Z` or `import a.b: *`."""

    module: list[str]
    names: list[ImportName] = field(default_factory=list)
    star: bool = False


@dataclass(kw_only=True, eq=True)
class UseToolDecl(Decl):
    """`use tool a.b@1.2.0 as A`; `alias` None for `as *`; `mcp_url` set for `use tool mcp "URL" as A`."""

    tool_id: str
    version: str = "1.0.0"
    alias: Optional[str] = None
    mcp_url: Optional[str] = None


@dataclass(kw_only=True, eq=True)
class GrantEntry(Node):
    key: str
    value: "Expr"


@dataclass(kw_only=True, eq=True)
class GrantDecl(Decl):
    alias: str
    entries: list[GrantEntry] = field(default_factory=list)


@dataclass(kw_only=True, eq=True)
class BindEffectDecl(Decl):
    """`bind effect a.b to A`."""

    effect: list[str]
    alias: str


@dataclass(kw_only=True, eq=True)
class EffectDecl(Decl):
    """`effect name` with operation signatures (CellDecl with has_body False)."""

    name: str
    operations: list[CellDecl] = field(default_factory=list)


@dataclass(kw_only=True, eq=True)
class HandleDecl(Node):
    """`handle eff.op(params) -> R` with a body; `cell` holds params/result/body (its name is `eff.op`)."""

    operation: list[str]
    cell: CellDecl


@dataclass(kw_only=True, eq=True)
class HandlerDecl(Decl):
    name: str
    handles: list[HandleDecl] = field(default_factory=list)
    cells: list[CellDecl] = field(default_factory=list)


@dataclass(kw_only=True, eq=True)
class AgentDecl(Decl):
    name: str
    cells: list[CellDecl] = field(default_factory=list)
    grants: list[GrantDecl] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)
    name_span: Span = _span()


@dataclass(kw_only=True, eq=True)
class Transition(Node):
    target: str
    args: list["Expr"] = field(default_factory=list)


@dataclass(kw_only=True, eq=True)
class StateDecl(Node):
    name: str
    params: list[Param] = field(default_factory=list)
    terminal: bool = False
    guard: Optional["Expr"] = None
    transition: Optional[Transition] = None


@dataclass(kw_only=True, eq=True)
class ProcessDecl(Decl):
    """`pipeline|orchestration|machine|memory|guardrail|eval|pattern Name ...`."""

    kind: str
    name: str
    extra: str = ""                      # tokens after the name, recorded and ignored
    cells: list[CellDecl] = field(default_factory=list)
    grants: list[GrantDecl] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)
    stages: list[list[str]] = field(default_factory=list)   # pipeline: dotted stage names in order
    initial: Optional[str] = None                           # machine
    states: list[StateDecl] = field(default_factory=list)   # machine
    name_span: Span = _span()


@dataclass(kw_only=True, eq=True)
class OpaqueDecl(Decl):
    """`macro`, `extern`, `schema`, `comptime` declarations: recorded, no run-time meaning."""

    keyword: str
    text: str = ""


# ---------------------------------------------------------------------------------------------- statements (§3.2)

@dataclass(kw_only=True, eq=True)
class Stmt(Node):
    """Base of statements."""


@dataclass(kw_only=True, eq=True)
class ExprStmt(Stmt):
    expr: "Expr"


@dataclass(kw_only=True, eq=True)
class Let(Stmt):
    """`let [mut] target[: T] = value`; a bare-name target is `BindPattern`."""

    target: "Pattern"
    type: Optional[TypeExpr] = None
    value: "Expr" = None  # type: ignore[assignment]
    mutable: bool = False


@dataclass(kw_only=True, eq=True)
class Assign(Stmt):
    """`place = value` or `place op= value` (`op` is `+`, `-`, `*`, `/` for compound forms, else None).

    `target` is a `Name`, or a chain of `Field` / `Index` nodes rooted at a `Name`.
    """

    target: "Expr"
    value: "Expr"
    op: Optional[str] = None


@dataclass(kw_only=True, eq=True)
class Return(Stmt):
    value: "Expr"


@dataclass(kw_only=True, eq=True)
class Halt(Stmt):
    value: "Expr"


@dataclass(kw_only=True, eq=True)
class Break(Stmt):
    label: Optional[str] = None
    value: Optional["Expr"] = None


@dataclass(kw_only=True, eq=True)
class Continue(Stmt):
    label: Optional[str] = None


@dataclass(kw_only=True, eq=True)
class Emit(Stmt):
    value: "Expr"


@dataclass(kw_only=True, eq=True)
class AddonStmt(Stmt):
    """`approve …`, `checkpoint …`, `with …` etc.: recorded; `body` is the block after `in` (or None)."""

    keyword: str
    text: str = ""
    body: Optional[list[Stmt]] = None


@dataclass(kw_only=True, eq=True)
class AttributeStmt(Stmt):
    """An attribute line inside a block (`@trace`): recorded and ignored."""

    attribute: Attribute


@dataclass(kw_only=True, eq=True)
class SectionStmt(Stmt):
    """A reserved `where …` statement or other metadata section inside a block: ignored."""

    text: str = ""


# --------------------------------------------------------------------------------------------- expressions (§3.5)

@dataclass(kw_only=True, eq=True)
class Expr(Node):
    """Base of expressions. `ty` is the checker's static type (or None)."""

    ty: Any = _note()


@dataclass(kw_only=True, eq=True)
class IntLit(Expr):
    value: int


@dataclass(kw_only=True, eq=True)
class FloatLit(Expr):
    value: float


@dataclass(kw_only=True, eq=True)
class StringLit(Expr):
    """A string without interpolation (plain, triple-quoted or raw)."""

    value: str
    raw: bool = False


@dataclass(kw_only=True, eq=True)
class InterpString(Expr):
    """A string with interpolations: parts are `str` or `Expr`."""

    parts: list[Any]


@dataclass(kw_only=True, eq=True)
class BytesLit(Expr):
    value: bytes


@dataclass(kw_only=True, eq=True)
class BoolLit(Expr):
    value: bool


@dataclass(kw_only=True, eq=True)
class NullLit(Expr):
    pass


@dataclass(kw_only=True, eq=True)
class RoleBlock(Expr):
    """`role name: text` — evaluates to `"name: text"`; parts are `str` or `Expr`."""

    role: str
    parts: list[Any] = field(default_factory=list)


@dataclass(kw_only=True, eq=True)
class Name(Expr):
    id: str


@dataclass(kw_only=True, eq=True)
class Spread(Node):
    """`...e` (or `..e`) inside a list or map literal."""

    value: "Expr"


@dataclass(kw_only=True, eq=True)
class ListLit(Expr):
    elements: list[TUnion["Expr", Spread]] = field(default_factory=list)


@dataclass(kw_only=True, eq=True)
class TupleLit(Expr):
    elements: list["Expr"] = field(default_factory=list)


@dataclass(kw_only=True, eq=True)
class SetLit(Expr):
    """`{a, b}` or `set[a, b]` (`bracket` True for the `set[...]` spelling)."""

    elements: list["Expr"] = field(default_factory=list)
    bracket: bool = False


@dataclass(kw_only=True, eq=True)
class MapEntry(Node):
    """`key: value`; an identifier key is stored as a `StringLit` with `ident_key` True."""

    key: "Expr"
    value: "Expr"
    ident_key: bool = False


@dataclass(kw_only=True, eq=True)
class MapLit(Expr):
    entries: list[TUnion[MapEntry, Spread]] = field(default_factory=list)


@dataclass(kw_only=True, eq=True)
class CompFor(Node):
    target: "Pattern"
    iterable: "Expr"


@dataclass(kw_only=True, eq=True)
class CompIf(Node):
    condition: "Expr"


@dataclass(kw_only=True, eq=True)
class Comprehension(Expr):
    """`kind` is `list`, `set` (`{e for …}` / `set[e for …]`), `map` (`{k: v for …}`) or `pairs` (`{(k, v) for …}`).

    For `map`, `key` and `element` are the key and value; for the others `key` is None.
    """

    kind: str
    element: "Expr"
    clauses: list[TUnion[CompFor, CompIf]]
    key: Optional["Expr"] = None
    bracket: bool = False


@dataclass(kw_only=True, eq=True)
class Lambda(Expr):
    """`fn(params) -> R => expr` (`expr_body`, body `[Return(expr)]`) or a block lambda `fn(params) … end`."""

    params: list[Param] = field(default_factory=list)
    result: Optional[TypeExpr] = None
    body: list[Stmt] = field(default_factory=list)
    expr_body: bool = False


@dataclass(kw_only=True, eq=True)
class Unary(Expr):
    """`-x`, `not x`, `~x`."""

    op: str
    operand: "Expr"


@dataclass(kw_only=True, eq=True)
class Binary(Expr):
    """Binary operators of §3.6 except pipes and ranges: arithmetic, `++`, comparisons, `in`, `&`, `^`, `and`,
    `or`, `??`."""

    op: str
    left: "Expr"
    right: "Expr"


@dataclass(kw_only=True, eq=True)
class Pipe(Expr):
    """`left |> right` (`op` keeps the spelling `|>`, `>>` or `~>`)."""

    left: "Expr"
    right: "Expr"
    op: str = "|>"


@dataclass(kw_only=True, eq=True)
class Range(Expr):
    """`start..end`, `start..=end`, `start..` with optional `step`."""

    start: "Expr"
    end: Optional["Expr"] = None
    inclusive: bool = False
    step: Optional["Expr"] = None


@dataclass(kw_only=True, eq=True)
class Field(Expr):
    """`obj.name`, `obj.0` (name `"0"`), or `obj?.name` (`safe`)."""

    obj: "Expr"
    name: str
    safe: bool = False
    name_span: Span = _span()


@dataclass(kw_only=True, eq=True)
class Index(Expr):
    """`obj[index]` (`index` None for `obj[]`) or `obj?[index]` (`safe`)."""

    obj: "Expr"
    index: Optional["Expr"] = None
    safe: bool = False


@dataclass(kw_only=True, eq=True)
class Arg(Node):
    """A call argument: positional (`name` None), named (`name: value`), or a role block (`role` set to its name;
    `value` is the RoleBlock)."""

    value: "Expr"
    name: Optional[str] = None
    role: Optional[str] = None


@dataclass(kw_only=True, eq=True)
class Call(Expr):
    """`callee(args)`, `callee[T, …](args)` (type_args), `confirm e` (callee `Name('confirm')`)."""

    callee: "Expr"
    args: list[Arg] = field(default_factory=list)
    type_args: list[TypeExpr] = field(default_factory=list)


@dataclass(kw_only=True, eq=True)
class Try(Expr):
    """`e?` or `try e` (`prefix` True)."""

    value: "Expr"
    prefix: bool = False


@dataclass(kw_only=True, eq=True)
class NotNull(Expr):
    """`e!`."""

    value: "Expr"


@dataclass(kw_only=True, eq=True)
class Await(Expr):
    """`await e` (also `async e`, with `async_form` True)."""

    value: "Expr"
    async_form: bool = False


@dataclass(kw_only=True, eq=True)
class ExpectSchema(Expr):
    """`e expect schema T`."""

    value: "Expr"
    type: TypeExpr


@dataclass(kw_only=True, eq=True)
class AwaitBlock(Expr):
    """`await parallel|race|vote|select(args) ⏎ e1 ⏎ e2 ⏎ end`."""

    kind: str
    args: list[Arg] = field(default_factory=list)
    exprs: list["Expr"] = field(default_factory=list)


@dataclass(kw_only=True, eq=True)
class AwaitParallelFor(Expr):
    """`await parallel(args) for target in iterable ⏎ block ⏎ end`."""

    target: "Pattern"
    iterable: "Expr"
    body: list[Stmt]
    args: list[Arg] = field(default_factory=list)


@dataclass(kw_only=True, eq=True)
class AsyncBlock(Expr):
    """`async ⏎ block ⏎ end`."""

    body: list[Stmt]


@dataclass(kw_only=True, eq=True)
class Comptime(Expr):
    """`comptime { … }`: skipped, evaluates to null."""


@dataclass(kw_only=True, eq=True)
class LetCond(Node):
    """The `let pattern = value` condition of `if let` / `while let` (pattern may be an `OrPattern`)."""

    pattern: "Pattern"
    value: "Expr"


Condition = TUnion["Expr", LetCond]


@dataclass(kw_only=True, eq=True)
class IfBranch(Node):
    condition: Condition
    body: list[Stmt]


@dataclass(kw_only=True, eq=True)
class If(Expr):
    """Block `if … else if … else … end` or inline `if c then a else b` (`inline` True; branch bodies then hold one
    statement: `ExprStmt`, `Return`, `Break`, `Continue`, `Halt` or `Emit`). `else_body` None means no else."""

    branches: list[IfBranch]
    else_body: Optional[list[Stmt]] = None
    inline: bool = False


@dataclass(kw_only=True, eq=True)
class MatchArm(Node):
    pattern: "Pattern"
    guard: Optional["Expr"] = None
    body: list[Stmt] = field(default_factory=list)


@dataclass(kw_only=True, eq=True)
class Match(Expr):
    subject: "Expr"
    arms: list[MatchArm] = field(default_factory=list)


@dataclass(kw_only=True, eq=True)
class Loop(Expr):
    body: list[Stmt]
    label: Optional[str] = None


@dataclass(kw_only=True, eq=True)
class While(Expr):
    condition: Condition
    body: list[Stmt]
    label: Optional[str] = None


@dataclass(kw_only=True, eq=True)
class For(Expr):
    target: "Pattern"
    iterable: "Expr"
    body: list[Stmt]
    filter: Optional["Expr"] = None
    label: Optional[str] = None


# ------------------------------------------------------------------------------------------------ patterns (§3.7)

@dataclass(kw_only=True, eq=True)
class Pattern(Node):
    """Base of patterns."""


@dataclass(kw_only=True, eq=True)
class WildcardPattern(Pattern):
    pass


@dataclass(kw_only=True, eq=True)
class BindPattern(Pattern):
    """A bare name: a binding, or a tag test when name resolution finds a variant (§3.7); the checker/compiler
    decide. In `let`/`for` targets a bare name always binds."""

    name: str


@dataclass(kw_only=True, eq=True)
class LiteralPattern(Pattern):
    """`1`, `-2.5`, `"s"`, `true`, `null` (value is the literal expression; negative numbers are `Unary('-')`)."""

    value: Expr


@dataclass(kw_only=True, eq=True)
class VariantPattern(Pattern):
    """`V`, `E.V`, `V(p1, …)` (`has_parens`), `ok(p)`."""

    name: list[str]
    args: list[Pattern] = field(default_factory=list)
    has_parens: bool = False


@dataclass(kw_only=True, eq=True)
class FieldPattern(Node):
    """`f: p`, `f:` (pattern None, `colon` True) or `f` (pattern None, `colon` False)."""

    name: str
    pattern: Optional[Pattern] = None
    colon: bool = False


@dataclass(kw_only=True, eq=True)
class RecordPattern(Pattern):
    """`R(f: p, g:, h, ..)`; `name` is empty for `{a, b}` in `let {a, b} = r`."""

    name: list[str]
    fields: list[FieldPattern] = field(default_factory=list)
    rest: bool = False


@dataclass(kw_only=True, eq=True)
class TuplePattern(Pattern):
    elements: list[Pattern] = field(default_factory=list)


@dataclass(kw_only=True, eq=True)
class ListPattern(Pattern):
    """`[p1, p2, ...rest]`; `rest` True when a rest marker is present, `rest_name` its binding (None if anonymous)."""

    elements: list[Pattern] = field(default_factory=list)
    rest: bool = False
    rest_name: Optional[str] = None


@dataclass(kw_only=True, eq=True)
class TypePattern(Pattern):
    """`x: T`."""

    name: str
    type: TypeExpr


@dataclass(kw_only=True, eq=True)
class OrPattern(Pattern):
    alternatives: list[Pattern]


# ------------------------------------------------------------------------------------------------------ modules

TopLevel = TUnion[Decl, Stmt, Attribute]


@dataclass(kw_only=True, eq=True)
class Module(Node):
    """A parsed source file. `items` keeps declarations, attributes and top-level statements in source order."""

    path: str
    items: list[TopLevel] = field(default_factory=list)

    @property
    def declarations(self) -> list[Decl]:
        return [item for item in self.items if isinstance(item, Decl)]

    @property
    def statements(self) -> list[Stmt]:
        return [item for item in self.items if isinstance(item, Stmt)]

    @property
    def attributes(self) -> list[Attribute]:
        return [item for item in self.items if isinstance(item, Attribute)]


def iter_children(node: Any):
    """Yield the direct child nodes of `node` (nodes inside fields, lists and str/Expr part lists)."""
    from dataclasses import fields as dc_fields

    for f in dc_fields(node):
        if not f.compare:
            continue
        value = getattr(node, f.name)
        if isinstance(value, Node):
            yield value
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, Node):
                    yield item


def walk(node: Any):
    """Yield `node` and all its descendants, depth first, in source order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        children = list(iter_children(current))
        stack.extend(reversed(children))
