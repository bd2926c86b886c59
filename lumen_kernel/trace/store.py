"""The trace store: a runtime listener writing a run's events as a hash-chained JSON Lines file (TOOLING.md §4.2)."""
from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import IO, Any

from lumen_kernel.trace.cjson import GENESIS_HASH, cjson, event_hash, event_hash_of_canonical

TRACE_SUFFIX = ".jsonl"


def new_run_id() -> str:
    """A fresh run id (random UUID4)."""
    return str(uuid.uuid4())


def default_trace_dir(project_root: Path | None) -> Path:
    """`<project root or cwd>/.lumen/traces`."""
    return (project_root or Path.cwd()) / ".lumen" / "traces"


def trace_line(seq: int, kind: str, body: Any, prev_hash: str, hash_: str, meta: dict) -> str:
    """One trace line (without its newline): the six keys, compact, non-ASCII kept. (`TraceWriter` assembles the same
    shape with the body in canonical key order.)"""
    return json.dumps({"seq": seq, "kind": kind, "body": body, "prev_hash": prev_hash, "hash": hash_, "meta": meta},
                      ensure_ascii=False, separators=(",", ":"), allow_nan=False)


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _compact(value: Any) -> str:
    return _COMPACT.encode(value)


def _lumen_version() -> str:
    from lumen_kernel import __version__

    return __version__


class TraceWriter:
    """Runtime listener writing `<directory>/<run_id>.jsonl` with the hash chain.

    Writes every numbered event as it is delivered (the bus delivers in seq order); `line` events are never
    written. `run_start` meta gets `run_id` and `lumen_version` when the engine did not set them. After `close`, `path`, `count` and
    `head` (hash of the last event: the run's final state hash) describe the file.
    """

    name = "lumen.core.trace"
    wants_lines = False

    def __init__(self, directory: Path | str, run_id: str | None = None) -> None:
        self.run_id = run_id or new_run_id()
        self.directory = Path(directory)
        self.path = self.directory / f"{self.run_id}{TRACE_SUFFIX}"
        self.count = 0
        self.head = GENESIS_HASH
        self._file: IO[str] | None = None

    def on_event(self, event: Any) -> None:
        """Chain and append one event."""
        if event.kind == "line":
            return
        expected = self.count + 1
        if event.seq != expected:
            raise ValueError(f"trace writer expected seq {expected}, got {event.seq}")
        meta = dict(event.meta)
        if event.kind == "run_start":
            meta.setdefault("run_id", self.run_id)
            meta.setdefault("lumen_version", _lumen_version())
        body = cjson(event.body)
        digest = event_hash_of_canonical(event.seq, event.kind, self.head, body)
        line = (f'{{"seq":{event.seq},"kind":{_compact(event.kind)},"body":{body.decode()},'
                f'"prev_hash":"{self.head}","hash":"{digest}","meta":{_compact(meta)}}}')
        if self._file is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "w", encoding="utf-8", newline="\n")
        self._file.write(line + "\n")
        self.count, self.head = event.seq, digest

    def close(self, outcome: Any = None) -> None:
        """Flush and close the file."""
        if self._file is not None:
            self._file.close()
            self._file = None


def write_rechained(path: Path | str, events: list[tuple[str, Any, dict]]) -> str:
    """Write `(kind, body, meta)` events as a trace file with a fresh, valid chain; return the head.

    For tests and tools that build or deliberately alter traces (an edited event then verifies, but the head and
    every later hash change, so replay still reports where it differs)."""
    head = GENESIS_HASH
    lines = []
    for seq, (kind, body, meta) in enumerate(events, start=1):
        digest = event_hash(seq, kind, head, body)
        lines.append(trace_line(seq, kind, body, head, digest, dict(meta)))
        head = digest
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("".join(line + "\n" for line in lines), encoding="utf-8", newline="\n")
    return head
