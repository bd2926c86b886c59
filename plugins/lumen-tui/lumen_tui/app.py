"""The `lumen tui` Textual application: the live dashboard for a program, or the browser for a trace."""
from __future__ import annotations

import time
from typing import Callable, ClassVar, Iterable, Optional

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from lumen_tui.panels import PanelSpec
from lumen_tui.screens.dashboard import DashboardScreen
from lumen_tui.screens.trace_browser import TraceBrowserScreen
from lumen_tui.session import ProgramSession
from lumen_tui.trace_data import BrowsedTrace


class LumenTuiApp(App):
    """Shows a program's execution live (`session`) or a recorded trace (`trace`).

    `clock` (default `time.monotonic`) times runs; tests freeze it. `cursor_blink` applies to text fields.
    """

    CSS_PATH = "lumen_tui.tcss"
    TITLE = "lumen tui"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit")]

    def __init__(self, *, session: Optional[ProgramSession] = None, trace: Optional[BrowsedTrace] = None,
                 display_path: str, panels: Iterable[PanelSpec] = (), clock: Callable[[], float] = time.monotonic,
                 cursor_blink: bool = True) -> None:
        if (session is None) == (trace is None):
            raise ValueError("LumenTuiApp needs exactly one of session and trace")
        super().__init__()
        self.session = session
        self.trace = trace
        self.display_path = display_path
        self.panels = list(panels)
        self.clock = clock
        self.cursor_blink = cursor_blink

    def get_default_screen(self) -> Screen:
        """The dashboard for a program, the browser for a trace."""
        if self.session is not None:
            return DashboardScreen(self.session, display_path=self.display_path, panels=self.panels,
                                   clock=self.clock)
        assert self.trace is not None
        return TraceBrowserScreen(self.trace, display_path=self.display_path, cursor_blink=self.cursor_blink)
