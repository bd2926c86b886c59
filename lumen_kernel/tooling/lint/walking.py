"""Walking syntax trees for the lint rules: `ast.iter_children` and `ast.walk` with each node class's child fields
looked up once.

A node's children are the `Node`s held by its compared dataclass fields, directly or in lists, in field order (as
`ast.iter_children`). Fields annotated with a scalar type (`str`, `bool`, `list[str]`, …) cannot hold nodes and are
not looked at (the annotations of `lumen_kernel.syntax.ast` are strings, `from __future__ import annotations`).
"""
from __future__ import annotations

from dataclasses import fields
from typing import Any

from ...syntax import ast

_SCALAR_TYPES = frozenset(("str", "bool", "int", "float", "bytes", "Optional[str]", "list[str]", "list[list[str]]"))
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def child_fields(cls: type) -> tuple[str, ...]:
    """The names of the fields of node class `cls` that may hold child nodes, in field order."""
    names = _CHILD_FIELDS.get(cls)
    if names is None:
        names = tuple(f.name for f in fields(cls) if f.compare and f.type not in _SCALAR_TYPES)
        _CHILD_FIELDS[cls] = names
    return names


def children(node: Any) -> list[ast.Node]:
    """The direct child nodes of `node`, in source order (as `ast.iter_children`)."""
    result: list[ast.Node] = []
    for name in _CHILD_FIELDS.get(type(node)) or child_fields(type(node)):
        value = getattr(node, name)
        if isinstance(value, ast.Node):
            result.append(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, ast.Node):
                    result.append(item)
    return result


def all_nodes(root: ast.Node) -> list[ast.Node]:
    """`root` and every node under it, depth first in source order (as `ast.walk`)."""
    result: list[ast.Node] = []
    stack: list[ast.Node] = [root]
    node_class, cache = ast.Node, _CHILD_FIELDS
    while stack:
        node = stack.pop()
        result.append(node)
        cls = type(node)
        names = cache.get(cls)
        if names is None:
            names = child_fields(cls)
        top = len(stack)
        for name in names:
            value = getattr(node, name)
            if isinstance(value, node_class):
                stack.append(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, node_class):
                        stack.append(item)
        if len(stack) - top > 1:
            stack[top:] = stack[top:][::-1]     # popped in source order
    return result


class TypeSwitch(dict):
    """Which of some node classes (or tuples of classes) a node belongs to: `switch[type(node)]` is the first entry
    that `isinstance(node, entry)` holds for, or None. The answer is kept per concrete class, so a look-up is one
    dictionary access in place of a chain of `isinstance` tests."""

    def __init__(self, *entries: Any) -> None:
        super().__init__()
        self.entries = entries

    def __missing__(self, cls: type) -> Any:
        found = next((entry for entry in self.entries if issubclass(cls, entry)), None)
        self[cls] = found
        return found
