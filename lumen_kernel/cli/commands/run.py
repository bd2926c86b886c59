"""`lumen run FILE [options] [-- ARGS…]` (TOOLING.md §2.1).

Loads and checks the program (compile diagnostics on stderr, exit 1), then runs its entry cell with the tool
providers plugins register: program output on stdout as produced, then the result in display form when it is not
null. A runtime error prints `error: <message>` and the Lumen stack trace on stderr (exit 1); Ctrl-C exits 130.
"""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any, Optional

import click


@click.command(name="run")
@click.argument("file", metavar="FILE")
@click.argument("program_args", nargs=-1, metavar="[-- ARGS...]")
@click.option("--cell", "cell", default="main", show_default=True, metavar="NAME", help="Entry cell to call.")
@click.option("--arg", "arg_values", multiple=True, metavar="NAME=VALUE",
              help="Argument of the entry cell (JSON, else a string), repeatable.")
@click.option("--fuel", type=click.IntRange(min=0), default=None, metavar="N",
              help="Fuel budget (default: [runtime] fuel, else unlimited).")
@click.option("--max-call-depth", "max_call_depth", type=click.IntRange(min=1), default=None, metavar="N",
              help="Maximum call depth (default: [runtime] max_call_depth, else 10000).")
@click.option("--tool-concurrency", "tool_concurrency", type=click.IntRange(min=1), default=None, metavar="N",
              help="Tool calls in flight at once (default: [runtime] max_concurrent_tools, else 16).")
@click.option("--trace", "trace", is_flag=True, help="Write a trace to <project root or cwd>/.lumen/traces.")
@click.option("--trace-dir", "trace_dir", default=None, metavar="DIR", help="Write a trace to DIR.")
def command(file: str, program_args: tuple[str, ...], cell: str, arg_values: tuple[str, ...], fuel: Optional[int],
            max_call_depth: Optional[int], tool_concurrency: Optional[int], trace: bool,
            trace_dir: Optional[str]) -> int:
    """Run a Lumen program's entry cell."""
    from lumen_kernel.config import ConfigError, ProjectConfig
    from lumen_kernel.plugin_host import get_host
    from lumen_kernel.program import load_program

    file_path = Path(file)
    try:
        config = ProjectConfig.discover(file_path.parent if str(file_path.parent) else Path.cwd())
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    host = get_host()
    program = load_program(file, host=host)
    if report_compile_errors(program, host):
        return 1
    args = entry_arguments(program, cell, arg_values)
    runtime = config.runtime
    if fuel is None and isinstance(runtime.get("fuel"), int):
        fuel = runtime["fuel"]
    if max_call_depth is None:
        max_call_depth = runtime.get("max_call_depth") if isinstance(runtime.get("max_call_depth"), int) else 10_000
    if tool_concurrency is None and isinstance(runtime.get("max_concurrent_tools"), int):
        tool_concurrency = runtime["max_concurrent_tools"]
    return execute(program, host=host, config=config, cell=cell, args=args, fuel=fuel,
                   max_call_depth=max_call_depth, tool_concurrency=tool_concurrency, trace=trace,
                   trace_dir=trace_dir, program_args=program_args)


def report_compile_errors(program: Any, host: Any) -> bool:
    """Print the program's diagnostics on stderr (checker when available, else syntax and imports); True when the
    program must not run."""
    from lumen_kernel.diagnostics.render import render_diagnostics

    diagnostics: list = []
    sources = {module.path: module.source.lines for module in program.modules}
    checker = _checker()
    if checker is not None:
        result = checker(program, host=host)
        for module in program.modules:
            diagnostics.extend(result.diagnostics.get(module.path, []))
        has_errors = bool(result.has_errors)
    else:
        for module in program.modules:
            found = list(module.syntax_diagnostics) + list(program.import_diagnostics.get(module.path, []))
            diagnostics.extend(sorted(found, key=lambda d: d.sort_key()))
        has_errors = any(d.is_error for d in diagnostics)
    if diagnostics:
        text = render_diagnostics(diagnostics, sources, color=_color())
        sys.stderr.write(text)
        sys.stderr.flush()
    return has_errors


def _checker() -> Any:
    """`lumen_kernel.checker.check_program` when the checker is installed."""
    if importlib.util.find_spec("lumen_kernel.checker") is None:
        return None
    try:
        from lumen_kernel import checker
    except ImportError:
        return None
    return getattr(checker, "check_program", None)


