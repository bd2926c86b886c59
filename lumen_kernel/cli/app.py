"""The ``lumen`` command line: root group, global options, exit codes and error reporting (TOOLING.md §0, §2).

Commands come from the plugin host's command registry (kernel commands are the internal plugin
``lumen.core.commands``). Exit codes: 0 success, 1 failure, 2 usage error, 130 interrupted. A command's integer return
value (or ``ctx.exit(code)``) is its exit code. ``click.ClickException("msg")`` prints ``error: msg`` and exits 1;
``click.UsageError`` exits 2. Any other exception is an internal error: one line, no traceback unless
``LUMEN_DEBUG=1``.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any, TextIO

import click

import lumen_kernel
from lumen_kernel.cli.lazy import LazyCommand
from lumen_kernel.plugin_host import get_host
from lumen_kernel.plugin_host.host import PluginHost, PluginLoadError

COLOR_CHOICES = ("auto", "always", "never")
_COLOR_META_KEY = "lumen.color"
_TRUE_WORDS = ("1", "true", "yes", "on")


def color_enabled(stream: TextIO | None = None) -> bool:
    """Whether output to ``stream`` (stdout by default) should carry ANSI colours.

    ``--color always``/``never`` decide; ``auto`` colours only a terminal, and only when ``NO_COLOR`` is unset.
    """
    ctx = click.get_current_context(silent=True)
    choice = ctx.meta.get(_COLOR_META_KEY, "auto") if ctx is not None else "auto"
    if choice == "always":
        return True
    if choice == "never" or "NO_COLOR" in os.environ:
        return False
    stream = stream if stream is not None else sys.stdout
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _set_color(ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """Apply ``--color``: remember the choice and tell click whether to keep or strip ANSI styles."""
    ctx.meta[_COLOR_META_KEY] = value
    if value == "always":
        ctx.color = True
    elif value == "never" or "NO_COLOR" in os.environ:
        ctx.color = False
    else:
        ctx.color = None  # click colours terminals only
    return value


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--version``: print ``lumen <version>`` and stop."""
    if value and not ctx.resilient_parsing:
        click.echo(f"lumen {lumen_kernel.__version__}")
        ctx.exit(0)


def build_cli(host: PluginHost) -> click.Group:
    """The root ``lumen`` group with every command registered in ``host`` (targets stay unimported)."""

    @click.group(
        name="lumen",
        invoke_without_command=False,
        no_args_is_help=False,
        context_settings={"max_content_width": 100},
    )
    @click.option("--color", type=click.Choice(COLOR_CHOICES), default="auto", show_default=True, is_eager=True,
                  expose_value=False, callback=_set_color, metavar="WHEN",
                  help="Colour output: auto (terminals, unless NO_COLOR is set), always or never.")
    @click.option("--version", is_flag=True, is_eager=True, expose_value=False, callback=_print_version,
                  help="Print the version and exit.")
    def lumen() -> None:
        """The Lumen toolchain: run, check, test, format, document and package Lumen programs."""

    registered_paths = {entry.path for entry in host.commands.entries()}
    for entry in host.commands.entries():
        if entry.parent is not None and entry.parent not in registered_paths:
            host.emit("warning", f"plugin '{entry.plugin}' registered command '{entry.path}' under unknown "
                                  f"command '{entry.parent}'; ignored")

    def warn(message: str) -> None:
        host.emit("warning", message)

    for entry in host.commands.top_level():
        lumen.add_command(LazyCommand(entry, host.commands.children, warn), entry.name)
    return lumen


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``lumen`` with ``argv`` (default: the process arguments) and return the exit code."""
    try:
        return _run(list(sys.argv[1:] if argv is None else argv))
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 1
    except Exception as error:  # the internal-error wrapper of TOOLING.md §0
        if os.environ.get("LUMEN_DEBUG", "").strip().lower() in _TRUE_WORDS:
            traceback.print_exc()
        print(f"error: internal error: {type(error).__name__}: {error} (set LUMEN_DEBUG=1 for a traceback)",
              file=sys.stderr)
        return 1


def _run(args: list[str]) -> int:
    """Load plugins, build the command tree and run it, mapping click's outcomes to exit codes."""
    try:
        host = get_host()
    except PluginLoadError:
        return 1  # strict mode: the failures were printed as errors
    cli = build_cli(host)
    try:
        result = cli.main(args=args, prog_name="lumen", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as error:
        click.echo(error.format_message(), err=True)
        return error.exit_code
    except click.UsageError as error:
        _show_usage_error(error)
        return error.exit_code
    except click.ClickException as error:
        click.echo(f"error: {_sentence(error.format_message())}", err=True)
        return error.exit_code
    except click.Abort as error:
        return 130 if isinstance(error.__cause__, KeyboardInterrupt) else 1
    except PluginLoadError:
        return 1  # strict mode: a plugin failed while the command ran (already reported)
    except SystemExit as exit_:
        return _system_exit_code(exit_.code)
    return result if isinstance(result, int) and not isinstance(result, bool) else 0


def _system_exit_code(code: Any) -> int:
    """The exit status of ``sys.exit(code)``: ``None`` is 0, an int itself, anything else is printed and gives 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _show_usage_error(error: click.UsageError) -> None:
    """Usage line, help hint and ``error: <message>`` on stderr."""
    ctx = error.ctx
    if ctx is not None:
        click.echo(ctx.get_usage(), err=True)
        if ctx.command.get_help_option(ctx) is not None:
            click.echo(f"Try '{ctx.command_path} --help' for help.", err=True)
        click.echo(err=True)
    click.echo(f"error: {_sentence(error.format_message())}", err=True)


def _sentence(message: str) -> str:
    """Lower-case the first letter of click's capitalised messages (``No such command`` → ``no such command``)."""
    if len(message) > 1 and message[0].isupper() and message[1].islower():
        return message[0].lower() + message[1:]
    return message


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's final flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
