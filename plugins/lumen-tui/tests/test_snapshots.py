"""Snapshot tests (pytest-textual-snapshot, 120x40): the main screen ready, paused (reached by stepping) and finished,
and the trace browser. The clock is frozen and text cursors do not blink. Update with `--snapshot-update`."""
from __future__ import annotations

from pathlib import Path

from tui_support import SIZE, STEPS_PROGRAM, TRACE_PROGRAM, program_app, record_trace, trace_app, wait_for


def test_main_screen_ready(program_file, snap_compare):
    app = program_app(program_file("demo.lm", STEPS_PROGRAM))
    assert snap_compare(app, terminal_size=SIZE)


def test_main_screen_paused_by_stepping(program_file, snap_compare):
    app = program_app(program_file("demo.lm", STEPS_PROGRAM))

    async def run_before(pilot):
        await pilot.pause()
        screen = app.screen
        screen.query_one("#source").move_to_line(11)
        await pilot.press("b")
        for number in (1, 2, 3, 4):
            await pilot.press("s")
            await wait_for(pilot, lambda: screen._shown_stop is not None and screen._shown_stop.number == number,
                           what=f"stop {number}")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_main_screen_finished(program_file, snap_compare):
    app = program_app(program_file("demo.lm", STEPS_PROGRAM), fuel=100)

    async def run_before(pilot):
        screen = app.screen
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.state == "finished", what="finished")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_trace_browser(program_file, snap_compare, tmp_path: Path):
    program = program_file("trace.lm", TRACE_PROGRAM)
    record_trace(program, tmp_path / "run.jsonl")
    app = trace_app("run.jsonl")

    async def run_before(pilot):
        await pilot.press("pagedown", "right", "right")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
