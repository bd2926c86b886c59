"""Built-in methods of process instances (LANGUAGE.md §5.19): memory, machine, pipeline and the default `run` of
orchestration, guardrail, eval and pattern processes.

Interface with the compiler
---------------------------
An `Instance` (values.py) has `decl`, `number` and a private `state` dict. This module reads these attributes of
`instance.decl` (the compiler's runtime descriptor of the agent or process):

- `name: str` — the declaration name;
- `kind: str` — `agent`, `memory`, `machine`, `pipeline`, `orchestration`, `guardrail`, `eval` or `pattern`
  (a missing attribute means `agent`);
- `machine: MachineSpec` — for a `machine` (None or absent for a machine without states);
- `stages: list[Callable[[Any], Any]]` — for a `pipeline`: one callable per stage, in order, each taking the value
  (a stage `Agent.m` is the static method call, §5.12); absent or empty: `run` returns its input.

`builtin_method(instance, name)` returns the bound built-in method (a callable taking the call's Lumen arguments,
positional and named, with the §5.10 binding errors) or None when the instance's kind has no such method. A method
declared in the body takes precedence: the compiler looks it up first. The state a built-in method keeps lives in
`instance.state` under keys starting with `__` (`__memory_entries__`, `__memory_store__`, `__machine__`).

`BUILTIN_METHODS[kind][name]` gives the parameters of each built-in method for the checker (§4.6: `m` must be a
declared or built-in method); calls of `memory` and `machine` built-in methods have the effect `state` (§4.10).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from lumen_kernel.runtime.builtins.spec import BuiltinSpec, bind_builtin_args, params_of
from lumen_kernel.runtime.errors import LumenError
from lumen_kernel.runtime.ops import truthy
from lumen_kernel.runtime.render import concat
from lumen_kernel.runtime.values import Instance, ParamInfo, Record, RecordType

# -- machine descriptions (built by the compiler) ---------------------------------------------------------------------


@dataclass
class StateSpec:
    """One `state` of a machine.

    `params` lists `(name, type name or None)` in declaration order (the type name as written, e.g. `Int`).
    `guard(payload) -> value` evaluates the `guard:` expression over the payload Map (identifiers are payload
    parameters; unknown ones are null); None means no guard (always true). `transition` is `(target state name,
    args(payload) -> list of argument values)` or None.
    """

    name: str
    params: list[tuple[str, Optional[str]]] = field(default_factory=list)
    terminal: bool = False
    guard: Optional[Callable[[dict], Any]] = None
    transition: Optional[tuple[str, Callable[[dict], list]]] = None


@dataclass
class MachineSpec:
    """A machine declaration: its name, its `initial:` state name (None: the first state) and its states in order."""

    name: str
    initial: Optional[str]
    states: list[StateSpec]

    def __post_init__(self) -> None:
        self._by_name = {state.name: state for state in self.states}
        self.state_type = RecordType(f"{self.name}.State", ("name", "payload", "steps", "terminal"))

    def state(self, name: str) -> StateSpec:
        """The state called `name`; a runtime error when the machine has none."""
        found = self._by_name.get(name)
        if found is None:
            raise LumenError(f"machine '{self.name}' has no state '{name}'")
        return found

    @property
    def initial_state(self) -> StateSpec:
        """The initial state (`initial:`, else the first state)."""
        if self.initial is None:
            return self.states[0]
        found = self._by_name.get(self.initial)
        if found is None:
            raise LumenError(f"machine '{self.name}' initial state '{self.initial}' is undefined")
        return found


# -- method tables ----------------------------------------------------------------------------------------------------


def _kind(instance: Instance) -> str:
    return getattr(instance.decl, "kind", "agent") or "agent"


def builtin_method(instance: Any, name: str) -> Optional[Callable[..., Any]]:
    """The built-in method `name` of a process instance, bound to it; None when its kind has no such method."""
    if type(instance) is not Instance:
        return None
    methods = _METHODS.get(_kind(instance))
    if methods is None:
        return None
    entry = methods.get(name)
    if entry is None:
        return None
    function, params = entry
    spec = BuiltinSpec(f"{instance.decl.name}.{name}", function, params)
    low = spec.min_args
    high = spec.max_args

    def method(*args: Any, **kwargs: Any) -> Any:
        if kwargs or len(args) < low or (high is not None and len(args) > high):
            args = tuple(bind_builtin_args(spec, args, kwargs))
        return function(instance, *args)

    return method


def has_builtin_method(kind: str, name: str) -> bool:
    """Whether processes of `kind` have a built-in method `name`."""
    return name in _METHODS.get(kind, {})


# -- memory -----------------------------------------------------------------------------------------------------------


def _entries(instance: Instance) -> list:
    return instance.state.setdefault("__memory_entries__", [])


def _store(instance: Instance) -> dict:
    return instance.state.setdefault("__memory_store__", {})


def _last(entries: list, n: Any) -> list:
    if type(n) is not int or n <= 0:
        return []
    return entries[-n:]


def memory_append(self_: Instance, v: Any) -> None:
    """Add `v` to the entries."""
    _entries(self_).append(v)
    return None


def memory_recent(self_: Instance, n: Any = 10) -> list:
    """The last `n` entries, oldest first."""
    return _last(_entries(self_), n)


def memory_recall(self_: Instance, query: Any = None, n: Any = 5) -> list:
    """The last `n` entries, oldest first (the query is ignored)."""
    return _last(_entries(self_), n)


def memory_upsert(self_: Instance, k: Any, v: Any) -> None:
    """Store `v` under `concat(k)`."""
    _store(self_)[k if type(k) is str else concat(k)] = v
    return None


def memory_get(self_: Instance, k: Any) -> Any:
    """The value stored under `concat(k)`, or null."""
    return _store(self_).get(k if type(k) is str else concat(k))


def memory_query(self_: Instance, filter: Any = None) -> list:   # noqa: A002 - the Lumen parameter name
    """The stored values whose key contains `concat(filter)` (all when null), in key order."""
    store = _store(self_)
    if filter is None:
        return [store[k] for k in sorted(store)]
    needle = concat(filter)
    return [store[k] for k in sorted(store) if needle in k]


# -- machine ----------------------------------------------------------------------------------------------------------


class MachineRun:
    """The mutable state of one machine instance: current state name, payload, step count, terminal flag."""

    __slots__ = ("current", "payload", "steps", "terminal")

    def __init__(self) -> None:
        self.current: Optional[str] = None
        self.payload: dict = {}
        self.steps = 0
        self.terminal = False


def _machine(instance: Instance) -> tuple[Optional[MachineSpec], MachineRun]:
    spec = getattr(instance.decl, "machine", None)
    if spec is not None and not spec.states:
        spec = None
    run = instance.state.get("__machine__")
    if run is None:
        run = instance.state["__machine__"] = MachineRun()
    return spec, run


def _convert(value: Any, type_name: Optional[str]) -> Any:
    """Payload binding by declared type (§5.19)."""
    if type_name is None:
        return value
    wanted = type_name.strip().lower()
    t = type(value)
    if wanted == "int":
        return value if t is int else None
    if wanted == "float":
        if t is float:
            return value
        return float(value) if t is int else None
    if wanted == "bool":
        return value if t is bool else None
    if wanted == "string":
        return value if t is str else None
    return value


def bind_payload(state: StateSpec, values: Any) -> dict:
    """The payload Map of `state` with its parameters bound to `values` in order (missing ones null)."""
    values = list(values)
    payload = {}
    for i, (name, type_name) in enumerate(state.params):
        payload[name] = _convert(values[i] if i < len(values) else None, type_name)
    return payload


def _state_record(instance: Instance, spec: Optional[MachineSpec], run: MachineRun) -> Record:
    record_type = spec.state_type if spec is not None else _stateless_type(instance)
    return Record(record_type, {"name": run.current, "payload": dict(run.payload), "steps": run.steps,
                                "terminal": run.terminal})


def _stateless_type(instance: Instance) -> RecordType:
    record_type = instance.state.get("__machine_type__")
    if record_type is None:
        record_type = RecordType(f"{instance.decl.name}.State", ("name", "payload", "steps", "terminal"))
        instance.state["__machine_type__"] = record_type
    return record_type


def _start(spec: Optional[MachineSpec], run: MachineRun, args: tuple) -> None:
    run.steps = 0
    if spec is None:
        run.current, run.payload, run.terminal = "started", {}, False
        return
    initial = spec.initial_state
    run.current = initial.name
    run.payload = bind_payload(initial, args)
    run.terminal = initial.terminal


def _move(spec: MachineSpec, run: MachineRun, state: StateSpec) -> None:
    """Follow the state's transition: evaluate its arguments over the current payload and enter the target."""
    target_name, arguments = state.transition
    values = arguments(run.payload)
    target = spec.state(target_name)
    run.current = target.name
    run.payload = bind_payload(target, values)


