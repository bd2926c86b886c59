"""The kernel's lint rules (TOOLING.md §2.7), one function per rule.

Each rule takes a `LintContext` (the parsed module and what the rules share about it) and yields findings as
`Diagnostic`s whose `code` is the rule id. Severities here are the defaults; `lumen.toml` and `--strict` adjust them
afterwards (`runner`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Collection, Iterable, Iterator, Optional

from ...diagnostics.model import Diagnostic, Span
from ...syntax import ast
from .scopes import PARAMETER, VARIABLE, Scope, function_scopes, module_variants, used_names
from .walking import TypeSwitch, all_nodes, children

LONG_CELL_STATEMENTS = 50


@dataclass
class LintContext:
    """A parsed module and the facts several rules need (computed once, on first use).

    The module may be a part of a bigger one (the language server lints one declaration at a time): then
    `known_variants` are the enum variants of the whole module (bare names in patterns are tag tests or bindings
    depending on them) and `known_used` the names the whole module uses (for `unused-import`).
    """

    module: ast.Module
    builtins: frozenset[str] = field(default_factory=frozenset)
    known_variants: Optional[Collection[str]] = None
    known_used: Optional[Collection[str]] = None

    @cached_property
    def nodes(self) -> list[ast.Node]:
        """Every node of the module, in source order."""
        return all_nodes(self.module)

    @cached_property
    def blocks(self) -> list[tuple[ast.Node, str, list[ast.Stmt]]]:
        """Every statement list of the module (`statement_blocks`)."""
        return list(statement_blocks(self.module, self.nodes))

    @cached_property
    def scopes(self) -> list[Scope]:
        return function_scopes(self.module, self.variants)

    @cached_property
    def variants(self) -> Collection[str]:
        """The enum variant names in scope."""
        return self.known_variants if self.known_variants is not None else module_variants(self.module)

    @cached_property
    def used(self) -> Collection[str]:
        """The names used outside import declarations (`used_names`)."""
        return self.known_used if self.known_used is not None else used_names(self.module, self.nodes)


@dataclass(frozen=True)
class Rule:
    """A lint rule: id, default severity, one-line description and the function finding it."""

    rule_id: str
    severity: str
    description: str
    check: Callable[[LintContext], Iterable[Diagnostic]]


def _finding(rule: str, severity: str, message: str, span: Optional[Span]) -> Diagnostic:
    if span is not None and span.line <= 0:
        span = None
    return Diagnostic(code=rule, message=message, span=span, severity=severity)


# ------------------------------------------------------------------------------------------------ statement blocks

_BLOCK_OWNERS = TypeSwitch(ast.CellDecl, ast.Lambda, ast.If, ast.MatchArm, ast.Loop, ast.While, ast.For,
                           ast.AwaitParallelFor, ast.AsyncBlock, ast.AddonStmt)
_BODY_NAMES = {ast.Loop: "`loop` body", ast.While: "`while` body", ast.For: "`for` body",
               ast.AwaitParallelFor: "`await parallel for` body", ast.AsyncBlock: "`async` block"}


def statement_blocks(module: ast.Module, nodes: Optional[list[ast.Node]] = None
                     ) -> Iterator[tuple[ast.Node, str, list[ast.Stmt]]]:
    """Every statement list of the module as (owner node, description, statements); the script comes first."""
    yield module, "script", module.statements
    owners = _BLOCK_OWNERS
    for node in nodes if nodes is not None else all_nodes(module):
        kind = owners[type(node)]
        if kind is None:
            continue
        if kind is ast.CellDecl:
            if node.has_body and not node.expr_body:
                yield node, f"body of cell '{node.name}'", node.body
        elif kind is ast.Lambda:
            if not node.expr_body:
                yield node, "lambda body", node.body
        elif kind is ast.If:
            if not node.inline:
                for branch in node.branches:
                    yield branch, "`if` block", branch.body
                if node.else_body is not None:
                    yield node, "`else` block", node.else_body
        elif kind is ast.MatchArm:
            yield node, "match arm body", node.body
        elif kind is ast.AddonStmt:
            if node.body is not None:
                yield node, f"`{node.keyword} … in` block", node.body
        else:
            yield node, _BODY_NAMES[kind], node.body


_JUMP_WORDS = {ast.Return: "return", ast.Halt: "halt", ast.Break: "break", ast.Continue: "continue"}


def unreachable_code(ctx: LintContext) -> Iterator[Diagnostic]:
    """A statement after `return`, `halt`, `break` or `continue` in the same block."""
    for _owner, _what, body in ctx.blocks:
        for stmt, following in zip(body, body[1:]):
            word = _JUMP_WORDS.get(type(stmt))
            if word is not None:
                yield _finding("unreachable-code", "error", f"unreachable code after `{word}`", following.span)
                break


# ---------------------------------------------------------------------------------------------------- loops

def infinite_loop(ctx: LintContext) -> Iterator[Diagnostic]:
    """A `loop` or `while true` whose body can reach no `break` (of that loop), `return`, `halt` or `?`."""
    for node in ctx.nodes:
        if isinstance(node, ast.Loop):
            construct = "`loop`"
        elif isinstance(node, ast.While) and isinstance(node.condition, ast.BoolLit) and node.condition.value:
            construct = "`while true`"
        else:
            continue
        if not any(_can_leave(stmt, node.label, frozenset(), 0) for stmt in node.body):
            yield _finding("infinite-loop", "error",
                           f"{construct} never ends: no `break`, `return` or `halt` can be reached", node.span)


_NESTED_FUNCTIONS = (ast.Lambda, ast.AwaitParallelFor, ast.AwaitBlock, ast.CellDecl)
_LOOPS = (ast.Loop, ast.While, ast.For)


def _can_leave(node: object, own: Optional[str], inner_labels: frozenset, depth: int) -> bool:
    """Whether executing `node` may leave the loop being checked (labelled `own`). `depth` counts the loops between
    it and `node`, `inner_labels` their labels: an unlabelled `break` leaves only its innermost loop, a labelled
    `break` every loop inside the one it names, a labelled `continue` every loop inside the one it names."""
    if isinstance(node, (ast.Return, ast.Halt, ast.Try)):
        return True
    if isinstance(node, ast.Break):
        return depth == 0 if node.label is None else node.label not in inner_labels
    if isinstance(node, ast.Continue):
        return node.label is not None and node.label != own and node.label not in inner_labels
    if isinstance(node, _NESTED_FUNCTIONS):
        return False
    if isinstance(node, _LOOPS):
        depth += 1
        if node.label is not None:
            inner_labels = inner_labels | {node.label}
    return any(_can_leave(child, own, inner_labels, depth) for child in children(node))


# ---------------------------------------------------------------------------------------------------- names

def unused_variable(ctx: LintContext) -> Iterator[Diagnostic]:
    """A variable (not a parameter) never read in its scope; names starting with `_` are exempt."""
    for scope in ctx.scopes:
        for binding in scope.first_bindings(VARIABLE):
            if binding.name.startswith("_") or binding.name in scope.reads:
                continue
            if any(b.name == binding.name and b.kind == PARAMETER for b in scope.bindings):
                continue
            yield _finding("unused-variable", "warning", f"variable '{binding.name}' is never used", binding.span)


def unused_import(ctx: LintContext) -> Iterator[Diagnostic]:
    """A name brought in by `import m: X` (or `X as Y`) that the module never uses."""
    used = ctx.used
    for item in ctx.module.items:
        if not isinstance(item, ast.ImportDecl) or item.star:
            continue
        for imported in item.names:
            local = imported.alias or imported.name
            if local in used or local.startswith("_"):
                continue
            span = imported.span if imported.span.line > 0 else item.span
            yield _finding("unused-import", "warning", f"imported name '{local}' is never used", span)


def shadowed_builtin(ctx: LintContext) -> Iterator[Diagnostic]:
    """A top-level cell, a parameter or a variable named like a builtin."""
    builtins = ctx.builtins
    for item in ctx.module.items:
        if isinstance(item, ast.CellDecl) and item.name in builtins:
            yield _finding("shadowed-builtin", "warning", f"cell '{item.name}' shadows the builtin '{item.name}'",
                           item.name_span if item.name_span.line > 0 else item.span)
    for scope in ctx.scopes:
        for binding in scope.first_bindings():
            if binding.name in builtins:
                yield _finding("shadowed-builtin", "warning",
                               f"{binding.kind} '{binding.name}' shadows the builtin '{binding.name}'", binding.span)


_SNAKE = re.compile(r"^_*[a-z][a-z0-9]*(?:_+[a-z0-9]+)*_*$|^_+$")
_PASCAL = re.compile(r"^_*[A-Z][A-Za-z0-9]*$")
_TYPE_DECLS = {ast.RecordDecl: "record", ast.EnumDecl: "enum", ast.TypeAliasDecl: "type alias",
               ast.TraitDecl: "trait", ast.AgentDecl: "agent", ast.ProcessDecl: "process"}


def is_snake_case(name: str) -> bool:
    """`total`, `max_len`, `_tmp`, `x2` (ASCII lower case, digits and underscores)."""
    return bool(_SNAKE.match(name))


def is_pascal_case(name: str) -> bool:
    """`Point`, `HttpClient`, `V2` (an upper-case letter first, no underscores after it)."""
    return bool(_PASCAL.match(name))


def to_snake_case(name: str) -> str:
    """`getUser` → `get_user`, `HTTPServer` → `http_server`."""
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", spaced)
    return re.sub(r"_+", "_", spaced).lower()


def to_pascal_case(name: str) -> str:
    """`point_xy` → `PointXy`, `shape` → `Shape`."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_") if part) or name


