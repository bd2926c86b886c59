"""Lowering of Lumen expressions (LANGUAGE.md §3.5, §5) to Python expressions.

`expr(e)` returns a Python expression and may first emit statements into the current buffer (block `if`, `match`,
loops and `?` used inside expressions). Sub-expressions are evaluated left to right: when a later operand emits
statements, the earlier operands are first saved in temporaries (`ordered`), so side effects keep their order.
"""
from __future__ import annotations

import ast as py
from typing import TYPE_CHECKING, Any, Callable, Optional

from ..syntax import ast
from . import kinds as K
from . import pyast as P
from .names import Symbol

if TYPE_CHECKING:
    from .function import FunctionLowerer

INT_MIN = -(2 ** 63)
INT_MAX = 2 ** 63 - 1
_NUMERIC = ("int", "float")

_ARITH = {"+": "_add", "-": "_sub", "*": "_mul", "/": "_div", "%": "_mod", "**": "_pow", "&": "_band",
          "^": "_bxor", "++": "_cat"}
_ORDER = {"<": "_lt", "<=": "_le", ">": "_gt", ">=": "_ge"}
_PY_ORDER = {"<": py.Lt, "<=": py.LtE, ">": py.Gt, ">=": py.GtE}

#: Built-in type names (§3.8); used as values they evaluate to their name.
BUILTIN_TYPE_NAMES = frozenset({"Int", "Float", "String", "Bool", "Bytes", "Json", "Null", "Any", "Self"})

#: Builtins implemented by the engine (futures §6.10 and `trace_ref`): Lumen name -> run-time global.
ENGINE_BUILTINS = {"spawn": "_spawn", "parallel": "_parallel", "race": "_race", "vote": "_vote",
                   "select": "_select", "timeout": "_timeout", "cancel": "_cancel", "trace_ref": "_trace_ref"}


def mark_bool(node: py.expr) -> py.expr:
    """Remember that `node` always evaluates to a Python bool (so conditions can test it directly)."""
    node._lumen_bool = True   # type: ignore[attr-defined]
    return node


def is_bool(node: py.expr) -> bool:
    return (getattr(node, "_lumen_bool", False) or getattr(node, "_lumen_kind", None) == "bool"
            or (isinstance(node, py.Constant) and type(node.value) is bool))


def kind_of(node: py.expr) -> Optional[str]:
    """The statically known Python type of a lowered expression (`int`, `float`, `str`) or None."""
    kind = getattr(node, "_lumen_kind", None)
    if kind is not None:
        return kind
    if getattr(node, "_lumen_bool", False):
        return "bool"
    if isinstance(node, py.Constant):
        value = node.value
        if type(value) is bool:
            return "bool"
        if type(value) is int:
            return "int"
        if type(value) is float:
            return "float"
        if type(value) is str:
            return "str"
    return None


def mark_kind(node: py.expr, kind: Optional[str]) -> py.expr:
    """Record the static kind of a lowered expression (`int+` marks a non-negative Int)."""
    if kind == "int+":
        node._lumen_nonneg = True   # type: ignore[attr-defined]
        kind = "int"
    if kind is not None:
        node._lumen_kind = kind   # type: ignore[attr-defined]
    return node


def nonneg(node: py.expr) -> bool:
    """Whether an Int expression is known to be non-negative."""
    if isinstance(node, py.Constant):
        return type(node.value) is int and node.value >= 0
    return getattr(node, "_lumen_nonneg", False)


def refined_kind(node: py.expr) -> Optional[str]:
    """`kind_of`, with `int+` for a non-negative Int (used for the kinds of locals)."""
    kind = kind_of(node)
    if kind == "int" and nonneg(node):
        return "int+"
    return kind


