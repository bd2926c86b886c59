"""What ``lumen_runtime_listener`` receives and returns (TOOLING.md §1.3, §4.1)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

#: Values of :attr:`RunInfo.mode`.
RUN_MODES = ("run", "test", "tui", "replay")


@dataclass(frozen=True)
class RunInfo:
    """A program about to start: its ``source`` file, entry ``cell``, ``mode``, whether it is ``traced`` and the
    ``run_id`` (the trace's run id when traced)."""

    source: Path
    cell: str
    mode: str
    traced: bool
    run_id: str


@runtime_checkable
class RuntimeListener(Protocol):
    """Receives a program's runtime events synchronously on the Lumen thread.

    ``wants_lines`` asks for ``line`` events too (the engine then compiles line probes). ``on_event`` is called once
    per event in seq order, ``close`` once with the run's outcome. A listener that raises is detached with a warning.
    """

    wants_lines: bool

    def on_event(self, event: Any) -> None:
        """Handle one runtime event (``seq``, ``kind``, ``body``, ``meta``)."""
        ...

    def close(self, outcome: Any) -> None:
        """The run ended with ``outcome``."""
        ...
