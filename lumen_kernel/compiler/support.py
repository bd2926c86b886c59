"""Run-time helpers called by generated code (names starting with `_` in the run's namespace).

`STATIC_HELPERS` are plain functions and classes shared by every run; the engine adds the helpers that depend on the
run (output, events, tools, futures, instances, fuel and depth limits) when it builds a run's namespace.
"""
from __future__ import annotations

import sys
from typing import Any, Callable, Optional

from ..runtime import compare, ops, render
from ..runtime.errors import HaltError, LumenError, type_error
from ..runtime.processes import MachineSpec, StateSpec, builtin_method
from ..runtime.values import (ABSENT, RESULT_ERR, RESULT_OK, Closure, Instance, LumenSet, ParamInfo, Record,
                              RecordType, Union, VariantInfo, kind_name)
from .typespec import conforms, render_type


class _Missing:
    """Marks a parameter whose argument was not given (its default is computed by the callee)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<missing>"


MISSING = _Missing()


# -- errors --------------------------------------------------------------------------------------------------------

def fail(message: str) -> Any:
    """Raise a runtime error with `message`."""
    raise LumenError(message)


def overflow() -> Any:
    raise LumenError("arithmetic overflow")


def undefined_cell(name: str) -> Any:
    raise LumenError(f"undefined cell: {name}")


def undefined_name(name: str) -> Any:
    raise LumenError(f"undefined variable '{name}'")


def not_callable(value: Any) -> Any:
    raise type_error(f"{kind_name(value)} is not callable")


def missing_arg(param: str, function: str) -> Any:
    raise LumenError(f"missing argument '{param}' in call to '{function}'")


def halt(value: Any) -> HaltError:
    """The error of `halt e` (§5.21)."""
    return HaltError(f"halt: {render.concat(value)}")


def null_assert() -> Any:
    raise HaltError("halt: null assertion failed")


def let_fail(value: Any) -> Any:
    raise LumenError(f"let pattern did not match value {render.display(value)}")


def for_fail(value: Any) -> Any:
    raise LumenError(f"for pattern did not match value {render.display(value)}")


# -- results, unions, records ------------------------------------------------------------------------------------

def is_err(value: Any) -> bool:
    return type(value) is Union and value.variant is RESULT_ERR


def unok(value: Any) -> Any:
    """The payload of `ok(v)`, else the value itself (§5.15)."""
    if type(value) is Union and value.variant is RESULT_OK:
        return value.payload
    return value


def is_result(value: Any, tag: str) -> bool:
    return type(value) is Union and value.variant.enum == "result" and value.variant.tag == tag


def record_field(record: Record, name: str) -> Any:
    return record.fields.get(name)


def union_field(value: Union, name: str) -> Any:
    return ops.union_field(value, name)


def make_record(rtype: RecordType, fields: dict) -> Record:
    """Complete a record construction (§5.13): defaults in declaration order, missing fields, constraints."""
    names = rtype.field_names
    if len(fields) != len(names):
        for name in names:
            if name not in fields:
                default = rtype.defaults.get(name)
                if default is None:
                    raise LumenError(f"missing field '{name}' in construction of '{rtype.name}'")
                fields[name] = default()
    if rtype.constraints:
        ops.check_record_constraints(rtype, fields)
    return Record(rtype, fields)


def record_type(name: str, field_names: tuple, defaults: dict, constraints: list, path: str) -> RecordType:
    return RecordType(name, field_names, defaults, constraints, path)


def bind_named(fname: str, names: list[str], args: tuple, kwargs: dict, *, unknown: Optional[Callable] = None,
               what: str = "argument") -> list:
    """Bind positional and named arguments to `names` (unbound ones are MISSING), with §5.10 errors."""
    if len(args) > len(names):
        raise LumenError(f"wrong number of arguments to '{fname}': expected {len(names)}, "
                         f"got {len(args) + len(kwargs)}")
    slots: list[Any] = list(args) + [MISSING] * (len(names) - len(args))
    for key, value in kwargs.items():
        if key not in names:
            raise LumenError(unknown(key) if unknown else f"unknown named argument '{key}' in call to '{fname}'")
        position = names.index(key)
        if slots[position] is not MISSING:
            raise LumenError(f"argument '{key}' given more than once in call to '{fname}'")
        slots[position] = value
    return slots


def record_closure(rtype: RecordType) -> Closure:
    """A record type used as a value: calling it constructs (§5.11)."""
    names = list(rtype.field_names)

    def construct(*args: Any, **kwargs: Any) -> Record:
        slots = bind_named(rtype.name, names, args, kwargs,
                           unknown=lambda f: f"unknown field '{f}' on type '{rtype.name}'")
        return make_record(rtype, {n: v for n, v in zip(names, slots) if v is not MISSING})

    params = tuple(ParamInfo(n, has_default=n in rtype.defaults) for n in names)
    return Closure(construct, rtype.name, "constructor", params)


def variant_closure(info: VariantInfo) -> Closure:
    """A variant with fields used as a value: calling it constructs the Union (§5.14)."""
    names = [f if f is not None else str(i) for i, f in enumerate(info.fields)]

    def construct(*args: Any, **kwargs: Any) -> Union:
        slots = bind_named(info.tag, names, args, kwargs,
                           unknown=lambda f: f"unknown field '{f}' on type '{info.tag}'")
        for name, value in zip(names, slots):
            if value is MISSING:
                raise LumenError(f"missing field '{name}' in construction of '{info.tag}'")
        if len(slots) == 1:
            return Union(info, slots[0])
        if info.fields[0] is None:
            return Union(info, tuple(slots))
        return Union(info, dict(zip(names, slots)))

    return Closure(construct, info.tag, "constructor", tuple(ParamInfo(n) for n in names))


# -- collections -------------------------------------------------------------------------------------------------

def spread(value: Any) -> Any:
    """The elements a list spread `...x` inserts (§5.7)."""
    if type(value) is ops.LumenRange:
        return value.to_list()
    return ops.iterate(value)


def map_spread(value: Any) -> dict:
    """The entries a map spread `...x` inserts: a Map's entries or a Record's fields."""
    if type(value) is dict:
        return value
    if type(value) is Record:
        return value.fields
    if value is None:
        return {}
    raise type_error(f"cannot spread {kind_name(value)} into a map")


def put_pair(acc: dict, pair: Any) -> None:
    """`{(k, v) for …}`: one entry from a (key, value) pair."""
    if type(pair) in (tuple, list) and len(pair) == 2:
        key = pair[0]
        acc[key if type(key) is str else render.concat(key)] = pair[1]
        return
    raise type_error(f"map comprehension expects (key, value) pairs, got {kind_name(pair)}")


def range_iter(start: Any, stop: Any, inclusive: bool, step: Any) -> Any:
    """A range iterated by `for` (lazily)."""
    if type(start) is int and type(stop) is int and step == 1 and type(step) is int and not inclusive:
        return range(start, stop)
    return ops.make_range(start, stop, inclusive, step)


def set_index_root(value: Any, index: Any, item: Any) -> Any:
    """`x[i] = v` where `x` is a local: when the local holds the only reference to a Map or List, nothing else can
    observe it, so it is updated in place (values stay immutable for the program); otherwise `ops.set_index`
    builds the updated copy. The reference count is 3 then: the local, this call's parameter, `getrefcount`'s
    argument."""
    t = type(value)
    if t is dict:
        if _refcount(value) <= 3:
            value[index if type(index) is str else render.concat(index)] = item
            return value
    elif t is list and type(index) is int and 0 <= index < len(value) and _refcount(value) <= 3:
        value[index] = item
        return value
    return ops.set_index(value, index, item)


def set_field_root(value: Any, name: str, item: Any) -> Any:
    """`x.k = v` where `x` is a local holding the only reference to a Map: updated in place (see
    `set_index_root`)."""
    if type(value) is dict and _refcount(value) <= 3:
        value[name] = item
        return value
    return ops.set_field(value, name, item)


_refcount = sys.getrefcount


# -- methods -------------------------------------------------------------------------------------------------------

class MethodSite:
    """How `x.m(…)` dispatches from one module (§5.12): impl and enum methods by dispatch type, the module's cell
    `m`, the builtin `m`."""

    __slots__ = ("name", "impls", "cell", "builtin")

    def __init__(self, name: str, impls: dict, cell: Optional[Callable], builtin: Optional[Callable]) -> None:
        self.name = name
        self.impls = impls
        self.cell = cell
        self.builtin = builtin


_DISPATCH_BY_TYPE = {list: "list", LumenSet: "set", dict: "map", tuple: "tuple", int: "Int", float: "Float",
                     str: "String", bool: "Bool", bytes: "Bytes", type(None): "Null", Closure: "Closure"}


def dispatch_type(value: Any) -> str:
    """The dispatch type of a value (§5.12)."""
    t = type(value)
    name = _DISPATCH_BY_TYPE.get(t)
    if name is not None:
        return name
    if t is Record:
        return value.type.name
    if t is Union:
        return value.variant.enum
    if t is Instance:
        return value.decl.name
    return kind_name(value)


def call_method(receiver: Any, site: MethodSite, *args: Any) -> Any:
    """`receiver.m(args…)` resolved at run time (§5.12 rule 2)."""
    t = type(receiver)
    name = site.name
    if t is Instance:
        method = receiver.decl.methods.get(name)
        if method is not None:
            return method(receiver, *args)
        builtin = builtin_method(receiver, name)
        if builtin is not None:
            return builtin(*args)
        raise LumenError(f"unknown method '{name}' for {receiver.decl.name}")
    if t is Record:
        value = receiver.fields.get(name)
        if type(value) is Closure:
            return value.fn(receiver, *args)
    elif t is dict:
        value = receiver.get(name)
        if type(value) is Closure:
            return value.fn(receiver, *args)
    if site.impls:
        impl = site.impls.get(dispatch_type(receiver))
        if impl is not None:
            return impl(receiver, *args)
    if site.cell is not None:
        return site.cell(receiver, *args)
    if site.builtin is not None:
        return site.builtin(receiver, *args)
    raise LumenError(f"unknown method '{name}' for {kind_name(receiver)}")


def call_method_named(receiver: Any, site: MethodSite, args: tuple, named: tuple) -> Any:
    """`receiver.m(…)` with named arguments."""
    from ..runtime.calls import call_function_named

    t = type(receiver)
    name = site.name
    if t is Instance:
        method = receiver.decl.methods.get(name)
        if method is not None:
            return call_function_named(method, (receiver,) + tuple(args), named)
        builtin = builtin_method(receiver, name)
        if builtin is not None:
            return builtin(*args, **_named_dict(named, name))
        raise LumenError(f"unknown method '{name}' for {receiver.decl.name}")
    if t is Record or t is dict:
        value = receiver.fields.get(name) if t is Record else receiver.get(name)
        if type(value) is Closure:
            from ..runtime.calls import call_named

            return call_named(value, (receiver,) + tuple(args), named)
    if site.impls:
        impl = site.impls.get(dispatch_type(receiver))
        if impl is not None:
            return call_function_named(impl, (receiver,) + tuple(args), named)
    if site.cell is not None:
        return call_function_named(site.cell, (receiver,) + tuple(args), named)
    if site.builtin is not None:
        return site.builtin(receiver, *args, **_named_dict(named, name))
    raise LumenError(f"unknown method '{name}' for {kind_name(receiver)}")


def _named_dict(named: tuple, fname: str) -> dict:
    result: dict = {}
    for key, value in named:
        if key in result:
            raise LumenError(f"argument '{key}' given more than once in call to '{fname}'")
        result[key] = value
    return result


# -- agents and processes --------------------------------------------------------------------------------------------

class ProcessType:
    """The run-time descriptor of an agent or process declaration (read by `runtime.processes`)."""

    __slots__ = ("name", "kind", "methods", "machine", "stages", "decl")

    def __init__(self, decl: Any, kind: str, methods: dict, machine: Optional[MachineSpec], stages: list) -> None:
        self.decl = decl
        self.name = decl.name
        self.kind = kind
        self.methods = methods
        self.machine = machine
        self.stages = stages

    def __repr__(self) -> str:
        return f"<{self.kind} {self.name}>"


def process_type(process_sym: Any, methods: dict, states: list, stages: list) -> ProcessType:
    """Build a ProcessType from the compiler's description (states: (StateDecl, guard fn, transition fn))."""
    decl = process_sym.decl
    machine = None
    if states:
        specs = []
        for state, guard, transition in states:
            params = [(p.name, render_type(p.type) if p.type is not None else None) for p in state.params]
            specs.append(StateSpec(state.name, params, bool(state.terminal), guard,
                                   (state.transition.target, transition) if state.transition is not None else None))
        machine = MachineSpec(decl.name, getattr(decl, "initial", None), specs)
    return ProcessType(decl, process_sym.kind, methods, machine, stages)


