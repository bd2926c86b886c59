"""Pilot tests of the live dashboard (TOOLING.md §7.1, §7.2, §7.4): stepping, breakpoints, pause and resume, output,
diagnostic jumps, restart, tool calls, plugin panels."""
from __future__ import annotations

from typing import Any

from textual.widgets import Static, TabbedContent

from lumen_kernel import hookimpl

from lumen_tui.widgets.line_log import LineLog
from tui_support import (BROKEN_PROGRAM, ENDLESS_PROGRAM, STEPS_PROGRAM, TOOL_PROGRAM, program_app, run_scenario,
                      wait_for)
from lumen_tui.panels import registered_panels


def locals_of(screen: Any) -> dict[str, str]:
    """The Locals panel as name -> display form."""
    return {binding.name: binding.display for binding in screen.query_one("#locals")._shown}


def last_printed(screen: Any) -> int:
    """The number in the last `n = <number>` line of the Output tab (0 before any)."""
    lines = screen.query_one("#output", LineLog).lines
    return int(lines[-1].split("=")[1]) if lines else 0


def stop_number(screen: Any) -> int:
    stop = screen._shown_stop
    return stop.number if stop is not None else 0


async def paused_after(pilot: Any, screen: Any, number: int) -> None:
    await wait_for(pilot, lambda: screen.state == "paused" and stop_number(screen) == number,
                   what=f"stop {number}")


def test_starts_ready_with_the_source_shown(program_file):
    app = program_app(program_file("steps.lm", STEPS_PROGRAM))

    async def scenario(pilot):
        screen = app.screen
        assert screen.state == "ready"
        source = screen.query_one("#source")
        assert source.file == "steps.lm"
        assert source.lines[5] == "cell main() -> Int"
        assert source.execution_line is None
        assert screen.query_one("#output", LineLog).lines == []

    run_scenario(app, scenario)


def test_step_three_lines_shows_line_and_locals(program_file):
    app = program_app(program_file("steps.lm", STEPS_PROGRAM))

    async def scenario(pilot):
        screen = app.screen
        source = screen.query_one("#source")
        await pilot.press("s")
        await paused_after(pilot, screen, 1)
        assert source.execution_line == 7
        assert locals_of(screen) == {"total": "null", "i": "null"}
        await pilot.press("s")
        await paused_after(pilot, screen, 2)
        assert source.execution_line == 8
        assert locals_of(screen) == {"total": "0", "i": "null"}
        await pilot.press("s")
        await paused_after(pilot, screen, 3)
        assert source.execution_line == 9
        assert locals_of(screen)["i"] == "0"
        await pilot.press("s")
        await paused_after(pilot, screen, 4)
        assert source.execution_line == 2
        assert locals_of(screen) == {"x": "0", "y": "null"}
        stack = screen.query_one("#stack")
        assert [str(stack.get_option_at_index(i).prompt) for i in range(stack.option_count)] == \
            ["square  steps.lm:2", "main  steps.lm:9"]
        assert source.cursor_line == 2
        stack.highlighted = 1  # select the caller's frame: its line and bindings
        await pilot.pause()
        assert source.execution_line == 9
        assert locals_of(screen) == {"total": "0", "i": "0"}

    run_scenario(app, scenario)


def test_clicks_set_the_cursor_and_toggle_breakpoints(program_file):
    app = program_app(program_file("steps.lm", STEPS_PROGRAM))

    async def scenario(pilot):
        screen = app.screen
        source = screen.query_one("#source")
        await pilot.click("#source", offset=(8, 1 + 4))  # the border is row 0: line 5
        assert source.cursor_line == 5 and source.breakpoints == frozenset()
        await pilot.click("#source", offset=(1, 1 + 8))  # the marks column of line 9
        assert screen.breakpoints == {("steps.lm", 9)} and source.breakpoints == {9}
        await pilot.click("#source", offset=(1, 1 + 8))
        assert screen.breakpoints == set()

    run_scenario(app, scenario)


def test_step_over_and_step_out(program_file):
    app = program_app(program_file("steps.lm", STEPS_PROGRAM))

    async def scenario(pilot):
        screen = app.screen
        source = screen.query_one("#source")
        for number in (1, 2, 3):
            await pilot.press("n")
            await paused_after(pilot, screen, number)
        assert source.execution_line == 9
        await pilot.press("n")  # over the call of square: back on the loop body with i = 1
        await paused_after(pilot, screen, 4)
        assert source.execution_line == 9
        assert locals_of(screen)["i"] == "1"
        await pilot.press("s")  # into square
        await paused_after(pilot, screen, 5)
        assert source.execution_line == 2
        await pilot.press("o")  # out of square
        await paused_after(pilot, screen, 6)
        assert source.execution_line == 9
        assert locals_of(screen) == {"total": "1", "i": "2"}

    run_scenario(app, scenario)


