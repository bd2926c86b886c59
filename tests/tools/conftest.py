"""Test providers for the dispatcher tests: real threads and real sleeps, no mocks."""
from __future__ import annotations

import asyncio
import threading
import time

import pytest

from lumen_kernel.tools.dispatch import Dispatcher
from lumen_kernel.tools.schema import parameters_schema
from lumen_kernel.tools.spec import CallContext, ToolSpec
from lumen_kernel.tools.table import ToolTable


class TestProvider:
    """Sleeping, counting, echoing and failing tools; remembers what it saw."""

    __test__ = False
    name = "test"
    version = "1.2.3"

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.saw_cancel = threading.Event()
        self.lock = threading.Lock()
        self.active = 0
        self.max_active = 0
        self.closed = False

    def tools(self) -> list[ToolSpec]:
        any_object = {"type": "object"}
        return [
            ToolSpec("t.echo", "", any_object, None, (), ("value",), self.echo),
            ToolSpec("t.sleep", "", parameters_schema(("ms", {"type": "integer"})), None, (), ("ms",), self.sleep),
            ToolSpec("t.asleep", "", parameters_schema(("ms", {"type": "integer"})), None, (), ("ms",),
                     self.asleep),
            ToolSpec("t.overlap", "", any_object, None, (), (), self.overlap),
            ToolSpec("t.aoverlap", "", any_object, None, (), (), self.aoverlap),
            ToolSpec("t.bad_output", "", any_object,
                     {"type": "object", "properties": {"items": {"type": "array", "items": {
                         "type": "object", "properties": {"name": {"type": "string"}}}}}},
                     (), (), self.bad_output),
            ToolSpec("t.boom", "", any_object, None, (), (), self.boom),
            ToolSpec("t.strict", "", parameters_schema(("x", {"type": "integer"}), ("y", {"type": "string"}),
                                                       optional=("y",)),
                     {"type": "integer"}, (), ("x", "y"), self.strict),
        ]

    def close(self) -> None:
        self.closed = True

    def _record(self, tool: str, args: dict) -> None:
        with self.lock:
            self.calls.append((tool, dict(args)))

    def echo(self, args: dict, context: CallContext) -> dict:
        self._record("t.echo", args)
        return args

    def sleep(self, args: dict, context: CallContext) -> int:
        self._record("t.sleep", args)
        if context.cancelled.wait(args["ms"] / 1000.0):
            self.saw_cancel.set()
            return -1
        return args["ms"]

    async def asleep(self, args: dict, context: CallContext) -> int:
        self._record("t.asleep", args)
        try:
            await asyncio.sleep(args["ms"] / 1000.0)
        except asyncio.CancelledError:
            self.saw_cancel.set()
            raise
        return args["ms"]

    def _enter(self) -> None:
        with self.lock:
            self.active += 1
            self.max_active = max(self.max_active, self.active)

    def _leave(self) -> None:
        with self.lock:
            self.active -= 1

    def overlap(self, args: dict, context: CallContext) -> int:
        self._enter()
        try:
            time.sleep(0.02)
        finally:
            self._leave()
        return 1

    async def aoverlap(self, args: dict, context: CallContext) -> int:
        self._enter()
        try:
            await asyncio.sleep(0.02)
        finally:
            self._leave()
        return 1

    def bad_output(self, args: dict, context: CallContext) -> dict:
        return {"items": [{"name": "a"}, {"name": "b"}, {"name": 3}]}

    def boom(self, args: dict, context: CallContext) -> None:
        raise ValueError("bad thing")

    def strict(self, args: dict, context: CallContext) -> int:
        self._record("t.strict", args)
        return args["x"] * 2


@pytest.fixture
def provider() -> TestProvider:
    return TestProvider()


@pytest.fixture
def make_dispatcher(provider):
    """Build dispatchers over the test provider; all are closed after the test."""
    made: list[Dispatcher] = []

    def make(**options) -> Dispatcher:
        dispatcher = Dispatcher(ToolTable([(provider, {})]), **options)
        made.append(dispatcher)
        return dispatcher

    yield make
    for dispatcher in made:
        dispatcher.close()
