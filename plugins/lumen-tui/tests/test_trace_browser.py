"""Pilot tests of the trace browser (TOOLING.md §7.3): verification header, scrubbing keys, search, rebuilt state."""
from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Static

from lumen_kernel.trace.store import write_rechained

from lumen_tui.widgets.line_log import LineLog
from tui_support import FIXED_TS, TRACE_PROGRAM, record_trace, run_scenario, trace_app, wait_for


def header_text(screen) -> str:
    return str(screen.query_one("#header", Static).render())


def stack_rows(screen) -> list[str]:
    stack = screen.query_one("#stack")
    return [str(stack.get_option_at_index(i).prompt) for i in range(stack.option_count)]


def test_scrub_a_trace(program_file, tmp_path: Path):
    program = program_file("trace.lm", TRACE_PROGRAM)
    record_trace(program, tmp_path / "run.jsonl")
    app = trace_app("run.jsonl")

    async def scenario(pilot):
        screen = app.screen
        records = screen.trace.records
        kinds = [record.kind for record in records]
        assert "verified" in header_text(screen) and "run.jsonl" in header_text(screen)
        assert screen.selected == 0
        await pilot.press("right")
        assert screen.selected == 1 and kinds[1] == "call_enter"
        assert stack_rows(screen) == ["main"]
        await pilot.press("right")
        assert kinds[screen.selected] == "call_enter"
        assert stack_rows(screen) == ["double", "main"]
        await pilot.press("right")
        assert kinds[screen.selected] == "call_exit"
        assert stack_rows(screen) == ["main"]
        await pilot.press("end")
        assert screen.selected == len(records) - 1 and kinds[-1] == "run_end"
        output = screen.query_one("#output", LineLog).lines
        assert output[0] == "i = 0, total = 0" and output[-2] == "i = 11, total = 132" and output[-1] == "132"
        assert stack_rows(screen) == []
        await pilot.press("home")
        assert screen.selected == 0 and screen.query_one("#output", LineLog).lines == []
        await pilot.press("pagedown")
        assert screen.selected == 20
        await pilot.press("pagedown")
        assert screen.selected == len(records) - 1  # clamped at the last event
        await pilot.press("pageup", "pageup", "pagedown", "left")
        assert screen.selected == 19
        expected = sum(1 for kind in kinds[:20] if kind == "emit")
        assert len(screen.query_one("#output", LineLog).lines) == expected
        assert screen.query_one("#events").cursor == 19
        assert "event 20 of" in str(screen.query_one("#status", Static).render())

    run_scenario(app, scenario)


def test_search_by_kind_and_tool_id(program_file, tmp_path: Path):
    program_file("unused.lm", "")
    tool_body = {"index": 1, "alias": "Fetch", "tool_id": "http.get", "provider": "http", "provider_version": "1",
                 "input": {"url": "https://example.org"}, "policy": {}, "status": "ok", "output": "hello",
                 "error": None}
    events = [
        ("run_start", {"cell": "main", "args": {}, "doc_hash": "sha256:" + "0" * 64, "imports": [], "fuel": None},
         {"ts": FIXED_TS}),
        ("call_enter", {"cell": "main", "depth": 1}, {"ts": FIXED_TS}),
        ("emit", {"text": "start"}, {"ts": FIXED_TS}),
        ("tool_call", tool_body, {"ts": FIXED_TS, "latency_ms": 12.5}),
        ("emit", {"text": "done"}, {"ts": FIXED_TS}),
        ("call_exit", {"cell": "main", "depth": 1, "result_type": "Int"}, {"ts": FIXED_TS}),
        ("run_end", {"status": "ok", "result_type": "Int", "result": "0"}, {"ts": FIXED_TS}),
    ]
    write_rechained(tmp_path / "tools.jsonl", events)
    app = trace_app("tools.jsonl")

    async def scenario(pilot):
        screen = app.screen
        await pilot.press("slash")
        search = screen.query_one("#search")
        assert search.display and app.focused is search
        await pilot.press(*"http.get", "enter")
        assert screen.selected == 3
        tools = screen.query_one("#tools")
        assert tools.row_count == 1
        assert tools.get_row_at(0) == ["1", "http.get", '{"url":"https://example.org"}', "ok", "12.5 ms"]
        await pilot.press("ctrl+a", "ctrl+k", *"emit", "enter")
        assert screen.selected == 4
        await pilot.press("enter")
        assert screen.selected == 2  # wraps around
        await pilot.press("left")  # edits the search text, does not move
        assert screen.selected == 2
        await pilot.press("escape")
        assert not search.display
        await pilot.press("right")
        assert screen.selected == 3

    run_scenario(app, scenario)


def test_a_broken_trace_says_where(program_file, tmp_path: Path):
    program = program_file("trace.lm", TRACE_PROGRAM)
    path = record_trace(program, tmp_path / "run.jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[4])
    record["body"]["text"] = "tampered"
    lines[4] = json.dumps(record, separators=(",", ":"))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = trace_app("run.jsonl")

    async def scenario(pilot):
        screen = app.screen
        assert "broken at seq 5: seq 5: hash mismatch" in header_text(screen)
        await pilot.press("end")
        assert screen.selected == len(lines) - 1

    run_scenario(app, scenario)


def test_truncated_trace(program_file, tmp_path: Path):
    program = program_file("trace.lm", TRACE_PROGRAM)
    path = record_trace(program, tmp_path / "run.jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:10]) + "\n", encoding="utf-8")
    app = trace_app("run.jsonl")

    async def scenario(pilot):
        screen = app.screen
        await wait_for(pilot, lambda: screen.is_mounted)
        assert "broken at seq 11: trace does not end with run_end" in header_text(screen)
        assert len(screen.trace.records) == 10

    run_scenario(app, scenario)
