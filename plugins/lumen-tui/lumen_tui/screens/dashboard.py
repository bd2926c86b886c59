"""The live dashboard (TOOLING.md §7.1, §7.2): source, call stack, locals, tabs, status bar, and the run keys.

States: `ready` (breakpoints can be set first) → `running` ⇄ `paused` → `finished` or `error`; run and step keys
start a new run from `ready`, `finished` and `error`. The program runs in a Textual thread worker (`LiveRun`); a 50 ms
timer drains its event buffer and applies each batch inside one `batch_update`, refreshing each panel at most once
per tick. No message is posted per runtime event.
"""
from __future__ import annotations

import os
import time
from typing import Any, Callable, ClassVar, Iterable, Optional

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, TabbedContent, TabPane

from lumen_kernel.runtime.debugger import FrameSnapshot

from lumen_tui.live_run import CANCELLED, FINISHED, LiveRun
from lumen_tui.messages import BreakpointToggled, FrameSelected, JumpToSource
from lumen_tui.model import OUTPUT_LIMIT, TRACE_LIMIT, Changes, ErrorFrame, ExecutionModel, trace_row_text
from lumen_tui.panels import PanelSpec
from lumen_tui.session import ProgramSession
from lumen_tui.stepping import RUN, STEP_INTO, STEP_OUT, STEP_OVER, Stop
from lumen_tui.widgets.call_stack import CallStackView
from lumen_tui.widgets.diagnostics_list import DiagnosticsList
from lumen_tui.widgets.line_log import LineLog
from lumen_tui.widgets.locals_table import LocalsTable
from lumen_tui.widgets.run_header import RunHeader
from lumen_tui.widgets.source_view import SourceView
from lumen_tui.widgets.status_bar import StatusBar
from lumen_tui.widgets.tools_table import ToolsTable

READY, RUNNING, PAUSED, FINISHED_STATE, ERROR = "ready", "running", "paused", "finished", "error"
#: Seconds between two drains of the event buffer.
DRAIN_INTERVAL = 0.05
#: Least seconds between two status bar updates while the program runs (state changes update it at once).
STATUS_INTERVAL = 0.25

_RUN_ACTIONS = frozenset({"run", "pause", "step", "continue", "restart"})
_STEP_MODES = {"into": STEP_INTO, "over": STEP_OVER, "out": STEP_OUT}


