"""The trace browser (TOOLING.md §7.3): `lumen tui --trace TRACE`.

The header says whether the file verified (`verified`, or `broken at seq N`). The event list on the left selects an
event; the right side and the tabs show the state at that event, rebuilt from the events up to it: call stack, the
event's fields, output and tool calls. Keys: left/right one event, home/end, pageup/pagedown 20 events, `/` search by
kind or tool id (Enter finds the next match, Escape closes the search).
"""
from __future__ import annotations

import os
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, TabbedContent, TabPane

from lumen_tui.messages import EventChosen
from lumen_tui.model import OUTPUT_LIMIT
from lumen_tui.trace_data import BrowsedTrace, TraceTimeline
from lumen_tui.widgets.call_stack import CallStackView
from lumen_tui.widgets.event_detail import EventDetail
from lumen_tui.widgets.event_list import PAGE_EVENTS, EventList
from lumen_tui.widgets.line_log import LineLog
from lumen_tui.widgets.run_header import RunHeader
from lumen_tui.widgets.status_bar import StatusBar
from lumen_tui.widgets.tools_table import ToolsTable

_SCRUB_ACTIONS = frozenset({"move", "move_to"})


class TraceBrowserScreen(Screen):
    """Scrub through a recorded run."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-1)", "Previous", priority=True),
        Binding("right", "move(1)", "Next", priority=True),
        Binding("home", "move_to(0)", "First", priority=True),
        Binding("end", "move_to(-1)", "Last", priority=True),
        Binding("pageup", f"move(-{PAGE_EVENTS})", "-20", priority=True),
        Binding("pagedown", f"move({PAGE_EVENTS})", "+20", priority=True),
        Binding("slash", "search", "Search"),
        Binding("escape", "close_search", "Close search", show=False),
    ]

    def __init__(self, trace: BrowsedTrace, *, display_path: str, cursor_blink: bool = True) -> None:
        super().__init__()
        self.trace = trace
        self.display_path = display_path
        self.timeline = TraceTimeline(trace.records)
        self.selected = 0
        self._cursor_blink = cursor_blink

    def compose(self) -> ComposeResult:
        yield RunHeader(id="header")
        with Horizontal(id="upper"):
            yield EventList(self.trace.records, id="events")
            with Vertical(id="side"):
                yield CallStackView(id="stack")
                yield EventDetail(id="detail")
        with TabbedContent(id="tabs"):
            with TabPane("Output", id="tab-output"):
                yield LineLog(id="output", max_lines=OUTPUT_LIMIT)
            with TabPane("Tools", id="tab-tools"):
                yield ToolsTable(id="tools")
        search = Input(placeholder="search: event kind or tool id, Enter finds the next, Escape closes", id="search")
        search.cursor_blink = self._cursor_blink
        yield search
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        """Show the verdict and the first event."""
        self.query_one("#events", EventList).border_title = "Events"
        self.query_one("#stack", CallStackView).border_title = "Call stack"
        self.query_one("#detail", EventDetail).border_title = "Event"
        verdict = self.trace.verdict()
        source = self.trace.source
        detail = f"program {os.path.basename(source)}" if source else "trace"
        self.query_one("#header", RunHeader).show(self.display_path, detail, verdict,
                                                  "verified" if self.trace.verified else "broken")
        self.query_one("#search", Input).display = False
        self.query_one("#events", EventList).focus()
        self.select(0)

    # -- keys -----------------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the search field has focus, the arrow and paging keys edit the search text."""
        if action in _SCRUB_ACTIONS and self.query_one("#search", Input).has_focus:
            return False
        return True

    def action_move(self, delta: int) -> None:
        """Select the event `delta` positions away."""
        self.select(self.selected + delta)

    def action_move_to(self, index: int) -> None:
        """Select event `index` (-1: the last one)."""
        self.select(len(self.timeline) - 1 if index < 0 else index)

    def action_search(self) -> None:
        """Open the search field."""
        search = self.query_one("#search", Input)
        search.display = True
        search.focus()

    def action_close_search(self) -> None:
        """Close the search field."""
        search = self.query_one("#search", Input)
        if search.display:
            search.display = False
            self.query_one("#events", EventList).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Select the next event matching the search text."""
        event.stop()
        found = self.timeline.find(event.value, self.selected)
        if found is None:
            self.notify(f"no event matches '{event.value.strip()}'", severity="warning")
            return
        self.select(found)

    def on_event_chosen(self, message: EventChosen) -> None:
        """The event list's cursor moved."""
        self.select(message.index)

    # -- state at the selected event --------------------------------------------------------------------------------

    def select(self, index: int) -> None:
        """Show the state at event `index` (clamped)."""
        count = len(self.timeline)
        index = max(0, min(index, count - 1)) if count else 0
        self.selected = index
        events = self.query_one("#events", EventList)
        events.set_cursor(index)
        record = self.trace.records[index] if count else None
        model = self.timeline.state_at(index) if count else None
        with self.app.batch_update():
            self.query_one("#detail", EventDetail).show_event(record)
            stack = list(reversed(model.stack)) if model else []
            if model and model.error_stack:
                stack = [f"{frame.cell}  {os.path.basename(frame.file)}:{frame.line}" for frame in model.error_stack]
            self.query_one("#stack", CallStackView).show_frames(stack)
            output = self.query_one("#output", LineLog)
            output.clear()
            if model:
                output.write_items(model.output)
            self.query_one("#tools", ToolsTable).show_tools(model.tools if model else [])
            position = f"event {index + 1} of {count}" if count else "no events"
            self.query_one("#status", StatusBar).show_text(f" {position}  │  {self.trace.verdict()}")
