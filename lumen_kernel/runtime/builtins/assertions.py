"""§6.9 Assertions: assert, assert_eq, assert_ne, assert_contains (failures are runtime errors, §8.2)."""
from __future__ import annotations

from typing import Any

from lumen_kernel.runtime.builtins.spec import builtin
from lumen_kernel.runtime.compare import contains_value, equals
from lumen_kernel.runtime.errors import LumenError
from lumen_kernel.runtime.ops import truthy
from lumen_kernel.runtime.render import concat, display


def assert_(cond: Any, message: Any = None) -> None:
    """Null when `cond` is truthy; else the error `assertion failed`, or `concat(message)` when one is given."""
    if truthy(cond):
        return None
    raise LumenError("assertion failed" if message is None else concat(message))


def assert_eq(a: Any, b: Any, message: Any = None) -> None:
    """Null when `a == b`; else `assert_eq failed: <display(a)> != <display(b)>` (the message is not shown)."""
    if equals(a, b):
        return None
    raise LumenError(f"assert_eq failed: {display(a)} != {display(b)}")


def assert_ne(a: Any, b: Any, message: Any = None) -> None:
    """Null when `a != b`; else `assert_ne failed: <display(a)> == <display(b)>`."""
    if not equals(a, b):
        return None
    raise LumenError(f"assert_ne failed: {display(a)} == {display(b)}")


def assert_contains(c: Any, x: Any, message: Any = None) -> None:
    """Null when `contains(c, x)`; else `assert_contains failed: <display(x)> not in <display(c)>`."""
    if contains_value(c, x):
        return None
    raise LumenError(f"assert_contains failed: {display(x)} not in {display(c)}")


_GROUP = "6.9"
SPECS = [
    builtin("assert", assert_, "Any", group=_GROUP),
    builtin("assert_eq", assert_eq, "Any", group=_GROUP),
    builtin("assert_ne", assert_ne, "Any", group=_GROUP),
    builtin("assert_contains", assert_contains, "Any", group=_GROUP),
]