class ExprLowering:
    """Expression lowering methods of `FunctionLowerer`."""

    # -- entry points ------------------------------------------------------------------------------------------

    def expr(self: "FunctionLowerer", e: ast.Expr) -> py.expr:
        """Lower an expression; statements it needs are emitted first."""
        method = getattr(self, "x_" + type(e).__name__, None)
        if method is None:
            raise TypeError(f"internal compiler error: no lowering for AST node {type(e).__name__}")
        return method(e)

    def ordered(self: "FunctionLowerer", thunks: list[Callable[[], py.expr]]) -> list[py.expr]:
        """Evaluate several operands left to right, spilling earlier ones to temporaries when a later one emits
        statements."""
        results: list[py.expr] = []
        for thunk in thunks:
            mark = len(self.out)
            value = thunk()
            if len(self.out) > mark and results:
                spills = []
                assigned = _stored_names(self.out[mark:])
                for i, previous in enumerate(results):
                    if isinstance(previous, py.Name) and previous.id not in assigned:
                        continue          # a variable the new statements do not assign keeps its value
                    if not P.is_simple(previous):
                        name = self.temp()
                        spills.append(P.stamp(P.assign(name, previous), self.line))
                        results[i] = _keep_marks(P.load(name), previous)
                self.out[mark:mark] = spills
            results.append(value)
        return results

    def exprs(self: "FunctionLowerer", items: list[ast.Expr]) -> list[py.expr]:
        return self.ordered([(lambda item=item: self.expr(item)) for item in items])

    def materialize(self: "FunctionLowerer", value: py.expr) -> py.expr:
        """`value` as a local or constant (so it can be read several times)."""
        if isinstance(value, (py.Constant, py.Name)):
            return value
        name = self.temp()
        self.emit(P.assign(name, value))
        return _keep_marks(P.load(name), value)

    def cond(self: "FunctionLowerer", e: ast.Expr) -> py.expr:
        """A condition (§5.3): holds only when the value is exactly `true`."""
        value = self.expr(e)
        if is_bool(value):
            return value
        return P.is_(value, P.const(True))

    def sub_expr(self: "FunctionLowerer", e: ast.Expr) -> tuple[list[py.stmt], py.expr]:
        """Lower `e` into a separate buffer: (statements it needs, value)."""
        with self.buffer() as stmts:
            value = self.expr(e)
        return stmts, value

    # -- literals ------------------------------------------------------------------------------------------------

    def x_IntLit(self, e: ast.IntLit) -> py.expr:
        return P.const(int(e.value))

    def x_FloatLit(self, e: ast.FloatLit) -> py.expr:
        return P.const(float(e.value))

    def x_StringLit(self, e: ast.StringLit) -> py.expr:
        return P.const(e.value)

    def x_BytesLit(self, e: ast.BytesLit) -> py.expr:
        return P.const(bytes(e.value))

    def x_BoolLit(self, e: ast.BoolLit) -> py.expr:
        return P.const(bool(e.value))

    def x_NullLit(self, e: ast.NullLit) -> py.expr:
        return P.const(None)

    def x_Comptime(self, e: ast.Comptime) -> py.expr:
        return P.const(None)

    def x_InterpString(self: "FunctionLowerer", e: ast.InterpString) -> py.expr:
        return self.string_parts(list(e.parts))

    def x_RoleBlock(self: "FunctionLowerer", e: ast.RoleBlock) -> py.expr:
        return self.string_parts([f"{e.role}: "] + list(e.parts))

    def string_parts(self: "FunctionLowerer", parts: list[Any]) -> py.expr:
        """Text parts and interpolated expressions (concatenation form, §2.5) joined into one string."""
        exprs = [part for part in parts if not isinstance(part, str)]
        if not exprs:
            return mark_kind(P.const("".join(parts)), "str")
        values = iter(self.exprs(exprs))
        pieces: list[py.expr] = []
        for part in parts:
            if isinstance(part, str):
                if part:
                    pieces.append(P.const(part))
            else:
                value = next(values)
                if kind_of(value) in ("str", "int"):
                    converted = value
                else:
                    converted = P.call("_concat", value)
                pieces.append(py.FormattedValue(value=converted, conversion=-1, format_spec=None))
        return mark_kind(py.JoinedStr(values=pieces), "str")

    # -- names ---------------------------------------------------------------------------------------------------

    def x_Name(self: "FunctionLowerer", e: ast.Name) -> py.expr:
        local = self.scope.get(e.id)
        if local is not None:
            return self.read_local(local)
        symbol = self.module.lookup(e.id)
        if symbol is not None:
            return self.symbol_value(symbol, e.id)
        builtin = self.compiler.builtin_closure_global(e.id)
        if builtin is not None:
            return P.load(builtin)
        if e.id in BUILTIN_TYPE_NAMES:       # a type name used as a value is the String of its name (§5.11)
            return mark_kind(P.const(e.id), "str")
        if self.placeholder:
            return mark_kind(P.const(e.id), "str")
        return P.call("_undefined_name", P.const(e.id))

    def read_local(self: "FunctionLowerer", pyname: str) -> py.expr:
        """Read a local: its static kind applies only where it is definitely assigned."""
        node = P.load(pyname)
        if pyname not in self.assigned:
            self.unsafe.add(pyname)
            return node
        kind = self.kinds.get(pyname)
        if kind in ("int", "int+"):
            bound = self.lower_bounds.get(pyname)
            if bound is not None:
                node._lumen_min = bound   # type: ignore[attr-defined]
                if bound >= 0:
                    return mark_kind(node, "int+")
        if pyname in self.facts and kind in ("int", "int+"):
            node._lumen_min = max(1, getattr(node, "_lumen_min", 1))   # type: ignore[attr-defined]
            return mark_kind(node, "int+")
        return mark_kind(node, kind)

    def symbol_value(self: "FunctionLowerer", symbol: Symbol, name: str) -> py.expr:
        """A module-level name used as a value (§5.11)."""
        kind, target = symbol.kind, symbol.target
        if kind == "cell":
            return P.load(target.closure)
        if kind == "record":
            return P.load(target.closure)
        if kind == "variant":
            return P.load(target.value)
        if kind == "ambiguous_variant":
            return P.load(target[0].value)
        if kind == "const":
            return P.load(target.pyname)
        if kind == "tool":
            return P.load(target.pyname)
        if kind == "process":
            return P.load(target.closure)
        return mark_kind(P.const(name), "str")   # enums, aliases, traits, effects, handlers: the name's String

    # -- collections ---------------------------------------------------------------------------------------------

    def x_ListLit(self: "FunctionLowerer", e: ast.ListLit) -> py.expr:
        thunks = []
        for element in e.elements:
            if isinstance(element, ast.Spread):
                thunks.append(lambda el=element: py.Starred(value=P.call("_spread", self.expr(el.value)),
                                                             ctx=py.Load()))
            else:
                thunks.append(lambda el=element: self.expr(el))
        values = self.ordered(thunks)
        if not e.elements:
            return mark_kind(P.list_(values), "list:*")
        if not any(isinstance(el, ast.Spread) for el in e.elements):
            return mark_kind(P.list_(values), K.list_of(K.meet_all(kind_of(v) for v in values)))
        return mark_kind(P.list_(values), "list")

    def x_TupleLit(self: "FunctionLowerer", e: ast.TupleLit) -> py.expr:
        return P.tuple_(self.exprs(list(e.elements)))

    def x_SetLit(self: "FunctionLowerer", e: ast.SetLit) -> py.expr:
        return P.call("_mkset", P.list_(self.exprs(list(e.elements))))

    def x_MapLit(self: "FunctionLowerer", e: ast.MapLit) -> py.expr:
        thunks: list[Callable[[], py.expr]] = []
        layout: list[str] = []
        for entry in e.entries:
            if isinstance(entry, ast.Spread):
                thunks.append(lambda en=entry: P.call("_mspread", self.expr(en.value)))
                layout.append("spread")
            else:
                if entry.ident_key or isinstance(entry.key, ast.StringLit):
                    key_value = entry.key.value if isinstance(entry.key, ast.StringLit) else str(entry.key)
                    thunks.append(lambda k=key_value: P.const(k))
                else:
                    thunks.append(lambda en=entry: self.map_key(self.expr(en.key)))
                thunks.append(lambda en=entry: self.expr(en.value))
                layout.append("entry")
        values = iter(self.ordered(thunks))
        keys: list[Optional[py.expr]] = []
        vals: list[py.expr] = []
        for kind in layout:
            if kind == "spread":
                keys.append(None)
                vals.append(next(values))
            else:
                keys.append(next(values))
                vals.append(next(values))
        if not e.entries:
            return mark_kind(py.Dict(keys=keys, values=vals), "map:*")
        if "spread" in layout:
            return mark_kind(py.Dict(keys=keys, values=vals), "map")
        return mark_kind(py.Dict(keys=keys, values=vals), K.map_of(K.meet_all(kind_of(v) for v in vals)))

    def map_key(self, value: py.expr) -> py.expr:
        """A Map key: the concatenation form of the value (§5.7)."""
        if kind_of(value) == "str":
            return value
        return P.call("_concat", value)

    def x_Comprehension(self: "FunctionLowerer", e: ast.Comprehension) -> py.expr:
        return self.comprehension(e)

    def x_Range(self: "FunctionLowerer", e: ast.Range) -> py.expr:
        start, stop, step = self.range_parts(e)
        node = mark_kind(P.call("_range_list", start, stop, P.const(bool(e.inclusive)), step), "list:int")
        node._lumen_range = (start, stop, bool(e.inclusive), step)   # type: ignore[attr-defined]
        return node

    def range_value(self, node: py.expr) -> py.expr:
        """The lazy range object for a lowered range expression (membership tests)."""
        start, stop, inclusive, step = node._lumen_range   # type: ignore[attr-defined]
        return P.call("_mkrange", start, stop, P.const(inclusive), step)

    def range_parts(self: "FunctionLowerer", e: ast.Range) -> list[py.expr]:
        items: list[Callable[[], py.expr]] = [lambda: self.expr(e.start)]
        items.append((lambda: self.expr(e.end)) if e.end is not None else (lambda: P.const(None)))
        items.append((lambda: self.expr(e.step)) if e.step is not None else (lambda: P.const(1)))
        return self.ordered(items)

    # -- operators -----------------------------------------------------------------------------------------------

    def x_Unary(self: "FunctionLowerer", e: ast.Unary) -> py.expr:
        if e.op == "-" and isinstance(e.operand, ast.IntLit):
            return P.const(-int(e.operand.value))
        if e.op == "-" and isinstance(e.operand, ast.FloatLit):
            return P.const(-float(e.operand.value))
        operand = self.expr(e.operand)
        if e.op == "not":
            if is_bool(operand):
                return mark_bool(P.not_(operand))
            return mark_bool(P.not_(P.call("_truthy", operand)))
        if e.op == "~":
            return mark_kind(P.call("_bnot", operand), "int")
        kind = kind_of(operand)
        if kind == "float":
            return mark_kind(py.UnaryOp(op=py.USub(), operand=operand), "float")
        if kind == "int":
            operand = self.materialize(operand)
            return mark_kind(P.ifexp(P.compare(operand, py.NotEq(), P.const(INT_MIN)),
                                     py.UnaryOp(op=py.USub(), operand=operand), P.call("_overflow")), "int")
        if kind is None:
            operand = self.materialize(operand)
            return P.ifexp(P.and_(P.is_(P.call("type", operand), P.load("int")),
                                  P.compare(operand, py.NotEq(), P.const(INT_MIN))),
                           py.UnaryOp(op=py.USub(), operand=operand), P.call("_neg", operand))
        return P.call("_neg", operand)

    def truthy(self, value: py.expr) -> py.expr:
        if is_bool(value):
            return value
        return mark_bool(P.call("_truthy", value))

    def x_Binary(self: "FunctionLowerer", e: ast.Binary) -> py.expr:
        op = e.op
        if op in ("and", "or"):
            return self.logical(e)
        if op == "??":
            return self.coalesce(e)
        left, right = self.exprs([e.left, e.right])
        if op in _ARITH:
            fast = self.fast_arith(op, left, right, e)
            if fast is not None:
                return fast
            return P.call(_ARITH[op], left, right)
        if op == "==":
            return mark_bool(self.equality(left, right))
        if op == "!=":
            return mark_bool(P.not_(self.equality(left, right)))
        if op in _ORDER:
            lk, rk = kind_of(left), kind_of(right)
            if (lk in _NUMERIC and rk in _NUMERIC) or (lk == "str" and rk == "str"):
                return mark_bool(P.compare(left, _PY_ORDER[op](), right))
            if (lk == "int" and rk is None) or (lk is None and rk == "int") or (lk is None and rk is None):
                left, right = self.materialize(left), self.materialize(right)
                unknowns = [node for node, kind in ((left, lk), (right, rk)) if kind is None]
                test = P.and_(*[P.is_(P.call("type", node), P.load("int")) for node in unknowns])
                return mark_bool(P.ifexp(test, P.compare(left, _PY_ORDER[op](), right),
                                         P.call(_ORDER[op], left, right)))
            return mark_bool(P.call(_ORDER[op], left, right))
        if op == "in":
            if isinstance(e.right, ast.Range):     # membership in a range: no List is built (§5.4)
                return mark_bool(P.call("_in", left, self.range_value(right)))
            return mark_bool(P.call("_in", left, right))
        raise TypeError(f"internal compiler error: unknown binary operator {op!r}")

    def fast_arith(self: "FunctionLowerer", op: str, left: py.expr, right: py.expr, e: ast.Binary) \
            -> Optional[py.expr]:
        """Native arithmetic when the operands' kinds are known (§5.5 semantics kept: checked Int range, truncating
        division, remainder with the dividend's sign, IEEE Floats)."""
        lk, rk = kind_of(left), kind_of(right)
        if op == "+" and lk == "str":
            if rk == "str":
                return mark_kind(py.BinOp(left=left, op=py.Add(), right=right), "str")
            if rk == "int":
                return mark_kind(py.BinOp(left=left, op=py.Add(), right=P.call("str", right)), "str")
            return mark_kind(py.BinOp(left=left, op=py.Add(), right=P.call("_concat", right)), "str")
        if op == "+" and rk == "str" and lk == "int":
            return mark_kind(py.BinOp(left=P.call("str", left), op=py.Add(), right=right), "str")
        if op == "++" and lk == "str" and rk == "str":
            return mark_kind(py.BinOp(left=left, op=py.Add(), right=right), "str")
        if K.base(lk) in _NUMERIC and K.base(rk) in _NUMERIC and (lk.endswith("?") or rk.endswith("?")):
            return self.nullable_arith(op, left, right, K.base(lk), K.base(rk))
        if (lk == "int" and rk is None) or (lk is None and rk == "int"):
            return self.guarded_int_arith(op, left, right, unknown_left=lk is None)
        if lk is None and rk is None and op in ("+", "-", "*"):
            return self.guarded_both(op, left, right)
        if lk not in _NUMERIC or rk not in _NUMERIC:
            return None
        if lk == "int" and rk == "int":
            return self.int_arith(op, left, right)
        if op in ("+", "-", "*"):
            py_op = {"+": py.Add, "-": py.Sub, "*": py.Mult}[op]()
            return mark_kind(py.BinOp(left=left, op=py_op, right=right), "float")
        if op == "/" and isinstance(right, py.Constant) and right.value != 0:
            return mark_kind(py.BinOp(left=left, op=py.Div(), right=right), "float")
        helper = {"/": "_float_div", "%": "_float_mod", "**": "_pow"}.get(op)
        if helper is not None:
            return mark_kind(P.call(helper, left, right), "float" if op != "**" else None)
        return None

    def nullable_arith(self: "FunctionLowerer", op: str, left: py.expr, right: py.expr, lk: str, rk: str) \
            -> Optional[py.expr]:
        """Numbers that may be null (an element read from a List): the native operation, with the dynamic helper
        (which raises the Lumen type error for null) when Python rejects the operands."""
        helper = _ARITH[op]
        result_kind = "float" if "float" in (lk, rk) else "int"
        if op not in ("+", "-", "*"):
            if op == "**":
                result_kind = "float" if result_kind == "float" else None
            return mark_kind(P.call(helper, left, right), result_kind)
        left, right = self.materialize(left), self.materialize(right)
        name = self.temp()
        py_op = {"+": py.Add, "-": py.Sub, "*": py.Mult}[op]()
        self.emit(py.Try(body=[P.assign(name, py.BinOp(left=left, op=py_op, right=right))],
                         handlers=[py.ExceptHandler(type=P.load("TypeError"), name=None,
                                                    body=[P.assign(name, P.call(helper, left, right))])],
                         orelse=[], finalbody=[]))
        if result_kind == "float":
            return mark_kind(P.load(name), "float")
        value = P.load(name)
        check = py.Compare(left=P.const(INT_MIN), ops=[py.LtE(), py.LtE()], comparators=[value, P.const(INT_MAX)])
        return mark_kind(P.ifexp(check, P.load(name), P.call("_overflow")), "int")

    def guarded_int_arith(self: "FunctionLowerer", op: str, left: py.expr, right: py.expr, *, unknown_left: bool) \
            -> Optional[py.expr]:
        """One operand is a known Int, the other unknown: the native Int operation when the other one is an Int at
        run time, else the dynamic helper. (The result's kind stays unknown.)"""
        if op not in ("+", "-", "*", "%", "/"):
            return None
        if op in ("%", "/") and (unknown_left is False or not (isinstance(right, py.Constant) and right.value > 0)):
            return None
        left, right = self.materialize(left), self.materialize(right)
        unknown = left if unknown_left else right
        test = P.is_(P.call("type", unknown), P.load("int"))
        saved_kind = getattr(unknown, "_lumen_kind", None)
        unknown._lumen_kind = "int"   # type: ignore[attr-defined]
        native = self.int_arith(op, left, right)
        if saved_kind is None:
            del unknown._lumen_kind
        if native is None:
            return None
        return P.ifexp(test, native, P.call(_ARITH[op], left, right))

    def guarded_both(self: "FunctionLowerer", op: str, left: py.expr, right: py.expr) -> py.expr:
        """Both kinds unknown: the native Int operation when both are Ints at run time, else the helper."""
        left, right = self.materialize(left), self.materialize(right)
        test = P.and_(P.is_(P.call("type", left), P.load("int")), P.is_(P.call("type", right), P.load("int")))
        for node in {id(left): left, id(right): right}.values():
            node._lumen_kind = "int"   # type: ignore[attr-defined]
        native = self.int_arith(op, left, right)
        for node in {id(left): left, id(right): right}.values():
            del node._lumen_kind       # type: ignore[attr-defined]
        return P.ifexp(test, native, P.call(_ARITH[op], left, right))

    def int_arith(self: "FunctionLowerer", op: str, left: py.expr, right: py.expr) -> Optional[py.expr]:
        """Two Ints: native operations with the 64-bit range checked (one bound when the other operand is a
        non-negative constant)."""
        const = right.value if isinstance(right, py.Constant) else None
        both_nonneg = nonneg(left) and nonneg(right)
        if op in ("+", "-", "*"):
            py_op = {"+": py.Add, "-": py.Sub, "*": py.Mult}[op]()
            low = getattr(left, "_lumen_min", None)
            if op == "-" and const is not None and const >= 0 and low is not None and low - const >= 0:
                # `x - c` with `x >= low >= c`: between 0 and x, so within range (no check)
                node = mark_kind(py.BinOp(left=left, op=py_op, right=right), "int+")
                node._lumen_min = low - const   # type: ignore[attr-defined]
                return node
            if both_nonneg and op in ("+", "*"):
                left, right = _merge_checks(op, left, right), _merge_checks(op, right, left)
                raw = py.BinOp(left=left, op=py_op, right=right)
                name = self.temp()
                check = P.compare(P.walrus(name, raw), py.LtE(), P.const(INT_MAX))
                node = mark_kind(P.ifexp(check, P.load(name), P.call("_overflow")), "int+")
                if _pure(left) and _pure(right):
                    node._lumen_raw = raw   # type: ignore[attr-defined]
                return node
            name = self.temp()
            result = P.walrus(name, py.BinOp(left=left, op=py_op, right=right))
            if const is not None and const >= 0 and op == "+":
                check = P.compare(result, py.LtE(), P.const(INT_MAX))
            elif const is not None and const >= 0 and op == "-":
                check = P.compare(result, py.GtE(), P.const(INT_MIN))
            else:
                check = py.Compare(left=P.const(INT_MIN), ops=[py.LtE(), py.LtE()],
                                   comparators=[result, P.const(INT_MAX)])
            return mark_kind(P.ifexp(check, P.load(name), P.call("_overflow")), "int")
        if op in ("/", "%") and const is not None and const > 0 and nonneg(left):
            py_op = py.FloorDiv() if op == "/" else py.Mod()
            return mark_kind(py.BinOp(left=left, op=py_op, right=right), "int+")
        if op in ("/", "%") and const is not None and const > 0:
            left = self.materialize(left)
            py_op = py.FloorDiv() if op == "/" else py.Mod()
            positive = py.BinOp(left=left, op=py_op, right=right)
            negative = py.UnaryOp(op=py.USub(), operand=py.BinOp(
                left=py.UnaryOp(op=py.USub(), operand=left), op=type(py_op)(), right=right))
            return mark_kind(P.ifexp(P.compare(left, py.GtE(), P.const(0)), positive, negative), "int")
        if op == "/":
            return mark_kind(P.call("_int_div", left, right), "int")
        if op == "%":
            return mark_kind(P.call("_int_mod", left, right), "int")
        if op in ("&", "^"):
            py_op = py.BitAnd() if op == "&" else py.BitXor()
            return mark_kind(py.BinOp(left=left, op=py_op, right=right), "int")
        return None

    def equality(self, left: py.expr, right: py.expr) -> py.expr:
        """`==` (§5.4) with native fast paths for comparisons with literals and values of known kinds."""
        for a, b in ((left, right), (right, left)):
            if isinstance(b, py.Constant):
                value = b.value
                if value is None or type(value) is bool:
                    return P.is_(a, b)
                if type(value) is str:
                    return P.compare(a, py.Eq(), b)
                if type(value) in (int, float) and value == value:
                    if value not in (0, 1) or kind_of(a) in _NUMERIC:
                        return P.compare(a, py.Eq(), b)     # no Bool equals it in Python either
                    a = self.materialize(a)
                    return P.and_(P.is_not(a, P.const(bool(value))), P.compare(a, py.Eq(), b))
        lk, rk = K.base(kind_of(left)), K.base(kind_of(right))
        if (lk in _NUMERIC and rk in _NUMERIC) or (lk is not None and lk == rk and lk in ("str", "bool")):
            return P.compare(left, py.Eq(), right)
        return P.call("_eq", left, right)

    def logical(self: "FunctionLowerer", e: ast.Binary) -> py.expr:
        """`and` / `or` (§5.3): short-circuit, Bool result."""
        left = self.truthy(self.expr(e.left))
        with self.branch():
            stmts, right = self.sub_expr(e.right)
        right = self.truthy(right)
        if not stmts:
            op = py.And() if e.op == "and" else py.Or()
            return mark_bool(py.BoolOp(op=op, values=[left, right]))
        name = self.temp()
        self.emit(P.assign(name, left))
        test = P.load(name) if e.op == "and" else P.not_(P.load(name))
        body = stmts + [P.stamp(P.assign(name, right), self.line)]
        self.emit(P.if_(test, body))
        return mark_bool(P.load(name))

    def coalesce(self: "FunctionLowerer", e: ast.Binary) -> py.expr:
        """`a ?? b`: `b` only when `a` is null."""
        left = self.expr(e.left)
        with self.branch():
            stmts, right = self.sub_expr(e.right)
        name = self.temp()
        if not stmts:
            kind = K.meet(K.base(kind_of(left)), kind_of(right))
            return mark_kind(P.ifexp(P.is_not(P.walrus(name, left), P.const(None)), P.load(name), right), kind)
        self.emit(P.assign(name, left))
        self.emit(P.if_(P.is_(P.load(name), P.const(None)),
                        stmts + [P.stamp(P.assign(name, right), self.line)]))
        return P.load(name)

    def x_Pipe(self: "FunctionLowerer", e: ast.Pipe) -> py.expr:
        right = e.right
        first = ast.Arg(value=e.left, span=e.left.span)
        if isinstance(right, ast.Call):
            call = ast.Call(callee=right.callee, args=[first] + list(right.args), type_args=right.type_args,
                            span=right.span)
        else:
            call = ast.Call(callee=right, args=[first], span=right.span)
        return self.x_Call(call)

    # -- access --------------------------------------------------------------------------------------------------

    def x_Field(self: "FunctionLowerer", e: ast.Field) -> py.expr:
        static = self.static_field(e)
        if static is not None:
            return static
        obj = self.expr(e.obj)
        key = P.const(int(e.name)) if e.name.isdigit() else P.const(e.name)
        if not e.safe and K.is_map(kind_of(obj)) and not e.name.isdigit():
            element = K.element(kind_of(obj))
            return mark_kind(P.call(P.attr(obj, "get"), key), element + "?" if element else None)
        if e.safe:
            name = self.temp()
            return P.ifexp(P.is_(P.walrus(name, obj), P.const(None)), P.const(None),
                           P.call("_field", P.load(name), key))
        if not e.name.isdigit() and kind_of(obj) is None:
            # most often a Record: read its field dict inline, else the general helper
            obj = self.materialize(obj)
            return P.ifexp(P.is_(P.call("type", obj), P.load("_Record")),
                           P.call(P.attr(P.attr(obj, "fields"), "get"), key), P.call("_field", obj, key))
        return P.call("_field", obj, key)

    def static_field(self: "FunctionLowerer", e: ast.Field) -> Optional[py.expr]:
        """`E.V` (a variant of enum E) when `E` is not a local."""
        if e.safe or not isinstance(e.obj, ast.Name) or e.obj.id in self.scope:
            return None
        symbol = self.module.lookup(e.obj.id)
        if symbol is not None and symbol.kind == "enum":
            variant = symbol.target.variants.get(e.name)
            if variant is not None:
                return P.load(variant.value)
        return None

    def x_Index(self: "FunctionLowerer", e: ast.Index) -> py.expr:
        if e.index is None:
            obj, index = self.expr(e.obj), P.const(0)
        else:
            obj, index = self.exprs([e.obj, e.index])
        ok, ik = kind_of(obj), kind_of(index)
        if not e.safe and K.is_list(ok) and ik == "int":
            return self.list_index(obj, index, ok)
        if not e.safe and K.is_map(ok) and ik == "str":
            element = K.element(ok)
            return mark_kind(P.call(P.attr(obj, "get"), index), element + "?" if element else None)
        if e.safe:
            name = self.temp()
            return P.ifexp(P.is_(P.walrus(name, obj), P.const(None)), P.const(None),
                           P.call("_index", P.load(name), index))
        return P.call("_index", obj, index)

    def list_index(self: "FunctionLowerer", obj: py.expr, index: py.expr, kind: str) -> py.expr:
        """`xs[i]` on a List with an Int index (§5.7: null when out of range), without a helper call."""
        obj = self.materialize(obj)
        name = self.temp()
        raw = getattr(index, "_lumen_raw", None)
        if raw is not None:
            # a non-negative sum/product of pure operands: a valid index is below the List's length, so the
            # 64-bit range check is needed only when the read fails
            spot = self.temp()
            self.emit(py.Try(body=[P.assign(name, P.subscript(obj, P.walrus(spot, raw)))],
                             handlers=[py.ExceptHandler(type=P.load("IndexError"), name=None, body=[
                                 P.if_(P.compare(P.load(spot), py.Gt(), P.const(INT_MAX)),
                                       [P.expr_stmt(P.call("_overflow"))]),
                                 P.assign(name, P.const(None))])],
                             orelse=[], finalbody=[]))
            element = K.element(kind)
            return mark_kind(P.load(name), element + "?" if element else None)
        index = self.materialize(index)
        if nonneg(index):
            read: py.expr = P.subscript(obj, index)
        else:
            read = P.ifexp(P.compare(index, py.GtE(), P.const(0)), P.subscript(obj, index), P.const(None))
        self.emit(py.Try(body=[P.assign(name, read)],
                         handlers=[py.ExceptHandler(type=P.load("IndexError"), name=None,
                                                    body=[P.assign(name, P.const(None))])],
                         orelse=[], finalbody=[]))
        element = K.element(kind)
        return mark_kind(P.load(name), element + "?" if element else None)

    # -- results and nulls ---------------------------------------------------------------------------------------

    def x_Try(self: "FunctionLowerer", e: ast.Try) -> py.expr:
        """`e?`: an `err` returns from the current cell or lambda unchanged; `ok(v)` gives `v`."""
        value = self.materialize(self.expr(e.value))
        if isinstance(value, py.Constant):
            return value
        self.emit(P.if_(P.call("_is_err", value), [P.stamp(self.return_stmt(value), self.line)]))
        return P.call("_unok", value)

    def x_NotNull(self: "FunctionLowerer", e: ast.NotNull) -> py.expr:
        value = self.expr(e.value)
        name = self.temp()
        return P.ifexp(P.is_not(P.walrus(name, value), P.const(None)), P.load(name), P.call("_null_assert"))

    def x_ExpectSchema(self: "FunctionLowerer", e: ast.ExpectSchema) -> py.expr:
        value = self.expr(e.value)
        from .typespec import render_type

        spec = self.compiler.type_spec(self.module, e.type)
        return P.call("_expect", value, P.load(spec), P.const(render_type(e.type)), P.const(self.display))

    # -- control flow used as a value ------------------------------------------------------------------------

    def hoisted(self: "FunctionLowerer", e: ast.Expr) -> py.expr:
        """A statement-like expression (block `if`, `match`, loops, `async` block) computed into a temporary."""
        from .function import store_ctx

        name = self.temp()
        self.structured(e, store_ctx(name))
        return P.load(name)

    def x_If(self: "FunctionLowerer", e: ast.If) -> py.expr:
        if e.inline and len(e.branches) == 1 and not isinstance(e.branches[0].condition, ast.LetCond):
            then = _inline_expr(e.branches[0].body)
            other = _inline_expr(e.else_body) if e.else_body is not None else ast.NullLit(span=e.span)
            if then is not None and other is not None:
                test = self.cond(e.branches[0].condition)
                with self.branch():
                    then_stmts, then_value = self.sub_expr(then)
                with self.branch():
                    else_stmts, else_value = self.sub_expr(other)
                kind = kind_of(then_value) if kind_of(then_value) == kind_of(else_value) else None
                if not then_stmts and not else_stmts:
                    return mark_kind(P.ifexp(test, then_value, else_value), kind)
                name = self.temp()
                self.emit(P.if_(test, then_stmts + [P.stamp(P.assign(name, then_value), self.line)],
                                else_stmts + [P.stamp(P.assign(name, else_value), self.line)]))
                return mark_kind(P.load(name), kind)
        return self.hoisted(e)

    def x_Match(self: "FunctionLowerer", e: ast.Match) -> py.expr:
        return self.hoisted(e)

    def x_Loop(self: "FunctionLowerer", e: ast.Loop) -> py.expr:
        return self.hoisted(e)

    def x_While(self: "FunctionLowerer", e: ast.While) -> py.expr:
        return self.hoisted(e)

    def x_For(self: "FunctionLowerer", e: ast.For) -> py.expr:
        return self.hoisted(e)

    def x_AsyncBlock(self: "FunctionLowerer", e: ast.AsyncBlock) -> py.expr:
        return self.hoisted(e)

    # -- lambdas -------------------------------------------------------------------------------------------------

    def x_Lambda(self: "FunctionLowerer", e: ast.Lambda) -> py.expr:
        return self.compiler.lower_lambda(self, e)

    # -- futures ---------------------------------------------------------------------------------------------

    def x_Await(self: "FunctionLowerer", e: ast.Await) -> py.expr:
        return P.call("_await", self.expr(e.value))

    def x_AwaitBlock(self: "FunctionLowerer", e: ast.AwaitBlock) -> py.expr:
        """`await parallel ⏎ e1 ⏎ e2 ⏎ end` = `await parallel(args…, spawn(fn() => e1), spawn(fn() => e2))`."""
        thunks: list[Callable[[], py.expr]] = []
        for arg in e.args:
            thunks.append(lambda a=arg: self.expr(a.value))
        for item in e.exprs:
            lam = ast.Lambda(params=[], body=[ast.Return(value=item, span=item.span)], expr_body=True,
                             span=item.span)
            thunks.append(lambda lam=lam: P.call("_spawn", self.compiler.lower_lambda(self, lam)))
        values = self.ordered(thunks)
        combinator = ENGINE_BUILTINS.get(e.kind, "_parallel")
        return P.call("_await", P.call(combinator, *values))

    def x_AwaitParallelFor(self: "FunctionLowerer", e: ast.AwaitParallelFor) -> py.expr:
        """`await parallel for x in xs ⏎ body ⏎ end` = `await parallel([spawn(fn(x) => (body), x) for x in xs])`."""
        args = [self.expr(a.value) for a in e.args]
        args = [self.materialize(a) for a in args]
        if isinstance(e.target, ast.BindPattern):
            params = [ast.Param(name=e.target.name, span=e.target.span)]
            body = list(e.body)
        else:
            params = [ast.Param(name="_item", span=e.span)]
            body = [ast.Let(target=e.target, value=ast.Name(id="_item", span=e.span), span=e.span)] + list(e.body)
        lam = ast.Lambda(params=params, body=body, expr_body=False, span=e.span)
        closure = self.materialize(self.compiler.lower_lambda(self, lam))
        iterable = self.expr(e.iterable)
        acc = self.temp()
        item = self.temp()
        self.emit(P.assign(acc, P.list_([])))
        loop_body = self.iteration_prologue() + [
            P.stamp(P.expr_stmt(P.call(P.attr(P.load(acc), "append"), P.call("_spawn", closure, P.load(item)))),
                    self.line)]
        self.emit(py.For(target=P.store(item), iter=P.call("_iter", iterable), body=loop_body, orelse=[]))
        return P.call("_await", P.call("_parallel", *args, P.load(acc)))

    # -- calls ---------------------------------------------------------------------------------------------------

    def x_Call(self: "FunctionLowerer", e: ast.Call) -> py.expr:
        from .lower_calls import lower_call

        return lower_call(self, e)


