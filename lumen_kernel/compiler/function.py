"""Lowering of one Lumen function body (cell, method, handler, lambda, default, constraint, guard) to a Python
function definition.

`FunctionLowerer` holds the per-function state (local scope, output buffer, loops, temporaries, static kinds) and
combines the expression, statement and pattern lowerings (`lower_exprs.py`, `lower_stmts.py`, `lower_patterns.py`).

Local scope (§4.2, §5.8): one flat namespace per function. Every Lumen local becomes a Python local named `v_<name>`
(comprehension targets get fresh names per comprehension), pre-initialised to null at entry. A name refers to a local
only from its first binding onwards in source order; `scope` maps the Lumen names in scope so far to Python names.

Calling convention and limits (§5.22): a cell's Python function takes its Lumen parameters then `_d`, its call
depth; direct calls pass `_d + 1`. Lambdas and entry functions (used when a cell is called as a value) read the
depth of the code that called them from the global `_DB`, which every function making such "boundary" calls
publishes while it runs. Fuel is a global counter, compiled only into the fuel mode.

Static kinds: while lowering, the kind (`int`, `float`, `str`, `bool`, `list`, `map`) of an expression is known when
it is certain at run time. Locals get a kind when every binding gives that kind and every read is preceded by a
binding on every path (definite assignment); the function is lowered repeatedly until the assumed kinds are
confirmed. Known kinds let arithmetic and comparisons compile to native Python operations.
"""
from __future__ import annotations

import ast as py
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator, Optional

from . import pyast as P
from .lower_exprs import ExprLowering
from .lower_patterns import PatternLowering
from .lower_stmts import StmtLowering

if TYPE_CHECKING:
    from .lower_module import ProgramCompiler
    from .names import ModuleScope

BIG_DEPTH = 1 << 62


