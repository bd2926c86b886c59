"""Lowering of one Lumen function body (cell, method, handler, lambda, default, constraint, guard) to a Python
function definition.

`FunctionLowerer` holds the per-function state (local scope, output buffer, loops, temporaries) and combines the
expression, statement and pattern lowerings (`lower_exprs.py`, `lower_stmts.py`, `lower_patterns.py`).

Local scope (§4.2, §5.8): one flat namespace per function. Every Lumen local becomes a Python local named `v_<name>`
(comprehension targets get fresh names per comprehension), pre-initialised to null at entry. A name refers to a local
only from its first binding onwards in source order; `scope` maps the Lumen names in scope so far to Python names.
"""
from __future__ import annotations

import ast as py
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator, Optional

from ..syntax import ast
from . import pyast as P
from .lower_exprs import ExprLowering
from .lower_patterns import PatternLowering
from .lower_stmts import StmtLowering

if TYPE_CHECKING:
    from .lower_module import ProgramCompiler
    from .names import ModuleScope


@dataclass
class LoopCtx:
    """A loop being lowered: its label, where `break value` stores, and the control variable used to leave or
    continue it from a nested Python loop. `transparent` marks comprehension loops (not Lumen loops)."""

    label: Optional[str]
    result: Optional[str]
    transparent: bool = False
    ctl: Optional[str] = None
    propagate: set = field(default_factory=set)   # ids of outer LoopCtx signalled from inside this loop


class Ctx:
    """Where the value of a statement list goes: discarded, returned, or stored in a variable."""

    __slots__ = ("kind", "var")

    def __init__(self, kind: str, var: Optional[str] = None) -> None:
        self.kind = kind
        self.var = var


DISCARD = Ctx("discard")
RETURN = Ctx("return")


def store_ctx(var: str) -> Ctx:
    return Ctx("store", var)


class FunctionLowerer(ExprLowering, StmtLowering, PatternLowering):
    """Lowers one Lumen function body into a Python `def`."""

    def __init__(self, compiler: "ProgramCompiler", module: "ModuleScope", display: str, *,
                 scope: Optional[dict[str, str]] = None, is_lambda: bool = False,
                 process: object = None) -> None:
        self.compiler = compiler
        self.module = module
        self.display = display
        self.scope: dict[str, str] = dict(scope or {})
        self.locals: list[str] = []           # Python locals to pre-initialise (in order, no duplicates)
        self._local_set: set[str] = set()
        self.out: list[py.stmt] = []
        self.line = 1
        self.loops: list[LoopCtx] = []
        self.is_lambda = is_lambda
        self.process = process                # ProcessSym for agent/process methods (grant scope of tool calls)
        self._temp = 0
        self.placeholder = module.loaded.placeholder_mode

    # -- names and temporaries ---------------------------------------------------------------------------------------

    def temp(self) -> str:
        """A fresh Python temporary variable."""
        self._temp += 1
        return f"_t{self._temp}"

    def fresh(self, base: str) -> str:
        """A fresh Python name based on a Lumen name (comprehension targets)."""
        self._temp += 1
        return f"c{self._temp}_{base}"

    def declare_local(self, pyname: str) -> None:
        """Register a Python local that must exist (null) from the start of the call."""
        if pyname not in self._local_set:
            self._local_set.add(pyname)
            self.locals.append(pyname)

    def bind_name(self, name: str) -> str:
        """The Python variable for binding Lumen local `name` here (an existing local is re-assigned, §5.8)."""
        pyname = self.scope.get(name)
        if pyname is None:
            pyname = "v_" + name
            self.scope[name] = pyname
            self.declare_local(pyname)
        return pyname

    # -- output --------------------------------------------------------------------------------------------------------

    def emit(self, stmt: py.stmt) -> None:
        """Append a statement to the current buffer, stamped with the current Lumen line."""
        self.out.append(P.stamp(stmt, self.line))

    @contextmanager
    def buffer(self) -> Iterator[list[py.stmt]]:
        """Collect emitted statements into a fresh list (restoring the outer buffer afterwards)."""
        saved = self.out
        self.out = []
        try:
            yield self.out
        finally:
            self.out = saved

    @contextmanager
    def at_line(self, node: object) -> Iterator[None]:
        """Use the line of `node` for statements emitted inside."""
        saved = self.line
        span = getattr(node, "span", None)
        if span is not None and span.line:
            self.line = span.line
        try:
            yield
        finally:
            self.line = saved

    # -- function assembly ---------------------------------------------------------------------------------------

    def prologue(self, params: list[str]) -> list[py.stmt]:
        """Depth and fuel accounting at entry (inside the try whose `finally` restores the depth)."""
        stmts: list[py.stmt] = []
        if self.compiler.mode.fuel:
            stmts.append(P.py_parse("_FUEL -= 1\nif _FUEL < 0: _fuel_out()"))
        stmts.append(P.py_parse("if _D > _MAXD: _depth_out()"))
        return stmts

    def finish(self, pyname: str, params: list[str], body: list[py.stmt], *, vararg: Optional[str] = None,
               defaults: Optional[list[py.expr]] = None, line: int = 1, prelude: Optional[list[py.stmt]] = None,
               accounting: bool = True) -> py.FunctionDef:
        """Wrap a lowered body into `def pyname(params)`: locals pre-initialised to null, then `prelude` (default
        arguments), then the body; with `accounting`, call depth and fuel are charged (§5.22)."""
        inits: list[py.stmt] = []
        params_set = set(params) | ({vararg} if vararg else set())
        pre = [name for name in self.locals if name not in params_set]
        if pre:
            targets = [P.store(name) for name in pre]
            inits.append(P.stamp(py.Assign(targets=targets, value=P.const(None)), line))
        inner = inits + list(prelude or []) + body
        if not accounting:
            fn = P.function(pyname, P.arguments(params, defaults=defaults, vararg=vararg), inner)
            return P.stamp(fn, line)
        accounting_stmts = [P.stamp(stmt, line) for stmt in self.prologue(params)]
        globals_used = ["_D"] + (["_FUEL"] if self.compiler.mode.fuel else [])
        fn_body: list[py.stmt] = [
            py.Global(names=globals_used),
            P.stamp(P.py_parse("_D += 1"), line),
            P.stamp(py.Try(body=accounting_stmts + inner, handlers=[], orelse=[],
                           finalbody=[P.stamp(P.py_parse("_D -= 1"), line)]), line),
        ]
        fn = P.function(pyname, P.arguments(params, defaults=defaults, vararg=vararg), fn_body)
        return P.stamp(fn, line)
