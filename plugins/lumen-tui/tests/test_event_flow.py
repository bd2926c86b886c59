"""Headless tests of the event flow (TOOLING.md §7.2): the bounded buffer and its drop policy, the step controller on
a real run, the line gate and the kernel's debugger helpers, cancellation, the model's reducer."""
from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest

from lumen_kernel.program import load_program
from lumen_kernel.runtime.debugger import LineGate, RunCancelled
from lumen_kernel.runtime.engine import run_program

from lumen_tui.event_buffer import EventBuffer
from lumen_tui.live_run import LiveRun, RunSettings
from lumen_tui.model import ExecutionModel, summarize
from lumen_tui.stepping import STEP_INTO, STEP_OVER, StepController

from tui_support import ENDLESS_PROGRAM, STEPS_PROGRAM


def event(kind: str, seq: int = 0, **body) -> SimpleNamespace:
    return SimpleNamespace(seq=seq, kind=kind, body=body, meta={})


# -- buffer -------------------------------------------------------------------------------------------------------


def test_buffer_keeps_everything_below_capacity():
    buffer = EventBuffer(capacity=5)
    for seq in range(1, 5):
        buffer.append(event("emit", seq))
    assert [e.seq for e in buffer.drain()] == [1, 2, 3, 4]
    assert buffer.drain() == [] and buffer.dropped == 0


def test_buffer_drops_the_oldest_line_and_call_events_when_full():
    buffer = EventBuffer(capacity=4)
    buffer.append(event("call_enter", 1))
    buffer.append(event("emit", 2))
    buffer.append(event("line", 2))
    buffer.append(event("call_exit", 3))
    buffer.append(event("tool_call", 4))       # drops call_enter 1
    buffer.append(event("line", 4))            # drops line after 2
    assert [(e.kind, e.seq) for e in buffer.drain()] == [("emit", 2), ("call_exit", 3), ("tool_call", 4),
                                                          ("line", 4)]
    assert buffer.dropped == 2


def test_buffer_never_drops_emit_tool_call_error_run_end():
    buffer = EventBuffer(capacity=2)
    kinds = ["emit", "tool_call", "error", "run_end", "emit"]
    for seq, kind in enumerate(kinds, start=1):
        buffer.append(event(kind, seq))
    buffer.append(event("line", 5))            # nothing droppable is older: the new one is dropped
    assert [e.kind for e in buffer.drain()] == kinds
    assert buffer.dropped == 1


def test_buffer_hand_over_between_threads():
    buffer = EventBuffer(capacity=1000)
    received = []

    def produce():
        for seq in range(1, 20_001):
            buffer.append(event("emit" if seq % 10 == 0 else "call_enter", seq))

    thread = threading.Thread(target=produce)
    thread.start()
    while thread.is_alive():
        received.extend(buffer.drain())
    received.extend(buffer.drain())
    emits = [e.seq for e in received if e.kind == "emit"]
    assert emits == list(range(10, 20_001, 10))
    assert len(received) + buffer.dropped == 20_000
    assert [e.seq for e in received] == sorted(e.seq for e in received)


# -- stepping on a real run ---------------------------------------------------------------------------------------


@pytest.fixture
def steps_program(tmp_path):
    path = tmp_path / "steps.lm"
    path.write_text(STEPS_PROGRAM, encoding="utf-8")
    return load_program(str(path))


def start(live: LiveRun) -> threading.Thread:
    thread = threading.Thread(target=live.execute, daemon=True)
    thread.start()
    return thread


def wait_stop(live: LiveRun, number: int):
    deadline = time.monotonic() + 10
    while True:
        stop = live.controller.stop
        if stop is not None and stop.number == number:
            return stop
        assert time.monotonic() < deadline, f"no stop {number}"
        time.sleep(0.005)


def test_step_into_over_and_breakpoints_headless(steps_program):
    live = LiveRun(steps_program, RunSettings(), mode=STEP_INTO, clock=time.monotonic)
    thread = start(live)
    stop = wait_stop(live, 1)
    assert (stop.line, stop.depth, stop.frames[0].cell) == (7, 1, "main")
    live.controller.set_breakpoints([(steps_program.root.path, 3)])
    live.controller.resume("run")
    stop = wait_stop(live, 2)
    assert stop.line == 3 and [f.cell for f in stop.frames] == ["square", "main"]
    assert {b.name: b.display for b in stop.frames[0].bindings} == {"x": "0", "y": "0"}
    live.controller.set_breakpoints([])
    live.controller.resume(STEP_OVER)
    stop = wait_stop(live, 3)
    assert stop.depth == 1 and stop.line == 9
    live.controller.resume("run")
    thread.join(10)
    assert live.state == "finished" and live.steps == 13
    kinds = [e.kind for e in live.buffer.drain()]
    assert kinds[0] == "run_start" and kinds[-1] == "run_end" and "line" in kinds


def test_gate_filters_lines_while_running(steps_program):
    live = LiveRun(steps_program, RunSettings(), clock=time.monotonic)
    live.execute()
    assert live.gate.installed and live.steps == 13
    lines = [e for e in live.buffer.drain() if e.kind == "line"]
    assert len(lines) == 1  # only the first line, before the gate was installed


