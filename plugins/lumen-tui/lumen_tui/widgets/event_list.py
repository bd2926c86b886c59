"""The trace browser's event list: one row per event (seq, kind, summary), the cursor is the selected event."""
from __future__ import annotations

from typing import ClassVar

from rich.text import Text

from lumen_kernel.trace.reader import TraceRecord

from lumen_tui.messages import EventChosen
from lumen_tui.model import summarize
from lumen_tui.widgets.cursor_list import CursorList

#: Events moved by pageup/pagedown (TOOLING.md §7.3).
PAGE_EVENTS = 20


class EventList(CursorList):
    """All events of a trace; moving the cursor posts `EventChosen`."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"cursor-list--cursor", "event-list--seq", "event-list--kind"}
    PAGE: ClassVar[int | None] = PAGE_EVENTS

    def __init__(self, records: list[TraceRecord], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.records = records

    def row_count(self) -> int:
        return len(self.records)

    def row_text(self, index: int, width: int) -> Text:
        record = self.records[index]
        body = record.body if isinstance(record.body, dict) else {}
        text = Text(no_wrap=True)
        text.append(f"{record.seq:>6} ", self.get_component_rich_style("event-list--seq"))
        text.append(f"{record.kind:<15} ", self.get_component_rich_style("event-list--kind"))
        text.append(summarize(record.kind, body))
        return text

    def cursor_moved(self, index: int) -> None:
        self.post_message(EventChosen(index))
