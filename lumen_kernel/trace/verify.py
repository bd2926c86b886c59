"""Trace verification: the chain, the numbering and the framing events (TOOLING.md §4.3)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lumen_kernel.trace.cjson import GENESIS_HASH, event_hash
from lumen_kernel.trace.reader import TraceError, TraceRecord, parse_line, read_bytes, split_lines


@dataclass(frozen=True)
class VerifiedTrace:
    """A trace that verified: its records, event count and head hash."""

    path: Path
    records: list[TraceRecord]

    @property
    def count(self) -> int:
        return len(self.records)

    @property
    def head(self) -> str:
        return self.records[-1].hash


def verify_trace(path: Path | str) -> VerifiedTrace:
    """Verify a trace file, stopping at the first problem (raised as TraceError with the file set).

    Only `seq`, `kind`, `prev_hash` and `body` are hashed, so edits of `meta` (timestamps, latencies) pass.
    """
    path = Path(path)
    try:
        return VerifiedTrace(path, verify_lines(split_lines(read_bytes(path))))
    except TraceError as error:
        error.path = error.path or path
        raise


def verify_lines(lines: list[str]) -> list[TraceRecord]:
    """Verify the lines of a trace; return its records or raise TraceError."""
    if not lines:
        raise TraceError("trace is empty")
    records: list[TraceRecord] = []
    previous = GENESIS_HASH
    for number, text in enumerate(lines, start=1):
        record = parse_line(text, number)
        if record.seq != number:
            raise TraceError(f"line {number}: expected seq {number}, found {record.seq}")
        if record.prev_hash != previous:
            raise TraceError(f"seq {number}: prev_hash does not match the hash of seq {number - 1}")
        try:
            recomputed = event_hash(record.seq, record.kind, record.prev_hash, record.body)
        except (TypeError, ValueError):
            recomputed = None
        if record.hash != recomputed:
            raise TraceError(f"seq {number}: hash mismatch")
        if number == 1 and record.kind != "run_start":
            raise TraceError("trace does not start with run_start")
        if number > 1 and record.kind == "run_start":
            raise TraceError(f"seq {number}: run_start after the first event")
        if records and records[-1].kind == "run_end":
            raise TraceError(f"seq {number}: event after run_end")
        records.append(record)
        previous = record.hash
    if records[-1].kind != "run_end":
        raise TraceError("trace does not end with run_end (incomplete or truncated)")
    return records
