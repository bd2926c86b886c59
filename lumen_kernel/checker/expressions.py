"""Expression typing (LANGUAGE.md §4.4): literals, names, operators, collections, access, lambdas."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from ..diagnostics.model import Span
from ..syntax import ast
from ..syntax.tokens import RESERVED_WORDS
from .scope import FunctionContext, LocalScope
from .suggest import add_suggestion
from .symbols import ConstSym, EnumSym, VariantSym
from .typeref import BUILTIN_GENERICS, SIMPLE_TYPES
from .types import (ANY, BOOL, BYTES, EMPTY_TUPLE, FLOAT, INT, LIST_ANY, LIST_INT, MAP_STRING_ANY, NULL, STRING,
                    FnType, ListType, MapType, NominalType, ResultType, SetType, TupleType, Type, TypeVar,
                    UnionType, common_type, compatible, make_union, operand, render, substitute, with_null,
                    without_null)

if TYPE_CHECKING:
    from .body import BodyChecker

ARITHMETIC = frozenset("+ - * / % **".split())
ORDERING = frozenset("< <= > >=".split())

# Built-in type names usable as values (§4.4: `Int` used as a value is `Any`).
TYPE_NAMES_AS_VALUES = frozenset(list(SIMPLE_TYPES) + list(BUILTIN_GENERICS) + ["Self"])


class ExpressionsMixin:
    """Typing of expressions other than calls; every checked expression gets its `ty`."""

    def expr(self: "BodyChecker", node: ast.Expr) -> Type:
        """Check `node` and return (and record in `node.ty`) its static type."""
        handler = EXPRESSION_HANDLERS.get(type(node))
        result = handler(self, node) if handler is not None else ANY
        node.ty = result
        return result

    def expect(self: "BodyChecker", expected: Type, node: ast.Expr, actual: Optional[Type] = None) -> Type:
        """Check `node` and report `E040 type mismatch` when its type is not compatible with `expected`."""
        if actual is None:
            actual = self.expr(node)
        if not compatible(expected, actual):
            self.module.report("E040", f"type mismatch: expected {render(expected)}, got {render(actual)}",
                               node.span)
        return actual

    def condition_type(self: "BodyChecker", node: ast.Expr) -> None:
        """A condition must be `Bool` when its type is known (§4.5)."""
        self.expect(BOOL, node)

    # ------------------------------------------------------------------------------------------------ literals

    def _int(self, node: ast.IntLit) -> Type:
        return INT

    def _float(self, node: ast.FloatLit) -> Type:
        return FLOAT

    def _string(self, node: ast.StringLit) -> Type:
        return STRING

    def _interp(self: "BodyChecker", node: ast.InterpString) -> Type:
        for part in node.parts:
            if isinstance(part, ast.Expr):
                self.expr(part)
        return STRING

    def _role(self: "BodyChecker", node: ast.RoleBlock) -> Type:
        for part in node.parts:
            if isinstance(part, ast.Expr):
                self.expr(part)
        return STRING

    def _bytes(self, node: ast.BytesLit) -> Type:
        return BYTES

    def _bool(self, node: ast.BoolLit) -> Type:
        return BOOL

    def _null(self, node: ast.NullLit) -> Type:
        return NULL

    # ------------------------------------------------------------------------------------------------ names

    def _name(self: "BodyChecker", node: ast.Name) -> Type:
        return self.resolve_name(node.id, node.span)

    def resolve_name(self: "BodyChecker", name: str, span: Span, silent: bool = False) -> Type:
        """Lookup of §4.2: locals, module names (imports, unqualified variants), builtins; else E041."""
        var = self.scope.lookup(name)
        if var is not None:
            return var.type
        symbol = self.module.names.get(name)
        if symbol is not None:
            if isinstance(symbol, ConstSym):
                return self.const_type(symbol, span)
            return symbol.value_type()
        variants = self.module.variants.get(name)
        if variants:
            variant = self.pick_variant(name, variants, span)
            return variant.value_type() if variant is not None else ANY
        if name in self.program.builtins or name in TYPE_NAMES_AS_VALUES or silent:
            return ANY
        if self.module.placeholder_mode or self.module.failed_star_import:
            return ANY
        self.report_undefined(name, span)
        return ANY

    def report_undefined(self: "BodyChecker", name: str, span: Span) -> None:
        """E041 with a suggestion among locals, module names, builtins and keywords."""
        diagnostic = self.module.report("E041", f"undefined variable '{name}'", span)
        candidates = list(self.scope.names()) + list(self.module.names) + list(self.module.variants)
        candidates += list(self.program.builtins) + list(RESERVED_WORDS)
        add_suggestion(diagnostic, name, span, candidates)

    def pick_variant(self: "BodyChecker", name: str, variants: list[VariantSym], span: Span) -> Optional[VariantSym]:
        """The variant an unqualified name means; E099 when two enums declare it."""
        local = [v for v in variants if v.module is self.module]
        candidates = local or variants
        enums: list[EnumSym] = []
        for variant in candidates:
            if variant.enum is not None and variant.enum not in enums:
                enums.append(variant.enum)
        if len(enums) > 1:
            names = [f"'{e.name}'" for e in enums]
            listed = ", ".join(names[:-1]) + " and " + names[-1]
            self.module.report("E099", f"ambiguous variant '{name}': declared by enums {listed}", span)
            return None
        return candidates[0]

    def const_type(self: "BodyChecker", const: ConstSym, span: Span) -> Type:
        """Type of a constant; inside a constant initializer, a later constant is `used before its definition`."""
        current = self.fn.const
        if current is not None and const.module is self.module and const.order >= current.order:
            self.module.report("E099", f"const '{const.name}' used before its definition", span)
            return ANY
        return const.type if const.type is not None else ANY

    # ------------------------------------------------------------------------------------------------ operators

    def _unary(self: "BodyChecker", node: ast.Unary) -> Type:
        value = self.expr(node.operand)
        if node.op == "not":
            return BOOL
        seen = operand(value)
        if node.op == "~":
            if seen is not ANY and seen is not INT:
                self.module.report("E040", f"type mismatch: operator '~' cannot be applied to {render(value)}",
                                   node.span)
            return INT
        if seen is ANY:
            return ANY
        if seen is INT or seen is FLOAT:
            return seen
        self.module.report("E040", f"type mismatch: operator '{node.op}' cannot be applied to {render(value)}",
                           node.span)
        return ANY

    def _binary(self: "BodyChecker", node: ast.Binary) -> Type:
        op = node.op
        left = self.expr(node.left)
        right = self.expr(node.right)
        if op in ("and", "or", "==", "!=", "in"):
            return BOOL
        if op == "??":
            base = without_null(left)
            if base is None:
                return right
            return base if base == right else make_union([base, right])
        a, b = operand(left), operand(right)
        if op in ARITHMETIC:
            return self.arithmetic(op, a, b, node)
        if op in ORDERING:
            if a is not ANY and b is not ANY and not (_numeric(a) and _numeric(b)) and not (
                    a is STRING and b is STRING):
                self.operator_mismatch(op, a, b, node)
            return BOOL
        if op in ("&", "^"):
            if (a is not ANY and a is not INT) or (b is not ANY and b is not INT):
                self.operator_mismatch(op, a, b, node)
            return INT
        if op == "++":
            if a is ANY or b is ANY:
                return ANY
            if isinstance(a, ListType) and isinstance(b, ListType):
                return ListType(common_type([a.element, b.element]))
            return STRING
        return ANY

    def arithmetic(self: "BodyChecker", op: str, a: Type, b: Type, node: ast.Node) -> Type:
        """`+ - * / % **` over operand types (unions already widened to Any)."""
        if a is ANY or b is ANY:
            return ANY
        if op == "+" and (a is STRING or b is STRING):
            return STRING
        if _numeric(a) and _numeric(b):
            return FLOAT if (a is FLOAT or b is FLOAT) else INT
        self.operator_mismatch(op, a, b, node)
        return ANY

    def operator_mismatch(self: "BodyChecker", op: str, a: Type, b: Type, node: ast.Node) -> None:
        """E040 `operator 'op' cannot be applied to A and B`."""
        self.module.report("E040", f"type mismatch: operator '{op}' cannot be applied to {render(a)} and "
                                   f"{render(b)}", node.span)

    def _range(self: "BodyChecker", node: ast.Range) -> Type:
        for part in (node.start, node.end, node.step):
            if part is not None:
                self.expect_int(part)
        return LIST_INT

    def expect_int(self: "BodyChecker", node: ast.Expr) -> None:
        """Range bounds and steps must be Int when known."""
        value = self.expr(node)
        seen = operand(value)
        if seen is not ANY and seen is not INT:
            self.module.report("E040", f"type mismatch: expected Int, got {render(value)}", node.span)

    # ------------------------------------------------------------------------------------------------ collections

    def _list(self: "BodyChecker", node: ast.ListLit) -> Type:
        if not node.elements:
            return LIST_ANY
        return ListType(common_type([self.element_of(e) for e in node.elements]))

    def element_of(self: "BodyChecker", element) -> Type:
        """Type contributed by a list/set element or spread."""
        if isinstance(element, ast.Spread):
            spread = self.expr(element.value)
            if isinstance(spread, (ListType, SetType)):
                return spread.element
            if isinstance(spread, MapType):
                return spread.key
            return ANY
        return self.expr(element)

    def _tuple(self: "BodyChecker", node: ast.TupleLit) -> Type:
        if not node.elements:
            return EMPTY_TUPLE
        return TupleType(self.expr(e) for e in node.elements)

    def _set(self: "BodyChecker", node: ast.SetLit) -> Type:
        if not node.elements:
            return SetType(ANY)
        return SetType(common_type([self.element_of(e) for e in node.elements]))

    def _map(self: "BodyChecker", node: ast.MapLit) -> Type:
        if not node.entries:
            return MAP_STRING_ANY
        keys: list[Type] = []
        values: list[Type] = []
        for entry in node.entries:
            if isinstance(entry, ast.Spread):
                spread = self.expr(entry.value)
                if isinstance(spread, MapType):
                    keys.append(spread.key)
                    values.append(spread.value)
                else:
                    keys.append(STRING if isinstance(spread, NominalType) else ANY)
                    values.append(ANY)
                continue
            if entry.ident_key:
                entry.key.ty = STRING
                keys.append(STRING)
            else:
                keys.append(self.expr(entry.key))
            values.append(self.expr(entry.value))
        key = STRING if all(k is STRING for k in keys) else ANY
        return MapType(key, common_type(values))

    def _comprehension(self: "BodyChecker", node: ast.Comprehension) -> Type:
        outer = self.scope
        self.scope = LocalScope(outer)
        try:
            for clause in node.clauses:
                if isinstance(clause, ast.CompFor):
                    element = self.iteration_type(self.expr(clause.iterable), clause.iterable)
                    self.bind_target(clause.target, element)
                else:
                    self.condition_type(clause.condition)
            if node.kind == "map":
                key = self.expr(node.key) if node.key is not None else ANY
                value = self.expr(node.element)
                return MapType(STRING if key is STRING else ANY, value)
            element = self.expr(node.element)
            if node.kind == "pairs":
                if isinstance(element, TupleType) and len(element.elements) == 2:
                    key, value = element.elements
                    return MapType(STRING if key is STRING else ANY, value)
                return MapType(ANY, ANY)
            if node.kind == "set":
                return SetType(element)
            return ListType(element)
        finally:
            self.scope = outer

    def iteration_type(self: "BodyChecker", iterable: Type, node: ast.Node) -> Type:
        """Element type of a `for`/comprehension iterable (§4.5), E040 for known non-iterables."""
        if isinstance(iterable, (ListType, SetType)):
            return iterable.element
        if isinstance(iterable, MapType):
            return iterable.key
        if iterable is STRING:
            return STRING
        if iterable is BYTES:
            return INT
        if iterable is ANY or isinstance(iterable, (TupleType, TypeVar, UnionType)):
            return ANY
        self.module.report("E040", f"type mismatch: expected iterable, got {render(iterable)}", node.span)
        return ANY

    # ------------------------------------------------------------------------------------------------ access

    def _field(self: "BodyChecker", node: ast.Field) -> Type:
        obj = node.obj
        if isinstance(obj, ast.Name) and self.scope.lookup(obj.id) is None:
            symbol = self.module.names.get(obj.id)
            if isinstance(symbol, EnumSym):
                obj.ty = ANY
                variant = symbol.variants.get(node.name)
                return variant.value_type() if variant is not None else ANY
            if symbol is not None and not isinstance(symbol, ConstSym):
                obj.ty = ANY
                return ANY
        value = self.expr(obj)
        if node.safe:
            base = without_null(value) or ANY
            return with_null(self.field_type(base, node))
        return self.field_type(value, node)

    def field_type(self: "BodyChecker", value: Type, node: ast.Field) -> Type:
        """Type of `value.name`: record fields (E042 when unknown), tuple elements, map values, else Any."""
        name = node.name
        if isinstance(value, NominalType) and value.kind == "record":
            record = value.symbol
            found = record.field(name)
            if found is None:
                self.unknown_field(name, render(value), node, [f.name for f in record.fields])
                return ANY
            if record.generics and value.args:
                return substitute(found.type, {v.name: a for v, a in zip(record.generics, value.args)})
            return found.type
        if isinstance(value, TupleType):
            if name.isdigit() and int(name) < len(value.elements):
                return value.elements[int(name)]
            self.unknown_field(name, render(value), node, [])
            return ANY
        if isinstance(value, MapType):
            return value.value
        return ANY

    def unknown_field(self: "BodyChecker", name: str, owner: str, node: ast.Node, fields: list[str]) -> None:
        """E042 at the field name, with a suggestion among the type's fields."""
        span = _field_name_span(name, node)
        diagnostic = self.module.report("E042", f"unknown field '{name}' on type '{owner}'", span)
        add_suggestion(diagnostic, name, span, fields)

    def _index(self: "BodyChecker", node: ast.Index) -> Type:
        value = self.expr(node.obj)
        if node.index is not None:
            self.expr(node.index)
        if node.safe:
            base = without_null(value) or ANY
            return with_null(self.index_type(base, node.index))
        return self.index_type(value, node.index)

    def index_type(self, value: Type, index: Optional[ast.Expr]) -> Type:
        """Type of `value[index]` (§4.4)."""
        if isinstance(value, ListType):
            return value.element
        if isinstance(value, MapType):
            return value.value
        if value is STRING:
            return STRING
        if isinstance(value, TupleType):
            position = 0 if index is None else (index.value if isinstance(index, ast.IntLit) else None)
            if position is not None and 0 <= position < len(value.elements):
                return value.elements[position]
        return ANY

    # ------------------------------------------------------------------------------------------------ misc

    def _not_null(self: "BodyChecker", node: ast.NotNull) -> Type:
        return without_null(self.expr(node.value)) or ANY

    def _try(self: "BodyChecker", node: ast.Try) -> Type:
        value = self.expr(node.value)
        return value.ok if isinstance(value, ResultType) else value

    def _await(self: "BodyChecker", node: ast.Await) -> Type:
        value = self.expr(node.value)
        self.effect(node.span, "await expression", ("async",))
        return value

    def _expect_schema(self: "BodyChecker", node: ast.ExpectSchema) -> Type:
        self.expr(node.value)
        return self.types.resolve(node.type, self.fn.type_scope, kind_names=True)

    def _comptime(self, node: ast.Comptime) -> Type:
        return ANY

    def _lambda(self: "BodyChecker", node: ast.Lambda) -> Type:
        outer_scope, outer_fn = self.scope, self.fn
        params: list[Type] = []
        self.scope = LocalScope(outer_scope)
        result = self.types.resolve(node.result, outer_fn.type_scope) if node.result is not None else None
        self.fn = FunctionContext(outer_fn.cell, result, outer_fn.type_scope, outer_fn.const)
        try:
            for param in node.params:
                param_type = self.types.resolve(param.type, outer_fn.type_scope) if param.type is not None else ANY
                params.append(param_type)
                self.scope.bind(param.name, param_type)
            if node.expr_body and len(node.body) == 1 and isinstance(node.body[0], ast.Return):
                body_type = self.expr(node.body[0].value)
                if result is not None:
                    self.expect(result, node.body[0].value, body_type)
                else:
                    result = body_type
            else:
                self.block(node.body)
        finally:
            self.scope, self.fn = outer_scope, outer_fn
        return FnType(params, result if result is not None else ANY)

    def _async_block(self: "BodyChecker", node: ast.AsyncBlock) -> Type:
        value = self.block(node.body)
        return value if value is not None else ANY

    def _await_block(self: "BodyChecker", node: ast.AwaitBlock) -> Type:
        for arg in node.args:
            self.expr(arg.value)
        self.effect(node.span, "await expression", ("async",))
        for item in node.exprs:
            self.in_lambda_scope(lambda item=item: self.expr(item))
        return LIST_ANY if node.kind == "parallel" else ANY

    def _await_parallel_for(self: "BodyChecker", node: ast.AwaitParallelFor) -> Type:
        for arg in node.args:
            self.expr(arg.value)
        self.effect(node.span, "await expression", ("async",))
        element = self.iteration_type(self.expr(node.iterable), node.iterable)

        def body() -> None:
            """The lambda body: the target is bound inside it."""
            self.bind_target(node.target, element)
            self.block(node.body)

        self.in_lambda_scope(body)
        return LIST_ANY

    def in_lambda_scope(self: "BodyChecker", action) -> None:
        """Run `action` as inside a lambda body: own locals, no enclosing loops, no declared result."""
        outer_scope, outer_fn = self.scope, self.fn
        self.scope = LocalScope(outer_scope)
        self.fn = FunctionContext(outer_fn.cell, None, outer_fn.type_scope, outer_fn.const)
        try:
            action()
        finally:
            self.scope, self.fn = outer_scope, outer_fn


def _field_name_span(name: str, node: ast.Node) -> Span:
    """The span of a field name: the node's `name_span`, else derived from the node's span."""
    span = getattr(node, "name_span", None)
    if span is not None and span.line > 0:
        return span
    span = node.span
    if isinstance(node, ast.Field) and span.end_line == span.line and span.end_column - len(name) >= span.column:
        return Span(span.file, span.line, span.end_column - len(name), span.line, span.end_column)
    return Span(span.file, span.line, span.column, span.line, span.column + len(name))


def _numeric(t: Type) -> bool:
    return t is INT or t is FLOAT


EXPRESSION_HANDLERS: dict[type, object] = {}


def register_handlers(table: dict[type, object]) -> None:
    """Fill the expression dispatch table (called once the BodyChecker class exists)."""
    EXPRESSION_HANDLERS.update(table)
