"""Lowering of calls (LANGUAGE.md §5.10-5.12, §5.13-5.14, §5.17-5.19).

A call whose callee is known when compiling (a cell, builtin, record type, variant, tool alias, agent or process
type, a handled effect operation or a static method form) is bound at compile time: arguments are evaluated in
written order and passed positionally to the Python function, with `_MISSING` for parameters whose default the
callee computes. Anything else is a dynamic call of a value (`calls.py` binds it at run time).
"""
from __future__ import annotations

import ast as py
from typing import TYPE_CHECKING, Any, Callable, Optional

from ..syntax import ast
from . import pyast as P
from . import kinds as K
from .lower_exprs import ENGINE_BUILTINS, kind_of, mark_kind

#: Builtins that call the functions they are given (their calls are "boundary" calls, see `function.py`).
HIGHER_ORDER_BUILTINS = frozenset({"map", "filter", "reduce", "flat_map", "any", "all", "find", "position",
                                   "group_by", "sort_by", "count"})

#: Static kinds of builtin results that hold whatever the arguments are (§6 lenient rules included).
BUILTIN_RESULT_KINDS = {
    "len": "int+", "length": "int+", "size": "int+", "count": "int+", "index_of": "int", "position": "int",
    "string": "str", "to_string": "str", "str": "str", "type": "str", "type_of": "str", "json_encode": "str",
    "json_pretty": "str", "hash": "str", "sha256": "str", "sha512": "str", "base64_encode": "str",
    "hex_encode": "str",
    "is_empty": "bool", "contains": "bool", "has": "bool", "has_key": "bool", "starts_with": "bool",
    "ends_with": "bool", "is_ok": "bool", "is_err": "bool", "any": "bool", "all": "bool", "matches": "bool",
    "confirm": "bool", "is_valid_email": "bool",
    "split": "list:str", "chars": "list:str", "keys": "list:str", "values": "list", "entries": "list",
    "range": "list:int",
    "enumerate": "list", "zip": "list", "chunk": "list", "window": "list", "append": "list", "sort_by": "list",
}

#: Builtins returning some of the elements of their List argument (so a `list:<k>` stays one).
SAME_ELEMENTS = frozenset({"sort", "take", "drop", "unique", "filter", "reverse", "sort_by"})

#: Builtins whose result has the kind of their first argument when that argument is a String.
STRING_TRANSFORMS = frozenset({"trim", "upper", "lower", "capitalize", "title_case", "snake_case", "camel_case"})

if TYPE_CHECKING:
    from .function import FunctionLowerer
    from .names import CellSym, ProcessSym, RecordSym, ToolSym, VariantSym