def test_cancel_stops_an_endless_run(tmp_path):
    path = tmp_path / "endless.lm"
    path.write_text(ENDLESS_PROGRAM, encoding="utf-8")
    live = LiveRun(load_program(str(path)), RunSettings(), clock=time.monotonic)
    thread = start(live)
    deadline = time.monotonic() + 10
    while live.steps < 1000 and time.monotonic() < deadline:
        time.sleep(0.01)
    live.cancel()
    thread.join(10)
    assert not thread.is_alive() and live.state == "cancelled" and live.done.is_set()


def test_cancel_wakes_a_paused_run(steps_program):
    live = LiveRun(steps_program, RunSettings(), mode=STEP_INTO, clock=time.monotonic)
    thread = start(live)
    wait_stop(live, 1)
    live.cancel()
    thread.join(10)
    assert live.state == "cancelled"


def test_controller_raises_once_cancelled():
    controller = StepController(LineGate())
    controller.cancel()
    with pytest.raises(RunCancelled):
        controller.at_line()


def test_fuel_and_errors_reach_the_model(tmp_path):
    path = tmp_path / "fuel.lm"
    path.write_text(STEPS_PROGRAM, encoding="utf-8")
    live = LiveRun(load_program(str(path)), RunSettings(fuel=3), clock=time.monotonic)
    live.execute()
    assert live.state == "error" and live.fuel_used == 3
    model = ExecutionModel()
    model.apply(live.buffer.drain())
    assert model.status == "error" and model.error.startswith("fuel exhausted")
    assert model.output[0] == f"error: {model.error}"


def test_other_line_listeners_keep_every_line_event(steps_program):
    class Lines:
        wants_lines = True

        def __init__(self):
            self.count = 0

        def on_event(self, e):
            self.count += e.kind == "line"

        def close(self, outcome):
            pass

    other = Lines()
    live = LiveRun(steps_program, RunSettings(), clock=time.monotonic, listeners=lambda run_id: [other])
    live.execute()
    assert not live.gate.installed and other.count == 13 and live.steps == 13


# -- model ----------------------------------------------------------------------------------------------------------


def test_model_rebuilds_stack_even_with_dropped_calls():
    model = ExecutionModel()
    changes = model.apply([event("call_enter", 1, cell="main", depth=1), event("call_enter", 2, cell="f", depth=2),
                           event("call_enter", 3, cell="g", depth=4)])
    assert changes.stack and model.stack == ["main", "f", "…", "g"]
    model.apply([event("call_exit", 4, cell="g", depth=4, result_type="Int"),
                  event("call_exit", 5, cell="f", depth=2, result_type="Int")])
    assert model.stack == ["main"]


def test_model_output_and_result():
    model = ExecutionModel()
    changes = model.apply([event("emit", 1, text="hello"), event("stderr", 0, text="[debug] 1"),
                           event("run_end", 2, status="ok", result_type="Int", result="3")])
    assert changes.output == ["hello", "[debug] 1", "3"] and changes.ended
    assert [e.seq for e in changes.events] == [1, 2]


def test_summaries():
    assert summarize("call_exit", {"cell": "f", "depth": 2, "result_type": "Int"}) == "f -> Int (depth 2)"
    assert summarize("tool_call", {"index": 1, "tool_id": "x.y", "status": "error",
                                   "error": {"kind": "execution_failed", "message": "boom"}}) == "#1 x.y error: boom"
    assert summarize("nondet", {"source": "random", "value": 0.5}) == "random = 0.5"
    assert summarize("custom", {"b": 1, "a": [1]}) == "a=[1] b=1"
    assert summarize("emit", {"text": "x" * 300}).endswith("…")


def test_run_program_with_the_dashboard_listener_and_no_ui(steps_program):
    """The listener works with the engine directly (as any runtime listener would)."""
    from lumen_tui.listener import DashboardListener

    gate = LineGate()
    buffer = EventBuffer()
    listener = DashboardListener(buffer, StepController(gate), gate)
    import io

    outcome = run_program(steps_program, listeners=[listener], stdout=io.StringIO())
    assert outcome.ok and listener.closed and listener.steps == 13


def test_bindings_show_record_and_enum_type_names(tmp_path):
    path = tmp_path / "types.lm"
    path.write_text("record Point\n  x: Int\n  y: Int\nend\n\nenum Color\n  Red\n  Green\nend\n\n"
                    "cell main() -> Int\n  let p = Point(x: 1, y: 2)\n  let c = Color.Red\n  let xs = [p]\n"
                    "  return len(xs)\nend\n", encoding="utf-8")
    program = load_program(str(path))
    live = LiveRun(program, RunSettings(), clock=time.monotonic)
    live.controller.set_breakpoints([(program.root.path, 15)])
    thread = start(live)
    stop = wait_stop(live, 1)
    bindings = {b.name: (b.type, b.display) for b in stop.frames[0].bindings}
    assert bindings["p"] == ("Point", "Point(x: 1, y: 2)")
    assert bindings["c"][0] == "Color" and bindings["xs"][0] == "List"
    live.controller.resume("run")
    thread.join(10)
    assert live.state == "finished"