def entry_arguments(program: Any, cell: str, arg_values: tuple[str, ...]) -> dict:
    """`--arg NAME=VALUE` values converted to the entry cell's parameter types (usage errors exit 2)."""
    params = _entry_params(program, cell)
    args: dict = {}
    for item in arg_values:
        name, sep, text = item.partition("=")
        if not sep or not name:
            raise click.UsageError(f"--arg {item}: expected NAME=VALUE")
        if params is None:
            args[name] = _json_or_text(text)
            continue
        param = next((p for p in params if p.name == name), None)
        if param is None:
            raise click.UsageError(f"cell '{cell}' has no parameter '{name}'")
        args[name] = convert_argument(name, text, param.type)
    return args


def _entry_params(program: Any, cell: str) -> Optional[list]:
    from lumen_kernel.syntax import ast

    module = program.root.module
    if module is None:
        return None
    for item in module.items:
        if isinstance(item, ast.CellDecl) and item.name == cell:
            return list(item.params)
    statements = [item for item in module.items if isinstance(item, ast.Stmt)]
    declares_main = any(isinstance(item, ast.CellDecl) and item.name == "main" for item in module.items)
    script = "__script_main" if declares_main else "main"
    if statements and cell == script:
        return []
    return None


def _json_or_text(text: str) -> Any:
    from lumen_kernel.tools.json_values import from_json

    try:
        return from_json(json.loads(text))
    except (ValueError, TypeError):
        return text


def convert_argument(name: str, text: str, type_expr: Any) -> Any:
    """Convert an `--arg` value to a parameter type (TOOLING.md §2.1)."""
    from lumen_kernel.compiler.typespec import render_type

    type_name = render_type(type_expr) if type_expr is not None else "Any"
    base = type_name.split("[", 1)[0].strip().lower()
    if base == "string":
        return text
    value = _json_or_text(text)
    ok = True
    if base == "int":
        ok = type(value) is int
    elif base == "float":
        ok = type(value) in (int, float)
        if ok:
            value = float(value)
    elif base == "bool":
        ok = type(value) is bool
    elif base == "list":
        ok = type(value) is list
    elif base == "map":
        ok = type(value) is dict
    if not ok:
        raise click.UsageError(f"--arg {name}={text}: expected {type_name}")
    return value


def execute(program: Any, *, host: Any, config: Any, cell: str, args: dict, fuel: Optional[int],
            max_call_depth: int, tool_concurrency: Optional[int], trace: bool, trace_dir: Optional[str],
            program_args: tuple[str, ...]) -> int:
    """Run the program and report its result, error and trace; return the exit status."""
    from lumen_kernel.runtime.engine import format_error, run_program
    from lumen_kernel.runtime.listeners import RunInfo
    from lumen_kernel.runtime.render import display

    listeners: list = []
    writer = None
    run_id = None
    traced = trace or trace_dir is not None
    if traced:
        from lumen_kernel.trace.store import TraceWriter, default_trace_dir

        directory = Path(trace_dir) if trace_dir is not None else default_trace_dir(
            config.root if config.has_manifest else Path.cwd())
        writer = TraceWriter(directory)
        run_id = writer.run_id
        listeners.append(writer)
    else:
        from lumen_kernel.trace.store import new_run_id

        run_id = new_run_id()
    try:
        info = RunInfo(source=Path(program.root.path), cell=cell, mode="run", traced=traced, run_id=run_id)
        listeners.extend(host.runtime_listeners(info))
    except Exception:  # noqa: BLE001 - listeners are optional
        pass
    outcome = run_program(program, cell=cell, args=args, fuel=fuel, max_call_depth=max_call_depth,
                          listeners=listeners, stdout=sys.stdout, stderr=sys.stderr, mode="run", run_id=run_id,
                          traced=traced, config=config, tool_concurrency=tool_concurrency,
                          program_args=program_args, host=host)
    status = 0
    if outcome.status == "ok":
        if outcome.result is not None:
            sys.stdout.write(display(outcome.result) + "\n")
        sys.stdout.flush()
    elif outcome.status == "interrupted":
        sys.stdout.flush()
        status = 130
    else:
        sys.stdout.flush()
        sys.stderr.write(format_error(outcome.error) + "\n")
        status = 1
    if writer is not None:
        sys.stderr.write(f"trace: {writer.path} (head {writer.head})\n")
    sys.stderr.flush()
    return status


def _color() -> bool:
    try:
        from lumen_kernel.cli.app import color_enabled
    except ImportError:  # pragma: no cover
        return False
    return color_enabled(sys.stderr)


__all__ = ["command", "convert_argument", "entry_arguments", "execute", "report_compile_errors"]
