"""One execution of the program under the dashboard (TOOLING.md §7.2).

`LiveRun.execute()` runs in a Textual thread worker and blocks until the program ends or is cancelled. It owns the
run's event buffer, line gate, step controller, listener and tool dispatcher. The UI thread reads it without
waiting: `buffer.drain()`, `controller.stop`, `steps`, `fuel_used`, and `done` (set once every event was buffered).
`cancel()` stops the run cooperatively: the next line probe raises, a parked thread wakes up and raises, and pending
tool calls are cancelled.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional

from lumen_kernel.runtime.debugger import LineGate, RunCancelled, fuel_left
from lumen_kernel.runtime.events import RuntimeEvent

from lumen_tui.event_buffer import EventBuffer
from lumen_tui.listener import DashboardListener
from lumen_tui.stepping import StepController

#: How a live run ended (`running` until then).
RUNNING, FINISHED, FAILED, CANCELLED = "running", "finished", "error", "cancelled"


@dataclass(frozen=True)
class RunSettings:
    """What to run: entry cell, its arguments (Lumen values by name), fuel budget and runtime limits."""

    cell: str = "main"
    args: dict = field(default_factory=dict)
    fuel: Optional[int] = None
    max_call_depth: int = 10_000
    tool_concurrency: Optional[int] = None


class _DiscardedOutput:
    """Standard output of a dashboard run: every line also arrives as an `emit` event, so the text is dropped."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        """Nothing to flush."""


class _StderrToEvents:
    """Standard error of a dashboard run (`debug` lines): each complete line becomes a `stderr` buffer entry."""

    def __init__(self, buffer: EventBuffer) -> None:
        self._buffer = buffer
        self._pending = ""

    def write(self, text: str) -> int:
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            self._buffer.append(RuntimeEvent(0, "stderr", {"text": line}))
        return len(text)

    def flush(self) -> None:
        """Lines are handed over as soon as they are complete."""


class LiveRun:
    """A program execution with its buffer, stepping controller and tool dispatcher."""

    def __init__(self, program: Any, settings: RunSettings, *, host: Any = None, config: Any = None,
                 mode: str = "run", breakpoints: Iterable[tuple[str, int]] = (),
                 clock: Callable[[], float], listeners: Callable[[str], list] = lambda run_id: []) -> None:
        self.program = program
        self.settings = settings
        self.host = host
        self.config = config
        self.clock = clock
        self.buffer = EventBuffer()
        self.gate = LineGate()
        self.controller = StepController(self.gate, mode=mode)
        self.controller.set_breakpoints(breakpoints)
        self.listener = DashboardListener(self.buffer, self.controller, self.gate)
        self.state = RUNNING
        self.failure: Optional[str] = None
        self.started_at = clock()  # reset when the worker starts the program
        self.ended_at: Optional[float] = None
        self.done = threading.Event()
        self._plugin_listeners = listeners
        self._dispatcher: Any = None

    # -- UI thread ------------------------------------------------------------------------------------------------

    @property
    def steps(self) -> int:
        """Statements executed so far."""
        return self.listener.steps

    @property
    def fuel_used(self) -> Optional[int]:
        """Fuel spent so far (None without a fuel budget or before the program started)."""
        fuel = self.settings.fuel
        namespace = self.listener.namespace
        if fuel is None or namespace is None:
            return None
        return min(fuel, fuel - fuel_left(namespace))

    def elapsed(self) -> float:
        """Seconds since the run started (until it ended)."""
        end = self.ended_at if self.ended_at is not None else self.clock()
        return max(0.0, end - self.started_at)

    def cancel(self) -> None:
        """Stop the run cooperatively and cancel its pending tool calls; never waits for the Lumen thread."""
        self.controller.cancel()
        dispatcher = self._dispatcher
        if dispatcher is not None:
            try:
                dispatcher.cancel_all()
            except Exception:  # noqa: BLE001 - cancelling is best effort; the probe stops the run anyway
                pass

    # -- worker thread --------------------------------------------------------------------------------------------

    def execute(self) -> None:
        """Run the program to its end (in a worker thread); never raises."""
        from lumen_kernel.runtime.engine import run_program
        from lumen_kernel.tools.dispatch import Dispatcher
        from lumen_kernel.trace.store import new_run_id

        run_id = new_run_id()
        try:
            others = list(self._plugin_listeners(run_id))
            self.listener.use_gate = not any(getattr(item, "wants_lines", False) for item in others)
            self._dispatcher = Dispatcher.for_run(self.config, host=self.host,
                                                  max_concurrent=self.settings.tool_concurrency)
            if self.controller.cancelled:
                raise RunCancelled()
            self.started_at = self.clock()
            outcome = run_program(self.program, cell=self.settings.cell, args=self.settings.args,
                                  fuel=self.settings.fuel, max_call_depth=self.settings.max_call_depth,
                                  listeners=[self.listener, *others], dispatcher=self._dispatcher,
                                  stdout=_DiscardedOutput(), stderr=_StderrToEvents(self.buffer), mode="tui",
                                  run_id=run_id, config=self.config, host=self.host)
            self.ended_at = self.clock()
            if self.controller.cancelled:
                self.state = CANCELLED
            else:
                self.state = FINISHED if outcome.status == "ok" else FAILED
        except RunCancelled:
            self.state = CANCELLED
        except BaseException as exc:  # noqa: BLE001 - shown in the dashboard, never a traceback
            self.state = FAILED
            self.failure = f"internal error: {type(exc).__name__}: {exc}"
        finally:
            if self.ended_at is None:
                self.ended_at = self.clock()
            self._close_dispatcher()
            self.done.set()

    def _close_dispatcher(self) -> None:
        dispatcher = self._dispatcher
        if dispatcher is None:
            return
        try:
            dispatcher.close()
        except Exception:  # noqa: BLE001
            pass