class DashboardScreen(Screen):
    """The main screen of `lumen tui FILE`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r,f5", "run", "Run"),
        Binding("p,f6", "pause", "Pause"),
        Binding("s,f11", "step('into')", "Step"),
        Binding("n,f10", "step('over')", "Over"),
        Binding("o,shift+f11", "step('out')", "Out"),
        Binding("c", "continue", "Continue"),
        Binding("b,f9", "toggle_breakpoint", "Breakpoint"),
        Binding("R,shift+r,ctrl+r", "restart", "Restart"),
    ]

    def __init__(self, session: ProgramSession, *, display_path: str, panels: Iterable[PanelSpec] = (),
                 clock: Callable[[], float]) -> None:
        super().__init__()
        self.session = session
        self.display_path = display_path
        self.clock = clock
        self.state = READY
        self.model = ExecutionModel()
        self.live: Optional[LiveRun] = None
        self.breakpoints: set[tuple[str, int]] = set()
        self._panel_specs = list(panels)
        self._panels: list[Any] = []
        self._frames: list[FrameSnapshot | ErrorFrame] = []
        self._shown_stop: Optional[Stop] = None
        self._status_due = 0.0

    # -- layout ---------------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield RunHeader(id="header")
        with Horizontal(id="upper"):
            yield SourceView(id="source")
            with Vertical(id="side"):
                yield CallStackView(id="stack")
                yield LocalsTable(id="locals")
        with TabbedContent(id="tabs"):
            with TabPane("Output", id="tab-output"):
                yield LineLog(id="output", max_lines=OUTPUT_LIMIT)
            with TabPane("Trace", id="tab-trace"):
                yield LineLog(id="trace", max_lines=TRACE_LIMIT, render_item=trace_row_text)
            with TabPane("Tools", id="tab-tools"):
                yield ToolsTable(id="tools")
            with TabPane(f"Diagnostics ({len(self.session.diagnostics)})", id="tab-diagnostics"):
                yield DiagnosticsList(self.session.diagnostics, id="diagnostics")
            for spec in self._panel_specs:
                widget = self._build_panel(spec)
                if widget is not None:
                    with TabPane(spec.title, id=f"panel-{spec.panel_id}"):
                        yield widget
        yield StatusBar(id="status")
        yield Footer()

    def _build_panel(self, spec: PanelSpec) -> Any:
        try:
            widget = spec.factory()
        except Exception as exc:  # noqa: BLE001 - a broken plugin panel must not break the dashboard
            self.app.notify(f"panel '{spec.panel_id}' of plugin '{spec.plugin}' failed: {type(exc).__name__}: {exc}",
                            severity="warning")
            return None
        self._panels.append(widget)
        return widget

    def on_mount(self) -> None:
        """Show the entry file, start the drain timer, focus Diagnostics when the program does not compile."""
        self.query_one("#source", SourceView).border_title = "Source"
        self.query_one("#stack", CallStackView).border_title = "Call stack"
        self.query_one("#locals", LocalsTable).border_title = "Locals"
        self._show_file(self.session.root_file)
        self._update_header()
        self._update_status()
        self.set_interval(DRAIN_INTERVAL, self.drain)
        if self.session.compiles:
            self.query_one("#source", SourceView).focus()
        else:
            self.query_one("#tabs", TabbedContent).active = "tab-diagnostics"
            self.query_one("#diagnostics", DiagnosticsList).focus()

    def on_unmount(self) -> None:
        """Quitting cancels the run (never waits for it)."""
        self._cancel_live()

    # -- keys -----------------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Run keys are disabled (shown dimmed) when the program does not compile. In other states a key that means
        nothing (pause while paused, run while running) does nothing, so the footer never changes during a run."""
        if action in _RUN_ACTIONS and not self.session.compiles:
            return None
        return True

    def action_run(self) -> None:
        """Run (ready, finished, error) or continue (paused)."""
        if self.state == PAUSED:
            self._resume(RUN)
        elif self.state != RUNNING:
            self._start(RUN)

    def action_continue(self) -> None:
        """Continue to the next breakpoint or the end."""
        self.action_run()

    def action_pause(self) -> None:
        """Pause at the next line."""
        if self.state == RUNNING and self.live is not None:
            self.live.controller.pause()

    def action_step(self, kind: str) -> None:
        """Step into, over or out (from ready, finished or error: start and stop at the first line)."""
        if self.state == PAUSED:
            self._resume(_STEP_MODES[kind])
        elif self.state != RUNNING:
            self._start(STEP_INTO)

    def action_toggle_breakpoint(self) -> None:
        """Toggle a breakpoint on the source cursor line."""
        source = self.query_one("#source", SourceView)
        if source.file and source.lines:
            self._toggle_breakpoint(source.file, source.cursor_line)

    def action_restart(self) -> None:
        """Cancel the run and its tool calls, run again, keep the breakpoints."""
        self._start(RUN)

    # -- messages from widgets ------------------------------------------------------------------------------------

    def on_breakpoint_toggled(self, message: BreakpointToggled) -> None:
        """A click in the source gutter."""
        self._toggle_breakpoint(message.file, message.line)

    def on_jump_to_source(self, message: JumpToSource) -> None:
        """A diagnostic was chosen: show its file with the cursor on its line."""
        self._show_file(message.file)
        source = self.query_one("#source", SourceView)
        source.move_to_line(message.line)
        source.focus()

    def on_frame_selected(self, message: FrameSelected) -> None:
        """A frame was selected in the call stack: show its line and bindings."""
        self._select_frame(message.index)

    # -- runs -----------------------------------------------------------------------------------------------------

    def _start(self, mode: str) -> None:
        self._cancel_live()
        self.model = ExecutionModel()
        self._reset_panels()
        live = self.session.new_run(mode=mode, breakpoints=self.breakpoints, clock=self.clock)
        self.live = live
        self._set_state(RUNNING)
        self.run_worker(live.execute, thread=True, exit_on_error=False, group="lumen-program",
                        name="lumen program", description=f"run {self.display_path}")

    def _resume(self, mode: str) -> None:
        live = self.live
        if live is None:
            return
        if mode == RUN:
            self._show_frames([])
        if live.controller.resume(mode):
            self._shown_stop = None
            self._set_state(RUNNING)

    def _cancel_live(self) -> None:
        live, self.live = self.live, None
        if live is not None:
            live.cancel()
        self._shown_stop = None

    def _reset_panels(self) -> None:
        with self.app.batch_update():
            self.query_one("#output", LineLog).clear()
            self.query_one("#trace", LineLog).clear()
            self.query_one("#tools", ToolsTable).clear()
            self._show_frames([])
            self.query_one("#source", SourceView).set_execution_line(None, follow=False)
            for panel in list(self._panels):
                self._call_panel(panel, "reset")

    def drain(self) -> None:
        """Apply what the run produced since the last tick, in one batch update."""
        live = self.live
        if live is None:
            return
        done = live.done.is_set()
        events = live.buffer.drain()
        stop = live.controller.stop
        new_stop = stop is not None and stop is not self._shown_stop
        if not events and not new_stop and not done and time.monotonic() < self._status_due:
            return
        with self.app.batch_update():
            if events:
                self._apply(self.model.apply(events))
            if new_stop:
                self._show_stop(stop)
            if done:
                self._finish(live)
            self._update_status()

    def _apply(self, changes: Changes) -> None:
        if changes.output:
            self.query_one("#output", LineLog).write_items(changes.output[-OUTPUT_LIMIT:])
        if changes.trace:
            self.query_one("#trace", LineLog).write_items(changes.trace[-TRACE_LIMIT:])
        if changes.tools:
            self.query_one("#tools", ToolsTable).add_tools(changes.tools)
        if changes.stack and self.state == RUNNING and self._shown_stop is None and not self._frames:
            self.query_one("#stack", CallStackView).show_frames(list(reversed(self.model.stack)))
        if changes.events:
            for panel in list(self._panels):
                self._call_panel(panel, "apply_events", changes.events)

    def _show_stop(self, stop: Stop) -> None:
        self._shown_stop = stop
        self._set_state(PAUSED)
        self._show_frames(list(stop.frames))
        self._select_frame(0)

    def _finish(self, live: LiveRun) -> None:
        self.live = None
        self._shown_stop = None
        if live.state == CANCELLED:
            return
        if live.failure:
            self.query_one("#output", LineLog).write_items([f"error: {live.failure}"])
        self._update_status(live)
        if live.state == FINISHED:
            self._show_frames([])
            self.query_one("#source", SourceView).set_execution_line(None, follow=False)
            self._set_state(FINISHED_STATE)
            return
        self._set_state(ERROR)
        self._show_frames(list(self.model.error_stack))
        if self.model.error_stack:
            self._select_frame(0)

    # -- panels ---------------------------------------------------------------------------------------------------

    def _show_frames(self, frames: list[FrameSnapshot | ErrorFrame]) -> None:
        self._frames = frames
        rows = [f"{frame.cell}  {os.path.basename(frame.file)}:{frame.line}" for frame in frames]
        if not frames:
            rows = list(reversed(self.model.stack)) if self.state == RUNNING else []
        self.query_one("#stack", CallStackView).show_frames(rows)
        if not frames:
            self.query_one("#locals", LocalsTable).show_bindings(())

    def _select_frame(self, index: int) -> None:
        if not 0 <= index < len(self._frames):
            return
        frame = self._frames[index]
        self._show_file(frame.file)
        self.query_one("#source", SourceView).set_execution_line(frame.line)
        bindings = frame.bindings if isinstance(frame, FrameSnapshot) else ()
        self.query_one("#locals", LocalsTable).show_bindings(bindings)

    def _show_file(self, file: str) -> None:
        source = self.query_one("#source", SourceView)
        lines = self.session.source_lines(file)
        if not lines and file != self.session.root_file:
            return
        source.show_file(file, lines)
        source.border_title = f"Source · {os.path.basename(file)}"
        source.set_breakpoints(line for bp_file, line in self.breakpoints if bp_file == file)

    def _toggle_breakpoint(self, file: str, line: int) -> None:
        point = (file, line)
        if point in self.breakpoints:
            self.breakpoints.discard(point)
        else:
            self.breakpoints.add(point)
        source = self.query_one("#source", SourceView)
        if source.file == file:
            source.set_breakpoints(bp_line for bp_file, bp_line in self.breakpoints if bp_file == file)
        if self.live is not None:
            self.live.controller.set_breakpoints(self.breakpoints)

    def _set_state(self, state: str) -> None:
        self.state = state
        self._update_header()

    def _update_header(self) -> None:
        header = self.query_one("#header", RunHeader)
        header.show(self.display_path, f"cell {self.session.settings.cell}", self.state)

    def _update_status(self, live: Optional[LiveRun] = None) -> None:
        self._status_due = time.monotonic() + STATUS_INTERVAL
        live = live or self.live
        status = self.query_one("#status", StatusBar)
        limit = self.session.settings.fuel
        if live is None:
            if self.state == READY:
                status.show_figures(fuel_used=None if limit is None else 0, fuel_limit=limit, steps=0, elapsed=0.0,
                                    not_displayed=0)
            return
        status.show_figures(fuel_used=live.fuel_used, fuel_limit=limit, steps=live.steps, elapsed=live.elapsed(),
                            not_displayed=live.buffer.dropped)

    def _call_panel(self, panel: Any, method: str, *args: Any) -> None:
        function = getattr(panel, method, None)
        if function is None:
            return
        try:
            function(*args)
        except Exception as exc:  # noqa: BLE001 - a broken plugin panel is removed, the dashboard goes on
            self._panels.remove(panel)
            self.app.notify(f"panel {type(panel).__name__} failed and was detached: {type(exc).__name__}: {exc}",
                            severity="warning")
