"""Benchmark of `lumen tui` (TOOLING.md §7.2, §8 item 55).

Usage: .venv/bin/python bench/tui_overhead.py [--runs N] [--iterations N]

1. Overhead: a loop of N iterations (default 1,000,000) run under the dashboard, not stepping (headless app at
   120x40, `r` pressed, the 50 ms drain timer and rendering live), against the same program as `lumen run` executes
   it (load, check, `run_program` with the plugin listeners and no line probes). Both time the program's execution
   only (start of the run to its end), in wall-clock time and in process CPU time (all threads, so the dashboard's
   own work counts; CPU time is much less disturbed by other jobs on a shared machine). The `lumen run` process wall
   time, start-up included, is shown for reference. Requirement: the dashboard's run time is at most 3x `lumen
   run`'s; the exit status judges the CPU-time medians (wall-clock medians swing with the machine's load).
2. Key latency while the program prints a line per iteration without pause: time from a key press (`p`) reaching
   the app to its action running (the pause request), to the Lumen thread stopping, and to the screen showing
   `paused`. Requirement: keys handled within 200 ms.

Prints a table with medians (and min/max) over the runs.
"""
from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LOOP_PROGRAM = """\
cell main() -> Int
  let total = 0
  for i in 0..{iterations}
    total += i % 7
  end
  return total
end
"""

PRINTING_PROGRAM = """\
cell main() -> Int
  let n = 0
  while true
    n += 1
    print("line {n}")
  end
  return n
end
"""

SIZE = (120, 40)


def lumen_run_execution(path: Path, clock=time.perf_counter) -> float:
    """Execution time of the program as `lumen run` runs it (checked, plugin listeners, no line probes)."""
    from lumen_kernel.checker import check_program
    from lumen_kernel.plugin_host import get_host
    from lumen_kernel.program import load_program
    from lumen_kernel.runtime.engine import run_program
    from lumen_kernel.runtime.listeners import RunInfo

    host = get_host()
    program = load_program(str(path), host=host)
    check_program(program, host=host)
    listeners = host.runtime_listeners(RunInfo(source=path, cell="main", mode="run", traced=False, run_id="bench"))
    started = clock()
    outcome = run_program(program, listeners=listeners, stdout=io.StringIO(), host=host)
    elapsed = clock() - started
    assert outcome.ok, outcome.error
    return elapsed


