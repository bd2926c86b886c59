#!/usr/bin/env python3
"""Benchmark: wall time of ``lumen --help`` with every installed plugin (TOOLING.md §1.1, §8 item 8).

    .venv/bin/python bench/cli_startup.py [--runs N] [--warmup N] [--threshold-s S] [--json OUT]

Runs each scenario ``--warmup`` times untimed (so bytecode caches are written), then ``--runs`` times, and prints a
table of min / median / p90 / max wall times in milliseconds. Scenarios: ``lumen --help`` with all plugins, with
external plugins disabled (``LUMEN_DISABLE_PLUGINS=*``), and a bare interpreter start for reference. Exits 1 when the
median of ``lumen --help`` reaches the threshold (default 0.3 s).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path


def lumen_command() -> list[str]:
    """The ``lumen`` console script next to this interpreter, else ``python -m lumen_kernel``."""
    script = Path(sys.executable).with_name("lumen")
    return [str(script)] if script.exists() else [sys.executable, "-m", "lumen_kernel"]


def time_command(command: list[str], env: dict[str, str], runs: int, warmup: int) -> list[float]:
    """Wall times in seconds of ``runs`` executions after ``warmup`` untimed ones; each must exit 0."""
    samples = []
    for index in range(warmup + runs):
        start = time.perf_counter()
        completed = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        if completed.returncode != 0:
            raise SystemExit(f"{' '.join(command)} exited {completed.returncode}: {completed.stderr.decode()}")
        if index >= warmup:
            samples.append(elapsed)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    """Min, median, nearest-rank p90 and max in milliseconds."""
    ordered = sorted(samples)
    p90 = ordered[math.ceil(0.9 * len(ordered)) - 1]
    return {"min_ms": ordered[0] * 1000, "median_ms": statistics.median(ordered) * 1000, "p90_ms": p90 * 1000,
            "max_ms": ordered[-1] * 1000}


def main() -> int:
    """Run the scenarios, print the table, write JSON if asked, apply the threshold."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threshold-s", type=float, default=0.3)
    parser.add_argument("--json", type=Path, default=None, help="also write the results to this file")
    options = parser.parse_args()

    env = dict(os.environ, COLUMNS="100", NO_COLOR="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure what users get: cached bytecode
    env.pop("LUMEN_DISABLE_PLUGINS", None)
    lumen = lumen_command()
    scenarios = [
        ("lumen --help (all plugins)", [*lumen, "--help"], env),
        ("lumen --help (LUMEN_DISABLE_PLUGINS=*)", [*lumen, "--help"], dict(env, LUMEN_DISABLE_PLUGINS="*")),
        ("python -c pass (interpreter start)", [sys.executable, "-c", "pass"], env),
    ]
    results = {}
    print(f"# {' '.join(sys.argv)}  ({date.today()}, {platform.node()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {options.runs} runs after {options.warmup} warm-up)")
    print(f"| {'scenario':<40} | {'min ms':>7} | {'median ms':>9} | {'p90 ms':>7} | {'max ms':>7} |")
    print(f"|{'-' * 42}|{'-' * 9}|{'-' * 11}|{'-' * 9}|{'-' * 9}|")
    for label, command, scenario_env in scenarios:
        stats = summary(time_command(command, scenario_env, options.runs, options.warmup))
        results[label] = stats
        print(f"| {label:<40} | {stats['min_ms']:>7.1f} | {stats['median_ms']:>9.1f} | {stats['p90_ms']:>7.1f} | "
              f"{stats['max_ms']:>7.1f} |")
    if options.json is not None:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        options.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    median_s = results["lumen --help (all plugins)"]["median_ms"] / 1000
    if median_s >= options.threshold_s:
        print(f"FAIL: median {median_s:.3f} s >= threshold {options.threshold_s} s", file=sys.stderr)
        return 1
    print(f"ok: median {median_s:.3f} s < threshold {options.threshold_s} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