class BindError(Exception):
    """A call whose arguments cannot be bound; `message` is the run-time error text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def plan_binding(param_names: list[str], rest: bool, has_default: list[bool], args: list[ast.Arg], fname: str,
                 *, unknown: Optional[Callable[[str], str]] = None, twice: Optional[Callable[[str], str]] = None,
                 missing: Optional[Callable[[str], str]] = None, check_missing: bool = False) \
        -> tuple[list[Optional[int]], list[int]]:
    """Bind call arguments to parameters (§5.10): for each fixed parameter the index of its argument (or None),
    and the indexes of the arguments collected by the rest parameter."""
    slots: list[Optional[int]] = [None] * len(param_names)
    extra: list[int] = []
    position = 0
    for index, arg in enumerate(args):
        if arg.name is not None:
            continue
        if position < len(param_names):
            slots[position] = index
            position += 1
        elif rest:
            extra.append(index)
        else:
            raise BindError(f"wrong number of arguments to '{fname}': expected {len(param_names)}, got {len(args)}")
    for index, arg in enumerate(args):
        if arg.name is None:
            continue
        if arg.name not in param_names:
            raise BindError(unknown(arg.name) if unknown else
                            f"unknown named argument '{arg.name}' in call to '{fname}'")
        slot = param_names.index(arg.name)
        if slots[slot] is not None:
            raise BindError(twice(arg.name) if twice else
                            f"argument '{arg.name}' given more than once in call to '{fname}'")
        slots[slot] = index
    if check_missing:
        for slot, name in enumerate(param_names):
            if slots[slot] is None and not has_default[slot]:
                raise BindError(missing(name) if missing else f"missing argument '{name}' in call to '{fname}'")
    return slots, extra


def arg_values(lw: "FunctionLowerer", args: list[ast.Arg], reordered: bool,
               first: Optional[Callable[[], py.expr]] = None) -> list[py.expr]:
    """Evaluate argument values in written order (`first`, e.g. a receiver, before them); when binding reorders
    them, non-constant values go through temporaries so evaluation order is kept."""
    thunks = ([first] if first is not None else []) + [(lambda a=a: lw.expr(a.value)) for a in args]
    values = lw.ordered(thunks)
    if reordered or first is not None:
        values = [lw.materialize(v) if not P.is_simple(v) else v for v in values]
    return values


def _is_reordered(slots: list[Optional[int]], extra: list[int]) -> bool:
    order = [i for i in slots if i is not None] + extra
    return order != sorted(order)


def failing_call(lw: "FunctionLowerer", args: list[ast.Arg], message: str) -> py.expr:
    """Evaluate the arguments (for their effects), then raise `message`."""
    for value in lw.exprs([a.value for a in args]):
        if not P.is_simple(value):
            lw.emit(P.expr_stmt(value))
    return P.call("_fail", P.const(message))


def lower_call(lw: "FunctionLowerer", e: ast.Call) -> py.expr:
    """Lower any call expression."""
    callee = e.callee
    if isinstance(callee, ast.Name):
        return call_name(lw, callee, e.args)
    if isinstance(callee, ast.Field):
        return call_method(lw, callee, e.args)
    return dynamic_call(lw, lambda: lw.expr(callee), e.args)


# -- dynamic calls -------------------------------------------------------------------------------------------------

def dynamic_call(lw: "FunctionLowerer", callee: Callable[[], py.expr], args: list[ast.Arg]) -> py.expr:
    """Call a value: a Closure's function directly; named arguments go through `calls.call_named`."""
    lw.mark_boundary()
    if any(a.name is not None for a in args):
        values = lw.ordered([callee] + [(lambda a=a: lw.expr(a.value)) for a in args])
        positional = [v for v, a in zip(values[1:], args) if a.name is None]
        named = [P.tuple_([P.const(a.name), v]) for v, a in zip(values[1:], args) if a.name is not None]
        return P.call("_callk", values[0], P.tuple_(positional), P.tuple_(named))
    values = lw.ordered([callee] + [(lambda a=a: lw.expr(a.value)) for a in args])
    function = lw.materialize(values[0])
    arguments = values[1:]
    if not all(isinstance(v, (py.Constant, py.Name)) for v in arguments):
        arguments = [lw.materialize(v) for v in arguments]
    target = P.ifexp(P.is_(P.call("type", function), P.load("_Closure")), P.attr(function, "fn"),
                     P.call("_not_callable", function))
    return py.Call(func=target, args=arguments, keywords=[])


# -- calls of names ------------------------------------------------------------------------------------------------

def call_name(lw: "FunctionLowerer", name: ast.Name, args: list[ast.Arg]) -> py.expr:
    ident = name.id
    if ident in lw.scope:
        return dynamic_call(lw, lambda: lw.x_Name(name), args)
    symbol = lw.module.lookup(ident)
    if symbol is not None:
        kind, target = symbol.kind, symbol.target
        if kind == "cell":
            return cell_call(lw, target, args)
        if kind == "record":
            return record_call(lw, target, args)
        if kind == "variant":
            return variant_call(lw, target, args)
        if kind == "ambiguous_variant":
            return variant_call(lw, target[0], args)
        if kind == "tool":
            return tool_call(lw, target, args)
        if kind == "process":
            for value in lw.exprs([a.value for a in args]):
                if not P.is_simple(value):
                    lw.emit(P.expr_stmt(value))
            return P.call("_new_instance", P.load(target.pyname))
        return dynamic_call(lw, lambda: lw.x_Name(name), args)
    if ident in ENGINE_BUILTINS:
        return engine_builtin_call(lw, ident, args)
    spec = lw.compiler.builtin_spec(ident)
    if spec is not None:
        return builtin_call(lw, ident, spec, args)
    return P.call("_undefined_cell", P.const(ident))


