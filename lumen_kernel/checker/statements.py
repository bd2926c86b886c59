"""Statement checking (LANGUAGE.md §4.5, §4.2 assignment and labels, §5.9 block values)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from ..syntax import ast
from .symbols import ConstSym
from .types import ANY, NULL, Type, common_type, compatible, make_union, operand, render

if TYPE_CHECKING:
    from .body import BodyChecker

# Value of a statement that never completes normally (`return`, `break`, …): excluded from block values.
NEVER = None


class StatementsMixin:
    """Statements, blocks and the statement-like expressions (`if`, `match`, loops)."""

    def block(self: "BodyChecker", statements: list[ast.Stmt]) -> Optional[Type]:
        """Check a statement list; its value type (§5.9), or None when its last statement never completes."""
        value: Optional[Type] = NULL
        for statement in statements:
            handler = STATEMENT_HANDLERS.get(type(statement))
            value = handler(self, statement) if handler is not None else NULL
        return value

    # ------------------------------------------------------------------------------------------------ simple

    def _expr_stmt(self: "BodyChecker", node: ast.ExprStmt) -> Optional[Type]:
        return self.expr(node.expr)

    def _let(self: "BodyChecker", node: ast.Let) -> Optional[Type]:
        value = self.expr(node.value) if node.value is not None else ANY
        if node.type is not None:
            annotation = self.types.resolve(node.type, self.fn.type_scope)
            if node.value is not None:
                self.expect(annotation, node.value, value)
            self.bind_target(node.target, annotation, annotation)
        else:
            self.bind_target(node.target, value)
        return NULL

    def _return(self: "BodyChecker", node: ast.Return) -> Optional[Type]:
        value = self.expr(node.value) if node.value is not None else NULL
        expected = self.fn.return_type
        if expected is not None and node.value is not None:
            self.expect(expected, node.value, value)
        return NEVER

    def _halt(self: "BodyChecker", node: ast.Halt) -> Optional[Type]:
        if node.value is not None:
            self.expr(node.value)
        return NEVER

    def _emit(self: "BodyChecker", node: ast.Emit) -> Optional[Type]:
        if node.value is not None:
            self.expr(node.value)
        self.effect(node.span, "emit statement", ("emit",))
        return NULL

    def _break(self: "BodyChecker", node: ast.Break) -> Optional[Type]:
        self.loop_control("break", node.label, node)
        if node.value is not None:
            self.expr(node.value)
        return NEVER

    def _continue(self: "BodyChecker", node: ast.Continue) -> Optional[Type]:
        self.loop_control("continue", node.label, node)
        return NEVER

    def _addon(self: "BodyChecker", node: ast.AddonStmt) -> Optional[Type]:
        if node.body:
            self.block(node.body)
        return NULL

    def _ignored(self, node: ast.Stmt) -> Optional[Type]:
        return NULL

    # ------------------------------------------------------------------------------------------------ labels

    def loop_control(self: "BodyChecker", keyword: str, label: Optional[str], node: ast.Node) -> None:
        """`break`/`continue` must be inside a loop of this body; a label must name an enclosing loop."""
        loops = self.fn.loops
        if not loops:
            self.module.report("E099", f"'{keyword}' outside of a loop", node.span)
            return
        name = _label(label)
        if name and name not in loops:
            self.module.report("E099", f"unknown loop label '@{name}'", node.span)

    def enter_loop(self: "BodyChecker", label: Optional[str], node: ast.Node) -> None:
        """Push a loop (E099 when its label is already used by an enclosing loop)."""
        name = _label(label)
        if name and name in self.fn.loops:
            self.module.report("E099", f"duplicate loop label '@{name}'", node.span)
        self.fn.loops.append(name)

    def leave_loop(self: "BodyChecker") -> None:
        """Pop the innermost loop."""
        self.fn.loops.pop()

    # ------------------------------------------------------------------------------------------------ assignment

    def _assign(self: "BodyChecker", node: ast.Assign) -> Optional[Type]:
        target = node.target
        root = target
        while isinstance(root, (ast.Field, ast.Index)):
            root = root.obj
        if not isinstance(root, ast.Name):
            self.expr(node.value)
            return NULL
        var = self.scope.lookup(root.id)
        if var is None:
            value = self.expr(node.value)
            symbol = self.module.names.get(root.id)
            if isinstance(symbol, ConstSym):
                self.module.report("E048", f"cannot assign to constant '{root.id}'", root.span)
            elif self.module.placeholder_mode:
                if target is root:
                    self.scope.bind(root.id, value)
            else:
                self.report_undefined(root.id, root.span)
            root.ty = ANY
            return NULL
        if target is root:
            current = var.type
            root.ty = current
            value = self.expr(node.value)
            if node.op is not None:
                value = self.arithmetic(node.op, operand(current), operand(value), node)
            if var.annotation is not None:
                if not compatible(var.annotation, value):
                    self.module.report("E040", f"type mismatch: expected {render(var.annotation)}, got "
                                               f"{render(value)}", node.value.span)
            else:
                self.scope.bind(root.id, value)
            return NULL
        part = self.expr(target)
        value = self.expr(node.value)
        if node.op is not None:
            value = self.arithmetic(node.op, operand(part), operand(value), node)
        if not compatible(part, value):
            self.module.report("E040", f"type mismatch: expected {render(part)}, got {render(value)}",
                               node.value.span)
        return NULL

    # ------------------------------------------------------------------------------------------------ if / match

    def _if(self: "BodyChecker", node: ast.If) -> Type:
        values: list[Type] = []
        for branch in node.branches:
            self.condition(branch.condition)
            value = self.block(branch.body)
            if value is not NEVER:
                values.append(value)
        if node.else_body is not None:
            value = self.block(node.else_body)
            if value is not NEVER:
                values.append(value)
            return common_type(values) if values else ANY
        return make_union([common_type(values), NULL]) if values else NULL

    def condition(self: "BodyChecker", condition) -> None:
        """An `if`/`while` condition: a Bool expression or `let pattern = value`."""
        if isinstance(condition, ast.LetCond):
            value = self.expr(condition.value)
            self.pattern(condition.pattern, value)
        else:
            self.condition_type(condition)

    def _match(self: "BodyChecker", node: ast.Match) -> Type:
        subject = self.expr(node.subject)
        values: list[Type] = []
        for arm in node.arms:
            self.pattern(arm.pattern, subject)
            if arm.guard is not None:
                self.condition_type(arm.guard)
            value = self.block(arm.body)
            if value is not NEVER:
                values.append(value)
        self.check_exhaustive(node, subject)
        return common_type(values) if values else ANY

    # ------------------------------------------------------------------------------------------------ loops

    def _for(self: "BodyChecker", node: ast.For) -> Type:
        element = self.iteration_type(self.expr(node.iterable), node.iterable)
        self.bind_target(node.target, element)
        if node.filter is not None:
            self.condition_type(node.filter)
        self.enter_loop(node.label, node)
        try:
            self.block(node.body)
        finally:
            self.leave_loop()
        return ANY

    def _while(self: "BodyChecker", node: ast.While) -> Type:
        self.condition(node.condition)
        self.enter_loop(node.label, node)
        try:
            self.block(node.body)
        finally:
            self.leave_loop()
        return ANY

    def _loop(self: "BodyChecker", node: ast.Loop) -> Type:
        self.enter_loop(node.label, node)
        try:
            self.block(node.body)
        finally:
            self.leave_loop()
        return ANY


def _label(label: Optional[str]) -> str:
    return (label or "").lstrip("@")


STATEMENT_HANDLERS: dict[type, object] = {}


def register_statements(table: dict[type, object]) -> None:
    """Fill the statement dispatch table (called once the BodyChecker class exists)."""
    STATEMENT_HANDLERS.update(table)

