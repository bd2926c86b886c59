"""The body checker: types every expression of cells, lambdas, constants and defaults of one module.

`BodyChecker` combines the concern mixins (statements, calls, patterns, expressions) and records, for each cell,
where effects are performed (consumed later by `effects.py`).
"""
from __future__ import annotations

from typing import Any, Optional

from ..diagnostics.model import Span
from ..syntax import ast
from .calls import CallsMixin
from .expressions import ExpressionsMixin, register_handlers
from .module import ModuleInfo
from .patterns import PatternsMixin, register_patterns
from .scope import FunctionContext, LocalScope
from .statements import StatementsMixin, register_statements
from .symbols import CellSym, ConstSym, EffectSource, RecordSym
from .typeref import EMPTY_SCOPE, TypeResolver, TypeScope
from .types import Type


class BodyChecker(StatementsMixin, CallsMixin, PatternsMixin, ExpressionsMixin):
    """Checks the executable parts of one module."""

    def __init__(self, module: ModuleInfo) -> None:
        self.module = module
        self.program = module.program
        self.types = TypeResolver(module)
        self.scope = LocalScope()
        self.fn = FunctionContext(None, None, EMPTY_SCOPE)
        self.silent_name: Optional[ast.Name] = None
        self.pattern_types: dict[int, Type] = {}

    # ------------------------------------------------------------------------------------------------ effects

    def effect(self, span: Span, cause: str, effects: tuple[str, ...]) -> None:
        """Record that the current cell performs `effects` here (lambdas count for their enclosing cell)."""
        cell = self.fn.cell
        if cell is not None:
            cell.sources.append(EffectSource(span, cause, tuple(effects)))

    def call_edge(self, span: Span, cause: str, callee: CellSym) -> None:
        """Record a call of `callee`: the current cell performs the callee's effects here."""
        cell = self.fn.cell
        if cell is not None:
            cell.sources.append(EffectSource(span, cause, (), callee))

    # ------------------------------------------------------------------------------------------------ names

    def _name(self, node: ast.Name) -> Type:
        return self.resolve_name(node.id, node.span, silent=node is self.silent_name)

    # ------------------------------------------------------------------------------------------------ units

    def check_cell(self, cell: CellSym) -> None:
        """Parameters (with defaults, §5.10) and body of a cell, method, handler cell or script cell."""
        decl: ast.CellDecl = cell.decl
        cell.sources = []
        self.scope = LocalScope()
        type_scope: TypeScope = cell.type_scope or EMPTY_SCOPE
        self.fn = FunctionContext(cell, cell.result, type_scope)
        for param in cell.params:
            node = param.node
            if node is not None and node.default is not None:
                value = self.expr(node.default)
                if param.annotated and not param.rest:
                    self.expect(param.type, node.default, value)
            self.scope.bind(param.name, param.type)
        if cell.is_operation or not decl.has_body:
            return
        self.block(decl.body)

    def check_const(self, const: ConstSym) -> None:
        """A constant's initializer, in module scope; it gives the constant its type when not annotated."""
        decl: ast.ConstDecl = const.decl
        self.scope = LocalScope()
        self.fn = FunctionContext(None, None, EMPTY_SCOPE, const)
        if decl.value is None:
            return
        value = self.expr(decl.value)
        if const.type is not None:
            self.expect(const.type, decl.value, value)
        else:
            const.type = value

    def check_field_defaults(self, record: RecordSym) -> None:
        """Field defaults are evaluated in module scope and must fit the field type."""
        for field in record.fields:
            default = getattr(field.node, "default", None)
            if default is None:
                continue
            self.scope = LocalScope()
            self.fn = FunctionContext(None, None, EMPTY_SCOPE)
            self.expect(field.type, default)

    def check_in_scope(self, expr: ast.Expr, names: dict[str, Type]) -> Type:
        """Type of `expr` with `names` bound as locals (used for record constraints)."""
        self.scope = LocalScope()
        for name, value in names.items():
            self.scope.bind(name, value)
        self.fn = FunctionContext(None, None, EMPTY_SCOPE)
        return self.expr(expr)


def _method_table(names: dict[type, str]) -> dict[type, Any]:
    """Map node classes to BodyChecker methods."""
    return {node_type: getattr(BodyChecker, method) for node_type, method in names.items()}


register_handlers(_method_table({
    ast.IntLit: "_int", ast.FloatLit: "_float", ast.StringLit: "_string", ast.InterpString: "_interp",
    ast.RoleBlock: "_role", ast.BytesLit: "_bytes", ast.BoolLit: "_bool", ast.NullLit: "_null",
    ast.Name: "_name", ast.Unary: "_unary", ast.Binary: "_binary", ast.Range: "_range", ast.ListLit: "_list",
    ast.TupleLit: "_tuple", ast.SetLit: "_set", ast.MapLit: "_map", ast.Comprehension: "_comprehension",
    ast.Field: "_field", ast.Index: "_index", ast.NotNull: "_not_null", ast.Try: "_try", ast.Await: "_await",
    ast.ExpectSchema: "_expect_schema", ast.Comptime: "_comptime", ast.Lambda: "_lambda",
    ast.AsyncBlock: "_async_block", ast.AwaitBlock: "_await_block", ast.AwaitParallelFor: "_await_parallel_for",
    ast.Call: "_call", ast.Pipe: "_pipe", ast.If: "_if", ast.Match: "_match", ast.For: "_for",
    ast.While: "_while", ast.Loop: "_loop",
}))

register_statements(_method_table({
    ast.ExprStmt: "_expr_stmt", ast.Let: "_let", ast.Assign: "_assign", ast.Return: "_return",
    ast.Halt: "_halt", ast.Emit: "_emit", ast.Break: "_break", ast.Continue: "_continue", ast.AddonStmt: "_addon",
    ast.AttributeStmt: "_ignored", ast.SectionStmt: "_ignored",
}))

register_patterns(_method_table({
    ast.WildcardPattern: "_p_wildcard", ast.BindPattern: "_p_bind", ast.LiteralPattern: "_p_literal",
    ast.VariantPattern: "_p_variant", ast.RecordPattern: "_p_record", ast.TuplePattern: "_p_tuple",
    ast.ListPattern: "_p_list", ast.TypePattern: "_p_type", ast.OrPattern: "_p_or",
}))