def machine_start(self_: Instance, *args: Any) -> None:
    """Enter the initial state with its parameters bound to `args`; steps := 0."""
    spec, run = _machine(self_)
    _start(spec, run, args)
    return None


def machine_step(self_: Instance) -> Record:
    """One step: steps += 1; when the guard holds and the state has a transition, move; returns the state record."""
    spec, run = _machine(self_)
    if run.current is None:
        _start(spec, run, ())
    run.steps += 1
    if spec is None:
        run.current, run.terminal = "terminal", True
        return _state_record(self_, spec, run)
    state = spec.state(run.current)
    guard_holds = state.guard is None or truthy(state.guard(run.payload))
    if guard_holds and state.transition is not None:
        _move(spec, run, state)
    run.terminal = spec.state(run.current).terminal
    return _state_record(self_, spec, run)


def machine_run(self_: Instance, *args: Any) -> Record:
    """Start if never started (binding `args`), then step until the guard is falsy, the state is terminal or has no
    transition, at most 4 × (number of states) times; returns the state record."""
    spec, run = _machine(self_)
    if run.current is None:
        _start(spec, run, args)
    if spec is None:
        run.steps += 1
        run.current, run.terminal = "terminal", True
        return _state_record(self_, spec, run)
    for _ in range(4 * len(spec.states)):
        run.steps += 1
        state = spec.state(run.current)
        if state.guard is not None and not truthy(state.guard(run.payload)):
            break
        if state.terminal or state.transition is None:
            break
        _move(spec, run, state)
    run.terminal = spec.state(run.current).terminal
    return _state_record(self_, spec, run)


