"""Dynamic operator implementations (LANGUAGE.md §5.3, §5.5-§5.7, §5.13-§5.14).

Compiled code calls these when static types do not allow an inline fast path. Every function checks the common
native case first (`type(a) is int`, …). Int arithmetic is checked against the signed 64-bit range; Float arithmetic
follows IEEE 754 / C (`fmod`, `pow`) and never raises.
"""
from __future__ import annotations

import itertools
import math
from typing import Any, Iterable, Iterator, Optional

from lumen_kernel.runtime.compare import contains_value, equals, ge, gt, le, lt   # noqa: F401 - re-exported
from lumen_kernel.runtime.errors import LumenError, type_error
from lumen_kernel.runtime.render import concat, display
from lumen_kernel.runtime.values import INT_MAX, INT_MIN, LumenSet, Record, RecordType, Union, kind_name

_INF = float("inf")
_NAN = float("nan")


def overflow() -> LumenError:
    """The `arithmetic overflow` error."""
    return LumenError("arithmetic overflow")


def check_int(x: int) -> int:
    """`x` when it lies in the signed 64-bit range, else raise `arithmetic overflow`."""
    if INT_MIN <= x <= INT_MAX:
        return x
    raise overflow()


def _binary_error(op: str, a: Any, b: Any) -> LumenError:
    return type_error(f"cannot apply '{op}' to {kind_name(a)} and {kind_name(b)}")


def _is_number(t: type) -> bool:
    return t is int or t is float


# -- arithmetic -------------------------------------------------------------------------------------------------------


def add(a: Any, b: Any) -> Any:
    """`a + b`: checked Int sum, IEEE Float sum, or `concat(a) + concat(b)` when either side is a String."""
    ta = type(a)
    tb = type(b)
    if ta is int and tb is int:
        r = a + b
        if INT_MIN <= r <= INT_MAX:
            return r
        raise overflow()
    if ta is str and tb is str:
        return a + b
    if ta is float and tb is float:
        return a + b
    if ta is str or tb is str:
        return concat(a) + concat(b)
    if _is_number(ta) and _is_number(tb):
        return float(a) + float(b)
    raise _binary_error("+", a, b)


def sub(a: Any, b: Any) -> Any:
    """`a - b` on numbers."""
    ta = type(a)
    tb = type(b)
    if ta is int and tb is int:
        r = a - b
        if INT_MIN <= r <= INT_MAX:
            return r
        raise overflow()
    if _is_number(ta) and _is_number(tb):
        return float(a) - float(b)
    raise _binary_error("-", a, b)


def mul(a: Any, b: Any) -> Any:
    """`a * b` on numbers."""
    ta = type(a)
    tb = type(b)
    if ta is int and tb is int:
        r = a * b
        if INT_MIN <= r <= INT_MAX:
            return r
        raise overflow()
    if _is_number(ta) and _is_number(tb):
        return float(a) * float(b)
    raise _binary_error("*", a, b)


def int_div(a: int, b: int) -> int:
    """Int `/`: truncates toward zero; `division by zero`; `arithmetic overflow` for `-2^63 / -1`."""
    if b == 0:
        raise LumenError("division by zero")
    q = a // b
    if q < 0 and q * b != a:
        q += 1
    if q > INT_MAX:
        raise overflow()
    return q


def float_div(a: float, b: float) -> float:
    """IEEE division: `x / 0.0` is ±inf, `0.0 / 0.0` is NaN."""
    try:
        return a / b
    except ZeroDivisionError:
        if a != a or a == 0:
            return _NAN
        return math.copysign(_INF, a) * math.copysign(1.0, b)


def div(a: Any, b: Any) -> Any:
    """`a / b`: truncating Int division, or IEEE Float division when either operand is a Float."""
    ta = type(a)
    tb = type(b)
    if ta is int and tb is int:
        if b > 0 and a >= 0:
            return a // b
        return int_div(a, b)
    if ta is float and tb is float and b:
        return a / b
    if _is_number(ta) and _is_number(tb):
        return float_div(float(a), float(b))
    raise _binary_error("/", a, b)


