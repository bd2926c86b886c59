"""Finding and running test cells (TOOLING.md §2.4).

A test is a top-level cell of a source file whose name starts with `test_`. Tests run in file order, then source
order, each in fresh runtime state (a new engine run over the file's compiled program), with the tool providers
plugins register, as `lumen run` would, and with a fuel budget (`--fuel`, else `[runtime] test_fuel`, else
10,000,000). A test passes when it returns without error anything but `false`.

A file whose text cannot be read or parsed counts as one failed test named `<compile>`; so does a file with tests
whose program (the file and its imports) has a check error. A file without test cells is not compiled: its errors
are `lumen check`'s business.
"""
from __future__ import annotations

import io
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from ...config import ProjectConfig

COMPILE_TEST = "<compile>"
DEFAULT_TEST_FUEL = 10_000_000
DEFAULT_MAX_CALL_DEPTH = 10_000
TEST_PREFIX = "test_"


@dataclass
class TestResult:
    """The outcome of one test: `failure` is the text shown under its failure header (error and Lumen stack
    trace, or diagnostics), `output` what the test printed, `duration` its running time in seconds."""

    __test__ = False  # not a pytest test class

    file: str
    name: str
    passed: bool
    duration: float = 0.0
    failure: str = ""
    output: str = ""

    @property
    def test_id(self) -> str:
        """`<file>::<cell>`."""
        return f"{self.file}::{self.name}"


class TestInterrupted(Exception):
    """The user interrupted a test (Ctrl-C); the run stops."""

    __test__ = False


def find_test_cells(module: Any, name_filter: Optional[str] = None) -> list[str]:
    """Names of the top-level `test_*` cells of a parsed module in source order, keeping only names that contain
    `name_filter` when it is given."""
    from ...syntax import ast

    if module is None:
        return []
    names: list[str] = []
    for item in module.items:
        if not isinstance(item, ast.CellDecl) or not item.has_body or not item.name.startswith(TEST_PREFIX):
            continue
        if name_filter is not None and name_filter not in item.name:
            continue
        if item.name not in names:
            names.append(item.name)
    return names


def fuel_budget(config: ProjectConfig, override: Optional[int] = None) -> int:
    """The fuel budget of each test: `override` (`--fuel`), else `[runtime] test_fuel`, else 10,000,000."""
    if override is not None:
        return override
    configured = config.runtime.get("test_fuel")
    if isinstance(configured, int) and not isinstance(configured, bool) and configured >= 0:
        return configured
    return DEFAULT_TEST_FUEL


class TestRunner:
    """Runs the tests of source files, yielding one `TestResult` per test as it finishes."""

    __test__ = False

    def __init__(self, *, host: Any = None, fuel: Optional[int] = None, name_filter: Optional[str] = None,
                 color: bool = False) -> None:
        self.host = host
        self.fuel = fuel
        self.name_filter = name_filter
        self.color = color
        self._configs: dict[Path, ProjectConfig] = {}

    def run_files(self, files: Iterable[str]) -> Iterator[TestResult]:
        """Run the tests of every file, in the given order."""
        for path in files:
            yield from self.run_file(path)

    def run_file(self, path: str) -> Iterator[TestResult]:
        """Run the tests of one file (raises `ConfigError` for an invalid `lumen.toml`, `TestInterrupted` on
        Ctrl-C)."""
        from ...program import load_program

        display_path = path.replace("\\", "/")
        config = self._config_for(path)
        started = time.perf_counter()
        program = load_program(path, host=self.host)
        root = program.root
        if root.module is None or root.has_syntax_errors:
            yield self._compile_failure(display_path, program, started)
            return
        names = find_test_cells(root.module, self.name_filter)
        if not names:
            return
        from ...checker import check_program

        checked = check_program(program, host=self.host)
        if checked.has_errors:
            yield self._compile_failure(display_path, program, started, checked)
            return
        for name in names:
            yield self._run_test(program, display_path, name, config)

    # -- helpers ---------------------------------------------------------------------------------------------

    def _config_for(self, path: str) -> ProjectConfig:
        directory = Path(path).absolute().parent
        config = self._configs.get(directory)
        if config is None:
            config = ProjectConfig.discover(directory)
            self._configs[directory] = config
        return config

    def _compile_failure(self, display_path: str, program: Any, started: float, checked: Any = None) -> TestResult:
        """The `<compile>` failure of a file, with the program's diagnostics as its text."""
        from ...diagnostics.render import render_diagnostics

        diagnostics: list = []
        for module in program.modules:
            if checked is not None:
                diagnostics.extend(checked.diagnostics.get(module.path, []))
            else:
                found = list(module.syntax_diagnostics) + list(program.import_diagnostics.get(module.path, []))
                diagnostics.extend(sorted(found, key=lambda d: d.sort_key()))
        sources = {module.path: module.source.lines for module in program.modules}
        text = render_diagnostics(diagnostics, sources, color=self.color).rstrip("\n")
        if not text:
            text = "error: the file does not compile"
        return TestResult(display_path, COMPILE_TEST, False, time.perf_counter() - started, text)

    def _run_test(self, program: Any, display_path: str, name: str, config: ProjectConfig) -> TestResult:
        """Run one test cell in a fresh engine run and judge its outcome."""
        from ...runtime.engine import format_error, run_program
        from ...trace.store import new_run_id

        runtime = config.runtime
        depth = runtime.get("max_call_depth")
        max_call_depth = depth if isinstance(depth, int) and not isinstance(depth, bool) and depth > 0 \
            else DEFAULT_MAX_CALL_DEPTH
        concurrency = runtime.get("max_concurrent_tools")
        tool_concurrency = concurrency if isinstance(concurrency, int) and not isinstance(concurrency, bool) \
            and concurrency > 0 else None
        run_id = new_run_id()
        listeners = self._listeners(program, name, run_id)
        captured = io.StringIO()
        started = time.perf_counter()
        outcome = run_program(program, cell=name, fuel=fuel_budget(config, self.fuel),
                              max_call_depth=max_call_depth, listeners=listeners, stdout=captured, mode="test",
                              run_id=run_id, traced=False, config=config, tool_concurrency=tool_concurrency,
                              host=self.host)
        duration = time.perf_counter() - started
        if outcome.status == "interrupted":
            raise TestInterrupted(f"{display_path}::{name}")
        output = captured.getvalue()
        if outcome.status == "error" and outcome.error is not None:
            return TestResult(display_path, name, False, duration, format_error(outcome.error), output)
        if outcome.result is False:
            return TestResult(display_path, name, False, duration, "error: test returned false", output)
        return TestResult(display_path, name, True, duration, "", output)

    def _listeners(self, program: Any, name: str, run_id: str) -> list:
        """The runtime listeners plugins return for a test run (mode `test`)."""
        if self.host is None or not hasattr(self.host, "runtime_listeners"):
            return []
        from ...runtime.listeners import RunInfo

        info = RunInfo(source=Path(program.root.path), cell=name, mode="test", traced=False, run_id=run_id)
        return list(self.host.runtime_listeners(info))
