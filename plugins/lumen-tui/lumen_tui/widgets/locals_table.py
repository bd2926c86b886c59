"""The locals panel: name, type and display form of the selected frame's bindings."""
from __future__ import annotations

from typing import Iterable

from textual.widgets import DataTable

from lumen_kernel.runtime.debugger import Binding


class LocalsTable(DataTable):
    """A read-only table of bindings."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True, show_cursor=False)
        self._shown: tuple[Binding, ...] = ()

    def on_mount(self) -> None:
        """Create the columns."""
        self.add_column("Name", key="name")
        self.add_column("Type", key="type")
        self.add_column("Value", key="value")

    def show_bindings(self, bindings: Iterable[Binding]) -> None:
        """Replace the rows (no redraw when they did not change)."""
        bindings = tuple(bindings)
        if bindings == self._shown:
            return
        self._shown = bindings
        self.clear()
        self.add_rows([(b.name, b.type, b.display) for b in bindings])