def _stored_names(statements: list[py.stmt]) -> set[str]:
    """Names assigned anywhere in `statements` (plain assignments, `:=`, loop targets, ...)."""
    names: set[str] = set()
    for statement in statements:
        for node in py.walk(statement):
            if isinstance(node, py.Name) and isinstance(node.ctx, py.Store):
                names.add(node.id)
            elif isinstance(node, py.Global):
                names.update(node.names)
    return names


def _inline_expr(body: Optional[list[ast.Stmt]]) -> Optional[ast.Expr]:
    """The expression of an inline `if` branch, when the branch is a plain expression."""
    if body is None or len(body) != 1 or not isinstance(body[0], ast.ExprStmt):
        return None
    return body[0].expr


def _pure(node: py.expr) -> bool:
    """Whether evaluating `node` has no effect and cannot fail: a name, a constant, or the unchecked form of a
    non-negative sum/product of such (see `_merge_checks`)."""
    if isinstance(node, (py.Name, py.Constant)):
        return True
    return isinstance(node, py.BinOp) and getattr(node, "_lumen_pure", False)


def _merge_checks(op: str, operand: py.expr, other: py.expr) -> py.expr:
    """In `operand op other` over non-negative Ints, drop the range check of an operand that is itself a checked
    non-negative sum/product of pure operands when the result bounds it from above (always for `+`; for `*` when
    `other` is at least 1) and `other` is pure: the check of the whole then covers it (same error, and nothing
    observable runs in between)."""
    raw = getattr(operand, "_lumen_raw", None)
    if raw is None or not _pure(other):
        return operand
    if op == "*":
        low = other.value if isinstance(other, py.Constant) else getattr(other, "_lumen_min", None)
        if not isinstance(low, int) or low < 1:
            return operand
    raw._lumen_pure = True   # type: ignore[attr-defined]
    return raw


def _keep_marks(target: py.expr, source: py.expr) -> py.expr:
    """Copy the static-kind marks of `source` onto `target`."""
    if getattr(source, "_lumen_bool", False):
        target._lumen_bool = True   # type: ignore[attr-defined]
    kind = getattr(source, "_lumen_kind", None)
    if kind is not None:
        target._lumen_kind = kind   # type: ignore[attr-defined]
    elif isinstance(source, py.Constant):
        mark_kind(target, kind_of(source))
    if nonneg(source):
        target._lumen_nonneg = True   # type: ignore[attr-defined]
    if getattr(source, "_lumen_min", None) is not None:
        target._lumen_min = source._lumen_min   # type: ignore[attr-defined]
    return target

