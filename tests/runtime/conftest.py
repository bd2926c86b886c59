"""Shared helpers for the runtime tests: a buffered context and `call(name, *args, **kwargs)` that calls a builtin
by its Lumen name through the registry (binding named arguments and defaults exactly like a Lumen call)."""
from __future__ import annotations

from typing import Any, Callable

import pytest

from lumen_kernel.runtime.builtins import BUILTINS, call_builtin
from lumen_kernel.runtime.context import BufferedContext
from lumen_kernel.runtime.values import RecordType, Record


@pytest.fixture
def ctx() -> BufferedContext:
    return BufferedContext()


@pytest.fixture
def call(ctx: BufferedContext) -> Callable[..., Any]:
    def call_by_name(name: str, *args: Any, **kwargs: Any) -> Any:
        return call_builtin(BUILTINS[name], args, kwargs, ctx)

    return call_by_name


def _make_record(type_name: str, /, **fields: Any) -> Record:
    return Record(RecordType(type_name, tuple(fields)), dict(fields))


@pytest.fixture
def make_record() -> Callable[..., Record]:
    """`make_record(type_name, **fields)`: a record of a fresh record type with those fields."""
    return _make_record
