"""§6.7 Results: the `ok`/`err` constructors and the helpers that inspect and unwrap them."""
from __future__ import annotations

from typing import Any

from lumen_kernel.runtime.builtins.spec import builtin
from lumen_kernel.runtime.errors import LumenError
from lumen_kernel.runtime.render import display
from lumen_kernel.runtime.values import RESULT_ERR, RESULT_OK, Union


def ok(v: Any = None) -> Union:
    """The `ok(v)` variant of the built-in enum `result`."""
    return Union(RESULT_OK, v)


def err(e: Any = None) -> Union:
    """The `err(e)` variant of the built-in enum `result`."""
    return Union(RESULT_ERR, e)


def _is_result(r: Any, tag: str) -> bool:
    return type(r) is Union and r.variant.enum == "result" and r.variant.tag == tag


def is_ok(r: Any) -> bool:
    """Whether `r` is an `ok` Union."""
    return _is_result(r, "ok")


def is_err(r: Any) -> bool:
    """Whether `r` is an `err` Union."""
    return _is_result(r, "err")


def unwrap(r: Any) -> Any:
    """`ok(v)` gives `v`; `err(e)` is the error `unwrap on err: <display(e)>`; any other value is returned as is."""
    if type(r) is Union and r.variant.enum == "result":
        if r.variant.tag == "ok":
            return r.payload
        if r.variant.tag == "err":
            raise LumenError(f"unwrap on err: {display(r.payload)}")
    return r


def unwrap_or(r: Any, default: Any) -> Any:
    """`ok(v)` gives `v`; `err(_)` and null give `default`; any other value is returned as is."""
    if r is None:
        return default
    if type(r) is Union and r.variant.enum == "result":
        if r.variant.tag == "ok":
            return r.payload
        if r.variant.tag == "err":
            return default
    return r


_GROUP = "6.7"
SPECS = [
    builtin("ok", ok, "result[Any, Any]", group=_GROUP),
    builtin("err", err, "result[Any, Any]", group=_GROUP),
    builtin("is_ok", is_ok, "Bool", group=_GROUP),
    builtin("is_err", is_err, "Bool", group=_GROUP),
    builtin("unwrap", unwrap, "Any", group=_GROUP),
    builtin("unwrap_or", unwrap_or, "Any", group=_GROUP),
]
