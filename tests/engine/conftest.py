"""Helpers for the engine tests: run Lumen source in-process, or `lumen run` as a subprocess."""
from __future__ import annotations

import io
import os
import subprocess
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional

import pytest

from lumen_kernel.program import load_program
from lumen_kernel.runtime.engine import RunOutcome, format_error, run_program
from lumen_kernel.runtime.render import display
from lumen_kernel.tools.dispatch import Dispatcher
from lumen_kernel.tools.spec import ToolError, ToolSpec
from lumen_kernel.tools.table import ToolTable

REPO = Path(__file__).resolve().parents[2]
LUMEN = REPO / ".venv" / "bin" / "lumen"


@dataclass
class Result:
    """What a run printed and how it ended."""

    stdout: str
    outcome: RunOutcome

    @property
    def ok(self) -> bool:
        return self.outcome.status == "ok"

    @property
    def error(self) -> Optional[str]:
        return self.outcome.error.message if self.outcome.error is not None else None

    @property
    def text(self) -> str:
        """Output, then the result line or the error report, as `lumen run` would show them."""
        text = self.stdout
        if self.outcome.status == "ok":
            if self.outcome.result is not None:
                text += display(self.outcome.result) + "\n"
        elif self.outcome.error is not None:
            text += format_error(self.outcome.error) + "\n"
        return text


def program_of(source: str, name: str = "test.lm") -> Any:
    """Load dedented Lumen source (raw `.lm` by default); fail the test on syntax errors."""
    program = load_program(name, text=textwrap.dedent(source).lstrip("\n"))
    problems = [d for m in program.modules for d in m.syntax_diagnostics]
    assert not problems, [f"{d.code} {d.message} line {d.span.line if d.span else '?'}" for d in problems]
    return program


def run_source(source: str, *, name: str = "test.lm", **options: Any) -> Result:
    """Run a program in-process and capture its output."""
    out = io.StringIO()
    outcome = run_program(program_of(source, name), stdout=out, **options)
    return Result(out.getvalue(), outcome)


def output_of(source: str, **options: Any) -> str:
    """Output plus result line (or error report) of a program."""
    return run_source(source, **options).text


class RecordingListener:
    """A runtime listener keeping every event."""

    def __init__(self, wants_lines: bool = False) -> None:
        self.wants_lines = wants_lines
        self.events: list = []
        self.closed_with: Any = None

    def on_event(self, event: Any) -> None:
        self.events.append(event)

    def close(self, outcome: Any) -> None:
        self.closed_with = outcome

    def kinds(self) -> list[str]:
        return [e.kind for e in self.events]


class TestProvider:
    """Tools for the tests: `test.sleep {ms, value}` (polls cancellation), `test.fail {}`, `test.echo {…}`."""

    name = "test.tools"
    version = "1.0"

    def tools(self) -> Iterable[ToolSpec]:
        def sleep(args: dict, ctx: Any) -> Any:
            end = time.monotonic() + args.get("ms", 0) / 1000
            while time.monotonic() < end:
                if ctx.cancelled.is_set():
                    raise ToolError("cancelled in provider")
                time.sleep(0.002)
            return args.get("value")

        def fail(args: dict, ctx: Any) -> Any:
            raise ToolError("boom")

        def echo(args: dict, ctx: Any) -> Any:
            return args

        yield ToolSpec("test.sleep", "sleep then answer", None, None, (), ("ms", "value"), sleep)
        yield ToolSpec("test.fail", "always fails", None, None, (), (), fail)
        yield ToolSpec("test.echo", "returns its arguments", None, None, (), (), echo)


@pytest.fixture
def dispatcher() -> Iterable[Dispatcher]:
    """A dispatcher serving the test tools."""
    d = Dispatcher(ToolTable([(TestProvider(), {})]))
    yield d
    d.close()


def lumen_run(args: list[str], cwd: Path, *, timeout: float = 60, env: Optional[dict] = None,
              stdin: Optional[str] = None) -> subprocess.CompletedProcess:
    """Run the `lumen run` command as a user would."""
    environment = dict(os.environ)
    environment.update(env or {})
    return subprocess.run([str(LUMEN), "run", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=environment, input=stdin if stdin is not None else "")


def write(path: Path, source: str) -> Path:
    path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
    return path


class Engine:
    """The helpers above, handed to tests through the `engine` fixture (test modules cannot import conftest)."""

    run = staticmethod(run_source)
    output = staticmethod(output_of)
    program = staticmethod(program_of)
    lumen_run = staticmethod(lumen_run)
    write = staticmethod(write)
    Listener = RecordingListener
    Provider = TestProvider
    repo = REPO


@pytest.fixture
def engine() -> type[Engine]:
    """Engine test helpers: `engine.run(source)`, `engine.output(source)`, `engine.lumen_run(args, cwd)`, …"""
    return Engine
