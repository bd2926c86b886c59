#!/usr/bin/env python3
"""Compare the Lumen engine with CPython on the programs of `bench/engine/`.

Each benchmark is a Lumen program `NAME.lm` and a line-for-line equivalent Python program `NAME.py`. For each pair
this script measures, several times (best of N):

- **in-process**: the Lumen program run by `run_program` after it was compiled (load, parse and compile excluded),
  against the Python program's compiled code executed with `exec` (CPU time of this process, the two sides run
  alternately so that both see the same load on a shared machine);
- **whole command**: `lumen run NAME.lm` against `python NAME.py` as subprocesses, both wall time and the child's
  CPU time (user + system).

It prints one row per program with both ratios (Lumen / CPython) and their geometric means, and the command lines it
ran. Usage: `python bench/engine_vs_cpython.py [--runs N] [--only NAME]`.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import math
import os
import resource
import subprocess
import sys
import time
import types
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench" / "engine"
sys.path.insert(0, str(ROOT))


def lumen_runner(path: Path) -> Callable[[], tuple[float, str]]:
    """A function running the compiled Lumen program once (compilation and a warm-up run are done here) and
    returning its CPU time and displayed result."""
    from lumen_kernel.program import load_program
    from lumen_kernel.runtime.engine import run_program
    from lumen_kernel.runtime.render import display

    program = load_program(str(path))
    if program.has_syntax_errors():
        raise SystemExit(f"{path}: syntax errors")
    run_program(program, stdout=io.StringIO())          # compile and warm up

    def run_once() -> tuple[float, str]:
        out = io.StringIO()
        started = time.process_time()
        outcome = run_program(program, stdout=out)
        elapsed = time.process_time() - started
        if not outcome.ok:
            raise SystemExit(f"{path}: {outcome.error.message}")
        return elapsed, display(outcome.result)

    return run_once


def python_runner(path: Path) -> Callable[[], tuple[float, str]]:
    """A function executing the Python program's compiled code once, returning its CPU time and printed result."""
    code = compile(path.read_text(encoding="utf-8"), str(path), "exec")

    def run_once() -> tuple[float, str]:
        out = io.StringIO()
        started = time.process_time()
        module = types.ModuleType("__bench__")
        sys.modules["__bench__"] = module
        with contextlib.redirect_stdout(out):
            exec(code, module.__dict__)   # noqa: S102 - our own benchmark program
        del sys.modules["__bench__"]
        return time.process_time() - started, out.getvalue().strip()

    return run_once


def in_process(lm: Path, py: Path, runs: int) -> tuple[float, str, float, str]:
    """Best CPU time and result of each side, the two sides run alternately (so that both see the same load on a
    shared machine)."""
    lumen, python = lumen_runner(lm), python_runner(py)
    best_lumen = best_python = math.inf
    lumen_result = python_result = ""
    for _ in range(runs):
        elapsed, lumen_result = lumen()
        best_lumen = min(best_lumen, elapsed)
        elapsed, python_result = python()
        best_python = min(best_python, elapsed)
    return best_lumen, lumen_result, best_python, python_result


def wall(command: list[str], runs: int, cwd: Path) -> tuple[float, float]:
    """Best wall time and best child CPU time (user + system) of a command."""
    best_wall = best_cpu = math.inf
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)   # measure like an installed toolchain (bytecode cached)
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        best_wall = min(best_wall, time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        best_cpu = min(best_cpu, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return best_wall, best_cpu


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (best is kept)")
    parser.add_argument("--only", action="append", default=[], help="run only this benchmark (repeatable)")
    args = parser.parse_args()

    lumen_cmd = [str(ROOT / ".venv" / "bin" / "lumen"), "run"]
    python_cmd = [sys.executable]
    print(f"lumen command:  {' '.join(lumen_cmd)} NAME.lm   (cwd {BENCH})")
    print(f"python command: {' '.join(python_cmd)} NAME.py")
    print(f"runs per measurement: {args.runs} (best kept)\n")
    header = (f"{'program':<12} {'lumen ms':>9} {'python ms':>9} {'ratio':>6}   {'lumen run':>9} {'python':>7} "
              f"{'wall x':>6}   {'lumen run':>9} {'python':>7} {'cpu x':>6}")
    print(f"{'':<12} {'in-process CPU':^26}   {'whole command, wall ms':^24}   {'whole command, CPU ms':^24}")
    print(header)
    print("-" * len(header))
    in_ratios: list[float] = []
    wall_ratios: list[float] = []
    cpu_ratios: list[float] = []
    for lm in sorted(BENCH.glob("*.lm")):
        name = lm.stem
        if args.only and name not in args.only:
            continue
        py = lm.with_suffix(".py")
        lumen_time, lumen_result, python_time, python_result = in_process(lm, py, args.runs)
        if lumen_result != python_result:
            print(f"{name}: results differ: lumen {lumen_result!r}, python {python_result!r}")
            return 1
        lumen_wall, lumen_cpu = wall(lumen_cmd + [lm.name], args.runs, BENCH)
        python_wall, python_cpu = wall(python_cmd + [py.name], args.runs, BENCH)
        ratio = lumen_time / python_time
        in_ratios.append(ratio)
        wall_ratios.append(lumen_wall / python_wall)
        cpu_ratios.append(lumen_cpu / python_cpu)
        print(f"{name:<12} {lumen_time * 1000:>9.1f} {python_time * 1000:>9.1f} {ratio:>6.2f}   "
              f"{lumen_wall * 1000:>9.0f} {python_wall * 1000:>7.0f} {wall_ratios[-1]:>6.2f}   "
              f"{lumen_cpu * 1000:>9.0f} {python_cpu * 1000:>7.0f} {cpu_ratios[-1]:>6.2f}")
    print("-" * len(header))
    print(f"{'geomean':<12} {'':>9} {'':>9} {geomean(in_ratios):>6.2f}   {'':>9} {'':>7} "
          f"{geomean(wall_ratios):>6.2f}   {'':>9} {'':>7} {geomean(cpu_ratios):>6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
