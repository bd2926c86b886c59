"""Lowering of Lumen statements and block-valued constructs (LANGUAGE.md §3.2, §5.8, §5.9).

Every statement list is lowered with a value context (`function.Ctx`): its value is discarded, returned (function
bodies: implicit return), or stored in a variable (a block `if`/`match`/loop used as a value). Loops become Python
loops; `break`/`continue` with a label that crosses Python loops use a control variable checked after each inner
loop. `break value` stores into the loop's result variable.
"""
from __future__ import annotations

import ast as py
from typing import TYPE_CHECKING, Optional

from ..syntax import ast
from . import pyast as P
from . import kinds as K
from .lower_exprs import _stored_names, kind_of, mark_kind, nonneg, refined_kind

if TYPE_CHECKING:
    from .function import Ctx, FunctionLowerer, LoopCtx

_STRUCTURED = (ast.If, ast.Match, ast.Loop, ast.While, ast.For, ast.AsyncBlock)


class StmtLowering:
    """Statement lowering methods of `FunctionLowerer`."""

    # -- blocks and values -----------------------------------------------------------------------------------

    def block(self: "FunctionLowerer", stmts: list[ast.Stmt], ctx: "Ctx") -> None:
        """Lower a statement list whose value goes to `ctx` (the value of its last statement, §5.9)."""
        from .function import DISCARD

        if not stmts:
            self.deliver(ctx, P.const(None))
            return
        saved_bounds = self.lower_bounds
        try:
            for i, stmt in enumerate(stmts[:-1]):
                self.stmt(stmt, DISCARD)
                self.note_early_exit(stmt, stmts[i + 1:])
            self.stmt(stmts[-1], ctx)
        finally:
            self.lower_bounds = saved_bounds

    def note_early_exit(self: "FunctionLowerer", stmt: ast.Stmt, rest: list[ast.Stmt]) -> None:
        """After `if x < c … return end` (no else) the rest of the block runs only when `x >= c`: record that
        lower bound for an Int local `x` that the rest of the block never assigns (it drops range checks)."""
        e = stmt.expr if isinstance(stmt, ast.ExprStmt) else None
        if not isinstance(e, ast.If) or len(e.branches) != 1 or e.else_body is not None:
            return
        body, test = e.branches[0].body, e.branches[0].condition
        if not body or not isinstance(body[-1], ast.Return) or not isinstance(test, ast.Binary):
            return
        if isinstance(test.left, ast.Name) and isinstance(test.right, ast.IntLit) and test.op in ("<", "<="):
            name, bound = test.left.id, test.right.value + (1 if test.op == "<=" else 0)
        elif isinstance(test.right, ast.Name) and isinstance(test.left, ast.IntLit) and test.op in (">", ">="):
            name, bound = test.right.id, test.left.value + (1 if test.op == ">=" else 0)
        else:
            return
        pyname = self.scope.get(name)
        if pyname is None or pyname not in self.assigned or self.kinds.get(pyname) not in ("int", "int+"):
            return
        if pyname in _assigned_python_names(self, rest):
            return
        self.lower_bounds = {**self.lower_bounds, pyname: max(bound, self.lower_bounds.get(pyname, bound))}

    def deliver(self: "FunctionLowerer", ctx: "Ctx", value: py.expr) -> None:
        """Send a value to a context."""
        if ctx.kind == "discard":
            if not isinstance(value, (py.Constant, py.Name)):
                self.emit(P.expr_stmt(value))
        elif ctx.kind == "return":
            self.emit(self.return_stmt(value))
        else:
            self.emit(P.assign(ctx.var, value))

    def iteration_prologue(self: "FunctionLowerer") -> list[py.stmt]:
        """Fuel accounting at the start of each loop iteration (only compiled in the fuel mode)."""
        if not self.compiler.mode.fuel:
            return []
        return [P.stamp(P.py_parse("_FUEL -= 1\nif _FUEL < 0: _fuel_out()"), self.line)]

    def line_probe(self: "FunctionLowerer") -> None:
        if self.compiler.mode.lines:
            self.emit(P.expr_stmt(P.call("_line", P.const(self.display), P.const(self.line))))

    # -- statements ----------------------------------------------------------------------------------------------

    def stmt(self: "FunctionLowerer", s: ast.Stmt, ctx: "Ctx") -> None:
        with self.at_line(s):
            self.line_probe()
            method = getattr(self, "s_" + type(s).__name__)
            method(s, ctx)

    def s_ExprStmt(self: "FunctionLowerer", s: ast.ExprStmt, ctx: "Ctx") -> None:
        e = s.expr
        if isinstance(e, _STRUCTURED) and not (isinstance(e, ast.If) and e.inline and ctx.kind != "discard"
                                                and _all_expr_branches(e)):
            self.structured(e, ctx)
            return
        self.deliver(ctx, self.expr(e))

    def after_statement(self: "FunctionLowerer", ctx: "Ctx") -> None:
        """A statement whose value is null (§5.9)."""
        if ctx.kind != "discard":
            self.deliver(ctx, P.const(None))

    def s_Let(self: "FunctionLowerer", s: ast.Let, ctx: "Ctx") -> None:
        value = self.expr(s.value)
        target = s.target
        if isinstance(target, ast.BindPattern):
            if target.name == "_":
                if not isinstance(value, (py.Constant, py.Name)):
                    self.emit(P.expr_stmt(value))
            else:
                pyname = self.bind_name(target.name)
                self.emit(P.assign(pyname, value))
                self.note_binding(pyname, refined_kind(value))
        elif isinstance(target, ast.WildcardPattern):
            if not isinstance(value, (py.Constant, py.Name)):
                self.emit(P.expr_stmt(value))
        else:
            subject = self.materialize(value)
            test = self.pattern_test(target, subject)
            if isinstance(test, py.Constant) and test.value is True:
                pass
            else:
                self.emit(P.if_(P.not_(test), [P.stamp(P.expr_stmt(P.call("_let_fail", subject)), self.line)]))
        self.after_statement(ctx)

    def s_Assign(self: "FunctionLowerer", s: ast.Assign, ctx: "Ctx") -> None:
        path: list[tuple[str, Optional[ast.Expr], str]] = []
        node = s.target
        while isinstance(node, (ast.Field, ast.Index)):
            if isinstance(node, ast.Field):
                path.append(("field", None, node.name))
            else:
                path.append(("index", node.index, ""))
            node = node.obj
        path.reverse()
        if not isinstance(node, ast.Name):
            value = self.expr(s.value)
            self.emit(P.expr_stmt(P.call("_fail", P.const("type error: cannot assign to this expression"))))
            self.after_statement(ctx)
            return
        indexes = [self.materialize(self.expr(ix)) if ix is not None else P.const(0)
                   for kind, ix, _ in path if kind == "index"]
        root_name = node.id
        if not path:
            if s.op is None:
                value = self.expr(s.value)
            else:
                current = self.x_Name(node)
                rhs = self.expr(s.value)
                value = self.compound(s.op, current, rhs)
            pyname = self.bind_name(root_name)
            self.emit(P.assign(pyname, value))
            self.note_binding(pyname, refined_kind(value))
            self.after_statement(ctx)
            return
        root = self.x_Name(node) if root_name in self.scope else P.const(None)
        # read every intermediate container along the path (the root is the local itself)
        containers: list[py.expr] = [root]
        index_iter = iter(indexes)
        keys: list[tuple[str, py.expr]] = []
        for kind, _ix, name in path:
            key = next(index_iter) if kind == "index" else P.const(name)
            keys.append((kind, key))
        for (kind, key) in keys[:-1]:
            reader = "_index" if kind == "index" else "_field"
            containers.append(self.materialize(P.call(reader, containers[-1], key)))
        mark = len(self.out)
        rhs = self.expr(s.value)
        if len(self.out) > mark and isinstance(containers[0], py.Name) \
                and containers[0].id in _stored_names(self.out[mark:]):
            saved_root = self.temp()      # the value's statements might rebind the root: read it before them
            self.out.insert(mark, P.stamp(P.assign(saved_root, containers[0]), self.line))
            containers[0] = P.load(saved_root)
        if s.op is not None:
            kind, key = keys[-1]
            reader = "_index" if kind == "index" else "_field"
            rhs = self.compound(s.op, P.call(reader, containers[-1], key), rhs)
        root_kind = kind_of(root)
        pyname = self.bind_name(root_name)
        if len(keys) == 1 and keys[0][0] == "index" and K.is_map(root_kind) and isinstance(containers[0], py.Name) \
                and containers[0].id == pyname and isinstance(keys[0][1], (py.Name, py.Constant)) \
                and kind_of(keys[0][1]) == "str":
            # `m[k] = v` on a Map local with a String key: the in-place update of `set_index_root` inline (the
            # reference count is 2 here: the local and `getrefcount`'s argument)
            rhs = self.materialize(rhs)
            key = keys[0][1]
            in_place = py.Assign(targets=[py.Subscript(value=P.load(pyname), slice=key, ctx=py.Store())], value=rhs)
            copied = P.assign(pyname, P.call("_set_index_root", P.load(pyname), key, rhs))
            self.emit(py.If(test=P.compare(P.call("_refcount", P.load(pyname)), py.LtE(), P.const(2)),
                            body=[P.stamp(in_place, self.line)], orelse=[P.stamp(copied, self.line)]))
            element = K.element(root_kind)
            element = kind_of(rhs) if element == "*" else element
            same = element is not None and kind_of(rhs) == element
            self.note_binding(pyname, K.map_of(element) if same else "map")
            self.after_statement(ctx)
            return
        value = rhs
        for position in range(len(keys) - 1, -1, -1):
            container = containers[position]
            kind, key = keys[position]
            root_level = position == 0 and isinstance(container, py.Name)
            if kind == "index":
                value = P.call("_set_index_root" if root_level else "_set_index", container, key, value)
            else:
                value = P.call("_set_field_root" if root_level else "_set_field", container, key, value)
        root_kind = kind_of(root)
        pyname = self.bind_name(root_name)
        self.emit(P.assign(pyname, value))
        new_kind = None
        if len(keys) == 1 and (K.is_list(root_kind) or K.is_map(root_kind)):
            element = K.element(root_kind)
            element = kind_of(rhs) if element == "*" else element
            same = element is not None and kind_of(rhs) == element
            if K.is_list(root_kind):
                new_kind = root_kind if same else "list"
            else:
                new_kind = K.map_of(element) if same else "map"
        elif K.is_list(root_kind) or K.is_map(root_kind):
            new_kind = "list" if K.is_list(root_kind) else "map"
        self.note_binding(pyname, new_kind)
        self.after_statement(ctx)

    def compound(self: "FunctionLowerer", op: str, current: py.expr, rhs: py.expr) -> py.expr:
        fast = self.fast_arith(op, current, rhs, None)
        if fast is not None:
            return fast
        helper = {"+": "_add", "-": "_sub", "*": "_mul", "/": "_div"}[op]
        return P.call(helper, current, rhs)

    def s_Return(self: "FunctionLowerer", s: ast.Return, ctx: "Ctx") -> None:
        self.emit(self.return_stmt(self.expr(s.value)))

    def s_Halt(self: "FunctionLowerer", s: ast.Halt, ctx: "Ctx") -> None:
        self.emit(P.raise_(P.call("_halt", self.expr(s.value))))

    def s_Emit(self: "FunctionLowerer", s: ast.Emit, ctx: "Ctx") -> None:
        self.emit(P.expr_stmt(P.call("_emit", self.expr(s.value))))
        self.after_statement(ctx)

    def s_AddonStmt(self: "FunctionLowerer", s: ast.AddonStmt, ctx: "Ctx") -> None:
        from .function import DISCARD

        if s.body:
            self.block(s.body, DISCARD)
        self.after_statement(ctx)

    def s_AttributeStmt(self: "FunctionLowerer", s: ast.AttributeStmt, ctx: "Ctx") -> None:
        self.after_statement(ctx)

    def s_SectionStmt(self: "FunctionLowerer", s: ast.SectionStmt, ctx: "Ctx") -> None:
        self.after_statement(ctx)

    # -- loops control -------------------------------------------------------------------------------------------

    def find_loop(self: "FunctionLowerer", label: Optional[str]) -> Optional["LoopCtx"]:
        for loop in reversed(self.loops):
            if label is None and not loop.transparent:
                return loop
            if label is not None and loop.label == label:
                return loop
        return None

    def s_Break(self: "FunctionLowerer", s: ast.Break, ctx: "Ctx") -> None:
        target = self.find_loop(s.label)
        if s.value is not None:
            value = self.expr(s.value)
            if target is not None and target.result is not None:
                self.emit(P.assign(target.result, value))
            elif not isinstance(value, (py.Constant, py.Name)):
                self.emit(P.expr_stmt(value))
        if target is None:
            self.emit(P.expr_stmt(P.call("_fail", P.const("'break' outside of a loop"))))
            return
        self.leave(target, 1)

    def s_Continue(self: "FunctionLowerer", s: ast.Continue, ctx: "Ctx") -> None:
        target = self.find_loop(s.label)
        if target is None:
            self.emit(P.expr_stmt(P.call("_fail", P.const("'continue' outside of a loop"))))
            return
        self.leave(target, 2)

    def leave(self: "FunctionLowerer", target: "LoopCtx", how: int) -> None:
        """Break (1) or continue (2) `target`, crossing inner Python loops through its control variable."""
        if target is self.loops[-1]:
            self.emit(py.Break() if how == 1 else py.Continue())
            return
        if target.ctl is None:
            target.ctl = self.temp()
        self.emit(P.assign(target.ctl, P.const(how)))
        self.emit(py.Break())
        for loop in reversed(self.loops):
            if loop is target:
                break
            loop.targets[id(target)] = target

    def run_loop(self: "FunctionLowerer", loop: "LoopCtx", build) -> None:
        """Lower a loop: `build()` emits the Python loop statement while `loop` is the innermost loop; then the
        control-variable checks for labelled exits crossing it are emitted after it."""
        self.loops.append(loop)
        mark = len(self.out)
        before = set(self.assigned)
        try:
            build()
        finally:
            self.loops.pop()
            self.assigned = before
        if loop.ctl is not None:
            self.out.insert(mark, P.stamp(P.assign(loop.ctl, P.const(0)), self.line))
        targets = loop.targets
        if not targets:
            return
        parent = self.loops[-1] if self.loops else None
        for target in targets.values():
            ctl = P.load(target.ctl)
            if parent is target:
                self.emit(P.if_(P.compare(ctl, py.Eq(), P.const(1)), [py.Break()],
                                [P.if_(P.compare(ctl, py.Eq(), P.const(2)),
                                       [P.assign(target.ctl, P.const(0)), py.Continue()])]))
            else:
                self.emit(P.if_(ctl, [py.Break()]))
                if parent is not None:
                    parent.targets[id(target)] = target

    # -- structured statements ---------------------------------------------------------------------------------

    def structured(self: "FunctionLowerer", e: ast.Expr, ctx: "Ctx") -> None:
        """Lower a block-valued construct with its value sent to `ctx`."""
        with self.at_line(e):
            if isinstance(e, ast.If):
                self.lower_if(e, ctx)
            elif isinstance(e, ast.Match):
                self.lower_match(e, ctx)
            elif isinstance(e, ast.Loop):
                self.lower_loop(e, ctx)
            elif isinstance(e, ast.While):
                self.lower_while(e, ctx)
            elif isinstance(e, ast.For):
                self.lower_for(e, ctx)
            elif isinstance(e, ast.AsyncBlock):
                self.block(e.body, ctx)
            else:
                self.deliver(ctx, self.expr(e))

    def condition(self: "FunctionLowerer", condition: object) -> py.expr:
        """A branch condition: an expression, or `let pattern = value` (§5.9)."""
        if isinstance(condition, ast.LetCond):
            subject = self.materialize(self.expr(condition.value))
            return self.pattern_test(condition.pattern, subject)
        return self.cond(condition)

    def lower_if(self: "FunctionLowerer", e: ast.If, ctx: "Ctx") -> None:
        def chain(i: int) -> list[py.stmt]:
            with self.buffer() as out:
                if i < len(e.branches):
                    branch = e.branches[i]
                    before = set(self.assigned)
                    with self.at_line(branch):
                        test = self.condition(branch.condition)
                    with self.buffer() as body:
                        self.block(branch.body, ctx)
                    after_body = self.assigned
                    self.assigned = before
                    orelse = chain(i + 1)
                    self.assigned = after_body & self.assigned
                    self.emit(P.if_(test, body, orelse))
                elif e.else_body is not None:
                    self.block(e.else_body, ctx)
                elif ctx.kind != "discard":
                    self.deliver(ctx, P.const(None))
            return out

        for stmt in chain(0):
            self.out.append(stmt)

    def lower_match(self: "FunctionLowerer", e: ast.Match, ctx: "Ctx") -> None:
        subject = self.expr(e.subject)
        if not isinstance(subject, py.Constant):
            name = self.temp()
            self.emit(P.assign(name, subject))
            subject = P.load(name)

        def chain(i: int) -> list[py.stmt]:
            with self.buffer() as out:
                if i >= len(e.arms):
                    if ctx.kind != "discard":
                        self.deliver(ctx, P.const(None))
                    return out
                arm = e.arms[i]
                saved = set(self.assigned)
                with self.at_line(arm):
                    test = self.pattern_test(arm.pattern, subject)
                    guard_stmts: list[py.stmt] = []
                    guard: Optional[py.expr] = None
                    if arm.guard is not None:
                        with self.buffer() as guard_stmts:
                            guard = self.cond(arm.guard)
                with self.buffer() as body:
                    self.block(arm.body, ctx)
                self.assigned = saved
                rest = chain(i + 1)
                if guard is None:
                    self.emit(P.if_(test, body, rest))
                elif not guard_stmts:
                    self.emit(P.if_(P.and_(test, guard), body, rest))
                else:
                    flag = self.temp()
                    self.emit(P.assign(flag, P.const(False)))
                    inner = guard_stmts + [P.stamp(P.if_(guard, [P.assign(flag, P.const(True))]), self.line)]
                    self.emit(P.if_(test, inner))
                    self.emit(P.if_(P.load(flag), body, rest))
            return out

        before = set(self.assigned)
        statements = chain(0)
        self.assigned = before
        for stmt in statements:
            self.out.append(stmt)

    def loop_result(self: "FunctionLowerer", ctx: "Ctx") -> Optional[str]:
        if ctx.kind == "discard":
            return None
        name = self.temp()
        self.emit(P.assign(name, P.const(None)))
        return name

    def lower_loop(self: "FunctionLowerer", e: ast.Loop, ctx: "Ctx") -> None:
        from .function import DISCARD, LoopCtx

        result = self.loop_result(ctx)
        loop = LoopCtx(e.label, result)

        def build() -> None:
            with self.buffer() as body:
                self.out.extend(self.iteration_prologue())
                self.block(e.body, DISCARD)
            self.emit(py.While(test=P.const(True), body=body or [py.Pass()], orelse=[]))

        self.run_loop(loop, build)
        if result is not None:
            self.deliver(ctx, P.load(result))

    def lower_while(self: "FunctionLowerer", e: ast.While, ctx: "Ctx") -> None:
        from .function import DISCARD, LoopCtx

        result = self.loop_result(ctx)
        loop = LoopCtx(e.label, result)

        def build() -> None:
            with self.buffer() as pre:
                test = self.condition(e.condition)
            with self.buffer() as body:
                if pre:
                    self.out.extend(pre)
                    self.emit(P.if_(P.not_(test), [py.Break()]))
                self.out.extend(self.iteration_prologue())
                self.block(e.body, DISCARD)
            if pre:
                self.emit(py.While(test=P.const(True), body=body, orelse=[]))
            else:
                self.emit(py.While(test=test, body=body or [py.Pass()], orelse=[]))

        self.run_loop(loop, build)
        if result is not None:
            self.deliver(ctx, P.load(result))

    def iterable(self: "FunctionLowerer", e: ast.Expr) -> py.expr:
        """What a `for` iterates: ranges lazily (§5.7; a Python `range` when the bounds are Ints), Lists and
        Strings directly, anything else through `_iter`."""
        if isinstance(e, ast.Range):
            start, stop, step = self.range_parts(e)
            if kind_of(start) == "int" and kind_of(stop) == "int" and isinstance(step, py.Constant) \
                    and type(step.value) is int and step.value != 0:
                if e.inclusive:
                    stop = py.BinOp(left=stop, op=py.Add() if step.value > 0 else py.Sub(), right=P.const(1))
                args = [start, stop] + ([step] if step.value != 1 else [])
                return P.call("range", *args)
            return P.call("_range", start, stop, P.const(bool(e.inclusive)), step)
        value = self.expr(e)
        kind = kind_of(value)
        if K.is_list(kind) or kind == "str":
            return value
        return P.call("_iter", value)

    def lower_for(self: "FunctionLowerer", e: ast.For, ctx: "Ctx") -> None:
        from .function import DISCARD, LoopCtx

        result = self.loop_result(ctx)
        iterable = self.iterable(e.iterable)
        loop = LoopCtx(e.label, result)
        fact = self.range_fact(e, iterable)

        def build() -> None:
            if fact is not None:
                self.facts.append(fact)
            with self.buffer() as body:
                self.out.extend(self.iteration_prologue())
                target = self.for_target(e.target, "_for_fail", self.element_kind(e.iterable, iterable))
                if e.filter is not None:
                    with self.buffer() as pre:
                        test = self.cond(e.filter)
                    self.out.extend(pre)
                    self.emit(P.if_(P.not_(test), [py.Continue()]))
                self.block(e.body, DISCARD)
            if fact is not None:
                self.facts.remove(fact)
            self.emit(py.For(target=target, iter=iterable, body=body or [py.Pass()], orelse=[]))

        self.run_loop(loop, build)
        if result is not None:
            self.deliver(ctx, P.load(result))

    def range_fact(self: "FunctionLowerer", e: ast.For, iterable: py.expr) -> Optional[str]:
        """Inside `for x in a..b` (a non-negative start, counting up by one) the body runs only when `b > a >= 0`:
        the local `b`, unless the body assigns it, is positive there."""
        args = iterable.args if isinstance(iterable, py.Call) else []
        if getattr(getattr(iterable, "func", None), "id", "") != "range" or len(args) != 2 or not nonneg(args[0]):
            return None
        stop = args[1]
        if not isinstance(stop, py.Name) or not isinstance(e.iterable, ast.Range) or e.iterable.inclusive:
            return None
        if stop.id in _assigned_python_names(self, e.body):
            return None
        return stop.id

    def element_kind(self, e: ast.Expr, iterable: py.expr) -> Optional[str]:
        """The static kind of the elements a `for` yields: Ints for a range (non-negative when it starts at a
        non-negative Int and counts up), characters for a String."""
        if isinstance(e, ast.Range):
            args = iterable.args if isinstance(iterable, py.Call) else []
            if getattr(getattr(iterable, "func", None), "id", "") == "range" and args and nonneg(args[0]) \
                    and (len(args) < 3 or (isinstance(args[2], py.Constant) and args[2].value > 0)):
                return "int+"
            return "int"
        kind = kind_of(iterable)
        if kind == "str":
            return "str"
        return K.element(kind)

    def for_target(self: "FunctionLowerer", target: ast.Pattern, fail: str, kind: Optional[str] = None) -> py.expr:
        """The Python loop variable for a `for`/comprehension target; a destructuring target is matched (and bound)
        at the start of the body."""
        if isinstance(target, ast.BindPattern):
            if target.name == "_":
                return P.store(self.temp())
            pyname = self.bind_name(target.name)
            self.note_binding(pyname, kind)
            return P.store(pyname)
        if isinstance(target, ast.WildcardPattern):
            return P.store(self.temp())
        item = self.temp()
        test = self.pattern_test(target, P.load(item))
        if not (isinstance(test, py.Constant) and test.value is True):
            self.emit(P.if_(P.not_(test), [P.stamp(P.expr_stmt(P.call(fail, P.load(item))), self.line)]))
        return P.store(item)

    # -- comprehensions ------------------------------------------------------------------------------------------

    def comprehension(self: "FunctionLowerer", e: ast.Comprehension) -> py.expr:
        """`[e for x in xs if c]` and friends, as Python loops; targets are local to the comprehension."""
        from .function import LoopCtx

        acc = self.temp()
        saved_kinds = getattr(self, "_comp_kinds", None)
        self._comp_kinds: list = []
        self.emit(P.assign(acc, py.Dict(keys=[], values=[]) if e.kind in ("map", "pairs") else P.list_([])))
        saved_scope = dict(self.scope)
        comp_locals: dict[str, str] = {}

        def bind_comp(name: str) -> str:
            pyname = comp_locals.get(name)
            if pyname is None:
                pyname = self.fresh(name)
                comp_locals[name] = pyname
            self.scope[name] = pyname
            return pyname

        saved_bind = self.bind_name
        try:
            def lower_from(i: int) -> None:
                if i == len(e.clauses):
                    self.comprehension_element(e, acc)
                    return
                clause = e.clauses[i]
                if isinstance(clause, ast.CompIf):
                    with self.buffer() as pre:
                        test = self.cond(clause.condition)
                    self.out.extend(pre)
                    with self.buffer() as body:
                        lower_from(i + 1)
                    self.emit(P.if_(test, body))
                    return
                iterable = self.iterable(clause.iterable)
                loop = LoopCtx(None, None, transparent=True)

                def build() -> None:
                    with self.buffer() as body:
                        self.out.extend(self.iteration_prologue())
                        self.bind_name = bind_comp     # targets are comprehension locals
                        try:
                            target = self.for_target(clause.target, "_for_fail",
                                                     self.element_kind(clause.iterable, iterable))
                        finally:
                            self.bind_name = saved_bind
                        lower_from(i + 1)
                    self.emit(py.For(target=target, iter=iterable, body=body or [py.Pass()], orelse=[]))

                self.run_loop(loop, build)

            lower_from(0)
        finally:
            for name, pyname in comp_locals.items():
                self.declare_local(pyname)
            self.scope = saved_scope
        element_kinds, self._comp_kinds = self._comp_kinds, saved_kinds
        self._comp_kinds_result = element_kinds
        if e.kind == "set":
            return P.call("_mkset", P.load(acc))
        if e.kind == "list":
            return mark_kind(P.load(acc), K.list_of(K.meet_all(element_kinds)))
        return mark_kind(P.load(acc), K.map_of(K.meet_all(element_kinds)) if e.kind == "map" else "map")

    def comprehension_element(self: "FunctionLowerer", e: ast.Comprehension, acc: str) -> None:
        if e.kind == "map":
            key, value = self.exprs([e.key, e.element])
            self._comp_kinds.append(kind_of(value))
            target = py.Subscript(value=P.load(acc), slice=self.map_key(key), ctx=py.Store())
            self.emit(py.Assign(targets=[target], value=value))
        elif e.kind == "pairs":
            self.emit(P.expr_stmt(P.call("_put_pair", P.load(acc), self.expr(e.element))))
        else:
            value = self.expr(e.element)
            self._comp_kinds.append(kind_of(value))
            self.emit(P.expr_stmt(P.call(P.attr(P.load(acc), "append"), value)))


def _assigned_python_names(lw: "FunctionLowerer", body: list) -> set[str]:
    """Python names of the locals a Lumen statement list may assign (conservatively: every binding name)."""
    from .lower_module import _assigned_in

    names = _assigned_in(body)
    return {lw.scope.get(name, "v_" + name) for name in names} | {"v_" + name for name in names}


def _all_expr_branches(e: ast.If) -> bool:
    bodies = [b.body for b in e.branches] + ([e.else_body] if e.else_body is not None else [])
    return all(len(b) == 1 and isinstance(b[0], ast.ExprStmt) for b in bodies)
