"""The REPL's input history, kept in `$LUMEN_REPL_HISTORY_PATH`, else `~/.lumen/repl_history` (TOOLING.md §2.9).

One input line per file line (the format GNU readline reads), appended as lines are entered; the file keeps the
last `HISTORY_LIMIT` lines.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Optional, TextIO

HISTORY_ENV = "LUMEN_REPL_HISTORY_PATH"
HISTORY_LIMIT = 1000


def history_path(environ: Mapping[str, str] = os.environ) -> Path:
    """`$LUMEN_REPL_HISTORY_PATH` when set (and not empty), else `~/.lumen/repl_history`."""
    configured = environ.get(HISTORY_ENV, "")
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".lumen" / "repl_history"


class History:
    """The lines of earlier sessions and of this one; `add` records a line in memory and in the file."""

    def __init__(self, path: Optional[Path], warn: Optional[TextIO] = None) -> None:
        self.path = path
        self.lines: list[str] = []
        self._warn = warn
        self._write_failed = False
        self._load()

    def add(self, line: str) -> None:
        """Record one entered line (blank lines are not recorded)."""
        if not line.strip():
            return
        self.lines.append(line)
        if self.path is None or self._write_failed:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8", newline="\n") as handle:
                handle.write(line + "\n")
        except OSError as error:
            self._write_failed = True
            if self._warn is not None:
                self._warn.write(f"warning: cannot write the REPL history to '{self.path}': "
                                 f"{error.strerror or error}\n")

    def numbered(self) -> list[str]:
        """`:history`: every line with its number."""
        return [f"{number:>4}  {line}" for number, line in enumerate(self.lines, start=1)]

    def _load(self) -> None:
        """Read the earlier lines, trimming the file to the last `HISTORY_LIMIT` lines."""
        if self.path is None or not self.path.is_file():
            return
        try:
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return
        if len(lines) > HISTORY_LIMIT:
            lines = lines[-HISTORY_LIMIT:]
            try:
                self.path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
            except OSError:
                pass
        self.lines = [line for line in lines if line.strip()]
