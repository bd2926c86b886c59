"""A trace opened for browsing (TOOLING.md §7.3): its records, its verification verdict and its state at each event.

`open_trace(path)` reads every line it can parse (stopping at the first unparsable one) and verifies the whole file
with the kernel's verifier: the header then says `verified`, or `broken at seq N` with the problem. `TraceTimeline`
rebuilds the state at any event (stack, output, tool calls) from the events up to it, keeping a checkpoint every 256
events so scrubbing never replays the whole trace.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from lumen_kernel.trace.reader import TraceError, TraceRecord, parse_line, read_bytes, split_lines
from lumen_kernel.trace.verify import verify_lines

from lumen_tui.model import ExecutionModel

CHECKPOINT_EVERY = 256
_AT_NUMBER = re.compile(r"^(?:line|seq) (\d+):")


@dataclass(frozen=True)
class BrowsedTrace:
    """A trace file's parsable records and its verification verdict (`problem` None when verified)."""

    path: Path
    records: list[TraceRecord]
    problem: Optional[str] = None
    broken_at: Optional[int] = None

    @property
    def verified(self) -> bool:
        return self.problem is None

    def verdict(self) -> str:
        """`verified`, or `broken at seq N: <problem>`."""
        if self.problem is None:
            return "verified"
        if self.broken_at is None:
            return f"broken: {self.problem}"
        return f"broken at seq {self.broken_at}: {self.problem}"

    @property
    def source(self) -> Optional[str]:
        """The program's source path recorded in `run_start`, if any."""
        if self.records and self.records[0].kind == "run_start":
            source = self.records[0].meta.get("source")
            return source if isinstance(source, str) else None
        return None


def open_trace(path: str | Path) -> BrowsedTrace:
    """Read and verify a trace; raise `TraceError` only when the file cannot be read at all."""
    path = Path(path)
    data = read_bytes(path)
    try:
        lines = split_lines(data)
    except TraceError as error:
        return BrowsedTrace(path, [], error.problem, _broken_at(error.problem, 0))
    records: list[TraceRecord] = []
    for number, text in enumerate(lines, start=1):
        try:
            records.append(parse_line(text, number))
        except TraceError:
            break
    try:
        verify_lines(lines)
    except TraceError as error:
        return BrowsedTrace(path, records, error.problem, _broken_at(error.problem, len(records)))
    return BrowsedTrace(path, records)


def _broken_at(problem: str, record_count: int) -> Optional[int]:
    """The seq a verification problem points at."""
    match = _AT_NUMBER.match(problem)
    if match:
        return int(match.group(1))
    if problem in ("trace is empty", "trace does not start with run_start"):
        return 1
    if problem.startswith("trace does not end with run_end"):
        return record_count + 1
    return None


class TraceTimeline:
    """The execution state after each event of a trace."""

    def __init__(self, records: list[TraceRecord]) -> None:
        self.records = records
        self._checkpoints: list[int] = [-1]
        self._states: list[ExecutionModel] = [ExecutionModel()]

    def __len__(self) -> int:
        return len(self.records)

    def state_at(self, index: int) -> ExecutionModel:
        """The model after applying records `0..index` (an empty model for index -1)."""
        index = max(-1, min(index, len(self.records) - 1))
        position = bisect_right(self._checkpoints, index) - 1
        start = self._checkpoints[position]
        model = self._states[position].copy()
        next_index = start + 1
        while next_index <= index:
            model.apply([self.records[next_index]])
            if (next_index + 1) % CHECKPOINT_EVERY == 0 and next_index > self._checkpoints[-1]:
                self._checkpoints.append(next_index)
                self._states.append(model.copy())
            next_index += 1
        return model

    def find(self, query: str, start: int) -> Optional[int]:
        """The next event after `start` (wrapping around) whose kind or tool id contains `query`, or None."""
        needle = query.strip().lower()
        if not needle or not self.records:
            return None
        count = len(self.records)
        for step in range(1, count + 1):
            index = (start + step) % count
            if _matches(self.records[index], needle):
                return index
        return None


def _matches(record: TraceRecord, needle: str) -> bool:
    if needle in record.kind.lower():
        return True
    body: Any = record.body
    return record.kind == "tool_call" and isinstance(body, dict) and needle in str(body.get("tool_id", "")).lower()