def cell_call(lw: "FunctionLowerer", cell: "CellSym", args: list[ast.Arg],
              receiver: Optional[Callable[[], py.expr]] = None) -> py.expr:
    """A direct call of a cell (with `receiver` bound to its first parameter, for methods), passing the depth.

    A cell specialised on parameter kinds (`lower_module`) is entered at its fast version when every such argument
    has that kind statically; its result then has the cell's inferred return kind."""
    params = list(cell.params)
    if receiver is not None and params:
        params = params[1:]
    rest = bool(params) and params[-1].rest
    fixed = params[:-1] if rest else params
    names = [p.name for p in fixed]
    try:
        slots, extra = plan_binding(names, rest, [p.default is not None for p in fixed], args, cell.display)
    except BindError as error:
        if receiver is not None:
            value = receiver()
            if not P.is_simple(value):
                lw.emit(P.expr_stmt(value))
        return failing_call(lw, args, error.message)
    values = arg_values(lw, args, _is_reordered(slots, extra), receiver)
    offset = 1 if receiver is not None else 0
    call_args: list[py.expr] = [values[0]] if receiver is not None else []
    for slot, param in zip(slots, fixed):
        if slot is None:
            if param.default is None:
                call_args.append(P.call("_missing_arg", P.const(param.name), P.const(cell.display)))
            else:
                call_args.append(P.load("_MISSING"))
        else:
            call_args.append(values[slot + offset])
    call_args.extend(values[i + offset] for i in extra)
    target, result_kind = lw.compiler.call_target(cell, call_args)
    depth = lw.depth_expr()
    if rest:
        node = py.Call(func=P.load(target), args=call_args, keywords=[py.keyword(arg="_d", value=depth)])
    else:
        node = P.call(target, *call_args, depth)
    return mark_kind(node, result_kind)


def builtin_call(lw: "FunctionLowerer", name: str, spec: Any, args: list[ast.Arg]) -> py.expr:
    """A direct call of a builtin function (defaults filled in at compile time)."""
    params = list(spec.params)
    rest = bool(params) and params[-1].rest
    fixed = params[:-1] if rest else params
    try:
        slots, extra = plan_binding([p.name for p in fixed], rest, [p.has_default for p in fixed], args, name,
                                    check_missing=True)
    except BindError as error:
        return failing_call(lw, args, error.message)
    values = arg_values(lw, args, _is_reordered(slots, extra))
    call_args: list[py.expr] = []
    if spec.needs_context:
        call_args.append(P.load("_CTX"))
    for slot, param in zip(slots, fixed):
        if slot is None:
            call_args.append(lw.compiler.constant(param.default))
        else:
            call_args.append(values[slot])
    call_args.extend(values[i] for i in extra)
    if name in HIGHER_ORDER_BUILTINS or not lw.compiler.is_core_builtin(name):
        lw.mark_boundary()
    kind = BUILTIN_RESULT_KINDS.get(name)
    first = kind_of(call_args[1 if spec.needs_context else 0]) if len(call_args) > int(spec.needs_context) \
        else None
    if kind is None and name in STRING_TRANSFORMS and first == "str":
        kind = "str"
    if name in SAME_ELEMENTS and K.is_list(first):
        kind = first
    if name == "append" and len(call_args) == 2:
        kind = first if K.element(first) is not None and K.element(first) == kind_of(call_args[1]) else "list"
    native = _native_builtin(lw, name, call_args, first) if not spec.needs_context else None
    if native is not None:
        return mark_kind(native, kind)
    return mark_kind(P.call(lw.compiler.builtin_function_global(name), *call_args), kind)


def _native_builtin(lw: "FunctionLowerer", name: str, call_args: list[py.expr], first: Optional[str]) \
        -> Optional[py.expr]:
    """The Python operation a core builtin performs on an argument of known kind (no call of the builtin):
    `len` of a String, List or Map, `upper`/`lower` of a String, `string` of an Int or String."""
    if len(call_args) != 1 or not lw.compiler.is_core_builtin(name):
        return None
    arg = call_args[0]
    if name == "len" and (first == "str" or K.is_list(first) or K.is_map(first)):
        return P.call("len", arg)
    if name in ("upper", "lower") and first == "str":
        return P.call(P.attr(arg, name))
    if name == "string" and first == "int":
        return P.call("str", arg)
    if name == "string" and first == "str":
        return arg
    return None


