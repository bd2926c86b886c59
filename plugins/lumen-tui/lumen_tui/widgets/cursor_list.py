"""A scrolling list of rows with a cursor, drawn line by line (Textual's line API), for long sources and traces."""
from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


class CursorList(ScrollView, can_focus=True):
    """Rows `0..row_count()-1` drawn by `render_row`, a cursor row moved by keys and clicks.

    Subclasses implement `row_count` and `row_text`, and may override `cursor_moved`. Only the visible rows are
    drawn, so a list of a million rows costs nothing until it is scrolled to.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_by(-1)", "Up", show=False),
        Binding("down", "cursor_by(1)", "Down", show=False),
        Binding("pageup", "cursor_page(-1)", "Page up", show=False),
        Binding("pagedown", "cursor_page(1)", "Page down", show=False),
        Binding("home", "cursor_to(0)", "First", show=False),
        Binding("end", "cursor_to(-1)", "Last", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {"cursor-list--cursor"}

    #: Rows moved by pageup/pagedown (None: the visible height).
    PAGE: ClassVar[int | None] = None

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.cursor = 0

    # -- for subclasses -------------------------------------------------------------------------------------------

    def row_count(self) -> int:
        """Number of rows (every subclass overrides it)."""
        raise TypeError(f"{type(self).__name__} must override row_count()")

    def row_text(self, index: int, width: int) -> Text:
        """Row `index` as styled text, cut or padded to `width` by the caller (every subclass overrides it)."""
        raise TypeError(f"{type(self).__name__} must override row_text()")

    def cursor_moved(self, index: int) -> None:
        """The cursor moved to `index` by a key or a click."""

    # -- model changes --------------------------------------------------------------------------------------------

    def rows_changed(self) -> None:
        """Call after the rows changed: resizes the scrollable area and redraws."""
        self.virtual_size = Size(max(1, self.scrollable_content_region.width), self.row_count())
        self.cursor = max(0, min(self.cursor, self.row_count() - 1))
        self.refresh()

    def set_cursor(self, index: int, *, scroll: bool = True) -> None:
        """Put the cursor on row `index` (clamped) without reporting it; scroll it into view."""
        count = self.row_count()
        self.cursor = max(0, min(index, count - 1)) if count else 0
        if scroll:
            self.scroll_to_row(self.cursor)
        self.refresh()

    def scroll_to_row(self, index: int) -> None:
        """Scroll so row `index` is visible, a third from the top when it was outside the view."""
        height = self.scrollable_content_region.height
        top = round(self.scroll_y)
        if height <= 0:
            self.call_after_refresh(self.scroll_to_row, index)
            return
        if top <= index < top + height:
            return
        self.scroll_to(y=max(0, index - height // 3), animate=False, immediate=True)

    # -- actions and events ---------------------------------------------------------------------------------------

    def action_cursor_by(self, delta: int) -> None:
        """Move the cursor `delta` rows."""
        self._move_to(self.cursor + delta)

    def action_cursor_page(self, direction: int) -> None:
        """Move the cursor one page up or down."""
        page = self.PAGE if self.PAGE is not None else max(1, self.scrollable_content_region.height - 1)
        self._move_to(self.cursor + direction * page)

    def action_cursor_to(self, index: int) -> None:
        """Move the cursor to row `index` (-1: the last row)."""
        self._move_to(self.row_count() - 1 if index < 0 else index)

    def on_click(self, event: events.Click) -> None:
        """A click moves the cursor to the clicked row."""
        index = self.clicked_row(event)
        if index is not None:
            self._move_to(index)

    def clicked_row(self, event: events.MouseEvent) -> int | None:
        """The row under the mouse, or None (border, scrollbar, past the last row)."""
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        index = round(self.scroll_y) + offset.y
        return index if 0 <= index < self.row_count() else None

    def on_resize(self, event: events.Resize) -> None:
        """Keep the scrollable width equal to the visible width (rows are cut, not scrolled sideways)."""
        self.rows_changed()

    def _move_to(self, index: int) -> None:
        count = self.row_count()
        if not count:
            return
        index = max(0, min(index, count - 1))
        self.set_cursor(index)
        self.cursor_moved(index)

    # -- drawing --------------------------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """Draw visible line `y`."""
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = round(self.scroll_y) + y
        if index >= self.row_count() or width <= 0:
            return Strip.blank(max(width, 0), base)
        text = self.row_text(index, width)
        text.truncate(width, overflow="crop", pad=True)
        if index == self.cursor:
            text.stylize(self.cursor_style())
        segments = list(text.render(self.app.console))
        return Strip(segments, width).simplify().apply_style(base)

    def cursor_style(self) -> Style:
        """Style of the cursor row."""
        return self.get_component_rich_style("cursor-list--cursor")
