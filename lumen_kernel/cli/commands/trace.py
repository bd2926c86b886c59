"""`lumen trace show|verify|replay TRACE` (TOOLING.md §2.10, §4.3, §4.4)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _trace_dir(option: str | None) -> Path:
    if option:
        return Path(option)
    from lumen_kernel.config import find_project_root
    from lumen_kernel.trace.store import default_trace_dir

    return default_trace_dir(find_project_root(Path.cwd()))


def _resolve(trace: str, trace_dir: str | None) -> Path:
    from lumen_kernel.trace.reader import TraceError, resolve_trace

    try:
        return resolve_trace(trace, _trace_dir(trace_dir))
    except TraceError as error:
        _fail(error.render())
        raise AssertionError("unreachable")


trace_dir_option = click.option("--trace-dir", "trace_dir", metavar="DIR", default=None,
                                help="Where run ids and 'latest' are looked up (default <project root or "
                                     "cwd>/.lumen/traces).")


@click.group(name="trace")
def command() -> None:
    """Show, verify and replay run traces."""


@command.command(short_help="print the events of a trace")
@click.argument("trace", metavar="TRACE")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: one line per event; json: the raw trace lines.")
@trace_dir_option
def show(trace: str, output_format: str, trace_dir: str | None) -> None:
    """Print a trace's events (TRACE: a .jsonl path, a run id or 'latest')."""
    from lumen_kernel.trace.reader import TraceError, load_trace, read_bytes, split_lines

    path = _resolve(trace, trace_dir)
    try:
        if output_format == "json":
            lines = split_lines(read_bytes(path))
            load_trace(path)  # refuse malformed files instead of echoing them
            for line in lines:
                click.echo(line)
            return
        for record in load_trace(path):
            click.echo(format_event(record.seq, record.kind, record.body))
    except TraceError as error:
        error.path = error.path or path
        _fail(error.render())


def format_event(seq: int, kind: str, body: object) -> str:
    """`<seq, 6 digits> <kind> <field>=<CJSON> …`, body fields in key order."""
    from lumen_kernel.trace.cjson import cjson_text

    parts = [f"{seq:06d}", kind]
    if isinstance(body, dict):
        parts.extend(f"{key}={cjson_text(body[key])}" for key in sorted(body))
    else:
        parts.append(f"body={cjson_text(body)}")
    return " ".join(parts)


@command.command(short_help="check a trace's hash chain")
@click.argument("trace", metavar="TRACE")
@trace_dir_option
def verify(trace: str, trace_dir: str | None) -> None:
    """Check a trace's hash chain and framing (TRACE: a .jsonl path, a run id or 'latest')."""
    from lumen_kernel.trace.reader import TraceError
    from lumen_kernel.trace.verify import verify_trace

    path = _resolve(trace, trace_dir)
    try:
        verified = verify_trace(path)
    except TraceError as error:
        _fail(error.render())
        return
    click.echo(f"ok: {verified.count} events, head {verified.head}")


@command.command(short_help="re-execute a traced run and compare it event by event")
@click.argument("trace", metavar="TRACE")
@click.option("--source", "source", metavar="FILE", default=None,
              help="Entry file to replay (default: the file recorded in the trace).")
@click.option("--show-output", is_flag=True, help="Print the replayed program's output.")
@trace_dir_option
def replay(trace: str, source: str | None, show_output: bool, trace_dir: str | None) -> None:
    """Re-run a traced program against its recording, without providers (TRACE: a path, run id or 'latest')."""
    from lumen_kernel.trace.reader import TraceError
    from lumen_kernel.trace.replay import ReplayFailed, replay_trace

    path = _resolve(trace, trace_dir)
    try:
        result = replay_trace(path, source=source, show_output=show_output)
    except TraceError as error:
        _fail(error.render())
        return
    except ReplayFailed as error:
        _fail(error.message)
        return
    click.echo(f"replay ok: {result.count} events, head {result.head}")
