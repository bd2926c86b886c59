"""§6.6 Math: sqrt, log, sin, cos, pow, round, ceil, floor (IEEE results, never an error for Floats)."""
from __future__ import annotations

import math
from typing import Any, Callable

from lumen_kernel.runtime.builtins.spec import builtin
from lumen_kernel.runtime.ops import pow_

_NAN = float("nan")
_INF = float("inf")


def _as_float(x: Any) -> float | None:
    t = type(x)
    if t is float:
        return x
    if t is int:
        return float(x)
    return None


def _ieee(function: Callable[[float], float], x: Any, domain_error: Callable[[float], float]) -> Any:
    value = _as_float(x)
    if value is None:
        return None
    try:
        return function(value)
    except ValueError:
        return domain_error(value)
    except OverflowError:
        return _INF


def sqrt(x: Any) -> Any:
    """Square root as a Float (`sqrt(-1.0)` is NaN)."""
    return _ieee(math.sqrt, x, lambda v: _NAN)


def log(x: Any) -> Any:
    """Natural logarithm as a Float (`log(0)` is `-inf`, negative numbers give NaN)."""
    return _ieee(math.log, x, lambda v: -_INF if v == 0 else _NAN)


def sin(x: Any) -> Any:
    """Sine as a Float (NaN for infinities)."""
    return _ieee(math.sin, x, lambda v: _NAN)


def cos(x: Any) -> Any:
    """Cosine as a Float (NaN for infinities)."""
    return _ieee(math.cos, x, lambda v: _NAN)


def _is_number(x: Any) -> bool:
    return type(x) is int or type(x) is float


def pow(a: Any, b: Any) -> Any:   # noqa: A001 - the Lumen name
    """`a ** b` (§5.5); null when an operand is not a number."""
    if not (_is_number(a) and _is_number(b)):
        return None
    return pow_(a, b)


def _integral(x: float, rounded: float) -> float:
    """`rounded` with the sign of `x` kept on a zero result (C semantics: `ceil(-0.5)` is `-0.0`)."""
    return math.copysign(rounded, x) if rounded == 0 else rounded


def round_(x: Any) -> Any:
    """A Float rounded to an integral Float, halves away from zero (`round(-2.5)` is `-3.0`); an Int unchanged."""
    if type(x) is not float:
        return x
    if not math.isfinite(x) or abs(x) >= 4503599627370496.0:   # 2**52: already integral
        return x
    magnitude = abs(x)
    whole = math.floor(magnitude)
    if magnitude - whole >= 0.5:
        whole += 1
    return math.copysign(float(whole), x)


def ceil(x: Any) -> Any:
    """A Float rounded up to an integral Float; an Int unchanged."""
    if type(x) is not float or not math.isfinite(x):
        return x
    return _integral(x, float(math.ceil(x)))


def floor(x: Any) -> Any:
    """A Float rounded down to an integral Float; an Int unchanged."""
    if type(x) is not float or not math.isfinite(x):
        return x
    return _integral(x, float(math.floor(x)))


_GROUP = "6.6"
SPECS = [
    builtin("sqrt", sqrt, "Float", group=_GROUP),
    builtin("log", log, "Float", group=_GROUP),
    builtin("sin", sin, "Float", group=_GROUP),
    builtin("cos", cos, "Float", group=_GROUP),
    builtin("pow", pow, "Any", group=_GROUP),
    builtin("round", round_, "Any", group=_GROUP),
    builtin("ceil", ceil, "Any", group=_GROUP),
    builtin("floor", floor, "Any", group=_GROUP),
]
