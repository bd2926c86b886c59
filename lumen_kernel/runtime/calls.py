"""Dynamic call binding (LANGUAGE.md §5.10) for values called at run time.

Compiled cells and lambdas are plain Python functions whose parameters are named `v_<name>`; a parameter with a
default receives the marker `MISSING` and computes its default itself. Calls with positional arguments only go
straight to the function (no binding cost); when Python itself rejects the arguments, `binding_error` turns its
TypeError into the exact Lumen message. Calls with named arguments are bound here.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Optional

from .errors import LumenError, type_error
from .values import Closure, kind_name

_QUALNAME = r"(?P<fn>[\w.<>]+)\(\)"
_MISSING_RE = re.compile(_QUALNAME + r" missing \d+ required positional arguments?: '(?P<arg>\w+)'")
_TOO_MANY_RE = re.compile(_QUALNAME + r" takes (?:from \d+ to )?(?P<n>\d+) positional arguments? but "
                                      r"(?P<m>\d+)(?: positional arguments?)? (?:were|was) given")
_UNEXPECTED_RE = re.compile(_QUALNAME + r" got an unexpected keyword argument '(?P<arg>\w+)'")
_MULTIPLE_RE = re.compile(_QUALNAME + r" got multiple values for argument '(?P<arg>\w+)'")


def lumen_param(python_name: str) -> str:
    """The Lumen name of a generated parameter (`v_count` -> `count`)."""
    return python_name[2:] if python_name.startswith("v_") else python_name


def binding_error(error: TypeError, functions: dict) -> Optional[LumenError]:
    """The Lumen error for a TypeError raised by Python while binding the arguments of a generated function
    (`functions` maps Python function names to `FunctionInfo`), or None when it is not such an error."""
    text = str(error)
    for pattern in (_MISSING_RE, _TOO_MANY_RE, _UNEXPECTED_RE, _MULTIPLE_RE):
        match = pattern.match(text)
        if match is None:
            continue
        pyname = match.group("fn").rsplit(".", 1)[-1]
        info = functions.get(pyname)
        if info is None:
            return None
        display = "lambda" if info.display == "<lambda>" else info.display
        if pattern is _MISSING_RE:
            return LumenError(f"missing argument '{lumen_param(match.group('arg'))}' in call to '{display}'")
        if pattern is _TOO_MANY_RE:
            return LumenError(f"wrong number of arguments to '{display}': expected {match.group('n')}, "
                              f"got {match.group('m')}")
        if pattern is _UNEXPECTED_RE:
            return LumenError(f"unknown named argument '{lumen_param(match.group('arg'))}' in call to '{display}'")
        return LumenError(f"argument '{lumen_param(match.group('arg'))}' given more than once in call to "
                          f"'{display}'")
    return None


def call_named(function: Any, args: tuple, named: tuple) -> Any:
    """Call a value with positional arguments and `(name, value)` pairs (§5.10)."""
    if type(function) is not Closure:
        raise type_error(f"{kind_name(function)} is not callable")
    if function.kind in ("cell", "lambda"):
        return call_function_named(function.fn, args, named, display=function.name)
    kwargs: dict = {}
    for key, value in named:
        if key in kwargs:
            raise LumenError(f"argument '{key}' given more than once in call to '{function.name}'")
        kwargs[key] = value
    return function.fn(*args, **kwargs)


def call_function_named(fn: Callable, args: tuple, named: tuple, *, display: Optional[str] = None) -> Any:
    """Call a generated Python function with named arguments, checking names against its parameters."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return fn(*args, **dict(named))
    params = list(code.co_varnames[:code.co_argcount])
    name = display or fn.__name__
    kwargs: dict = {}
    for key, value in named:
        pyname = "v_" + key
        if pyname not in params:
            raise LumenError(f"unknown named argument '{key}' in call to '{name}'")
        if pyname in kwargs or params.index(pyname) < len(args):
            raise LumenError(f"argument '{key}' given more than once in call to '{name}'")
        kwargs[pyname] = value
    return fn(*args, **kwargs)
