"""Small constructors for Python `ast` nodes used by the lowering, plus line stamping.

Generated code never goes through Python source text: the lowering builds `ast` nodes directly and `compile()`s
them with the Lumen file as `co_filename` and Lumen line numbers on every node.
"""
from __future__ import annotations

import ast as py
import functools
from typing import Any, Iterable, Optional


def load(name: str) -> py.Name:
    """A variable read."""
    return py.Name(id=name, ctx=py.Load())


def store(name: str) -> py.Name:
    """A variable write target."""
    return py.Name(id=name, ctx=py.Store())


def const(value: Any) -> py.Constant:
    """A constant (None, bool, int, float, str, bytes)."""
    return py.Constant(value=value)


def call(func: py.expr | str, *args: py.expr, keywords: Optional[list[py.keyword]] = None) -> py.Call:
    """A call `func(*args)`; `func` may be a global name."""
    if isinstance(func, str):
        func = load(func)
    return py.Call(func=func, args=list(args), keywords=keywords or [])


def attr(value: py.expr, name: str) -> py.Attribute:
    """An attribute read `value.name`."""
    return py.Attribute(value=value, attr=name, ctx=py.Load())


def subscript(value: py.expr, index: py.expr) -> py.Subscript:
    """An index read `value[index]`."""
    return py.Subscript(value=value, slice=index, ctx=py.Load())


def assign(target: str, value: py.expr) -> py.Assign:
    """`target = value`."""
    return py.Assign(targets=[store(target)], value=value)


def expr_stmt(value: py.expr) -> py.Expr:
    """An expression evaluated for its effects."""
    return py.Expr(value=value)


def if_(test: py.expr, body: list[py.stmt], orelse: Optional[list[py.stmt]] = None) -> py.If:
    """`if test: body else: orelse` (an empty body becomes `pass`)."""
    return py.If(test=test, body=body or [py.Pass()], orelse=orelse or [])


def is_(left: py.expr, right: py.expr) -> py.Compare:
    """`left is right`."""
    return py.Compare(left=left, ops=[py.Is()], comparators=[right])


def is_not(left: py.expr, right: py.expr) -> py.Compare:
    """`left is not right`."""
    return py.Compare(left=left, ops=[py.IsNot()], comparators=[right])


def compare(left: py.expr, op: py.cmpop, right: py.expr) -> py.Compare:
    """A binary comparison."""
    return py.Compare(left=left, ops=[op], comparators=[right])


def and_(*values: py.expr) -> py.expr:
    """`a and b and …` (a single value is returned as is)."""
    values = [v for v in values if not (isinstance(v, py.Constant) and v.value is True)]
    if not values:
        return const(True)
    if len(values) == 1:
        return values[0]
    return py.BoolOp(op=py.And(), values=list(values))


def or_(*values: py.expr) -> py.expr:
    """`a or b or …`."""
    if len(values) == 1:
        return values[0]
    return py.BoolOp(op=py.Or(), values=list(values))


def not_(value: py.expr) -> py.UnaryOp:
    """`not value`."""
    return py.UnaryOp(op=py.Not(), operand=value)


def walrus(name: str, value: py.expr) -> py.NamedExpr:
    """`(name := value)`."""
    return py.NamedExpr(target=store(name), value=value)


def ifexp(test: py.expr, body: py.expr, orelse: py.expr) -> py.IfExp:
    """`body if test else orelse`."""
    return py.IfExp(test=test, body=body, orelse=orelse)


def ret(value: Optional[py.expr]) -> py.Return:
    """`return value`."""
    return py.Return(value=value)


def raise_(exc: py.expr) -> py.Raise:
    """`raise exc`."""
    return py.Raise(exc=exc, cause=None)


def tuple_(elements: Iterable[py.expr]) -> py.Tuple:
    return py.Tuple(elts=list(elements), ctx=py.Load())


def list_(elements: Iterable[py.expr]) -> py.List:
    return py.List(elts=list(elements), ctx=py.Load())


def arguments(names: list[str], *, defaults: Optional[list[py.expr]] = None, vararg: Optional[str] = None) -> \
        py.arguments:
    """Positional parameters `names` (the last `len(defaults)` with defaults) and an optional `*vararg`."""
    return py.arguments(posonlyargs=[], args=[py.arg(arg=n) for n in names],
                        vararg=py.arg(arg=vararg) if vararg else None, kwonlyargs=[], kw_defaults=[],
                        kwarg=None, defaults=defaults or [])


def function(name: str, params: py.arguments, body: list[py.stmt]) -> py.FunctionDef:
    """A `def`."""
    return py.FunctionDef(name=name, args=params, body=body or [py.Pass()], decorator_list=[], returns=None,
                          type_comment=None)


def is_simple(node: py.expr) -> bool:
    """True for a constant: its value cannot change while other code runs."""
    return isinstance(node, py.Constant)


def stamp(node: Any, line: int) -> Any:
    """Give `node` the Lumen `line` (column 0) unless it has a position already. Only the node itself is touched:
    `ast.fix_missing_locations`, run once per module, gives every descendant without a position the position of
    its nearest ancestor, so each generated statement's expressions report the statement's line."""
    if getattr(node, "lineno", None) is None:
        line = max(line, 1)
        node.lineno = line
        node.col_offset = 0
        node.end_lineno = line
        node.end_col_offset = 0
    return node


_LOCATION_FIELDS = ("lineno", "col_offset", "end_lineno", "end_col_offset")
_POSITIONED = (py.expr, py.stmt, py.excepthandler, py.arg, py.keyword)


def fill_locations(tree: py.AST) -> None:
    """Give every node without a position the position of its nearest positioned ancestor (what
    `ast.fix_missing_locations` does, without its generator overhead)."""
    stack: list = [(tree, 1)]
    while stack:
        node, line = stack.pop()
        if isinstance(node, _POSITIONED):
            own = getattr(node, "lineno", None)
            if own is None:
                node.lineno = node.end_lineno = line
                node.col_offset = node.end_col_offset = 0
            else:
                line = own
                if getattr(node, "end_lineno", None) is None:
                    node.end_lineno = own
                    node.end_col_offset = 0
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, py.AST):
                        stack.append((item, line))
            elif isinstance(value, py.AST):
                stack.append((value, line))


def py_parse(source: str) -> py.stmt:
    """One Python statement (or several, as an `if True:` block) from a fixed snippet, without positions so that
    `stamp` gives it the Lumen line. Each snippet is parsed once; every use gets a fresh copy."""
    return clone(_parsed(source))


@functools.lru_cache(maxsize=None)
def _parsed(source: str) -> py.stmt:
    body = py.parse(source).body
    for node in body:
        for child in py.walk(node):
            for name in _LOCATION_FIELDS:
                if hasattr(child, name):
                    delattr(child, name)
    if len(body) == 1:
        return body[0]
    return py.If(test=const(True), body=body, orelse=[])


def clone(node: Any) -> Any:
    """A deep copy of a (position-free) AST tree."""
    if isinstance(node, list):
        return [clone(item) for item in node]
    if not isinstance(node, py.AST):
        return node
    return type(node)(**{name: clone(getattr(node, name)) for name in node._fields if hasattr(node, name)})
