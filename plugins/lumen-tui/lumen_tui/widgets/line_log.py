"""A bounded, append-only log that formats only the lines on screen (the Output and Trace tabs).

Appending costs a `deque.extend` however many lines arrive per tick; the text of a line is made (and cut to the
width) only when the line is drawn. The view follows new lines while it is scrolled to the end.
"""
from __future__ import annotations

import re
from collections import deque
from typing import Any, Callable, Iterable

from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


class LineLog(ScrollView, can_focus=True):
    """The last `max_lines` items, drawn with `render_item(item) -> str` (default: `str`)."""

    def __init__(self, *, max_lines: int, render_item: Callable[[Any], str] = str, id: str | None = None) -> None:
        super().__init__(id=id)
        self._items: deque[Any] = deque(maxlen=max_lines)
        self._render_item = render_item

    @property
    def lines(self) -> list[str]:
        """Every kept line as text."""
        return [self._render_item(item) for item in self._items]

    @property
    def line_count(self) -> int:
        return len(self._items)

    def write_items(self, items: Iterable[Any]) -> None:
        """Append items (the oldest beyond `max_lines` go); scroll to the end if the view was there."""
        follow = self.is_vertical_scroll_end or self.max_scroll_y == 0
        self._items.extend(items)
        self._resize()
        if follow:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.refresh()

    def clear(self) -> None:
        """Remove every line."""
        self._items.clear()
        self._resize()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        """Lines are cut to the visible width (no sideways scrolling)."""
        self._resize()

    def _resize(self) -> None:
        self.virtual_size = Size(max(1, self.scrollable_content_region.width), len(self._items))

    def render_line(self, y: int) -> Strip:
        """Draw visible line `y`."""
        width = self.scrollable_content_region.width
        style = self.rich_style
        index = round(self.scroll_y) + y
        if index >= len(self._items) or width <= 0:
            return Strip.blank(max(width, 0), style)
        line = _CONTROL.sub("\ufffd", self._render_item(self._items[index]).expandtabs(4))
        text = Text(line, no_wrap=True)
        text.truncate(width, overflow="crop", pad=True)
        return Strip(list(text.render(self.app.console)), width).apply_style(style)