def engine_builtin_call(lw: "FunctionLowerer", name: str, args: list[ast.Arg]) -> py.expr:
    """Futures builtins and `trace_ref`, implemented by the run (§6.10)."""
    spec = lw.compiler.builtin_spec(name, engine=True)
    global_name = ENGINE_BUILTINS[name]
    if spec is None or not any(a.name is not None for a in args):
        values = lw.exprs([a.value for a in args])
        return P.call(global_name, *values)
    params = list(spec.params)
    rest = bool(params) and params[-1].rest
    fixed = params[:-1] if rest else params
    try:
        slots, extra = plan_binding([p.name for p in fixed], rest, [p.has_default for p in fixed], args, name,
                                    check_missing=True)
    except BindError as error:
        return failing_call(lw, args, error.message)
    values = arg_values(lw, args, _is_reordered(slots, extra))
    call_args = [values[s] if s is not None else lw.compiler.constant(p.default) for s, p in zip(slots, fixed)]
    call_args.extend(values[i] for i in extra)
    return P.call(global_name, *call_args)


def record_call(lw: "FunctionLowerer", record: "RecordSym", args: list[ast.Arg]) -> py.expr:
    """`R(args)`: named arguments set fields, positional ones fill fields in declaration order (§5.13)."""
    names = record.field_names
    try:
        slots, _extra = plan_binding(names, False, [True] * len(names), args, record.name,
                                     unknown=lambda f: f"unknown field '{f}' on type '{record.name}'")
    except BindError as error:
        return failing_call(lw, args, error.message)
    if any((f.default is not None and slot is None) or f.constraint is not None
           for f, slot in zip(record.decl.fields, slots)):
        lw.mark_boundary()    # a default or constraint is evaluated (Lumen code reading the depth from `_DB`)
    values = lw.exprs([a.value for a in args])
    keys: list[Optional[py.expr]] = []
    vals: list[py.expr] = []
    by_arg = {index: slot for slot, index in enumerate(slots) if index is not None}
    for index in range(len(args)):
        keys.append(P.const(names[by_arg[index]]))
        vals.append(values[index])
    return P.call("_mkrec", P.load(record.pyname), py.Dict(keys=keys, values=vals))


def variant_call(lw: "FunctionLowerer", variant: "VariantSym", args: list[ast.Arg]) -> py.expr:
    """`V(args)` (§5.14)."""
    fields = list(variant.decl.fields)
    if not fields:
        for value in lw.exprs([a.value for a in args]):
            if not P.is_simple(value):
                lw.emit(P.expr_stmt(value))
        if args:
            return P.call("_fail", P.const(f"wrong number of arguments to '{variant.name}': expected 0, "
                                           f"got {len(args)}"))
        return P.load(variant.value)
    names = [f.name if f.name is not None else str(i) for i, f in enumerate(fields)]
    try:
        slots, _extra = plan_binding(names, False, [False] * len(names), args, variant.name,
                                     unknown=lambda f: f"unknown field '{f}' on type '{variant.name}'",
                                     missing=lambda f: f"missing field '{f}' in construction of '{variant.name}'",
                                     check_missing=True)
    except BindError as error:
        return failing_call(lw, args, error.message)
    values = arg_values(lw, args, _is_reordered(slots, []))
    ordered = [values[slot] for slot in slots]   # every slot is bound (check_missing)
    if len(fields) == 1:
        payload: py.expr = ordered[0]
    elif fields[0].name is None:
        payload = P.tuple_(ordered)
    else:
        payload = py.Dict(keys=[P.const(n) for n in names], values=ordered)
    return P.call("_Union", P.load(variant.pyname), payload)


def tool_call(lw: "FunctionLowerer", tool: "ToolSym", args: list[ast.Arg]) -> py.expr:
    """A tool call (§5.17): arguments become a JSON object (`arg<i>` for positional ones)."""
    values = lw.exprs([a.value for a in args])
    keys = []
    for index, arg in enumerate(args):
        if arg.role is not None:
            keys.append(P.const(arg.role))
        elif arg.name is not None:
            keys.append(P.const(arg.name))
        else:
            keys.append(P.const(f"arg{index}"))
    info = lw.compiler.tool_info(lw.module, tool, lw.process)
    return P.call("_tool", P.load(info), py.Dict(keys=keys, values=values))


