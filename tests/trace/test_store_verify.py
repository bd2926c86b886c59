"""Trace files (TOOLING.md §4.2) and their verification (§4.3)."""
from __future__ import annotations

import json
import re
import uuid

import pytest

from lumen_kernel.trace.reader import TraceError, latest_trace, load_trace, resolve_trace
from lumen_kernel.trace.store import write_rechained
from lumen_kernel.trace.verify import verify_trace


def lines_of(path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")[:-1]


def write_lines(path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def problem(path) -> str:
    with pytest.raises(TraceError) as raised:
        verify_trace(path)
    assert raised.value.path == path
    return raised.value.problem


def test_writer_produces_the_appendix_b_chain(tmp_path, trace_kit):
    writer = trace_kit.write(tmp_path / "traces", start_meta={"source": "main.lm.md"})
    assert writer.head == trace_kit.head and writer.count == 5
    assert writer.path == tmp_path / "traces" / f"{writer.run_id}.jsonl"
    assert uuid.UUID(writer.run_id).version == 4
    raw = writer.path.read_bytes()
    assert raw.endswith(b"\n") and b"\r" not in raw
    first = json.loads(lines_of(writer.path)[0])
    assert list(first) == ["seq", "kind", "body", "prev_hash", "hash", "meta"]
    assert first["meta"]["run_id"] == writer.run_id and first["meta"]["source"] == "main.lm.md"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", first["meta"]["ts"])
    verified = verify_trace(writer.path)
    assert (verified.count, verified.head) == (5, trace_kit.head)


def test_line_events_are_never_written(tmp_path, trace_kit):
    from lumen_kernel.runtime.events import EventBus
    from lumen_kernel.trace.store import TraceWriter

    class Stepper:
        wants_lines = True

        def on_event(self, event):
            pass

        def close(self, outcome):
            pass

    writer = TraceWriter(tmp_path)
    bus = EventBus([writer, Stepper()])
    for kind, body in trace_kit.events[:2]:
        bus.emit(kind, body)
        bus.emit("line", {"cell": "main", "line": 1})
    for kind, body in trace_kit.events[2:]:
        bus.emit(kind, body)
    bus.close("ok")
    assert writer.head == trace_kit.head
    assert all('"line"' not in line for line in lines_of(writer.path))


def test_identical_runs_give_identical_chains(tmp_path, trace_kit):
    first, second = trace_kit.write(tmp_path / "a"), trace_kit.write(tmp_path / "b")
    assert first.run_id != second.run_id
    strip = lambda path: [{k: v for k, v in json.loads(line).items() if k != "meta"} for line in lines_of(path)]
    assert strip(first.path) == strip(second.path)


def test_meta_edits_still_verify(appendix_b_trace, trace_kit):
    lines = lines_of(appendix_b_trace)
    edited = []
    for line in lines:
        data = json.loads(line)
        data["meta"]["ts"] = "1999-01-01T00:00:00.000000Z"
        data["meta"]["latency_ms"] = 12345
        edited.append(json.dumps(data))
    write_lines(appendix_b_trace, edited)
    assert verify_trace(appendix_b_trace).head == trace_kit.head


@pytest.mark.parametrize("field, value", [("body", {"text": "HELLO"}), ("kind", "emitx"), ("seq", 7),
                                          ("prev_hash", "sha256:" + "1" * 64), ("hash", "sha256:" + "2" * 64)])
def test_any_hashed_field_edit_fails(appendix_b_trace, field, value):
    lines = lines_of(appendix_b_trace)
    data = json.loads(lines[2])
    data[field] = value
    lines[2] = json.dumps(data)
    write_lines(appendix_b_trace, lines)
    expected = {
        "body": "seq 3: hash mismatch",
        "kind": "seq 3: hash mismatch",
        "seq": "line 3: expected seq 3, found 7",
        "prev_hash": "seq 3: prev_hash does not match the hash of seq 2",
        "hash": "seq 3: hash mismatch",
    }[field]
    assert problem(appendix_b_trace) == expected


def test_edited_hash_of_last_event(appendix_b_trace):
    lines = lines_of(appendix_b_trace)
    data = json.loads(lines[-1])
    data["hash"] = "sha256:" + "3" * 64
    lines[-1] = json.dumps(data)
    write_lines(appendix_b_trace, lines)
    assert problem(appendix_b_trace) == "seq 5: hash mismatch"


def test_rechained_body_edit_still_changes_the_head(appendix_b_trace, trace_kit):
    """Re-hashing an edited event (a forger's best effort) verifies, but the head changes."""
    records = load_trace(appendix_b_trace)
    head = write_rechained(appendix_b_trace, [
        (record.kind, {"text": "forged"} if record.seq == 3 else record.body, record.meta) for record in records])
    assert verify_trace(appendix_b_trace).head == head != trace_kit.head


def test_dropped_duplicated_swapped_lines_fail(appendix_b_trace):
    original = lines_of(appendix_b_trace)
    write_lines(appendix_b_trace, original[:2] + original[3:])
    assert problem(appendix_b_trace) == "line 3: expected seq 3, found 4"
    write_lines(appendix_b_trace, original[:3] + original[2:])
    assert problem(appendix_b_trace) == "line 4: expected seq 4, found 3"
    write_lines(appendix_b_trace, [original[0], original[2], original[1]] + original[3:])
    assert problem(appendix_b_trace) == "line 2: expected seq 2, found 3"
    write_lines(appendix_b_trace, original[1:])
    assert problem(appendix_b_trace) == "line 1: expected seq 1, found 2"


def test_truncated_and_empty_traces(appendix_b_trace):
    original = lines_of(appendix_b_trace)
    write_lines(appendix_b_trace, original[:-1])
    assert problem(appendix_b_trace) == "trace does not end with run_end (incomplete or truncated)"
    appendix_b_trace.write_text("")
    assert problem(appendix_b_trace) == "trace is empty"


def test_first_event_must_be_run_start(tmp_path, trace_kit):
    writer = trace_kit.write(tmp_path, events=trace_kit.events[1:])
    assert problem(writer.path) == "trace does not start with run_start"


def test_malformed_lines(appendix_b_trace):
    original = lines_of(appendix_b_trace)
    write_lines(appendix_b_trace, original[:1] + ["{not json"] + original[2:])
    assert problem(appendix_b_trace).startswith("line 2: invalid JSON: ")
    write_lines(appendix_b_trace, original[:1] + ["[1, 2]"] + original[2:])
    assert problem(appendix_b_trace) == "line 2: invalid JSON: expected an object, found list"
    data = json.loads(original[1])
    del data["meta"]
    write_lines(appendix_b_trace, original[:1] + [json.dumps(data)] + original[2:])
    assert problem(appendix_b_trace) == "line 2: missing field 'meta'"
    appendix_b_trace.write_bytes(b'\xff\xfe\n')
    assert problem(appendix_b_trace) == "line 1: invalid JSON: not valid UTF-8"


def test_missing_file(tmp_path):
    assert problem(tmp_path / "nope.jsonl") == "no such file"


def test_resolve_by_path_run_id_and_latest(tmp_path, trace_kit):
    directory = tmp_path / "traces"
    older = trace_kit.write(directory, start_meta={"ts": "2024-01-01T00:00:00.000000Z"})
    newer = trace_kit.write(directory, start_meta={"ts": "2025-01-01T00:00:00.000000Z"})
    assert resolve_trace(str(older.path), directory) == older.path
    assert resolve_trace(older.run_id, directory) == older.path
    assert resolve_trace("latest", directory) == newer.path
    assert latest_trace(directory) == newer.path
    with pytest.raises(TraceError, match="no trace 'abc'"):
        resolve_trace("abc", directory)
    with pytest.raises(TraceError, match="no traces in"):
        resolve_trace("latest", tmp_path / "empty")
