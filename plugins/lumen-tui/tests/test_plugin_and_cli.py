"""The plugin surface: `lumen tui` arguments and errors, the panel hook, import hygiene, trace loading."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lumen_kernel import hookimpl
from lumen_kernel.testing import run_cli
from lumen_kernel.trace.store import write_rechained

import lumen_tui.plugin as tui_plugin
from lumen_tui.app import LumenTuiApp
from lumen_tui.panels import registered_panels
from lumen_tui.trace_data import TraceTimeline, open_trace

from tui_support import FIXED_TS, STEPS_PROGRAM


@pytest.fixture
def tui_host(plugin_host):
    return plugin_host(("lumen-tui", tui_plugin), stream=None)


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list:
    """Apps `lumen tui` would show (recorded instead of taking over the terminal)."""
    apps: list = []
    monkeypatch.setattr(LumenTuiApp, "run", lambda self, *args, **kwargs: apps.append(self))
    return apps


def test_usage_errors_exit_2(tui_host, program_file):
    program_file("steps.lm", STEPS_PROGRAM)
    for args in (["tui"], ["tui", "steps.lm", "--trace", "latest"], ["tui", "--trace", "latest", "--fuel", "3"],
                 ["tui", "steps.lm", "--arg", "oops"], ["tui", "steps.lm", "--arg", "x=1"]):
        result = run_cli(args)
        assert result.exit_code == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_missing_files_exit_1(tui_host, program_file):
    result = run_cli(["tui", "missing.lm"])
    assert (result.exit_code, result.stderr) == (1, "error: cannot read 'missing.lm': no such file\n")
    result = run_cli(["tui", "--trace", "missing.jsonl"])
    assert (result.exit_code, result.stderr) == (1, "error: missing.jsonl: no such file\n")


def test_tui_opens_the_dashboard_with_settings(tui_host, program_file, launched):
    program_file("lumen.toml", '[package]\nname = "demo"\nversion = "0.1.0"\n\n[runtime]\nfuel = 500\n')
    program = program_file("args.lm", "cell main(n: Int, word: String) -> Int\n  print(word)\n  return n\nend\n")
    result = run_cli(["tui", program, "--arg", "n=4", "--arg", "word=hi"])
    assert result.exit_code == 0, result.stderr
    session = launched[0].session
    assert (session.settings.cell, session.settings.args, session.settings.fuel) == ("main", {"n": 4, "word": "hi"},
                                                                                     500)
    assert session.compiles
    result = run_cli(["tui", program, "--fuel", "7", "--cell", "main"])
    assert launched[1].session.settings.fuel == 7


def test_tui_opens_the_trace_browser(tui_host, program_file, tmp_path, launched):
    program_file("unused.lm", "")
    write_rechained(tmp_path / "t.jsonl", [("run_start", {"cell": "main"}, {"ts": FIXED_TS}),
                                           ("run_end", {"status": "ok"}, {"ts": FIXED_TS})])
    assert run_cli(["tui", "--trace", "t.jsonl"]).exit_code == 0
    trace = launched[0].trace
    assert trace.verified and [r.kind for r in trace.records] == ["run_start", "run_end"]


def test_panel_registration_is_validated_and_first_wins(plugin_host):
    messages: list[str] = []

    class Good:
        @hookimpl
        def lumen_tui_register_panels(self, panels: Any) -> None:
            panels.add("stats", "Stats", lambda: None)

    class Duplicate:
        @hookimpl
        def lumen_tui_register_panels(self, panels: Any) -> None:
            panels.add("stats", "Other stats", lambda: None)

    class Invalid:
        @hookimpl
        def lumen_tui_register_panels(self, panels: Any) -> None:
            panels.add("Bad Id", "x", lambda: None)

    host = plugin_host(("lumen-tui", tui_plugin), ("a-good", Good()), ("b-duplicate", Duplicate()),
                       ("c-invalid", Invalid()), stream=None)
    panels = registered_panels(host)
    assert [(p.panel_id, p.title, p.plugin) for p in panels] == [("stats", "Stats", "a-good")]
    messages = host.messages
    assert any("'b-duplicate' tried to register panel 'stats' already registered by 'a-good'" in m for m in messages)
    assert any("'c-invalid'" in m and "invalid panel id" in m for m in messages)


def test_no_panels_without_the_hook(plugin_host):
    assert registered_panels(plugin_host(stream=None)) == []
    assert registered_panels(None) == []


def test_kernel_and_plugin_entry_stay_free_of_textual():
    code = ("import sys, lumen_kernel, lumen_kernel.runtime.debugger, lumen_tui.plugin;"
            "heavy = [m for m in ('textual', 'rich') if m in sys.modules];"
            "print(heavy); sys.exit(1 if heavy else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_broken_at_for_each_verification_problem(tmp_path: Path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    assert open_trace(empty).verdict() == "broken at seq 1: trace is empty"
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text('{"seq":1}\nnot json\n', encoding="utf-8")
    trace = open_trace(garbage)
    assert trace.broken_at == 1 and trace.records == []
    no_start = tmp_path / "no_start.jsonl"
    write_rechained(no_start, [("emit", {"text": "x"}, {}), ("run_end", {"status": "ok"}, {})])
    assert open_trace(no_start).verdict() == "broken at seq 1: trace does not start with run_start"


def test_timeline_checkpoints_give_the_same_state_as_a_full_fold(tmp_path: Path):
    events = [("run_start", {"cell": "main"}, {}), ("call_enter", {"cell": "main", "depth": 1}, {})]
    for i in range(700):
        events.append(("call_enter", {"cell": "f", "depth": 2}, {}))
        events.append(("emit", {"text": f"line {i}"}, {}))
        events.append(("call_exit", {"cell": "f", "depth": 2, "result_type": "Int"}, {}))
    events.append(("run_end", {"status": "ok", "result": None}, {}))
    path = tmp_path / "long.jsonl"
    write_rechained(path, events)
    records = open_trace(path).records
    timeline = TraceTimeline(records)
    for index in (len(records) - 1, 5, 1000, 600, 1999, 257, 0):
        from lumen_tui.model import ExecutionModel

        expected = ExecutionModel()
        expected.apply(records[: index + 1])
        state = timeline.state_at(index)
        assert (state.stack, list(state.output), state.last_seq) == \
            (expected.stack, list(expected.output), expected.last_seq)
