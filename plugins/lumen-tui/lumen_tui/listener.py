"""The dashboard's runtime listener (TOOLING.md §1.3, §7.2).

It receives every event synchronously on the Lumen thread and never waits for the UI: numbered events go to the
bounded `EventBuffer`; `line` events go to the `StepController` (which may park the thread at a stop) and then to
the buffer. On the first `line` event the listener finds the run's namespace; when it is the run's only line
listener it installs the `LineGate`, so that while the program runs freely a line costs a counter increment.
"""
from __future__ import annotations

from typing import Any, Optional

from lumen_kernel.runtime.debugger import LineGate, probe_namespace

from lumen_tui.event_buffer import EventBuffer
from lumen_tui.stepping import StepController


class DashboardListener:
    """Runtime listener feeding the dashboard: `wants_lines` is true; see the module docstring."""

    name = "lumen-tui"
    wants_lines = True

    def __init__(self, buffer: EventBuffer, controller: StepController, gate: LineGate, *,
                 use_gate: bool = True) -> None:
        self.buffer = buffer
        self.controller = controller
        self.gate = gate
        self.use_gate = use_gate
        self.namespace: Optional[dict] = None
        self.outcome: Any = None
        self.closed = False
        self._lines_outside_gate = 0

    @property
    def steps(self) -> int:
        """Line probes executed so far (statements run)."""
        return self.gate.steps + self._lines_outside_gate

    def on_event(self, event: Any) -> None:
        """Buffer a numbered event; for a `line` event, let the controller stop here if it must."""
        if event.kind != "line":
            self.buffer.append(event)
            return
        if not self.gate.installed:
            self._lines_outside_gate += 1
            if self.namespace is None:
                self.namespace = probe_namespace()
                if self.use_gate and self.namespace is not None:
                    self.gate.install(self.namespace)
        self.buffer.append(event)
        self.controller.at_line()

    def close(self, outcome: Any) -> None:
        """The run ended (not called when it was cancelled)."""
        self.outcome = outcome
        self.closed = True
