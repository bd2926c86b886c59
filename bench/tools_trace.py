"""Benchmark of the tool dispatcher, the event bus and the trace store.

Usage: .venv/bin/python bench/tools_trace.py [--calls N] [--events N]

Prints one table: per-call cost of direct tool calls (plain and coroutine providers, refused calls), throughput of
many calls in flight, event emission into a TraceWriter, and trace verification.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from lumen_kernel.runtime.events import EventBus
from lumen_kernel.tools.dispatch import Dispatcher, ToolRequest
from lumen_kernel.tools.spec import ToolSpec
from lumen_kernel.tools.table import ToolTable
from lumen_kernel.trace.store import TraceWriter
from lumen_kernel.trace.verify import verify_trace


def plain_echo(args: dict, context) -> dict:
    return args


async def async_echo(args: dict, context) -> dict:
    return args


class BenchProvider:
    name = "bench"
    version = "1"

    def tools(self) -> list[ToolSpec]:
        schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "additionalProperties": False}
        return [ToolSpec("b.plain", "", schema, schema, (), ("n",), plain_echo),
                ToolSpec("b.async", "", schema, schema, (), ("n",), async_echo)]


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def bench_calls(calls: int) -> list[tuple[str, int, float]]:
    rows = []
    dispatcher = Dispatcher(ToolTable([(BenchProvider(), {})]))
    try:
        dispatcher.call(ToolRequest("B", "b.plain", {"n": 0}))  # start the loop thread and a worker
        for tool in ("b.plain", "b.async"):
            seconds = timed(lambda: [dispatcher.call(ToolRequest("B", tool, {"n": i})) for i in range(calls)])
            rows.append((f"direct call, {'plain' if tool == 'b.plain' else 'coroutine'} provider", calls, seconds))
        seconds = timed(lambda: [dispatcher.call(ToolRequest("B", "b.plain", {"n": i}, {"n": -1}))
                                 for i in range(calls)])
        rows.append(("refused call (policy), no provider", calls, seconds))

        def in_flight(tool: str) -> None:
            pending = [dispatcher.submit(ToolRequest("B", tool, {"n": i})) for i in range(calls)]
            for call in pending:
                call.result()

        for tool in ("b.plain", "b.async"):
            rows.append((f"{calls} submitted then awaited, {tool}", calls, timed(lambda: in_flight(tool))))
    finally:
        dispatcher.close()
    return rows


class NullListener:
    wants_lines = False

    def on_event(self, event) -> None:
        pass

    def close(self, outcome) -> None:
        pass


def bench_events(events: int, directory: Path) -> tuple[list[tuple[str, int, float]], Path]:
    rows = []
    body = {"text": "hello world"}
    bus = EventBus([NullListener()])
    rows.append(("emit, one no-op listener", events, timed(lambda: [bus.emit("emit", body) for _ in range(events)])))
    writer = TraceWriter(directory)
    bus = EventBus([writer])

    def write() -> None:
        bus.emit("run_start", {"cell": "main", "args": {}, "doc_hash": "sha256:x", "imports": [], "fuel": None})
        for _ in range(events - 2):
            bus.emit("emit", body)
        bus.emit("run_end", {"status": "ok", "result_type": "Null", "result": None})
        bus.close("ok")

    rows.append(("emit into TraceWriter (hash chain + file)", events, timed(write)))
    rows.append(("trace verify", events, timed(lambda: verify_trace(writer.path))))
    return rows, writer.path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--events", type=int, default=100_000)
    options = parser.parse_args()
    rows = bench_calls(options.calls)
    with tempfile.TemporaryDirectory() as directory:
        event_rows, _ = bench_events(options.events, Path(directory))
    rows += event_rows
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"python {sys.version.split()[0]}")
    print()
    print(f"| {'scenario':<46} | {'n':>7} | {'total ms':>9} | {'us each':>8} |")
    print(f"|{'-' * 48}|{'-' * 9}|{'-' * 11}|{'-' * 10}|")
    for name, count, seconds in rows:
        print(f"| {name:<46} | {count:>7} | {seconds * 1000:>9.1f} | {seconds / count * 1e6:>8.1f} |")


if __name__ == "__main__":
    main()
