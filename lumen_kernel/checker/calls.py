"""Calls, constructions, method calls and pipes (LANGUAGE.md §4.6, §4.8 inference, §5.12, §5.18 routing)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from ..diagnostics.model import Span
from ..syntax import ast
from .builtins_info import BuiltinSig, process_methods
from .declarations import satisfies
from .suggest import add_suggestion
from .symbols import (AliasSym, CellSym, ConstSym, EffectSym, EnumSym, FieldSig, HandlerSym, InstanceSym, RecordSym,
                      ToolSym, VariantSym)
from .typeref import BUILTIN_GENERICS, SIMPLE_TYPES
from .types import (ANY, NULL, FnType, ListType, MapType, NominalType, ResultType, Type, TypeVar, UnionType,
                    compatible, dispatch_name, infer_bindings, is_any, operand, render, substitute)

if TYPE_CHECKING:
    from .body import BodyChecker

NOT_STATIC = object()


class ArgInfo:
    """A checked call argument: its name (None when positional), static type, value node and `name: value` node."""

    __slots__ = ("name", "type", "node", "arg")

    def __init__(self, name: Optional[str], type: Type, node: ast.Node, arg: Optional[ast.Arg] = None) -> None:
        self.name = name
        self.type = type
        self.node = node
        self.arg = arg

    @property
    def name_span(self) -> Span:
        """Where the argument's name is written (the value's span when unknown)."""
        if self.arg is not None and self.name and self.arg.span.line > 0:
            start = self.arg.span
            return Span(start.file, start.line, start.column, start.line, start.column + len(self.name))
        return self.node.span


class CallsMixin:
    """Classification and checking of calls (§4.6)."""

    # ------------------------------------------------------------------------------------------------ entry points

    def _call(self: "BodyChecker", node: ast.Call) -> Type:
        args = self.check_args(node.args)
        return self.call(node.callee, args, node, node.type_args)

    def _pipe(self: "BodyChecker", node: ast.Pipe) -> Type:
        piped = ArgInfo(None, self.expr(node.left), node.left)
        right = node.right
        if isinstance(right, ast.Call):
            result = self.call(right.callee, [piped] + self.check_args(right.args), right, right.type_args)
            right.ty = result
            return result
        return self.call(right, [piped], node, [])

    def check_args(self: "BodyChecker", args: list[ast.Arg]) -> list[ArgInfo]:
        """Check every argument expression; positional arguments have no name."""
        return [ArgInfo(arg.name, self.expr(arg.value), arg.value, arg) for arg in args]

    def call(self: "BodyChecker", callee: ast.Expr, args: list[ArgInfo], node: ast.Node,
             type_args: list[ast.TypeExpr]) -> Type:
        """Type of calling `callee` with already-checked `args`."""
        if isinstance(callee, ast.Name):
            return self.call_name(callee, args, node, type_args)
        if isinstance(callee, ast.Field) and not callee.safe:
            return self.call_method(callee, args, node)
        return self.call_value(self.expr(callee), args, node, local=False)

    # ------------------------------------------------------------------------------------------------ by name

    def call_name(self: "BodyChecker", callee: ast.Name, args: list[ArgInfo], node: ast.Node,
                  type_args: list[ast.TypeExpr]) -> Type:
        """A call whose callee is an identifier, classified by the lookup order of §4.2."""
        name = callee.id
        var = self.scope.lookup(name)
        if var is not None:
            callee.ty = var.type
            return self.call_value(var.type, args, node, local=True)
        callee.ty = ANY
        symbol = self.module.names.get(name)
        if symbol is not None:
            if isinstance(symbol, CellSym):
                return self.call_cell(symbol, args, node, name, type_args)
            if isinstance(symbol, RecordSym):
                return self.construct(symbol, symbol.fields, True, args, node, type_args)
            if isinstance(symbol, InstanceSym):
                if args:
                    self.wrong_count(0, len(args), node)
                return NominalType(symbol)
            if isinstance(symbol, ToolSym):
                self.tool_call(name, node)
                return ANY
            if isinstance(symbol, ConstSym):
                value = self.const_type(symbol, callee.span)
                callee.ty = value
                return self.call_value(value, args, node, local=False)
            return ANY
        variants = self.module.variants.get(name)
        if variants:
            variant = self.pick_variant(name, variants, callee.span)
            if variant is None:
                return ANY
            return self.construct_variant(variant, args, node, type_args)
        builtin = self.program.builtins.get(name)
        if builtin is not None:
            result = self.call_builtin(builtin, args, node, name)
            if name == "ok":
                return ResultType(args[0].type if args else NULL, ANY)
            if name == "err":
                return ResultType(ANY, args[0].type if args else NULL)
            return result
        return ANY  # an unresolved callee is not reported (§4.2): it fails at run time if reached

    # ------------------------------------------------------------------------------------------------ cells

    def call_cell(self: "BodyChecker", cell: CellSym, args: list[ArgInfo], node: ast.Node, name: str,
                  type_args: Optional[list[ast.TypeExpr]] = None) -> Type:
        """Bind arguments as §5.10 does and check them; the type is the declared result with inferred generics."""
        self.call_edge(node.span, f"call to '{name}'", cell)
        bindings: dict[str, Type] = {}
        explicit = self.explicit_type_args(cell.name, cell.generics, type_args or [], node)
        params = cell.call_params
        rest = params[-1] if params and params[-1].rest else None
        fixed = params[:-1] if rest is not None else params
        positional = [a for a in args if a.name is None]
        if rest is None and len(positional) > len(fixed):
            self.wrong_count(len(params), len(args), node)
        bound: set[str] = set()
        for param, arg in zip(fixed, positional):
            bound.add(param.name)
            self.check_arg(param.type, arg, bindings)
        if rest is not None:
            element = rest.type.element if isinstance(rest.type, ListType) else ANY
            for arg in positional[len(fixed):]:
                self.check_arg(element, arg, bindings)
        by_name = {p.name: p for p in fixed}
        for arg in args:
            if arg.name is None:
                continue
            param = by_name.get(arg.name)
            if param is None:
                self.module.report("E045", f"unknown named argument '{arg.name}' in call to '{cell.name}'",
                                   arg.name_span)
            elif param.name in bound:
                self.module.report("E045", f"argument '{arg.name}' given more than once in call to '{cell.name}'",
                                   arg.name_span)
            else:
                bound.add(param.name)
                self.check_arg(param.type, arg, bindings)
        for param in fixed:
            if param.name not in bound and not param.has_default:
                self.module.report("E044", f"missing argument '{param.name}' in call to '{cell.name}'", node.span)
        if not cell.generics:
            return cell.result if cell.result is not None else ANY
        full = self.generic_bindings(cell.name, cell.generics, bindings, explicit, node)
        return substitute(cell.result, full) if cell.result is not None else ANY

    def check_arg(self: "BodyChecker", expected: Type, arg: ArgInfo, bindings: dict[str, Type]) -> None:
        """E040 when the argument does not fit `expected`; feeds generic inference."""
        if not compatible(expected, arg.type):
            self.module.report("E040", f"type mismatch: expected {render(expected)}, got {render(arg.type)}",
                               arg.node.span)
        if expected.has_any:
            infer_bindings(expected, arg.type, bindings)

    def wrong_count(self: "BodyChecker", expected: int, got: int, node: ast.Node) -> None:
        """E049 `wrong number of arguments: expected n, got m`."""
        self.module.report("E049", f"wrong number of arguments: expected {expected}, got {got}", node.span)

    def explicit_type_args(self: "BodyChecker", name: str, generics: list[TypeVar], type_args: list[ast.TypeExpr],
                           node: ast.Node) -> dict[str, Type]:
        """`Name[T, …](…)`: count checked as for a type reference; the arguments bind the type parameters."""
        if not type_args:
            return {}
        resolved = [self.types.resolve(t, self.fn.type_scope) for t in type_args]
        if len(resolved) != len(generics):
            self.module.report("E099", f"generic type '{name}' has wrong number of type arguments: expected "
                                       f"{len(generics)}, got {len(resolved)}", node.span)
            return {}
        return {var.name: t for var, t in zip(generics, resolved)}

    def generic_bindings(self: "BodyChecker", declaration: str, generics: list[TypeVar], inferred: dict[str, Type],
                         explicit: dict[str, Type], node: ast.Node) -> dict[str, Type]:
        """Type of each parameter (explicit, else inferred, else Any), checking bounds of known ones."""
        result: dict[str, Type] = {}
        for var in generics:
            value = explicit.get(var.name) or inferred.get(var.name) or ANY
            result[var.name] = value
            if is_any(value):
                continue
            for bound in var.bounds:
                if not satisfies(self.module, value, bound):
                    self.module.report("E099", f"type '{render(value)}' does not satisfy bound '{bound}' of type "
                                               f"parameter '{var.name}' in '{declaration}'", node.span)
        return result

    # ------------------------------------------------------------------------------------------------ constructions

    def construct(self: "BodyChecker", owner, fields: list[FieldSig], named_fields: bool, args: list[ArgInfo],
                  node: ast.Node, type_args: list[ast.TypeExpr]) -> Type:
        """A record (or variant) construction: fields by position or name (E042, E045, E046, E049)."""
        is_record = isinstance(owner, RecordSym)
        symbol = owner if is_record else owner.enum
        generics = symbol.generics if symbol is not None else []
        declaration = symbol.name if symbol is not None else owner.name
        explicit = self.explicit_type_args(declaration, generics, type_args, node)
        bindings: dict[str, Type] = {}
        positional = [a for a in args if a.name is None]
        if len(positional) > len(fields):
            self.wrong_count(len(fields), len(args), node)
        given: set[str] = set()
        for field, arg in zip(fields, positional):
            given.add(field.name)
            self.check_arg(field.type, arg, bindings)
        by_name = {f.name: f for f in fields} if named_fields else {}
        for arg in args:
            if arg.name is None:
                continue
            field = by_name.get(arg.name)
            if field is None:
                if named_fields:
                    diagnostic = self.module.report("E042", f"unknown field '{arg.name}' on type '{owner.name}'",
                                                    arg.name_span)
                    add_suggestion(diagnostic, arg.name, arg.name_span, by_name)
                else:
                    self.module.report("E045", f"unknown named argument '{arg.name}' in call to '{owner.name}'",
                                       arg.name_span)
            elif field.name in given:
                self.module.report("E045", f"argument '{arg.name}' given more than once in call to '{owner.name}'",
                                   arg.name_span)
            else:
                given.add(field.name)
                self.check_arg(field.type, arg, bindings)
        missing = [f for f in fields if f.name not in given and not f.has_default]
        if missing and not named_fields and len(positional) <= len(fields):
            self.wrong_count(len(fields), len(args), node)
        elif named_fields:
            for field in missing:
                self.module.report("E046", f"missing field '{field.name}' in construction of '{owner.name}'",
                                   node.span)
        if symbol is None:
            return ANY
        if not generics:
            return NominalType(symbol)
        full = self.generic_bindings(declaration, generics, bindings, explicit, node)
        return NominalType(symbol, [full[v.name] for v in generics])

    def construct_variant(self: "BodyChecker", variant: VariantSym, args: list[ArgInfo], node: ast.Node,
                          type_args: list[ast.TypeExpr]) -> Type:
        """`V(…)`: a payload-less variant takes no arguments; otherwise like a record over its fields."""
        if not variant.fields:
            if args:
                self.wrong_count(0, len(args), node)
            return NominalType(variant.enum) if variant.enum is not None else ANY
        return self.construct(variant, variant.fields, variant.named, args, node, type_args)

    # ------------------------------------------------------------------------------------------------ builtins, tools

    def call_builtin(self: "BodyChecker", sig: BuiltinSig, args: list[ArgInfo], node: ast.Node, name: str) -> Type:
        """Arity of §6 (E049 too many, E044 missing, E045 names); argument types are not checked."""
        if sig.effects:
            self.effect(node.span, f"call to '{name}'", sig.effects)
        params = sig.params
        rest = params[-1] if params and params[-1].rest else None
        fixed = params[:-1] if rest is not None else params
        positional = [a for a in args if a.name is None]
        if rest is None and len(positional) > len(fixed):
            self.wrong_count(len(params), len(args), node)
        bound = {p.name for p in fixed[:len(positional)]}
        by_name = {p.name: p for p in fixed}
        for arg in args:
            if arg.name is None:
                continue
            if arg.name not in by_name:
                self.module.report("E045", f"unknown named argument '{arg.name}' in call to '{name}'", arg.name_span)
            elif arg.name in bound:
                self.module.report("E045", f"argument '{arg.name}' given more than once in call to '{name}'",
                                   arg.name_span)
            else:
                bound.add(arg.name)
        for param in fixed:
            if param.required and param.name not in bound:
                self.module.report("E044", f"missing argument '{param.name}' in call to '{name}'", node.span)
        return sig.result

    def tool_call(self: "BodyChecker", alias: str, node: ast.Node) -> None:
        """Record the effect of calling tool alias `alias`."""
        self.effect(node.span, f"tool call '{alias}'", (self.tool_effect(alias),))

    def tool_effect(self: "BodyChecker", alias: str) -> str:
        """Effect of calling tool alias `alias` (§4.10): bound effect, else a grant's first effect, else external."""
        for bind in self.module.binds:
            if bind.alias == alias:
                return bind.effect
        named = sorted({e for g in self.module.all_grants if g.alias == alias and g.effects for e in g.effects})
        return named[0] if named else "external"

    # ------------------------------------------------------------------------------------------------ values

    def call_value(self: "BodyChecker", callee: Type, args: list[ArgInfo], node: ast.Node, local: bool) -> Type:
        """Calling a value: function types are checked, other known types are not callable (E049)."""
        seen = operand(callee)
        if seen is ANY:
            return ANY
        if isinstance(seen, FnType):
            if len(args) != len(seen.params):
                self.wrong_count(len(seen.params), len(args), node)
            for expected, arg in zip(seen.params, args):
                self.check_arg(expected, arg, {})
            return seen.result
        if local:
            self.module.report("E049", f"value of type {render(callee)} is not callable", node.span)
        return ANY

    # ------------------------------------------------------------------------------------------------ methods

    def call_method(self: "BodyChecker", callee: ast.Field, args: list[ArgInfo], node: ast.Node) -> Type:
        """`x.m(args)` (§4.6, §5.12): static forms first, then by the receiver's static type."""
        obj = callee.obj
        callee.ty = ANY
        if isinstance(obj, ast.Name) and self.scope.lookup(obj.id) is None:
            result = self.static_method_call(obj, callee.name, args, node)
            if result is not NOT_STATIC:
                return result  # type: ignore[return-value]
        receiver = self.receiver_type(obj)
        return self.receiver_call(receiver, callee.name, ArgInfo(None, receiver, obj), args, node)

    def receiver_type(self: "BodyChecker", obj: ast.Expr) -> Type:
        """Type of a receiver; the leftmost name of a callee is never reported as undefined (§4.2)."""
        root = obj
        while isinstance(root, ast.Field):
            root = root.obj
        previous = self.silent_name
        self.silent_name = root if isinstance(root, ast.Name) else None
        try:
            return self.expr(obj)
        finally:
            self.silent_name = previous

    def static_method_call(self: "BodyChecker", obj: ast.Name, method: str, args: list[ArgInfo], node: ast.Node):
        """Static forms of §5.12 and effect routing of §5.18; NOT_STATIC when the receiver must be evaluated."""
        name = obj.id
        dotted = f"{name}.{method}"
        handler = self.find_handler(dotted)
        symbol = self.module.names.get(name)
        operation = symbol.operations.get(method) if isinstance(symbol, EffectSym) else None
        if handler is not None:
            obj.ty = ANY
            result = self.call_cell(handler, args, node, dotted)
            if operation is not None and operation.row:
                self.effect(node.span, f"call to '{dotted}'", tuple(operation.row))
            return result
        bind = self.module.binding_for(name, method)
        if bind is not None:
            obj.ty = ANY
            self.effect(node.span, f"tool call '{bind.alias}'", (bind.effect,))
            if operation is not None and operation.row:
                self.effect(node.span, f"call to '{dotted}'", tuple(operation.row))
            return ANY
        if isinstance(symbol, EffectSym):
            obj.ty = ANY
            if operation is None:
                return self.undefined_method(dotted, node)
            return self.call_cell(operation, args, node, dotted)
        if isinstance(symbol, InstanceSym):
            obj.ty = ANY
            return self.instance_method(symbol, method, args, node)
        if isinstance(symbol, HandlerSym):
            obj.ty = ANY
            cell = symbol.cells.get(method)
            if cell is None:
                return self.undefined_method(dotted, node)
            return self.call_cell(cell, args, node, method)
        if isinstance(symbol, EnumSym):
            obj.ty = ANY
            variant = symbol.variants.get(method)
            if variant is not None:
                return self.construct_variant(variant, args, node, [])
            cell = symbol.methods.get(method)
            if cell is not None:
                return self.call_cell(cell, args, node, method)
            impl = self.program.impl_method(symbol.name, method)
            if impl is not None:
                return self.call_cell(impl, args, node, method)
            return self.undefined_method(dotted, node)
        type_name = None
        if isinstance(symbol, (RecordSym, AliasSym)):
            type_name = symbol.name if isinstance(symbol, RecordSym) else dispatch_name(
                self.types.alias_target(symbol))
        elif symbol is None and (name in SIMPLE_TYPES or name in BUILTIN_GENERICS):
            type_name = dispatch_name(SIMPLE_TYPES[name]) if name in SIMPLE_TYPES else name
        if type_name is not None:
            impl = self.program.impl_method(type_name, method)
            if impl is not None:
                obj.ty = ANY
                return self.call_cell(impl, args, node, method)
        return NOT_STATIC

    def find_handler(self: "BodyChecker", dotted: str) -> Optional[CellSym]:
        """The `handle eff.op` cell for `dotted`: this module's, else any module's (handlers are global)."""
        cell = self.module.handles.get(dotted)
        if cell is not None:
            return cell
        for handler in self.program.handlers:
            if dotted in handler.handles:
                return handler.handles[dotted]
        return None

    def instance_method(self: "BodyChecker", symbol: InstanceSym, method: str, args: list[ArgInfo],
                        node: ast.Node) -> Type:
        """A method of an agent or process (declared, else built-in), else E021 `undefined cell 'A.m'`."""
        cell = symbol.methods.get(method)
        if cell is not None:
            return self.call_cell(cell, args, node, method)
        builtin = process_methods().get(symbol.process_kind, {}).get(method)
        if builtin is not None:
            return self.call_builtin(builtin, args, node, method)
        return self.undefined_method(f"{symbol.name}.{method}", node)

    def undefined_method(self: "BodyChecker", name: str, node: ast.Node) -> Type:
        """E021 `undefined cell 'name'`; the call's type is Any."""
        self.module.report("E021", f"undefined cell '{name}'", node.span)
        return ANY

    def receiver_call(self: "BodyChecker", receiver: Type, method: str, recv: ArgInfo, args: list[ArgInfo],
                      node: ast.Node) -> Type:
        """A method call on a value of static type `receiver` (§4.6 method calls)."""
        if isinstance(receiver, NominalType) and receiver.kind in ("agent", "process"):
            return self.instance_method(receiver.symbol, method, args, node)
        if is_any(receiver) or isinstance(receiver, (UnionType, MapType)) or (
                isinstance(receiver, NominalType) and receiver.kind == "record"):
            if isinstance(receiver, NominalType):
                impl = self.program.impl_method(receiver.name, method)
                if impl is not None:
                    self.call_edge(node.span, f"call to '{method}'", impl)
            return ANY
        full = [recv] + args
        dispatch = dispatch_name(receiver)
        impl = self.program.impl_method(dispatch, method)
        if impl is not None:
            return self.call_cell(impl, full, node, method)
        if isinstance(receiver, NominalType) and receiver.kind == "enum":
            cell = receiver.symbol.methods.get(method)
            if cell is not None:
                return self.call_cell(cell, full, node, method)
        symbol = self.module.names.get(method)
        if isinstance(symbol, CellSym):
            return self.call_cell(symbol, full, node, method)
        builtin = self.program.builtins.get(method)
        if builtin is not None:
            return self.call_builtin(builtin, full, node, method)
        if self.program.has_method_named(method) or method in self.program.cell_names:
            return ANY
        return self.undefined_method(method, node)
