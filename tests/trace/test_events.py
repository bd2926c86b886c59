"""The event bus: numbering, ordering around reserved tool calls, line events, failing listeners."""
from __future__ import annotations

import re
import threading

import pytest

from lumen_kernel.runtime.events import EventBus, ListenerFailed, RuntimeEvent, utc_timestamp


class Collector:
    def __init__(self, wants_lines: bool = False) -> None:
        self.wants_lines = wants_lines
        self.events: list[RuntimeEvent] = []
        self.closed_with = None

    def on_event(self, event: RuntimeEvent) -> None:
        self.events.append(event)

    def close(self, outcome) -> None:
        self.closed_with = outcome


class Broken(Collector):
    name = "broken-listener"

    def on_event(self, event: RuntimeEvent) -> None:
        raise RuntimeError("boom")


def kinds(listener: Collector) -> list[tuple[int, str]]:
    return [(event.seq, event.kind) for event in listener.events]


def test_inactive_without_listeners():
    bus = EventBus([])
    assert bus.active is False and bus.wants_lines is False
    assert bus.emit("run_start", {}) == 1
    bus.close("ok")


def test_events_are_numbered_and_stamped():
    listener = Collector()
    bus = EventBus([listener])
    assert bus.active and not bus.wants_lines
    assert bus.emit("run_start", {"cell": "main"}, {"run_id": "r"}) == 1
    assert bus.emit("emit", {"text": "hi"}) == 2
    assert kinds(listener) == [(1, "run_start"), (2, "emit")]
    assert listener.events[0].meta["run_id"] == "r"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", listener.events[0].meta["ts"])
    bus.close("done")
    assert listener.closed_with == "done"


def test_events_after_a_reservation_wait_for_it():
    listener = Collector()
    bus = EventBus([listener])
    bus.emit("run_start", {})
    seq = bus.reserve("tool_call")
    bus.emit("emit", {"text": "a"})
    bus.emit("emit", {"text": "b"})
    assert kinds(listener) == [(1, "run_start")]
    bus.fulfill(seq, {"index": 1}, {"latency_ms": 3.0})
    assert kinds(listener) == [(1, "run_start"), (2, "tool_call"), (3, "emit"), (4, "emit")]
    assert listener.events[1].meta["latency_ms"] == 3.0 and "ts" in listener.events[1].meta


def test_reservations_fulfilled_out_of_order():
    listener = Collector()
    bus = EventBus([listener])
    first, second = bus.reserve("tool_call"), bus.reserve("tool_call")
    bus.emit("emit", {})
    bus.fulfill(second, {"index": 2})
    assert listener.events == []
    bus.fulfill(first, {"index": 1})
    assert kinds(listener) == [(1, "tool_call"), (2, "tool_call"), (3, "emit")]
    with pytest.raises(ValueError):
        bus.fulfill(first, {})


def test_fulfill_from_another_thread():
    listener = Collector()
    bus = EventBus([listener])
    seq = bus.reserve("tool_call")
    bus.emit("emit", {"text": "after"})
    worker = threading.Thread(target=bus.fulfill, args=(seq, {"index": 1}))
    worker.start()
    worker.join(2)
    assert kinds(listener) == [(1, "tool_call"), (2, "emit")]


def test_many_threads_fulfilling_keep_seq_order():
    listener = Collector()
    bus = EventBus([listener])
    seqs = [bus.reserve("tool_call") for _ in range(50)]
    threads = [threading.Thread(target=bus.fulfill, args=(seq, {"index": seq})) for seq in reversed(seqs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    bus.emit("run_end", {})
    assert [event.seq for event in listener.events] == list(range(1, 52))


def test_line_events_take_no_seq_and_reach_only_line_listeners():
    plain, stepping = Collector(), Collector(wants_lines=True)
    bus = EventBus([plain, stepping])
    assert bus.wants_lines
    bus.emit("run_start", {})
    assert bus.emit("line", {"cell": "main", "line": 3}) == 1
    assert bus.emit("emit", {"text": "x"}) == 2
    assert kinds(plain) == [(1, "run_start"), (2, "emit")]
    assert kinds(stepping) == [(1, "run_start"), (1, "line"), (2, "emit")]


def test_line_events_are_delivered_while_a_tool_call_is_pending():
    stepping = Collector(wants_lines=True)
    bus = EventBus([stepping])
    seq = bus.reserve("tool_call")
    bus.emit("line", {"cell": "main", "line": 4})
    assert kinds(stepping) == [(1, "line")]  # "after event 1" (the reservation)
    bus.fulfill(seq, {})
    assert kinds(stepping) == [(1, "line"), (1, "tool_call")]


def test_failing_listener_is_detached_with_one_warning():
    warnings: list[str] = []
    good, bad = Collector(), Broken()
    bus = EventBus([bad, good], warn=warnings.append, strict=False)
    bus.emit("run_start", {})
    bus.emit("emit", {})
    bus.close("ok")
    assert warnings == ["warning: runtime listener 'broken-listener' failed and was detached: RuntimeError: boom"]
    assert kinds(good) == [(1, "run_start"), (2, "emit")]
    assert bad.closed_with is None


def test_failing_listener_in_strict_mode_fails_the_run():
    bus = EventBus([Broken()], warn=lambda message: None, strict=True)
    with pytest.raises(ListenerFailed, match="broken-listener"):
        bus.emit("run_start", {})


def test_close_reports_unfulfilled_reservations_after_closing_listeners():
    listener = Collector()
    bus = EventBus([listener])
    bus.reserve("tool_call")
    with pytest.raises(RuntimeError, match="unfulfilled"):
        bus.close("ok")
    assert listener.closed_with == "ok"


def test_utc_timestamp_format():
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", utc_timestamp())


def test_fulfill_never_waits_for_a_paused_listener():
    """A debugger paused inside a line event must not block the dispatcher thread that completes a tool call."""
    release, paused = threading.Event(), threading.Event()

    class Paused(Collector):
        def on_event(self, event: RuntimeEvent) -> None:
            super().on_event(event)
            if event.kind == "line":
                paused.set()
                release.wait(5)

    listener = Paused(wants_lines=True)
    bus = EventBus([listener])
    seq = bus.reserve("tool_call")
    stepping = threading.Thread(target=bus.emit, args=("line", {"cell": "main", "line": 1}))
    stepping.start()
    assert paused.wait(2)
    fulfiller = threading.Thread(target=bus.fulfill, args=(seq, {"index": 1}))
    fulfiller.start()
    fulfiller.join(1)
    assert not fulfiller.is_alive()
    assert kinds(listener) == [(1, "line")]
    release.set()
    stepping.join(2)
    assert kinds(listener) == [(1, "line"), (1, "tool_call")]