@dataclass
class LoopCtx:
    """A loop being lowered: its label, where `break value` stores, and the control variable used to leave or
    continue it from a nested Python loop. `transparent` marks comprehension loops (not Lumen loops)."""

    label: Optional[str]
    result: Optional[str]
    transparent: bool = False
    ctl: Optional[str] = None
    targets: dict = field(default_factory=dict)   # outer LoopCtx signalled from inside this loop


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
    """Lowers one Lumen function body into a Python `def`.

    `kind` is `cell` (depth parameter `_d`), `lambda` (depth read from `_DB`) or `plain` (defaults, constraints,
    guards, constant initialisers: no accounting; calls inside pass `_DB + 1`). `kinds` maps Python local names to
    the static kinds assumed for them; `observed`, `unsafe` and `returns` collect what this pass learnt.
    """

    def __init__(self, compiler: "ProgramCompiler", module: "ModuleScope", display: str, *,
                 scope: Optional[dict[str, str]] = None, kind: str = "cell", process: object = None,
                 kinds: Optional[dict[str, str]] = None, dry: bool = False, boundary: bool = False) -> None:
        self.compiler = compiler
        self.module = module
        self.display = display
        self.scope: dict[str, str] = dict(scope or {})
        self.locals: list[str] = []           # Python locals to pre-initialise (in order, no duplicates)
        self._local_set: set[str] = set()
        self.out: list[py.stmt] = []
        self.line = 1
        self.loops: list[LoopCtx] = []
        self.fn_kind = kind
        self.is_lambda = kind == "lambda"
        self.process = process                # ProcessSym for agent/process methods
        self._temp = 0
        self._fresh = 0
        self.placeholder = module.loaded.placeholder_mode
        self.kinds: dict[str, str] = dict(kinds or {})
        self.assigned: set[str] = set()
        self.facts: list[str] = []            # Int locals known to be positive here (bounds of enclosing ranges)
        self.lower_bounds: dict[str, int] = {}   # Int locals known to be >= a constant here (after early exits)
        self.observed: dict[str, set] = {}
        self.unsafe: set[str] = set()
        self.returns: set = set()
        self.boundary = boundary and kind != "plain"   # publishes its depth in `_DB` (assumed for this pass)
        self.boundary_seen = False            # makes calls that may enter Lumen code without passing `_d`
        self.dry = dry
        self.lambda_defs: list[py.stmt] = []  # module-level factories of the lambdas this function creates
        self.fn: Optional[py.FunctionDef] = None
        self.depth_check: Optional[py.stmt] = None   # a lambda's `_DB` check, when it is a leaf (see `finish`)

    # -- names and temporaries ---------------------------------------------------------------------------------------

    def temp(self) -> str:
        """A fresh Python temporary variable."""
        self._temp += 1
        return f"_t{self._temp}"

    def fresh(self, base: str) -> str:
        """A fresh Python name based on a Lumen name (comprehension targets); numbered apart from temporaries so
        that every lowering pass of a function gives the same names."""
        self._fresh += 1
        return f"c{self._fresh}_{base}"

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

    def note_binding(self, pyname: str, kind: Optional[str]) -> None:
        """Record that `pyname` is assigned a value of static kind `kind` (None: unknown) at this point."""
        self.observed.setdefault(pyname, set()).add(kind)
        self.assigned.add(pyname)

    def depth_expr(self) -> py.expr:
        """The call depth to pass to a directly called cell."""
        if self.fn_kind == "plain":
            return py.BinOp(left=P.load("_DB"), op=py.Add(), right=P.const(1))
        return py.BinOp(left=P.load("_d"), op=py.Add(), right=P.const(1))

    def mark_boundary(self) -> None:
        """This function calls something that may run Lumen code without receiving the depth explicitly."""
        self.boundary_seen = True

    # -- output --------------------------------------------------------------------------------------------------------

    def emit(self, stmt: py.stmt) -> None:
        """Append a statement to the current buffer, stamped with the current Lumen line."""
        self.out.append(stmt if self.dry else P.stamp(stmt, self.line))

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
    def branch(self) -> Iterator[None]:
        """Code that may not run: bindings inside it are not definite afterwards."""
        saved = set(self.assigned)
        try:
            yield
        finally:
            self.assigned = saved

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

    def finish(self, pyname: str, params: list[str], body: list[py.stmt], *, vararg: Optional[str] = None,
               defaults: Optional[list[py.expr]] = None, line: int = 1, prelude: Optional[list[py.stmt]] = None,
               accounting: bool = True) -> py.FunctionDef:
        """Wrap a lowered body into a Python `def`: locals pre-initialised to null, then `prelude` (default
        arguments), then the body. With `accounting`, the depth (and fuel) are checked at entry (§5.22)."""
        if self.dry:
            return None   # type: ignore[return-value] - analysis passes keep no code
        mode = self.compiler.mode
        inits: list[py.stmt] = []
        params_set = set(params) | ({vararg} if vararg else set())
        pre = [name for name in self.locals if name not in params_set]
        if pre:
            inits.append(P.stamp(py.Assign(targets=[P.store(name) for name in pre], value=P.const(None)), line))
        head: list[py.stmt] = []
        globals_used: list[str] = []
        if accounting:
            if mode.fuel:
                globals_used.append("_FUEL")
                head.append(P.py_parse("_FUEL -= 1\nif _FUEL < 0: _fuel_out()"))
            if self.fn_kind == "lambda" and not mode.events and not self.boundary \
                    and not _uses_name(list(prelude or []) + body, "_d"):
                # a lambda that calls no cell needs its depth only for this check: no `_d` local
                self.depth_check = P.py_parse(f"if _DB >= {mode.max_depth}: _depth_out()")
                head.append(self.depth_check)
            else:
                if self.fn_kind == "lambda":
                    head.append(P.py_parse("_d = _DB + 1"))
                head.append(P.py_parse(f"if _d > {mode.max_depth}: _depth_out()"))
            if mode.events:
                head.append(P.expr_stmt(P.call("_call_enter", P.const(self.display), P.load("_d"))))
        if self.boundary:
            globals_used.append("_DB")
            head.append(P.py_parse("_db0 = _DB"))
            head.append(P.py_parse("_DB = _d"))
        stmts: list[py.stmt] = []
        if globals_used:
            stmts.append(py.Global(names=globals_used))
        stmts += [P.stamp(s, line) for s in head]
        stmts += inits + list(prelude or []) + body
        args = P.arguments(params, defaults=defaults, vararg=vararg)
        if accounting and self.fn_kind == "cell":
            if vararg is not None:
                args.kwonlyargs.append(py.arg(arg="_d"))
                args.kw_defaults.append(P.const(BIG_DEPTH))
            else:
                args.args.append(py.arg(arg="_d"))
                if defaults:
                    args.defaults.append(P.const(BIG_DEPTH))
        fn = P.function(pyname, args, stmts)
        return P.stamp(fn, line)

    def return_stmt(self, value: py.expr) -> py.stmt:
        """`return value` from the current Python function (restoring `_DB`, reporting `call_exit`)."""
        from .lower_exprs import kind_of

        self.returns.add(kind_of(value))
        events = self.compiler.mode.events and self.fn_kind != "plain"
        if events:
            value = P.call("_call_exit", P.const(self.display), P.load("_d"), value)
        if not self.boundary:
            return P.ret(value)
        name = self.temp()
        return py.If(test=P.const(True), body=[P.assign(name, value), P.py_parse("_DB = _db0"),
                                               P.ret(P.load(name))], orelse=[])


def _uses_name(nodes: list[py.stmt], name: str) -> bool:
    """Whether any of `nodes` reads or writes the Python variable `name`."""
    return any(type(node) is py.Name and node.id == name for stmt in nodes for node in py.walk(stmt))
