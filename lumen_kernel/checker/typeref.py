"""Resolution of written types (LANGUAGE.md §3.8, §4.3, §4.8): E020, generic arity, bounds, aliases, `Self`."""
from __future__ import annotations

from typing import Optional

from ..syntax import ast
from .module import ModuleInfo, PendingBound
from .suggest import add_suggestion
from .symbols import AliasSym, EnumSym, InstanceSym, RecordSym, TraitSym, UnknownSym, VariantSym
from .types import (ANY, BOOL, BYTES, FLOAT, INT, NULL, STRING, FnType, ListType, MapType, NominalType,
                    PRIMITIVES, ResultType, SetType, TupleType, Type, TypeVar, make_union, substitute)

# Type words and built-in names that take no type arguments.
SIMPLE_TYPES: dict[str, Type] = {
    **PRIMITIVES, "Json": ANY, "int": INT, "float": FLOAT, "string": STRING, "bool": BOOL, "bytes": BYTES,
    "json": ANY, "null": NULL,
}

# Built-in generic constructors and their number of type arguments (None: any number).
BUILTIN_GENERICS: dict[str, Optional[int]] = {"list": 1, "set": 1, "map": 2, "result": 2, "tuple": None}

# Kind names accepted by `expect schema` and type-check patterns (§5.15).
KIND_NAMES = {"List": ListType(ANY), "Set": SetType(ANY), "Map": MapType(ANY, ANY), "Tuple": ANY}


class TypeScope:
    """What a type expression can see besides module names: type parameters and the meaning of `Self`."""

    __slots__ = ("params", "self_type")

    def __init__(self, params: Optional[dict[str, Type]] = None, self_type: Optional[Type] = None) -> None:
        self.params = params or {}
        self.self_type = self_type

    def with_params(self, params: dict[str, Type]) -> "TypeScope":
        """A scope that also sees `params`."""
        merged = dict(self.params)
        merged.update(params)
        return TypeScope(merged, self.self_type)


EMPTY_SCOPE = TypeScope()


