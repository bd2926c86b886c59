"""The status bar: fuel used and limit, steps, elapsed time, events not displayed."""
from __future__ import annotations

from typing import Optional

from rich.text import Text
from textual.widgets import Static


class StatusBar(Static):
    """One line of run figures."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text: Optional[str] = None

    def show_figures(self, *, fuel_used: Optional[int], fuel_limit: Optional[int], steps: int, elapsed: float,
                     not_displayed: int) -> None:
        """Update the figures (no redraw when the text did not change)."""
        if fuel_limit is None:
            fuel = "fuel unlimited"
        else:
            fuel = f"fuel {fuel_used if fuel_used is not None else 0:,}/{fuel_limit:,}"
        self.show_text(f" {fuel}  │  steps {steps:,}  │  elapsed {elapsed:.1f}s  │  "
                       f"events not displayed {not_displayed:,}")

    def show_text(self, text: str) -> None:
        """Show any text (no redraw when it did not change)."""
        if text != self._text:
            self._text = text
            self.update(Text(text, no_wrap=True, overflow="ellipsis"), layout=False)