def naming_convention(ctx: LintContext) -> Iterator[Diagnostic]:
    """Cells, parameters and variables in snake_case; records, enums, aliases, traits, agents, processes in
    PascalCase."""
    for node in ctx.nodes:
        if isinstance(node, ast.CellDecl) and "." not in node.name and not is_snake_case(node.name):
            span = node.name_span if node.name_span.line > 0 else node.span
            yield _finding("naming-convention", "warning",
                           f"cell '{node.name}' should be snake_case: '{to_snake_case(node.name)}'", span)
        kind = _TYPE_DECLS.get(type(node))
        if kind is not None and not is_pascal_case(node.name):
            span = getattr(node, "name_span", node.span)
            span = span if span.line > 0 else node.span
            yield _finding("naming-convention", "warning",
                           f"{kind} '{node.name}' should be PascalCase: '{to_pascal_case(node.name)}'", span)
    for scope in ctx.scopes:
        for binding in scope.first_bindings():
            if not is_snake_case(binding.name):
                yield _finding("naming-convention", "warning",
                               f"{binding.kind} '{binding.name}' should be snake_case: "
                               f"'{to_snake_case(binding.name)}'", binding.span)


# ---------------------------------------------------------------------------------------------------- blocks

def empty_block(ctx: LintContext) -> Iterator[Diagnostic]:
    """A block with no statement: cell and lambda bodies, `if`/`else` blocks, loop bodies, arm bodies."""
    for owner, what, body in ctx.blocks:
        if body or owner is ctx.module:
            continue
        yield _finding("empty-block", "warning", f"empty {what}", owner.span)


