"""The REPL's persistent scope: bindings, the names an entry binds, and carrying values into the next step.

Each step runs in a fresh engine run, whose record and enum types are new objects. `adopt_values` (called at the
start of each step through the `__repl_adopt` builtin) points persisted record and enum values at the types of the
running step, so that pattern matching on them keeps working after the declarations were compiled again.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from ...syntax import ast

#: Prefix of every name the REPL generates (user names starting with it are not persisted).
RESERVED_PREFIX = "__repl"


@dataclass
class Binding:
    """A persisted variable: its value, its static type as text, and whether its last `let` was annotated (then
    later assignments must stay compatible with that type)."""

    name: str
    value: Any
    type_text: str
    annotated: bool = False


def bound_names(statements: list[ast.Stmt]) -> list[str]:
    """Names the statements bind in the step cell's flat scope (LANGUAGE.md §4.2: blocks do not open scopes; lambda
    bodies and comprehensions do), in first-binding order."""
    names: list[str] = []
    for statement in statements:
        for node in _walk_scope(statement):
            if isinstance(node, ast.Let):
                _add(names, pattern_names(node.target, top=True))
            elif isinstance(node, ast.For):
                _add(names, pattern_names(node.target, top=True))
            elif isinstance(node, ast.LetCond):
                _add(names, pattern_names(node.pattern, top=False))
            elif isinstance(node, ast.MatchArm):
                _add(names, pattern_names(node.pattern, top=False))
    return [name for name in names if not name.startswith(RESERVED_PREFIX)]


def annotated_lets(statements: list[ast.Stmt]) -> dict[str, bool]:
    """For each name bound by a bare-name `let` among the statements: whether the textually last such `let` had a
    type annotation."""
    found: dict[str, bool] = {}
    for statement in statements:
        for node in _walk_scope(statement):
            if isinstance(node, ast.Let) and isinstance(node.target, ast.BindPattern):
                found[node.target.name] = node.type is not None
    return found


def pattern_names(pattern: Any, top: bool) -> list[str]:
    """Names a pattern binds. A bare name nested in a pattern may be a variant tag test; capitalised ones are taken
    to be variants."""
    names: list[str] = []
    if isinstance(pattern, ast.BindPattern):
        if top or not pattern.name[:1].isupper():
            names.append(pattern.name)
    elif isinstance(pattern, ast.TypePattern):
        names.append(pattern.name)
    elif isinstance(pattern, ast.ListPattern):
        for element in pattern.elements:
            names.extend(pattern_names(element, False))
        if pattern.rest_name:
            names.append(pattern.rest_name)
    elif isinstance(pattern, ast.TuplePattern):
        for element in pattern.elements:
            names.extend(pattern_names(element, False))
    elif isinstance(pattern, ast.RecordPattern):
        for field_pattern in pattern.fields:
            if field_pattern.pattern is None:
                names.append(field_pattern.name)
            else:
                names.extend(pattern_names(field_pattern.pattern, False))
    elif isinstance(pattern, ast.VariantPattern):
        for argument in pattern.args:
            names.extend(pattern_names(argument, False))
    elif isinstance(pattern, ast.OrPattern):
        for alternative in pattern.alternatives:
            names.extend(pattern_names(alternative, False))
    return names


def _walk_scope(node: Any) -> Iterator[Any]:
    """`node` and its descendants, without entering lambdas and comprehensions (they have their own scopes)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, (ast.Lambda, ast.Comprehension, ast.AwaitParallelFor)):
            continue
        stack.extend(reversed(list(ast.iter_children(current))))


def _add(names: list[str], new: list[str]) -> None:
    for name in new:
        if name not in names:
            names.append(name)


# -- carrying values into a new run ------------------------------------------------------------------------------

def adopt_values(namespace: Any, values: tuple) -> None:
    """Point the record and enum values inside `values` at the same-named types of `namespace` (the running
    step's globals), in place."""
    from ...runtime.values import LumenSet, Record, RecordType, Union, VariantInfo

    if not isinstance(namespace, dict):
        return
    records: dict[str, Any] = {}
    variants: dict[tuple[str, str], Any] = {}
    for item in namespace.values():
        if isinstance(item, RecordType):
            records.setdefault(item.name, item)
        elif isinstance(item, VariantInfo):
            variants.setdefault((item.enum, item.tag), item)
    seen: set[int] = set()
    pending = list(values)
    while pending:
        value = pending.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        kind = type(value)
        if kind is Record:
            current = records.get(value.type.name)
            if current is not None and current.field_names == value.type.field_names:
                value.type = current
            pending.extend(value.fields.values())
        elif kind is Union:
            current = variants.get((value.variant.enum, value.variant.tag))
            if current is not None and current.fields == value.variant.fields:
                value.variant = current
            payload = value.payload
            if isinstance(payload, dict):
                pending.extend(payload.values())
            elif isinstance(payload, tuple):
                pending.extend(payload)
            else:
                pending.append(payload)
        elif kind is list or kind is tuple:
            pending.extend(value)
        elif kind is dict:
            pending.extend(value.values())
        elif kind is LumenSet:
            pending.extend(value.items)


def adopt_builtin() -> Any:
    """The `__repl_adopt(...values)` builtin the step cell calls first (it receives the running engine context)."""
    from ...runtime.builtins.spec import BuiltinSpec, params_of

    def repl_adopt(ctx: Any, *values: Any) -> None:
        adopt_values(getattr(ctx, "ns", None), values)

    params, needs_context = params_of(repl_adopt)
    return BuiltinSpec(f"{RESERVED_PREFIX}_adopt", repl_adopt, params, "Null", (), needs_context)
