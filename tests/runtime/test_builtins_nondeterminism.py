"""§6.8 Nondeterminism: values go through the context so they can be recorded and replayed."""
from __future__ import annotations

import re
import time

from lumen_kernel.runtime.builtins import BUILTINS, call_builtin
from lumen_kernel.runtime.context import BufferedContext, RuntimeContext

UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def test_uuid(call, ctx) -> None:
    first, second = call("uuid"), call("uuid_v4")
    assert UUID4.fullmatch(first) and UUID4.fullmatch(second) and first != second
    assert ctx.events == [("nondet", {"source": "uuid", "value": first}),
                          ("nondet", {"source": "uuid_v4", "value": second})]


def test_random(call, ctx) -> None:
    values = [call("random") for _ in range(200)]
    assert all(type(v) is float and 0.0 <= v < 1.0 for v in values)
    assert len(set(values)) > 190
    assert ctx.events[0] == ("nondet", {"source": "random", "value": values[0]})


def test_timestamp(call) -> None:
    before = int(time.time() * 1000)
    value = call("timestamp")
    assert type(value) is int and before - 1 <= value <= int(time.time() * 1000) + 1


def test_replay_returns_recorded_values() -> None:
    ctx = BufferedContext(replay=["u-1", 0.25, 1700000000000])
    assert call_builtin(BUILTINS["uuid"], (), None, ctx) == "u-1"
    assert call_builtin(BUILTINS["random"], (), None, ctx) == 0.25
    assert call_builtin(BUILTINS["timestamp"], (), None, ctx) == 1700000000000


def test_buffered_context_satisfies_the_protocol() -> None:
    assert isinstance(BufferedContext(), RuntimeContext)
    for name in ("uuid", "uuid_v4", "random", "timestamp", "print", "emit", "debug"):
        assert BUILTINS[name].needs_context
