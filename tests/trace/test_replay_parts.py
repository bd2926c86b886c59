"""Replay building blocks (TOOLING.md §4.4), tested without the engine."""
from __future__ import annotations

import pytest

from lumen_kernel.runtime.errors import ToolCallError
from lumen_kernel.runtime.events import EventBus
from lumen_kernel.tools.dispatch import ToolRequest
from lumen_kernel.trace.cjson import doc_hash
from lumen_kernel.trace.reader import TraceRecord
from lumen_kernel.trace.replay import (ReplayComparator, ReplayDispatcher, ReplayDiverged, ReplayFailed,
                                       ReplayNondet, check_sources, divergence_message)


def record(seq: int, kind: str, body, meta=None) -> TraceRecord:
    return TraceRecord(seq, seq, kind, body, "", "", meta or {})


def tool_record(seq: int, index: int, status: str = "ok", output=None, error=None, args=None, meta=None):
    return record(seq, "tool_call", {
        "index": index, "alias": "Hash", "tool_id": "crypto.sha256", "provider": "std.crypto",
        "provider_version": "0.1.0", "input": args if args is not None else {"input": "abc"}, "policy": {},
        "status": status, "output": output, "error": error}, meta)


def hash_request(text: str = "abc") -> ToolRequest:
    return ToolRequest("Hash", "crypto.sha256", {"input": text})


def test_recorded_output_is_returned_without_providers():
    dispatcher = ReplayDispatcher([tool_record(2, 1, output="ba78")])
    outcome = dispatcher.submit(hash_request()).result(timeout=1)
    assert outcome.value() == "ba78"
    assert outcome.event_body() == tool_record(2, 1, output="ba78").body


def test_recorded_errors_are_raised_again():
    dispatcher = ReplayDispatcher([
        tool_record(2, 1, status="denied", error={"kind": "policy_violation", "message": "policy violation for 'Hash': x"}),
        tool_record(3, 2, status="timeout", error={"kind": "timeout", "limit_ms": 100}, meta={"elapsed_ms": 103}),
    ])
    denied = dispatcher.submit(hash_request()).result(timeout=1)
    assert denied.status == "denied"
    with pytest.raises(ToolCallError, match="tool call error: policy violation for 'Hash': x"):
        denied.value()
    timed_out = dispatcher.submit(hash_request()).result(timeout=1)
    assert timed_out.error.message == "timeout: elapsed 103ms, limit 100ms"
    assert timed_out.event_body()["error"] == {"kind": "timeout", "limit_ms": 100}


def test_cancelled_calls_stay_pending_until_cancelled():
    dispatcher = ReplayDispatcher([tool_record(2, 1, status="cancelled",
                                               error={"kind": "cancelled", "message": "cancelled: crypto.sha256"})])
    pending = dispatcher.submit(hash_request())
    assert not pending.done()
    dispatcher.close()
    outcome = pending.result(timeout=1)
    assert outcome.event_body() == tool_record(2, 1, status="cancelled",
                                               error={"kind": "cancelled", "message": "cancelled: crypto.sha256"}).body


def test_mismatched_or_extra_calls_produce_a_visible_difference():
    dispatcher = ReplayDispatcher([tool_record(2, 1, output="ba78")])
    outcome = dispatcher.submit(hash_request("abd")).result(timeout=1)
    assert outcome.status == "error" and outcome.error.kind == "replay_mismatch"
    assert outcome.event_body()["input"] == {"input": "abd"}
    extra = dispatcher.submit(hash_request()).result(timeout=1)
    assert "records no tool call 2" in extra.error.message


def test_nondet_values_replay_in_order_and_fall_back_to_live():
    nondet = ReplayNondet([record(2, "nondet", {"source": "uuid", "value": "u-1"}),
                           record(3, "nondet", {"source": "random", "value": 0.25})])
    assert nondet.value("uuid", lambda: "live") == "u-1"
    assert nondet.value("random", lambda: 0.9) == 0.25
    assert nondet.value("timestamp", lambda: 17) == 17
    with pytest.raises(ReplayFailed):
        nondet.value("uuid")


def test_comparator_accepts_identical_events_and_chains_them(trace_kit, tmp_path):
    writer = trace_kit.write(tmp_path)
    from lumen_kernel.trace.reader import load_trace

    comparator = ReplayComparator(load_trace(writer.path))
    bus = EventBus([comparator])
    for kind, body in trace_kit.events:
        bus.emit(kind, body)
    bus.close("ok")
    assert comparator.divergence is None
    assert (comparator.count, comparator.head) == (5, trace_kit.head)


def test_comparator_stops_at_the_first_difference(trace_kit, tmp_path):
    from lumen_kernel.trace.reader import load_trace

    comparator = ReplayComparator(load_trace(trace_kit.write(tmp_path).path))
    bus = EventBus([comparator])
    bus.emit(*trace_kit.events[0])
    bus.emit(*trace_kit.events[1])
    with pytest.raises(ReplayDiverged):
        bus.emit("emit", {"text": "bye"})
    assert comparator.divergence == ('replay diverged at seq 3: recorded emit {"text":"hello"}, '
                                     'replayed emit {"text":"bye"}')


def test_comparator_reports_a_short_replay(trace_kit, tmp_path):
    from lumen_kernel.trace.reader import load_trace

    comparator = ReplayComparator(load_trace(trace_kit.write(tmp_path).path))
    bus = EventBus([comparator])
    for kind, body in trace_kit.events[:3]:
        bus.emit(kind, body)
    bus.close("ok")
    assert comparator.divergence == ('replay diverged at seq 4: recorded call_exit '
                                     '{"cell":"main","depth":1,"result_type":"Int"}, replayed nothing')


def test_divergence_message_cuts_long_bodies():
    long_body = {"text": "x" * 500}
    message = divergence_message(7, None, record(7, "emit", long_body))
    assert message.startswith("replay diverged at seq 7: recorded nothing, replayed emit {")
    assert message.endswith("…") and len(message.split("replayed emit ")[1]) == 201


def test_check_sources(tmp_path):
    main = tmp_path / "main.lm.md"
    lib = tmp_path / "lib" / "util.lm.md"
    lib.parent.mkdir()
    main.write_text("# main\r\n")
    lib.write_text("# lib\n")
    start = record(1, "run_start", {"doc_hash": doc_hash("# main\n"), "imports": [["lib/util.lm.md", doc_hash("# lib\n")]]})
    check_sources(start, main, tmp_path)
    lib.write_text("# lib changed\n")
    with pytest.raises(ReplayFailed) as raised:
        check_sources(start, main, tmp_path)
    assert raised.value.message == (f"source changed since the trace was recorded: lib/util.lm.md: "
                                    f"{doc_hash('# lib' + chr(10))} != {doc_hash('# lib changed' + chr(10))}")
    lib.unlink()
    with pytest.raises(ReplayFailed, match="!= missing"):
        check_sources(start, main, tmp_path)