def machine_is_terminal(self_: Instance) -> bool:
    """Whether the current state is terminal."""
    return _machine(self_)[1].terminal


def machine_current_state(self_: Instance) -> Record:
    """The state record `M.State(name, payload, steps, terminal)` (name null before `start`)."""
    spec, run = _machine(self_)
    return _state_record(self_, spec, run)


def machine_resume_from(self_: Instance, state: Any, *args: Any) -> Record:
    """Make `state` current with `args` as its payload; steps := 0; returns the state record."""
    spec, run = _machine(self_)
    name = state if type(state) is str else concat(state)
    run.steps = 0
    if spec is None:
        run.current, run.payload, run.terminal = name, {}, name == "terminal"
        return _state_record(self_, spec, run)
    target = spec.state(name)
    run.current = target.name
    run.payload = bind_payload(target, args)
    run.terminal = target.terminal
    return _state_record(self_, spec, run)


# -- pipeline and the other kinds -------------------------------------------------------------------------------------


def pipeline_run(self_: Instance, input: Any) -> Any:   # noqa: A002 - the Lumen parameter name
    """Pass `input` through the stages in order and return the last value (`input` itself without stages)."""
    value = input
    for stage in getattr(self_.decl, "stages", None) or ():
        value = stage(value)
    return value


def identity_run(self_: Instance, x: Any) -> Any:
    """The default `run(x)` of orchestration, guardrail, eval and pattern processes: `x`."""
    return x


def _table(**functions: Callable[..., Any]) -> dict[str, tuple[Callable[..., Any], tuple[ParamInfo, ...]]]:
    table = {}
    for name, function in functions.items():
        params, _ = params_of(function)
        table[name] = (function, params[1:])   # drop `self`
    return table


_METHODS: dict[str, dict[str, tuple[Callable[..., Any], tuple[ParamInfo, ...]]]] = {
    "memory": _table(append=memory_append, remember=memory_append, recent=memory_recent, recall=memory_recall,
                     upsert=memory_upsert, store=memory_upsert, get=memory_get, query=memory_query),
    "machine": _table(start=machine_start, step=machine_step, run=machine_run, is_terminal=machine_is_terminal,
                      current_state=machine_current_state, resume_from=machine_resume_from),
    "pipeline": _table(run=pipeline_run),
    "orchestration": _table(run=identity_run),
    "guardrail": _table(run=identity_run),
    "eval": _table(run=identity_run),
    "pattern": _table(run=identity_run),
}

BUILTIN_METHODS: dict[str, dict[str, tuple[ParamInfo, ...]]] = {
    kind: {name: params for name, (_, params) in table.items()} for kind, table in _METHODS.items()
}
"""Parameters of the built-in methods by process kind and method name (agents have none)."""

STATE_EFFECT_KINDS = frozenset({"memory", "machine"})
"""Process kinds whose built-in method calls have the effect `state` (§4.10)."""