def long_cell(ctx: LintContext) -> Iterator[Diagnostic]:
    """A cell with more than 50 statements (nested blocks and lambdas included)."""
    nodes = ctx.nodes
    if sum(isinstance(node, ast.Stmt) for node in nodes) <= LONG_CELL_STATEMENTS:
        return      # no cell can have more
    for node in nodes:
        if not isinstance(node, ast.CellDecl) or node.expr_body:
            continue
        count = sum(1 for stmt in node.body for inner in all_nodes(stmt) if isinstance(inner, ast.Stmt))
        if count > LONG_CELL_STATEMENTS:
            span = node.name_span if node.name_span.line > 0 else node.span
            yield _finding("long-cell", "warning",
                           f"cell '{node.name}' has {count} statements (more than {LONG_CELL_STATEMENTS})", span)


KERNEL_RULES: dict[str, Rule] = {rule.rule_id: rule for rule in (
    Rule("unreachable-code", "error", "statement after return, halt, break or continue in its block",
         unreachable_code),
    Rule("infinite-loop", "error", "loop or while true that can reach no break, return or halt", infinite_loop),
    Rule("unused-variable", "warning", "binding never read (_-prefixed exempt)", unused_variable),
    Rule("unused-import", "warning", "imported name never used", unused_import),
    Rule("shadowed-builtin", "warning", "cell, parameter or variable named like a builtin", shadowed_builtin),
    Rule("naming-convention", "warning", "cells and variables not snake_case; types not PascalCase",
         naming_convention),
    Rule("empty-block", "warning", "body without statements", empty_block),
    Rule("long-cell", "warning", f"cell over {LONG_CELL_STATEMENTS} statements", long_cell),
)}
"""The kernel rules by id, in the order of TOOLING.md §2.7."""

SYNTAX_RULE = "syntax"
"""Rule id of the syntax errors of an unparsable file (always errors; cannot be allowed)."""
