"""Record `where` constraints (LANGUAGE.md §4.13): allowed constructs (E050) and Bool type (E040)."""
from __future__ import annotations

from typing import Optional

from ..syntax import ast
from .body import BodyChecker
from .module import ModuleInfo
from .symbols import ConstSym, RecordSym
from .types import BOOL, compatible, render

ALLOWED_FUNCTIONS = frozenset("""
length len count size matches is_valid_email contains starts_with ends_with abs lower upper trim is_empty min max
""".split())

ALLOWED_BINARY = frozenset("and or == != < <= > >= + - * / % ** ++ in & ^".split())


def check_constraints(module: ModuleInfo, checker: BodyChecker) -> None:
    """Every `where` of every record declared by the module."""
    for symbol in module.names.values():
        if not isinstance(symbol, RecordSym) or symbol.module is not module:
            continue
        field_types = {field.name: field.type for field in symbol.fields}
        for field in symbol.fields:
            constraint = getattr(field.node, "constraint", None)
            if constraint is None:
                continue
            problem = _problem(constraint, field_types, module)
            if problem is not None:
                message, node = problem
                module.report("E050", f"invalid constraint on field '{field.name}': {message}", node.span)
                continue
            value = checker.check_in_scope(constraint, field_types)
            if not compatible(BOOL, value):
                module.report("E040", f"type mismatch: expected Bool, got {render(value)}", constraint.span)


def _problem(node: ast.Expr, fields: dict[str, object], module: ModuleInfo) -> Optional[tuple[str, ast.Node]]:
    """The first construct not allowed in a constraint, with its message, or None."""
    if isinstance(node, (ast.IntLit, ast.FloatLit, ast.StringLit, ast.BoolLit, ast.NullLit, ast.BytesLit)):
        return None
    if isinstance(node, ast.ListLit):
        for element in node.elements:
            if not isinstance(element, ast.Expr):
                return ("unsupported expression in constraint", element)
            found = _problem(element, fields, module)
            if found is not None:
                return found
        return None
    if isinstance(node, ast.Name):
        if node.id in fields or isinstance(module.names.get(node.id), ConstSym):
            return None
        return ("unsupported expression in constraint", node)
    if isinstance(node, ast.Field):
        return _problem(node.obj, fields, module)
    if isinstance(node, ast.Unary):
        if node.op not in ("-", "not"):
            return ("unsupported expression in constraint", node)
        return _problem(node.operand, fields, module)
    if isinstance(node, ast.Binary):
        if node.op not in ALLOWED_BINARY:
            return ("unsupported expression in constraint", node)
        return _problem(node.left, fields, module) or _problem(node.right, fields, module)
    if isinstance(node, ast.Call):
        callee = node.callee
        if node.type_args or not isinstance(callee, (ast.Name, ast.Field)):
            return ("unsupported expression in constraint", node)
        name = callee.id if isinstance(callee, ast.Name) else callee.name
        if name not in ALLOWED_FUNCTIONS:
            return (f"unknown constraint function '{name}'", node)
        if isinstance(callee, ast.Field):  # method-call spelling `email.contains("@")`
            found = _problem(callee.obj, fields, module)
            if found is not None:
                return found
        for arg in node.args:
            if arg.name is not None or arg.role is not None:
                return ("unsupported expression in constraint", arg)
            found = _problem(arg.value, fields, module)
            if found is not None:
                return found
        return None
    return ("unsupported expression in constraint", node)