def int_mod(a: int, b: int) -> int:
    """Int `%`: the remainder has the sign of the dividend; `division by zero`; overflow for `-2^63 % -1`."""
    if b == 0:
        raise LumenError("division by zero")
    if b == -1 and a == INT_MIN:
        raise overflow()
    r = a % b
    if r and (r < 0) != (a < 0):
        r -= b
    return r


def float_mod(a: float, b: float) -> float:
    """C `fmod`: remainder with the dividend's sign; NaN for a zero divisor or an infinite dividend."""
    try:
        return math.fmod(a, b)
    except ValueError:
        return _NAN


def mod(a: Any, b: Any) -> Any:
    """`a % b`."""
    ta = type(a)
    tb = type(b)
    if ta is int and tb is int:
        if b > 0 and a >= 0:
            return a % b
        return int_mod(a, b)
    if _is_number(ta) and _is_number(tb):
        return float_mod(float(a), float(b))
    raise _binary_error("%", a, b)


def int_pow(a: int, b: int) -> Any:
    """Int `**`: exact (checked) for a non-negative exponent, `float(a) ** float(b)` for a negative one."""
    if b < 0:
        return float_pow(float(a), float(b))
    if a == 0 or a == 1:
        return 1 if b == 0 else a
    if a == -1:
        return -1 if b & 1 else 1
    if b > 63:   # |a| >= 2: the result does not fit 64 bits
        raise overflow()
    r = a ** b
    if INT_MIN <= r <= INT_MAX:
        return r
    raise overflow()


def float_pow(x: float, y: float) -> float:
    """C `pow`: overflow gives ±inf, `0.0 ** -1` gives inf, a negative base with a non-integral exponent NaN."""
    try:
        return math.pow(x, y)
    except OverflowError:
        if x < 0 and _is_odd_integer(y):
            return -_INF
        return _INF
    except ValueError:
        if x == 0:   # zero to a negative power: a pole
            if math.copysign(1.0, x) < 0 and _is_odd_integer(y):
                return -_INF
            return _INF
        return _NAN


def _is_odd_integer(y: float) -> bool:
    return math.isfinite(y) and y == math.floor(y) and math.fmod(y, 2.0) != 0


def pow_(a: Any, b: Any) -> Any:
    """`a ** b` (§5.5)."""
    ta = type(a)
    tb = type(b)
    if ta is int and tb is int:
        return int_pow(a, b)
    if _is_number(ta) and _is_number(tb):
        return float_pow(float(a), float(b))
    raise _binary_error("**", a, b)


def neg(a: Any) -> Any:
    """Unary `-`: checked for Ints, IEEE negation for Floats."""
    ta = type(a)
    if ta is int:
        if a == INT_MIN:
            raise overflow()
        return -a
    if ta is float:
        return -a
    raise type_error(f"cannot apply '-' to {kind_name(a)}")


def bitand(a: Any, b: Any) -> int:
    """`a & b` on two Ints (two's complement)."""
    if type(a) is int and type(b) is int:
        return a & b
    raise _binary_error("&", a, b)


def bitxor(a: Any, b: Any) -> int:
    """`a ^ b` on two Ints (two's complement)."""
    if type(a) is int and type(b) is int:
        return a ^ b
    raise _binary_error("^", a, b)


def bitnot(a: Any) -> int:
    """`~a` on an Int."""
    if type(a) is int:
        return ~a
    raise type_error(f"cannot apply '~' to {kind_name(a)}")


def concat_op(a: Any, b: Any) -> Any:
    """`a ++ b`: two Lists concatenate into a new List; anything else gives `concat(a) + concat(b)`."""
    if type(a) is list and type(b) is list:
        return a + b
    return concat(a) + concat(b)


def ne(a: Any, b: Any) -> bool:
    """`a != b`."""
    return not equals(a, b)


def in_op(x: Any, container: Any) -> bool:
    """`x in container` (§5.4)."""
    return contains_value(container, x)


# -- truthiness -------------------------------------------------------------------------------------------------------


