"""The static type model of the checker (LANGUAGE.md §4.3).

Types are small immutable objects compared by value. `ANY` is the type about which nothing is known; a generic type
parameter (`TypeVar`) behaves exactly like `ANY` except that calls and constructions infer it from arguments.

Besides the model this module offers:
- `render(t)`: the spelling used in messages (`Int`, `list[Int]`, `(Int, String)`, `Int | Null`, `fn(Int) -> Int`);
- `compatible(expected, actual)`: rules 1-7 of §4.3;
- `common_type`, `make_union`, `without_null`, `substitute`, `infer_bindings`;
- predicates for the compiler's fast paths (`is_int`, `is_float`, `is_number`, `is_string`, `is_bool`, ...).
"""
from __future__ import annotations

from typing import Any, Iterable, Optional


class Type:
    """Base of static types. `has_any` is true when the type is or contains `Any` (or a type parameter)."""

    __slots__ = ("has_any", "_key", "_hash")

    def _init(self, key: tuple, has_any: bool) -> None:
        self._key = key
        self._hash = hash(key)
        self.has_any = has_any

    def __eq__(self, other: object) -> bool:
        return self is other or (isinstance(other, Type) and self._key == other._key)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return f"<type {render(self)}>"

    def __str__(self) -> str:
        return render(self)


