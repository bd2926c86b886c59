"""Run-time value representation (LANGUAGE.md §5.1).

Host representation of each kind (chosen so compiled code runs on native Python objects):

| Kind     | Python                                   |
|----------|------------------------------------------|
| Null     | `None`                                   |
| Bool     | `bool`  (NB: test `type(v) is bool` before int: Python's bool is an int) |
| Int      | `int` within the signed 64-bit range     |
| Float    | `float`                                  |
| String   | `str`                                    |
| Bytes    | `bytes`                                  |
| List     | `list`   (never mutated in place once visible to Lumen code: updates build copies) |
| Tuple    | `tuple`                                  |
| Map      | `dict` with `str` keys (iteration/rendering sorts keys; insertion order is irrelevant) |
| Set      | `LumenSet`                               |
| Record   | `Record`                                 |
| Union    | `Union`                                  |
| Closure  | `Closure`                                |
| Instance | `Instance`                               |
| Future   | `lumen_kernel.runtime.futures.Future` (subclass of `FutureBase`) |
| TraceRef | `TraceRef`                               |

All values are immutable from the program's point of view.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

INT_MIN = -(2 ** 63)
INT_MAX = 2 ** 63 - 1


class LumenSet:
    """A set of values, distinct under SameValueZero (§5.4), in insertion order.

    `keys` maps each element's SameValueZero key (see `compare.svz_key`) to its position in `items`.
    """

    __slots__ = ("items", "keys")

    def __init__(self, items: tuple = (), keys: Optional[dict] = None) -> None:
        self.items = items
        self.keys = keys if keys is not None else {}

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)

    def __repr__(self) -> str:
        return f"LumenSet({self.items!r})"


@dataclass
class RecordType:
    """A declared record type: name, fields in declaration order, and run-time hooks for defaults/constraints.

    `defaults` maps a field name to a zero-argument callable producing its default (evaluated per construction in
    the module scope). `constraints` lists `(field, check, text)` where `check(record_fields) -> value` evaluates the
    `where` expression over the record's field values and `text` is the constraint's whitespace-normalised source.
    """

    name: str
    field_names: tuple[str, ...]
    defaults: dict[str, Callable[[], Any]] = field(default_factory=dict)
    constraints: list[tuple[str, Callable[[dict], Any], str]] = field(default_factory=list)
    module: Any = None

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other


class Record:
    """A record value: its type and its fields (name -> value). Rendering orders fields by name."""

    __slots__ = ("type", "fields")

    def __init__(self, type: RecordType, fields: dict) -> None:
        self.type = type
        self.fields = fields

    @property
    def type_name(self) -> str:
        return self.type.name

    def __repr__(self) -> str:
        return f"Record({self.type.name}, {self.fields!r})"


@dataclass(eq=False)
class VariantInfo:
    """A variant of an enum: `fields` holds one entry per declared field (its name, or None when positional)."""

    enum: str
    tag: str
    fields: tuple[Optional[str], ...] = ()
    enum_decl: Any = None

    @property
    def arity(self) -> int:
        return len(self.fields)

    @property
    def named(self) -> bool:
        return bool(self.fields) and self.fields[0] is not None


class Union:
    """An enum value (§5.14): its variant and payload.

    Payload: `None` without fields; the value itself with one field; a `tuple` for several positional fields; a
    `dict` (field name -> value) for several named fields.
    """

    __slots__ = ("variant", "payload")

    def __init__(self, variant: VariantInfo, payload: Any = None) -> None:
        self.variant = variant
        self.payload = payload

    @property
    def tag(self) -> str:
        return self.variant.tag

    @property
    def enum(self) -> str:
        return self.variant.enum

    def __repr__(self) -> str:
        return f"Union({self.variant.enum}.{self.variant.tag}, {self.payload!r})"


RESULT_OK = VariantInfo("result", "ok", (None,))
RESULT_ERR = VariantInfo("result", "err", (None,))


def ok(value: Any = None) -> Union:
    return Union(RESULT_OK, value)


def err(value: Any = None) -> Union:
    return Union(RESULT_ERR, value)


_creation_counter = itertools.count(1)


class Closure:
    """A function value (§5.11): a cell, lambda, builtin, tool alias or constructor.

    `fn` is the Python callable implementing it with Lumen binding already applied by the caller or by `fn` itself
    (see `lumen_kernel.runtime.calls`); `params` is a tuple of `ParamInfo` (None when unknown/variadic);
    `kind` is one of `cell`, `lambda`, `builtin`, `tool`, `constructor`.
    Equality is identity (one Closure object per cell/builtin/alias; one per evaluation of a `fn` expression).
    """

    __slots__ = ("fn", "name", "kind", "params", "order", "extra")

    def __init__(self, fn: Callable, name: str, kind: str, params: Any = None, extra: Any = None) -> None:
        self.fn = fn
        self.name = name
        self.kind = kind
        self.params = params
        self.order = next(_creation_counter)
        self.extra = extra

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.fn(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<closure:{self.name}>"


class _Absent:
    """Type of `ABSENT`: the default of an optional builtin parameter that has no default value (§6 `= absent`)."""

    __slots__ = ()
    _instance: "Optional[_Absent]" = None

    def __new__(cls) -> "_Absent":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "absent"

    def __reduce__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()
"""Marks an omitted optional argument that has no default value (§6 `= absent`, e.g. `min(a, b = absent)`)."""


@dataclass(frozen=True)
class ParamInfo:
    """Parameter metadata used for dynamic argument binding: name, whether it has a default, whether it is `...rest`.

    `default` is the default value when it is a constant known ahead (builtins: `None` for `null`, `ABSENT` for an
    optional parameter without a default); cells evaluate their defaults per call and leave it None.
    """

    name: str
    has_default: bool = False
    rest: bool = False
    default: Any = None


class Instance:
    """An agent or process instance: declaration, instance number (from 1 per run), private state."""

    __slots__ = ("decl", "number", "state")

    def __init__(self, decl: Any, number: int, state: Optional[dict] = None) -> None:
        self.decl = decl
        self.number = number
        self.state = state if state is not None else {}

    @property
    def name(self) -> str:
        return self.decl.name

    def __repr__(self) -> str:
        return f"<{self.decl.name}#{self.number}>"


class FutureBase:
    """Base class of futures (the scheduler's Future subclasses it). `number` counts from 1 per run; `status` is
    `pending`, `completed` or `error`."""

    number: int
    status: str


@dataclass(frozen=True)
class TraceRef:
    """A reference into the run's trace (TOOLING.md §4.5)."""

    trace_id: str
    seq: int


def kind_name(value: Any) -> str:
    """The kind of a value as named in messages (§5.1): Null, Bool, Int, Float, String, Bytes, List, Tuple, Set,
    Map, Record, Union, Closure, Instance, Future, TraceRef."""
    t = type(value)
    name = _KIND_BY_TYPE.get(t)
    if name is not None:
        return name
    if value is None:
        return "Null"
    if isinstance(value, FutureBase):
        return "Future"
    return t.__name__


_KIND_BY_TYPE = {
    type(None): "Null", bool: "Bool", int: "Int", float: "Float", str: "String", bytes: "Bytes", list: "List",
    tuple: "Tuple", LumenSet: "Set", dict: "Map", Record: "Record", Union: "Union", Closure: "Closure",
    Instance: "Instance", TraceRef: "TraceRef",
}