class TypeResolver:
    """Turns `ast.TypeExpr` into checker types for one module, reporting problems once per written type."""

    def __init__(self, module: ModuleInfo) -> None:
        self.module = module

    def resolve(self, node: Optional[ast.TypeExpr], scope: TypeScope = EMPTY_SCOPE, *,
                kind_names: bool = False) -> Type:
        """The type written by `node` (`Any` for None or anything unresolvable)."""
        if node is None:
            return ANY
        if isinstance(node, ast.NamedType):
            return self._named(node, scope, kind_names)
        if isinstance(node, ast.TupleType):
            return TupleType(self.resolve(e, scope) for e in node.elements)
        if isinstance(node, ast.FnType):
            return FnType([self.resolve(p, scope) for p in node.params], self.resolve(node.result, scope))
        if isinstance(node, ast.UnionType):
            return make_union(self.resolve(m, scope, kind_names=kind_names) for m in node.members)
        return ANY

    # ------------------------------------------------------------------------------------------ named types

    def _named(self, node: ast.NamedType, scope: TypeScope, kind_names: bool) -> Type:
        name = node.name
        args_nodes = node.args or []
        if name in scope.params:
            self._check_arity(node, name, 0)
            return scope.params[name]
        if name == "Self":
            self._check_arity(node, name, 0)
            return scope.self_type if scope.self_type is not None else ANY
        simple = SIMPLE_TYPES.get(name)
        if simple is not None:
            self._check_arity(node, name, 0)
            return simple
        if name in BUILTIN_GENERICS:
            return self._builtin_generic(node, scope)
        if kind_names and name in KIND_NAMES:
            return KIND_NAMES[name]
        symbol = self.module.lookup(name)
        if symbol is None and "." in name:
            owner = self.module.lookup(name.split(".", 1)[0])
            if owner is not None:
                return ANY  # `M.State` and similar qualified names
        if isinstance(symbol, (RecordSym, EnumSym)):
            args = [self.resolve(a, scope) for a in args_nodes]
            if not self._check_arity(node, name, len(symbol.generics)):
                return NominalType(symbol)
            self._queue_bounds(symbol.generics, args, symbol.name, node)
            return NominalType(symbol, args)
        if isinstance(symbol, AliasSym):
            args = [self.resolve(a, scope) for a in args_nodes]
            if not self._check_arity(node, name, len(symbol.generics)):
                return ANY
            self._queue_bounds(symbol.generics, args, symbol.name, node)
            target = self.alias_target(symbol)
            if symbol.generics:
                return substitute(target, {v.name: a for v, a in zip(symbol.generics, args)})
            return target
        if isinstance(symbol, InstanceSym):
            self._check_arity(node, name, 0)
            return NominalType(symbol)
        if isinstance(symbol, (TraitSym, UnknownSym)):
            return ANY
        if isinstance(symbol, VariantSym) and kind_names:
            return NominalType(symbol.enum) if symbol.enum is not None else ANY
        if symbol is None and kind_names and self.module.variants.get(name):
            variant = self.module.variants[name][0]
            return NominalType(variant.enum) if variant.enum is not None else ANY
        if self.module.failed_star_import:
            return ANY
        diagnostic = self.module.report("E020", f"undefined type '{name}'", node.span)
        add_suggestion(diagnostic, name, _name_span(node), self.type_names(scope))
        return ANY

    def _builtin_generic(self, node: ast.NamedType, scope: TypeScope) -> Type:
        name = node.name
        args = [self.resolve(a, scope) for a in node.args or []]
        expected = BUILTIN_GENERICS[name]
        if name == "tuple":
            return TupleType(args)
        if not args:
            args = [ANY] * (expected or 0)
        elif not self._check_arity(node, name, expected or 0):
            args = [ANY] * (expected or 0)
        if name == "list":
            return ListType(args[0])
        if name == "set":
            return SetType(args[0])
        if name == "map":
            return MapType(args[0], args[1])
        return ResultType(args[0], args[1])

    def _check_arity(self, node: ast.NamedType, name: str, expected: int) -> bool:
        got = len(node.args or [])
        if got == expected:
            return True
        self.module.report("E099", f"generic type '{name}' has wrong number of type arguments: expected {expected}, "
                                   f"got {got}", node.span)
        return False

    def _queue_bounds(self, params: list[TypeVar], args: list[Type], declaration: str, node: ast.Node) -> None:
        for param, arg in zip(params, args):
            for bound in param.bounds:
                self.module.pending_bounds.append(PendingBound(arg, bound, param.name, declaration, node.span))

    def alias_target(self, alias: AliasSym) -> Type:
        """The (lazily resolved) target of an alias, in the alias's own module; cycles give `Any`."""
        if alias.target is not None:
            return alias.target
        if alias.resolving:
            return ANY
        alias.resolving = True
        try:
            resolver = TypeResolver(alias.module) if alias.module is not self.module else self
            params = {v.name: v for v in alias.generics}
            alias.target = resolver.resolve(alias.decl.target, TypeScope(params))
        finally:
            alias.resolving = False
        return alias.target

    def type_names(self, scope: TypeScope) -> list[str]:
        """Suggestion candidates for E020: every type name in scope."""
        names = [n for n in SIMPLE_TYPES if n[0].isupper()] + list(scope.params)
        names += [name for name, symbol in self.module.names.items()
                  if isinstance(symbol, (RecordSym, EnumSym, AliasSym, InstanceSym))]
        return names


def _name_span(node: ast.NamedType):
    """The span of the name itself (the start of the type expression)."""
    span = node.span
    if span is None or span.line <= 0:
        return None
    from ..diagnostics.model import Span

    return Span(span.file, span.line, span.column, span.line, span.column + len(node.name))
