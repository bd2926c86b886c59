"""The Diagnostics tab: check and lint results; Enter or a click moves the source cursor to one."""
from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import OptionList

from lumen_tui.messages import JumpToSource
from lumen_tui.session import diagnostic_location


class DiagnosticsList(OptionList):
    """One row per diagnostic: `file:line:col severity[code]: message`."""

    def __init__(self, diagnostics: list[Any], *, id: str | None = None) -> None:
        super().__init__(*[diagnostic_row(d) for d in diagnostics], id=id)
        self.diagnostics = diagnostics

    def on_mount(self) -> None:
        """Highlight the first error (else the first row)."""
        errors = [i for i, d in enumerate(self.diagnostics) if getattr(d, "is_error", False)]
        if self.diagnostics:
            self.highlighted = errors[0] if errors else 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Jump to the chosen diagnostic's position."""
        event.stop()
        location = diagnostic_location(self.diagnostics[event.option_index])
        if location is not None:
            self.post_message(JumpToSource(location[0], location[1]))


def diagnostic_row(diagnostic: Any) -> Text:
    """A diagnostic as one styled row."""
    location = diagnostic_location(diagnostic)
    where = f"{location[0]}:{location[1]}:{location[2]}" if location else "-"
    severity = getattr(diagnostic, "severity", "error")
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{where} ")
    text.append(f"{severity}[{diagnostic.code}]", "bold red" if severity == "error" else "bold yellow")
    text.append(f": {diagnostic.message}")
    return text
