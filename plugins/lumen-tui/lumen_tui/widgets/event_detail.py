"""The trace browser's event panel: the selected event's seq, kind, body fields and meta."""
from __future__ import annotations

from typing import Any, Optional

from rich.text import Text
from textual.widgets import Static

from lumen_tui.model import compact_json


class EventDetail(Static):
    """Fields of one event, one per line."""

    def show_event(self, record: Optional[Any]) -> None:
        """Show `record` (a trace record), or nothing."""
        text = Text()
        if record is None:
            self.update(text)
            return
        text.append(f"seq {record.seq}  {record.kind}\n", "bold")
        body = record.body if isinstance(record.body, dict) else {"body": record.body}
        for key in sorted(body):
            text.append(f"{key}: ", "bold")
            text.append(compact_json(body[key]) + "\n")
        meta = record.meta if isinstance(record.meta, dict) else {}
        for key in sorted(meta):
            text.append(f"meta.{key}: ", "dim")
            text.append(compact_json(meta[key]) + "\n", "dim")
        self.update(text)
