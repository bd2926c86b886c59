"""Machines and pipelines (LANGUAGE.md §4.14): state graphs, guards, transitions, stage chains."""
from __future__ import annotations

from typing import Optional

from ..syntax import ast
from .module import ModuleInfo
from .symbols import CellSym, InstanceSym
from .typeref import TypeResolver
from .types import ANY, BOOL, FLOAT, INT, NULL, STRING, Type, compatible, is_any, operand, render

COMPARISONS = {"==", "!=", "<", "<=", ">", ">=", "and", "or", "in"}
ARITHMETIC = {"+", "-", "*", "/", "%", "**"}


def check_processes(module: ModuleInfo) -> None:
    """Machine and pipeline checks for every process declared by the module."""
    for symbol in module.names.values():
        if not isinstance(symbol, InstanceSym) or symbol.module is not module:
            continue
        decl = symbol.decl
        if not isinstance(decl, ast.ProcessDecl):
            continue
        if decl.kind == "machine" and decl.states:
            MachineChecker(module, symbol.name, decl).run()
        elif decl.kind == "pipeline" and decl.stages:
            check_pipeline(module, symbol.name, decl)


class MachineChecker:
    """The E099 checks of one machine with states."""

    def __init__(self, module: ModuleInfo, name: str, decl: ast.ProcessDecl) -> None:
        self.module = module
        self.name = name
        self.decl = decl
        self.types = TypeResolver(module)
        self.states = {}
        for state in decl.states:
            self.states.setdefault(state.name, state)
        self.param_types = {state.name: [(p.name, self.types.resolve(p.type) if p.type is not None else ANY)
                                         for p in state.params] for state in self.states.values()}

    def report(self, message: str, span) -> None:
        """E099 prefixed with `machine 'M'`."""
        self.module.report("E099", f"machine '{self.name}' {message}", span)

    def run(self) -> None:
        """Initial state, states, reachability and terminal states."""
        decl = self.decl
        initial = decl.initial or decl.states[0].name
        initial_known = initial in self.states
        if not initial_known:
            self.report(f"initial state '{initial}' is undefined", decl.span)
        for state in decl.states:
            self.check_state(state)
        if initial_known:
            reachable = {initial}
            current: Optional[str] = initial
            while current is not None:
                transition = self.states[current].transition
                target = transition.target if transition is not None else None
                if target is None or target not in self.states or target in reachable:
                    break
                reachable.add(target)
                current = target
            for state in decl.states:
                if state.name not in reachable:
                    self.report(f"state '{state.name}' is unreachable from initial state '{initial}'", state.span)
        if not any(state.terminal for state in decl.states):
            self.report("declares no terminal states", decl.span)

    def check_state(self, state: ast.StateDecl) -> None:
        """Guard and transition of one state."""
        env = dict(self.param_types.get(state.name, []))
        if state.guard is not None:
            guard_type = self.expression_type(state.guard, env)
            if guard_type is None:
                self.report(f"state '{state.name}' has unsupported expression in guard", state.guard.span)
            elif not (is_any(guard_type) or guard_type is BOOL):
                self.report(f"state '{state.name}' guard must be Bool-compatible, got {render(guard_type)}",
                            state.guard.span)
        transition = state.transition
        if transition is None:
            return
        if transition.target not in self.states:
            self.report(f"state '{state.name}' transitions to undefined state '{transition.target}'",
                        transition.span)
            return
        target_params = self.param_types.get(transition.target, [])
        arg_types: list[Optional[Type]] = []
        for index, arg in enumerate(transition.args, 1):
            arg_type = self.expression_type(arg, env)
            if arg_type is None:
                self.report(f"state '{state.name}' has unsupported expression in transition arg {index}", arg.span)
            arg_types.append(arg_type)
        if len(transition.args) != len(target_params):
            self.report(f"state '{state.name}' transition arg count mismatch for '{transition.target}': expected "
                        f"{len(target_params)}, got {len(transition.args)}", transition.span)
            return
        for (_name, expected), actual, arg in zip(target_params, arg_types, transition.args):
            if actual is not None and not compatible(expected, actual):
                self.report(f"state '{state.name}' transition arg type mismatch for '{transition.target}': expected "
                            f"{render(expected)}, got {render(actual)}", arg.span)

    def expression_type(self, expr: ast.Expr, env: dict[str, Type]) -> Optional[Type]:
        """Static type of a guard or transition argument (also recorded in `expr.ty`); None when it uses an
        unsupported construct."""
        result = self._expression_type(expr, env)
        expr.ty = result if result is not None else ANY
        return result

    def _expression_type(self, expr: ast.Expr, env: dict[str, Type]) -> Optional[Type]:
        if isinstance(expr, ast.IntLit):
            return INT
        if isinstance(expr, ast.FloatLit):
            return FLOAT
        if isinstance(expr, ast.StringLit):
            return STRING
        if isinstance(expr, ast.BoolLit):
            return BOOL
        if isinstance(expr, ast.NullLit):
            return NULL
        if isinstance(expr, ast.Name):
            return env.get(expr.id, ANY)
        if isinstance(expr, ast.Unary):
            inner = self.expression_type(expr.operand, env)
            if inner is None:
                return None
            if expr.op == "not":
                return BOOL
            return INT if expr.op == "~" else inner
        if isinstance(expr, ast.Binary):
            left = self.expression_type(expr.left, env)
            right = self.expression_type(expr.right, env)
            if left is None or right is None:
                return None
            return binary_result(expr.op, operand(left), operand(right))
        return None


def binary_result(op: str, left: Type, right: Type) -> Type:
    """Result type of a binary operator over already-typed operands (no diagnostics)."""
    if op in COMPARISONS:
        return BOOL
    if op in ("&", "^"):
        return INT
    if op in ARITHMETIC:
        if is_any(left) or is_any(right):
            return ANY
        if op == "+" and (left is STRING or right is STRING):
            return STRING
        if left is FLOAT or right is FLOAT:
            return FLOAT
        if left is INT and right is INT:
            return INT
    return ANY


def check_pipeline(module: ModuleInfo, name: str, decl: ast.ProcessDecl) -> None:
    """Stages must name cells or methods taking one data argument, each accepting the previous result."""
    previous: Optional[tuple[str, Type]] = None
    for dotted in decl.stages:
        stage_name = ".".join(dotted)
        cell = _stage_cell(module, dotted)
        if cell is None:
            module.report("E099", f"pipeline '{name}' references unknown stage cell '{stage_name}'", decl.span)
            previous = None
            continue
        params = cell.call_params
        if len(params) != 1:
            module.report("E099", f"pipeline '{name}' stage '{stage_name}' has invalid arity: expected exactly one "
                                  f"data argument", decl.span)
            previous = None
            continue
        if previous is not None:
            expected = params[0].type
            if not compatible(expected, previous[1]):
                module.report("E099", f"pipeline '{name}' stage type mismatch from '{previous[0]}' to "
                                      f"'{stage_name}': expected {render(expected)}, got {render(previous[1])}",
                              decl.span)
        previous = (stage_name, cell.result if cell.result is not None else ANY)


def _stage_cell(module: ModuleInfo, dotted: list[str]) -> Optional[CellSym]:
    if len(dotted) == 1:
        symbol = module.lookup(dotted[0])
        return symbol if isinstance(symbol, CellSym) else None
    if len(dotted) == 2:
        owner = module.lookup(dotted[0])
        if isinstance(owner, InstanceSym):
            return owner.methods.get(dotted[1])
    return None
