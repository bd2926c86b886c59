"""`lumen test [PATH…] [--filter TEXT] [-v|--verbose] [--fuel N]` (TOOLING.md §2.4).

Runs the `test_*` cells of the sources under PATH (default `.`), each in fresh runtime state, and prints one line
per test, the failures and the summary `N passed, M failed` on stdout. Exit 1 when a test failed or no source was
found, 130 when interrupted, else 0.
"""
from __future__ import annotations

import sys
from typing import Optional

import click


@click.command(name="test")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--filter", "name_filter", default=None, metavar="TEXT", help="Run only tests whose name contains TEXT.")
@click.option("-v", "--verbose", is_flag=True, help="Show each test's duration.")
@click.option("--fuel", type=click.IntRange(min=0), default=None, metavar="N",
              help="Fuel budget per test (default: [runtime] test_fuel, else 10000000).")
def command(paths: tuple[str, ...], name_filter: Optional[str], verbose: bool, fuel: Optional[int]) -> int:
    """Run the test cells of Lumen files."""
    from lumen_kernel.config import ConfigError
    from lumen_kernel.plugin_host import get_host
    from lumen_kernel.tooling.testing import NoSources, TestInterrupted, TestRunner, collect_sources, write_report

    try:
        files = collect_sources(paths or (".",))
    except NoSources as error:
        raise click.ClickException(str(error)) from None
    runner = TestRunner(host=get_host(), fuel=fuel, name_filter=name_filter, color=_color())
    try:
        results = write_report(runner.run_files(files), sys.stdout, verbose=verbose)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    except TestInterrupted:
        sys.stdout.flush()
        return 130
    return 1 if any(not result.passed for result in results) else 0


def _color() -> bool:
    from lumen_kernel.cli.app import color_enabled

    return color_enabled(sys.stdout)


__all__ = ["command"]
