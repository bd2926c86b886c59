"""Helpers for trace tests: write real traces through the event bus and the trace writer."""
from __future__ import annotations

from pathlib import Path

import pytest

from lumen_kernel.runtime.events import EventBus
from lumen_kernel.trace.store import TraceWriter

APPENDIX_B_EVENTS = [
    ("run_start", {"cell": "main", "args": {}, "doc_hash": "sha256:doc", "imports": [], "fuel": None}),
    ("call_enter", {"cell": "main", "depth": 1}),
    ("emit", {"text": "hello"}),
    ("call_exit", {"cell": "main", "depth": 1, "result_type": "Int"}),
    ("run_end", {"status": "ok", "result_type": "Int", "result": "42"}),
]
APPENDIX_B_HEAD = "sha256:e0a6989b91b79f63c55ce75550ddf169433a20fce0d64a439e28253f422a5f99"


def write_trace(directory: Path, events=APPENDIX_B_EVENTS, run_id: str | None = None,
                start_meta: dict | None = None) -> TraceWriter:
    """Run `events` through an EventBus into a TraceWriter; return the closed writer."""
    writer = TraceWriter(directory, run_id)
    bus = EventBus([writer])
    for kind, body in events:
        meta = dict(start_meta or {}) if kind == "run_start" else None
        bus.emit(kind, body, meta)
    bus.close("ok")
    return writer


@pytest.fixture
def appendix_b_trace(tmp_path) -> Path:
    return write_trace(tmp_path / "traces").path


@pytest.fixture
def trace_kit():
    """The helpers above, for test modules (with --import-mode=importlib they cannot import conftest)."""
    class Kit:
        events = APPENDIX_B_EVENTS
        head = APPENDIX_B_HEAD
        write = staticmethod(write_trace)

    return Kit
