"""The Tools tab: one row per tool call (index, tool id, arguments, status, latency)."""
from __future__ import annotations

from typing import Iterable

from textual.widgets import DataTable

from lumen_tui.model import ToolRow


class ToolsTable(DataTable):
    """Tool calls in issue order."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        """Create the columns."""
        for label in ("#", "Tool", "Arguments", "Status", "Latency"):
            self.add_column(label, key=label)

    def add_tools(self, rows: Iterable[ToolRow]) -> None:
        """Append tool calls."""
        self.add_rows([(str(r.index), r.tool_id, r.arguments, r.status, r.latency) for r in rows])

    def show_tools(self, rows: Iterable[ToolRow]) -> None:
        """Replace every row."""
        self.clear()
        self.add_tools(rows)