# -- method calls --------------------------------------------------------------------------------------------------

def call_method(lw: "FunctionLowerer", field: ast.Field, args: list[ast.Arg]) -> py.expr:
    """`x.m(args)` (§5.12): static forms first, then run-time dispatch on the receiver."""
    obj, method = field.obj, field.name
    if not field.safe and isinstance(obj, ast.Name) and obj.id not in lw.scope:
        static = static_method(lw, obj.id, method, args)
        if static is not None:
            return static
    if field.safe:
        receiver = lw.materialize(lw.expr(obj))
        result = lw.temp()
        with lw.buffer() as body:
            value = dispatch_call(lw, lambda: receiver, method, args)
            lw.emit(P.assign(result, value))
        lw.emit(P.assign(result, P.const(None)))
        lw.emit(P.if_(P.is_not(receiver, P.const(None)), body))
        return P.load(result)
    return dispatch_call(lw, lambda: lw.expr(obj), method, args)


def dispatch_call(lw: "FunctionLowerer", receiver: Callable[[], py.expr], method: str, args: list[ast.Arg]) \
        -> py.expr:
    lw.mark_boundary()
    site = lw.compiler.method_site(lw.module, method)
    values = lw.ordered([receiver] + [(lambda a=a: lw.expr(a.value)) for a in args])
    if any(a.name is not None for a in args):
        positional = [v for v, a in zip(values[1:], args) if a.name is None]
        named = [P.tuple_([P.const(a.name), v]) for v, a in zip(values[1:], args) if a.name is not None]
        return P.call("_methk", values[0], P.load(site), P.tuple_(positional), P.tuple_(named))
    return P.call("_meth", values[0], P.load(site), *values[1:])


def static_method(lw: "FunctionLowerer", owner: str, method: str, args: list[ast.Arg]) -> Optional[py.expr]:
    """Static forms of §5.12 rule 1 and §5.18 effect routing, or None."""
    module = lw.module
    key = f"{owner}.{method}"
    handler = module.handled.get(key)
    if handler is not None:
        return cell_call(lw, handler, args)
    alias = module.bindings.get(key) or module.bindings.get(owner)
    if alias is not None and alias in module.tools:
        return tool_call(lw, module.tools[alias], args)
    if owner in module.effects and module.lookup(owner) is None:
        for value in lw.exprs([a.value for a in args]):
            if not P.is_simple(value):
                lw.emit(P.expr_stmt(value))
        return P.call("_fail", P.const(f"unhandled effect operation '{key}'"))
    symbol = module.lookup(owner)
    if symbol is not None:
        kind, target = symbol.kind, symbol.target
        if kind == "process":
            return process_static_call(lw, target, method, args)
        if kind == "enum":
            variant = target.variants.get(method)
            if variant is not None:
                return variant_call(lw, variant, args)
            cell = target.methods.get(method)
            if cell is not None:
                return cell_call(lw, cell, args)
        if kind == "handler":
            cell = lw.compiler.handler_cell(target, method)
            if cell is not None:
                return cell_call(lw, cell, args)
        if kind in ("effect",) and key not in module.handled:
            return P.call("_fail", P.const(f"unhandled effect operation '{key}'"))
        if kind in ("cell", "const", "tool", "variant", "ambiguous_variant"):
            return None
    impl_cell = lw.compiler.impl_method_for_type(module, owner, method)
    if impl_cell is not None:
        return cell_call(lw, impl_cell, args)
    return None


def process_static_call(lw: "FunctionLowerer", process: "ProcessSym", method: str, args: list[ast.Arg]) -> py.expr:
    """`A.m(args)`: a fresh instance of agent/process `A` receives the call."""
    instance = lambda: P.call("_new_instance", P.load(process.pyname))   # noqa: E731
    cell = process.methods.get(method)
    if cell is not None:
        return cell_call(lw, cell, args, receiver=instance)
    return dispatch_call(lw, instance, method, args)
