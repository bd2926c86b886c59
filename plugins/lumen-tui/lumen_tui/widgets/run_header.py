"""The dashboard header: file, entry cell and run state (or, for a trace, its file and verdict)."""
from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

#: Style of each run state's label.
STATE_STYLES = {
    "ready": "bold", "running": "bold green", "paused": "bold yellow", "finished": "bold cyan", "error": "bold red",
    "verified": "bold green", "broken": "bold red",
}


class RunHeader(Static):
    """`lumen tui · <file> · cell <name> · <state>`."""

    def show(self, file: str, detail: str, state: str, state_kind: str | None = None) -> None:
        """Update the header; `state_kind` picks the state's style (default: the state itself)."""
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" lumen tui  ", "bold")
        text.append(file)
        text.append(f"  ·  {detail}  ·  ")
        text.append(state, STATE_STYLES.get(state_kind or state, "bold"))
        self.update(text, layout=False)
