"""Helpers of the lumen-tui tests: programs, apps with a frozen clock, a waiting helper, a tool provider.

Pilot tests are plain functions running an `async` scenario with `asyncio.run` (no async test plugin needed).
"""
from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any, Awaitable, Callable

from lumen_tui.app import LumenTuiApp
from lumen_tui.live_run import RunSettings
from lumen_tui.session import ProgramSession
from lumen_tui.trace_data import open_trace

SIZE = (120, 40)

#: Lines 1-12; line 7 `let total = 0`, line 9 the call of `square`, line 2 inside it.
STEPS_PROGRAM = """\
cell square(x: Int) -> Int
  let y = x * x
  return y
end

cell main() -> Int
  let total = 0
  for i in 0..3
    total += square(i)
  end
  print("total {total}")
  return total
end
"""

#: Runs until cancelled (printing every 1000 iterations).
ENDLESS_PROGRAM = """\
cell main() -> Int
  let n = 0
  while true
    n += 1
    if n % 1000 == 0
      print("n = {n}")
    end
  end
  return n
end
"""

#: Does not compile: `totl` is undefined on line 3.
BROKEN_PROGRAM = """\
cell main() -> Int
  let total = 1
  return totl + 1
end
"""

#: One tool call that waits until cancelled, then a print (line 5).
TOOL_PROGRAM = """\
use tool wait.forever as Wait
grant Wait

cell main() -> Int
  print("before")
  let value = Wait(ms: 60000)
  print("after {value}")
  return 0
end
"""


def frozen_clock() -> float:
    """The clock of every test app: elapsed time always shows 0.0s."""
    return 0.0


def program_app(path: str, *, host: Any = None, fuel: int | None = None, cell: str = "main",
                panels: Any = ()) -> LumenTuiApp:
    """The dashboard for `path` with a frozen clock."""
    session = ProgramSession.open(path, RunSettings(cell=cell, fuel=fuel), host=host)
    return LumenTuiApp(session=session, display_path=path, panels=panels, clock=frozen_clock, cursor_blink=False)


def trace_app(path: str) -> LumenTuiApp:
    """The trace browser for `path`."""
    return LumenTuiApp(trace=open_trace(path), display_path=path, clock=frozen_clock, cursor_blink=False)


async def wait_for(pilot: Any, condition: Callable[[], bool], *, timeout: float = 10.0, what: str = "") -> None:
    """Let the app run until `condition()` holds (fail after `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or 'condition'}")
        await pilot.pause(0.02)


def run_scenario(app: LumenTuiApp, scenario: Callable[[Any], Awaitable[None]]) -> None:
    """Run `scenario(pilot)` against `app` at 120x40."""
    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await scenario(pilot)

    asyncio.run(main())


class WaitProvider:
    """`wait.forever {ms}`: waits `ms` milliseconds or until cancelled; records cancellations."""

    name = "wait"
    version = "1.0.0"

    def __init__(self) -> None:
        self.started = threading.Event()
        self.cancelled = threading.Event()

    def tools(self) -> list:
        from lumen_kernel.tools.schema import parameters_schema
        from lumen_kernel.tools.spec import ToolSpec

        schema = parameters_schema(("ms", {"type": "integer"}))
        return [ToolSpec("wait.forever", "Wait, or stop when cancelled.", schema, None, (), ("ms",), self.wait)]

    def wait(self, args: dict, context: Any) -> int:
        self.started.set()
        if context.cancelled.wait(args["ms"] / 1000.0):
            self.cancelled.set()
            return -1
        return args["ms"]




#: A program whose trace has output, calls and a tool-free run of a few dozen events.
TRACE_PROGRAM = """\
cell double(x: Int) -> Int
  return x * 2
end

cell main() -> Int
  let total = 0
  for i in 0..12
    total += double(i)
    print("i = {i}, total = {total}")
  end
  return total
end
"""

FIXED_TS = "2026-01-01T00:00:00.000000Z"


def record_trace(program_path: str, trace_path: Path, *, host: Any = None) -> Path:
    """Run a program and write its trace with fixed meta (timestamps, run id, version), so it is reproducible."""
    import io

    from lumen_kernel.program import load_program
    from lumen_kernel.runtime.engine import run_program
    from lumen_kernel.trace.store import write_rechained

    class Collect:
        wants_lines = False

        def __init__(self) -> None:
            self.events: list = []

        def on_event(self, event: Any) -> None:
            self.events.append(event)

        def close(self, outcome: Any) -> None:
            pass

    collect = Collect()
    run_program(load_program(program_path, host=host), listeners=[collect], stdout=io.StringIO(), host=host)
    events = []
    for event in collect.events:
        meta = {"ts": FIXED_TS}
        if event.kind == "run_start":
            meta.update(source=program_path, run_id="00000000-0000-4000-8000-000000000000", lumen_version="0.1.0")
        events.append((event.kind, event.body, meta))
    write_rechained(trace_path, events)
    return trace_path
