"""Reading trace files and resolving `lumen trace` arguments (TOOLING.md §2.10, §4.2)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lumen_kernel.trace.store import TRACE_SUFFIX

FIELDS = ("seq", "kind", "body", "prev_hash", "hash", "meta")


class TraceError(Exception):
    """A trace cannot be found or read; `problem` is the text after `error: <file>: ` (or after `error: `)."""

    def __init__(self, problem: str, path: Path | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.path = path

    def render(self) -> str:
        """`<file>: <problem>`, or just the problem when no file is concerned."""
        return f"{self.path}: {self.problem}" if self.path is not None else self.problem


@dataclass(frozen=True)
class TraceRecord:
    """One line of a trace file."""

    line: int
    seq: int
    kind: str
    body: Any
    prev_hash: str
    hash: str
    meta: dict


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_line(text: str, line: int) -> TraceRecord:
    """Parse one trace line; raise TraceError (`line L: invalid JSON: …`, `line L: missing field 'f'`)."""
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        raise TraceError(f"line {line}: invalid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise TraceError(f"line {line}: invalid JSON: expected an object, found {type(data).__name__}")
    for name in FIELDS:
        if name not in data:
            raise TraceError(f"line {line}: missing field '{name}'")
    seq, kind, prev_hash, hash_, meta = (data[name] for name in ("seq", "kind", "prev_hash", "hash", "meta"))
    if isinstance(seq, bool) or not isinstance(seq, int):
        raise TraceError(f"line {line}: invalid field 'seq': expected an integer")
    for name, value in (("kind", kind), ("prev_hash", prev_hash), ("hash", hash_)):
        if not isinstance(value, str):
            raise TraceError(f"line {line}: invalid field '{name}': expected a string")
    if not isinstance(meta, dict):
        raise TraceError(f"line {line}: invalid field 'meta': expected an object")
    return TraceRecord(line, seq, kind, data["body"], prev_hash, hash_, meta)


def split_lines(data: bytes) -> list[str]:
    """The file's lines (LF-separated; a final newline ends the last line). Raises TraceError for non-UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TraceError(f"line {line}: invalid JSON: not valid UTF-8") from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def read_bytes(path: Path) -> bytes:
    """Read a trace file; raise TraceError naming it when that fails."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise TraceError("no such file", path) from None
    except OSError as exc:
        raise TraceError(f"cannot read file: {exc.strerror or exc}", path) from None


def load_trace(path: Path | str) -> list[TraceRecord]:
    """Parse every line of a trace (no chain verification; see `verify.verify_trace`)."""
    path = Path(path)
    try:
        return [parse_line(text, number) for number, text in enumerate(split_lines(read_bytes(path)), start=1)]
    except TraceError as error:
        error.path = error.path or path
        raise


def first_record(path: Path) -> TraceRecord | None:
    """The first line of a trace, or None if it is missing or unreadable."""
    try:
        with open(path, "rb") as handle:
            first = handle.readline()
        return parse_line(first.decode("utf-8").rstrip("\n"), 1) if first.strip() else None
    except (OSError, UnicodeDecodeError, TraceError):
        return None


def resolve_trace(spec: str, trace_dir: Path) -> Path:
    """The file a `TRACE` argument names: an existing path, a run id in `trace_dir`, or `latest` (the trace whose
    `run_start` has the greatest `meta.ts`)."""
    if spec == "latest":
        return latest_trace(trace_dir)
    candidate = Path(spec)
    if candidate.is_file():
        return candidate
    by_id = trace_dir / f"{spec}{TRACE_SUFFIX}"
    if by_id.is_file():
        return by_id
    if spec.endswith(TRACE_SUFFIX) or "/" in spec or "\\" in spec:
        raise TraceError("no such file", candidate)
    raise TraceError(f"no trace '{spec}' (not a file, nor a run id in {trace_dir})")


def latest_trace(trace_dir: Path) -> Path:
    """The trace in `trace_dir` whose `run_start` has the greatest `meta.ts`."""
    best: tuple[str, str] | None = None
    best_path: Path | None = None
    if trace_dir.is_dir():
        for path in sorted(trace_dir.glob(f"*{TRACE_SUFFIX}")):
            record = first_record(path)
            if record is None or record.kind != "run_start":
                continue
            stamp = record.meta.get("ts")
            key = (stamp if isinstance(stamp, str) else "", path.name)
            if best is None or key > best:
                best, best_path = key, path
    if best_path is None:
        raise TraceError(f"no traces in {trace_dir}")
    return best_path