def lumen_run_process(path: Path) -> float:
    """Wall time of `lumen run FILE` as a process (start-up included)."""
    lumen = Path(sys.executable).with_name("lumen")
    started = time.perf_counter()
    subprocess.run([str(lumen), "run", str(path)], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def dashboard_app(path: Path, clock=time.perf_counter):
    from lumen_kernel.plugin_host import get_host

    from lumen_tui.app import LumenTuiApp
    from lumen_tui.live_run import RunSettings
    from lumen_tui.panels import registered_panels
    from lumen_tui.session import ProgramSession

    host = get_host()
    session = ProgramSession.open(str(path), RunSettings(), host=host)
    return LumenTuiApp(session=session, display_path=path.name, panels=registered_panels(host),
                       clock=clock)


async def wait_until(condition, timeout: float = 120.0, step: float = 0.001) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("benchmark condition not reached")
        await asyncio.sleep(step)


def dashboard_execution(path: Path, clock=time.perf_counter) -> tuple[float, float]:
    """(run time measured by the run with `clock`, wall time from the key press to `finished` on screen)."""
    app = dashboard_app(path, clock)
    result: list[float] = []

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            await pilot.pause()
            pressed = time.perf_counter()
            app.simulate_key("r")
            await wait_until(lambda: screen.live is not None)
            live = screen.live
            await wait_until(lambda: screen.state == "finished", step=0.01)
            shown = time.perf_counter()
            assert live.ended_at is not None
            result.extend([live.ended_at - live.started_at, shown - pressed])

    asyncio.run(scenario())
    return result[0], result[1]


def key_latency(path: Path) -> tuple[float, float, float, int]:
    """(key to action, key to the program stopping, key to `paused` shown, lines shown) while printing."""
    app = dashboard_app(path)
    result: list[float] = []

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            await pilot.pause()
            app.simulate_key("r")
            await wait_until(lambda: screen.live is not None)
            live = screen.live
            await asyncio.sleep(1.0)
            pressed = time.perf_counter()
            app.simulate_key("p")
            await wait_until(lambda: live.controller.mode == "pause", step=0.0005)
            handled = time.perf_counter()
            await wait_until(lambda: live.controller.stop is not None, step=0.0005)
            stopped = time.perf_counter()
            await wait_until(lambda: screen.state == "paused", step=0.0005)
            shown = time.perf_counter()
            lines = screen.query_one("#output").line_count
            result.extend([handled - pressed, stopped - pressed, shown - pressed, lines])
            await pilot.press("q")

    asyncio.run(scenario())
    return result[0], result[1], result[2], int(result[3])


def describe(values: list[float], unit: float = 1.0, digits: int = 3) -> str:
    scaled = [v * unit for v in values]
    return (f"{statistics.median(scaled):>10.{digits}f} {min(scaled):>10.{digits}f} "
            f"{max(scaled):>10.{digits}f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=1_000_000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        loop = Path(directory) / "loop.lm"
        loop.write_text(LOOP_PROGRAM.replace("{iterations}", str(options.iterations)), encoding="utf-8")
        printing = Path(directory) / "printing.lm"
        printing.write_text(PRINTING_PROGRAM, encoding="utf-8")

        lumen_run_execution(loop)  # warm-up: imports, bytecode caches
        dashboard_execution(loop)
        run_times = [lumen_run_execution(loop) for _ in range(options.runs)]
        run_cpu = [lumen_run_execution(loop, time.process_time) for _ in range(options.runs)]
        process_times = [lumen_run_process(loop) for _ in range(options.runs)]
        tui = [dashboard_execution(loop) for _ in range(options.runs)]
        tui_times = [run for run, _shown in tui]
        shown_times = [shown for _run, shown in tui]
        tui_cpu = [dashboard_execution(loop, time.process_time)[0] for _ in range(options.runs)]
        latencies = [key_latency(printing) for _ in range(options.runs)]

    ratio = statistics.median(tui_times) / statistics.median(run_times)
    cpu_ratio = statistics.median(tui_cpu) / statistics.median(run_cpu)
    print(f"command: {Path(sys.executable).name} bench/tui_overhead.py --runs {options.runs} "
          f"--iterations {options.iterations}")
    print(f"{'measure':<58} {'median':>10} {'min':>10} {'max':>10}")
    print(f"{'lumen run: program execution, wall (s)':<58} {describe(run_times)}")
    print(f"{'lumen run: program execution, CPU (s)':<58} {describe(run_cpu)}")
    print(f"{'lumen run: whole process, start-up included, wall (s)':<58} {describe(process_times)}")
    print(f"{'lumen tui, not stepping: program execution, wall (s)':<58} {describe(tui_times)}")
    print(f"{'lumen tui, not stepping: program execution, CPU (s)':<58} {describe(tui_cpu)}")
    print(f"{'lumen tui: key r to finished on screen, wall (s)':<58} {describe(shown_times)}")
    print(f"{'ratio tui / lumen run, wall (medians)':<58} {ratio:>10.2f}")
    print(f"{'ratio tui / lumen run, CPU (medians)':<58} {cpu_ratio:>10.2f}   (requirement <= 3.00)")
    print(f"{'printing program: key p to action (ms)':<58} {describe([l[0] for l in latencies], 1000, 1)}")
    print(f"{'printing program: key p to program stopped (ms)':<58} {describe([l[1] for l in latencies], 1000, 1)}")
    print(f"{'printing program: key p to paused on screen (ms)':<58} {describe([l[2] for l in latencies], 1000, 1)}")
    print(f"{'printing program: lines shown after 1 s (last 10,000 kept)':<58} "
          f"{statistics.median([l[3] for l in latencies]):>10,.0f}")
    return 0 if cpu_ratio <= 3.0 and max(l[0] for l in latencies) <= 0.2 else 1


if __name__ == "__main__":
    sys.exit(main())