def truthy(v: Any) -> bool:
    """Truthiness (§5.3): null, false, 0, 0.0, -0.0, "", and empty List/Tuple/Set are falsy; all else is truthy
    (NaN, empty Map, empty Bytes included)."""
    t = type(v)
    if t is bool:
        return v
    if v is None:
        return False
    if t is int or t is float:
        return v != 0
    if t is str or t is list or t is tuple or t is LumenSet:
        return len(v) != 0
    return True


def not_(v: Any) -> bool:
    """`not v`."""
    return not truthy(v)


# -- indexing and field access ----------------------------------------------------------------------------------------


def index(v: Any, i: Any) -> Any:
    """`v[i]` (§5.7): never fails; null when the element is missing or `v` cannot be indexed."""
    t = type(v)
    if t is list or t is tuple or t is str:
        if type(i) is int and 0 <= i < len(v):
            return v[i]
        return None
    if t is dict:
        return v.get(i if type(i) is str else concat(i))
    if t is Record:
        return v.fields.get(i if type(i) is str else concat(i))
    if t is bytes:
        if type(i) is int and 0 <= i < len(v):
            return v[i]
        return None
    if t is Union:
        return union_field(v, i if type(i) is int else concat(i))
    return None


def field(v: Any, name: Any) -> Any:
    """`v.name` (§5.7); `name` is a str, or an int for `.N`. Never fails: null when absent."""
    t = type(v)
    if t is Record:
        return v.fields.get(name if type(name) is str else str(name))
    if t is dict:
        return v.get(name if type(name) is str else str(name))
    if t is tuple:
        if type(name) is str:
            if not name.isdigit():
                return None
            name = int(name)
        if type(name) is int and 0 <= name < len(v):
            return v[name]
        return None
    if t is Union:
        return union_field(v, name)
    return None


def union_field(u: Union, name: Any) -> Any:
    """Access on a Union (§5.14): `.N` is the N-th field in declaration order (the payload itself for a one-field
    variant), `.name` the named field; other names read fields of a Record or Map payload; else null."""
    variant = u.variant
    fields = variant.fields
    payload = u.payload
    arity = len(fields)
    if type(name) is str and name.isdigit() and name.isascii():
        name = int(name)
    if type(name) is int:
        if not 0 <= name < arity:
            return None
        if arity == 1:
            return payload
        if type(payload) is tuple:
            return payload[name] if name < len(payload) else None
        if type(payload) is dict:
            return payload.get(fields[name])
        return None
    if arity == 1 and fields[0] == name:
        return payload
    if arity > 1 and type(payload) is dict and name in payload:
        return payload[name]
    if type(payload) is Record:
        return payload.fields.get(name)
    if type(payload) is dict:
        return payload.get(name)
    return None


# -- assignment to parts ----------------------------------------------------------------------------------------------


def set_index(v: Any, i: Any, x: Any) -> Any:
    """`v[i] = x` (§5.7): the updated copy of `v`. Lists need an Int index in range; Maps set the entry under
    `concat(i)`; Records set the field `concat(i)` (re-checking constraints)."""
    t = type(v)
    if t is list:
        if type(i) is int and 0 <= i < len(v):
            copy = v.copy()
            copy[i] = x
            return copy
        raise LumenError(f"index out of range: {display(i)} (length {len(v)})")
    if t is dict:
        copy = v.copy()
        copy[i if type(i) is str else concat(i)] = x
        return copy
    if t is Record:
        return set_field(v, concat(i), x)
    raise type_error(f"cannot assign to an element of {kind_name(v)}")


def set_field(v: Any, name: str, x: Any) -> Any:
    """`v.name = x` (§5.7): a Map gets the entry, a Record the declared field (then every constraint is
    re-checked); anything else is a type error."""
    t = type(v)
    if t is dict:
        copy = v.copy()
        copy[name] = x
        return copy
    if t is Record:
        rtype = v.type
        if name not in rtype.field_names:
            raise LumenError(f"unknown field '{name}' on type '{rtype.name}'")
        fields = v.fields.copy()
        fields[name] = x
        check_record_constraints(rtype, fields)
        return Record(rtype, fields)
    raise type_error(f"cannot assign field '{name}' on {kind_name(v)}")


