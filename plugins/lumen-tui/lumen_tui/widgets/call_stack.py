"""The call stack panel: one row per frame, innermost first; moving the highlight selects a frame."""
from __future__ import annotations

from textual.widgets import OptionList

from lumen_tui.messages import FrameSelected


class CallStackView(OptionList):
    """Frames as text rows, innermost first; highlighting a row posts `FrameSelected`."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[str] = []

    def show_frames(self, rows: list[str]) -> None:
        """Replace the rows (kept when they did not change) and highlight the innermost frame."""
        if rows != self._rows:
            self._rows = list(rows)
            self.clear_options()
            self.add_options(rows)
        if rows:
            self.highlighted = 0

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Report the selected frame to the screen."""
        event.stop()
        self.post_message(FrameSelected(event.option_index))