def test_continue_to_a_breakpoint(program_file):
    app = program_app(program_file("steps.lm", STEPS_PROGRAM))

    async def scenario(pilot):
        screen = app.screen
        source = screen.query_one("#source")
        source.move_to_line(2)
        await pilot.press("b")
        assert ("steps.lm", 2) in screen.breakpoints
        assert source.breakpoints == {2}
        await pilot.press("c")
        await paused_after(pilot, screen, 1)
        assert source.execution_line == 2
        assert locals_of(screen)["x"] == "0"
        await pilot.press("c")
        await paused_after(pilot, screen, 2)
        assert locals_of(screen)["x"] == "1"
        source.move_to_line(2)
        await pilot.press("f9")  # remove the breakpoint, then run to the end
        assert source.breakpoints == frozenset()
        await pilot.press("c")
        await wait_for(pilot, lambda: screen.state == "finished", what="finished")
        assert screen.query_one("#output", LineLog).lines == ["total 5", "5"]

    run_scenario(app, scenario)


def test_run_to_completion_shows_output_trace_and_figures(program_file):
    app = program_app(program_file("steps.lm", STEPS_PROGRAM), fuel=1000)

    async def scenario(pilot):
        screen = app.screen
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.state == "finished", what="finished")
        assert screen.query_one("#output", LineLog).lines == ["total 5", "5"]
        trace_lines = screen.query_one("#trace", LineLog).lines
        assert "run_start" in trace_lines[0]
        assert "run_end" in trace_lines[-1]
        assert any("emit" in line and "total 5" in line for line in trace_lines)
        status = str(screen.query_one("#status", Static).render())
        assert "steps 13" in status
        assert "fuel " in status and "/1,000" in status
        assert "events not displayed 0" in status
        header = str(screen.query_one("#header", Static).render())
        assert "steps.lm" in header and "cell main" in header and "finished" in header
        assert screen.query_one("#source").execution_line is None

    run_scenario(app, scenario)


def test_runtime_error_shows_error_state_and_stack(program_file):
    program = "cell main() -> Int\n  let d = 0\n  return 10 / d\nend\n"
    app = program_app(program_file("fail.lm", program))

    async def scenario(pilot):
        screen = app.screen
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.state == "error", what="error state")
        output = screen.query_one("#output", LineLog).lines
        assert output[0] == "error: division by zero"
        assert output[1] == "  at main (fail.lm:3)"
        assert screen.query_one("#source").execution_line == 3

    run_scenario(app, scenario)


def test_pause_and_resume(program_file):
    app = program_app(program_file("endless.lm", ENDLESS_PROGRAM))

    async def scenario(pilot):
        screen = app.screen
        await pilot.press("r")
        await wait_for(pilot, lambda: len(screen.query_one("#output", LineLog).lines) > 3, what="output")
        assert screen.state == "running"
        await pilot.press("p")
        await paused_after(pilot, screen, 1)
        first = int(locals_of(screen)["n"])
        assert screen.query_one("#source").execution_line in (3, 4, 5, 6, 7, 8)
        await pilot.press("r")
        assert screen.state == "running"
        # (the log keeps its last 10,000 lines, so progress is read from the last line, not from the count)
        await wait_for(pilot, lambda: last_printed(screen) > first + 3000, what="more output")
        await pilot.press("f6")
        await paused_after(pilot, screen, 2)
        assert int(locals_of(screen)["n"]) > first

    run_scenario(app, scenario)


def test_restart_keeps_breakpoints_and_starts_a_fresh_run(program_file):
    app = program_app(program_file("steps.lm", STEPS_PROGRAM))

    async def scenario(pilot):
        screen = app.screen
        screen.query_one("#source").move_to_line(9)
        await pilot.press("b")
        await pilot.press("r")
        await paused_after(pilot, screen, 1)
        await pilot.press("c")
        await paused_after(pilot, screen, 2)
        assert locals_of(screen)["i"] == "1"
        first_run = screen.live
        await pilot.press("R")
        await paused_after(pilot, screen, 1)
        assert screen.live is not first_run
        assert first_run.controller.cancelled
        await wait_for(pilot, lambda: first_run.done.is_set(), what="the first run to stop")
        assert first_run.state == "cancelled"
        assert locals_of(screen)["i"] == "0"
        assert screen.breakpoints == {("steps.lm", 9)}
        screen.query_one("#source").move_to_line(9)
        await pilot.press("b")
        await pilot.press("c")
        await wait_for(pilot, lambda: screen.state == "finished", what="finished")
        assert screen.query_one("#output", LineLog).lines == ["total 5", "5"]

    run_scenario(app, scenario)