class PrimType(Type):
    """`Int`, `Float`, `Bool`, `String`, `Bytes`, `Null`, `Any`."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name
        self._init(("prim", name), name == "Any")


ANY = PrimType("Any")
INT = PrimType("Int")
FLOAT = PrimType("Float")
BOOL = PrimType("Bool")
STRING = PrimType("String")
BYTES = PrimType("Bytes")
NULL = PrimType("Null")

PRIMITIVES = {t.name: t for t in (ANY, INT, FLOAT, BOOL, STRING, BYTES, NULL)}


class ListType(Type):
    """`list[T]`."""

    __slots__ = ("element",)

    def __init__(self, element: Type) -> None:
        self.element = element
        self._init(("list", element._key), element.has_any)


class SetType(Type):
    """`set[T]`."""

    __slots__ = ("element",)

    def __init__(self, element: Type) -> None:
        self.element = element
        self._init(("set", element._key), element.has_any)


class MapType(Type):
    """`map[K, V]`."""

    __slots__ = ("key", "value")

    def __init__(self, key: Type, value: Type) -> None:
        self.key = key
        self.value = value
        self._init(("map", key._key, value._key), key.has_any or value.has_any)


class TupleType(Type):
    """`tuple[A, B]`, rendered `(A, B)`."""

    __slots__ = ("elements",)

    def __init__(self, elements: Iterable[Type]) -> None:
        self.elements = tuple(elements)
        self._init(("tuple",) + tuple(e._key for e in self.elements), any(e.has_any for e in self.elements))


class ResultType(Type):
    """`result[T, E]`."""

    __slots__ = ("ok", "err")

    def __init__(self, ok: Type, err: Type) -> None:
        self.ok = ok
        self.err = err
        self._init(("result", ok._key, err._key), ok.has_any or err.has_any)


class UnionType(Type):
    """`A | B` (build with `make_union`, which flattens and simplifies)."""

    __slots__ = ("members",)

    def __init__(self, members: Iterable[Type]) -> None:
        self.members = tuple(members)
        self._init(("union",) + tuple(m._key for m in self.members), any(m.has_any for m in self.members))


class FnType(Type):
    """`fn(A, B) -> R`."""

    __slots__ = ("params", "result")

    def __init__(self, params: Iterable[Type], result: Type) -> None:
        self.params = tuple(params)
        self.result = result
        self._init(("fn", tuple(p._key for p in self.params), result._key),
                   result.has_any or any(p.has_any for p in self.params))


class NominalType(Type):
    """A record, enum, agent or process type: `R`, `Box[Int]`.

    `symbol` is the declaration's checker symbol (identity decides equality); `args` is empty when the type
    arguments are unknown (a payload-less variant of a generic enum, say).
    """

    __slots__ = ("symbol", "name", "kind", "args")

    def __init__(self, symbol: Any, args: Iterable[Type] = ()) -> None:
        self.symbol = symbol
        self.name: str = symbol.name
        self.kind: str = symbol.kind
        self.args = tuple(args)
        self._init(("nominal", id(symbol)) + tuple(a._key for a in self.args), any(a.has_any for a in self.args))


class TypeVar(Type):
    """A generic type parameter `T` of a declaration; behaves like `Any` except for inference."""

    __slots__ = ("name", "owner", "bounds")

    def __init__(self, name: str, owner: str, bounds: tuple[str, ...] = ()) -> None:
        self.name = name
        self.owner = owner
        self.bounds = bounds
        self._init(("var", owner, name), True)


class SelfType(Type):
    """`Self` inside a trait: the implementing type (only used to compare impl signatures)."""

    __slots__ = ()

    def __init__(self) -> None:
        self._init(("self",), False)


SELF = SelfType()
EMPTY_TUPLE = TupleType(())
LIST_ANY = ListType(ANY)
SET_ANY = SetType(ANY)
MAP_STRING_ANY = MapType(STRING, ANY)
MAP_ANY_ANY = MapType(ANY, ANY)
RESULT_ANY = ResultType(ANY, ANY)
LIST_INT = ListType(INT)
LIST_STRING = ListType(STRING)


# ------------------------------------------------------------------------------------------------ rendering

def render(t: Type) -> str:
    """The spelling of a type in messages (§4.3)."""
    if isinstance(t, PrimType):
        return t.name
    if isinstance(t, NominalType):
        if t.args:
            return f"{t.name}[{', '.join(render(a) for a in t.args)}]"
        return t.name
    if isinstance(t, ListType):
        return f"list[{render(t.element)}]"
    if isinstance(t, SetType):
        return f"set[{render(t.element)}]"
    if isinstance(t, MapType):
        return f"map[{render(t.key)}, {render(t.value)}]"
    if isinstance(t, TupleType):
        return "(" + ", ".join(render(e) for e in t.elements) + ")"
    if isinstance(t, ResultType):
        return f"result[{render(t.ok)}, {render(t.err)}]"
    if isinstance(t, UnionType):
        return " | ".join(render(m) for m in t.members)
    if isinstance(t, FnType):
        return f"fn({', '.join(render(p) for p in t.params)}) -> {render(t.result)}"
    if isinstance(t, TypeVar):
        return t.name
    if isinstance(t, SelfType):
        return "Self"
    return "Any"


# ------------------------------------------------------------------------------------------------ predicates

def is_any(t: Optional[Type]) -> bool:
    """`Any`, a type parameter, or no type at all."""
    return t is None or t is ANY or isinstance(t, TypeVar)


def is_int(t: Optional[Type]) -> bool:
    """Statically an Int."""
    return t is INT


def is_float(t: Optional[Type]) -> bool:
    """Statically a Float."""
    return t is FLOAT


def is_number(t: Optional[Type]) -> bool:
    """Statically an Int or a Float."""
    return t is INT or t is FLOAT


def is_string(t: Optional[Type]) -> bool:
    """Statically a String."""
    return t is STRING


def is_bool(t: Optional[Type]) -> bool:
    """Statically a Bool."""
    return t is BOOL


def is_null(t: Optional[Type]) -> bool:
    """Statically null."""
    return t is NULL


def is_list(t: Optional[Type]) -> bool:
    """Statically a List."""
    return isinstance(t, ListType)


def is_map(t: Optional[Type]) -> bool:
    """Statically a Map."""
    return isinstance(t, MapType)


def is_union(t: Optional[Type]) -> bool:
    """A union type (treated as `Any` by operators)."""
    return isinstance(t, UnionType)


def is_record(t: Optional[Type]) -> bool:
    """A record type."""
    return isinstance(t, NominalType) and t.kind == "record"


def is_enum(t: Optional[Type]) -> bool:
    """A user enum type."""
    return isinstance(t, NominalType) and t.kind == "enum"


def is_instance_type(t: Optional[Type]) -> bool:
    """An agent or process type."""
    return isinstance(t, NominalType) and t.kind in ("agent", "process")


def operand(t: Type) -> Type:
    """The type an operator sees: unions and type parameters count as `Any` (§4.4)."""
    if isinstance(t, (UnionType, TypeVar)):
        return ANY
    return t


# ------------------------------------------------------------------------------------------------ construction

def make_union(members: Iterable[Type]) -> Type:
    """`A | B | …` flattened, without duplicates (first occurrence order); any `Any` member gives `Any`."""
    flat: list[Type] = []
    for member in members:
        parts = member.members if isinstance(member, UnionType) else (member,)
        for part in parts:
            if part is ANY or isinstance(part, TypeVar):
                return ANY
            if part not in flat:
                flat.append(part)
    if not flat:
        return ANY
    if len(flat) == 1:
        return flat[0]
    return UnionType(flat)


def common_type(types: list[Type]) -> Type:
    """Common type of list elements or branch values (§4.4): equal types, Int with Float is Float, else Any."""
    if not types:
        return ANY
    first = types[0]
    if all(t == first for t in types):
        return first
    if all(t is INT or t is FLOAT for t in types):
        return FLOAT
    if isinstance(first, NominalType) and all(isinstance(t, NominalType) and t.symbol is first.symbol
                                              for t in types):
        with_args = {t for t in types if t.args}  # a payload-less variant of a generic enum has no arguments
        return with_args.pop() if len(with_args) == 1 else NominalType(first.symbol)
    return ANY


def without_null(t: Type) -> Optional[Type]:
    """`t` minus `Null` (None when nothing is left, i.e. `t` is `Null`)."""
    if t is NULL:
        return None
    if isinstance(t, UnionType):
        rest = [m for m in t.members if m is not NULL]
        if not rest:
            return None
        return rest[0] if len(rest) == 1 else UnionType(rest)
    return t


def with_null(t: Type) -> Type:
    """`t | Null`."""
    return make_union([t, NULL])


# ------------------------------------------------------------------------------------------------ compatibility

def compatible(expected: Type, actual: Type) -> bool:
    """`compatible(expected, actual)` of §4.3 (rules 1-7)."""
    if expected is actual or expected.has_any or actual.has_any:
        return True
    if expected == actual:
        return True
    if expected is FLOAT and actual is INT:
        return True
    if isinstance(expected, UnionType):
        if any(compatible(member, actual) for member in expected.members):
            return True
    if isinstance(actual, UnionType):
        if any(compatible(expected, member) for member in actual.members):
            return True
    if isinstance(expected, ResultType):
        if isinstance(actual, ResultType) and compatible(expected.ok, actual.ok) and compatible(expected.err,
                                                                                                actual.err):
            return True
        return compatible(expected.ok, actual)
    cls = type(expected)
    if cls is not type(actual):
        return False
    if cls is ListType or cls is SetType:
        return compatible(expected.element, actual.element)  # type: ignore[attr-defined]
    if cls is MapType:
        return compatible(expected.key, actual.key) and compatible(expected.value, actual.value)  # type: ignore
    if cls is TupleType:
        return len(expected.elements) == len(actual.elements) and all(  # type: ignore[attr-defined]
            compatible(e, a) for e, a in zip(expected.elements, actual.elements))  # type: ignore[attr-defined]
    if cls is FnType:
        return (len(expected.params) == len(actual.params)  # type: ignore[attr-defined]
                and all(compatible(e, a) for e, a in zip(expected.params, actual.params))  # type: ignore
                and compatible(expected.result, actual.result))  # type: ignore[attr-defined]
    if cls is NominalType:
        if expected.symbol is not actual.symbol:  # type: ignore[attr-defined]
            return False
        if expected.args and actual.args:  # type: ignore[attr-defined]
            return all(compatible(e, a) for e, a in zip(expected.args, actual.args))  # type: ignore[attr-defined]
        return True
    return False


# ------------------------------------------------------------------------------------------------ generics

def substitute(t: Type, bindings: dict[str, Type]) -> Type:
    """Replace type parameters named in `bindings` (by name) inside `t`."""
    if not bindings or not t.has_any:
        return t
    if isinstance(t, TypeVar):
        return bindings.get(t.name, t)
    if isinstance(t, ListType):
        return ListType(substitute(t.element, bindings))
    if isinstance(t, SetType):
        return SetType(substitute(t.element, bindings))
    if isinstance(t, MapType):
        return MapType(substitute(t.key, bindings), substitute(t.value, bindings))
    if isinstance(t, TupleType):
        return TupleType(substitute(e, bindings) for e in t.elements)
    if isinstance(t, ResultType):
        return ResultType(substitute(t.ok, bindings), substitute(t.err, bindings))
    if isinstance(t, UnionType):
        return make_union(substitute(m, bindings) for m in t.members)
    if isinstance(t, FnType):
        return FnType((substitute(p, bindings) for p in t.params), substitute(t.result, bindings))
    if isinstance(t, NominalType) and t.args:
        return NominalType(t.symbol, (substitute(a, bindings) for a in t.args))
    return t


def infer_bindings(pattern: Type, actual: Type, bindings: dict[str, Type]) -> None:
    """Match `pattern` (containing type parameters) against `actual`; the first match of a parameter wins."""
    if not pattern.has_any:
        return
    if isinstance(pattern, TypeVar):
        if pattern.name not in bindings and actual is not ANY and not isinstance(actual, TypeVar):
            bindings[pattern.name] = actual
        return
    if isinstance(pattern, (ListType, SetType)) and type(actual) is type(pattern):
        infer_bindings(pattern.element, actual.element, bindings)  # type: ignore[attr-defined]
    elif isinstance(pattern, MapType) and isinstance(actual, MapType):
        infer_bindings(pattern.key, actual.key, bindings)
        infer_bindings(pattern.value, actual.value, bindings)
    elif isinstance(pattern, TupleType) and isinstance(actual, TupleType) and len(pattern.elements) == len(
            actual.elements):
        for p, a in zip(pattern.elements, actual.elements):
            infer_bindings(p, a, bindings)
    elif isinstance(pattern, ResultType) and isinstance(actual, ResultType):
        infer_bindings(pattern.ok, actual.ok, bindings)
        infer_bindings(pattern.err, actual.err, bindings)
    elif isinstance(pattern, FnType) and isinstance(actual, FnType) and len(pattern.params) == len(actual.params):
        for p, a in zip(pattern.params, actual.params):
            infer_bindings(p, a, bindings)
        infer_bindings(pattern.result, actual.result, bindings)
    elif isinstance(pattern, NominalType) and isinstance(actual, NominalType) and pattern.symbol is actual.symbol:
        for p, a in zip(pattern.args, actual.args):
            infer_bindings(p, a, bindings)
    elif isinstance(pattern, UnionType):
        for member in pattern.members:
            if isinstance(member, TypeVar) and actual is not NULL:
                infer_bindings(member, without_null(actual) or actual, bindings)
                return


# ------------------------------------------------------------------------------------------------ dispatch types

def dispatch_name(t: Type) -> Optional[str]:
    """The dispatch type of values of static type `t` (§5.12), or None when unknown."""
    if isinstance(t, PrimType):
        return None if t is ANY else t.name
    if isinstance(t, NominalType):
        return t.name
    if isinstance(t, ListType):
        return "list"
    if isinstance(t, SetType):
        return "set"
    if isinstance(t, MapType):
        return "map"
    if isinstance(t, TupleType):
        return "tuple"
    if isinstance(t, ResultType):
        return "result"
    if isinstance(t, FnType):
        return "Closure"
    return None


# ------------------------------------------------------------------------------------------------ type strings

def parse_type_string(text: str, lookup: Any = None) -> Type:
    """Parse a type written in Lumen syntax (builtin and plugin result types: `Int | Null`, `list[String]`).

    The descriptive words of LANGUAGE.md §6 (`List`, `Map`, `Set`, `number`, `same kind`, …) give their documented
    static types; anything not understood is `Any`. `lookup(name)` may resolve other names (else `Any`).
    """
    text = (text or "").strip()
    if not text:
        return ANY
    special = _DESCRIPTIVE.get(text)
    if special is not None:
        return special
    try:
        parser = _TypeStringParser(text, lookup)
        result = parser.parse_union()
        if parser.pos != len(parser.tokens):
            return ANY
        return result
    except (IndexError, ValueError):
        return ANY


_DESCRIPTIVE = {
    "List": LIST_ANY, "Map": MAP_STRING_ANY, "Set": SET_ANY, "result": RESULT_ANY, "Result": RESULT_ANY,
    "Tuple": ANY, "Future": ANY, "number": ANY, "same kind": ANY, "same as x": ANY, "Map | Record": ANY,
    "Closure": ANY, "Instance": ANY, "Record": ANY,
}

_WORD_TYPES = {"int": INT, "float": FLOAT, "string": STRING, "bool": BOOL, "bytes": BYTES, "json": ANY,
               "null": NULL, "Json": ANY}


class _TypeStringParser:
    """A tiny parser for type strings (no diagnostics: malformed text raises ValueError)."""

    def __init__(self, text: str, lookup: Any) -> None:
        import re

        self.tokens = re.findall(r"[A-Za-z_][A-Za-z0-9_.]*|->|[\[\](),|&]", text)
        self.pos = 0
        self.lookup = lookup

    def peek(self) -> str:
        """The next token ('' at the end)."""
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ""

    def take(self, expected: Optional[str] = None) -> str:
        """Consume the next token (which must be `expected` when given)."""
        token = self.tokens[self.pos]
        if expected is not None and token != expected:
            raise ValueError(token)
        self.pos += 1
        return token

    def parse_union(self) -> Type:
        """`A | B | …`."""
        members = [self.parse_base()]
        while self.peek() in ("|", "&"):
            self.take()
            members.append(self.parse_base())
        return make_union(members) if len(members) > 1 else members[0]

    def parse_list(self, close: str) -> list[Type]:
        """Comma-separated types up to `close`."""
        items: list[Type] = []
        while self.peek() != close:
            items.append(self.parse_union())
            if self.peek() == ",":
                self.take()
        self.take(close)
        return items

    def parse_base(self) -> Type:
        """A tuple, function or named type."""
        token = self.take()
        if token == "(":
            return TupleType(self.parse_list(")"))
        if token == "fn":
            self.take("(")
            params = self.parse_list(")")
            self.take("->")
            return FnType(params, self.parse_union())
        args: list[Type] = []
        if self.peek() == "[":
            self.take()
            args = self.parse_list("]")
        return _named_from_string(token, args, self.lookup)


def _named_from_string(name: str, args: list[Type], lookup: Any) -> Type:
    if name in PRIMITIVES:
        return PRIMITIVES[name]
    if name in _WORD_TYPES:
        return _WORD_TYPES[name]
    lowered = name.lower()
    if lowered == "list":
        return ListType(args[0] if args else ANY)
    if lowered == "set":
        return SetType(args[0] if args else ANY)
    if lowered == "map":
        return MapType(args[0], args[1]) if len(args) == 2 else MAP_STRING_ANY
    if lowered == "result":
        return ResultType(args[0], args[1]) if len(args) == 2 else RESULT_ANY
    if lowered == "tuple":
        return TupleType(args) if args else ANY
    if lookup is not None:
        found = lookup(name, args)
        if found is not None:
            return found
    return ANY
