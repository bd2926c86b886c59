"""Bindings and reads per function scope, for the lint rules on variables (LANGUAGE.md §4.2).

A scope is a cell body, a lambda body or the top-level script; blocks open no scope. A scope's reads include the
reads of the lambdas nested in it (they capture by value), minus the names those lambdas bind themselves.
Parameters are bindings of kind `parameter`; `let`, `for`, comprehension and pattern bindings are `variable`s.
A bare name in a `match` or `if let` pattern is a tag test, not a binding, when it names a variant of the module,
`ok`/`err`, or starts with an upper-case letter (a variant imported from elsewhere).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Collection, Iterator, Optional

from ...diagnostics.model import Span
from ...syntax import ast
from .walking import TypeSwitch, all_nodes, children

PARAMETER = "parameter"
VARIABLE = "variable"


@dataclass
class Binding:
    """One name bound in a scope, at `span`."""

    name: str
    span: Span
    kind: str


@dataclass
class Scope:
    """The bindings (in source order) and the names read of one function scope."""

    owner: object
    bindings: list[Binding] = field(default_factory=list)
    reads: set[str] = field(default_factory=set)

    def first_bindings(self, kind: Optional[str] = None) -> list[Binding]:
        """The first binding of each name (of `kind` when given), in source order."""
        seen: set[str] = set()
        result = []
        for binding in self.bindings:
            if binding.name in seen or (kind is not None and binding.kind != kind):
                continue
            seen.add(binding.name)
            result.append(binding)
        return result


def module_variants(module: ast.Module) -> set[str]:
    """Names of the enum variants the module declares."""
    return {variant.name for decl in module.items if isinstance(decl, ast.EnumDecl) for variant in decl.variants}


def function_scopes(module: ast.Module, variants: Optional[Collection[str]] = None) -> list[Scope]:
    """Every scope of the module: the script first, then cells and lambdas in source order. `variants` are the enum
    variants in scope (default: those the module declares)."""
    collector = _Collector(module_variants(module) if variants is None else variants)
    script = Scope(owner=module)
    collector.scopes.append(script)
    for item in module.items:
        if isinstance(item, ast.Decl):
            collector.declaration(item)
        else:
            collector.visit(item, script)
    return collector.scopes


class _Collector:
    def __init__(self, variants: Collection[str]) -> None:
        self.variants = variants
        self.scopes: list[Scope] = []

    def declaration(self, node: ast.Node) -> None:
        """Visit a declaration: each cell inside it is a scope of its own."""
        if isinstance(node, ast.CellDecl):
            self.cell(node)
            return
        for child in children(node):
            if isinstance(child, (ast.Decl, ast.CellDecl, ast.HandleDecl, ast.GrantDecl)):
                self.declaration(child)
            else:
                scope = Scope(owner=child)
                self.visit(child, scope)

    def cell(self, cell: ast.CellDecl) -> None:
        scope = Scope(owner=cell)
        self.scopes.append(scope)
        for param in cell.params:
            scope.bindings.append(Binding(param.name, param.span, PARAMETER))
            if param.default is not None:
                self.visit(param.default, scope)
        for stmt in cell.body:
            self.visit(stmt, scope)

    def lambda_scope(self, node: ast.Lambda, parent: Scope) -> None:
        scope = Scope(owner=node)
        self.scopes.append(scope)
        for param in node.params:
            scope.bindings.append(Binding(param.name, param.span, PARAMETER))
        for stmt in node.body:
            self.visit(stmt, scope)
        own = {binding.name for binding in scope.bindings}
        parent.reads.update(scope.reads - own)

    def visit(self, node: object, scope: Scope) -> None:
        """Record the bindings and reads of `node` and everything under it into `scope`."""
        kind = _VISITED[type(node)]
        if kind is None:
            return      # not a node
        if kind is ast.Name:
            scope.reads.add(node.id)
            return
        if kind is ast.Lambda:
            self.lambda_scope(node, scope)
            return
        if kind is ast.CellDecl:
            self.cell(node)
            return
        if kind is ast.Let:
            self.bind(node.target, scope, always=True)
            self.visit(node.value, scope)
            return
        if kind is ast.Assign:
            if node.op is None and isinstance(node.target, ast.Name):
                self.visit(node.value, scope)
                return
        elif kind is _LOOP_TARGETS:
            self.bind(node.target, scope, always=True)
        elif kind is ast.LetCond:
            self.bind(node.pattern, scope, always=False)
            self.visit(node.value, scope)
            return
        elif kind is ast.MatchArm:
            self.bind(node.pattern, scope, always=False)
        elif kind is ast.Pattern:
            return  # patterns hold literals and constructor names, never variable reads
        for child in children(node):
            self.visit(child, scope)

    def bind(self, pattern: ast.Pattern, scope: Scope, always: bool) -> None:
        for name, span in pattern_bindings(pattern, self.variants, top_level_binds=always):
            scope.bindings.append(Binding(name, span, VARIABLE))


def pattern_bindings(pattern: ast.Pattern, variants: Collection[str], top_level_binds: bool = False
                     ) -> Iterator[tuple[str, Span]]:
    """The names a pattern binds, with their spans (or-pattern alternatives may repeat names)."""
    if isinstance(pattern, ast.BindPattern):
        if top_level_binds or not is_tag_test(pattern.name, variants):
            yield pattern.name, pattern.span
    elif isinstance(pattern, ast.TypePattern):
        yield pattern.name, pattern.span
    elif isinstance(pattern, ast.ListPattern):
        for element in pattern.elements:
            yield from pattern_bindings(element, variants)
        if pattern.rest_name:
            yield pattern.rest_name, pattern.span
    elif isinstance(pattern, ast.RecordPattern):
        for field_pattern in pattern.fields:
            if field_pattern.pattern is None:
                yield field_pattern.name, field_pattern.span
            else:
                yield from pattern_bindings(field_pattern.pattern, variants)
    elif isinstance(pattern, (ast.VariantPattern, ast.TuplePattern)):
        for element in getattr(pattern, "args", None) or getattr(pattern, "elements", []):
            yield from pattern_bindings(element, variants)
    elif isinstance(pattern, ast.OrPattern):
        for alternative in pattern.alternatives:
            yield from pattern_bindings(alternative, variants)


def is_tag_test(name: str, variants: Collection[str]) -> bool:
    """Whether a bare name in a refutable pattern is (probably) a variant tag rather than a binding."""
    return name in variants or name in ("ok", "err") or name[:1].isupper()


def used_names(module: ast.Module, nodes: Optional[list] = None) -> set[str]:
    """Every name the module refers to outside its import declarations: variables and callees, type names,
    pattern constructors, traits, bounds and pipeline stages (first segments of dotted names). Import
    declarations hold `ImportName`s, which are not uses. `nodes` are the module's nodes when already listed."""
    names: set[str] = set()
    uses = _USES
    for node in nodes if nodes is not None else all_nodes(module):
        kind = uses[type(node)]
        if kind is None:
            continue
        if kind is ast.Name:
            names.add(node.id)
        elif kind is ast.NamedType:
            names.add(node.name.split(".")[0])
        elif kind is _CONSTRUCTOR_PATTERNS:
            if node.name:
                names.add(node.name[0])
        elif kind is _BINDING_PATTERNS:
            names.add(node.name)
        elif kind is ast.ImplDecl:
            names.add(node.trait)
        elif kind is ast.TraitDecl:
            names.update(node.parents)
        elif kind is ast.GenericParam:
            names.update(node.bounds)
        else:
            names.update(stage[0] for stage in node.stages if stage)
    return names


_LOOP_TARGETS = (ast.For, ast.CompFor, ast.AwaitParallelFor)
_VISITED = TypeSwitch(ast.Lambda, ast.CellDecl, ast.Name, ast.Let, ast.Assign, _LOOP_TARGETS, ast.LetCond,
                      ast.MatchArm, ast.Pattern, ast.Node)
_CONSTRUCTOR_PATTERNS = (ast.VariantPattern, ast.RecordPattern)
_BINDING_PATTERNS = (ast.BindPattern, ast.TypePattern)
_USES = TypeSwitch(ast.Name, ast.NamedType, _CONSTRUCTOR_PATTERNS, _BINDING_PATTERNS, ast.ImplDecl, ast.TraitDecl,
                   ast.GenericParam, ast.ProcessDecl)
