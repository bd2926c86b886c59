"""Pause, breakpoints and stepping: the condition variable between the dashboard and the Lumen thread (§7.2).

At each line probe that reaches the dashboard's listener, the Lumen thread asks `StepController.at_line` whether to
stop: a pause request, a breakpoint, or the step condition (into: any line; over: a line at the same call depth or
shallower; out: a shallower line). Only then does it capture a snapshot of the frames and locals (on its own thread)
and park on the condition variable until the UI resumes it, steps it or cancels the run. Cancelling raises
`RunCancelled` at the next probe, or at once in the parked thread.

The controller also drives the `LineGate` in front of the engine's line probe: armed (every line reaches the
listener) while pausing or stepping, disarmed while running, with the breakpoint line numbers as the only lines that
still get through.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Iterable, Optional

from lumen_kernel.runtime.debugger import (FrameSnapshot, LineGate, RunCancelled, capture_frames, current_depth,
                                           current_location)

#: Run modes: run freely, pause at the next line, step into / over / out.
RUN, PAUSE, STEP_INTO, STEP_OVER, STEP_OUT = "run", "pause", "into", "over", "out"
MODES = (RUN, PAUSE, STEP_INTO, STEP_OVER, STEP_OUT)


@dataclass(frozen=True)
class Stop:
    """Where the program is parked: the frames (innermost first), the call depth, and a number counting stops."""

    number: int
    frames: tuple[FrameSnapshot, ...]
    depth: int

    @property
    def file(self) -> str:
        return self.frames[0].file if self.frames else ""

    @property
    def line(self) -> int:
        return self.frames[0].line if self.frames else 0


class StepController:
    """Decides where the program stops and parks the Lumen thread while it is stopped.

    UI thread: `pause`, `resume(mode)`, `cancel`, `set_breakpoints`, `stop` (the current stop or None).
    Lumen thread: `at_line()` from the listener's `on_event` for a `line` event.
    """

    def __init__(self, gate: LineGate, *, mode: str = RUN) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown run mode {mode!r}")
        self._gate = gate
        self._condition = threading.Condition()
        self._mode = mode
        self._reference_depth = 0
        self._breakpoints: frozenset[tuple[str, int]] = frozenset()
        self._cancelled = False
        self._stop: Optional[Stop] = None
        self._stops = 0
        self._sync_gate()

    # -- UI thread ------------------------------------------------------------------------------------------------

    @property
    def mode(self) -> str:
        """The current run mode."""
        return self._mode

    @property
    def cancelled(self) -> bool:
        """Whether the run was cancelled."""
        return self._cancelled

    @property
    def stop(self) -> Optional[Stop]:
        """Where the program is parked now, or None while it runs."""
        return self._stop

    def set_breakpoints(self, points: Iterable[tuple[str, int]]) -> None:
        """Replace the breakpoints, as `(file, line)` pairs."""
        with self._condition:
            self._breakpoints = frozenset(points)
            self._sync_gate()

    def pause(self) -> None:
        """Stop at the next line (no effect while already stopped)."""
        with self._condition:
            if self._stop is None:
                self._mode = PAUSE
                self._sync_gate()

    def resume(self, mode: str) -> bool:
        """Leave the current stop running (`run`) or stepping (`into`, `over`, `out`); False if not stopped."""
        if mode not in MODES:
            raise ValueError(f"unknown run mode {mode!r}")
        with self._condition:
            stop = self._stop
            if stop is None:
                return False
            self._mode = mode
            self._reference_depth = stop.depth
            self._stop = None
            self._sync_gate()
            self._condition.notify_all()
            return True

    def cancel(self) -> None:
        """Stop the run: the Lumen thread raises `RunCancelled` at its next probe (at once if it is parked)."""
        with self._condition:
            self._cancelled = True
            self._sync_gate()
            self._condition.notify_all()

    # -- Lumen thread ---------------------------------------------------------------------------------------------

    def at_line(self) -> Optional[Stop]:
        """Called at a line probe: stop here if a pause, breakpoint or step condition says so and wait until the UI
        resumes; return the stop that was made (None when the program did not stop)."""
        if self._cancelled:
            raise RunCancelled()
        mode = self._mode
        if mode == RUN and not self._breakpoints:
            return None
        location = current_location()
        depth = current_depth()
        if not self._should_stop(mode, location, depth):
            return None
        frames = tuple(capture_frames())
        with self._condition:
            if self._cancelled:
                raise RunCancelled()
            self._stops += 1
            stop = Stop(self._stops, frames, depth)
            self._stop = stop
            while self._stop is stop and not self._cancelled:
                self._condition.wait()
            if self._cancelled:
                raise RunCancelled()
        return stop

    def _should_stop(self, mode: str, location: Optional[tuple[str, int]], depth: int) -> bool:
        if location is not None and location in self._breakpoints:
            return True
        if mode in (PAUSE, STEP_INTO):
            return True
        if mode == STEP_OVER:
            return depth <= self._reference_depth
        if mode == STEP_OUT:
            return depth < self._reference_depth
        return False

    def _sync_gate(self) -> None:
        self._gate.lines = frozenset(line for _file, line in self._breakpoints)
        self._gate.armed = self._cancelled or self._mode != RUN
