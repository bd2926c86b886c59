"""§6.8 Nondeterminism: uuid, uuid_v4, random, timestamp.

Each value goes through `ctx.nondet(source, producer)`, so the engine records it as a `nondet` event and a replay
returns the recorded value instead (TOOLING.md §4.4). `source` is the builtin's name.
"""
from __future__ import annotations

import os
import time
from typing import Any

from lumen_kernel.runtime.builtins.spec import builtin


def _new_uuid() -> str:
    import uuid as uuid_module   # imported on first use: keeps the kernel light to import

    return str(uuid_module.uuid4())


def _new_random() -> float:
    return (int.from_bytes(os.urandom(7), "big") >> 3) / (1 << 53)   # 53 random bits in [0.0, 1.0)


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def uuid(ctx: Any) -> str:
    """A random version-4 UUID in lowercase 8-4-4-4-12 form."""
    return ctx.nondet("uuid", _new_uuid)


def uuid_v4(ctx: Any) -> str:
    """Same as `uuid()`."""
    return ctx.nondet("uuid_v4", _new_uuid)


def random(ctx: Any) -> float:
    """A uniformly random Float in [0.0, 1.0)."""
    return ctx.nondet("random", _new_random)


def timestamp(ctx: Any) -> int:
    """Milliseconds since the Unix epoch."""
    return ctx.nondet("timestamp", _now_ms)


_GROUP = "6.8"
SPECS = [
    builtin("uuid", uuid, "String", effects=("random",), group=_GROUP),
    builtin("uuid_v4", uuid_v4, "String", effects=("random",), group=_GROUP),
    builtin("random", random, "Float", effects=("random",), group=_GROUP),
    builtin("timestamp", timestamp, "Int", effects=("time",), group=_GROUP),
]
