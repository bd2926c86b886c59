"""Messages the dashboard's widgets post to their screen."""
from __future__ import annotations

from textual.message import Message


class JumpToSource(Message):
    """Show `file` in the source panel with the cursor on `line` (a diagnostic or a frame was chosen)."""

    def __init__(self, file: str, line: int) -> None:
        super().__init__()
        self.file = file
        self.line = line


class FrameSelected(Message):
    """The call stack's selection moved to frame `index` (0 = innermost)."""

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index


class BreakpointToggled(Message):
    """The user clicked a line's gutter: toggle a breakpoint on `line` of `file`."""

    def __init__(self, file: str, line: int) -> None:
        super().__init__()
        self.file = file
        self.line = line


class EventChosen(Message):
    """The trace browser's selection moved to event `index` (0-based position in the trace)."""

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index
