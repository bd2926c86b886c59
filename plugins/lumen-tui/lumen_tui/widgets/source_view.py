"""The source panel: one file with line numbers, the execution line, breakpoint markers and a cursor line."""
from __future__ import annotations

from typing import ClassVar, Iterable, Optional

from rich.text import Text
from textual import events

from lumen_tui.messages import BreakpointToggled
from lumen_tui.widgets.cursor_list import CursorList

BREAKPOINT_MARK = "●"
EXECUTION_MARK = "▶"
#: Columns of the gutter before the line number: breakpoint mark, execution mark.
MARK_COLUMNS = 2


class SourceView(CursorList):
    """Shows `file`: `execution_line` highlighted (1-based, None for none), `breakpoints` marked, cursor line
    selectable with the keys and the mouse; a click on the marks column toggles a breakpoint."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "cursor-list--cursor", "source-view--gutter", "source-view--breakpoint", "source-view--execution",
    }

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.file = ""
        self.lines: list[str] = []
        self.execution_line: Optional[int] = None
        self.breakpoints: frozenset[int] = frozenset()

    @property
    def cursor_line(self) -> int:
        """The 1-based line under the cursor."""
        return self.cursor + 1

    def show_file(self, file: str, lines: list[str]) -> None:
        """Show another file (no effect when it is already shown)."""
        if file == self.file and lines == self.lines:
            return
        self.file = file
        self.lines = [line.expandtabs(4) for line in lines]
        self.execution_line = None
        self.rows_changed()

    def set_execution_line(self, line: Optional[int], *, follow: bool = True) -> None:
        """Highlight the line being executed (None: none); with `follow`, move the cursor there."""
        self.execution_line = line
        if line is not None and follow:
            self.set_cursor(line - 1)
        self.refresh()

    def set_breakpoints(self, lines: Iterable[int]) -> None:
        """Mark the breakpoints of the shown file."""
        self.breakpoints = frozenset(lines)
        self.refresh()

    def move_to_line(self, line: int) -> None:
        """Put the cursor on a 1-based line and scroll to it."""
        self.set_cursor(line - 1)

    def row_count(self) -> int:
        return len(self.lines)

    def row_text(self, index: int, width: int) -> Text:
        number = index + 1
        digits = len(str(len(self.lines)))
        text = Text(no_wrap=True)
        if number in self.breakpoints:
            text.append(BREAKPOINT_MARK, self.get_component_rich_style("source-view--breakpoint"))
        else:
            text.append(" ")
        text.append(EXECUTION_MARK if number == self.execution_line else " ")
        text.append(f"{number:>{digits}} ", self.get_component_rich_style("source-view--gutter"))
        text.append(self.lines[index])
        if number == self.execution_line:
            text.truncate(width, pad=True)
            text.stylize(self.get_component_rich_style("source-view--execution"), MARK_COLUMNS)
        return text

    def on_click(self, event: events.Click) -> None:
        """A click on the marks column toggles a breakpoint; elsewhere it moves the cursor."""
        index = self.clicked_row(event)
        offset = event.get_content_offset(self)
        if index is not None and offset is not None and offset.x < MARK_COLUMNS:
            event.stop()
            self.post_message(BreakpointToggled(self.file, index + 1))
            return
        super().on_click(event)