def test_restart_cancels_a_pending_tool_call(program_file, wait_provider):
    host, provider = wait_provider
    app = program_app(program_file("tool.lm", TOOL_PROGRAM), host=host)

    async def scenario(pilot):
        screen = app.screen
        await pilot.press("r")
        await wait_for(pilot, provider.started.is_set, what="the tool call")
        first_run = screen.live
        await pilot.press("ctrl+r")
        await wait_for(pilot, provider.cancelled.is_set, what="the tool call to be cancelled")
        await wait_for(pilot, lambda: first_run.done.is_set(), what="the first run to stop")
        assert first_run.state == "cancelled"
        assert screen.state == "running"
        assert screen.query_one("#output", LineLog).lines[-1] == "before"

    run_scenario(app, scenario)


def test_tool_calls_are_listed(program_file, wait_provider):
    host, _provider = wait_provider
    program = 'use tool wait.forever as Wait\ngrant Wait\n\ncell main() -> Int\n  return Wait(ms: 1)\nend\n'
    app = program_app(program_file("tool.lm", program), host=host)

    async def scenario(pilot):
        screen = app.screen
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.state == "finished", what="finished")
        tools = screen.query_one("#tools")
        assert tools.row_count == 1
        index, tool_id, arguments, status, latency = tools.get_row_at(0)
        assert (index, tool_id, arguments, status) == ("1", "wait.forever", '{"ms":1}', "ok")
        assert latency.endswith(" ms")

    run_scenario(app, scenario)


def test_compile_errors_focus_diagnostics_and_jump_to_source(program_file):
    app = program_app(program_file("broken.lm", BROKEN_PROGRAM))

    async def scenario(pilot):
        screen = app.screen
        diagnostics = screen.query_one("#diagnostics")
        assert screen.query_one("#tabs", TabbedContent).active == "tab-diagnostics"
        assert app.focused is diagnostics
        assert "totl" in str(diagnostics.get_option_at_index(diagnostics.highlighted).prompt)
        await pilot.press("r", "s", "c")
        assert screen.state == "ready" and screen.live is None
        await pilot.press("enter")
        source = screen.query_one("#source")
        assert source.cursor_line == 3
        assert app.focused is source
        source.move_to_line(1)
        error_row = diagnostics.highlighted
        await pilot.click("#diagnostics", offset=(5, error_row))
        assert source.cursor_line == 3

    run_scenario(app, scenario)


def test_plugin_panels_are_tabs_that_receive_events(program_file, plugin_host):
    class CountingPanel(Static):
        def __init__(self) -> None:
            super().__init__("no events", id="counting")
            self.kinds: list[str] = []

        def apply_events(self, events: list) -> None:
            self.kinds.extend(event.kind for event in events)
            self.update(f"{len(self.kinds)} events")

        def reset(self) -> None:
            self.kinds.clear()

    class PanelPlugin:
        @hookimpl
        def lumen_tui_register_panels(self, panels: Any) -> None:
            panels.add("counter", "Counter", CountingPanel)

    import lumen_tui.plugin as tui_plugin

    host = plugin_host(("lumen-tui", tui_plugin), ("panel-plugin", PanelPlugin()), stream=None)
    panels = registered_panels(host)
    assert [(p.panel_id, p.title, p.plugin) for p in panels] == [("counter", "Counter", "panel-plugin")]
    app = program_app(program_file("steps.lm", STEPS_PROGRAM), host=host, panels=panels)

    async def scenario(pilot):
        screen = app.screen
        assert screen.query_one("#tabs", TabbedContent).get_pane("panel-counter") is not None
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.state == "finished", what="finished")
        panel = screen.query_one("#counting", CountingPanel)
        assert panel.kinds[0] == "run_start" and panel.kinds[-1] == "run_end"

    run_scenario(app, scenario)


def test_quit_cancels_a_paused_run(program_file):
    app = program_app(program_file("endless.lm", ENDLESS_PROGRAM))
    runs = []

    async def scenario(pilot):
        screen = app.screen
        await pilot.press("s")
        await paused_after(pilot, screen, 1)
        runs.append(screen.live)
        await pilot.press("q")

    run_scenario(app, scenario)
    live = runs[0]
    assert live.done.wait(5.0)
    assert live.state == "cancelled"
