"""`lumen tui FILE [--cell NAME] [--arg NAME=VALUE]… [--fuel N]` and `lumen tui --trace TRACE` (TOOLING.md §7).

Loaded lazily by the `lumen` command (target `lumen_tui.cli:tui`), so Textual is imported only when the command runs.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import click


@click.command(name="tui")
@click.argument("file", metavar="[FILE]", required=False)
@click.option("--cell", "cell", default="main", show_default=True, metavar="NAME", help="Entry cell to call.")
@click.option("--arg", "arg_values", multiple=True, metavar="NAME=VALUE",
              help="Argument of the entry cell (JSON, else a string), repeatable.")
@click.option("--fuel", type=click.IntRange(min=0), default=None, metavar="N",
              help="Fuel budget (default: [runtime] fuel, else unlimited).")
@click.option("--trace", "trace", default=None, metavar="TRACE",
              help="Browse a trace (a .jsonl path, a run id or 'latest') instead of running a program.")
def tui(file: Optional[str], cell: str, arg_values: tuple[str, ...], fuel: Optional[int],
        trace: Optional[str]) -> int:
    """Run a program in a terminal dashboard, or browse a trace."""
    if trace is not None:
        if file is not None or arg_values or fuel is not None or cell != "main":
            raise click.UsageError("--trace cannot be combined with FILE, --cell, --arg or --fuel")
        app = _trace_app(trace)
    elif file is None:
        raise click.UsageError("missing argument FILE (or --trace TRACE)")
    else:
        app = _program_app(file, cell, arg_values, fuel)
    app.run()
    return 0


def _program_app(file: str, cell: str, arg_values: tuple[str, ...], fuel: Optional[int]):
    """The dashboard for `file` (usage and configuration errors are reported before the screen opens)."""
    from lumen_kernel.cli.commands.run import entry_arguments
    from lumen_kernel.config import ConfigError, ProjectConfig
    from lumen_kernel.plugin_host import get_host
    from lumen_kernel.program import load_program

    path = Path(file)
    if not path.is_file():
        raise click.ClickException(f"cannot read '{file}': no such file")
    try:
        config = ProjectConfig.discover(path.parent if str(path.parent) else Path.cwd())
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    host = get_host()
    program = load_program(file, host=host)
    args = entry_arguments(program, cell, arg_values)
    runtime = config.runtime
    if fuel is None and _is_int(runtime.get("fuel")):
        fuel = runtime["fuel"]
    max_call_depth = runtime["max_call_depth"] if _is_int(runtime.get("max_call_depth")) else 10_000
    concurrency = runtime["max_concurrent_tools"] if _is_int(runtime.get("max_concurrent_tools")) else None

    from lumen_tui.app import LumenTuiApp
    from lumen_tui.live_run import RunSettings
    from lumen_tui.panels import registered_panels
    from lumen_tui.session import ProgramSession

    settings = RunSettings(cell=cell, args=args, fuel=fuel, max_call_depth=max_call_depth,
                           tool_concurrency=concurrency)
    session = ProgramSession.for_program(program, settings, host=host, config=config)
    return LumenTuiApp(session=session, display_path=file, panels=registered_panels(host))


def _trace_app(spec: str):
    """The trace browser for `spec` (a path, a run id or `latest` in the project's trace directory)."""
    from lumen_kernel.config import find_project_root
    from lumen_kernel.trace.reader import TraceError, resolve_trace
    from lumen_kernel.trace.store import default_trace_dir

    try:
        path = resolve_trace(spec, default_trace_dir(find_project_root(Path.cwd())))
        from lumen_tui.trace_data import open_trace

        trace = open_trace(path)
    except TraceError as error:
        raise click.ClickException(error.render()) from None

    from lumen_tui.app import LumenTuiApp

    return LumenTuiApp(trace=trace, display_path=_display_path(path))


def _display_path(path: Path) -> str:
    """`path` relative to the current directory when it is inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
