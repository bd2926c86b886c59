"""The test runner behind `lumen test` (TOOLING.md §2.4).

`collect_sources` finds the source files; `TestRunner` finds their `test_*` cells and runs each one in fresh
runtime state; `write_report` (with `format_result`, `format_failures`, `summary_line`) writes the command's exact
output lines. `lumen ci` uses the same pieces.
"""
from .report import format_failures, format_result, summary_line, write_report
from .runner import (COMPILE_TEST, DEFAULT_TEST_FUEL, TestInterrupted, TestResult, TestRunner, find_test_cells,
                     fuel_budget)
from .sources import NoSources, collect_sources

__all__ = ["COMPILE_TEST", "DEFAULT_TEST_FUEL", "NoSources", "TestInterrupted", "TestResult", "TestRunner",
           "collect_sources", "find_test_cells", "format_failures", "format_result", "fuel_budget", "summary_line",
           "write_report"]