STATIC_HELPERS: dict[str, Any] = {
    "_add": ops.add, "_sub": ops.sub, "_mul": ops.mul, "_div": ops.div, "_mod": ops.mod, "_pow": ops.pow_,
    "_band": ops.bitand, "_bxor": ops.bitxor, "_bnot": ops.bitnot, "_cat": ops.concat_op, "_neg": ops.neg,
    "_eq": compare.equals, "_lt": compare.lt, "_le": compare.le, "_gt": compare.gt, "_ge": compare.ge,
    "_in": ops.in_op, "_truthy": ops.truthy,
    "_index": ops.index, "_field": ops.field, "_set_index": ops.set_index, "_set_field": ops.set_field,
    "_iter": ops.iterate, "_range": range_iter, "_range_list": ops.range_list, "_mkrange": ops.make_range,
    "_concat": render.concat,
    "_mkset": compare.make_set, "_spread": spread, "_mspread": map_spread, "_put_pair": put_pair,
    "_overflow": overflow, "_fail": fail, "_undefined_cell": undefined_cell, "_undefined_name": undefined_name,
    "_not_callable": not_callable, "_missing_arg": missing_arg, "_halt": halt, "_null_assert": null_assert,
    "_is_err": is_err, "_unok": unok, "_is_result": is_result, "_let_fail": let_fail, "_for_fail": for_fail,
    "_rfield": record_field, "_ufield": union_field, "_conforms": conforms, "_mkrec": make_record,
    "_Union": Union, "_Record": Record, "_Closure": Closure, "_MISSING": MISSING, "_ABSENT": ABSENT,
    "_record_type": record_type, "_record_closure": record_closure, "_variant_closure": variant_closure,
    "_MethodSite": MethodSite, "_meth": call_method, "_methk": call_method_named, "_process_type": process_type,
    "_set_index_root": set_index_root, "_refcount": _refcount, "_set_field_root": set_field_root,
    "_int_div": ops.int_div, "_int_mod": ops.int_mod, "_float_div": ops.float_div, "_float_mod": ops.float_mod,
}
