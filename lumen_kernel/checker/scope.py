"""Local scopes and per-function context (LANGUAGE.md §4.2 local scope, labels)."""
from __future__ import annotations

from typing import Iterator, Optional

from .symbols import CellSym, ConstSym
from .types import Type


class LocalVar:
    """A local variable: its current static type and the annotation of its last `let` (None if unannotated)."""

    __slots__ = ("type", "annotation")

    def __init__(self, type: Type, annotation: Optional[Type] = None) -> None:
        self.type = type
        self.annotation = annotation


class LocalScope:
    """One flat namespace (a cell, lambda or comprehension body); lambdas and comprehensions see their parents.

    Names enter the scope when their binding is checked, so a lookup only finds bindings written before it.
    """

    __slots__ = ("vars", "parent")

    def __init__(self, parent: Optional["LocalScope"] = None) -> None:
        self.vars: dict[str, LocalVar] = {}
        self.parent = parent

    def lookup(self, name: str) -> Optional[LocalVar]:
        """The local `name` bound so far in this scope or an enclosing one."""
        scope: Optional[LocalScope] = self
        while scope is not None:
            var = scope.vars.get(name)
            if var is not None:
                return var
            scope = scope.parent
        return None

    def bind(self, name: str, type: Type, annotation: Optional[Type] = None) -> None:
        """Bind (or re-bind) `name` in this scope."""
        var = self.vars.get(name)
        if var is None:
            self.vars[name] = LocalVar(type, annotation)
        else:
            var.type = type
            var.annotation = annotation

    def names(self) -> Iterator[str]:
        """Every local name visible here (suggestion candidates)."""
        scope: Optional[LocalScope] = self
        while scope is not None:
            yield from scope.vars
            scope = scope.parent


class FunctionContext:
    """What a body needs to know about its function: effects sink, declared result, enclosing loop labels."""

    __slots__ = ("cell", "return_type", "loops", "type_scope", "const")

    def __init__(self, cell: Optional[CellSym], return_type: Optional[Type], type_scope, const: Optional[ConstSym]
                 = None) -> None:
        self.cell = cell
        self.return_type = return_type
        self.loops: list[str] = []  # label of each enclosing loop ("" when unlabelled), innermost last
        self.type_scope = type_scope
        self.const = const
