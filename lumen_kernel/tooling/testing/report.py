"""The output lines of `lumen test` (TOOLING.md §2.4).

One line per test (`test <file>::<cell> ... ok|FAILED`, with the duration under `--verbose`), then, when any test
failed, a `failures:` section with a `---- <file>::<cell> ----` block per failure (its error and Lumen stack trace,
or the file's diagnostics, then what the test printed), and last the summary `N passed, M failed`.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TextIO

from .runner import TestResult


def format_result(result: TestResult, verbose: bool = False) -> str:
    """The line reporting one test, without a line feed."""
    status = "ok" if result.passed else "FAILED"
    line = f"test {result.test_id} ... {status}"
    if verbose:
        line += f" ({format_duration(result.duration)})"
    return line


def format_duration(seconds: float) -> str:
    """A test's running time, e.g. `0.004s`."""
    return f"{seconds:.3f}s"


def format_failures(results: Sequence[TestResult]) -> str:
    """The `failures:` section (empty when every test passed), ending with a line feed."""
    failed = [result for result in results if not result.passed]
    if not failed:
        return ""
    parts = ["failures:\n"]
    for result in failed:
        block = [f"---- {result.test_id} ----", result.failure.rstrip("\n")]
        if result.output:
            block.append("output:")
            block.append(result.output.rstrip("\n"))
        parts.append("\n".join(block) + "\n")
    return "\n".join(parts)


def summary_line(passed: int, failed: int) -> str:
    """`N passed, M failed`."""
    return f"{passed} passed, {failed} failed"


def write_report(results: Iterable[TestResult], stream: TextIO, verbose: bool = False) -> list[TestResult]:
    """Write each result's line as it arrives, then the failures section and the summary; return the results."""
    finished: list[TestResult] = []
    for result in results:
        finished.append(result)
        stream.write(format_result(result, verbose) + "\n")
        stream.flush()
    failures = format_failures(finished)
    if finished:
        stream.write("\n")
    if failures:
        stream.write(failures + "\n")
    passed = sum(1 for result in finished if result.passed)
    stream.write(summary_line(passed, len(finished) - passed) + "\n")
    stream.flush()
    return finished