def update_record(record: Record, changes: dict) -> Record:
    """A copy of `record` with several fields set (each must be declared), constraints re-checked once."""
    rtype = record.type
    fields = record.fields.copy()
    for name, value in changes.items():
        if name not in rtype.field_names:
            raise LumenError(f"unknown field '{name}' on type '{rtype.name}'")
        fields[name] = value
    check_record_constraints(rtype, fields)
    return Record(rtype, fields)


def check_record_constraints(rtype: RecordType, fields: dict) -> None:
    """Evaluate every `where` constraint of `rtype` over `fields`, in declaration order; the first one whose value is
    not truthy raises `constraint failed: R.f where <text> (got <display of the field>)` (§5.13)."""
    for field_name, check, text in rtype.constraints:
        if not truthy(check(fields)):
            raise LumenError(f"constraint failed: {rtype.name}.{field_name} where {text} "
                             f"(got {display(fields.get(field_name))})")


# -- iteration and ranges ---------------------------------------------------------------------------------------------


def iterate(v: Any) -> Iterable:
    """What `for` iterates (§5.7): List/Tuple elements, Set elements in insertion order, Map keys ascending, String
    characters, Bytes octets as Ints, range Ints. Anything else: `type error: cannot iterate over <Kind>`."""
    t = type(v)
    if t is list or t is tuple or t is str or t is bytes:
        return v
    if t is LumenSet:
        return v.items
    if t is dict:
        return sorted(v)
    if t is LumenRange:
        return v
    raise type_error(f"cannot iterate over {kind_name(v)}")


def iterable_or_none(v: Any) -> Optional[Iterable]:
    """Like `iterate`, but None instead of an error for a value that is not iterable (lenient builtins)."""
    t = type(v)
    if t is list or t is tuple or t is str or t is bytes:
        return v
    if t is LumenSet:
        return v.items
    if t is dict:
        return sorted(v)
    if t is LumenRange:
        return v
    return None


class LumenRange:
    """A range `a..b`, `a..=b` or `a..` with a step (§5.7): iterated lazily by `for`; `to_list()` materialises it.

    `stop` is None for an unbounded range (iteration counts forever; `to_list` raises).
    """

    __slots__ = ("start", "stop", "inclusive", "step")

    def __init__(self, start: int, stop: Optional[int], inclusive: bool = False, step: int = 1) -> None:
        self.start = start
        self.stop = stop
        self.inclusive = inclusive
        self.step = step

    def _bounded(self) -> range:
        stop = self.stop
        if self.inclusive:
            stop += 1 if self.step > 0 else -1
        return range(self.start, stop, self.step)

    def __iter__(self) -> Iterator[int]:
        if self.stop is None:
            return itertools.count(self.start, self.step)
        return iter(self._bounded())

    def to_list(self) -> list:
        """The List of the range's Ints; `cannot materialize an unbounded range` without an end."""
        if self.stop is None:
            raise LumenError("cannot materialize an unbounded range")
        return list(self._bounded())

    def contains_int(self, x: Any) -> bool:
        """`x in range`: `x` is an Int the range yields."""
        if type(x) is not int:
            return False
        if self.stop is None:
            offset = x - self.start
            return offset % self.step == 0 and offset // self.step >= 0
        return x in self._bounded()

    def __repr__(self) -> str:
        end = "" if self.stop is None else str(self.stop)
        return f"LumenRange({self.start}{'..=' if self.inclusive else '..'}{end} step {self.step})"


def make_range(start: Any, stop: Any, inclusive: bool = False, step: Any = 1) -> LumenRange:
    """The range `start..stop` (`..=` when `inclusive`; `stop` None for `start..`) with `step`; bounds and step must
    be Ints (`type error: range bounds must be Int`) and the step non-zero (`range step must not be zero`)."""
    if type(start) is not int or (stop is not None and type(stop) is not int) or type(step) is not int:
        raise type_error("range bounds must be Int")
    if step == 0:
        raise LumenError("range step must not be zero")
    return LumenRange(start, stop, inclusive, step)


def range_list(start: Any, stop: Any, inclusive: bool = False, step: Any = 1) -> list:
    """A range used as a value: the List of its elements."""
    return make_range(start, stop, inclusive, step).to_list()
